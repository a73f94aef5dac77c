using System.Management.Automation;
using LoadTest.Parameters;

namespace LoadTest.Run;

/// <summary>
/// Which port serves a run's metrics: -MetricsPort when given, otherwise the preference variable
/// $LoadTestMetricsPort (for every run of a session), otherwise none (0).
/// </summary>
internal static class MetricsPortSetting
{
    /// <summary>The preference variable's name, without $.</summary>
    public const string PreferenceVariable = "LoadTestMetricsPort";

    public static ErrorRecord? TryResolve(PSCmdlet cmdlet, bool given, int metricsPort, out int port)
    {
        port = metricsPort;
        if (given)
        {
            return null;
        }

        object? preference = cmdlet.SessionState.PSVariable.GetValue(PreferenceVariable);
        if (preference is null)
        {
            port = 0;
            return null;
        }

        if (LanguagePrimitives.TryConvertTo(preference, out int value) && value >= 0 && value <= 65535)
        {
            // 0 turns the preference off for a run.
            port = value;
            return null;
        }

        return ErrorRecordFactory.Create(
            ErrorIds.InvalidMetricsPort,
            ErrorCategory.InvalidArgument,
            preference,
            $"${PreferenceVariable} must be a port number from 1 to 65535 (or 0 for none), not '{preference}'.");
    }
}
