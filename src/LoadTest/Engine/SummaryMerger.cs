using System;
using System.Collections.Generic;
using HdrHistogram;

namespace LoadTest.Engine;

/// <summary>
/// Combines summaries (and single results) into one summary: counts are summed, histograms are added,
/// so the merged percentiles are those of all the requests together, exact to the histogram's precision.
/// Runs are taken to have run side by side: the merged run lasts from the earliest start to the latest end.
/// </summary>
internal sealed class SummaryMerger
{
    private readonly LongHistogram _latency = LatencyHistogram.Create();
    private readonly LongHistogram _corrected = LatencyHistogram.Create();
    private readonly SortedDictionary<string, long> _statusCounts = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _errorCounts = new(StringComparer.Ordinal);
    private readonly List<string> _stopReasons = new();
    private long _count;
    private long _failed;
    private long _retries;
    private long _bytes;
    private int _throttleLimit;
    private double _targetRate;
    private DateTime _start = DateTime.MaxValue;
    private DateTime _end = DateTime.MinValue;

    public long Inputs { get; private set; }

    public void AddSummary(
        long count,
        long failed,
        long retries,
        long bytesReceived,
        int throttleLimit,
        double targetRequestsPerSecond,
        DateTime startTime,
        TimeSpan elapsed,
        string? stopReason,
        IEnumerable<KeyValuePair<string, long>> statusCodeCounts,
        IEnumerable<KeyValuePair<string, long>> errorKindCounts,
        string histogram,
        string correctedHistogram)
    {
        HistogramBase latency = LatencyHistogram.Decode(histogram);
        HistogramBase corrected = LatencyHistogram.Decode(correctedHistogram);
        if (latency.TotalCount != count)
        {
            throw new FormatException($"The summary's histogram holds {latency.TotalCount} values but its Count is {count}.");
        }

        _latency.Add(latency);
        _corrected.Add(corrected);
        Inputs++;
        _count += count;
        _failed += failed;
        _retries += retries;
        _bytes += bytesReceived;
        _throttleLimit += throttleLimit;
        _targetRate += targetRequestsPerSecond;
        AddCounts(_statusCounts, statusCodeCounts);
        AddCounts(_errorCounts, errorKindCounts);
        if (!string.IsNullOrEmpty(stopReason))
        {
            AddStopReason(stopReason);
        }

        Span(startTime, startTime + elapsed);
    }

    /// <summary>Marks the merged run as partial, for a part that produced no summary.</summary>
    public void AddStopReason(string reason)
    {
        if (!_stopReasons.Contains(reason))
        {
            _stopReasons.Add(reason);
        }
    }

    public void AddResult(double elapsedMs, double correctedElapsedMs, int statusCode, bool success, string errorKind, long bytesReceived, int attempts, DateTime startTime)
    {
        Inputs++;
        _count++;
        _bytes += bytesReceived;
        _retries += Math.Max(0, attempts - 1);
        LatencyHistogram.Record(_latency, elapsedMs);
        LatencyHistogram.Record(_corrected, correctedElapsedMs);
        if (statusCode != 0)
        {
            Increment(_statusCounts, statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), 1);
        }

        if (!success)
        {
            _failed++;
            Increment(_errorCounts, errorKind, 1);
        }

        Span(startTime, startTime.AddMilliseconds(elapsedMs));
    }

    public RunSummary ToSummary() => new RunSummary(
        _count,
        _failed,
        _retries,
        _count == 0 ? TimeSpan.Zero : _end - _start,
        _bytes,
        _throttleLimit,
        _targetRate,
        _count == 0 ? DateTime.Now : _start,
        _stopReasons.Count == 0 ? null : string.Join(" ", _stopReasons),
        _statusCounts,
        _errorCounts,
        _latency,
        _corrected);

    private static void AddCounts(SortedDictionary<string, long> into, IEnumerable<KeyValuePair<string, long>> counts)
    {
        foreach (KeyValuePair<string, long> pair in counts)
        {
            Increment(into, pair.Key, pair.Value);
        }
    }

    private static void Increment(SortedDictionary<string, long> counts, string key, long by) =>
        counts[key] = counts.GetValueOrDefault(key) + by;

    private void Span(DateTime start, DateTime end)
    {
        if (start < _start)
        {
            _start = start;
        }

        if (end > _end)
        {
            _end = end;
        }
    }
}
