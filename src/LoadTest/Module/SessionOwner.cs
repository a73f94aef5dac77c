using System;
using System.Management.Automation.Runspaces;

namespace LoadTest.Module;

/// <summary>Identifies the PowerShell session (runspace) a test server belongs to.</summary>
internal static class SessionOwner
{
    public static Guid Current => Runspace.DefaultRunspace?.InstanceId ?? Guid.Empty;
}
