using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace LoadTest.Fuzz;

/// <summary>
/// A connection's stream without a socket: reads hand out the scripted bytes (at most <c>chunk</c> at a time, and
/// with <c>gated</c> only after <see cref="Serve"/>), then the end; writes are taken and dropped.
/// </summary>
internal sealed class ScriptedStream : Stream
{
    private readonly byte[] _input;
    private readonly int _chunk;
    private readonly TaskCompletionSource _served = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _at;

    public ScriptedStream(byte[] input, int chunk = int.MaxValue, bool gated = true)
    {
        _input = input;
        _chunk = chunk;
        if (!gated)
        {
            _served.SetResult();
        }
    }

    /// <summary>Set once the stream is disposed: the connection that owns it has ended.</summary>
    public ManualResetEventSlim Disposed { get; } = new();

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int WriteTimeout { get; set; }

    /// <summary>Lets the reads begin.</summary>
    public void Serve() => _served.TrySetResult();

    public override int Read(byte[] buffer, int offset, int count) => Take(buffer.AsSpan(offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_served.Task.IsCompleted)
        {
            await _served.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return Take(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        Disposed.Set();
        base.Dispose(disposing);
    }

    private int Take(Span<byte> destination)
    {
        int take = Math.Min(Math.Min(destination.Length, _chunk), _input.Length - _at);
        _input.AsSpan(_at, take).CopyTo(destination);
        _at += take;
        return take;
    }
}
