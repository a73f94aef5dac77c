using System;
using System.Security.Cryptography.X509Certificates;

namespace LoadTest.Wire.Connections;

/// <summary>What the wire needs of a run's settings: where and how connections are made, and what each client sends and keeps.</summary>
internal sealed class WireOptions
{
    /// <summary>Requests in flight at most: HttpClient's connections per server when <see cref="MaxConnections"/> is not given.</summary>
    public int ThrottleLimit { get; init; } = 1;

    /// <summary>Connections per server; 0 for as many as the throttle limit.</summary>
    public int MaxConnections { get; init; }

    /// <summary>Per-attempt timeout, which also bounds an HTTP/2 connection shared by the requests waiting for it.</summary>
    public TimeSpan Timeout { get; init; } = System.Threading.Timeout.InfiniteTimeSpan;

    public bool SkipCertificateCheck { get; init; }

    /// <summary>The client certificate sent when a TLS server asks for one; null for none.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>Where connections go (-UnixSocket, -ConnectTo) and which proxy requests go through (-Proxy, -NoProxy).</summary>
    public Connector Connector { get; init; } = Connector.Direct;

    public Version HttpVersion { get; init; } = System.Net.HttpVersion.Version11;

    public bool DisableKeepAlive { get; init; }

    /// <summary>Keep the cookies servers set, in one container shared by the whole run.</summary>
    public bool KeepCookies { get; init; }

    /// <summary>Read every response header: for the result, or for a check that reads them.</summary>
    public bool CaptureHeaders { get; init; }

    /// <summary>Which HTTP client sends the requests; Auto lets LoadTest's own clients take what they serve.</summary>
    public TransportKind Transport { get; init; }

    /// <summary>Which sockets LoadTest's own clients run on.</summary>
    public SocketEngine SocketEngine { get; init; }

    /// <summary>
    /// True when the run lets LoadTest's own clients take requests: cookies and a connection limit below the
    /// throttle limit are HttpClient's (its pool and its cookie container).
    /// </summary>
    public bool AllowsOwnClients =>
        Transport == TransportKind.Auto && !KeepCookies && (MaxConnections <= 0 || MaxConnections >= ThrottleLimit);
}
