using System;
using System.Management.Automation;
using LoadTest.Parameters;
using LoadTest.Reporting;

namespace LoadTest.Run;

/// <summary>
/// Reads a summary from the pipeline, live or a copy (remoting, Import-Clixml, ConvertFrom-Json), into the
/// measures the reporting cmdlets use, and builds their InvalidSummary error when it is not one.
/// </summary>
internal static class SummaryInput
{
    /// <summary>The summary's measures, or null with the reason in <paramref name="problem"/>.</summary>
    public static SummaryMeasures? TryRead(PSObject? input, out string problem)
    {
        SummaryReader? reader = input is null ? null : SummaryReader.TryCreate(input);
        if (reader is null || !reader.IsSummary)
        {
            problem = "The input is not a run summary.";
            return null;
        }

        try
        {
            problem = string.Empty;
            return SummaryMeasures.Read(reader);
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            problem = $"The summary's histogram cannot be read: {ex.Message}";
            return null;
        }
    }

    public static ErrorRecord NotASummary(object? target, string problem) => ErrorRecordFactory.Create(
        ErrorIds.InvalidSummary,
        ErrorCategory.InvalidData,
        target,
        problem + " Pipe the output of Invoke-BoundedRequest -Summary or Merge-RunSummary (also after remoting, Import-Clixml or ConvertFrom-Json).");
}
