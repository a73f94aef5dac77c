using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace LoadTest.Wire.Transports;

/// <summary>
/// A connection's stream under HttpClient that tells the attempt being sent when its request goes on the
/// wire. HttpClient replays a request on a fresh connection when a reused one fails before any answer,
/// and says nothing; the replay writes on another connection within the same send, so the attempt sees
/// a second connection and counts the replay. The attempt travels in an AsyncLocal, which flows from
/// HttpClient.SendAsync to the writes of HTTP/1.x requests. It also knows whether the connection had
/// carried a request before, and whether any byte of the answer has come since: what a replay of a
/// request on a reused connection the server closed needs to know.
/// </summary>
internal sealed class SendCountingStream : Stream
{
    private static readonly AsyncLocal<Sending?> s_current = new();

    private readonly Stream _inner;
    private bool _carried;
    private volatile bool _answered;

    public SendCountingStream(Stream inner)
    {
        _inner = inner;
    }

    public override bool CanRead => _inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => _inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Marks the hop now being sent on this flow (an async method's own: it ends when the method returns).</summary>
    public static Sending Begin(AttemptProgress progress) => s_current.Value = new Sending(progress);

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => _inner.Read(buffer);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (read > 0)
        {
            _answered = true;
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        Count();
        _inner.Write(buffer, offset, count);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Count();
        _inner.Write(buffer);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Count();
        return _inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Count();
        return _inner.WriteAsync(buffer, offset, count, cancellationToken);
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => _inner.DisposeAsync();

    /// <summary>The first write of a hop on each connection is one send of its request.</summary>
    private void Count()
    {
        if (s_current.Value is { } sending && !ReferenceEquals(sending.Connection, this))
        {
            sending.Connection = this;
            sending.Reused = _carried;
            _carried = true;
            _answered = false;
            sending.Progress.Sent();
        }
    }

    /// <summary>One hop being sent, and the connection it last went out on.</summary>
    internal sealed class Sending
    {
        public Sending(AttemptProgress progress)
        {
            Progress = progress;
        }

        public AttemptProgress Progress { get; }

        public SendCountingStream? Connection { get; set; }

        /// <summary>True when that connection had carried a request before this hop.</summary>
        public bool Reused { get; set; }

        /// <summary>True once a byte has come on that connection since the hop went out on it.</summary>
        public bool Answered => Connection?._answered ?? false;
    }
}
