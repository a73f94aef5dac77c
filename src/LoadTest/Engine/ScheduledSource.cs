using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace LoadTest.Engine;

/// <summary>
/// Hands out the requests of another source on one global open-model schedule (request n is due at
/// n / rate seconds after the start) and stops when the duration is over: nothing starts after the end.
/// Workers take requests one at a time, so the worker that takes request n waits until it is due; a slow
/// server delays a start only when every slot is busy: that request is late (and its corrected latency
/// shows it), and those still due when the end comes are dropped, never sent.
/// </summary>
internal sealed class ScheduledSource : IAsyncEnumerable<RequestSpec>
{
    // Asked for this long after it was due, a request started late: more than timer jitter.
    private static readonly TimeSpan s_lateAfter = TimeSpan.FromMilliseconds(2);

    private readonly IAsyncEnumerable<RequestSpec> _inner;
    private readonly RunClock _clock;
    private readonly double _requestsPerSecond;
    private readonly long _deadline;
    private readonly long _count;
    private readonly ScheduleCounters _counters;
    private readonly Func<bool> _slotsFull;

    // count: requests the source holds, long.MaxValue when it is open-ended; slotsFull: whether every other slot is busy.
    public ScheduledSource(IAsyncEnumerable<RequestSpec> inner, RunClock clock, double requestsPerSecond, TimeSpan? duration, long count, ScheduleCounters counters, Func<bool> slotsFull)
    {
        _inner = inner;
        _clock = clock;
        _requestsPerSecond = requestsPerSecond;
        _deadline = duration is { } d ? clock.TimestampAt(d.TotalSeconds) : long.MaxValue;
        _count = count;
        _counters = counters;
        _slotsFull = slotsFull;
        if (requestsPerSecond > 0)
        {
            // Due before the end: request n is due at n / rate, so ceil(rate x duration) of them.
            long byDuration = duration is { } span ? (long)Math.Ceiling(Math.Round(requestsPerSecond * span.TotalSeconds, 6)) : long.MaxValue;
            long planned = Math.Min(count, byDuration);
            counters.Plan(planned == long.MaxValue ? 0 : planned);
        }
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
            if (_source._requestsPerSecond <= 0)
            {
                return Stopwatch.GetTimestamp() < _source._deadline && await _inner.MoveNextAsync().ConfigureAwait(false);
            }

            long due = _source._clock.TimestampAt(_issued / _source._requestsPerSecond);
            if (due >= _source._deadline || _dropped)
            {
                return false;
            }

            long now = Stopwatch.GetTimestamp();
            if (now >= _source._deadline)
            {
                // The end came before a slot was free for this request: it and every request still due are dropped.
                _dropped = true;
                _source._counters.AddDropped(_source.DueAfter(_issued));
                return false;
            }

            if (!await _inner.MoveNextAsync().ConfigureAwait(false))
            {
                return false;
            }

            _issued++;
            TimeSpan wait = Stopwatch.GetElapsedTime(now, due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _cancellationToken).ConfigureAwait(false);
            }
            else if (-wait > s_lateAfter && _source._slotsFull())
            {
                // A worker asked for it only after it was due, and the other slots are still busy: it waited for a slot.
                _source._counters.AddLate();
            }

            _inner.Current.ScheduledTimestamp = due;
            return true;
        }

        public ValueTask DisposeAsync() => _inner.DisposeAsync();
    }
}
