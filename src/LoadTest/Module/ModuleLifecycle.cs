using System;
using System.Management.Automation;
using System.Threading;
using LoadTest.Server;
using LoadTest.Wire.Connections;

namespace LoadTest.Module;

/// <summary>
/// Sets the module up on import (its dependencies' load context, the process-exit hook) and stops a
/// session's test servers when it removes the module, and every server when the process exits. When the
/// module leaves the last session that had it, the socket loops stop: no thread or descriptor of LoadTest's
/// stays behind in the process (the assembly itself stays loaded, as .NET keeps every assembly).
/// </summary>
public sealed class ModuleLifecycle : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static int s_exitHookInstalled;
    private static int s_sessions;

    /// <inheritdoc/>
    public void OnImport()
    {
        DependencyLoadContext.Register();
        Interlocked.Increment(ref s_sessions);

        // Each session that imports the module calls this; one process-exit hook is enough.
        if (Interlocked.Exchange(ref s_exitHookInstalled, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += static (_, _) => TestServerRegistry.StopAll();
        }
    }

    /// <inheritdoc/>
    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        TestServerRegistry.StopOwnedBy(SessionOwner.Current);
        if (Interlocked.Decrement(ref s_sessions) == 0)
        {
            SocketLoop.Stop();
        }
    }
}
