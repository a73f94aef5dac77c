using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using LoadTest.Engine.Accounting;
using LoadTest.Parameters;
using LoadTest.Run;

namespace LoadTest.Commands;

/// <summary>
/// <para type="synopsis">Checks a run summary against thresholds: passes it on when all hold, stops with an error that lists each that does not.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Assert, "RunSummary")]
[OutputType(typeof(RunSummary), typeof(ThresholdResult))]
public sealed class AssertRunSummaryCommand : PSCmdlet
{
    private const string CheckPassRatePrefix = "CheckPassRate[";

    private JUnitFile? _junit;

    /// <summary>
    /// <para type="description">The summary to check, from Invoke-BoundedRequest -Summary or Merge-RunSummary, also after remoting or Import-Clixml.</para>
    /// </summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>
    /// <para type="description">Largest share of failed requests allowed: a fraction from 0 to 1 (0.01) or a percentage ('1%'). A bare number above 1 is refused as ambiguous.</para>
    /// </summary>
    [Parameter]
    [PercentageTransformation]
    [ValidateRange(0.0, 1.0)]
    public double MaxErrorRate { get; set; }

    /// <summary>
    /// <para type="description">Most failed requests allowed.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long MaxErrorCount { get; set; }

    /// <summary>
    /// <para type="description">Largest median latency allowed, in milliseconds (measured from each request's start; -MaxCorrectedP50Ms judges it from the scheduled start).</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double MaxP50Ms { get; set; }

    /// <summary>
    /// <para type="description">Largest 90th percentile latency allowed, in milliseconds.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double MaxP90Ms { get; set; }

    /// <summary>
    /// <para type="description">Largest 95th percentile latency allowed, in milliseconds.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double MaxP95Ms { get; set; }

    /// <summary>
    /// <para type="description">Largest 99th percentile latency allowed, in milliseconds, measured from each request's start (the same P99Ms in every command; -MaxCorrectedP99Ms judges it from the scheduled start).</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double MaxP99Ms { get; set; }

    /// <summary>
    /// <para type="description">Largest 99.9th percentile latency allowed, in milliseconds.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double MaxP999Ms { get; set; }

    /// <summary>
    /// <para type="description">Largest latency allowed for any request, in milliseconds.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double MaxLatencyMs { get; set; }

    /// <summary>
    /// <para type="description">Largest corrected median latency allowed (from each request's scheduled start under -RequestsPerSecond), in milliseconds; the same as the plain latency for a run without a schedule.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double MaxCorrectedP50Ms { get; set; }

    /// <summary>
    /// <para type="description">Largest corrected 90th percentile latency allowed, in milliseconds.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double MaxCorrectedP90Ms { get; set; }

    /// <summary>
    /// <para type="description">Largest corrected 95th percentile latency allowed, in milliseconds.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double MaxCorrectedP95Ms { get; set; }

    /// <summary>
    /// <para type="description">Largest corrected 99th percentile latency allowed (from each request's scheduled start, so that waiting for a slot counts), in milliseconds: the gate for coordinated omission.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double MaxCorrectedP99Ms { get; set; }

    /// <summary>
    /// <para type="description">Largest corrected 99.9th percentile latency allowed, in milliseconds.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double MaxCorrectedP999Ms { get; set; }

    /// <summary>
    /// <para type="description">Largest corrected latency allowed for any request, in milliseconds.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double MaxCorrectedLatencyMs { get; set; }

    /// <summary>
    /// <para type="description">Smallest rate allowed, in requests per second.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double MinRequestsPerSecond { get; set; }

    /// <summary>
    /// <para type="description">Fewest requests the run must have completed.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long MinCount { get; set; }

    /// <summary>
    /// <para type="description">The only status codes allowed; a response with any other code fails the check.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(100, 999)]
    public int[]? AllowedStatusCode { get; set; }

    /// <summary>
    /// <para type="description">Judge one step of a -Flow run instead of the whole run: the conditions are measured on that step's requests (its error rate, count and latency; its rate is its count over the run's time), such as -Step login -MaxP99Ms 200.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Step { get; set; }

    /// <summary>
    /// <para type="description">Smallest share of check judgements that passed, over all checks of -Check together (k6's checks rate): a fraction from 0 to 1 (0.99) or a percentage ('99%'); a bare number above 1 is refused as ambiguous. A summary without checks measures 0.</para>
    /// </summary>
    [Parameter]
    [PercentageTransformation]
    [ValidateRange(0.0, 1.0)]
    public double MinCheckPassRate { get; set; }

    /// <summary>
    /// <para type="description">Smallest pass rate per check, as a hashtable of check name (as in the summary's Checks, such as 'Json /status == ok'; wildcards allowed) to a fraction from 0 to 1. Each entry is one condition over the checks it names; a name that matches no check measures 0.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public IDictionary? MinCheckPassRateByName { get; set; }

    /// <summary>
    /// <para type="description">Write one LoadTest.ThresholdResult per condition (name, limit, measured, passed) instead of passing the summary on or failing.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Report { get; set; }

    /// <summary>
    /// <para type="description">Also write a JUnit XML report to this file: one testsuite, one testcase per condition, a failed one with its measured value and limit.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JUnitPath { get; set; }

    /// <inheritdoc/>
    protected override void BeginProcessing()
    {
        if (MinCheckPassRateByName is not null && CheckRates(out ErrorRecord? refused) is null)
        {
            ThrowTerminatingError(refused!);
        }

        if (Conditions().Count == 0)
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(
                ErrorIds.NoThresholds, ErrorCategory.InvalidArgument, null,
                "Give at least one condition, such as -MaxErrorRate 0.01 or -MaxP99Ms 250."));
        }

        if (JUnitPath is not null)
        {
            _junit = new JUnitFile(this, JUnitPath, "Assert-RunSummary");
        }
    }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        SummaryReader? summary = SummaryReader.TryCreate(InputObject);
        if (summary is null)
        {
            WriteError(ErrorRecordFactory.Create(
                ErrorIds.InvalidSummary, ErrorCategory.InvalidType, InputObject,
                "The input is not a run summary. Pipe the output of Invoke-BoundedRequest -Summary or Merge-RunSummary."));
            return;
        }

        SummaryReader measured = summary;
        if (Step is not null)
        {
            if (FindStep(summary, Step) is not { } step)
            {
                WriteError(ErrorRecordFactory.Create(
                    ErrorIds.StepNotFound, ErrorCategory.ObjectNotFound, Step,
                    $"The summary has no step '{Step}'. Its steps: {string.Join(", ", StepNames(summary))}."));
                return;
            }

            measured = step;
        }

        var results = new List<ThresholdResult>();
        foreach ((string name, bool atMost, double limit) in Conditions())
        {
            double value = name == "RequestsPerSecond" && Step is not null
                ? measured.Number("Count") / Math.Max(summary.Number("ElapsedSeconds"), 1e-9)
                : name.StartsWith("CheckPassRate", StringComparison.Ordinal)
                ? MeasureChecks(summary, name)
                : Measure(measured, name);
            bool passed = atMost ? value <= limit : value >= limit;
            results.Add(new ThresholdResult(Step is null ? name : Step + ": " + name, atMost ? "<=" : ">=", limit, value, passed));
        }

        if (_junit is not null)
        {
            // Written before any error below, which ends the command.
            _junit.Report.NextInput(summary.Duration("Elapsed").TotalSeconds);
            foreach (ThresholdResult result in results)
            {
                if (result.Passed)
                {
                    _junit.Report.Passed(result.Condition, MeasuredAgainstLimit(result));
                }
                else
                {
                    _junit.Report.Failed(result.Condition, MeasuredAgainstLimit(result), ErrorIds.ThresholdFailed);
                }
            }

            _junit.Save(this);
        }

        if (Report)
        {
            WriteObject(results, enumerateCollection: true);
            return;
        }

        var failures = new List<string>();
        foreach (ThresholdResult result in results)
        {
            if (!result.Passed)
            {
                failures.Add(MeasuredAgainstLimit(result));
            }
        }

        if (failures.Count > 0)
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(
                new InvalidOperationException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{failures.Count} of {results.Count} thresholds failed: {string.Join("; ", failures)}.")),
                ErrorIds.ThresholdFailed,
                ErrorCategory.LimitsExceeded,
                InputObject));
        }

        WriteObject(InputObject);
    }

    private static SummaryReader? FindStep(SummaryReader summary, string name)
    {
        foreach (ISummaryFields step in summary.Items("Steps"))
        {
            if (string.Equals(step.Text("Name"), name, StringComparison.OrdinalIgnoreCase))
            {
                return (SummaryReader)step;
            }
        }

        return null;
    }

    private static IEnumerable<string?> StepNames(SummaryReader summary)
    {
        foreach (ISummaryFields step in summary.Items("Steps"))
        {
            yield return step.Text("Name");
        }
    }

    /// <summary>"P99Ms is 312.4, limit &lt;= 250": the measured value against the limit.</summary>
    private static string MeasuredAgainstLimit(ThresholdResult result) => string.Create(
        CultureInfo.InvariantCulture,
        $"{result.Name} is {result.Measured:0.###}, limit {result.Comparison} {result.Limit:0.###}");

    private double Measure(SummaryReader summary, string name)
    {
        switch (name)
        {
            case "ErrorRate":
                double count = summary.Number("Count");
                return count == 0 ? 0 : summary.Number("Failed") / count;
            case "ErrorCount":
                return summary.Number("Failed");
            case "UnexpectedStatusCodes":
                long unexpected = 0;
                foreach (KeyValuePair<string, long> code in summary.Counts("StatusCodeCounts"))
                {
                    if (Array.IndexOf(AllowedStatusCode!, int.Parse(code.Key, CultureInfo.InvariantCulture)) < 0)
                    {
                        unexpected += code.Value;
                    }
                }

                return unexpected;
            case "CorrectedP50Ms":
                return Corrected(summary, 50);
            case "CorrectedP90Ms":
                return Corrected(summary, 90);
            case "CorrectedP95Ms":
                return Corrected(summary, 95);
            case "CorrectedP99Ms":
                return Corrected(summary, 99);
            case "CorrectedP999Ms":
                return Corrected(summary, 99.9);
            case "CorrectedMaxMs":
                return Corrected(summary, 100);
            default:
                return summary.Number(name);
        }
    }

    /// <summary>
    /// Passes over judgements of the summary's checks (all, or those a CheckPassRate[name] condition names),
    /// 0 when none was judged. With -Step, only that step's checks, which the summary counts as "step: name".
    /// </summary>
    private double MeasureChecks(SummaryReader summary, string condition)
    {
        WildcardPattern? names = condition.StartsWith(CheckPassRatePrefix, StringComparison.Ordinal)
            ? new WildcardPattern(condition[CheckPassRatePrefix.Length..^1], WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant)
            : null;
        string? scope = Step is null ? null : Step + ": ";
        var tally = new CheckTally();
        tally.AddSummary(summary);
        long passed = 0;
        long judged = 0;
        foreach (CheckCount check in tally.ToCounts())
        {
            if (scope is not null && !check.Name.StartsWith(scope, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            string name = scope is null ? check.Name : check.Name[scope.Length..];
            if (names is null || names.IsMatch(name))
            {
                passed += check.Passed;
                judged += check.Count;
            }
        }

        return judged == 0 ? 0 : (double)passed / judged;
    }

    /// <summary>-MinCheckPassRateByName as (name pattern, fraction) in a fixed order; null, with the error, when a value is not a fraction.</summary>
    private List<(string Name, double Limit)>? CheckRates(out ErrorRecord? error)
    {
        error = null;
        var rates = new List<(string, double)>();
        foreach (DictionaryEntry entry in MinCheckPassRateByName!)
        {
            string name = entry.Key?.ToString() ?? string.Empty;
            object? value = entry.Value is PSObject ps ? ps.BaseObject : entry.Value;
            double rate = value is int or long or double or float or decimal or short or byte ? Convert.ToDouble(value, CultureInfo.InvariantCulture) : double.NaN;
            if (name.Length == 0 || !(rate is >= 0 and <= 1))
            {
                error = ErrorRecordFactory.Create(
                    ErrorIds.InvalidCheckPassRate, ErrorCategory.InvalidArgument, entry.Value,
                    $"-MinCheckPassRateByName takes check names and fractions from 0 to 1, such as @{{ 'StatusCode 200' = 1; 'Json /status == ok' = 0.99 }}; '{name}' = '{value}' is not.");
                return null;
            }

            rates.Add((name, rate));
        }

        rates.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return rates;
    }

    /// <summary>
    /// A corrected percentile (100: the maximum) from the summary's corrected histogram, so that it reads the same
    /// live and after Export-Clixml or ConvertTo-Json; a summary (or a step) without one was not scheduled, and its
    /// corrected latency is its latency.
    /// </summary>
    private static double Corrected(SummaryReader summary, double percentile)
    {
        string? code = summary.Text("CorrectedHistogram") is { Length: > 0 } corrected ? corrected : summary.Text("Histogram");
        if (string.IsNullOrEmpty(code))
        {
            return summary.Number(percentile == 100 ? "MaxMs" : percentile == 99.9 ? "P999Ms" : string.Create(CultureInfo.InvariantCulture, $"P{percentile}Ms"));
        }

        HdrHistogram.HistogramBase histogram = Engine.Accounting.LatencyHistogram.Decode(code);
        return percentile == 100 ? Reporting.SummaryMeasures.MaxMs(histogram) : Reporting.SummaryMeasures.ValueAtPercentileMs(histogram, percentile);
    }

    private List<(string Name, bool AtMost, double Limit)> Conditions()
    {
        var bound = MyInvocation.BoundParameters;
        var conditions = new List<(string, bool, double)>();
        void Add(string parameter, string name, bool atMost, double limit)
        {
            if (bound.ContainsKey(parameter))
            {
                conditions.Add((name, atMost, limit));
            }
        }

        Add(nameof(MaxErrorRate), "ErrorRate", true, MaxErrorRate);
        Add(nameof(MaxErrorCount), "ErrorCount", true, MaxErrorCount);
        Add(nameof(MaxP50Ms), "P50Ms", true, MaxP50Ms);
        Add(nameof(MaxP90Ms), "P90Ms", true, MaxP90Ms);
        Add(nameof(MaxP95Ms), "P95Ms", true, MaxP95Ms);
        Add(nameof(MaxP99Ms), "P99Ms", true, MaxP99Ms);
        Add(nameof(MaxP999Ms), "P999Ms", true, MaxP999Ms);
        Add(nameof(MaxLatencyMs), "MaxMs", true, MaxLatencyMs);
        Add(nameof(MaxCorrectedP50Ms), "CorrectedP50Ms", true, MaxCorrectedP50Ms);
        Add(nameof(MaxCorrectedP90Ms), "CorrectedP90Ms", true, MaxCorrectedP90Ms);
        Add(nameof(MaxCorrectedP95Ms), "CorrectedP95Ms", true, MaxCorrectedP95Ms);
        Add(nameof(MaxCorrectedP99Ms), "CorrectedP99Ms", true, MaxCorrectedP99Ms);
        Add(nameof(MaxCorrectedP999Ms), "CorrectedP999Ms", true, MaxCorrectedP999Ms);
        Add(nameof(MaxCorrectedLatencyMs), "CorrectedMaxMs", true, MaxCorrectedLatencyMs);
        Add(nameof(MinRequestsPerSecond), "RequestsPerSecond", false, MinRequestsPerSecond);
        Add(nameof(MinCount), "Count", false, MinCount);
        Add(nameof(AllowedStatusCode), "UnexpectedStatusCodes", true, 0);
        Add(nameof(MinCheckPassRate), "CheckPassRate", false, MinCheckPassRate);
        if (MinCheckPassRateByName is not null && CheckRates(out _) is { } rates)
        {
            foreach ((string name, double limit) in rates)
            {
                conditions.Add((CheckPassRatePrefix + name + "]", false, limit));
            }
        }

        return conditions;
    }
}
