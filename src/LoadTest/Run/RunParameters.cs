using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using LoadTest.Engine;

namespace LoadTest.Run;

/// <summary>
/// The parameters of one run as plain values: what the user gave (or the defaults), which names were bound,
/// and how a path is resolved where the command runs. RunPlan is built from this, never from a cmdlet, so that
/// Invoke-BoundedRequest, Find-MaxRate's steps and a remote session's share are built the same way.
/// </summary>
internal sealed record RunParameters
{
    /// <summary>The names the user bound, as given; a session's share passes them on.</summary>
    public IReadOnlyDictionary<string, object> Bound { get; init; } = new Dictionary<string, object>();

    /// <summary>Turns a PowerShell path into a file system path where the command runs; throws when it cannot.</summary>
    public Func<string, (string Path, string Provider)> ResolvePath { get; init; } = static path => (path, "FileSystem");

    /// <summary>The User-Agent of every request when -UserAgent is not given.</summary>
    public string? DefaultUserAgent { get; init; }

    public string Uri { get; init; } = string.Empty;

    /// <summary>-Flow: the steps each iteration runs; null for plain requests.</summary>
    public object? Flow { get; init; }

    /// <summary>-BaseUri: what a flow step's relative URI resolves against.</summary>
    public Uri? BaseUri { get; init; }

    /// <summary>True when a flow's iterations take their data rows from the pipeline.</summary>
    public bool DataRows { get; init; }

    /// <summary>-Count when given; null otherwise (1, or no limit with -Duration).</summary>
    public long? Count { get; init; }

    public long StartIndex { get; init; }

    public int Sessions { get; init; }

    public double RequestsPerSecond { get; init; }

    /// <summary>-Duration when given; null otherwise.</summary>
    public TimeSpan? Duration { get; init; }

    public LoadStage[]? Stage { get; init; }

    public bool Summary { get; init; }

    /// <summary>-ExecutionSegment when given ("1/3:2/3"): this process's share of a run several make together; null for the whole.</summary>
    public string? ExecutionSegment { get; init; }

    /// <summary>-ReportInterval: how often to report the run so far on the information stream; zero for never.</summary>
    public TimeSpan ReportInterval { get; init; }

    /// <summary>-StartAt when given: the run waits until then to start; null to start at once.</summary>
    public DateTime? StartAt { get; init; }

    public string? SummaryVariable { get; init; }

    /// <summary>-Output when given; null for the default.</summary>
    public ResultOutput? Output { get; init; }

    public int ThrottleLimit { get; init; } = RunDefaults.ThrottleLimit;

    public string Method { get; init; } = RunDefaults.Method;

    public IDictionary? Headers { get; init; }

    public object? Cookie { get; init; }

    public bool KeepCookies { get; init; }

    public object? Body { get; init; }

    public string? ContentType { get; init; }

    public string? InFile { get; init; }

    /// <summary>-UserAgent when given (empty for none); null for the default.</summary>
    public string? UserAgent { get; init; }

    public string Authentication { get; init; } = "None";

    public SecureString? Token { get; init; }

    public PSCredential? Credential { get; init; }

    public bool AllowUnencryptedAuthentication { get; init; }

    public int TimeoutSec { get; init; } = RunDefaults.TimeoutSec;

    public int MaximumRetryCount { get; init; }

    public double RetryIntervalSec { get; init; } = RunDefaults.RetryIntervalSec;

    public int[]? RetryStatusCode { get; init; }

    public int[]? SuccessStatusCode { get; init; }

    public bool IncludeHeaders { get; init; }

    public bool IncludeContent { get; init; }

    public int MaximumContentBytes { get; init; } = RunDefaults.MaximumContentBytes;

    /// <summary>-Check: the checks every response must pass, as the user wrote them; null for none.</summary>
    public IDictionary? Check { get; init; }

    public string HttpVersion { get; init; } = RunDefaults.HttpVersion;

    public bool DisableKeepAlive { get; init; }

    public LoadTest.TransportKind Transport { get; init; }

    public LoadTest.SocketEngine SocketEngine { get; init; }

    public int MaxConnections { get; init; }

    public bool SkipCertificateCheck { get; init; }

    public bool NoProxy { get; init; }

    public Uri? Proxy { get; init; }

    public PSCredential? ProxyCredential { get; init; }

    public string? UnixSocket { get; init; }

    public object[]? ConnectTo { get; init; }

    public int MaximumRedirection { get; init; } = RunDefaults.MaximumRedirection;

    /// <summary>-MaxErrorCount when given; null for no limit.</summary>
    public long? MaxErrorCount { get; init; }

    /// <summary>-MaxErrorRate when given; null for no limit.</summary>
    public double? MaxErrorRate { get; init; }

    public long ErrorRateMinimumCount { get; init; } = RunDefaults.ErrorRateMinimumCount;

    /// <summary>-Interval when given; null for the default, which is finer for short runs (<see cref="Engine.Accounting.TimeSeriesBuilder.DefaultInterval"/>).</summary>
    public TimeSpan? Interval { get; init; }

    public X509Certificate2? Certificate { get; init; }

    public string? CertificateThumbprint { get; init; }

    /// <summary>The port that serves the run's metrics to Prometheus (-MetricsPort, or $LoadTestMetricsPort); 0 for none.</summary>
    public int MetricsPort { get; init; }

    /// <summary>-MetricsRun when given: the run label of the run's metrics; null for a new name.</summary>
    public string? MetricsRun { get; init; }

    /// <summary>True when requests carry -Authentication, which plain http may not carry without -AllowUnencryptedAuthentication.</summary>
    public bool NeedsEncryption => !string.Equals(Authentication, "None", StringComparison.OrdinalIgnoreCase) && !AllowUnencryptedAuthentication;
}
