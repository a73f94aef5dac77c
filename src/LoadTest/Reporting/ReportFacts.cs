using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using LoadTest.Engine.Accounting;

namespace LoadTest.Reporting;

/// <summary>
/// What was run, as the rows of the report's header: one (name, value) pair per fact, in the order shown.
/// A fact a run does not have (no schedule, no failures) is left out; the page lines the runs up by name.
/// </summary>
internal static class ReportFacts
{
    public static List<KeyValuePair<string, string>> Read(ISummaryFields summary, SummaryMeasures measures)
    {
        var facts = new List<KeyValuePair<string, string>>();
        void Add(string name, string value) => facts.Add(new KeyValuePair<string, string>(name, value));

        // What the run was aimed at and how it was shaped: properties a summary may carry (read by name, so that
        // summaries without them still make a report). New descriptive properties of RunSummary go here.
        if (summary.Text("Target") is { Length: > 0 } target)
        {
            Add("Target", target);
        }

        List<RunStage> stages = StageImport.Read(summary);
        if (stages.Count > 0)
        {
            Add("Stages", new RunStages(stages).ToString());
        }

        DateTime start = summary.Time("StartTime");
        if (start != DateTime.MinValue)
        {
            Add("Started", Invariant($"{start:yyyy-MM-dd HH:mm:ss}{(start.Kind == DateTimeKind.Utc ? " UTC" : string.Empty)}"));
        }

        double seconds = summary.Number("ElapsedSeconds", summary.Duration("Elapsed").TotalSeconds);
        Add("Duration", Invariant($"{seconds:0.###} s"));
        Add("Requests", Invariant($"{measures.Count:N0}"));
        Add("Failed", Invariant($"{measures.Failed:N0} ({measures.ErrorRate:0.###%})"));
        Add("Rate", Invariant($"{measures.RequestsPerSecond:N1} req/s"));
        Add("Throttle limit", Invariant($"{summary.Number("ThrottleLimit"):N0}"));
        double targetRate = summary.Number("TargetRequestsPerSecond");
        if (targetRate > 0)
        {
            // Planned over the same span as the rate above; a schedule that moves also shows its peak, named as such.
            Add("Planned rate", Invariant($"{targetRate:N1} req/s"));
            double peak = summary.Number("PeakRequestsPerSecond", targetRate);
            if (Math.Abs(peak - targetRate) > targetRate * 0.001)
            {
                Add("Peak planned rate", Invariant($"{peak:N1} req/s"));
            }

            Add("Schedule", Invariant($"{summary.Number("Planned"):N0} planned, {measures.Count:N0} sent, {summary.Number("Late"):N0} late (started over {Engine.Schedule.StartLag.LateAfterMs:0.###} ms behind), {summary.Number("Dropped"):N0} dropped"));
            if (summary.Text("StartLagHistogram") is { Length: > 0 } lag && LatencyHistogram.Decode(lag) is { TotalCount: > 0 } lags)
            {
                Add("Start lag (ms)", Invariant($"P50 {SummaryMeasures.ValueAtPercentileMs(lags, 50):0.###}, P99 {SummaryMeasures.ValueAtPercentileMs(lags, 99):0.###}, Max {SummaryMeasures.MaxMs(lags):0.###}"));
            }
        }

        if (summary.Number("Retries") is > 0 and var retries)
        {
            Add("Retries", Invariant($"{retries:N0}"));
        }

        Add("Received", Invariant($"{summary.Number("BytesReceived"):N0} bytes"));
        Add("Latency (ms)", Percentiles(measures, corrected: false));
        if (measures.Scheduled)
        {
            Add("Corrected latency (ms)", Percentiles(measures, corrected: true));
        }

        Add("Status codes", Counts(summary.Counts("StatusCodeCounts")));
        if (measures.Failed > 0)
        {
            Add("Failures", Counts(summary.Counts("ErrorKindCounts")));
        }

        if (summary.Text("StopReason") is { Length: > 0 } reason)
        {
            Add("Stopped early", reason);
        }

        return facts;
    }

    private static string Percentiles(SummaryMeasures measures, bool corrected)
    {
        HdrHistogram.HistogramBase histogram = measures.Histogram(corrected);
        double At(double percentile) => SummaryMeasures.ValueAtPercentileMs(histogram, percentile);
        return Invariant($"P50 {At(50):0.###}, P90 {At(90):0.###}, P99 {At(99):0.###}, P99.9 {At(99.9):0.###}, Max {SummaryMeasures.MaxMs(histogram):0.###}");
    }

    private static string Counts(IReadOnlyDictionary<string, long> counts)
    {
        var text = new StringBuilder();
        foreach (KeyValuePair<string, long> pair in new SortedDictionary<string, long>(new Dictionary<string, long>(counts), StringComparer.Ordinal))
        {
            text.Append(text.Length == 0 ? string.Empty : ", ").Append(pair.Key).Append(": ").Append(pair.Value.ToString("N0", CultureInfo.InvariantCulture));
        }

        return text.Length == 0 ? "none" : text.ToString();
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
