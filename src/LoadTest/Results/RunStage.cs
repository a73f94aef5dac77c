using System;
using System.Globalization;

namespace LoadTest;

/// <summary>
/// One stage of a run's schedule as it ran: when it started, how long it lasted, and the target it reached at
/// its end (a rate, or an in-flight limit). The summary keeps its stages as these, so that they survive
/// Export-Clixml, ConvertTo-Json and Merge-RunSummary as data.
/// </summary>
public sealed class RunStage
{
    internal RunStage(DateTime startTime, TimeSpan duration, double? requestsPerSecond, int? throttleLimit)
    {
        StartTime = startTime;
        Duration = duration;
        RequestsPerSecond = requestsPerSecond;
        ThrottleLimit = throttleLimit;
    }

    /// <summary>Local time the stage started (the run's start plus the stages before it).</summary>
    public DateTime StartTime { get; }

    /// <summary>How long the stage lasted.</summary>
    public TimeSpan Duration { get; }

    /// <summary>The rate reached at the stage's end (requests started per second); null in a stage of in-flight requests.</summary>
    public double? RequestsPerSecond { get; }

    /// <summary>The in-flight limit reached at the stage's end; null in a rate stage.</summary>
    public int? ThrottleLimit { get; }

    /// <summary>When the stage ended.</summary>
    internal DateTime EndTime => StartTime + Duration;

    /// <summary>True when both are the same stage of a schedule (start times aside).</summary>
    internal bool SameAs(RunStage other) =>
        Duration == other.Duration && Nullable.Equals(RequestsPerSecond, other.RequestsPerSecond) && ThrottleLimit == other.ThrottleLimit;

    /// <summary>"30s to 100 req/s", as -Stage is written.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{LoadStage.FormatDuration(Duration)} to {(RequestsPerSecond is { } rate ? $"{rate:0.###} req/s" : $"{ThrottleLimit} in flight")}");
}
