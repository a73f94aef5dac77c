using System;
using System.Buffers.Binary;

namespace LoadTest.Wire.Http2;

/// <summary>
/// The frames a connection has queued and not yet handed to a write, in the order they go out. Frames
/// are appended under the connection's lock, and one write at a time takes all of them (two buffers,
/// swapped), so many requests leave in one write. It knows the last stream whose request was handed to a
/// write: a stream after it never left the process.
/// </summary>
internal sealed class Http2FrameBuffer
{
    private readonly string _authority;
    private readonly bool _secure;
    private byte[] _pending = new byte[4096];
    private byte[] _writing = new byte[4096];
    private int _length;
    private bool _tableSizeUpdate;
    private int _lastQueued;

    public Http2FrameBuffer(string authority, bool secure)
    {
        _authority = authority;
        _secure = secure;
    }

    /// <summary>The bytes queued.</summary>
    public int Length => _length;

    /// <summary>The largest frame payload the server takes (its SETTINGS_MAX_FRAME_SIZE).</summary>
    public int MaxFrame { get; set; } = Http2Frame.MaxPayload;

    /// <summary>The last stream whose HEADERS were handed to a write.</summary>
    public int WrittenThrough { get; private set; }

    /// <summary>
    /// The server changed its header table size: whatever the new size, the next block must say so first
    /// (RFC 7541 4.2). This client's encoder uses no table, so the block sets it to 0, which every size allows.
    /// </summary>
    public void UpdateTableSizeToZero() => _tableSizeUpdate = true;

    /// <summary>Everything queued, for one write; valid until the next call.</summary>
    public ReadOnlyMemory<byte> Take()
    {
        (_writing, _pending) = (_pending, _writing);
        int length = _length;
        _length = 0;
        WrittenThrough = _lastQueued;
        return _writing.AsMemory(0, length);
    }

    /// <summary>Appends a request's HEADERS (and CONTINUATION frames when the block is larger than a frame).</summary>
    public void AppendHeaders(int streamId, string method, string path, byte[] fields, long contentLength, bool endStream)
    {
        _lastQueued = streamId;
        bool tableSizeZero = _tableSizeUpdate;
        _tableSizeUpdate = false;
        byte flags = endStream ? Http2Frame.EndStream : (byte)0;
        int most = HPackRequestEncoder.MaxRequestLength(method, _authority, path, fields.Length);
        if (most <= MaxFrame)
        {
            Span<byte> frame = Reserve(Http2Frame.HeaderSize + most);
            int length = HPackRequestEncoder.WriteRequest(frame[Http2Frame.HeaderSize..], tableSizeZero, method, _secure, _authority, path, fields, contentLength);
            Http2Frame.WriteHeader(frame, length, Http2Frame.Headers, (byte)(flags | Http2Frame.EndHeaders), streamId);
            _length += Http2Frame.HeaderSize + length;
            return;
        }

        // A block larger than a frame goes on in CONTINUATION frames, with nothing in between.
        byte[] block = new byte[most];
        ReadOnlySpan<byte> rest = block.AsSpan(0, HPackRequestEncoder.WriteRequest(block, tableSizeZero, method, _secure, _authority, path, fields, contentLength));
        byte type = Http2Frame.Headers;
        while (true)
        {
            int take = Math.Min(rest.Length, MaxFrame);
            bool last = take == rest.Length;
            AppendFrame(type, (byte)(flags | (last ? Http2Frame.EndHeaders : 0)), streamId, rest[..take]);
            if (last)
            {
                return;
            }

            rest = rest[take..];
            type = Http2Frame.Continuation;
            flags = 0;
        }
    }

    /// <summary>Appends as much of the body as the windows allow, in DATA frames, taking it from both; returns how far it got.</summary>
    public int AppendData(Http2Stream stream, byte[] body, int sent, ref long connectionWindow)
    {
        while (sent < body.Length)
        {
            int take = (int)Math.Min(Math.Min(body.Length - sent, MaxFrame), Math.Min(connectionWindow, stream.SendWindow));
            if (take <= 0)
            {
                break;
            }

            bool last = sent + take == body.Length;
            AppendFrame(Http2Frame.Data, last ? Http2Frame.EndStream : (byte)0, stream.Id, body.AsSpan(sent, take));
            connectionWindow -= take;
            stream.SendWindow -= take;
            sent += take;
        }

        return sent;
    }

    public void AppendWindowUpdate(int streamId, int increment)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(payload, increment);
        AppendFrame(Http2Frame.WindowUpdate, 0, streamId, payload);
    }

    public void AppendFrame(byte type, byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        Span<byte> frame = Reserve(Http2Frame.HeaderSize + payload.Length);
        Http2Frame.WriteHeader(frame, payload.Length, type, flags, streamId);
        payload.CopyTo(frame[Http2Frame.HeaderSize..]);
        _length += Http2Frame.HeaderSize + payload.Length;
    }

    /// <summary>Room for <paramref name="size"/> more bytes in the pending buffer.</summary>
    private Span<byte> Reserve(int size)
    {
        if (_pending.Length - _length < size)
        {
            Array.Resize(ref _pending, Math.Max(_length + size, _pending.Length * 2));
        }

        return _pending.AsSpan(_length, size);
    }
}
