using System;
using System.Globalization;
using System.IO;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using LoadTest.Engine;

namespace LoadTest.Server;

/// <summary>
/// The test server's routes: what each request gets. Each route decides its answer (waiting first where
/// the route says so) and returns it as a <see cref="RouteResponse"/>; writing it is left to
/// <see cref="RouteResponseWriter"/>, after the server has counted the request, so that a client that
/// has all its answers sees the final numbers.
/// </summary>
internal sealed class TestServerRoutes
{
    public const int MaxDelayMs = 600_000;
    public const long MaxGeneratedBytes = 1L << 32;
    private const int MaxEchoBodyBytes = 1024 * 1024;

    private static readonly byte[] s_hello = Encoding.UTF8.GetBytes("Hello, World!");
    private static readonly byte[] s_ok = Encoding.UTF8.GetBytes("OK");
    private static readonly byte[] s_overCapacity = Encoding.UTF8.GetBytes("Over capacity");

    private const int SlowBodyBytes = 10;
    private const int MaxBodyBytes = 1024 * 1024;
    private const int MaxDrainedBytes = 16 * 1024 * 1024;
    // Below HttpListener's own limit for the whole request head (about 32 KB, answered with 400).
    private const int MaxHeaderBytes = 16 * 1024;

    private readonly TestServerOptions _options;
    private readonly ReceivedBodyLedger _bodies;
    private readonly CapacityGate? _capacity;

    /// <param name="options">Delays and faults.</param>
    /// <param name="bodies">Where request bodies are counted.</param>
    /// <param name="capacity">The default route's rate limit, or null for none.</param>
    public TestServerRoutes(TestServerOptions options, ReceivedBodyLedger bodies, CapacityGate? capacity)
    {
        _options = options;
        _bodies = bodies;
        _capacity = capacity;
    }

    public async Task<RouteResponse> RespondAsync(HttpListenerRequest request, CancellationToken token)
    {
        string path = request.Url?.AbsolutePath ?? "/";
        if (HeaderBytes(request) > MaxHeaderBytes)
        {
            return new RouteResponse(431, Encoding.UTF8.GetBytes("Request header fields too large."));
        }

        if (request.ContentLength64 > MaxBodyBytes)
        {
            // Read a moderate excess first, so that the client, still sending, can see the answer.
            if (request.ContentLength64 <= MaxDrainedBytes)
            {
                await DiscardBodyAsync(request, token).ConfigureAwait(false);
                return new RouteResponse(413, Encoding.UTF8.GetBytes("Request body too large."));
            }

            return RouteResponse.ForFault(ConnectionFaultKind.Drop);
        }

        ConnectionFaultKind injected = _options.NextFault();
        if (injected != ConnectionFaultKind.None)
        {
            await DiscardBodyAsync(request, token).ConfigureAwait(false);
            return injected == ConnectionFaultKind.Status503
                ? new RouteResponse(503, Encoding.UTF8.GetBytes("Injected fault"))
                : await FaultAsync(injected, token).ConfigureAwait(false);
        }

        if (path.Equals("/drop", StringComparison.OrdinalIgnoreCase) || path.Equals("/reset", StringComparison.OrdinalIgnoreCase)
            || path.Equals("/hang", StringComparison.OrdinalIgnoreCase))
        {
            await DiscardBodyAsync(request, token).ConfigureAwait(false);
            return await FaultAsync(Enum.Parse<ConnectionFaultKind>(path.AsSpan(1), ignoreCase: true), token).ConfigureAwait(false);
        }

        if (TryParseSegment(path, "/slow-body/", 0, MaxDelayMs, out long slowMs))
        {
            await DiscardBodyAsync(request, token).ConfigureAwait(false);
            return new RouteResponse(200, Encoding.UTF8.GetBytes("0123456789"))
            {
                TrickleInterval = TimeSpan.FromMilliseconds((double)slowMs / SlowBodyBytes),
            };
        }

        if (path.Equals("/redirect", StringComparison.OrdinalIgnoreCase))
        {
            await DiscardBodyAsync(request, token).ConfigureAwait(false);
            string? target = request.QueryString["to"];
            if (string.IsNullOrEmpty(target))
            {
                return new RouteResponse(400, Encoding.UTF8.GetBytes("Use /redirect?to={uri}."));
            }

            var redirect = new RouteResponse(302, Array.Empty<byte>());
            redirect.Headers.Add(new("Location", target));
            return redirect;
        }

        if (TryParseSegment(path, "/delay/", 0, MaxDelayMs, out long delay))
        {
            await DiscardBodyAsync(request, token).ConfigureAwait(false);
            await PreciseDelay.AtLeastAsync(TimeSpan.FromMilliseconds(delay), token).ConfigureAwait(false);
            return new RouteResponse(200, s_hello);
        }

        if (TryParseSegment(path, "/status/", 200, 599, out long status))
        {
            await DiscardBodyAsync(request, token).ConfigureAwait(false);
            var response = new RouteResponse((int)status, Encoding.UTF8.GetBytes(status.ToString(CultureInfo.InvariantCulture)));
            string? retryAfter = request.QueryString["retryAfter"];
            if (!string.IsNullOrEmpty(retryAfter))
            {
                response.Headers.Add(new("Retry-After", retryAfter));
            }

            return response;
        }

        if (TryParseSegment(path, "/flaky/", 0, 100, out long percent))
        {
            await DiscardBodyAsync(request, token).ConfigureAwait(false);
            return Random.Shared.Next(100) < percent
                ? new RouteResponse(503, Encoding.UTF8.GetBytes("Flaky failure"))
                : new RouteResponse(200, s_hello);
        }

        if (TryParseSegment(path, "/chunked/", 0, MaxGeneratedBytes, out long chunkedLength))
        {
            await DiscardBodyAsync(request, token).ConfigureAwait(false);
            return new RouteResponse(200, Array.Empty<byte>(), "application/octet-stream") { GeneratedLength = chunkedLength, Chunked = true };
        }

        if (TryParseSegment(path, "/bytes/", 0, MaxGeneratedBytes, out long length))
        {
            await DiscardBodyAsync(request, token).ConfigureAwait(false);
            return new RouteResponse(200, Array.Empty<byte>(), "application/octet-stream") { GeneratedLength = length };
        }

        if (path.Equals("/echo", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/echo/", StringComparison.OrdinalIgnoreCase))
        {
            return new RouteResponse(200, await EchoAsync(request, token).ConfigureAwait(false), "application/json; charset=utf-8");
        }

        if (path.StartsWith("/json/", StringComparison.OrdinalIgnoreCase) && path.Length > "/json/".Length)
        {
            // {"status":"<the rest of the path>"}: a 200 whose body says how it went, for -Check examples.
            await DiscardBodyAsync(request, token).ConfigureAwait(false);
            return new RouteResponse(200, JsonStatus(Uri.UnescapeDataString(path["/json/".Length..])), "application/json; charset=utf-8");
        }

        if (path.StartsWith("/cookie/set/", StringComparison.OrdinalIgnoreCase))
        {
            await DiscardBodyAsync(request, token).ConfigureAwait(false);
            string[] parts = path.Substring("/cookie/set/".Length).Split('/');
            if (parts.Length == 2 && parts[0].Length > 0)
            {
                var response = new RouteResponse(200, s_ok);
                response.Headers.Add(new("Set-Cookie", $"{Uri.UnescapeDataString(parts[0])}={Uri.UnescapeDataString(parts[1])}; Path=/"));
                return response;
            }

            return new RouteResponse(400, Encoding.UTF8.GetBytes("Use /cookie/set/{name}/{value}."));
        }

        await DiscardBodyAsync(request, token).ConfigureAwait(false);
        if (_capacity is not null && !_capacity.TryAdmit())
        {
            // Shed at once, as an overloaded server would: the delay is for the requests it takes on.
            return new RouteResponse(503, s_overCapacity);
        }

        int wait = _options.MinDelayMs == _options.MaxDelayMs ? _options.MinDelayMs : Random.Shared.Next(_options.MinDelayMs, _options.MaxDelayMs + 1);
        await PreciseDelay.AtLeastAsync(TimeSpan.FromMilliseconds(wait), token).ConfigureAwait(false);

        return new RouteResponse(200, s_hello);
    }

    private static async Task<RouteResponse> FaultAsync(ConnectionFaultKind fault, CancellationToken token)
    {
        if (fault == ConnectionFaultKind.Hang)
        {
            // Until the server stops (which answers 503) or ten minutes pass, whichever is first.
            await Task.Delay(TimeSpan.FromMinutes(10), token).ConfigureAwait(false);
            return new RouteResponse(504, Encoding.UTF8.GetBytes("Hung for ten minutes."));
        }

        return RouteResponse.ForFault(fault);
    }

    private static byte[] JsonStatus(string status)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("status", status);
            json.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static long HeaderBytes(HttpListenerRequest request)
    {
        long total = 0;
        foreach (string? name in request.Headers.AllKeys)
        {
            total += (name?.Length ?? 0) + (request.Headers[name]?.Length ?? 0) + 4;
        }

        return total;
    }

    private static bool TryParseSegment(string path, string prefix, long min, long max, out long value)
    {
        value = 0;
        return path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            && long.TryParse(path.AsSpan(prefix.Length).TrimEnd('/'), NumberStyles.None, CultureInfo.InvariantCulture, out value)
            && value >= min
            && value <= max;
    }

    private Task DiscardBodyAsync(HttpListenerRequest request, CancellationToken token) =>
        RequestBodyReader.ReadAsync(request, _bodies, copy: null, copyLimit: 0, token);

    private async Task<byte[]> EchoAsync(HttpListenerRequest request, CancellationToken token)
    {
        string body = string.Empty;
        if (request.HasEntityBody)
        {
            using var buffer = new MemoryStream();
            await RequestBodyReader.ReadAsync(request, _bodies, buffer, MaxEchoBodyBytes, token).ConfigureAwait(false);
            body = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }

        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("method", request.HttpMethod);
            json.WriteString("path", request.Url?.AbsolutePath);
            json.WriteString("query", request.Url?.Query);
            json.WriteString("protocolVersion", request.ProtocolVersion.ToString());
            json.WriteNumber("remotePort", request.RemoteEndPoint?.Port ?? 0);
            json.WriteStartObject("headers");
            foreach (string? name in request.Headers.AllKeys)
            {
                if (name is not null)
                {
                    json.WriteString(name, request.Headers[name]);
                }
            }

            json.WriteEndObject();
            json.WriteStartObject("cookies");
            foreach (Cookie cookie in request.Cookies)
            {
                json.WriteString(cookie.Name, cookie.Value);
            }

            json.WriteEndObject();
            json.WriteString("body", body);
            json.WriteEndObject();
        }

        return stream.ToArray();
    }
}
