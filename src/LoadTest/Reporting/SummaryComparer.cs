using System.Collections.Generic;
using HdrHistogram;

namespace LoadTest.Reporting;

/// <summary>
/// Compares a candidate run with a baseline measure by measure (rate, error rate, latency percentiles
/// and maximum, plain and corrected) and judges each against its tolerance.
/// </summary>
internal static class SummaryComparer
{
    private const string NoTolerance = "no tolerance given";

    private static readonly (string Name, double Percentile)[] s_percentiles =
    {
        ("P50Ms", 50), ("P90Ms", 90), ("P99Ms", 99), ("P999Ms", 99.9),
    };

    /// <summary>
    /// One row per measure, always in the same order. Each latency row is judged by its own tolerance (P99Ms by
    /// MaxP99Increase, CorrectedP99Ms by MaxCorrectedP99Increase). Corrected latency is judged only when either run
    /// had a rate schedule: without one it equals the plain latency, whose rows already carry the verdict.
    /// </summary>
    public static List<SummaryComparison> Compare(SummaryMeasures baseline, SummaryMeasures candidate, ComparisonLimits limits)
    {
        var rows = new List<SummaryComparison>(12)
        {
            AtLeast("RequestsPerSecond", "req/s", baseline.RequestsPerSecond, candidate.RequestsPerSecond, limits.ThroughputDecrease),
            AtMost("ErrorRate", "share", baseline.ErrorRate, candidate.ErrorRate, limits.ErrorRateIncrease, relative: false, NoTolerance),
        };

        bool schedule = baseline.Scheduled || candidate.Scheduled;
        foreach (bool corrected in new[] { false, true })
        {
            string prefix = corrected ? "Corrected" : string.Empty;
            string notChecked = corrected && !schedule ? "neither run had a -RequestsPerSecond schedule, so it equals the plain latency" : NoTolerance;
            bool judged = !corrected || schedule;
            HistogramBase before = baseline.Histogram(corrected);
            HistogramBase after = candidate.Histogram(corrected);
            double?[] tolerances = corrected
                ? new[] { limits.CorrectedP50Increase, limits.CorrectedP90Increase, limits.CorrectedP99Increase, limits.CorrectedP999Increase }
                : new[] { limits.P50Increase, limits.P90Increase, limits.P99Increase, limits.P999Increase };
            for (int i = 0; i < s_percentiles.Length; i++)
            {
                rows.Add(AtMost(
                    prefix + s_percentiles[i].Name,
                    "ms",
                    SummaryMeasures.ValueAtPercentileMs(before, s_percentiles[i].Percentile),
                    SummaryMeasures.ValueAtPercentileMs(after, s_percentiles[i].Percentile),
                    judged ? tolerances[i] : null,
                    relative: true,
                    notChecked));
            }

            rows.Add(AtMost(prefix + "MaxMs", "ms", SummaryMeasures.MaxMs(before), SummaryMeasures.MaxMs(after), judged ? (corrected ? limits.CorrectedMaxIncrease : limits.MaxIncrease) : null, relative: true, notChecked));
        }

        return rows;
    }

    private static SummaryComparison AtMost(string measure, string unit, double baseline, double candidate, double? tolerance, bool relative, string notChecked)
    {
        double? limit = tolerance is { } t ? (relative ? baseline * (1 + t) : baseline + t) : null;
        return new SummaryComparison(measure, unit, baseline, candidate, "<=", relative, tolerance, limit, Verdict(limit is null || candidate <= limit, limit), notChecked);
    }

    private static SummaryComparison AtLeast(string measure, string unit, double baseline, double candidate, double? tolerance)
    {
        double? limit = tolerance is { } t ? baseline * (1 - t) : null;
        return new SummaryComparison(measure, unit, baseline, candidate, ">=", true, tolerance, limit, Verdict(limit is null || candidate >= limit, limit), NoTolerance);
    }

    private static ComparisonVerdict Verdict(bool holds, double? limit) =>
        limit is null ? ComparisonVerdict.NotChecked : holds ? ComparisonVerdict.Passed : ComparisonVerdict.Regressed;
}
