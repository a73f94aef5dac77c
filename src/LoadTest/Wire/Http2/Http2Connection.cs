using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Net.Security;
using System.Threading;
using System.Threading.Tasks;
using LoadTest.Wire.Connections;

namespace LoadTest.Wire.Http2;

/// <summary>
/// One HTTP/2 connection (RFC 9113), over TLS with ALPN h2 or in clear text with prior knowledge: many
/// requests at once, each on a stream of its own. Requests append their frames to one buffer, and one
/// write sends all that are waiting; one read loop hands every frame to its stream. While the loop hands
/// out a read's frames, the requests they complete (and the ones that follow them) only append, and the
/// loop sends the lot when it is done: one write and one read for many requests, as h2load does.
/// </summary>
internal sealed class Http2Connection : IDisposable
{
    private const int DefaultWindow = 65535;

    // The body is counted, never buffered: the windows this client gives the server can be wide.
    private const int StreamWindow = 16 * 1024 * 1024;
    private const int ConnectionWindow = int.MaxValue;
    private const int ReadBufferSize = 64 * 1024;
    private const int MaxHeaderBlock = 256 * 1024;

    // What RFC 9113 6.5.2 calls the initial limit is none: a server whose SETTINGS do not say assumes as HttpClient does.
    private const int AssumedMaxStreams = 100;


    private static readonly byte[] s_preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();
    private static readonly IHPackSink s_discard = new DiscardSink();

    // The socket's stream, or TLS over it.
    private readonly Stream _stream;
    private readonly bool _singleUse;

    // Streams opened before the server's first SETTINGS, whose limit may be lower: one, for a server that waits for a request before it speaks.
    private readonly int _streamsBeforeSettings;
    private readonly Action<Http2Connection> _closed;
    private readonly Action<Http2Connection> _capacity;
    private readonly object _sync = new();
    private readonly Dictionary<int, Http2Stream> _streams = new();
    private readonly HPackDecoder _decoder = new();
    private readonly Http2FrameBuffer _frames;
    private bool _flushing;
    private bool _dispatching;
    private int _nextStreamId = 1;
    private int _maxStreams = AssumedMaxStreams;
    private bool _settingsReceived;
    private bool _openedAny;

    // Moves on with the server's first SETTINGS and each that lowers its stream limit: a stream opened under an
    // earlier one may be refused for the limit the client did not know yet.
    private int _limitEpoch;
    private int _peerInitialWindow = DefaultWindow;
    private long _sendWindow = DefaultWindow;
    private int _unacknowledged;
    private bool _goingAway;
    private int _lastAccepted = int.MaxValue;
    private Exception? _failure;
    private Exception? _closeWhenFlushed;

    // A header block that goes on in CONTINUATION frames.
    private byte[] _block = Array.Empty<byte>();
    private int _blockLength;
    private int _blockStream;
    private bool _blockEndsStream;

    private readonly long _id;

    private Http2Connection(Stream stream, Http2ConnectionSettings settings, long id)
    {
        _stream = stream;
        _id = id;
        _frames = new Http2FrameBuffer(settings.Authority, settings.Tls is not null);
        _singleUse = settings.SingleUse;
        _streamsBeforeSettings = settings.StreamsBeforeSettings;
        _closed = settings.Closed;
        _capacity = settings.Capacity;
    }

    /// <summary>What <see cref="TryOpen"/> did.</summary>
    public enum OpenResult
    {
        /// <summary>The stream is open and its HEADERS queued: call <see cref="Start"/>.</summary>
        Opened,

        /// <summary>The server allows no more streams now.</summary>
        Full,

        /// <summary>The connection takes no more requests: ended, or going away.</summary>
        Closed,
    }

    /// <summary>
    /// Connects to the server (where the connector sends it), speaks TLS with ALPN h2 when the settings
    /// say so, and sends the connection preface and this client's settings.
    /// </summary>
    public static async Task<Http2Connection> ConnectAsync(Http2ConnectionSettings settings, CancellationToken token)
    {
        Stream plain = await settings.Sockets.OpenAsync(settings.Host, settings.Port, token).ConfigureAwait(false);
        long id = WireEvents.NextConnection();
        if (WireEvents.Log.IsEnabled())
        {
            WireEvents.Log.ConnectionOpened(id, settings.Host, settings.Port, ConnectionOpener.SocketsOf(plain));
        }

        SslStream? secure = null;
        try
        {
            if (settings.Tls is { } tls)
            {
                secure = await tls.AuthenticateAsync(plain, settings.Host, TlsClientSettings.Http2, id, token).ConfigureAwait(false);
                if (secure.NegotiatedApplicationProtocol != SslApplicationProtocol.Http2)
                {
                    throw new HttpRequestException(HttpRequestError.VersionNegotiationError, "The server did not agree to HTTP/2 in the TLS handshake (ALPN h2).");
                }
            }

            return await StartAsync(secure ?? plain, settings, token, id).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            if (WireEvents.Log.IsEnabled())
            {
                WireEvents.Log.ConnectionClosed(id, ex.Message);
            }

            secure?.Dispose();
            plain.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Speaks HTTP/2 over a stream already open: sends the preface and this client's settings, and starts the
    /// read loop. The unit tests and the fuzzer give a stream of their own.
    /// </summary>
    internal static async Task<Http2Connection> StartAsync(Stream stream, Http2ConnectionSettings settings, CancellationToken token, long id = 0)
    {
        var connection = new Http2Connection(stream, settings, id);
        await connection.WriteAsync(connection.Preface(), token).ConfigureAwait(false);
        _ = Task.Run(connection.ReadLoopAsync, CancellationToken.None);
        return connection;
    }

    /// <summary>False once the connection has failed or the server is closing it.</summary>
    public bool IsOpen
    {
        get
        {
            lock (_sync)
            {
                return _failure is null && !_goingAway;
            }
        }
    }

    /// <summary>
    /// True while the connection may yet take another request: it is open, and its server's limit is not
    /// known yet, or is 0 (which the server may raise), or is not reached.
    /// </summary>
    public bool MayTakeMore
    {
        get
        {
            lock (_sync)
            {
                return _failure is null && !_goingAway && (!_settingsReceived || _maxStreams == 0 || _streams.Count < _maxStreams);
            }
        }
    }

    /// <summary>True once a stream has been opened on the connection.</summary>
    public bool OpenedAny
    {
        get
        {
            lock (_sync)
            {
                return _openedAny;
            }
        }
    }

    /// <summary>
    /// Opens <paramref name="stream"/> when the server allows one more: its id, its HEADERS and as much of its
    /// body as the windows allow are queued in one step under the lock, so that no SETTINGS the client
    /// acknowledges can come between the count and the HEADERS (RFC 9113 5.1.2). Before the server's first
    /// SETTINGS it allows one stream. Once opened, call <see cref="Start"/> outside any lock, with <paramref name="flush"/>.
    /// </summary>
    public OpenResult TryOpen(Http2Stream stream, out bool flush)
    {
        RequestPayload payload = stream.Spec.Payload;
        byte[] body = payload.Body ?? Array.Empty<byte>();
        HttpMethod method = stream.Method;
        long contentLength = payload.HasContent || method == HttpMethod.Post || method == HttpMethod.Put || method == HttpMethod.Patch ? body.Length : -1;
        flush = false;
        lock (_sync)
        {
            if (_failure is not null || _goingAway)
            {
                return OpenResult.Closed;
            }

            if (_streams.Count >= (_settingsReceived ? _maxStreams : _streamsBeforeSettings))
            {
                return OpenResult.Full;
            }

            stream.Owner = this;
            stream.Id = _nextStreamId;
            stream.LimitEpoch = _limitEpoch;
            _nextStreamId += 2;
            _openedAny = true;

            // -DisableKeepAlive: one request per connection. Or stream identifiers are used up (RFC 9113 5.1.1).
            _goingAway = _singleUse || _nextStreamId < 0;

            stream.SendWindow = _peerInitialWindow;
            _streams.Add(stream.Id, stream);
            _frames.AppendHeaders(stream.Id, method.Method, stream.Path, payload.HeaderBlock(Http2HeaderBlock.Encoding)!, contentLength, endStream: body.Length == 0);
            stream.Progress.Sent();
            if (body.Length > 0)
            {
                stream.BodySent = _frames.AppendData(stream, body, 0, ref _sendWindow);
                stream.BodyPending = stream.BodySent < body.Length;
            }

            flush = TakeFlush();
        }

        return OpenResult.Opened;
    }

    /// <summary>Sends what <see cref="TryOpen"/> queued (outside every lock), and the rest of the body as the windows open.</summary>
    public void Start(Http2Stream stream, bool flush)
    {
        if (flush)
        {
            _ = FlushAsync();
        }

        if (stream.BodyPending)
        {
            _ = SendBodyAsync(stream, stream.Spec.Payload.Body!, stream.BodySent);
        }
    }

    /// <summary>Closes the connection as RFC 9113 6.8 asks: the frames still queued (a reset, say) and a GOAWAY go out first.</summary>
    public void Dispose() => Close(Http2Errors.NoError, new ObjectDisposedException(nameof(Http2Connection), "LoadTest closed the connection: its run is over, or it had no more requests to carry."));

    /// <summary>True once the connection has ended (failed or closed): nothing of it is open any more.</summary>
    public bool HasEnded => Failure is not null;

    /// <summary>Why the connection ended; null while it has not.</summary>
    public Exception? Failure
    {
        get
        {
            lock (_sync)
            {
                return _failure;
            }
        }
    }

    /// <summary>
    /// The payload of a DATA or HEADERS frame without its padding and, with <paramref name="fixedFields"/>, the
    /// fields before its content (HEADERS' priority); null when the frame is too short to hold its Pad Length
    /// and those fields (FRAME_SIZE_ERROR, RFC 9113 4.2). Padding longer than what is left is a connection
    /// error of type PROTOCOL_ERROR (6.1, 6.2).
    /// </summary>
    private static bool TryUnpad(byte flags, ReadOnlySpan<byte> payload, int fixedFields, out ReadOnlySpan<byte> content)
    {
        bool padded = (flags & Http2Frame.Padded) != 0;
        int before = (padded ? 1 : 0) + fixedFields;
        content = default;
        if (payload.Length < before)
        {
            return false;
        }

        int padding = padded ? payload[0] : 0;
        if (padding > payload.Length - before)
        {
            throw Http2Errors.Protocol("A frame's padding is longer than the frame.");
        }

        content = payload.Slice(before, payload.Length - before - padding);
        return true;
    }

    private byte[] Preface()
    {
        var preface = new byte[s_preface.Length + Http2Frame.HeaderSize + 12 + Http2Frame.HeaderSize + 4];
        s_preface.CopyTo(preface, 0);
        Span<byte> settings = preface.AsSpan(s_preface.Length);
        Http2Frame.WriteHeader(settings, 12, Http2Frame.Settings, 0, 0);
        BinaryPrimitives.WriteUInt16BigEndian(settings[9..], Http2Frame.SettingEnablePush);
        BinaryPrimitives.WriteUInt32BigEndian(settings[11..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(settings[15..], Http2Frame.SettingInitialWindowSize);
        BinaryPrimitives.WriteUInt32BigEndian(settings[17..], StreamWindow);
        Span<byte> update = settings[21..];
        Http2Frame.WriteHeader(update, 4, Http2Frame.WindowUpdate, 0, 0);
        BinaryPrimitives.WriteInt32BigEndian(update[9..], ConnectionWindow - DefaultWindow);
        return preface;
    }

    private ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken token) => _stream.WriteAsync(data, token);

    /// <summary>True when the caller should start a flush; under the lock. The read loop flushes what arrives while it hands out frames.</summary>
    private bool TakeFlush()
    {
        Debug.Assert(Monitor.IsEntered(_sync), "The connection's lock is held.");
        if (_flushing || _dispatching || _frames.Length == 0)
        {
            return false;
        }

        _flushing = true;
        return true;
    }

    /// <summary>Writes what is pending until nothing is; a failed write ends the connection, and so does a close that waited for it.</summary>
    private async Task FlushAsync()
    {
        try
        {
            while (true)
            {
                ReadOnlyMemory<byte> batch = default;
                Exception? close = null;
                lock (_sync)
                {
                    if (_failure is not null || _frames.Length == 0)
                    {
                        _flushing = false;
                        close = _failure is null ? _closeWhenFlushed : null;
                    }
                    else
                    {
                        batch = _frames.Take();
                    }
                }

                if (batch.IsEmpty)
                {
                    if (close is not null)
                    {
                        Fail(close);
                    }

                    return;
                }

                await WriteAsync(batch, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    /// <summary>
    /// Ends the connection with a GOAWAY carrying <paramref name="code"/>, after the frames still queued; the
    /// open streams fail with <paramref name="reason"/>. A write already under way finishes first.
    /// </summary>
    private void Close(int code, Exception reason)
    {
        ReadOnlyMemory<byte> batch;
        lock (_sync)
        {
            if (_failure is not null || _closeWhenFlushed is not null)
            {
                return;
            }

            _goingAway = true;
            if (WireEvents.Log.IsEnabled())
            {
                WireEvents.Log.GoAwaySent(_id, Http2Errors.NameOf(code), reason.Message);
            }

            // The last stream this client processed: none, since the server opens none.
            Span<byte> payload = stackalloc byte[8];
            BinaryPrimitives.WriteInt32BigEndian(payload[4..], code);
            _frames.AppendFrame(Http2Frame.GoAway, 0, 0, payload);
            if (_flushing)
            {
                // The write under way takes the GOAWAY too, and then closes; a server that reads nothing gets a second.
                _closeWhenFlushed = reason;
                _ = Task.Delay(TimeSpan.FromSeconds(1)).ContinueWith(static (_, state) => ((Http2Connection)state!).Fail(((Http2Connection)state!)._closeWhenFlushed!), this, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                return;
            }

            _flushing = true;
            batch = _frames.Take();
        }

        try
        {
            // A last write, bounded in time: a server that reads nothing must not hold the run's end.
            _stream.WriteTimeout = 1000;
            _stream.Write(batch.Span);
        }
        catch (Exception)
        {
            // Best effort: the connection ends either way, and this may run on a timer's thread.
        }

        Fail(reason);
    }

    /// <summary>Sends the rest of a request body as the server's flow-control windows open.</summary>
    private async Task SendBodyAsync(Http2Stream stream, byte[] body, int sent)
    {
        while (sent < body.Length)
        {
            Task? wait = null;
            bool flush;
            lock (_sync)
            {
                if (_failure is not null || !_streams.ContainsKey(stream.Id))
                {
                    return;
                }

                sent = _frames.AppendData(stream, body, sent, ref _sendWindow);
                stream.BodyPending = sent < body.Length;
                if (stream.BodyPending)
                {
                    stream.WindowWaiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    wait = stream.WindowWaiter.Task;
                }

                flush = TakeFlush();
            }

            if (flush)
            {
                _ = FlushAsync();
            }

            if (wait is not null)
            {
                await wait.ConfigureAwait(false);
            }
        }
    }

    private async Task ReadLoopAsync()
    {
        byte[] buffer = new byte[ReadBufferSize];
        int start = 0;
        int end = 0;
        bool settingsSeen = false;
        try
        {
            while (true)
            {
                int read = await _stream.ReadAsync(buffer.AsMemory(end)).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new HttpIOException(HttpRequestError.ResponseEnded, "The server closed the HTTP/2 connection.");
                }

                end += read;
                lock (_sync)
                {
                    _dispatching = true;
                }

                try
                {
                    while (end - start >= Http2Frame.HeaderSize)
                    {
                        ReadOnlySpan<byte> frame = buffer.AsSpan(start, end - start);
                        if (!settingsSeen)
                        {
                            CheckFirstFrame(frame);
                            settingsSeen = true;
                        }

                        (int length, byte type, byte flags, int streamId) = Http2Frame.ReadHeader(frame);
                        if (length > Http2Frame.MaxPayload)
                        {
                            throw Http2Errors.FrameSize($"The server sent a frame of {length} bytes; this client accepts {Http2Frame.MaxPayload}.");
                        }

                        if (frame.Length < Http2Frame.HeaderSize + length)
                        {
                            break;
                        }

                        Dispatch(type, flags, streamId, frame.Slice(Http2Frame.HeaderSize, length));
                        start += Http2Frame.HeaderSize + length;
                    }

                    // Streams that ended, or a limit that rose, may let requests waiting for a stream open one: their
                    // HEADERS go out with this read's batch.
                    _capacity(this);
                }
                finally
                {
                    bool flush;
                    lock (_sync)
                    {
                        _dispatching = false;
                        flush = TakeFlush();
                    }

                    if (flush)
                    {
                        _ = FlushAsync();
                    }
                }

                if (start == end)
                {
                    start = end = 0;
                }
                else if (buffer.Length - end < Http2Frame.HeaderSize + Http2Frame.MaxPayload)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }

                lock (_sync)
                {
                    if (_goingAway && _streams.Count == 0)
                    {
                        break;
                    }
                }
            }

            Close(Http2Errors.NoError, new HttpIOException(HttpRequestError.ResponseEnded, "The server ended the HTTP/2 connection (GOAWAY)."));
        }
        catch (HttpProtocolException ex)
        {
            // A connection error this client found (RFC 9113 5.4.1): the server is told which, then the connection closes.
            Close((int)ex.ErrorCode, ex);
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    private static void CheckFirstFrame(ReadOnlySpan<byte> frame)
    {
        if (frame.StartsWith("HTTP/"u8))
        {
            throw new HttpIOException(HttpRequestError.HttpProtocolError, "The server answered in HTTP/1.x: it does not speak HTTP/2 (with prior knowledge) on this port.");
        }

        if (frame[3] != Http2Frame.Settings || (frame[4] & Http2Frame.Ack) != 0)
        {
            throw Http2Errors.Protocol("The server's first frame was not SETTINGS.");
        }
    }

    private void Dispatch(byte type, byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        if (_blockStream != 0 && type != Http2Frame.Continuation)
        {
            throw Http2Errors.Protocol("A header block was interrupted by another frame.");
        }

        switch (type)
        {
            case Http2Frame.Data:
                OnData(flags, streamId, payload);
                break;
            case Http2Frame.Headers:
                OnHeaders(flags, streamId, payload);
                break;
            case Http2Frame.Continuation:
                OnContinuation(flags, streamId, payload);
                break;
            case Http2Frame.RstStream:
                OnReset(streamId, payload);
                break;
            case Http2Frame.Settings:
                OnSettings(flags, streamId, payload);
                break;
            case Http2Frame.Ping:
                OnPing(flags, streamId, payload);
                break;
            case Http2Frame.GoAway:
                OnGoAway(streamId, payload);
                break;
            case Http2Frame.WindowUpdate:
                OnWindowUpdate(streamId, payload);
                break;
            case Http2Frame.PushPromise:
                throw Http2Errors.Protocol("The server pushed a stream though this client disabled push.");
            case Http2Frame.Priority:
                // Ignored (RFC 9113 5.3.2), but its length is still checked: 5 octets, or a stream error (6.3).
                if (streamId == 0)
                {
                    throw Http2Errors.Protocol("A PRIORITY frame names stream 0.");
                }

                if (payload.Length != 5)
                {
                    StreamError(streamId, Http2Errors.FrameSizeError, "A PRIORITY frame is not 5 bytes long.");
                }

                break;
            default:
                // Unknown frame types are ignored (RFC 9113 4.1).
                break;
        }
    }

    private void OnData(byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        if (streamId == 0)
        {
            throw Http2Errors.Protocol("A DATA frame names stream 0.");
        }

        if (!TryUnpad(flags, payload, 0, out ReadOnlySpan<byte> data))
        {
            // Too short for its Pad Length: a stream error (RFC 9113 4.2); the frame changes no window.
            StreamError(streamId, Http2Errors.FrameSizeError, "A padded DATA frame has no room for its Pad Length.");
            return;
        }

        Http2Stream? done = null;
        Http2Stream? malformed = null;
        lock (_sync)
        {
            // The whole frame, padding too, counts against the windows (RFC 9113 6.9.1).
            _unacknowledged += payload.Length;
            if (_unacknowledged >= ConnectionWindow / 2)
            {
                _frames.AppendWindowUpdate(0, _unacknowledged);
                _unacknowledged = 0;
            }

            if (_streams.TryGetValue(streamId, out Http2Stream? stream))
            {
                bool complete = stream.OnData(data, (flags & Http2Frame.EndStream) != 0);
                if (stream.Malformed is not null)
                {
                    malformed = Reset(stream, Http2Errors.ProtocolError);
                }
                else if (complete)
                {
                    done = Complete(stream);
                }
                else if ((stream.Unacknowledged += payload.Length) >= StreamWindow / 2)
                {
                    _frames.AppendWindowUpdate(streamId, stream.Unacknowledged);
                    stream.Unacknowledged = 0;
                }
            }
            else
            {
                CheckWasOpened(streamId);
            }
        }

        Finish(done, malformed);
    }

    private void OnHeaders(byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        if (streamId == 0)
        {
            throw Http2Errors.Protocol("A HEADERS frame names stream 0.");
        }

        // A frame that carries a field block changes the connection's state: its size errors are the connection's (RFC 9113 4.2).
        if (!TryUnpad(flags, payload, (flags & Http2Frame.PriorityFlag) != 0 ? 5 : 0, out ReadOnlySpan<byte> fragment))
        {
            throw Http2Errors.FrameSize("A HEADERS frame is too short for its Pad Length and priority fields.");
        }

        bool endStream = (flags & Http2Frame.EndStream) != 0;
        if ((flags & Http2Frame.EndHeaders) != 0)
        {
            OnHeaderBlock(streamId, fragment, endStream);
            return;
        }

        _blockStream = streamId;
        _blockEndsStream = endStream;
        _blockLength = 0;
        AppendToBlock(fragment);
    }

    private void OnContinuation(byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        if (_blockStream == 0 || streamId != _blockStream)
        {
            throw Http2Errors.Protocol("A CONTINUATION frame does not continue a header block.");
        }

        AppendToBlock(payload);
        if ((flags & Http2Frame.EndHeaders) != 0)
        {
            _blockStream = 0;
            OnHeaderBlock(streamId, _block.AsSpan(0, _blockLength), _blockEndsStream);
        }
    }

    private void AppendToBlock(ReadOnlySpan<byte> fragment)
    {
        if (_blockLength + fragment.Length > MaxHeaderBlock)
        {
            throw Http2Errors.Protocol("A header block is larger than 256 KB.");
        }

        if (_block.Length < _blockLength + fragment.Length)
        {
            Array.Resize(ref _block, Math.Max(_blockLength + fragment.Length, _block.Length * 2));
        }

        fragment.CopyTo(_block.AsSpan(_blockLength));
        _blockLength += fragment.Length;
    }

    private void OnHeaderBlock(int streamId, ReadOnlySpan<byte> block, bool endStream)
    {
        Http2Stream? stream;
        lock (_sync)
        {
            if (!_streams.TryGetValue(streamId, out stream))
            {
                CheckWasOpened(streamId);
            }
        }

        // Decoded even for a stream nobody waits for: the table must stay in step with the server's.
        _decoder.Decode(block, stream ?? s_discard);
        if (stream is null)
        {
            return;
        }

        Http2Stream? done = null;
        Http2Stream? malformed = null;
        lock (_sync)
        {
            if (!_streams.ContainsKey(streamId))
            {
                return;
            }

            bool complete = stream.EndHeaders(endStream);
            if (stream.Malformed is not null)
            {
                malformed = Reset(stream, Http2Errors.ProtocolError);
            }
            else if (complete)
            {
                done = Complete(stream);
            }
        }

        Finish(done, malformed);
    }

    private void OnReset(int streamId, ReadOnlySpan<byte> payload)
    {
        if (streamId == 0)
        {
            throw Http2Errors.Protocol("A RST_STREAM frame names stream 0.");
        }

        if (payload.Length != 4)
        {
            throw Http2Errors.FrameSize("A RST_STREAM frame is not 4 bytes long.");
        }

        int code = BinaryPrimitives.ReadInt32BigEndian(payload);
        Http2Stream? stream;
        bool forLimit;
        lock (_sync)
        {
            if (!_streams.TryGetValue(streamId, out stream))
            {
                CheckWasOpened(streamId);
                return;
            }

            Remove(stream);
            forLimit = stream.LimitEpoch != _limitEpoch;
        }

        if (WireEvents.Log.IsEnabled())
        {
            WireEvents.Log.StreamResetReceived(_id, streamId, Http2Errors.NameOf(code));
            if (code == Http2Errors.RefusedStream && !stream.HasHead)
            {
                WireEvents.Log.StreamRefused(_id, streamId, forLimit ? "REFUSED_STREAM, sent before the server's lower stream limit arrived" : "REFUSED_STREAM");
            }
        }

        // REFUSED_STREAM before any answer: the server did not process the request (RFC 9113 8.7).
        stream.Fail(code == Http2Errors.RefusedStream && !stream.HasHead
            ? new Http2RefusedException("The server refused the stream (REFUSED_STREAM).", forLimit: forLimit)
            : Http2Errors.Reset(code));
    }

    private void OnSettings(byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        if (streamId != 0)
        {
            throw Http2Errors.Protocol("A SETTINGS frame names a stream.");
        }

        if ((flags & Http2Frame.Ack) != 0)
        {
            if (!payload.IsEmpty)
            {
                throw Http2Errors.FrameSize("A SETTINGS acknowledgement carries a payload.");
            }

            return;
        }

        if (payload.Length % 6 != 0)
        {
            throw Http2Errors.FrameSize("A SETTINGS frame's length is not a multiple of 6.");
        }

        lock (_sync)
        {
            if (!_settingsReceived)
            {
                _settingsReceived = true;
                _limitEpoch++;
            }

            for (int at = 0; at < payload.Length; at += 6)
            {
                ushort setting = BinaryPrimitives.ReadUInt16BigEndian(payload[at..]);
                uint value = BinaryPrimitives.ReadUInt32BigEndian(payload[(at + 2)..]);
                switch (setting)
                {
                    case Http2Frame.SettingEnablePush when value != 0:
                        throw Http2Errors.Protocol("The server set SETTINGS_ENABLE_PUSH.");
                    case Http2Frame.SettingHeaderTableSize:
                        _frames.UpdateTableSizeToZero();
                        break;
                    case Http2Frame.SettingMaxConcurrentStreams:
                        // A limit below the streams open closes none: no new one opens until enough have ended (RFC 9113 5.1.2).
                        if (value < (uint)_maxStreams)
                        {
                            _limitEpoch++;
                        }

                        _maxStreams = (int)Math.Min(value, int.MaxValue);
                        break;
                    case Http2Frame.SettingInitialWindowSize:
                        if (value > int.MaxValue)
                        {
                            throw Http2Errors.FlowControl("The server's initial window size is above 2^31-1.");
                        }

                        long delta = value - (long)_peerInitialWindow;
                        _peerInitialWindow = (int)value;
                        foreach (Http2Stream stream in _streams.Values)
                        {
                            if ((stream.SendWindow += delta) > int.MaxValue)
                            {
                                throw Http2Errors.FlowControl("The server's new initial window size takes a stream's window above 2^31-1.");
                            }

                            stream.WindowWaiter?.TrySetResult();
                        }

                        break;
                    case Http2Frame.SettingMaxFrameSize:
                        if (value is < Http2Frame.MaxPayload or > 16777215)
                        {
                            throw Http2Errors.Protocol("The server's maximum frame size is out of range.");
                        }

                        _frames.MaxFrame = (int)value;
                        break;
                }
            }

            _frames.AppendFrame(Http2Frame.Settings, Http2Frame.Ack, 0, ReadOnlySpan<byte>.Empty);
        }
    }

    private void OnPing(byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        if (streamId != 0)
        {
            throw Http2Errors.Protocol("A PING frame names a stream.");
        }

        if (payload.Length != 8)
        {
            throw Http2Errors.FrameSize("A PING frame is not 8 bytes long.");
        }

        if ((flags & Http2Frame.Ack) == 0)
        {
            lock (_sync)
            {
                _frames.AppendFrame(Http2Frame.Ping, Http2Frame.Ack, 0, payload);
            }
        }
    }

    private void OnGoAway(int streamId, ReadOnlySpan<byte> payload)
    {
        if (streamId != 0)
        {
            throw Http2Errors.Protocol("A GOAWAY frame names a stream.");
        }

        if (payload.Length < 8)
        {
            throw Http2Errors.FrameSize("A GOAWAY frame is shorter than 8 bytes.");
        }

        int last = BinaryPrimitives.ReadInt32BigEndian(payload) & int.MaxValue;
        if (WireEvents.Log.IsEnabled())
        {
            WireEvents.Log.GoAwayReceived(_id, last, Http2Errors.NameOf(BinaryPrimitives.ReadInt32BigEndian(payload[4..])));
        }

        var refused = new List<Http2Stream>();
        lock (_sync)
        {
            _goingAway = true;
            _lastAccepted = Math.Min(_lastAccepted, last);
            foreach (Http2Stream stream in _streams.Values)
            {
                if (stream.Id > _lastAccepted)
                {
                    refused.Add(stream);
                }
            }

            foreach (Http2Stream stream in refused)
            {
                Remove(stream);
            }
        }

        _closed(this);

        // Streams above the last one the server accepted were not processed (RFC 9113 6.8).
        foreach (Http2Stream stream in refused)
        {
            if (WireEvents.Log.IsEnabled())
            {
                WireEvents.Log.StreamRefused(_id, stream.Id, "above the last stream the server's GOAWAY accepted");
            }

            stream.Fail(new Http2RefusedException("The server was closing the connection (GOAWAY) and did not process the request."));
        }
    }

    private void OnWindowUpdate(int streamId, ReadOnlySpan<byte> payload)
    {
        if (payload.Length != 4)
        {
            throw Http2Errors.FrameSize("A WINDOW_UPDATE frame is not 4 bytes long.");
        }

        int increment = BinaryPrimitives.ReadInt32BigEndian(payload) & int.MaxValue;
        Http2Stream? malformed = null;
        lock (_sync)
        {
            if (streamId == 0)
            {
                if (increment == 0)
                {
                    throw Http2Errors.Protocol("The server's WINDOW_UPDATE for the connection is zero.");
                }

                if ((_sendWindow += increment) > int.MaxValue)
                {
                    throw Http2Errors.FlowControl("The server's WINDOW_UPDATE takes the connection's window above 2^31-1.");
                }

                foreach (Http2Stream stream in _streams.Values)
                {
                    stream.WindowWaiter?.TrySetResult();
                }
            }
            else if (_streams.TryGetValue(streamId, out Http2Stream? stream))
            {
                if (increment == 0 || (stream.SendWindow += increment) > int.MaxValue)
                {
                    stream.MarkMalformed("The server's WINDOW_UPDATE for the stream is zero or takes its window above 2^31-1.");
                    malformed = Reset(stream, increment == 0 ? Http2Errors.ProtocolError : Http2Errors.FlowControlError);
                }
                else
                {
                    stream.WindowWaiter?.TrySetResult();
                }
            }
            else
            {
                CheckWasOpened(streamId);
            }
        }

        Finish(null, malformed);
    }

    /// <summary>
    /// A stream error this client found (RFC 9113 5.4.2): an open stream is reset with <paramref name="code"/> and its
    /// request fails; a stream that has ended is reset all the same; one never opened (idle) cannot be reset, so
    /// the error is the connection's.
    /// </summary>
    private void StreamError(int streamId, int code, string message)
    {
        Http2Stream? failed = null;
        lock (_sync)
        {
            if ((streamId & 1) == 0 || streamId >= _nextStreamId)
            {
                throw new HttpProtocolException(code, message + $" (stream {streamId}, which this client never opened)", null);
            }

            if (_streams.TryGetValue(streamId, out Http2Stream? stream))
            {
                stream.MarkMalformed(message);
                failed = Reset(stream, code);
            }
            else
            {
                AppendReset(streamId, code, message);
            }
        }

        failed?.Fail(new HttpProtocolException(code, message, null));
    }

    /// <summary>Under the lock: a frame on a stream that is not open is ignored if the stream was opened and has ended, and is an error otherwise.</summary>
    private void CheckWasOpened(int streamId)
    {
        Debug.Assert(Monitor.IsEntered(_sync), "The connection's lock is held.");
        if ((streamId & 1) == 0 || streamId >= _nextStreamId)
        {
            throw Http2Errors.Protocol($"The server sent a frame on stream {streamId}, which this client never opened.");
        }
    }

    /// <summary>Under the lock: the stream leaves the connection, and its slot is free.</summary>
    private Http2Stream Remove(Http2Stream stream)
    {
        Debug.Assert(Monitor.IsEntered(_sync), "The connection's lock is held.");
        _streams.Remove(stream.Id);
        stream.WindowWaiter?.TrySetResult();
        return stream;
    }

    /// <summary>
    /// Under the lock: the response is complete, and the stream leaves the connection. A body still going out
    /// is abandoned, and the stream reset, so the server does not keep it open (RFC 9113 8.1).
    /// </summary>
    private Http2Stream Complete(Http2Stream stream)
    {
        Debug.Assert(Monitor.IsEntered(_sync), "The connection's lock is held.");
        return stream.BodyPending ? Reset(stream, Http2Errors.Cancel, "the answer came before the whole body went out") : Remove(stream);
    }

    /// <summary>Under the lock: the stream leaves the connection and the server is told to stop it.</summary>
    private Http2Stream Reset(Http2Stream stream, int code, string? reason = null)
    {
        Debug.Assert(Monitor.IsEntered(_sync), "The connection's lock is held.");
        Remove(stream);
        AppendReset(stream.Id, code, reason ?? stream.Malformed ?? "the request's attempt was cancelled");
        return stream;
    }

    /// <summary>Under the lock: queues RST_STREAM with <paramref name="code"/>.</summary>
    private void AppendReset(int streamId, int code, string reason)
    {
        Debug.Assert(Monitor.IsEntered(_sync), "The connection's lock is held.");
        if (WireEvents.Log.IsEnabled())
        {
            WireEvents.Log.StreamResetSent(_id, streamId, Http2Errors.NameOf(code), reason);
        }

        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(payload, code);
        _frames.AppendFrame(Http2Frame.RstStream, 0, streamId, payload);
    }

    /// <summary>Completes the streams a frame ended, outside the lock: a completion may run the request's continuation.</summary>
    private static void Finish(Http2Stream? done, Http2Stream? malformed)
    {
        done?.Succeed(done.BuildHead());
        malformed?.Fail(Http2Errors.Protocol(malformed.Malformed!));
    }

    /// <summary>The attempt's token was cancelled (its timeout, or the run's end): the stream is reset and its wait ends.</summary>
    public void Cancel(Http2Stream stream, CancellationToken token)
    {
        bool flush;
        bool drained;
        lock (_sync)
        {
            if (_failure is not null || !_streams.ContainsKey(stream.Id))
            {
                return;
            }

            Reset(stream, Http2Errors.Cancel);
            flush = TakeFlush();
            drained = _goingAway && _streams.Count == 0;
        }

        if (flush)
        {
            _ = FlushAsync();
        }

        stream.Fail(new OperationCanceledException(token));
        if (drained)
        {
            // Nothing more will come that anyone waits for: the read loop need not wait for the server to close.
            Dispose();
        }
        else
        {
            _capacity(this);
        }
    }

    /// <summary>Ends the connection: every open stream fails with the reason, and the socket is closed.</summary>
    private void Fail(Exception reason)
    {
        Http2Stream[] open;
        lock (_sync)
        {
            if (_failure is not null)
            {
                return;
            }

            _failure = reason;
            open = new Http2Stream[_streams.Count];
            _streams.Values.CopyTo(open, 0);
            foreach (Http2Stream stream in open)
            {
                Remove(stream);
            }
        }

        if (WireEvents.Log.IsEnabled())
        {
            WireEvents.Log.ConnectionClosed(_id, reason.Message);
        }

        _closed(this);
        foreach (Http2Stream stream in open)
        {
            if (stream.Id > _frames.WrittenThrough)
            {
                // Queued but never handed to a write: not sent, so not counted, and safe to send on another connection.
                if (WireEvents.Log.IsEnabled())
                {
                    WireEvents.Log.StreamRefused(_id, stream.Id, "never written: the connection ended first");
                }

                stream.Progress.Unsent();
                stream.Fail(new Http2RefusedException("The HTTP/2 connection ended before the request was written.", reason));
            }
            else
            {
                stream.Fail(new HttpIOException(HttpRequestError.ResponseEnded, "The HTTP/2 connection ended: " + reason.Message, reason));
            }
        }

        _stream.Dispose();
    }

    private sealed class DiscardSink : IHPackSink
    {
        public void OnField(string name, ReadOnlySpan<byte> value)
        {
        }
    }
}
