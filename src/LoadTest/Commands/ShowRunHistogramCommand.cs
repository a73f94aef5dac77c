using System.Collections.Generic;
using System.Management.Automation;
using LoadTest.Reporting;
using LoadTest.Run;

namespace LoadTest.Commands;

/// <summary>
/// <para type="synopsis">Shows the latency percentiles of a run summary as a text chart, one line per percentile with a bar as long as its latency; with -OverTime, its rate and P99 over time as sparklines.</para>
/// </summary>
[Cmdlet(VerbsCommon.Show, "RunHistogram", DefaultParameterSetName = PercentilesSet)]
[OutputType(typeof(string))]
public sealed class ShowRunHistogramCommand : PSCmdlet
{
    private const string PercentilesSet = "Percentiles";
    private const string OverTimeSet = "OverTime";

    /// <summary>
    /// <para type="description">The summary to show, from Invoke-BoundedRequest -Summary or Merge-RunSummary, live or read back with Import-Clixml or ConvertFrom-Json; each of several gets a chart of its own.</para>
    /// </summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>
    /// <para type="description">The percentiles to show, from 0 to 100 (100 is the slowest request, shown as Max).</para>
    /// </summary>
    [Parameter(Position = 0, ParameterSetName = PercentilesSet)]
    [ValidateRange(0.0, 100.0)]
    [ValidateCount(1, 100)]
    public double[] Percentile { get; set; } = PercentileChart.DefaultPercentiles;

    /// <summary>
    /// <para type="description">Show the run over time instead: two sparklines, the rate and the P99 of each interval of the summary's time series, one column per interval or per few when they do not fit in -Width.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = OverTimeSet)]
    public SwitchParameter OverTime { get; set; }

    /// <summary>
    /// <para type="description">Show the corrected latency (from each request's scheduled start under -RequestsPerSecond) instead of the plain latency.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Corrected { get; set; }

    /// <summary>
    /// <para type="description">The widest a line may be, in characters.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(PercentileChart.MinWidth, 1000)]
    public int Width { get; set; } = PercentileChart.DefaultWidth;

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        SummaryMeasures? summary = SummaryInput.TryRead(InputObject, out string problem);
        if (summary is null)
        {
            WriteError(SummaryInput.NotASummary(InputObject, problem));
            return;
        }

        List<string> lines = OverTime
            ? Sparkline.Lines(ReportSeries.Read(SummaryReader.Over(InputObject!)), Width, Corrected)
            : PercentileChart.Lines(summary.Histogram(Corrected), Percentile, Width, Corrected);
        WriteObject(lines, enumerateCollection: true);
    }
}
