using System.Diagnostics.Tracing;
using System.Threading;

namespace LoadTest.Wire;

/// <summary>
/// The wire's trace, as the EventSource "LoadTest-Wire": connections opened and closed, TLS handshakes,
/// GOAWAY and RST_STREAM frames either way, streams a server refused, requests sent again, and a socket
/// loop that failed. Off unless a listener asks (dotnet-trace, an EventListener): then each event says why
/// a connection misbehaved without a packet capture. Connections are numbered in the order they open.
/// </summary>
[EventSource(Name = "LoadTest-Wire")]
internal sealed class WireEvents : EventSource
{
    private static long s_connections;

    private WireEvents()
    {
    }

    public static WireEvents Log { get; } = new();

    /// <summary>A number for a new connection, for the events that follow it.</summary>
    public static long NextConnection() => Interlocked.Increment(ref s_connections);

    /// <summary>A connection opened: to <paramref name="host"/> and <paramref name="port"/> (where -ConnectTo or -UnixSocket sent it), on <paramref name="sockets"/>.</summary>
    [Event(1, Level = EventLevel.Informational, Message = "Connection {0} to {1}:{2} opened on {3}")]
    public void ConnectionOpened(long connection, string host, int port, string sockets) => WriteEvent(1, connection, host, port, sockets);

    [Event(2, Level = EventLevel.Informational, Message = "Connection {0}: TLS handshake with {1} done in {4} ms ({2}, ALPN '{3}')")]
    public void TlsHandshake(long connection, string host, string protocol, string alpn, double elapsedMs) =>
        WriteEvent(2, connection, host, protocol, alpn, elapsedMs);

    [Event(3, Level = EventLevel.Warning, Message = "Connection {0}: TLS handshake with {1} failed: {2}")]
    public void TlsHandshakeFailed(long connection, string host, string reason) => WriteEvent(3, connection, host, reason);

    /// <summary>A connection closed, and why (its last request done, a failure, the run's end).</summary>
    [Event(4, Level = EventLevel.Informational, Message = "Connection {0} closed: {1}")]
    public void ConnectionClosed(long connection, string reason) => WriteEvent(4, connection, reason);

    [Event(5, Level = EventLevel.Warning, Message = "Connection {0}: the server sent GOAWAY (last stream {1}, {2})")]
    public void GoAwayReceived(long connection, int lastStreamId, string errorCode) => WriteEvent(5, connection, lastStreamId, errorCode);

    [Event(6, Level = EventLevel.Informational, Message = "Connection {0}: GOAWAY sent ({1}): {2}")]
    public void GoAwaySent(long connection, string errorCode, string reason) => WriteEvent(6, connection, errorCode, reason);

    [Event(7, Level = EventLevel.Warning, Message = "Connection {0}: the server reset stream {1} ({2})")]
    public void StreamResetReceived(long connection, int streamId, string errorCode) => WriteEvent(7, connection, streamId, errorCode);

    [Event(8, Level = EventLevel.Informational, Message = "Connection {0}: stream {1} reset ({2}): {3}")]
    public void StreamResetSent(long connection, int streamId, string errorCode, string reason) => WriteEvent(8, connection, streamId, errorCode, reason);

    /// <summary>The server did not process a stream (REFUSED_STREAM, above a GOAWAY's last stream), or it never left the process.</summary>
    [Event(9, Level = EventLevel.Warning, Message = "Connection {0}: stream {1} refused: {2}")]
    public void StreamRefused(long connection, int streamId, string reason) => WriteEvent(9, connection, streamId, reason);

    /// <summary>A request goes out again by itself (not a -MaximumRetryCount retry): the replay is counted as an attempt.</summary>
    [Event(10, Level = EventLevel.Warning, Message = "Request {0} to {1} sent again: {2}")]
    public void RequestReplayed(long index, string authority, string reason) => WriteEvent(10, index, authority, reason);

    [Event(11, Level = EventLevel.Error, Message = "A socket loop failed, and new connections use .NET's sockets: {0}")]
    public void SocketLoopFailed(string reason) => WriteEvent(11, reason);
}
