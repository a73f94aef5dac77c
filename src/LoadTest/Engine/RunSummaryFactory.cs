using System;
using System.Collections.Generic;
using HdrHistogram;

namespace LoadTest.Engine;

/// <summary>Builds a <see cref="RunSummary"/> from counts and the two latency histograms, for live runs and merges alike.</summary>
internal static class RunSummaryFactory
{
    public static RunSummary Create(
        long count,
        long failed,
        long retries,
        TimeSpan elapsed,
        long bytesReceived,
        int throttleLimit,
        double targetRequestsPerSecond,
        DateTime startTime,
        string? stopReason,
        IReadOnlyDictionary<string, long> statusCodeCounts,
        IReadOnlyDictionary<string, long> errorKindCounts,
        HistogramBase latency,
        HistogramBase corrected) =>
        new(
            count,
            count - failed,
            retries,
            elapsed,
            bytesReceived,
            throttleLimit,
            targetRequestsPerSecond,
            startTime,
            stopReason,
            statusCodeCounts,
            errorKindCounts,
            LatencyStats.FromHistogram(latency),
            LatencyStats.FromHistogram(corrected),
            LatencyHistogram.Encode(latency),
            LatencyHistogram.Encode(corrected));
}
