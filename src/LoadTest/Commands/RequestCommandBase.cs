using System;
using System.Collections;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using LoadTest.Engine;
using LoadTest.Parameters;
using LoadTest.Run;
using System.Collections.Generic;

namespace LoadTest.Commands;

/// <summary>
/// The parameters that say what each request is and how it is sent, shared by the commands that send
/// requests (Invoke-BoundedRequest, Find-MaxRate), so that they take them the same way.
/// </summary>
public abstract class RequestCommandBase : PSCmdlet
{
    /// <summary>
    /// <para type="description">The most requests in flight at once. Default 64.</para>
    /// </summary>
    [Parameter]
    [Alias("Concurrency")]
    [ValidateRange(1, 100_000)]
    public int ThrottleLimit { get; set; } = RunDefaults.ThrottleLimit;

    /// <summary>
    /// <para type="description">The HTTP method. Default GET.</para>
    /// </summary>
    [Parameter]
    [ArgumentCompleter(typeof(HttpMethodCompleter))]
    public string Method { get; set; } = RunDefaults.Method;

    /// <summary>
    /// <para type="description">Headers sent with every request, as a hashtable.</para>
    /// </summary>
    [Parameter]
    public IDictionary? Headers { get; set; }

    /// <summary>
    /// <para type="description">Cookies sent with every request: a string such as 'a=1; b=2', or a hashtable of names and values.</para>
    /// </summary>
    [Parameter]
    public object? Cookie { get; set; }

    /// <summary>
    /// <para type="description">Keep the cookies that servers set and send them back, in one cookie jar shared by the whole run.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter KeepCookies { get; set; }

    /// <summary>
    /// <para type="description">The request body: a string (sent as UTF-8) or a byte array.</para>
    /// </summary>
    [Parameter]
    public object? Body { get; set; }

    /// <summary>
    /// <para type="description">The Content-Type of the body.</para>
    /// </summary>
    [Parameter]
    public string? ContentType { get; set; }

    /// <summary>
    /// <para type="description">Send the body from this file (read once, before the run; at most 64 MB), instead of -Body.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? InFile { get; set; }

    /// <summary>
    /// <para type="description">The User-Agent header of every request. Default: LoadTest/(module version) (PowerShell (version); (OS)). An empty string sends none; a User-Agent in -Headers wins.</para>
    /// </summary>
    [Parameter]
    [AllowEmptyString]
    public string? UserAgent { get; set; }

    /// <summary>
    /// <para type="description">How every request authenticates: None (default), Bearer (with -Token) or Basic (with -Credential). Refused over plain http unless -AllowUnencryptedAuthentication.</para>
    /// </summary>
    [Parameter]
    [ValidateSet(RequestAuthorization.None, RequestAuthorization.Bearer, RequestAuthorization.Basic)]
    public string Authentication { get; set; } = RequestAuthorization.None;

    /// <summary>
    /// <para type="description">The token of -Authentication Bearer, as a SecureString.</para>
    /// </summary>
    [Parameter]
    public SecureString? Token { get; set; }

    /// <summary>
    /// <para type="description">The user name and password of -Authentication Basic.</para>
    /// </summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>
    /// <para type="description">Allow -Authentication over plain http, where anyone on the path can read the secret. Only for test servers.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter AllowUnencryptedAuthentication { get; set; }

    /// <summary>
    /// <para type="description">Seconds each attempt may take, from sending to its last byte. 0 means no limit. Default 100.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0, 2_147_483)]
    public int TimeoutSec { get; set; } = RunDefaults.TimeoutSec;

    /// <summary>
    /// <para type="description">Retries after a transport failure, a timeout, or a status in -RetryStatusCode. Default 0.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0, 1000)]
    public int MaximumRetryCount { get; set; }

    /// <summary>
    /// <para type="description">Seconds before the first retry; each further retry waits twice as long, with random jitter, at most a minute. A Retry-After header overrides it. Default 5.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0, 3600)]
    public double RetryIntervalSec { get; set; } = RunDefaults.RetryIntervalSec;

    /// <summary>
    /// <para type="description">Status codes that are retried. Default 408, 429 and 500-599.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(100, 999)]
    public int[]? RetryStatusCode { get; set; }

    /// <summary>
    /// <para type="description">Status codes that count as success. Default 200-399.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(100, 999)]
    public int[]? SuccessStatusCode { get; set; }

    /// <summary>
    /// <para type="description">Put the response headers on each result.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter IncludeHeaders { get; set; }

    /// <summary>
    /// <para type="description">Put the response body, as text, on each result (up to -MaximumContentBytes).</para>
    /// </summary>
    [Parameter]
    public SwitchParameter IncludeContent { get; set; }

    /// <summary>
    /// <para type="description">The most body bytes kept per result with -IncludeContent, and read by the body and JSON checks of -Check; the rest is read and counted. Default 1 MB.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int MaximumContentBytes { get; set; } = RunDefaults.MaximumContentBytes;

    /// <summary>
    /// <para type="description">What every response must pass besides its status, as a hashtable: StatusCode (200, @(200, 201) or '200-299'), MaxMs (a latency bound), Header (@{ name = regex }), HeaderExists (names), BodyContains (texts), BodyMatches (regexes), Json (@{ '/json/pointer' = expected value }), JsonExists (pointers), JsonMatches (@{ '/pointer' = regex }). A response that fails a check is a failure with ErrorKind CheckFailed; the summary counts passes and failures per check.</para>
    /// </summary>
    [Parameter]
    public IDictionary? Check { get; set; }

    /// <summary>
    /// <para type="description">The HTTP version to use exactly: 1.0, 1.1 (default), 2.0 or 3.0 (where the platform has QUIC).</para>
    /// </summary>
    [Parameter]
    [ValidateSet("1.0", "1.1", "2.0", "3.0")]
    public string HttpVersion { get; set; } = RunDefaults.HttpVersion;

    /// <summary>
    /// <para type="description">Close the connection after each request instead of reusing it.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter DisableKeepAlive { get; set; }

    /// <summary>
    /// <para type="description">Which HTTP client sends the requests: Auto (default) uses LoadTest's own HTTP/1.1 and HTTP/2 clients for http and https without a proxy and HttpClient for the rest; HttpClient sends everything through .NET's HttpClient.</para>
    /// </summary>
    [Parameter]
    public TransportKind Transport { get; set; }

    /// <summary>
    /// <para type="description">Which sockets LoadTest's own HTTP/1.1 and HTTP/2 clients run on: Auto (default) uses LoadTest's epoll loops on Linux and .NET's socket engine elsewhere; Loop uses the loops (Linux only); DotNet uses .NET's socket engine. HttpClient always uses .NET's. -Verbose names the engine a run uses.</para>
    /// </summary>
    [Parameter]
    public SocketEngine SocketEngine { get; set; }

    /// <summary>
    /// <para type="description">The most connections per server. Default: the -ThrottleLimit.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(1, 100_000)]
    public int MaxConnections { get; set; }

    /// <summary>
    /// <para type="description">Accept any TLS certificate. Only for test servers you trust.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    // Where connections go: -UnixSocket, -ConnectTo, -Proxy, -ProxyCredential, -NoProxy (Parameters/ConnectionParameters.cs).

    /// <summary>
    /// <para type="description">Connect directly, ignoring proxy settings from the environment (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY).</para>
    /// </summary>
    [Parameter]
    public SwitchParameter NoProxy { get; set; }

    /// <summary>
    /// <para type="description">Send every request through this proxy (http, https, socks4, socks4a or socks5 URI). Proxied requests go through HttpClient.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    public Uri? Proxy { get; set; }

    /// <summary>
    /// <para type="description">The user name and password for -Proxy: sent up front as Basic with plain http requests (each goes on the wire once; a 407 is its result), and in answer to the proxy's challenge for the CONNECT tunnels of https requests.</para>
    /// </summary>
    [Parameter]
    [Credential]
    public PSCredential? ProxyCredential { get; set; }

    /// <summary>
    /// <para type="description">Send every request over this Unix domain socket (a path); the URI still gives the Host header, the path and the scheme.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? UnixSocket { get; set; }

    /// <summary>
    /// <para type="description">Connect to another node for a host and port, keeping the Host header and TLS server name of the URI: a hashtable such as @{ 'api.example.test:443' = '127.0.0.1:18443' }, or strings 'host:port=host:port'.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public object[]? ConnectTo { get; set; }

    /// <summary>
    /// <para type="description">How many redirects to follow. 0 returns the 3xx response itself. Default 5.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0, 50)]
    public int MaximumRedirection { get; set; } = RunDefaults.MaximumRedirection;

    /// <summary>
    /// <para type="description">Stop starting requests once more than this many have failed; requests in flight finish, the results and summary so far are written, then a terminating error (ErrorBudgetExceeded) says why.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long MaxErrorCount { get; set; }

    /// <summary>
    /// <para type="description">Stop starting requests once the share of failed requests is above this, judged after -ErrorRateMinimumCount requests; then as -MaxErrorCount. A fraction from 0 to 1 (0.05) or a percentage ('5%'); a bare number above 1 is refused as ambiguous.</para>
    /// </summary>
    [Parameter]
    [PercentageTransformation]
    [ValidateRange(0.0, 1.0)]
    public double MaxErrorRate { get; set; }

    /// <summary>
    /// <para type="description">How many requests must have completed before -MaxErrorRate is judged. Default 100.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long ErrorRateMinimumCount { get; set; } = RunDefaults.ErrorRateMinimumCount;

    /// <summary>
    /// <para type="description">The interval of the summary's time series (a TimeSpan, seconds, or '250ms'). Default 1 second, finer for a run whose length is known and short: 0.1 s under 10 s, 0.25 s under 25 s, 0.5 s under 50 s, so that it has some 40 rows or more.</para>
    /// </summary>
    [Parameter]
    [DurationTransformation]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    // Client certificates (mutual TLS), as Invoke-WebRequest takes them: the parameters and their resolution.

    /// <summary>
    /// <para type="description">The client certificate, with its private key, sent to https servers that ask for one (mutual TLS).</para>
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    public X509Certificate2? Certificate { get; set; }

    /// <summary>
    /// <para type="description">The thumbprint of a client certificate in the CurrentUser\My store (on Linux and macOS, .NET's own store for CurrentUser\My), sent to https servers that ask for one.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CertificateThumbprint { get; set; }

    /// <summary>The request parameters as plain values, with the defaults where none was given.</summary>
    internal RunParameters ToRunParameters()
    {
        IDictionary<string, object> bound = MyInvocation.BoundParameters;
        SessionState session = SessionState;
        return new RunParameters
        {
            Bound = new Dictionary<string, object>(bound, StringComparer.OrdinalIgnoreCase),
            ResolvePath = path =>
            {
                string resolved = session.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
                return (resolved, provider.Name);
            },
            DefaultUserAgent = UserAgentText.Default(this),
            ThrottleLimit = ThrottleLimit,
            Method = Method,
            Headers = Headers,
            Cookie = Cookie,
            KeepCookies = KeepCookies,
            Body = Body,
            ContentType = ContentType,
            InFile = InFile,
            UserAgent = bound.ContainsKey(nameof(UserAgent)) ? UserAgent ?? string.Empty : null,
            Authentication = Authentication,
            Token = Token,
            Credential = Credential,
            AllowUnencryptedAuthentication = AllowUnencryptedAuthentication,
            TimeoutSec = TimeoutSec,
            MaximumRetryCount = MaximumRetryCount,
            RetryIntervalSec = RetryIntervalSec,
            RetryStatusCode = RetryStatusCode,
            SuccessStatusCode = SuccessStatusCode,
            IncludeHeaders = IncludeHeaders,
            IncludeContent = IncludeContent,
            MaximumContentBytes = MaximumContentBytes,
            Check = Check,
            HttpVersion = HttpVersion,
            DisableKeepAlive = DisableKeepAlive,
            Transport = Transport,
            SocketEngine = SocketEngine,
            MaxConnections = MaxConnections,
            SkipCertificateCheck = SkipCertificateCheck,
            NoProxy = NoProxy,
            Proxy = Proxy,
            ProxyCredential = ProxyCredential,
            UnixSocket = UnixSocket,
            ConnectTo = ConnectTo,
            MaximumRedirection = MaximumRedirection,
            MaxErrorCount = bound.ContainsKey(nameof(MaxErrorCount)) ? MaxErrorCount : null,
            MaxErrorRate = bound.ContainsKey(nameof(MaxErrorRate)) ? MaxErrorRate : null,
            ErrorRateMinimumCount = ErrorRateMinimumCount,
            Interval = bound.ContainsKey(nameof(Interval)) ? Interval : null,
            Certificate = Certificate,
            CertificateThumbprint = CertificateThumbprint,
        };
    }
}
