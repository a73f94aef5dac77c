using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using HdrHistogram;

namespace LoadTest.Engine;

/// <summary>
/// Folds results into counts and histograms as they pass; its size does not depend on how many
/// results there were. Not thread-safe: RequestRun serialises its use.
/// </summary>
internal sealed class RunStatistics
{
    private readonly LongHistogram _latency = LatencyHistogram.Create();
    private readonly LongHistogram _corrected = LatencyHistogram.Create();
    private readonly long[] _statusCounts = new long[600];
    private readonly long[] _errorCounts = new long[Enum.GetValues<RequestErrorKind>().Length];
    private readonly Dictionary<int, long> _otherStatusCounts = new();
    private long _lastCompletionTimestamp;

    public long Count { get; private set; }

    public long Failed { get; private set; }

    public long Retries { get; private set; }

    public long BytesReceived { get; private set; }

    public void Record(RequestResult result)
    {
        Count++;
        BytesReceived += result.BytesReceived;
        Retries += result.Attempts - 1;
        if (!result.Success)
        {
            Failed++;
            _errorCounts[(int)result.ErrorKind]++;
        }

        int status = result.StatusCode;
        if (status > 0 && status < _statusCounts.Length)
        {
            _statusCounts[status]++;
        }
        else if (status != 0)
        {
            _otherStatusCounts[status] = _otherStatusCounts.GetValueOrDefault(status) + 1;
        }

        LatencyHistogram.Record(_latency, result.ElapsedMs);
        LatencyHistogram.Record(_corrected, result.CorrectedElapsedMs);
        _lastCompletionTimestamp = Stopwatch.GetTimestamp();
    }

    public RunSummary ToSummary(RunClock clock, int throttleLimit, double targetRate, string? stopReason)
    {
        var statusCounts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (KeyValuePair<int, long> other in _otherStatusCounts)
        {
            statusCounts[other.Key.ToString(CultureInfo.InvariantCulture)] = other.Value;
        }

        for (int code = 0; code < _statusCounts.Length; code++)
        {
            if (_statusCounts[code] > 0)
            {
                statusCounts[code.ToString(CultureInfo.InvariantCulture)] = _statusCounts[code];
            }
        }

        var errorCounts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (int kind = 0; kind < _errorCounts.Length; kind++)
        {
            if (_errorCounts[kind] > 0)
            {
                errorCounts[((RequestErrorKind)kind).ToString()] = _errorCounts[kind];
            }
        }

        TimeSpan elapsed = Count == 0 ? TimeSpan.Zero : clock.ElapsedUntil(_lastCompletionTimestamp);
        return new RunSummary(
            Count,
            Failed,
            Retries,
            elapsed,
            BytesReceived,
            throttleLimit,
            targetRate,
            clock.StartTime,
            stopReason,
            statusCounts,
            errorCounts,
            _latency,
            _corrected);
    }
}
