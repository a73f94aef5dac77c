using System;
using System.Collections.Generic;
using LoadTest.Engine.Checks;
using LoadTest.Engine.Schedule;
using LoadTest.Wire;
using LoadTest.Wire.Connections;

namespace LoadTest.Engine;

/// <summary>Settings of one run, fixed before it starts.</summary>
internal sealed class RequestEngineOptions
{
    private WireOptions? _wire;

    public int ThrottleLimit { get; init; } = RunDefaults.ThrottleLimit;

    /// <summary>Connections per server; defaults to the throttle limit.</summary>
    public int MaxConnections { get; init; }

    /// <summary>Per-attempt timeout; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for none.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(RunDefaults.TimeoutSec);

    public bool SkipCertificateCheck { get; init; }

    /// <summary>Where connections go (-UnixSocket, -ConnectTo) and which proxy requests go through (-Proxy, -NoProxy).</summary>
    public Connector Connector { get; init; } = Connector.Direct;

    /// <summary>The client certificate sent when a TLS server asks for one; null for none.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? ClientCertificate { get; init; }

    public int MaximumRedirection { get; init; } = RunDefaults.MaximumRedirection;

    public Version HttpVersion { get; init; } = System.Net.HttpVersion.Version11;

    public bool DisableKeepAlive { get; init; }

    /// <summary>Which HTTP client sends the requests; Auto lets LoadTest's own clients take what they serve.</summary>
    public TransportKind Transport { get; init; }

    /// <summary>Which sockets LoadTest's own clients run on.</summary>
    public SocketEngine SocketEngine { get; init; }

    /// <summary>Keep the cookies servers set, in one container shared by the whole run.</summary>
    public bool KeepCookies { get; init; }

    public RetryPolicy Retry { get; init; } = RetryPolicy.None;

    /// <summary>Which status codes count as success.</summary>
    public StatusCodeSet SuccessStatusCodes { get; init; } = StatusCodeSet.Range(RunDefaults.SuccessStatusFrom, RunDefaults.SuccessStatusTo);

    public bool IncludeHeaders { get; init; }

    /// <summary>Transports read every response header: for the result (IncludeHeaders) or for a check that reads them.</summary>
    public bool CaptureHeaders { get; init; }

    public bool IncludeContent { get; init; }

    /// <summary>With IncludeContent: the most body bytes kept per result; the rest is read and counted.</summary>
    public int MaximumContentBytes { get; init; } = RunDefaults.MaximumContentBytes;

    /// <summary>What every response must pass besides its status; null for no checks.</summary>
    public CheckSet? Checks { get; init; }

    /// <summary>Requests started per second on one global schedule; 0 for as fast as the limit allows.</summary>
    public double RequestsPerSecond { get; init; }

    /// <summary>Stop starting requests after this long; null for no limit.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>What the run sends requests to, for its summary.</summary>
    public string? Target { get; init; }

    /// <summary>Stages of a rate or an in-flight limit; with rate stages RequestsPerSecond is where the first starts from.</summary>
    public IReadOnlyList<LoadStage> Stages { get; init; } = Array.Empty<LoadStage>();

    /// <summary>This process's share of a run that several make together; the whole run by default.</summary>
    public ExecutionSegment Segment { get; init; } = ExecutionSegment.Whole;

    /// <summary>The interval of the summary's time series.</summary>
    public TimeSpan SeriesInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The flow each spec of the run is an iteration of; null for plain requests.</summary>
    public Flows.Flow? Flow { get; init; }

    /// <summary>How many finished results may wait for the consumer before workers pause.</summary>
    public int ResultBufferSize => Math.Max(256, ThrottleLimit);

    /// <summary>What the wire needs of these settings, made once.</summary>
    public WireOptions Wire => _wire ??= new WireOptions
    {
        ThrottleLimit = ThrottleLimit,
        MaxConnections = MaxConnections,
        Timeout = Timeout,
        SkipCertificateCheck = SkipCertificateCheck,
        ClientCertificate = ClientCertificate,
        Connector = Connector,
        HttpVersion = HttpVersion,
        DisableKeepAlive = DisableKeepAlive,
        KeepCookies = KeepCookies,
        CaptureHeaders = CaptureHeaders,
        Transport = Transport,
        SocketEngine = SocketEngine,
    };
}
