using System;
using System.Linq;
using System.Management.Automation;
using System.Reflection;

namespace LoadTest.Run;

/// <summary>
/// The exception with which Select-Object -First ends the commands before it in a pipeline while the rest of the
/// pipeline goes on. PowerShell keeps it internal (PowerShell/PowerShell#3821), so it is made by reflection; where
/// a PowerShell lacks it, Create returns null and the cmdlet reads the rest of its input without sending it.
/// </summary>
internal static class UpstreamStop
{
    private static readonly ConstructorInfo? s_constructor = typeof(PSObject).Assembly
        .GetType("System.Management.Automation.StopUpstreamCommandsException")?
        .GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
        .FirstOrDefault(constructor => constructor.GetParameters() is [{ } parameter] && parameter.ParameterType.IsAssignableFrom(typeof(Cmdlet)));

    /// <summary>The exception that stops the commands before <paramref name="command"/>; null when there is none.</summary>
    public static Exception? Create(Cmdlet command) => s_constructor?.Invoke([command]) as Exception;
}
