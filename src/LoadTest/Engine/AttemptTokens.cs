using System;
using System.Collections.Concurrent;
using System.Threading;

namespace LoadTest.Engine;

/// <summary>
/// The cancellation of each attempt: its timeout, or the run being stopped. A linked token source with
/// its own timer per attempt costs a few hundred bytes and two timer-queue operations per request; the
/// sources here are reset and reused when their attempt ends without having fired.
/// </summary>
internal sealed class AttemptTokens : IDisposable
{
    private readonly ConcurrentQueue<CancellationTokenSource> _idle = new();
    private readonly TimeSpan _timeout;

    public AttemptTokens(TimeSpan timeout)
    {
        _timeout = timeout;
    }

    /// <summary>Starts an attempt's clock; dispose the lease when the attempt ends.</summary>
    public Lease Start(CancellationToken runToken)
    {
        if (_timeout == Timeout.InfiniteTimeSpan)
        {
            return new Lease(null, null, runToken, default);
        }

        if (!_idle.TryDequeue(out CancellationTokenSource? source))
        {
            source = new CancellationTokenSource();
        }

        source.CancelAfter(_timeout);
        CancellationTokenRegistration link = runToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), source);
        return new Lease(this, source, source.Token, link);
    }

    public void Dispose()
    {
        while (_idle.TryDequeue(out CancellationTokenSource? source))
        {
            source.Dispose();
        }
    }

    private void Return(CancellationTokenSource source, CancellationTokenRegistration link)
    {
        // Waits for the run's cancel callback if it is running right now, so a reset source is never cancelled late.
        link.Dispose();
        if (source.TryReset())
        {
            _idle.Enqueue(source);
        }
        else
        {
            source.Dispose();
        }
    }

    public readonly struct Lease : IDisposable
    {
        private readonly AttemptTokens? _owner;
        private readonly CancellationTokenSource? _source;
        private readonly CancellationTokenRegistration _link;

        internal Lease(AttemptTokens? owner, CancellationTokenSource? source, CancellationToken token, CancellationTokenRegistration link)
        {
            _owner = owner;
            _source = source;
            _link = link;
            Token = token;
        }

        public CancellationToken Token { get; }

        public void Dispose()
        {
            if (_source is not null)
            {
                _owner!.Return(_source, _link);
            }
        }
    }
}
