using System;
using System.Collections.Generic;
using HdrHistogram;
using HdrHistogram.Iteration;
using LoadTest.Engine.Accounting;

namespace LoadTest.Reporting;

/// <summary>
/// A latency histogram as HdrHistogram's percentile plot draws it: the latency at each reporting point of
/// the library's percentile iteration (the rows of an .hgrm file), against 1/(1-p), so that on a log axis
/// 90 %, 99 %, 99.9 % ... lie evenly apart and the tail gets the room. The 100th percentile, at infinity there,
/// is drawn at 1/(1-p) of the one request it is (the request count), or further when the iteration went further.
/// </summary>
internal sealed class PercentileCurve
{
    private PercentileCurve(List<double> inverseTail, List<double> latencyMs)
    {
        InverseTail = inverseTail;
        LatencyMs = latencyMs;
    }

    /// <summary>1/(1-p) of each point, p the percentile as a fraction; ascending.</summary>
    public IReadOnlyList<double> InverseTail { get; }

    public IReadOnlyList<double> LatencyMs { get; }

    public static PercentileCurve From(HistogramBase histogram, int ticksPerHalfDistance = HgrmFormat.DefaultTicksPerHalfDistance)
    {
        var x = new List<double>();
        var y = new List<double>();
        if (histogram.TotalCount == 0)
        {
            return new PercentileCurve(x, y);
        }

        double last = 1;
        foreach (HistogramIterationValue point in histogram.Percentiles(ticksPerHalfDistance))
        {
            double fraction = point.PercentileLevelIteratedTo / 100;
            double at = fraction >= 1 ? Math.Max(last, histogram.TotalCount) : 1 / (1 - fraction);
            double ms = point.ValueIteratedTo / LatencyHistogram.TicksPerMs;

            // The iteration can report one level twice (the last value reached early); keep the higher latency.
            if (x.Count > 0 && at <= x[^1])
            {
                y[^1] = Math.Max(y[^1], ms);
                continue;
            }

            x.Add(at);
            y.Add(ms);
            last = at;
        }

        return new PercentileCurve(x, y);
    }
}
