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
/// The test server's routes. Each decides its answer (waiting first where the route says so); sending
/// is left to the server, so that it can count the request before the client sees the answer.
/// </summary>
internal static class TestServerRoutes
{
    public const int MaxDelayMs = 600_000;
    public const long MaxGeneratedBytes = 1L << 32;
    private const int MaxEchoBodyBytes = 1024 * 1024;

    private static readonly byte[] s_hello = Encoding.UTF8.GetBytes("Hello, World!");
    private static readonly byte[] s_ok = Encoding.UTF8.GetBytes("OK");
    private static readonly byte[] s_filler = CreateFiller();

    public static async Task<RouteResponse> RespondAsync(HttpListenerRequest request, int minDelayMs, int maxDelayMs, CancellationToken token)
    {
        string path = request.Url?.AbsolutePath ?? "/";
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

        if (TryParseSegment(path, "/bytes/", 0, MaxGeneratedBytes, out long length))
        {
            await DiscardBodyAsync(request, token).ConfigureAwait(false);
            return new RouteResponse(200, Array.Empty<byte>(), "application/octet-stream") { GeneratedLength = length };
        }

        if (path.Equals("/echo", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/echo/", StringComparison.OrdinalIgnoreCase))
        {
            return new RouteResponse(200, await EchoAsync(request, token).ConfigureAwait(false), "application/json; charset=utf-8");
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
        int wait = minDelayMs == maxDelayMs ? minDelayMs : Random.Shared.Next(minDelayMs, maxDelayMs + 1);
        await PreciseDelay.AtLeastAsync(TimeSpan.FromMilliseconds(wait), token).ConfigureAwait(false);

        return new RouteResponse(200, s_hello);
    }

    public static async Task SendAsync(HttpListenerResponse response, RouteResponse answer, CancellationToken token)
    {
        response.StatusCode = answer.StatusCode;
        response.ContentType = answer.ContentType;
        foreach (var header in answer.Headers)
        {
            response.AddHeader(header.Key, header.Value);
        }

        if (answer.GeneratedLength < 0)
        {
            response.ContentLength64 = answer.Body.Length;
            response.Close(answer.Body, willBlock: false);
            return;
        }

        response.ContentLength64 = answer.GeneratedLength;
        Stream output = response.OutputStream;
        for (long left = answer.GeneratedLength; left > 0; left -= s_filler.Length)
        {
            await output.WriteAsync(s_filler.AsMemory(0, (int)Math.Min(left, s_filler.Length)), token).ConfigureAwait(false);
        }

        response.Close();
    }

    private static bool TryParseSegment(string path, string prefix, long min, long max, out long value)
    {
        value = 0;
        return path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            && long.TryParse(path.AsSpan(prefix.Length).TrimEnd('/'), NumberStyles.None, CultureInfo.InvariantCulture, out value)
            && value >= min
            && value <= max;
    }

    private static async Task DiscardBodyAsync(HttpListenerRequest request, CancellationToken token)
    {
        if (request.HasEntityBody)
        {
            await request.InputStream.CopyToAsync(Stream.Null, token).ConfigureAwait(false);
        }
    }

    private static async Task<byte[]> EchoAsync(HttpListenerRequest request, CancellationToken token)
    {
        string body = string.Empty;
        if (request.HasEntityBody)
        {
            using var buffer = new MemoryStream();
            await request.InputStream.CopyToAsync(buffer, token).ConfigureAwait(false);
            body = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)Math.Min(buffer.Length, MaxEchoBodyBytes));
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

    private static byte[] CreateFiller()
    {
        var filler = new byte[64 * 1024];
        filler.AsSpan().Fill((byte)'x');
        return filler;
    }
}
