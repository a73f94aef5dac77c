using System;
using System.Management.Automation;
using System.Threading;
using LoadTest.Server;

namespace LoadTest.Module;

/// <summary>
/// Sets the module up on import (its dependencies' load context, the process-exit hook) and stops a
/// session's test servers when it removes the module, and every server when the process exits.
/// </summary>
public sealed class ModuleLifecycle : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static int s_exitHookInstalled;

    /// <inheritdoc/>
    public void OnImport()
    {
        DependencyLoadContext.Register();

        // Each session that imports the module calls this; one process-exit hook is enough.
        if (Interlocked.Exchange(ref s_exitHookInstalled, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += static (_, _) => TestServerRegistry.StopAll();
        }
    }

    /// <inheritdoc/>
    public void OnRemove(PSModuleInfo psModuleInfo) => TestServerRegistry.StopOwnedBy(SessionOwner.Current);
}
