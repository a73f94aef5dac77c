using System;

namespace LoadTest.Engine.Metrics;

/// <summary>
/// The latency histograms' bucket bounds, in seconds: about 1.3x to 1.5x apart from 0.1 ms to 60 s, so that
/// a quantile read from them (Prometheus' histogram_quantile) lies within one bucket of the exact value.
/// The run's tally and the Prometheus endpoint share them.
/// </summary>
internal static class LatencyBuckets
{
    private static readonly double[] s_upperBounds =
    {
        0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.004, 0.005, 0.0075,
        0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75,
        1, 1.5, 2, 3, 4, 5, 7.5, 10, 15, 20, 30, 60,
    };

    /// <summary>The finite upper bounds (Prometheus' "le"); one more bucket, +Inf, holds what is above the last.</summary>
    public static ReadOnlySpan<double> UpperBounds => s_upperBounds;

    /// <summary>How many buckets a tally keeps: the finite ones and +Inf.</summary>
    public static int Count => s_upperBounds.Length + 1;

    /// <summary>The bucket of a value: the first whose upper bound is at least the value (as Prometheus counts "le").</summary>
    public static int IndexOf(double seconds)
    {
        double[] bounds = s_upperBounds;
        int low = 0;
        int high = bounds.Length;
        while (low < high)
        {
            int middle = (low + high) >> 1;
            if (seconds <= bounds[middle])
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return low;
    }
}
