using System;
using System.Net;
using LoadTest.Wire.Connections;
using LoadTest.Wire.Http1;
using LoadTest.Wire.Http2;

namespace LoadTest.Wire.Transports;

/// <summary>
/// The wire's one seam: which client sends a hop, and which sockets LoadTest's own clients run on. A run
/// has LoadTest's HTTP/1.1 or HTTP/2 client where its settings allow one (for -HttpVersion 1.1 or 2.0),
/// and HttpClient; each hop goes to the own client when that client can send it, to HttpClient otherwise.
/// Owns the run's clients.
/// </summary>
internal sealed class TransportSelector : IDisposable
{
    private readonly HttpClientTransport _httpClient;
    private readonly IHttpTransport? _own;

    public TransportSelector(WireOptions options)
    {
        _httpClient = new HttpClientTransport(options);
        Sockets = new ConnectionOpener(options.Connector, options.SocketEngine);

        // HTTP/1.0 and HTTP/3 are HttpClient's, and so is every run whose settings need its pool or cookies.
        if (options.AllowsOwnClients)
        {
            if (options.HttpVersion == HttpVersion.Version11)
            {
                _own = new Http1Client(options, Sockets);
            }
            else if (options.HttpVersion == HttpVersion.Version20)
            {
                _own = new Http2Client(options, Sockets);
            }
        }
    }

    /// <summary>How LoadTest's own clients open their connections, and on which socket engine.</summary>
    public ConnectionOpener Sockets { get; }

    /// <summary>The client that sends <paramref name="hop"/>: LoadTest's own when it can, HttpClient otherwise.</summary>
    public IHttpTransport For(RequestSpec spec, in RedirectHop hop) =>
        _own is not null && _own.CanSend(spec, hop) ? _own : _httpClient;

    public void Dispose()
    {
        _own?.Dispose();
        _httpClient.Dispose();
    }
}
