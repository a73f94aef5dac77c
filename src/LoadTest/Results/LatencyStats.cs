using HdrHistogram;
using LoadTest.Engine.Accounting;

namespace LoadTest;

/// <summary>Latency distribution of a run, in milliseconds, read from an HDR histogram (3 significant digits).</summary>
public sealed class LatencyStats
{
    internal LatencyStats(double minMs, double meanMs, double stdDevMs, double p50Ms, double p90Ms, double p95Ms, double p99Ms, double p999Ms, double maxMs)
    {
        MinMs = minMs;
        MeanMs = meanMs;
        StdDevMs = stdDevMs;
        P50Ms = p50Ms;
        P90Ms = p90Ms;
        P95Ms = p95Ms;
        P99Ms = p99Ms;
        P999Ms = p999Ms;
        MaxMs = maxMs;
    }

    /// <summary>Fastest request.</summary>
    public double MinMs { get; }

    /// <summary>Mean latency.</summary>
    public double MeanMs { get; }

    /// <summary>Standard deviation of the latency.</summary>
    public double StdDevMs { get; }

    /// <summary>Median.</summary>
    public double P50Ms { get; }

    /// <summary>90th percentile.</summary>
    public double P90Ms { get; }

    /// <summary>95th percentile.</summary>
    public double P95Ms { get; }

    /// <summary>99th percentile.</summary>
    public double P99Ms { get; }

    /// <summary>99.9th percentile.</summary>
    public double P999Ms { get; }

    /// <summary>Slowest request.</summary>
    public double MaxMs { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"P50 {P50Ms:0.###} ms, P99 {P99Ms:0.###} ms, Max {MaxMs:0.###} ms");

    internal static LatencyStats FromHistogram(HistogramBase histogram)
    {
        if (histogram.TotalCount == 0)
        {
            return new LatencyStats(0, 0, 0, 0, 0, 0, 0, 0, 0);
        }

        return new LatencyStats(
            Ms(histogram.LowestEquivalentValue(MinRecorded(histogram))),
            histogram.GetMean() / LatencyHistogram.TicksPerMs,
            histogram.GetStdDeviation() / LatencyHistogram.TicksPerMs,
            Ms(histogram.GetValueAtPercentile(50)),
            Ms(histogram.GetValueAtPercentile(90)),
            Ms(histogram.GetValueAtPercentile(95)),
            Ms(histogram.GetValueAtPercentile(99)),
            Ms(histogram.GetValueAtPercentile(99.9)),
            Ms(histogram.GetMaxValue()));
    }

    private static long MinRecorded(HistogramBase histogram)
    {
        foreach (var value in histogram.RecordedValues())
        {
            return value.ValueIteratedTo;
        }

        return 0;
    }

    private static double Ms(long microseconds) => microseconds / LatencyHistogram.TicksPerMs;
}
