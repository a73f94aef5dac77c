using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace LoadTest.UnitTests.Http1;

/// <summary>
/// A connection's stream without a socket: each read takes the next piece (or what of it fits), as if each came
/// in its own segment; after the last, the connection is closed (reads return 0), or with <c>idle</c> a read
/// waits for bytes that never come. Writes are kept.
/// </summary>
internal sealed class PiecesStream : Stream
{
    private readonly byte[][] _pieces;
    private readonly bool _idle;
    private int _piece;
    private int _at;

    public PiecesStream(byte[][] pieces, bool idle = false)
    {
        _pieces = pieces;
        _idle = idle;
    }

    public MemoryStream Sent { get; } = new();

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_piece < _pieces.Length && _at == _pieces[_piece].Length)
        {
            _piece++;
            _at = 0;
        }

        if (_piece == _pieces.Length)
        {
            return _idle ? new ValueTask<int>(Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => 0, TaskScheduler.Default)) : new ValueTask<int>(0);
        }

        int take = Math.Min(buffer.Length, _pieces[_piece].Length - _at);
        _pieces[_piece].AsMemory(_at, take).CopyTo(buffer);
        _at += take;
        return new ValueTask<int>(take);
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Sent.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Sent.Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
