using System;
using System.Diagnostics;
using LoadTest.Engine;

namespace LoadTest.Run;

/// <summary>
/// A run's reports while it runs (-ReportInterval): one at once, one each interval after, and a final one when it
/// ends, each the run so far as JSON (see Engine/Accounting/RunReport). The caller of a fanned-out run follows
/// its sessions by them.
/// </summary>
internal sealed class RunReporter
{
    private readonly TimeSpan _interval;
    private long _sequence;
    private long _last;

    public RunReporter(TimeSpan interval)
    {
        _interval = interval;
    }

    /// <summary>How often the run must give the pipeline thread a chance to report.</summary>
    public TimeSpan Tick => TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, _interval.Ticks / 4));

    /// <summary>The next report when one is due (the first at once), or null.</summary>
    public string? Next(RequestRun run)
    {
        long now = Stopwatch.GetTimestamp();
        if (_last != 0 && Stopwatch.GetElapsedTime(_last, now) < _interval)
        {
            return null;
        }

        _last = now;
        return run.Report(_sequence++, final: false);
    }

    /// <summary>The last report, once the run has ended: the run's summary.</summary>
    public string Final(RequestRun run) => run.Report(_sequence++, final: true);
}
