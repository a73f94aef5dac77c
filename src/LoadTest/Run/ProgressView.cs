using System;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using LoadTest.Engine;

namespace LoadTest.Run;

/// <summary>
/// The progress bar of a run: at most one update per interval, with the achieved rate against the planned one
/// over the same window, done against planned so far, the in-flight count against a closed model's target, and
/// the time left (by the count when it is known, by -Duration otherwise).
/// </summary>
internal sealed class ProgressView
{
    private const string Activity = "Invoke-BoundedRequest";

    private readonly TimeSpan _interval;
    private readonly long _total;
    private readonly TimeSpan? _duration;
    private long _lastTimestamp;
    private double _lastSeconds;
    private long _lastCompleted;
    private double _lastPlanned;
    private double _rate;
    private double _plannedRate;

    public ProgressView(TimeSpan interval, long total, TimeSpan? duration)
    {
        _interval = interval;
        _total = total;
        _duration = duration;
    }

    public static ProgressRecord Completed => new(0, Activity, "Done") { RecordType = ProgressRecordType.Completed };

    /// <summary>The next update, or null when the last one is too recent.</summary>
    public ProgressRecord? Next(RequestRun run)
    {
        long now = Stopwatch.GetTimestamp();
        if (_lastTimestamp != 0 && Stopwatch.GetElapsedTime(_lastTimestamp, now) < _interval)
        {
            return null;
        }

        // Achieved and planned over the same window (since the last update; since the start at first), smoothed alike,
        // so that a ramp kept to the letter reads the same on both sides of "planned".
        double seconds = run.Clock.Elapsed.TotalSeconds;
        long completed = run.Completed;
        double planned = run.PlannedBefore(seconds);
        double window = seconds - _lastSeconds;
        if (window > 0)
        {
            double rate = (completed - _lastCompleted) / window;
            double plannedRate = (planned - _lastPlanned) / window;
            bool first = _lastTimestamp == 0;
            _rate = first ? rate : (0.7 * _rate) + (0.3 * rate);
            _plannedRate = first ? plannedRate : (0.7 * _plannedRate) + (0.3 * plannedRate);
        }

        _lastTimestamp = now;
        _lastSeconds = seconds;
        _lastCompleted = completed;
        _lastPlanned = planned;

        string done = _total > 0 ? string.Create(CultureInfo.CurrentCulture, $"{completed:N0} / {_total:N0} done")
            : run.HasRate ? string.Create(CultureInfo.CurrentCulture, $"{completed:N0} done / {Math.Floor(planned):N0} planned so far")
            : string.Create(CultureInfo.CurrentCulture, $"{completed:N0} done");
        (string failures, (double P50Ms, double P99Ms)? latency) = run.Glance();
        string target = run.HasRate ? string.Create(CultureInfo.CurrentCulture, $" (planned {_plannedRate:N0})") : string.Empty;
        string inFlightTarget = run.InFlightTarget is { } limit ? string.Create(CultureInfo.CurrentCulture, $" (target {limit:N0})") : string.Empty;
        string recent = latency is { } l ? string.Create(CultureInfo.CurrentCulture, $", P50 {l.P50Ms:N1} ms, P99 {l.P99Ms:N1} ms") : string.Empty;
        string kinds = failures.Length > 0 ? $" ({failures.Replace('=', ' ')})" : string.Empty;
        var record = new ProgressRecord(0, Activity, string.Create(
            CultureInfo.CurrentCulture,
            $"{done}, {_rate:N0} req/s{target}{recent}, {run.InFlight:N0} in flight{inFlightTarget}, {run.Failed:N0} failed{kinds}"));
        if (_total > 0)
        {
            record.PercentComplete = (int)Math.Min(100, completed * 100 / _total);
            if (_rate > 0)
            {
                record.SecondsRemaining = (int)Math.Min(int.MaxValue, (_total - completed) / _rate);
            }
        }
        else if (_duration is { } duration)
        {
            TimeSpan elapsed = run.Clock.Elapsed;
            record.PercentComplete = (int)Math.Min(100, elapsed.Ticks * 100 / duration.Ticks);
            record.SecondsRemaining = (int)Math.Max(0, (duration - elapsed).TotalSeconds);
        }

        return record;
    }
}
