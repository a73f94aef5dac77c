using System;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Text;
using LoadTest.Engine.Accounting;

namespace LoadTest;

/// <summary>
/// One run in numbers: counts, rate, status and error histograms, and latency percentiles from an HDR
/// histogram, which is also kept as a string so that summaries can be merged across processes.
/// </summary>
public sealed class RunSummary
{
    /// <summary>Reads the summary off the fold that built it, for live runs and merges alike.</summary>
    internal RunSummary(SummaryBuilder builder)
    {
        Count = builder.Count;
        Succeeded = builder.Count - builder.Failed;
        Failed = builder.Failed;
        Retries = builder.Retries;
        ElapsedSeconds = builder.Elapsed.TotalSeconds;
        RequestsPerSecond = ElapsedSeconds > 0 ? Count / ElapsedSeconds : 0;
        BytesReceived = builder.BytesReceived;
        ThrottleLimit = builder.ThrottleLimit;
        TargetRequestsPerSecond = Math.Round(builder.TargetRequestsPerSecond, 9);
        PeakRequestsPerSecond = builder.PeakRequestsPerSecond;
        Target = builder.Target;
        Stages = builder.Stages;
        Planned = builder.Planned;
        Late = builder.Late;
        Dropped = builder.Dropped;
        Unreported = builder.Unreported;
        StartTime = builder.StartTime;
        StopReason = builder.StopReason;
        IsPartial = StopReason is not null;
        StatusCodeCounts = builder.StatusCodeCounts();
        ErrorKindCounts = builder.ErrorKindCounts();
        Checks = builder.CheckCounts();
        long passed = 0;
        long judged = 0;
        foreach (CheckCount check in Checks)
        {
            passed += check.Passed;
            judged += check.Count;
        }

        CheckPassRate = judged == 0 ? 0 : (double)passed / judged;
        Latency = LatencyStats.FromHistogram(builder.Latency);
        CorrectedLatency = LatencyStats.FromHistogram(builder.CorrectedLatency);
        StartLag = LatencyStats.FromHistogram(builder.StartLag);
        TimeSeries = new TimeSeries(builder.TimeSeries());
        Histogram = LatencyHistogram.Encode(builder.Latency);
        CorrectedHistogram = LatencyHistogram.Encode(builder.CorrectedLatency);
        StartLagHistogram = LatencyHistogram.Encode(builder.StartLag);
        var steps = new StepSummary[builder.Steps.Count];
        for (int i = 0; i < steps.Length; i++)
        {
            steps[i] = new StepSummary(builder.Steps[i]);
        }

        Steps = steps;
        Iterations = builder.Iterations;
        IterationsFailed = builder.IterationsFailed;
        if (builder.IterationLatency is { } iterationLatency)
        {
            IterationLatency = LatencyStats.FromHistogram(iterationLatency);
            IterationHistogram = LatencyHistogram.Encode(iterationLatency);
        }
    }

    /// <summary>A flow's steps in its order, each with its own counts and latency; empty without -Flow.</summary>
    public StepSummary[] Steps { get; }

    /// <summary>Flow iterations that ended (all their steps sent, or one failed, or the run ended); 0 without -Flow.</summary>
    public long Iterations { get; }

    /// <summary>Flow iterations in which a step failed.</summary>
    public long IterationsFailed { get; }

    /// <summary>How long a flow's iterations took, from each one's scheduled start (or its start) to the end of its last step sent; null without -Flow.</summary>
    public LatencyStats? IterationLatency { get; }

    /// <summary>The iteration durations' histogram (base64 of HdrHistogram's compressed encoding), for exact merges; null without -Flow.</summary>
    [Hidden]
    public string? IterationHistogram { get; }

    /// <summary>Requests completed (each has a result).</summary>
    public long Count { get; }

    /// <summary>Requests that succeeded.</summary>
    public long Succeeded { get; }

    /// <summary>Requests that failed.</summary>
    public long Failed { get; }

    /// <summary>Retries made in all (attempts beyond the first).</summary>
    public long Retries { get; }

    /// <summary>Seconds from the run's start to the last request completed (a plain number, for JSON and CSV).</summary>
    public double ElapsedSeconds { get; }

    /// <summary>Count divided by ElapsedSeconds.</summary>
    public double RequestsPerSecond { get; }

    /// <summary>Response body bytes received in all.</summary>
    public long BytesReceived { get; }

    /// <summary>The most requests that were allowed in flight.</summary>
    public int ThrottleLimit { get; }

    /// <summary>
    /// The planned rate to set RequestsPerSecond against: the requests the schedule planned from the start to its
    /// end (or to the last answer, when the run stopped before) per second of that time. A rate held to the end
    /// gives that rate; a ramp, its mean; a merge, the plans of all its runs over the merged span (runs side by
    /// side add up, runs one after another average out). 0 when the run was not rate limited.
    /// </summary>
    public double TargetRequestsPerSecond { get; }

    /// <summary>The highest rate the schedule asked for (the peak of -Stage); for a merge, the highest of its time series' planned rates. 0 without a schedule.</summary>
    public double PeakRequestsPerSecond { get; }

    /// <summary>What the run sent requests to: its -Uri, or "pipeline input" (runs merged: distinct ones joined by "; ").</summary>
    public string? Target { get; }

    /// <summary>
    /// The run's -Stage schedule as it ran (each stage's start, duration and target); empty without stages. As text it
    /// is the schedule in one line, such as "30s to 100 req/s, 2m to 1000 req/s" (a merge's schedules joined by "; ").
    /// </summary>
    public RunStages Stages { get; }

    /// <summary>Requests the rate schedule called for (its rate's integral over the duration, or -Count); 0 without a schedule.</summary>
    public long Planned { get; }

    /// <summary>Requests sent: every one has a result, so this is Count.</summary>
    public long Sent => Count;

    /// <summary>
    /// Requests that started more than the late tolerance (1 ms) behind their scheduled time, whatever held them up:
    /// every -ThrottleLimit slot busy, a slow input, or a busy machine. StartLag shows by how much.
    /// </summary>
    public long Late { get; }

    /// <summary>Requests of the schedule never sent because the run's end came while they were behind their time (waiting for a slot, or for a slow input).</summary>
    public long Dropped { get; }

    /// <summary>
    /// Requests that may have been sent and are not in Count: those of -Session sessions lost (or stopped) after their
    /// last report, whose results never came back. With a rate schedule it is at most this many (no request starts
    /// before it is due); without one, a guess from the session's last rate. 0 when no session was lost.
    /// </summary>
    public long Unreported { get; }

    /// <summary>Local time the run started.</summary>
    public DateTime StartTime { get; }

    /// <summary>True when the run stopped before its input ended (Ctrl+C, an error budget); the numbers cover what completed.</summary>
    public bool IsPartial { get; }

    /// <summary>Why the run stopped early; null when it ran to the end.</summary>
    public string? StopReason { get; }

    /// <summary>
    /// Responses per status code (keys are the codes as strings, so that the summary converts to JSON);
    /// requests without a response are not counted here.
    /// </summary>
    public CountDictionary StatusCodeCounts { get; }

    /// <summary>Failed requests per error kind.</summary>
    public CountDictionary ErrorKindCounts { get; }

    /// <summary>
    /// Passes and failures per check of -Check, in the order of the checks (empty without -Check): each
    /// response that arrived is judged by every check, whatever its status.
    /// </summary>
    public CheckCounts Checks { get; }

    /// <summary>All checks' passes divided by all their judgements (k6's checks rate), from 0 to 1; 0 without checks.</summary>
    public double CheckPassRate { get; }

    /// <summary>Latency from sending each request to its last byte, in ms.</summary>
    public LatencyStats Latency { get; }

    /// <summary>Fastest request, in ms (Latency.MinMs).</summary>
    public double MinMs => Latency.MinMs;

    /// <summary>Mean latency, in ms.</summary>
    public double MeanMs => Latency.MeanMs;

    /// <summary>Standard deviation of the latency, in ms.</summary>
    public double StdDevMs => Latency.StdDevMs;

    /// <summary>Median latency, in ms.</summary>
    public double P50Ms => Latency.P50Ms;

    /// <summary>90th percentile latency, in ms.</summary>
    public double P90Ms => Latency.P90Ms;

    /// <summary>95th percentile latency, in ms.</summary>
    public double P95Ms => Latency.P95Ms;

    /// <summary>99th percentile latency, in ms.</summary>
    public double P99Ms => Latency.P99Ms;

    /// <summary>99.9th percentile latency, in ms.</summary>
    public double P999Ms => Latency.P999Ms;

    /// <summary>Slowest request, in ms.</summary>
    public double MaxMs => Latency.MaxMs;

    /// <summary>
    /// Latency measured from each request's scheduled start under -RequestsPerSecond (corrected for
    /// coordinated omission); the same as the plain latency when the run had no schedule.
    /// </summary>
    public LatencyStats CorrectedLatency { get; }

    /// <summary>
    /// How far behind its scheduled time each request started under a rate schedule (actual start minus scheduled
    /// start), in ms: the client's own lag, which corrected latency includes. All 0 without a schedule.
    /// </summary>
    public LatencyStats StartLag { get; }

    /// <summary>
    /// The run over time: one row per interval (-Interval, 1 s by default; doubled on long runs to keep at most
    /// 2,000 rows), on wall-clock boundaries, so that rows of runs side by side merge exactly.
    /// </summary>
    public TimeSeries TimeSeries { get; }

    /// <summary>The latency histogram (microseconds), base64 of the compressed HdrHistogram V2 encoding.</summary>
    [Hidden]
    public string Histogram { get; }

    /// <summary>The corrected latency histogram, encoded like Histogram.</summary>
    [Hidden]
    public string CorrectedHistogram { get; }

    /// <summary>The start lag histogram, encoded like Histogram.</summary>
    [Hidden]
    public string StartLagHistogram { get; }

    /// <summary>The summary as a few lines of text, for a console that shows nothing else (such as after Ctrl+C).</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Count} requests, {Failed} failed, {ElapsedSeconds:0.###} s, {RequestsPerSecond:0.0} req/s{(IsPartial ? $" (partial: {StopReason})" : string.Empty)}").AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"Latency (ms): P50 {P50Ms:0.###}  P90 {P90Ms:0.###}  P99 {P99Ms:0.###}  P99.9 {P999Ms:0.###}  Max {MaxMs:0.###}").AppendLine();
        if (Planned > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"Schedule: {Planned:N0} planned, {Sent:N0} sent, {Late:N0} late, {Dropped:N0} dropped").AppendLine();
            text.Append(CultureInfo.InvariantCulture, $"Start lag (ms): P50 {StartLag.P50Ms:0.###}  P99 {StartLag.P99Ms:0.###}  Max {StartLag.MaxMs:0.###}").AppendLine();
        }

        if (Unreported > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"Unreported: up to {Unreported} more requests may have been sent by lost sessions").AppendLine();
        }

        if (Stages.Count > 0)
        {
            text.Append("Stages: ").Append(Stages).AppendLine();
        }

        if (Checks.Count > 0)
        {
            long passed = 0;
            long judged = 0;
            foreach (CheckCount check in Checks)
            {
                passed += check.Passed;
                judged += check.Count;
            }

            text.Append(CultureInfo.InvariantCulture, $"Checks: {passed} of {judged} passed ({CheckPassRate * 100:0.##} %)").AppendLine();
            foreach (CheckCount check in Checks)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {(check.Failed == 0 ? "ok  " : "FAIL")} {check.Name}: {check.Passed} passed, {check.Failed} failed").AppendLine();
            }
        }

        if (Iterations > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"Iterations: {Iterations} ({IterationsFailed} failed), P50 {IterationLatency?.P50Ms:0.###} ms, P99 {IterationLatency?.P99Ms:0.###} ms").AppendLine();
        }

        foreach (StepSummary step in Steps)
        {
            text.Append("  ").Append(step.ToString()).AppendLine();
        }

        if (ErrorKindCounts.Count > 0)
        {
            text.Append("Errors: ").AppendJoin(", ", ErrorKindCounts.Select(pair => $"{pair.Key} {pair.Value.ToString(CultureInfo.InvariantCulture)}")).AppendLine();
        }

        return text.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Count} requests, {Failed} failed, {RequestsPerSecond:0.0} req/s, P50 {P50Ms:0.###} ms, P99 {P99Ms:0.###} ms{(IsPartial ? " (partial)" : string.Empty)}");
}
