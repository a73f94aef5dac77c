using System.IO;
using System.Management.Automation;
using HdrHistogram;
using LoadTest.Engine.Accounting;
using LoadTest.Parameters;
using LoadTest.Reporting;
using LoadTest.Run;

namespace LoadTest.Commands;

/// <summary>
/// <para type="synopsis">Writes the latency distribution of run summaries to a file in HdrHistogram's percentile distribution format (.hgrm), in milliseconds.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "RunHistogram")]
[OutputType(typeof(FileInfo))]
public sealed class ExportRunHistogramCommand : PSCmdlet
{
    private readonly HistogramBase _histogram = LatencyHistogram.Create();
    private int _summaries;

    /// <summary>
    /// <para type="description">The file to write, usually with the extension .hgrm; an existing file is replaced.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>
    /// <para type="description">Summaries from Invoke-BoundedRequest -Summary or Merge-RunSummary, live or read back with Import-Clixml or ConvertFrom-Json; several are added into one distribution, as Merge-RunSummary would.</para>
    /// </summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>
    /// <para type="description">Write the corrected latency (from each request's scheduled start under -RequestsPerSecond) instead of the plain latency.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Corrected { get; set; }

    /// <summary>
    /// <para type="description">Rows per halving of the distance to the 100th percentile: 5 (HdrHistogram's default) gives 50, 55, 60, ... 90, 91.25, ...; more gives finer rows.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int TicksPerHalfDistance { get; set; } = HgrmFormat.DefaultTicksPerHalfDistance;

    /// <summary>
    /// <para type="description">Write the file's System.IO.FileInfo to the pipeline.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        SummaryMeasures? summary = SummaryInput.TryRead(InputObject, out string problem);
        if (summary is null)
        {
            WriteError(SummaryInput.NotASummary(InputObject, problem));
            return;
        }

        _histogram.Add(summary.Histogram(Corrected));
        _summaries++;
    }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        if (_summaries == 0)
        {
            return;
        }

        string path = OutputFile.Write(
            this, Path, "the histogram", ErrorIds.HistogramWriteFailed,
            resolved => File.WriteAllText(resolved, HgrmFormat.Write(_histogram, TicksPerHalfDistance)));

        if (PassThru)
        {
            WriteObject(new FileInfo(path));
        }
    }
}
