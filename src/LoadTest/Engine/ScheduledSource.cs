using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace LoadTest.Engine;

/// <summary>
/// Hands out the requests of another source on one global open-model schedule (request n is due at
/// n / rate seconds after the start) and stops when the duration is over: on a schedule, after the
/// last request due before the end; without one, at the end itself. Workers take
/// requests one at a time, so the worker that takes request n waits until it is due; a slow server
/// delays the start only when every slot is busy, and the corrected latency then shows it.
/// </summary>
internal sealed class ScheduledSource : IAsyncEnumerable<RequestSpec>
{
    private readonly IAsyncEnumerable<RequestSpec> _inner;
    private readonly RunClock _clock;
    private readonly double _requestsPerSecond;
    private readonly long _deadline;

    public ScheduledSource(IAsyncEnumerable<RequestSpec> inner, RunClock clock, double requestsPerSecond, TimeSpan? duration)
    {
        _inner = inner;
        _clock = clock;
        _requestsPerSecond = requestsPerSecond;
        _deadline = duration is { } d ? clock.TimestampAt(d.TotalSeconds) : long.MaxValue;
    }

    public IAsyncEnumerator<RequestSpec> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        new Enumerator(this, _inner.GetAsyncEnumerator(cancellationToken), cancellationToken);

    private sealed class Enumerator : IAsyncEnumerator<RequestSpec>
    {
        private readonly ScheduledSource _source;
        private readonly IAsyncEnumerator<RequestSpec> _inner;
        private readonly CancellationToken _cancellationToken;
        private long _issued;

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

            // On a schedule the duration bounds the schedule: every request due before the end is sent,
            // even when the client runs late, so the count is exactly rate x duration.
            long due = _source._clock.TimestampAt(_issued / _source._requestsPerSecond);
            if (due >= _source._deadline || !await _inner.MoveNextAsync().ConfigureAwait(false))
            {
                return false;
            }

            _issued++;
            TimeSpan wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _cancellationToken).ConfigureAwait(false);
            }

            _inner.Current.ScheduledTimestamp = due;
            return true;
        }

        public ValueTask DisposeAsync() => _inner.DisposeAsync();
    }
}
