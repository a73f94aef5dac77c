using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using LoadTest.Wire;

namespace LoadTest.Engine.Schedule;

/// <summary>
/// A closed model whose in-flight limit follows its stages (as k6's ramping VUs): a request is handed out
/// only while fewer than the limit of the moment are out, and <see cref="Release"/> gives its slot back
/// when it finishes. When the limit falls, requests in flight finish and are not replaced until it is met.
/// </summary>
internal sealed class ConcurrencyRamp : IAsyncEnumerable<RequestSpec>
{
    // How often a waiting worker looks at a moving limit again: the ramp's resolution in time.
    private static readonly TimeSpan s_step = TimeSpan.FromMilliseconds(10);

    private readonly IAsyncEnumerable<RequestSpec> _inner;
    private readonly StageLine _limit;
    private readonly RunClock _clock;
    private readonly ExecutionSegment _segment;
    private readonly SemaphoreSlim _released = new(0);
    private int _active;
    private int _waiting;

    // segment: the share of the limit this process holds; the shares' limits add up to the stages'.
    public ConcurrencyRamp(IAsyncEnumerable<RequestSpec> inner, StageLine limit, RunClock clock, ExecutionSegment segment = default)
    {
        _inner = inner;
        _segment = segment;
        _limit = limit;
        _clock = clock;
    }

    /// <summary>The limit at a time since the start: a ramp's value rounded up, so that it moves off zero at once.</summary>
    public static int LimitAt(StageLine limit, double seconds) => (int)Math.Max(0, Math.Ceiling(limit.ValueAt(seconds) - 1e-9));

    /// <summary>A request handed out has finished (or was never sent): its slot is free.</summary>
    public void Release()
    {
        Interlocked.Decrement(ref _active);
        if (Interlocked.Exchange(ref _waiting, 0) == 1)
        {
            _released.Release();
        }
    }

    public IAsyncEnumerator<RequestSpec> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        new Enumerator(this, _inner.GetAsyncEnumerator(cancellationToken), cancellationToken);

    private sealed class Enumerator : IAsyncEnumerator<RequestSpec>
    {
        private readonly ConcurrencyRamp _ramp;
        private readonly IAsyncEnumerator<RequestSpec> _inner;
        private readonly CancellationToken _cancellationToken;

        public Enumerator(ConcurrencyRamp ramp, IAsyncEnumerator<RequestSpec> inner, CancellationToken cancellationToken)
        {
            _ramp = ramp;
            _inner = inner;
            _cancellationToken = cancellationToken;
        }

        public RequestSpec Current => _inner.Current;

        public async ValueTask<bool> MoveNextAsync()
        {
            ConcurrencyRamp ramp = _ramp;
            while (true)
            {
                double now = ramp._clock.Elapsed.TotalSeconds;
                if (now >= ramp._limit.LengthSeconds)
                {
                    return false;
                }

                Volatile.Write(ref ramp._waiting, 1);
                if (Volatile.Read(ref ramp._active) < ramp._segment.ShareOf(LimitAt(ramp._limit, now)))
                {
                    Volatile.Write(ref ramp._waiting, 0);
                    break;
                }

                // Woken by a request that finished, or after a step, when a rising limit may let this one go.
                await ramp._released.WaitAsync(s_step, _cancellationToken).ConfigureAwait(false);
            }

            if (!await _inner.MoveNextAsync().ConfigureAwait(false))
            {
                return false;
            }

            Interlocked.Increment(ref ramp._active);
            return true;
        }

        public ValueTask DisposeAsync() => _inner.DisposeAsync();
    }
}
