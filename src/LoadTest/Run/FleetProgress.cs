using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;

namespace LoadTest.Run;

/// <summary>
/// The progress bar of a fanned-out run: the sessions' last reports added up (done, rate, in flight, failed)
/// and how many sessions run, finished or were lost; at most one update per interval.
/// </summary>
internal sealed class FleetProgress
{
    private const string Activity = "Invoke-BoundedRequest";

    private readonly TimeSpan _interval;
    private readonly FleetShares _shares;
    private readonly long _total;
    private readonly TimeSpan? _duration;
    private long _lastTimestamp;

    /// <param name="interval">The least time between updates.</param>
    /// <param name="shares">The run's shares, for its target rate.</param>
    /// <param name="total">The run's requests when known; -1 otherwise.</param>
    /// <param name="duration">The run's length when it has one.</param>
    public FleetProgress(TimeSpan interval, FleetShares shares, long total, TimeSpan? duration)
    {
        _interval = interval;
        _shares = shares;
        _total = total;
        _duration = duration;
    }

    public static ProgressRecord Completed => new(0, Activity, "Done") { RecordType = ProgressRecordType.Completed };

    /// <summary>The next update, or null when the last one is too recent.</summary>
    public ProgressRecord? Next(IReadOnlyList<FleetWorker> workers)
    {
        long now = Stopwatch.GetTimestamp();
        if (_lastTimestamp != 0 && Stopwatch.GetElapsedTime(_lastTimestamp, now) < _interval)
        {
            return null;
        }

        _lastTimestamp = now;
        long done = 0;
        long failed = 0;
        long inFlight = 0;
        double rate = 0;
        double seconds = 0;
        int running = 0;
        int lost = 0;
        foreach (FleetWorker worker in workers)
        {
            done += worker.Count;
            failed += worker.Failed;
            seconds = Math.Max(seconds, worker.RunSeconds);
            if (worker.State == FleetWorkerState.Running)
            {
                running++;
                inFlight += worker.InFlight;
                rate += worker.Rate;
            }

            lost += worker.State == FleetWorkerState.Lost ? 1 : 0;
        }

        string count = _total > 0
            ? string.Create(CultureInfo.CurrentCulture, $"{done:N0} / {_total:N0}")
            : string.Create(CultureInfo.CurrentCulture, $"{done:N0}");
        double target = _shares.RateAt(seconds);
        string targetText = target > 0 ? string.Create(CultureInfo.CurrentCulture, $" (target {target:N0})") : string.Empty;
        string lostText = lost > 0 ? string.Create(CultureInfo.CurrentCulture, $", {lost} lost") : string.Empty;
        var record = new ProgressRecord(0, Activity, string.Create(
            CultureInfo.CurrentCulture,
            $"{count} done, {rate:N0} req/s{targetText}, {inFlight:N0} in flight, {failed:N0} failed; sessions: {running} running of {workers.Count}{lostText}"));
        if (_total > 0)
        {
            record.PercentComplete = (int)Math.Min(100, done * 100 / _total);
        }
        else if (_duration is { } duration && duration > TimeSpan.Zero)
        {
            record.PercentComplete = (int)Math.Min(100, seconds * 100 / duration.TotalSeconds);
            record.SecondsRemaining = (int)Math.Max(0, duration.TotalSeconds - seconds);
        }

        return record;
    }
}
