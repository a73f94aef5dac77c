using System;

namespace LoadTest.Engine.Schedule;

/// <summary>
/// How far behind its scheduled time a request started: its actual start minus the time the rate schedule
/// gave it. Only requests the schedule timed have one (not those of a run without a rate, nor a flow's later
/// steps, which start when the step before them ends). A request whose lag is more than
/// <see cref="LateAfter"/> is late, whatever held it up: every slot busy, a slow input, or a busy machine.
/// </summary>
internal static class StartLag
{
    /// <summary>The late tolerance: a start this far behind its time is still on time.</summary>
    public static readonly TimeSpan LateAfter = TimeSpan.FromMilliseconds(1);

    /// <summary>The share of late starts up to which a schedule still counts as kept (no warning): 1 %.</summary>
    public const double KeptLateShare = 0.01;

    /// <summary><see cref="LateAfter"/> in milliseconds.</summary>
    public static double LateAfterMs => LateAfter.TotalMilliseconds;

    /// <summary>
    /// A result's start lag in ms, or NaN when the schedule did not time it: corrected latency counts from the
    /// scheduled start, latency from the actual one, and the two are equal for a request without a scheduled start
    /// (a start is never early, and never on the very tick it was due: its own code runs in between).
    /// </summary>
    public static double Of(double elapsedMs, double correctedMs) => correctedMs > elapsedMs ? correctedMs - elapsedMs : double.NaN;

    /// <summary>True for a lag over the tolerance (false for NaN, no lag).</summary>
    public static bool IsLate(double lagMs) => lagMs > LateAfterMs;
}
