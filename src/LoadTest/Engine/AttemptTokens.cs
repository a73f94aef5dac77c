using System;
using System.Collections.Concurrent;
using System.Threading;

namespace LoadTest.Engine;

/// <summary>
/// The cancellation of each attempt: its timeout, or the run being stopped. A linked token source with
/// its own timer per attempt costs a few hundred bytes and two timer-queue operations per request; the
/// sources here are reset and reused when their attempt ends without having fired, and each stays linked
/// to the run's token for as long as it lives (stopping the run is meant to stop every attempt anyway).
/// </summary>
internal sealed class AttemptTokens : IDisposable
{
    private readonly ConcurrentQueue<Source> _idle = new();
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
            return new Lease(null, null, runToken);
        }

        if (!_idle.TryDequeue(out Source? source))
        {
            source = new Source();
        }

        source.LinkTo(runToken);
        source.Cancellation.CancelAfter(_timeout);
        return new Lease(this, source, source.Cancellation.Token);
    }

    public void Dispose()
    {
        while (_idle.TryDequeue(out Source? source))
        {
            source.Dispose();
        }
    }

    private void Return(Source source)
    {
        if (source.Cancellation.TryReset())
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
        private readonly Source? _source;

        internal Lease(AttemptTokens? owner, Source? source, CancellationToken token)
        {
            _owner = owner;
            _source = source;
            Token = token;
        }

        public CancellationToken Token { get; }

        public void Dispose()
        {
            if (_source is not null)
            {
                _owner!.Return(_source);
            }
        }
    }

    /// <summary>One reusable token source and its link to the token of the run that uses it.</summary>
    internal sealed class Source : IDisposable
    {
        private CancellationToken _linkedTo;
        private CancellationTokenRegistration _link;

        public CancellationTokenSource Cancellation { get; } = new();

        public void LinkTo(CancellationToken runToken)
        {
            if (_linkedTo == runToken && _link != default)
            {
                return;
            }

            _link.Dispose();
            _link = runToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), Cancellation);
            _linkedTo = runToken;
        }

        public void Dispose()
        {
            _link.Dispose();
            Cancellation.Dispose();
        }
    }
}
