using System;
using System.Management.Automation;
using LoadTest.Engine.Accounting;
using LoadTest.Parameters;
using LoadTest.Run;

namespace LoadTest.Commands;

/// <summary>
/// <para type="synopsis">Merges run summaries (and request results) into one summary with exact combined percentiles.</para>
/// </summary>
[Cmdlet(VerbsData.Merge, "RunSummary")]
[OutputType(typeof(RunSummary))]
public sealed class MergeRunSummaryCommand : PSCmdlet
{
    private readonly SummaryBuilder _merger = new();

    /// <summary>
    /// <para type="description">Summaries from Invoke-BoundedRequest -Summary (live, or back from remoting, jobs, Import-Clixml or JSON), or request results (live, or from Import-Csv).</para>
    /// </summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        if (InputObject is null)
        {
            return;
        }

        SummaryReader input = SummaryReader.Over(InputObject);
        try
        {
            if (input.IsSummary)
            {
                _merger.AddSummary(input);
            }
            else if (input.IsResult)
            {
                _merger.AddResult(input);
            }
            else
            {
                WriteError(NotASummary(null));
            }
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or ArgumentException or IndexOutOfRangeException)
        {
            WriteError(NotASummary(ex));
        }
    }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        if (_merger.Inputs > 0)
        {
            WriteObject(new RunSummary(_merger));
        }
    }

    private ErrorRecord NotASummary(Exception? cause) => ErrorRecordFactory.Create(
        new ArgumentException(
            "The input is not a run summary or a request result" + (cause is null ? "." : $": {cause.Message}") +
            " Pipe summaries from Invoke-BoundedRequest -Summary, or its results.",
            cause),
        ErrorIds.InvalidSummary,
        ErrorCategory.InvalidData,
        InputObject);
}
