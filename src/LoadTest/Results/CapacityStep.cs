namespace LoadTest;

/// <summary>One step of a capacity search (Find-MaxRate): a rate held for a while, what it achieved, and the verdict.</summary>
public sealed class CapacityStep
{
    internal CapacityStep(int step, double requestsPerSecond, RunSummary summary, bool passed, string? reason)
    {
        Step = step;
        RequestsPerSecond = requestsPerSecond;
        AchievedRequestsPerSecond = summary.RequestsPerSecond;
        Count = summary.Count;
        Failed = summary.Failed;
        ErrorRate = summary.Count == 0 ? 0 : (double)summary.Failed / summary.Count;
        P50Ms = summary.P50Ms;
        P99Ms = summary.P99Ms;
        CorrectedP50Ms = summary.CorrectedLatency.P50Ms;
        CorrectedP99Ms = summary.CorrectedLatency.P99Ms;
        Dropped = summary.Dropped;
        Passed = passed;
        Reason = reason;
        Summary = summary;
    }

    /// <summary>The step's number, from 1.</summary>
    public int Step { get; }

    /// <summary>The rate the step scheduled.</summary>
    public double RequestsPerSecond { get; }

    /// <summary>Requests completed per second over the step.</summary>
    public double AchievedRequestsPerSecond { get; }

    /// <summary>Requests completed in the step.</summary>
    public long Count { get; }

    /// <summary>Requests that failed in the step.</summary>
    public long Failed { get; }

    /// <summary>Failed divided by Count.</summary>
    public double ErrorRate { get; }

    /// <summary>P50 (from each request's start), ms.</summary>
    public double P50Ms { get; }

    /// <summary>P99 (from each request's start), ms: what -MaxP99Ms judges.</summary>
    public double P99Ms { get; }

    /// <summary>Corrected P50 (from each request's scheduled start), ms.</summary>
    public double CorrectedP50Ms { get; }

    /// <summary>Corrected P99 (from each request's scheduled start), ms: what -MaxCorrectedP99Ms judges.</summary>
    public double CorrectedP99Ms { get; }

    /// <summary>Requests of the step's schedule never sent because every slot was busy until its end.</summary>
    public long Dropped { get; }

    /// <summary>Whether the step met the objective.</summary>
    public bool Passed { get; }

    /// <summary>Why the step failed; null when it passed.</summary>
    public string? Reason { get; }

    /// <summary>The step's whole summary (time series included), for Export-RunReport or Compare-RunSummary.</summary>
    public RunSummary Summary { get; }
}
