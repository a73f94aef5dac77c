using System;
using System.Buffers;
using System.IO;
using System.Net.Http;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using LoadTest.Wire.Connections;

namespace LoadTest.Wire.Http1;

/// <summary>
/// One keep-alive HTTP/1.1 connection, plain or over TLS: writes a request head and body, reads the
/// response head and its body (Content-Length, chunked, or up to the connection's end), counting the body's bytes.
/// </summary>
internal sealed class Http1Connection : IDisposable
{
    // Small, because every connection keeps its own for as long as it lives (10,000 in flight are 10,000
    // of them); a head that needs more grows it, and a large body is read through a pooled buffer instead.
    private const int InitialBufferSize = 4 * 1024;
    private const int BodyBufferSize = 64 * 1024;
    private const int MaxHeadBytes = 64 * 1024;

    // The socket's stream, or TLS over it.
    private readonly Stream _stream;
    private byte[] _buffer = new byte[InitialBufferSize];
    private byte[] _send = Array.Empty<byte>();
    private int _start;
    private int _end;
    private ValueTask<int> _readAhead;
    private bool _readingAhead;

    private readonly long _id;

    /// <summary>A connection over a stream already open (TLS or not); the unit tests and the fuzzer give one of their own.</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="id">The connection's number in the wire's trace.</param>
    internal Http1Connection(Stream stream, long id = 0)
    {
        _stream = stream;
        _id = id;
    }

    /// <summary>True once the connection has carried a request: a failure before any answer may then be a stale connection.</summary>
    public bool Reused { get; set; }

    /// <summary>True when bytes of the current response have arrived.</summary>
    public bool ReceivedAny { get; private set; }

    /// <summary>Connects to <paramref name="host"/> (where the connector sends it), and with <paramref name="tls"/> speaks TLS to it by that name.</summary>
    public static async ValueTask<Http1Connection> ConnectAsync(ConnectionOpener sockets, string host, int port, TlsClientSettings? tls, CancellationToken token)
    {
        Stream plain = await sockets.OpenAsync(host, port, token).ConfigureAwait(false);
        long id = WireEvents.NextConnection();
        if (WireEvents.Log.IsEnabled())
        {
            WireEvents.Log.ConnectionOpened(id, host, port, ConnectionOpener.SocketsOf(plain));
        }

        try
        {
            return new Http1Connection(tls is null ? plain : await tls.AuthenticateAsync(plain, host, null, id, token).ConfigureAwait(false), id);
        }
        catch (Exception ex)
        {
            if (WireEvents.Log.IsEnabled())
            {
                WireEvents.Log.ConnectionClosed(id, ex.Message);
            }

            await plain.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A buffer of at least <paramref name="size"/> bytes to write the request into.</summary>
    public byte[] SendBuffer(int size)
    {
        if (_send.Length < size)
        {
            _send = new byte[Math.Max((size + 255) & ~255, _send.Length * 2)];
        }

        return _send;
    }

    /// <summary>
    /// Sends the request written into <see cref="SendBuffer"/>, and its body. Returns false, having sent
    /// nothing, when a reused connection turns out not to be clean; the attempt's progress counts a send.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> SendAsync(int headLength, ReadOnlyMemory<byte> body, AttemptProgress counter, CancellationToken token)
    {
        ReceivedAny = false;

        if (Reused)
        {
            // An idle connection must have nothing to read: bytes there (a late or extra response) would be
            // taken for the answer to this request, and an end means the server closed it. The read for the
            // response is started before the request is sent (as SocketsHttpHandler does): if it completes at
            // once, the connection is not used (nothing was sent) and the caller takes a fresh one; if not, it is the read the
            // response needs anyway, so the check costs no extra system call.
            _start = _end = 0;
            ValueTask<int> readAhead = ReceiveAsync(_buffer.AsMemory(), token);
            if (readAhead.IsCompleted)
            {
                token.ThrowIfCancellationRequested();
                try
                {
                    readAhead.GetAwaiter().GetResult();
                }
                catch (Exception ex) when (ex is SocketException or IOException)
                {
                }

                return false;
            }

            _readAhead = readAhead;
            _readingAhead = true;
        }

        counter.Sent();
        await SendAllAsync(_send.AsMemory(0, headLength), token).ConfigureAwait(false);
        if (!body.IsEmpty)
        {
            await SendAllAsync(body, token).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Reads one response; returns it and whether the connection can carry another request.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<(ResponseHead Response, bool Reusable)> ReceiveAsync(
        bool headRequest, bool includeHeaders, AttemptProgress counter, CancellationToken token)
    {
        while (true)
        {
            // The head (and usually the whole body) arrives in one read: read and parse it here rather than
            // through more async methods, each of which would cost its own suspension per request.
            int scanned = 0;
            bool startChecked = false;
            int headLength;
            while (!TryFindHead(ref scanned, ref startChecked, out headLength))
            {
                if (!EndFill(await StartFill(token).ConfigureAwait(false)))
                {
                    throw Ended();
                }
            }

            Http1Head head = Http1HeadParser.Parse(_buffer.AsSpan(_start, headLength), includeHeaders);
            _start += headLength;
            if (head.StatusCode < 200)
            {
                if (head.StatusCode == 101)
                {
                    // Nothing here asks for an upgrade: what follows is not HTTP/1.1 this client can read.
                    throw Http1HeadParser.Invalid("The server switched protocols (101) though no upgrade was asked for.");
                }

                // An interim response (100 Continue, 103 Early Hints): the final one follows.
                continue;
            }

            counter.StatusCode = head.StatusCode;
            bool framed = !head.FramingInDoubt;
            if (headRequest || head.StatusCode is 204 or 304)
            {
            }
            else if (head.Chunked)
            {
                await ReadChunkedAsync(counter, token).ConfigureAwait(false);
            }
            else if (head.ContentLength >= 0)
            {
                if (!TakeBufferedBody(head.ContentLength, counter))
                {
                    await ReadBodyAsync(head.ContentLength, false, counter, token).ConfigureAwait(false);
                }
            }
            else
            {
                // No length, or codings that do not end in chunked (RFC 9112 6.3): the body ends with the connection.
                framed = false;
                await ReadBodyAsync(0, true, counter, token).ConfigureAwait(false);
            }

            string? content = counter.KeepsContent
                ? counter.Content(ResponseCharset.CharsetOf(head.ContentType))
                : null;

            // Clean or closed: bytes left after the response (a body longer than announced, a response nobody
            // asked for) would be read as the next answer.
            bool reusable = framed && head.KeepAlive && _start == _end;
            if (_start == _end)
            {
                _start = _end = 0;
            }

            var response = new ResponseHead
            {
                StatusCode = head.StatusCode,
                ReasonPhrase = head.ReasonPhrase,
                RetryAfter = head.RetryAfter,
                Location = head.Location,
                Headers = head.Headers,
                Content = content,
            };
            return (response, reusable);
        }
    }

    public void Dispose() => Close("closed");

    /// <summary>Closes the connection; the wire's trace says why.</summary>
    public void Close(string reason)
    {
        if (WireEvents.Log.IsEnabled())
        {
            WireEvents.Log.ConnectionClosed(_id, reason);
        }

        _stream.Dispose();
    }

    private static Exception Invalid(string message) => Http1HeadParser.Invalid(message);

    private static Exception Ended() => new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely.");

    private ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken token) => _stream.ReadAsync(buffer, token);

    private ValueTask SendAllAsync(ReadOnlyMemory<byte> data, CancellationToken token) => _stream.WriteAsync(data, token);

    /// <summary>True when the buffer holds a whole response head; its length (with the empty line that ends it) is then in <paramref name="length"/>.</summary>
    private bool TryFindHead(ref int scanned, ref bool startChecked, out int length)
    {
        ReadOnlySpan<byte> buffered = _buffer.AsSpan(_start, _end - _start);
        if (!startChecked && !buffered.IsEmpty)
        {
            // A response without a status line (HTTP/0.9 style) is not HTTP/1.x: say so at once instead of
            // waiting for a head that never comes.
            ReadOnlySpan<byte> prefix = buffered[..Math.Min(buffered.Length, 5)];
            if (!"HTTP/"u8.StartsWith(prefix))
            {
                throw Invalid("The server answered without an HTTP status line.");
            }

            startChecked = prefix.Length == 5;
        }

        return Http1HeadParser.TryFindEnd(buffered, ref scanned, out length);
    }

    /// <summary>Counts a body of <paramref name="length"/> bytes that is already buffered whole; false (nothing taken) when it is not.</summary>
    private bool TakeBufferedBody(long length, AttemptProgress counter)
    {
        if (_end - _start < length)
        {
            return false;
        }

        counter.Add(_buffer.AsSpan(_start, (int)length));
        _start += (int)length;
        return true;
    }

    /// <summary>Reads more bytes after those buffered; false at the end of the connection.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> FillAsync(CancellationToken token) => EndFill(await StartFill(token).ConfigureAwait(false));

    /// <summary>Makes room after the buffered bytes and starts reading into it.</summary>
    private ValueTask<int> StartFill(CancellationToken token)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            else if (_buffer.Length < MaxHeadBytes)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            else
            {
                throw Invalid("The response head is larger than 64 KB.");
            }
        }

        if (_readingAhead)
        {
            // The read started before the request went out, into the empty buffer (see SendAsync).
            _readingAhead = false;
            ValueTask<int> readAhead = _readAhead;
            _readAhead = default;
            return readAhead;
        }

        return ReceiveAsync(_buffer.AsMemory(_end), token);
    }

    /// <summary>Takes in <paramref name="read"/> bytes a fill brought; false when it brought none (the end of the connection).</summary>
    private bool EndFill(int read)
    {
        if (read == 0)
        {
            return false;
        }

        ReceivedAny = true;
        _end += read;
        return true;
    }

    /// <summary>Reads <paramref name="length"/> body bytes, or with <paramref name="toEnd"/> all bytes until the connection closes.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReadBodyAsync(long length, bool toEnd, AttemptProgress counter, CancellationToken token)
    {
        byte[]? large = null;
        try
        {
            while (toEnd || length > 0)
            {
                if (_start < _end)
                {
                    int take = toEnd ? _end - _start : (int)Math.Min(length, _end - _start);
                    counter.Add(_buffer.AsSpan(_start, take));
                    _start += take;
                    length -= take;
                    continue;
                }

                bool more;
                if (toEnd || length >= _buffer.Length)
                {
                    // Nothing of this body is buffered and much of it is still to come: read it straight
                    // into a pooled buffer, never more than the body, so the connection's own stays small.
                    large ??= ArrayPool<byte>.Shared.Rent(BodyBufferSize);
                    int want = toEnd ? large.Length : (int)Math.Min(length, large.Length);
                    int read = await ReceiveAsync(large.AsMemory(0, want), token).ConfigureAwait(false);
                    more = read > 0;
                    if (more)
                    {
                        ReceivedAny = true;
                        counter.Add(large.AsSpan(0, read));
                        length -= read;
                    }
                }
                else
                {
                    more = await FillAsync(token).ConfigureAwait(false);
                }

                if (!more)
                {
                    if (toEnd)
                    {
                        return;
                    }

                    throw Ended();
                }
            }
        }
        finally
        {
            if (large is not null)
            {
                ArrayPool<byte>.Shared.Return(large);
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReadChunkedAsync(AttemptProgress counter, CancellationToken token)
    {
        while (true)
        {
            ReadOnlyMemory<byte> line = await ReadLineAsync(token).ConfigureAwait(false);
            long chunk = Http1HeadParser.ParseChunkSize(line.Span);
            if (chunk == 0)
            {
                // Trailers, if any, end with an empty line; together they may be no larger than a head.
                int trailerBytes = 0;
                while (true)
                {
                    ReadOnlyMemory<byte> trailer = await ReadLineAsync(token).ConfigureAwait(false);
                    if (trailer.IsEmpty)
                    {
                        return;
                    }

                    Http1HeadParser.CheckTrailerLine(trailer.Span);
                    trailerBytes += trailer.Length;
                    if (trailerBytes > MaxHeadBytes)
                    {
                        throw Invalid("The trailers are larger than 64 KB.");
                    }
                }
            }

            await ReadBodyAsync(chunk, false, counter, token).ConfigureAwait(false);
            if (!(await ReadLineAsync(token).ConfigureAwait(false)).IsEmpty)
            {
                throw Invalid("A chunk did not end where its size said.");
            }
        }
    }

    /// <summary>The next line, without its LF or CR LF.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadOnlyMemory<byte>> ReadLineAsync(CancellationToken token)
    {
        while (true)
        {
            int end = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (end >= 0)
            {
                int length = end > 0 && _buffer[_start + end - 1] == (byte)'\r' ? end - 1 : end;
                ReadOnlyMemory<byte> line = _buffer.AsMemory(_start, length);
                _start += end + 1;
                return line;
            }

            if (!await FillAsync(token).ConfigureAwait(false))
            {
                throw Ended();
            }
        }
    }
}
