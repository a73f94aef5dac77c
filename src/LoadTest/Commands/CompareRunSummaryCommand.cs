using System;
using System.Collections.Generic;
using System.Management.Automation;
using LoadTest.Parameters;
using LoadTest.Reporting;
using LoadTest.Run;

namespace LoadTest.Commands;

/// <summary>
/// <para type="synopsis">Compares a candidate run with a baseline run, measure by measure, and writes an error for each measure that regressed past its tolerance.</para>
/// </summary>
[Cmdlet(VerbsData.Compare, "RunSummary")]
[OutputType(typeof(SummaryComparison))]
public sealed class CompareRunSummaryCommand : PSCmdlet
{
    private SummaryMeasures? _baseline;
    private ComparisonLimits? _limits;
    private JUnitFile? _junit;

    /// <summary>
    /// <para type="description">The summary to compare against, from Invoke-BoundedRequest -Summary or Merge-RunSummary, live or read back with Import-Clixml or ConvertFrom-Json.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0)]
    public PSObject? Baseline { get; set; }

    /// <summary>
    /// <para type="description">The summary to judge, in any form Baseline takes; several from the pipeline are each compared with the baseline.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    public PSObject? Candidate { get; set; }

    /// <summary>
    /// <para type="description">Largest drop in requests per second allowed, as a share of the baseline's rate: '10%' or 0.1 (a bare number above 1 is refused as ambiguous; write '150%').</para>
    /// </summary>
    [Parameter]
    [PercentageTransformation]
    [ValidateRange(0.0, double.MaxValue)]
    public double MaxThroughputDecrease { get; set; }

    /// <summary>
    /// <para type="description">Largest rise in the error rate allowed, in percentage points of all requests: '1%' or 0.01 lets 2 % failed requests pass against a baseline with 1 %.</para>
    /// </summary>
    [Parameter]
    [PercentageTransformation]
    [ValidateRange(0.0, double.MaxValue)]
    public double MaxErrorRateIncrease { get; set; }

    /// <summary>
    /// <para type="description">Largest rise in the median latency (from each request's start: P50Ms) allowed, as a share of the baseline's: '10%' or 0.1; -MaxCorrectedP50Increase judges the corrected one.</para>
    /// </summary>
    [Parameter]
    [PercentageTransformation]
    [ValidateRange(0.0, double.MaxValue)]
    public double MaxP50Increase { get; set; }

    /// <summary>
    /// <para type="description">Largest rise in the 90th percentile latency (from each request's start: P90Ms) allowed, as a share of the baseline's: '10%' or 0.1; -MaxCorrectedP90Increase judges the corrected one.</para>
    /// </summary>
    [Parameter]
    [PercentageTransformation]
    [ValidateRange(0.0, double.MaxValue)]
    public double MaxP90Increase { get; set; }

    /// <summary>
    /// <para type="description">Largest rise in the 99th percentile latency (from each request's start: P99Ms) allowed, as a share of the baseline's: '10%' or 0.1; -MaxCorrectedP99Increase judges the corrected one.</para>
    /// </summary>
    [Parameter]
    [PercentageTransformation]
    [ValidateRange(0.0, double.MaxValue)]
    public double MaxP99Increase { get; set; }

    /// <summary>
    /// <para type="description">Largest rise in the 99.9th percentile latency (from each request's start: P999Ms) allowed, as a share of the baseline's: '10%' or 0.1; -MaxCorrectedP999Increase judges the corrected one.</para>
    /// </summary>
    [Parameter]
    [PercentageTransformation]
    [ValidateRange(0.0, double.MaxValue)]
    public double MaxP999Increase { get; set; }

    /// <summary>
    /// <para type="description">Largest rise in the slowest request's latency (MaxMs) allowed, as a share of the baseline's: '50%' or 0.5; -MaxCorrectedMaxIncrease judges the corrected one.</para>
    /// </summary>
    [Parameter]
    [PercentageTransformation]
    [ValidateRange(0.0, double.MaxValue)]
    public double MaxMaxIncrease { get; set; }

    /// <summary>
    /// <para type="description">Largest rise in the corrected median latency (from each request's scheduled start: CorrectedP50Ms) allowed, as a share of the baseline's: '10%' or 0.1. Judged when either run had a rate schedule.</para>
    /// </summary>
    [Parameter]
    [PercentageTransformation]
    [ValidateRange(0.0, double.MaxValue)]
    public double MaxCorrectedP50Increase { get; set; }

    /// <summary>
    /// <para type="description">Largest rise in the corrected 90th percentile latency (from each request's scheduled start: CorrectedP90Ms) allowed, as a share of the baseline's: '10%' or 0.1. Judged when either run had a rate schedule.</para>
    /// </summary>
    [Parameter]
    [PercentageTransformation]
    [ValidateRange(0.0, double.MaxValue)]
    public double MaxCorrectedP90Increase { get; set; }

    /// <summary>
    /// <para type="description">Largest rise in the corrected 99th percentile latency (from each request's scheduled start: CorrectedP99Ms) allowed, as a share of the baseline's: '10%' or 0.1. Judged when either run had a rate schedule.</para>
    /// </summary>
    [Parameter]
    [PercentageTransformation]
    [ValidateRange(0.0, double.MaxValue)]
    public double MaxCorrectedP99Increase { get; set; }

    /// <summary>
    /// <para type="description">Largest rise in the corrected 99.9th percentile latency (from each request's scheduled start: CorrectedP999Ms) allowed, as a share of the baseline's: '10%' or 0.1. Judged when either run had a rate schedule.</para>
    /// </summary>
    [Parameter]
    [PercentageTransformation]
    [ValidateRange(0.0, double.MaxValue)]
    public double MaxCorrectedP999Increase { get; set; }

    /// <summary>
    /// <para type="description">Largest rise in the corrected slowest request's latency (from each request's scheduled start: CorrectedMaxMs) allowed, as a share of the baseline's: '10%' or 0.1. Judged when either run had a rate schedule.</para>
    /// </summary>
    [Parameter]
    [PercentageTransformation]
    [ValidateRange(0.0, double.MaxValue)]
    public double MaxCorrectedMaxIncrease { get; set; }

    /// <summary>
    /// <para type="description">Also write a JUnit XML report to this file: one testsuite, one testcase per measure (failed for a regression, skipped when no tolerance applies).</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JUnitPath { get; set; }

    /// <inheritdoc/>
    protected override void BeginProcessing()
    {
        _baseline = SummaryInput.TryRead(Baseline, out string problem);
        if (_baseline is null)
        {
            ThrowTerminatingError(SummaryInput.NotASummary(Baseline, "-Baseline: " + problem));
        }

        var bound = MyInvocation.BoundParameters;
        double? Given(string name, double value) => bound.ContainsKey(name) ? value : null;
        _limits = new ComparisonLimits(
            Given(nameof(MaxThroughputDecrease), MaxThroughputDecrease),
            Given(nameof(MaxErrorRateIncrease), MaxErrorRateIncrease),
            Given(nameof(MaxP50Increase), MaxP50Increase),
            Given(nameof(MaxP90Increase), MaxP90Increase),
            Given(nameof(MaxP99Increase), MaxP99Increase),
            Given(nameof(MaxP999Increase), MaxP999Increase),
            Given(nameof(MaxMaxIncrease), MaxMaxIncrease),
            Given(nameof(MaxCorrectedP50Increase), MaxCorrectedP50Increase),
            Given(nameof(MaxCorrectedP90Increase), MaxCorrectedP90Increase),
            Given(nameof(MaxCorrectedP99Increase), MaxCorrectedP99Increase),
            Given(nameof(MaxCorrectedP999Increase), MaxCorrectedP999Increase),
            Given(nameof(MaxCorrectedMaxIncrease), MaxCorrectedMaxIncrease));
        if (JUnitPath is not null)
        {
            _junit = new JUnitFile(this, JUnitPath, "Compare-RunSummary");
        }
    }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        SummaryMeasures? candidate = SummaryInput.TryRead(Candidate, out string problem);
        if (candidate is null)
        {
            WriteError(SummaryInput.NotASummary(Candidate, problem));
            return;
        }

        List<SummaryComparison> rows = SummaryComparer.Compare(_baseline!, candidate, _limits!);
        WriteObject(rows, enumerateCollection: true);

        if (_junit is not null)
        {
            _junit.Report.NextInput(candidate.ElapsedSeconds);
            foreach (SummaryComparison row in rows)
            {
                switch (row.Verdict)
                {
                    case ComparisonVerdict.Regressed:
                        _junit.Report.Failed(row.Measure, row.Description, ErrorIds.RegressionDetected);
                        break;
                    case ComparisonVerdict.Passed:
                        _junit.Report.Passed(row.Measure, row.Description);
                        break;
                    default:
                        _junit.Report.Skipped(row.Measure, row.Description);
                        break;
                }
            }

            _junit.Save(this);
        }

        // Errors last: with -ErrorAction Stop the first one ends the command, and every row and the report are out by then.
        foreach (SummaryComparison row in rows)
        {
            if (row.Verdict == ComparisonVerdict.Regressed)
            {
                WriteError(ErrorRecordFactory.Create(
                    new InvalidOperationException("Regression: " + row.Description),
                    ErrorIds.RegressionDetected,
                    ErrorCategory.LimitsExceeded,
                    row));
            }
        }
    }
}
