using System.Globalization;

namespace LoadTest.Capacity;

/// <summary>
/// What a capacity step must meet to pass: an error rate at most MaxErrorRate, a P99 (from each request's start)
/// at most MaxP99Ms, a corrected P99 (from each request's scheduled start, so that a server falling behind
/// shows) at most MaxCorrectedP99Ms, the schedule kept (nearly nothing dropped), and the step run to its end
/// (a step that clearly fails is stopped early).
/// </summary>
internal sealed class CapacityObjective
{
    // Requests dropped (never sent before the step's end) beyond this share of the plan: the rate was not held.
    private const double MaxDroppedShare = 0.01;

    public CapacityObjective(double maxErrorRate, double? maxP99Ms, double? maxCorrectedP99Ms)
    {
        MaxErrorRate = maxErrorRate;
        MaxP99Ms = maxP99Ms;
        MaxCorrectedP99Ms = maxCorrectedP99Ms;
    }

    public double MaxErrorRate { get; }

    public double? MaxP99Ms { get; }

    public double? MaxCorrectedP99Ms { get; }

    /// <summary>The objective in words, as the answer reports it ("error rate &lt;= 0.01, P99 &lt;= 200 ms").</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"error rate <= {MaxErrorRate:0.####}{(MaxP99Ms is { } p99 ? $", P99 <= {p99:0.###} ms" : string.Empty)}{(MaxCorrectedP99Ms is { } corrected ? $", corrected P99 <= {corrected:0.###} ms" : string.Empty)}");

    /// <summary>Whether a step passed, and why not when it failed (a phrase, without a closing stop).</summary>
    public (bool Passed, string? Reason) Judge(RunSummary step)
    {
        double errorRate = step.Count == 0 ? 1 : (double)step.Failed / step.Count;
        if (step.IsPartial)
        {
            // Its own error budget (set well above the objective's) stopped it: say so in the objective's terms.
            return (false, string.Create(
                CultureInfo.InvariantCulture,
                $"stopped early, {step.Failed} of {step.Count} requests failed (error rate {errorRate:0.####}, far over {MaxErrorRate:0.####})"));
        }

        if (errorRate > MaxErrorRate)
        {
            return (false, string.Create(CultureInfo.InvariantCulture, $"error rate {errorRate:0.####} is over {MaxErrorRate:0.####}"));
        }

        if (MaxP99Ms is { } limit && step.P99Ms > limit)
        {
            return (false, string.Create(CultureInfo.InvariantCulture, $"P99 {step.P99Ms:0.###} ms is over {limit:0.###} ms"));
        }

        if (MaxCorrectedP99Ms is { } correctedLimit && step.CorrectedLatency.P99Ms > correctedLimit)
        {
            return (false, string.Create(CultureInfo.InvariantCulture, $"corrected P99 {step.CorrectedLatency.P99Ms:0.###} ms is over {correctedLimit:0.###} ms"));
        }

        if (step.Planned > 0 && step.Dropped > step.Planned * MaxDroppedShare)
        {
            return (false, string.Create(
                CultureInfo.InvariantCulture,
                $"the rate was not held: {step.Dropped:N0} of {step.Planned:N0} planned requests were dropped"));
        }

        return (true, null);
    }
}
