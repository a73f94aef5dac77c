using System;
using System.Collections;
using System.Management.Automation;
using LoadTest.Engine;

namespace LoadTest.CommandSupport;

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
    /// <para type="description">With -IncludeContent, the most body bytes kept per result; the rest is read and counted. Default 1 MB.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int MaximumContentBytes { get; set; } = RunDefaults.MaximumContentBytes;

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
    /// <para type="description">Which HTTP client sends the requests: Auto (default) uses LoadTest's own HTTP/1.1 client for plain http and HttpClient for the rest; HttpClient sends everything through .NET's HttpClient.</para>
    /// </summary>
    [Parameter]
    public TransportKind Transport { get; set; }

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

    /// <summary>
    /// <para type="description">Connect directly, ignoring proxy settings from the environment.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter NoProxy { get; set; }

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
    /// <para type="description">Stop starting requests once the share of failed requests (0 to 1) is above this, judged after -ErrorRateMinimumCount requests; then as -MaxErrorCount.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double MaxErrorRate { get; set; }

    /// <summary>
    /// <para type="description">How many requests must have completed before -MaxErrorRate is judged. Default 100.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long ErrorRateMinimumCount { get; set; } = RunDefaults.ErrorRateMinimumCount;

    /// <summary>
    /// <para type="description">The interval of the summary's time series (a TimeSpan or seconds). Default 1 second.</para>
    /// </summary>
    [Parameter]
    [DurationTransformation]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);
}
