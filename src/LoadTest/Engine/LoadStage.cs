using System;
using System.Globalization;

namespace LoadTest;

/// <summary>
/// One stage of a run's schedule (-Stage): for its duration the target moves in a straight line from the
/// previous stage's target to this one (to hold a target, repeat it). The target is a rate (requests started
/// per second, an open model) or an in-flight limit (ThrottleLimit, a closed model); a run uses one kind.
/// </summary>
public sealed class LoadStage
{
    /// <summary>How long the stage lasts.</summary>
    public TimeSpan Duration { get; set; }

    /// <summary>The rate reached at the stage's end (requests started per second); null in a concurrency stage.</summary>
    public double? RequestsPerSecond { get; set; }

    /// <summary>The in-flight limit reached at the stage's end; null in a rate stage.</summary>
    public int? ThrottleLimit { get; set; }

    /// <summary>The target's value, whichever kind it is.</summary>
    internal double Target => RequestsPerSecond ?? ThrottleLimit ?? 0;

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{FormatDuration(Duration)} to {(RequestsPerSecond is { } rate ? $"{rate:0.###} req/s" : $"{ThrottleLimit} in flight")}");

    internal static string FormatDuration(TimeSpan span) => span.TotalSeconds switch
    {
        < 1 => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMilliseconds:0.###}ms"),
        < 120 => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.###}s"),
        < 7200 => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.###}m"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0.###}h"),
    };
}
