using System;
using System.Management.Automation;

namespace LoadTest;

/// <summary>
/// One interval of a run: what started and completed in it, its failures and status codes, and the latency
/// of the requests that completed in it. Rows start on wall-clock boundaries (UTC), so the rows of runs made
/// side by side line up and merge exactly.
/// </summary>
public sealed class TimeSeriesRow
{
    internal TimeSeriesRow(
        DateTime startTime,
        double intervalSeconds,
        double coveredSeconds,
        long started,
        long completed,
        long failed,
        long bytesReceived,
        long late,
        long inFlight,
        double requestsPerSecond,
        double plannedRequestsPerSecond,
        double plannedInFlight,
        string statusCodeCounts,
        string errorKindCounts,
        LatencyStats latency,
        LatencyStats correctedLatency,
        LatencyStats startLag,
        string histogram,
        string correctedHistogram,
        string startLagHistogram)
    {
        StartTime = startTime;
        IntervalSeconds = intervalSeconds;
        CoveredSeconds = coveredSeconds;
        Started = started;
        Completed = completed;
        Succeeded = completed - failed;
        Failed = failed;
        BytesReceived = bytesReceived;
        Late = late;
        InFlight = inFlight;
        RequestsPerSecond = requestsPerSecond;
        PlannedRequestsPerSecond = plannedRequestsPerSecond;
        PlannedInFlight = plannedInFlight;
        StatusCodeCounts = statusCodeCounts;
        ErrorKindCounts = errorKindCounts;
        P50Ms = latency.P50Ms;
        P90Ms = latency.P90Ms;
        P99Ms = latency.P99Ms;
        MaxMs = latency.MaxMs;
        CorrectedP50Ms = correctedLatency.P50Ms;
        CorrectedP90Ms = correctedLatency.P90Ms;
        CorrectedP99Ms = correctedLatency.P99Ms;
        CorrectedMaxMs = correctedLatency.MaxMs;
        StartLagP50Ms = startLag.P50Ms;
        StartLagP99Ms = startLag.P99Ms;
        StartLagMaxMs = startLag.MaxMs;
        Histogram = histogram;
        CorrectedHistogram = correctedHistogram;
        StartLagHistogram = startLagHistogram;
    }

    /// <summary>When the interval starts (UTC, on a multiple of the interval since 0001-01-01).</summary>
    public DateTime StartTime { get; }

    /// <summary>The interval's length; a long run doubles it (merging rows two by two) to keep at most a few thousand rows.</summary>
    public double IntervalSeconds { get; }

    /// <summary>
    /// The seconds of the interval the run covered, over which the row's rates are counted: IntervalSeconds, but in a
    /// run's first and last rows, which cover from its start and to its end (an edge row covering less than half its
    /// interval shows the rates of it and its neighbour together, in both).
    /// </summary>
    public double CoveredSeconds { get; }

    /// <summary>Requests sent in the interval.</summary>
    public long Started { get; }

    /// <summary>Requests that completed in the interval; the latency columns describe these.</summary>
    public long Completed { get; }

    /// <summary>Completed requests that succeeded.</summary>
    public long Succeeded { get; }

    /// <summary>Completed requests that failed.</summary>
    public long Failed { get; }

    /// <summary>Response body bytes of the requests that completed in the interval.</summary>
    public long BytesReceived { get; }

    /// <summary>Requests that started in the interval more than the late tolerance (1 ms) behind their scheduled time.</summary>
    public long Late { get; }

    /// <summary>Requests in flight at the end of the interval (sent so far minus completed so far).</summary>
    public long InFlight { get; }

    /// <summary>Completed divided by CoveredSeconds (for an edge row of less than half an interval, with its neighbour's).</summary>
    public double RequestsPerSecond { get; }

    /// <summary>The rate the schedule asked for in the interval (requests it planned there per second covered); 0 without a rate schedule.</summary>
    public double PlannedRequestsPerSecond { get; }

    /// <summary>The in-flight limit ThrottleLimit stages asked for in the interval (its mean over the time covered); 0 without such stages.</summary>
    public double PlannedInFlight { get; }

    /// <summary>Responses per status code, as text that survives Export-Csv: "200=97; 500=3".</summary>
    public string StatusCodeCounts { get; }

    /// <summary>Failed requests per error kind, as text: "HttpError=3; Timeout=1".</summary>
    public string ErrorKindCounts { get; }

    /// <summary>Median latency of the requests completed in the interval, in ms.</summary>
    public double P50Ms { get; }

    /// <summary>90th percentile latency, in ms.</summary>
    public double P90Ms { get; }

    /// <summary>99th percentile latency, in ms.</summary>
    public double P99Ms { get; }

    /// <summary>Slowest request, in ms.</summary>
    public double MaxMs { get; }

    /// <summary>Median latency from the scheduled start (coordinated omission corrected), in ms.</summary>
    public double CorrectedP50Ms { get; }

    /// <summary>90th percentile corrected latency, in ms.</summary>
    public double CorrectedP90Ms { get; }

    /// <summary>99th percentile corrected latency, in ms.</summary>
    public double CorrectedP99Ms { get; }

    /// <summary>Slowest corrected latency, in ms.</summary>
    public double CorrectedMaxMs { get; }

    /// <summary>Median start lag (actual start minus scheduled start) of the requests completed in the interval, as the latency columns, in ms; 0 without a rate schedule.</summary>
    public double StartLagP50Ms { get; }

    /// <summary>99th percentile start lag, in ms.</summary>
    public double StartLagP99Ms { get; }

    /// <summary>Largest start lag, in ms.</summary>
    public double StartLagMaxMs { get; }

    /// <summary>The interval's latency histogram, encoded as the summary's.</summary>
    [Hidden]
    public string Histogram { get; }

    /// <summary>The interval's corrected latency histogram.</summary>
    [Hidden]
    public string CorrectedHistogram { get; }

    /// <summary>The interval's start lag histogram (of the requests completed in it).</summary>
    [Hidden]
    public string StartLagHistogram { get; }

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"{StartTime:HH:mm:ss} {Completed} completed, {Failed} failed, P99 {P99Ms:0.###} ms");
}
