using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using LoadTest.Wire.Connections;

namespace LoadTest.Wire.Transports;

/// <summary>
/// Sends through one pooled .NET HttpClient: HTTP/1.0 and 3, proxies, cookies, -Transport HttpClient, and
/// every request LoadTest's own HTTP/1.1 and HTTP/2 clients do not serve. Redirects are not followed
/// here, so that the engine follows them the same way for every client.
/// </summary>
internal sealed class HttpClientTransport : IHttpTransport
{
    private const int DrainBufferSize = 16 * 1024;

    private readonly HttpClient _client;
    private readonly WireOptions _options;

    public HttpClientTransport(WireOptions options)
    {
        _options = options;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.MaxConnections > 0 ? options.MaxConnections : options.ThrottleLimit,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            AllowAutoRedirect = false,
            UseCookies = options.KeepCookies,
            UseProxy = options.Connector.UseProxy,
            Proxy = options.Connector.Proxy,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = ConnectAsync,
            PlaintextStreamFilter = CountSends,
        };
        if (options.KeepCookies)
        {
            handler.CookieContainer = new CookieContainer();
        }

        handler.SslOptions = new TlsClientSettings(options).ForHttpClient();

        _client = new HttpClient(handler, disposeHandler: true)
        {
            // Timeouts are per attempt in the engine, so that they also cover reading the body.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>HttpClient sends whatever the others do not.</summary>
    public bool CanSend(RequestSpec spec, in RedirectHop hop) => true;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ResponseHead> SendAsync(RequestSpec spec, RedirectHop hop, AttemptProgress progress, CancellationToken token)
    {
        HttpRequestMessage request = CreateRequest(spec, hop);
        try
        {
            // HTTP/2 and 3 write from their connection's own loop, outside this flow: their replays are not seen.
            SendCountingStream.Sending? sending = _options.HttpVersion.Major < 2 ? SendCountingStream.Begin(progress) : null;
            HttpResponseMessage response;
            try
            {
                response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            }
            catch (Exception ex) when (sending is { Reused: true, Answered: false } && !token.IsCancellationRequested && hop.MayReplay(spec) && IsStale(ex))
            {
                // The server closed a kept-alive connection just as the request went out on it, and not a byte of
                // answer came: a request that is safe to send twice (RFC 9110 9.2.2) goes out once more, as LoadTest's
                // HTTP/1.1 client does, on another connection; the replay is counted. (HttpClient replays by itself
                // only when the connection ends cleanly; a reset it reports.)
                if (WireEvents.Log.IsEnabled())
                {
                    WireEvents.Log.RequestReplayed(spec.Index, hop.Origin.Authority, "a kept-alive connection was reset before any answer: " + ex.Message);
                }

                request.Dispose();
                request = CreateRequest(spec, hop);
                response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            }

            return await ReadResponseAsync(response, progress, token).ConfigureAwait(false);
        }
        finally
        {
            request.Dispose();
        }
    }

    public void Dispose() => _client.Dispose();

    private static bool IsStale(Exception ex) =>
        ErrorClassifier.Classify(ex) is RequestErrorKind.ConnectionReset or RequestErrorKind.ConnectionClosed;

    private HttpRequestMessage CreateRequest(RequestSpec spec, in RedirectHop hop)
    {
        HttpRequestMessage request = spec.Payload.CreateMessage(hop.Method, hop.Uri, hop.WithBody, hop.SameOrigin);
        request.Version = _options.HttpVersion;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        if (_options.DisableKeepAlive)
        {
            request.Headers.ConnectionClose = true;
        }

        _options.Connector.AuthorizeForProxy(request);
        return request;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ResponseHead> ReadResponseAsync(HttpResponseMessage response, AttemptProgress progress, CancellationToken token)
    {
        using HttpResponseMessage disposeResponse = response;
        progress.StatusCode = (int)response.StatusCode;
        await ReadBodyAsync(response.Content, progress, token).ConfigureAwait(false);
        // HttpClient parses a header when it is asked for: only a redirect's Location and a failure's Retry-After are read.
        int status = (int)response.StatusCode;
        return new ResponseHead
        {
            StatusCode = status,
            ReasonPhrase = response.ReasonPhrase,
            RetryAfter = status is >= 200 and < 300 ? null : ResponseHead.WaitOf(response.Headers.RetryAfter),
            Location = RedirectHop.IsRedirect(status) ? response.Headers.Location : null,
            Headers = _options.CaptureHeaders ? CollectHeaders(response) : null,
            Content = progress.Content(response.Content.Headers.ContentType?.CharSet),
        };
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken token)
    {
        Socket socket = await _options.Connector.ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, token).ConfigureAwait(false);
        if (WireEvents.Log.IsEnabled())
        {
            // HttpClient's own connections: their TLS, frames and close are HttpClient's, traced by System.Net.Http.
            WireEvents.Log.ConnectionOpened(WireEvents.NextConnection(), context.DnsEndPoint.Host, context.DnsEndPoint.Port, ".NET's sockets (HttpClient)");
        }

        return new NetworkStream(socket, ownsSocket: true);
    }

    // Sends are counted above TLS: a handshake runs in the flow of the request that asked for the connection,
    // which may then be served by another one, so counting its writes took it for a replay. A CONNECT only sets
    // up a tunnel: the request is counted inside it.
    private static ValueTask<Stream> CountSends(SocketsHttpPlaintextStreamFilterContext context, CancellationToken token) =>
        ValueTask.FromResult(context.InitialRequestMessage.Method == HttpMethod.Connect
            ? context.PlaintextStream
            : new SendCountingStream(context.PlaintextStream));

    private static HeaderDictionary CollectHeaders(HttpResponseMessage response)
    {
        var headers = new HeaderDictionary();
        foreach (KeyValuePair<string, IEnumerable<string>> header in response.Headers)
        {
            ResponseHead.AddHeader(headers, header.Key, string.Join(", ", header.Value));
        }

        foreach (KeyValuePair<string, IEnumerable<string>> header in response.Content.Headers)
        {
            ResponseHead.AddHeader(headers, header.Key, string.Join(", ", header.Value));
        }

        return headers;
    }

    /// <summary>Reads the body to its end; the attempt's progress counts it and keeps what -IncludeContent asks for.</summary>
    private static async ValueTask ReadBodyAsync(HttpContent content, AttemptProgress progress, CancellationToken token)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(DrainBufferSize);
        try
        {
            using Stream stream = await content.ReadAsStreamAsync(token).ConfigureAwait(false);
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(), token).ConfigureAwait(false)) > 0)
            {
                progress.Add(buffer.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
