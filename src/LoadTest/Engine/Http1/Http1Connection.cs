using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

using LoadTest.Engine.Transport;

namespace LoadTest.Engine.Http1;

/// <summary>
/// One keep-alive HTTP/1.1 connection: writes a request head and body, reads the response head and its
/// body (Content-Length, chunked, or up to the connection's end), counting the body's bytes.
/// </summary>
internal sealed class Http1Connection : IDisposable
{
    // Small, because every connection keeps its own for as long as it lives (10,000 in flight are 10,000
    // of them); a head that needs more grows it, and a large body is read through a pooled buffer instead.
    private const int InitialBufferSize = 4 * 1024;
    private const int BodyBufferSize = 64 * 1024;
    private const int MaxHeadBytes = 64 * 1024;
    private static readonly byte[] s_headEnd = "\r\n\r\n"u8.ToArray();

    private readonly Socket _socket;
    private byte[] _buffer = new byte[InitialBufferSize];
    private byte[] _send = Array.Empty<byte>();
    private int _start;
    private int _end;

    private Http1Connection(Socket socket)
    {
        _socket = socket;
    }

    /// <summary>True once the connection has carried a request: a failure before any answer may then be a stale connection.</summary>
    public bool Reused { get; set; }

    /// <summary>
    /// True when an idle connection can carry a request: nothing arrived while it was idle and the server
    /// has not closed it (either makes the socket readable). A connection in doubt is never reused.
    /// </summary>
    public bool IsClean
    {
        get
        {
            try
            {
                return _start == _end && !_socket.Poll(0, SelectMode.SelectRead);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return false;
            }
        }
    }

    /// <summary>True when bytes of the current response have arrived.</summary>
    public bool ReceivedAny { get; private set; }

    public static async ValueTask<Http1Connection> ConnectAsync(string host, int port, CancellationToken token)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            EndPoint endPoint = IPAddress.TryParse(host, out IPAddress? address) ? new IPEndPoint(address, port) : new DnsEndPoint(host, port);
            await socket.ConnectAsync(endPoint, token).ConfigureAwait(false);
            return new Http1Connection(socket);
        }
        catch
        {
            socket.Dispose();
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

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAsync(int headLength, ReadOnlyMemory<byte> body, CancellationToken token)
    {
        ReceivedAny = false;
        await SendAllAsync(_send.AsMemory(0, headLength), token).ConfigureAwait(false);
        if (!body.IsEmpty)
        {
            await SendAllAsync(body, token).ConfigureAwait(false);
        }
    }

    /// <summary>Reads one response; returns it and whether the connection can carry another request.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<(ResponseHead Response, bool Reusable)> ReceiveAsync(
        bool headRequest, bool includeHeaders, AttemptProgress counter, CancellationToken token)
    {
        while (true)
        {
            int headLength = await ReadHeadAsync(token).ConfigureAwait(false);
            Head head = ParseHead(_buffer.AsSpan(_start, headLength), includeHeaders);
            _start += headLength + s_headEnd.Length;
            if (head.StatusCode >= 100 && head.StatusCode < 200 && head.StatusCode != 101)
            {
                continue;
            }

            counter.StatusCode = head.StatusCode;
            bool framed = true;
            if (headRequest || head.StatusCode is 204 or 304 or 101)
            {
            }
            else if (head.Chunked)
            {
                await ReadChunkedAsync(counter, token).ConfigureAwait(false);
            }
            else if (head.ContentLength >= 0)
            {
                await ReadBodyAsync(head.ContentLength, false, counter, token).ConfigureAwait(false);
            }
            else
            {
                framed = false;
                await ReadBodyAsync(0, true, counter, token).ConfigureAwait(false);
            }

            string? content = counter.KeepsContent
                ? counter.Content(head.ContentType is not null && MediaTypeHeaderValue.TryParse(head.ContentType, out MediaTypeHeaderValue? media) ? media.CharSet : null)
                : null;

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

    public void Dispose() => _socket.Dispose();

    private static Exception Invalid(string message) => new HttpIOException(HttpRequestError.InvalidResponse, message);

    private static Exception Ended() => new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely.");

    private static Head ParseHead(ReadOnlySpan<byte> head, bool includeHeaders)
    {
        int lineEnd = head.IndexOf("\r\n"u8);
        ReadOnlySpan<byte> statusLine = lineEnd < 0 ? head : head[..lineEnd];

        // "HTTP/1.1 200 OK"
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[8] != (byte)' '
            || !int.TryParse(statusLine.Slice(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out int status))
        {
            throw Invalid("The server sent an invalid HTTP status line.");
        }

        var result = new Head
        {
            StatusCode = status,
            ContentLength = -1,
            KeepAlive = statusLine[7] == (byte)'1',
            ReasonPhrase = ReasonPhrase(statusLine),
            Headers = includeHeaders ? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) : null,
        };

        ReadOnlySpan<byte> rest = lineEnd < 0 ? ReadOnlySpan<byte>.Empty : head[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            int end = rest.IndexOf("\r\n"u8);
            ReadOnlySpan<byte> line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? ReadOnlySpan<byte>.Empty : rest[(end + 2)..];
            int colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                throw Invalid("The server sent an invalid header line.");
            }

            ReadOnlySpan<byte> name = line[..colon];
            ReadOnlySpan<byte> value = line[(colon + 1)..].Trim((byte)' ').Trim((byte)'\t');
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long length))
                {
                    throw Invalid("The server sent an invalid Content-Length.");
                }

                result.ContentLength = length;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                result.Chunked = value.Length >= 7 && Ascii.EqualsIgnoreCase(value[^7..], "chunked"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                if (Ascii.EqualsIgnoreCase(value, "close"u8))
                {
                    result.KeepAlive = false;
                }
                else if (Ascii.EqualsIgnoreCase(value, "keep-alive"u8))
                {
                    result.KeepAlive = true;
                }
            }
            else if (Ascii.EqualsIgnoreCase(name, "Content-Type"u8))
            {
                result.ContentType = Encoding.ASCII.GetString(value);
            }
            else if (status >= 300 && Ascii.EqualsIgnoreCase(name, "Retry-After"u8)
                && RetryConditionHeaderValue.TryParse(Encoding.ASCII.GetString(value), out RetryConditionHeaderValue? retry))
            {
                result.RetryAfter = ResponseHead.WaitOf(retry);
            }
            else if (status >= 300 && status < 400 && Ascii.EqualsIgnoreCase(name, "Location"u8))
            {
                Uri.TryCreate(Encoding.UTF8.GetString(value), UriKind.RelativeOrAbsolute, out Uri? location);
                result.Location = location;
            }

            if (result.Headers is not null)
            {
                ResponseHead.AddHeader(result.Headers, Encoding.ASCII.GetString(name), Encoding.Latin1.GetString(value));
            }
        }

        return result;
    }

    private static string ReasonPhrase(ReadOnlySpan<byte> statusLine)
    {
        if (statusLine.Length <= 13)
        {
            return string.Empty;
        }

        ReadOnlySpan<byte> reason = statusLine[13..];
        return reason.SequenceEqual("OK"u8) ? "OK" : Encoding.ASCII.GetString(reason);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> data, CancellationToken token)
    {
        while (!data.IsEmpty)
        {
            int sent = await _socket.SendAsync(data, SocketFlags.None, token).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    /// <summary>Reads until the buffer holds a whole response head; returns its length (without the blank line).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadHeadAsync(CancellationToken token)
    {
        int searched = 0;
        while (true)
        {
            int found = _buffer.AsSpan(_start + searched, _end - _start - searched).IndexOf(s_headEnd);
            if (found >= 0)
            {
                return searched + found;
            }

            searched = Math.Max(0, _end - _start - (s_headEnd.Length - 1));
            if (!await FillAsync(token).ConfigureAwait(false))
            {
                throw Ended();
            }
        }
    }

    /// <summary>Reads more bytes after those buffered; false at the end of the connection.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> FillAsync(CancellationToken token)
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

        int read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, token).ConfigureAwait(false);
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
                    int read = await _socket.ReceiveAsync(large.AsMemory(0, want), SocketFlags.None, token).ConfigureAwait(false);
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
            ReadOnlySpan<byte> size = line.Span;
            int extension = size.IndexOf((byte)';');
            if (extension >= 0)
            {
                size = size[..extension];
            }

            if (!long.TryParse(size.Trim((byte)' '), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long chunk) || chunk < 0)
            {
                throw Invalid("The server sent an invalid chunk size.");
            }

            if (chunk == 0)
            {
                // Trailers, if any, end with an empty line.
                while ((await ReadLineAsync(token).ConfigureAwait(false)).Length > 0)
                {
                }

                return;
            }

            await ReadBodyAsync(chunk, false, counter, token).ConfigureAwait(false);
            if ((await ReadLineAsync(token).ConfigureAwait(false)).Length != 0)
            {
                throw Invalid("A chunk did not end where its size said.");
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadOnlyMemory<byte>> ReadLineAsync(CancellationToken token)
    {
        while (true)
        {
            int end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (end >= 0)
            {
                ReadOnlyMemory<byte> line = _buffer.AsMemory(_start, end);
                _start += end + 2;
                return line;
            }

            if (!await FillAsync(token).ConfigureAwait(false))
            {
                throw Ended();
            }
        }
    }

    private struct Head
    {
        public int StatusCode;
        public string? ReasonPhrase;
        public long ContentLength;
        public bool Chunked;
        public bool KeepAlive;
        public string? ContentType;
        public TimeSpan? RetryAfter;
        public Uri? Location;
        public Dictionary<string, string>? Headers;
    }
}
