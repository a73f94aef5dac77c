using System;

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
        long started,
        long completed,
        long failed,
        long bytesReceived,
        long inFlight,
        double plannedRequestsPerSecond,
        string statusCodeCounts,
        string errorKindCounts,
        LatencyStats latency,
        LatencyStats correctedLatency,
        string histogram,
        string correctedHistogram)
    {
        StartTime = startTime;
        IntervalSeconds = intervalSeconds;
        Started = started;
        Completed = completed;
        Succeeded = completed - failed;
        Failed = failed;
        BytesReceived = bytesReceived;
        InFlight = inFlight;
        RequestsPerSecond = intervalSeconds > 0 ? completed / intervalSeconds : 0;
        PlannedRequestsPerSecond = plannedRequestsPerSecond;
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
        Histogram = histogram;
        CorrectedHistogram = correctedHistogram;
    }

    /// <summary>When the interval starts (UTC, on a multiple of the interval since 0001-01-01).</summary>
    public DateTime StartTime { get; }

    /// <summary>The interval's length; a long run doubles it (merging rows two by two) to keep at most a few thousand rows.</summary>
    public double IntervalSeconds { get; }

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

    /// <summary>Requests in flight at the end of the interval (sent so far minus completed so far).</summary>
    public long InFlight { get; }

    /// <summary>Completed divided by the interval.</summary>
    public double RequestsPerSecond { get; }

    /// <summary>The rate the schedule asked for in the interval; 0 without a schedule.</summary>
    public double PlannedRequestsPerSecond { get; }

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

    /// <summary>The interval's latency histogram, encoded as the summary's.</summary>
    public string Histogram { get; }

    /// <summary>The interval's corrected latency histogram.</summary>
    public string CorrectedHistogram { get; }

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"{StartTime:HH:mm:ss} {Completed} completed, {Failed} failed, P99 {P99Ms:0.###} ms");
}
