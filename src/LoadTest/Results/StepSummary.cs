using System.Globalization;
using System.Management.Automation;
using LoadTest.Engine.Accounting;

namespace LoadTest;

/// <summary>
/// One step of a flow in numbers: requests sent, failed and skipped, status and error counts, and latency from
/// an HDR histogram kept as a string, so that a step merges across runs and machines exactly as a run does.
/// </summary>
public sealed class StepSummary
{
    internal StepSummary(StepFold fold)
    {
        Name = fold.Name;
        Count = fold.Count;
        Failed = fold.Failed;
        Succeeded = fold.Count - fold.Failed;
        Skipped = fold.Skipped;
        StatusCodeCounts = fold.StatusCodeCounts();
        ErrorKindCounts = fold.ErrorKindCounts();
        Latency = LatencyStats.FromHistogram(fold.Latency);
        Histogram = LatencyHistogram.Encode(fold.Latency);
    }

    /// <summary>The step's name.</summary>
    public string Name { get; }

    /// <summary>Requests of this step sent (each has a result).</summary>
    public long Count { get; }

    /// <summary>Requests of this step that succeeded.</summary>
    public long Succeeded { get; }

    /// <summary>Requests of this step that failed.</summary>
    public long Failed { get; }

    /// <summary>Times the step was not sent because its iteration ended before it: an earlier step failed, or the run ended.</summary>
    public long Skipped { get; }

    /// <summary>Responses per status code.</summary>
    public CountDictionary StatusCodeCounts { get; }

    /// <summary>Failed requests per error kind.</summary>
    public CountDictionary ErrorKindCounts { get; }

    /// <summary>Latency of the step's requests, from the time each was sent.</summary>
    public LatencyStats Latency { get; }

    /// <summary>Median latency (ms).</summary>
    public double P50Ms => Latency.P50Ms;

    /// <summary>90th percentile latency (ms).</summary>
    public double P90Ms => Latency.P90Ms;

    /// <summary>95th percentile latency (ms).</summary>
    public double P95Ms => Latency.P95Ms;

    /// <summary>99th percentile latency (ms).</summary>
    public double P99Ms => Latency.P99Ms;

    /// <summary>99.9th percentile latency (ms).</summary>
    public double P999Ms => Latency.P999Ms;

    /// <summary>Largest latency (ms).</summary>
    public double MaxMs => Latency.MaxMs;

    /// <summary>The step's latency histogram (base64 of HdrHistogram's compressed encoding), for exact merges.</summary>
    [Hidden]
    public string Histogram { get; }

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Name}: {Count} sent, {Failed} failed, {Skipped} skipped, P50 {P50Ms:0.###} ms, P99 {P99Ms:0.###} ms");
}
