using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace LoadTest.Engine;

/// <summary>
/// Lets a run stop taking new requests (an error budget is spent) while those in flight finish.
/// </summary>
internal sealed class IntakeGate : IAsyncEnumerable<RequestSpec>
{
    private readonly IAsyncEnumerable<RequestSpec> _inner;
    private volatile bool _closed;

    public IntakeGate(IAsyncEnumerable<RequestSpec> inner)
    {
        _inner = inner;
    }

    public bool IsClosed => _closed;

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

        public async ValueTask<bool> MoveNextAsync() =>
            !_gate._closed && await _inner.MoveNextAsync().ConfigureAwait(false) && !_gate._closed;

        public ValueTask DisposeAsync() => _inner.DisposeAsync();
    }
}
