using System;
using System.Management.Automation;
using System.Management.Automation.Host;

namespace LoadTest.Run;

/// <summary>
/// Whether a progress bar helps: not when $ProgressPreference silences it, and not in a console that
/// nobody watches (pwsh -NonInteractive, or output redirected as in CI logs), where it is only noise.
/// </summary>
internal static class ProgressPolicy
{
    public static bool ShouldWriteProgress(PSCmdlet cmdlet)
    {
        if (cmdlet.GetVariableValue("ProgressPreference") is ActionPreference preference
            && (preference == ActionPreference.SilentlyContinue || preference == ActionPreference.Ignore))
        {
            return false;
        }

        PSHost host = cmdlet.Host;
        if (host.Name != "ConsoleHost")
        {
            // Other hosts (an IDE, a runspace's Progress stream) decide for themselves.
            return true;
        }

        return !Console.IsOutputRedirected && !IsNonInteractive();
    }

    private static bool IsNonInteractive()
    {
        foreach (string argument in Environment.GetCommandLineArgs())
        {
            // pwsh accepts any unambiguous prefix of -NonInteractive down to -noni.
            if (argument.Length >= 5
                && argument[0] == '-'
                && "-noninteractive".StartsWith(argument, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
