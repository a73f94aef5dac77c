using System;
using System.Diagnostics;

namespace LoadTest.Engine;

/// <summary>The run's time base: a monotonic timestamp for measuring, and the wall-clock time it maps to.</summary>
internal sealed class RunClock
{
    private readonly long _startTimestamp = Stopwatch.GetTimestamp();

    public DateTime StartTime { get; } = DateTime.Now;

    public long StartTimestamp => _startTimestamp;

    public DateTime ToDateTime(long timestamp) =>
        StartTime.AddTicks((long)((timestamp - _startTimestamp) * (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency));

    public TimeSpan ElapsedUntil(long timestamp) => Stopwatch.GetElapsedTime(_startTimestamp, timestamp);

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_startTimestamp);

    /// <summary>The timestamp a number of seconds after the start.</summary>
    public long TimestampAt(double seconds) => _startTimestamp + (long)(seconds * Stopwatch.Frequency);
}
