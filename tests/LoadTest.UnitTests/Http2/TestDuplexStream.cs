using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using LoadTest.Wire.Http2;

namespace LoadTest.UnitTests.Http2;

/// <summary>
/// An HTTP/2 connection's stream without a socket: the test feeds what the server sends, and reads the frames the
/// client wrote (after its 24-byte preface) as they arrive.
/// </summary>
internal sealed class TestDuplexStream : Stream
{
    public const int PrefaceLength = 24;

    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);

    private readonly Channel<byte[]> _incoming = Channel.CreateUnbounded<byte[]>();
    private readonly object _sync = new();
    private readonly List<byte> _written = [];
    private byte[] _pending = [];
    private int _pendingAt;
    private TaskCompletionSource _wrote = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int WriteTimeout { get; set; }

    public bool IsDisposed { get; private set; }

    /// <summary>Everything the client wrote so far.</summary>
    public byte[] Written
    {
        get
        {
            lock (_sync)
            {
                return _written.ToArray();
            }
        }
    }

    /// <summary>A frame the server sends.</summary>
    public void Feed(byte type, byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        byte[] frame = new byte[Http2Frame.HeaderSize + payload.Length];
        Http2Frame.WriteHeader(frame, payload.Length, type, flags, streamId);
        payload.CopyTo(frame.AsSpan(Http2Frame.HeaderSize));
        _incoming.Writer.TryWrite(frame);
    }

    /// <summary>The server closes the connection.</summary>
    public void End() => _incoming.Writer.TryComplete();

    /// <summary>The frames the client wrote after its preface (the magic, its SETTINGS and its first WINDOW_UPDATE), in order.</summary>
    public List<(byte Type, byte Flags, int Stream, byte[] Payload)> Frames()
    {
        var frames = new List<(byte, byte, int, byte[])>();
        ReadOnlySpan<byte> bytes = Written.AsSpan(PrefaceLength);
        while (bytes.Length >= Http2Frame.HeaderSize)
        {
            (int length, byte type, byte flags, int stream) = Http2Frame.ReadHeader(bytes);
            if (bytes.Length < Http2Frame.HeaderSize + length)
            {
                break;
            }

            frames.Add((type, flags, stream, bytes.Slice(Http2Frame.HeaderSize, length).ToArray()));
            bytes = bytes[(Http2Frame.HeaderSize + length)..];
        }

        // The client's own SETTINGS, and the WINDOW_UPDATE that opens its connection window, belong to its preface.
        int preface = frames.Count > 0 && frames[0].Item1 == Http2Frame.Settings ? 1 : 0;
        if (frames.Count > preface && frames[preface].Item1 == Http2Frame.WindowUpdate && frames[preface].Item3 == 0)
        {
            preface++;
        }

        return frames.GetRange(preface, frames.Count - preface);
    }

    /// <summary>Waits until the frames the client wrote satisfy <paramref name="done"/>; fails after a generous bound.</summary>
    public async Task<List<(byte Type, byte Flags, int Stream, byte[] Payload)>> WaitForAsync(Func<List<(byte Type, byte Flags, int Stream, byte[] Payload)>, bool> done)
    {
        using var bound = new CancellationTokenSource(s_bound);
        while (true)
        {
            Task wrote;
            lock (_sync)
            {
                wrote = _wrote.Task;
            }

            List<(byte, byte, int, byte[])> frames = Frames();
            if (done(frames))
            {
                return frames;
            }

            try
            {
                await wrote.WaitAsync(bound.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("The client did not write the frames the test waits for; it wrote " + string.Join(", ", frames.Select(f => $"type {f.Item1} flags {f.Item2} stream {f.Item3} length {f.Item4.Length}")));
            }
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_pendingAt == _pending.Length)
        {
            if (!await _incoming.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return 0;
            }

            _pending = await _incoming.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            _pendingAt = 0;
        }

        int take = Math.Min(buffer.Length, _pending.Length - _pendingAt);
        _pending.AsMemory(_pendingAt, take).CopyTo(buffer);
        _pendingAt += take;
        return take;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        TaskCompletionSource wrote;
        lock (_sync)
        {
            _written.AddRange(buffer.ToArray());
            wrote = _wrote;
            _wrote = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        wrote.SetResult();
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        IsDisposed = true;
        _incoming.Writer.TryComplete();
        base.Dispose(disposing);
    }
}
