using System;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using LoadTest;
using LoadTest.Wire;
using LoadTest.Wire.Connections;
using LoadTest.Wire.Http2;

namespace LoadTest.Fuzz;

/// <summary>
/// Opens an HTTP/2 connection over a stream of the caller's (no socket) and sends requests on it: the one place the
/// fuzz target and the unit tests meet the connection's API, so that a change there is mended here.
/// </summary>
internal static class Http2Driver
{
    public static Task<Http2Connection> StartAsync(Stream stream)
    {
        var settings = new Http2ConnectionSettings(
            new ConnectionOpener(Connector.Direct, SocketEngine.DotNet), "h", 80, "h", null, SingleUse: false, Closed: static _ => { }, Capacity: static _ => { }, StreamsBeforeSettings: 3);
        return Http2Connection.StartAsync(stream, settings, CancellationToken.None);
    }

    /// <summary>Sends a request to http://h<paramref name="path"/>; null when the connection takes no more streams.</summary>
    public static Task<ResponseHead>? Send(Http2Connection connection, HttpMethod method, string path, byte[]? body, AttemptProgress progress)
    {
        var payload = new RequestPayload([], body, body is null ? null : "application/octet-stream");
        var spec = new RequestSpec(0, method, new Uri("http://h" + path), payload);
        // A stream of no pool: the driver opens it on its one connection itself, as Http2Pool would.
        var stream = new Http2Stream(null!, spec, RedirectHop.First(spec), progress, includeHeaders: true);
        if (connection.TryOpen(stream, out bool flush) != Http2Connection.OpenResult.Opened)
        {
            return null;
        }

        connection.Start(stream, flush);
        return stream.AsValueTask().AsTask();
    }
}
