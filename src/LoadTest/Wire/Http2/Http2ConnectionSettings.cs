using System;
using LoadTest.Wire.Connections;

namespace LoadTest.Wire.Http2;

/// <summary>What every connection to one server is opened with.</summary>
/// <param name="Sockets">Opens the connections where they go (-ConnectTo, -UnixSocket), on the run's socket engine.</param>
/// <param name="Host">The host as Uri.IdnHost writes it: where to connect, and the TLS server name.</param>
/// <param name="Port">The port.</param>
/// <param name="Authority">The :authority of every request.</param>
/// <param name="Tls">TLS with ALPN h2 for https; null for prior knowledge over http.</param>
/// <param name="SingleUse">One request per connection (-DisableKeepAlive).</param>
/// <param name="Closed">Called once when a connection stops taking requests.</param>
/// <param name="Capacity">Called, outside the connection's lock, when it may take more requests: a stream ended, or the server's limit changed.</param>
/// <param name="StreamsBeforeSettings">Streams a connection opens before the server's first SETTINGS is read: one, so that a server's lower limit is never exceeded (the fuzz target, whose server script names three streams, opens three).</param>
internal sealed record Http2ConnectionSettings(
    ConnectionOpener Sockets,
    string Host,
    int Port,
    string Authority,
    TlsClientSettings? Tls,
    bool SingleUse,
    Action<Http2Connection> Closed,
    Action<Http2Connection> Capacity,
    int StreamsBeforeSettings = 1);
