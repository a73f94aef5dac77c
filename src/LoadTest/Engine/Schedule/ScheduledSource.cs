using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using LoadTest.Wire;

namespace LoadTest.Engine.Schedule;

/// <summary>
/// Hands out the requests of another source on one global open-model schedule (request n is due when the
/// rate's integral since the start reaches n: n / rate for a constant rate) and stops when the schedule
/// ends: nothing starts after the end.
/// Workers take requests one at a time, so the worker that takes request n waits until it is due; the wait
/// ends on <see cref="StartPacer"/>'s thread, which starts the request within microseconds of its time. A slow
/// server delays a start only when every slot is busy: that request waited for a slot (its start lag and
/// corrected latency show it), and those still due when the end comes are dropped, never sent.
/// </summary>
internal sealed class ScheduledSource : IAsyncEnumerable<RequestSpec>
{
    // How far behind its time a request handed out at the end may be and still be sent: a busy machine may
    // keep the pacer's thread from running for some milliseconds. A request further behind was not waiting on the clock.
    private static readonly TimeSpan s_endGrace = TimeSpan.FromMilliseconds(10);

    private readonly IAsyncEnumerable<RequestSpec> _inner;
    private readonly RunClock _clock;
    private readonly StageLine? _rate;
    private readonly long _deadline;
    private readonly ScheduleCounters _counters;
    private readonly Func<bool> _slotsFull;
    private readonly ExecutionSegment _segment;

    // count: requests the source holds, long.MaxValue when it is open-ended; slotsFull: whether every other slot is busy;
    // segment: the share of the schedule this source keeps (its request n is the schedule's request segment.Global(n)).
    public ScheduledSource(IAsyncEnumerable<RequestSpec> inner, RunClock clock, LoadSchedule schedule, long count, ScheduleCounters counters, Func<bool> slotsFull, ExecutionSegment segment = default)
    {
        _inner = inner;
        _clock = clock;
        _rate = schedule.Rate;
        _deadline = schedule.EndTimestamp(clock);
        _counters = counters;
        _slotsFull = slotsFull;
        _segment = segment;
        counters.Plan(segment.Planned(schedule, count));
    }

    /// <summary>Requests due before the end that were never handed out.</summary>
    private long DueAfter(long issued) => Math.Max(0, _counters.Planned - issued);

    public IAsyncEnumerator<RequestSpec> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        new Enumerator(this, _inner.GetAsyncEnumerator(cancellationToken), cancellationToken);

    private sealed class Enumerator : IAsyncEnumerator<RequestSpec>
    {
        private readonly ScheduledSource _source;
        private readonly IAsyncEnumerator<RequestSpec> _inner;
        private readonly CancellationToken _cancellationToken;
        private readonly StartPacer _pacer = new();
        private long _issued;
        private bool _dropped;

        public Enumerator(ScheduledSource source, IAsyncEnumerator<RequestSpec> inner, CancellationToken cancellationToken)
        {
            _source = source;
            _inner = inner;
            _cancellationToken = cancellationToken;
        }

        public RequestSpec Current => _inner.Current;

        public async ValueTask<bool> MoveNextAsync()
        {
            if (_source._rate is not { } rate)
            {
                // An item that comes only after the end is not sent.
                return Stopwatch.GetTimestamp() < _source._deadline && await _inner.MoveNextAsync().ConfigureAwait(false)
                    && Stopwatch.GetTimestamp() < _source._deadline;
            }

            double dueSeconds = rate.TimeOfArea(_source._segment.Global(_issued));
            if (double.IsInfinity(dueSeconds) || _dropped)
            {
                return false;
            }

            long due = _source._clock.TimestampAt(dueSeconds);
            if (due >= _source._deadline)
            {
                return false;
            }

            if (IsDroppedAt(Stopwatch.GetTimestamp(), due))
            {
                return false;
            }

            if (!await _inner.MoveNextAsync().ConfigureAwait(false))
            {
                // The input ended (pushed input is closed at the run's end): what is still due then is dropped.
                if (Stopwatch.GetTimestamp() >= _source._deadline)
                {
                    DropRest();
                }

                return false;
            }

            // A slow input may give the request only after the end.
            long now = Stopwatch.GetTimestamp();
            if (IsDroppedAt(now, due))
            {
                return false;
            }

            _issued++;
            long wait = due - now;
            if (wait > StartPacer.SpinTicks)
            {
                await _pacer.WaitUntilAsync(due, _cancellationToken).ConfigureAwait(false);
            }
            else if (wait > 0)
            {
                StartPacer.SpinUntil(due);
            }
            else if (Stopwatch.GetElapsedTime(due, now) > StartLag.LateAfter && _source._slotsFull())
            {
                // A worker asked for it only after it was due, and the other slots are still busy: it waited for a slot.
                _source._counters.AddWaitedForSlot();
            }

            _inner.Current.ScheduledTimestamp = due;
            return true;
        }

        // The end came while the request due then was behind its time (waiting for a slot, for the input, or for a
        // busy machine): it and every request still due are dropped.
        private bool IsDroppedAt(long now, long due)
        {
            if (now < _source._deadline || Stopwatch.GetElapsedTime(due, now) <= s_endGrace)
            {
                return false;
            }

            DropRest();
            return true;
        }

        private void DropRest()
        {
            _dropped = true;
            _source._counters.AddDropped(_source.DueAfter(_issued), _source._slotsFull());
        }

        public ValueTask DisposeAsync()
        {
            _pacer.Dispose();
            return _inner.DisposeAsync();
        }
    }
}
