using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Text;
using LoadTest.Parameters;
using LoadTest.Reporting;
using LoadTest.Run;

namespace LoadTest.Commands;

/// <summary>
/// <para type="synopsis">Writes run summaries to one self-contained HTML report: what was run, threshold verdicts, and charts of rate, latency, failures, status codes and the latency distribution, several runs overlaid.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "RunReport")]
[OutputType(typeof(FileInfo))]
public sealed class ExportRunReportCommand : PSCmdlet
{
    private readonly List<ReportRun> _runs = new();
    private readonly List<ReportVerdict> _verdicts = new();
    private readonly List<ReportComparison> _comparisons = new();

    /// <summary>
    /// <para type="description">The HTML file to write, usually with the extension .html; an existing file is replaced.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>
    /// <para type="description">Summaries from Invoke-BoundedRequest -Summary or Merge-RunSummary, live or read back with Import-Clixml or ConvertFrom-Json; with two or more, every chart overlays them, in the order they came.</para>
    /// </summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [Alias("Summary")]
    public PSObject? InputObject { get; set; }

    /// <summary>
    /// <para type="description">The report's title, shown as its heading and in the browser's tab.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Title { get; set; } = "LoadTest report";

    /// <summary>
    /// <para type="description">A name for each summary, in the order they come, such as 'baseline', 'candidate'; summaries without one are called Run 1, Run 2, ...</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Label { get; set; }

    /// <summary>
    /// <para type="description">Threshold verdicts to show at the top of the report: the output of Assert-RunSummary -Report, live or read back from a file.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    public PSObject[]? Threshold { get; set; }

    /// <summary>
    /// <para type="description">Compare-RunSummary's rows (live, or read back from a file) to show at the top of the report: each measure in the baseline and the candidate, its change, its limit and its verdict. Give the baseline and the candidate as the summaries, with -Label 'baseline', 'candidate'.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    public PSObject[]? Comparison { get; set; }

    /// <summary>
    /// <para type="description">Write the report's System.IO.FileInfo to the pipeline.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc/>
    protected override void BeginProcessing()
    {
        foreach (PSObject item in Threshold ?? Array.Empty<PSObject>())
        {
            SummaryReader verdict = SummaryReader.Over(item);
            string? name = verdict.Text("Name");
            if (string.IsNullOrEmpty(name) || verdict.Text("Passed") is null || verdict.Text("Measured") is null)
            {
                ThrowTerminatingError(ErrorRecordFactory.Create(
                    ErrorIds.InvalidThreshold, ErrorCategory.InvalidArgument, item,
                    "-Threshold takes the output of Assert-RunSummary -Report: objects with Name, Measured and Passed."));
            }

            string condition = verdict.Text("Condition") ?? string.Create(
                CultureInfo.InvariantCulture,
                $"{name} {verdict.Text("Comparison")} {verdict.Number("Limit"):0.###}");
            _verdicts.Add(new ReportVerdict(condition, verdict.Number("Measured"), verdict.Flag("Passed")));
        }

        foreach (PSObject item in Comparison ?? Array.Empty<PSObject>())
        {
            ReportComparison? row = ReportComparison.Read(SummaryReader.Over(item));
            if (row is null)
            {
                ThrowTerminatingError(ErrorRecordFactory.Create(
                    ErrorIds.InvalidComparison, ErrorCategory.InvalidArgument, item,
                    "-Comparison takes the output of Compare-RunSummary: objects with Measure, Baseline, Candidate and Verdict."));
                return;
            }

            _comparisons.Add(row);
        }
    }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        SummaryMeasures? measures = SummaryInput.TryRead(InputObject, out string problem);
        if (measures is null)
        {
            WriteError(SummaryInput.NotASummary(InputObject, problem));
            return;
        }

        int index = _runs.Count;
        string label = Label is not null && index < Label.Length ? Label[index] : $"Run {index + 1}";
        _runs.Add(ReportRun.Read(label, SummaryReader.Over(InputObject!), measures));
    }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        if (_runs.Count == 0)
        {
            WriteError(ErrorRecordFactory.Create(
                ErrorIds.NoSummary, ErrorCategory.InvalidArgument, null,
                "No run summary came in, so no report was written. Pipe the output of Invoke-BoundedRequest -Summary or Merge-RunSummary."));
            return;
        }

        string path = OutputFile.Write(
            this, Path, "the report", ErrorIds.ReportWriteFailed,
            resolved => File.WriteAllText(resolved, ReportPage.Write(Title, _runs, _verdicts, _comparisons), new UTF8Encoding(false)));

        if (PassThru)
        {
            WriteObject(new FileInfo(path));
        }
    }
}
