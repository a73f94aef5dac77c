using System;
using System.Diagnostics;
using System.Threading;

namespace LoadTest.Engine;

/// <summary>
/// Calls an action once a Stopwatch timestamp has passed. Timers run in whole milliseconds and may fire early:
/// an early callback re-arms for what is left, so the action never runs before its time.
/// </summary>
internal sealed class EndTimer : IDisposable
{
    private readonly long _end;
    private readonly Action _atEnd;
    private readonly Timer _timer;

    public EndTimer(long end, Action atEnd)
    {
        _end = end;
        _atEnd = atEnd;

        // Armed once assigned: a callback that comes at once must find the timer to re-arm.
        _timer = new Timer(static state => ((EndTimer)state!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(Left(), Timeout.InfiniteTimeSpan);
    }

    public void Dispose() => _timer.Dispose();

    private TimeSpan Left() => TimeSpan.FromTicks(Math.Max(0, Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), _end).Ticks));

    private void Fire()
    {
        TimeSpan left = Left();
        if (left > TimeSpan.Zero)
        {
            try
            {
                _timer.Change(left + TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
            }

            return;
        }

        _atEnd();
    }
}
