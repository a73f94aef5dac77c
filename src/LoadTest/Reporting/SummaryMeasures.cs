using System;
using HdrHistogram;
using LoadTest.Engine.Accounting;

namespace LoadTest.Reporting;

/// <summary>
/// What comparisons, charts and exports read off one summary: its counts and rate, and its two HDR
/// histograms decoded, so that percentiles come from the histograms themselves (exact to their
/// precision) whatever form the summary arrived in, not from its rounded properties.
/// </summary>
internal sealed class SummaryMeasures
{
    private SummaryMeasures(long count, long failed, double requestsPerSecond, double elapsedSeconds, bool scheduled, HistogramBase latency, HistogramBase corrected)
    {
        Count = count;
        Failed = failed;
        RequestsPerSecond = requestsPerSecond;
        ElapsedSeconds = elapsedSeconds;
        Scheduled = scheduled;
        Latency = latency;
        CorrectedLatency = corrected;
    }

    public long Count { get; }

    public long Failed { get; }

    public double RequestsPerSecond { get; }

    public double ElapsedSeconds { get; }

    /// <summary>Failed / Count, 0 for a summary without requests (as Assert-RunSummary reads it).</summary>
    public double ErrorRate => Count == 0 ? 0 : (double)Failed / Count;

    /// <summary>True when the run had a -RequestsPerSecond schedule, so its corrected latency differs from the plain one.</summary>
    public bool Scheduled { get; }

    public HistogramBase Latency { get; }

    public HistogramBase CorrectedLatency { get; }

    public HistogramBase Histogram(bool corrected) => corrected ? CorrectedLatency : Latency;

    /// <summary>Reads a summary; throws FormatException (or the decoder's exceptions) when its histograms cannot be read.</summary>
    public static SummaryMeasures Read(ISummaryFields summary)
    {
        string histogram = summary.Text("Histogram") ?? string.Empty;
        if (histogram.Length == 0)
        {
            throw new FormatException("The summary has no Histogram.");
        }

        HistogramBase latency = LatencyHistogram.Decode(histogram);
        HistogramBase corrected = LatencyHistogram.Decode(summary.Text("CorrectedHistogram") is { Length: > 0 } text ? text : histogram);
        return new SummaryMeasures(
            (long)summary.Number("Count"),
            (long)summary.Number("Failed"),
            summary.Number("RequestsPerSecond"),
            summary.Duration("Elapsed").TotalSeconds,
            summary.Number("TargetRequestsPerSecond") > 0,
            latency,
            corrected);
    }

    /// <summary>The latency at a percentile (0 to 100) in ms, by HdrHistogram's own reading; 0 for an empty histogram.</summary>
    public static double ValueAtPercentileMs(HistogramBase histogram, double percentile) =>
        histogram.TotalCount == 0 ? 0 : histogram.GetValueAtPercentile(percentile) / LatencyHistogram.TicksPerMs;

    /// <summary>The largest latency in ms (the top of its histogram bucket, as the summary's MaxMs); 0 for an empty histogram.</summary>
    public static double MaxMs(HistogramBase histogram) =>
        histogram.TotalCount == 0 ? 0 : histogram.GetMaxValue() / LatencyHistogram.TicksPerMs;
}
