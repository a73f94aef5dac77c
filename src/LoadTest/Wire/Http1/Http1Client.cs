using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using LoadTest.Wire.Connections;

namespace LoadTest.Wire.Http1;

/// <summary>
/// LoadTest's own HTTP/1.1 client for the common case (http or https, HTTP/1.1, no proxy): keep-alive
/// connections pooled per server, requests written straight into a reused buffer, responses parsed in
/// place. It does roughly half the work of HttpClient per request; what it cannot send (see
/// <see cref="CanSend"/>) goes to HttpClient.
/// </summary>
internal sealed class Http1Client : IHttpTransport
{
    private static readonly byte[] s_version = " HTTP/1.1\r\nHost: "u8.ToArray();
    private static readonly byte[] s_close = "Connection: close\r\n"u8.ToArray();
    private static readonly byte[] s_contentLength = "Content-Length: "u8.ToArray();

    // Per scheme: http://host and https://host share an authority, never a connection.
    private readonly ConcurrentDictionary<string, ConcurrentStack<Http1Connection>> _idle = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentStack<Http1Connection>> _idleTls = new(StringComparer.Ordinal);
    private readonly WireOptions _options;
    private readonly ConnectionOpener _sockets;
    private readonly TlsClientSettings _tls;
    private readonly DirectOrigins _direct;
    private Endpoint? _last;
    private int _disposed;

    public Http1Client(WireOptions options, ConnectionOpener sockets)
    {
        _options = options;
        _sockets = sockets;
        _tls = new TlsClientSettings(options);
        _direct = new DirectOrigins(options.Connector);
    }

    /// <summary>
    /// True for http and https to an ASCII host without a proxy, when the hop sends the request as given and
    /// its headers can be written as they are.
    /// </summary>
    public bool CanSend(RequestSpec spec, in RedirectHop hop) =>
        hop.IsAsGiven(spec) && spec.Payload.HeaderBlock(Http1HeaderBlock.Encoding) is not null && _direct.IsDirect(hop.Origin);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ResponseHead> SendAsync(RequestSpec spec, RedirectHop hop, AttemptProgress counter, CancellationToken token)
    {
        Endpoint endpoint = EndpointFor(hop.Origin);
        ConcurrentStack<Http1Connection> idle = endpoint.Idle;
        while (true)
        {
            bool pooled = idle.TryPop(out Http1Connection? connection);
            connection ??= await Http1Connection.ConnectAsync(_sockets, endpoint.Host, endpoint.Port, endpoint.Tls, token).ConfigureAwait(false);
            try
            {
                int headLength = WriteHead(connection, spec, hop.PathAndQuery, endpoint.Authority);
                if (!await connection.SendAsync(headLength, spec.Payload.Body ?? ReadOnlyMemory<byte>.Empty, counter, token).ConfigureAwait(false))
                {
                    // A pooled connection the server closed, or sent stray bytes on, while it was idle: nothing was sent on it.
                    connection.Close("found closed, or with bytes on it, when taken from the pool");
                    continue;
                }

                (ResponseHead response, bool reusable) = await connection
                    .ReceiveAsync(spec.Method == HttpMethod.Head, _options.CaptureHeaders, counter, token)
                    .ConfigureAwait(false);
                connection.Reused = true;
                if (reusable && !_options.DisableKeepAlive && Volatile.Read(ref _disposed) == 0)
                {
                    idle.Push(connection);
                    if (Volatile.Read(ref _disposed) != 0)
                    {
                        // Disposed between the check and the push: close what Dispose may have missed.
                        Close(idle);
                    }
                }
                else
                {
                    connection.Close(reusable ? "keep-alive is off, or the run ended" : "the response left it unfit for another request");
                }

                return response;
            }
            catch (Exception ex) when (pooled && !connection.ReceivedAny && !token.IsCancellationRequested && IsStale(ex) && hop.MayReplay(spec))
            {
                // A kept-alive connection failed before any answer: the server may have closed it just as the
                // request went out, or dropped the request itself. Only a request that is safe to send twice
                // (RFC 9110 9.2.2) goes out again, on another connection, and the replay is counted.
                connection.Close("failed before any answer: " + ex.Message);
                if (WireEvents.Log.IsEnabled())
                {
                    WireEvents.Log.RequestReplayed(spec.Index, endpoint.Authority, "a kept-alive connection failed before any answer: " + ex.Message);
                }
            }
            catch (Exception ex)
            {
                connection.Close("failed: " + ex.Message);
                throw;
            }
        }
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _disposed, 1);
        Close(_idle);
        Close(_idleTls);
    }

    private static void Close(ConcurrentDictionary<string, ConcurrentStack<Http1Connection>> pool)
    {
        foreach (ConcurrentStack<Http1Connection> idle in pool.Values)
        {
            Close(idle);
        }
    }

    private static void Close(ConcurrentStack<Http1Connection> idle)
    {
        while (idle.TryPop(out Http1Connection? connection))
        {
            connection.Close("the run ended");
        }
    }

    private static bool IsStale(Exception ex) =>
        ex is SocketException or System.IO.IOException or ObjectDisposedException;

    /// <summary>The server a URI's scheme, host and port name, and its idle connections; the last one is kept, since most runs have one.</summary>
    private Endpoint EndpointFor(Uri origin)
    {
        Endpoint? last = _last;
        if (last is not null && ReferenceEquals(last.Origin, origin))
        {
            return last;
        }

        bool secure = origin.Scheme == Uri.UriSchemeHttps;
        string authority = origin.Authority;
        if (last is not null && (last.Tls is not null) == secure && last.Authority == authority)
        {
            return last;
        }

        ConcurrentStack<Http1Connection> idle = (secure ? _idleTls : _idle).GetOrAdd(authority, static _ => new ConcurrentStack<Http1Connection>());
        return _last = new Endpoint(origin, authority, origin.IdnHost, origin.Port, secure ? _tls : null, idle);
    }

    private int WriteHead(Http1Connection connection, RequestSpec spec, string target, string host)
    {
        string method = spec.Method.Method;
        RequestPayload payload = spec.Payload;
        byte[] block = payload.HeaderBlock(Http1HeaderBlock.Encoding)!;

        // Content-Length is written per request (a body template gives each request its own body); a POST,
        // PUT or PATCH without a body still says 0, as HttpClient does.
        bool hasLength = payload.HasContent
            || spec.Method == HttpMethod.Post || spec.Method == HttpMethod.Put || spec.Method == HttpMethod.Patch;
        int size = method.Length + target.Length + host.Length + s_version.Length + 2 + block.Length + s_close.Length + s_contentLength.Length + 20 + 2 + 2;
        byte[] buffer = connection.SendBuffer(size);
        int at = Encoding.ASCII.GetBytes(method, buffer);
        buffer[at++] = (byte)' ';
        at += Encoding.ASCII.GetBytes(target, buffer.AsSpan(at));
        s_version.CopyTo(buffer, at);
        at += s_version.Length;
        at += Encoding.ASCII.GetBytes(host, buffer.AsSpan(at));
        buffer[at++] = (byte)'\r';
        buffer[at++] = (byte)'\n';
        block.CopyTo(buffer, at);
        at += block.Length;
        if (hasLength)
        {
            s_contentLength.CopyTo(buffer, at);
            at += s_contentLength.Length;
            (payload.Body?.Length ?? 0).TryFormat(buffer.AsSpan(at), out int digits, default, CultureInfo.InvariantCulture);
            at += digits;
            buffer[at++] = (byte)'\r';
            buffer[at++] = (byte)'\n';
        }

        if (_options.DisableKeepAlive)
        {
            s_close.CopyTo(buffer, at);
            at += s_close.Length;
        }

        buffer[at++] = (byte)'\r';
        buffer[at++] = (byte)'\n';
        return at;
    }

    private sealed record Endpoint(Uri Origin, string Authority, string Host, int Port, TlsClientSettings? Tls, ConcurrentStack<Http1Connection> Idle);
}
