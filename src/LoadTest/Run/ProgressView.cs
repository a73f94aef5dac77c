using System;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using LoadTest.Engine;

namespace LoadTest.Run;

/// <summary>
/// The progress bar of a run: at most one update per interval, with a smoothed rate and the time left
/// (by the count when it is known, by -Duration otherwise).
/// </summary>
internal sealed class ProgressView
{
    private const string Activity = "Invoke-BoundedRequest";

    private readonly TimeSpan _interval;
    private readonly long _total;
    private readonly TimeSpan? _duration;
    private long _lastTimestamp;
    private long _lastCompleted;
    private double _rate;

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

        long completed = run.Completed;
        if (_lastTimestamp != 0)
        {
            double rate = (completed - _lastCompleted) / Stopwatch.GetElapsedTime(_lastTimestamp, now).TotalSeconds;
            _rate = _rate == 0 ? rate : (0.7 * _rate) + (0.3 * rate);
        }

        _lastTimestamp = now;
        _lastCompleted = completed;

        string done = _total > 0
            ? string.Create(CultureInfo.CurrentCulture, $"{completed:N0} / {_total:N0}")
            : string.Create(CultureInfo.CurrentCulture, $"{completed:N0}");
        (string failures, (double P50Ms, double P99Ms)? latency) = run.Glance();
        string target = run.TargetRequestsPerSecond > 0 ? string.Create(CultureInfo.CurrentCulture, $" (target {run.TargetRequestsPerSecond:N0})") : string.Empty;
        string recent = latency is { } l ? string.Create(CultureInfo.CurrentCulture, $", P50 {l.P50Ms:N1} ms, P99 {l.P99Ms:N1} ms") : string.Empty;
        string kinds = failures.Length > 0 ? $" ({failures.Replace('=', ' ')})" : string.Empty;
        var record = new ProgressRecord(0, Activity, string.Create(
            CultureInfo.CurrentCulture,
            $"{done} done, {_rate:N0} req/s{target}{recent}, {run.InFlight:N0} in flight, {run.Failed:N0} failed{kinds}"));
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
