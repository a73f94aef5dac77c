using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using LoadTest.Wire;

namespace LoadTest.Engine;

/// <summary>
/// Lets a run stop taking new requests (an error budget is spent) while those in flight finish, and notes the
/// input position of the last request handed on.
/// </summary>
internal sealed class IntakeGate : IAsyncEnumerable<RequestSpec>
{
    private readonly IAsyncEnumerable<RequestSpec> _inner;
    private volatile bool _closed;
    private long _lastIndex = -1;

    public IntakeGate(IAsyncEnumerable<RequestSpec> inner)
    {
        _inner = inner;
    }

    public bool IsClosed => _closed;

    /// <summary>The Index of the last request handed on; -1 before the first.</summary>
    public long LastIndex => Interlocked.Read(ref _lastIndex);

    public void Close() => _closed = true;

    public IAsyncEnumerator<RequestSpec> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        new Enumerator(this, _inner.GetAsyncEnumerator(cancellationToken));

    private sealed class Enumerator : IAsyncEnumerator<RequestSpec>
    {
        private readonly IntakeGate _gate;
        private readonly IAsyncEnumerator<RequestSpec> _inner;

        public Enumerator(IntakeGate gate, IAsyncEnumerator<RequestSpec> inner)
        {
            _gate = gate;
            _inner = inner;
        }

        public RequestSpec Current => _inner.Current;

        public ValueTask<bool> MoveNextAsync()
        {
            if (_gate._closed)
            {
                return new ValueTask<bool>(false);
            }

            // Most sources have their next request at hand: no async method for those.
            ValueTask<bool> next = _inner.MoveNextAsync();
            return next.IsCompletedSuccessfully ? new ValueTask<bool>(HandOn(next.Result)) : AfterAsync(next);
        }

        private async ValueTask<bool> AfterAsync(ValueTask<bool> next) => HandOn(await next.ConfigureAwait(false));

        private bool HandOn(bool taken)
        {
            if (!taken || _gate._closed)
            {
                return false;
            }

            // Requests are taken one at a time (the engine's workers take turns), in input order.
            Volatile.Write(ref _gate._lastIndex, _inner.Current.Index);
            return true;
        }

        public ValueTask DisposeAsync() => _inner.DisposeAsync();
    }
}
