using System;
using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;
using LoadTest.CommandSupport;
using LoadTest.Engine;

namespace LoadTest.Commands;

/// <summary>
/// <para type="synopsis">Sends many HTTP requests with at most -ThrottleLimit in flight, and writes one result per request.</para>
/// <para type="description">Requests come from -Uri with -Count, or lazily from the pipeline. Results stream out in completion order.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "BoundedRequest", DefaultParameterSetName = UriSet)]
[OutputType(typeof(RequestResult), typeof(RunSummary))]
public sealed class InvokeBoundedRequestCommand : PSCmdlet, IDisposable
{
    private const string UriSet = "Uri";
    private const string PipelineSet = "Pipeline";
    private const string SessionSet = "Session";
    private static readonly TimeSpan s_progressInterval = TimeSpan.FromMilliseconds(250);

    private readonly Action<RequestResult> _onResult;
    private readonly Action _onTick;
    private RequestRun? _run;
    private RemoteFanOut? _fanOut;
    private RequestInputConverter? _converter;
    private ResultOutput _output;
    private bool _progressEnabled;
    private long _total = -1;
    private long _inputIndex;
    private bool _inputClosed;
    private long _lastProgressTimestamp;
    private long _lastProgressCompleted;
    private double _currentRate;

    /// <summary>Creates the command.</summary>
    public InvokeBoundedRequestCommand()
    {
        _onResult = OnResult;
        _onTick = ReportProgress;
    }

    /// <summary>
    /// <para type="description">The absolute http or https URI to request. With -Count, every "{0}" in it becomes the request index.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = UriSet)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = SessionSet)]
    [Alias("Url")]
    [AllowEmptyString]
    public string Uri { get; set; } = string.Empty;

    /// <summary>
    /// <para type="description">How many requests to send to -Uri; their indexes are 0 to Count-1. Default 1, or no limit with -Duration.</para>
    /// </summary>
    [Parameter(ParameterSetName = UriSet)]
    [Parameter(Mandatory = true, ParameterSetName = SessionSet)]
    [ValidateRange(1, long.MaxValue)]
    public long Count { get; set; } = 1;

    /// <summary>
    /// <para type="description">The index of the first request: the requests are StartIndex to StartIndex+Count-1, so that several runs can share out one range of "{0}" values without overlap. Default 0.</para>
    /// </summary>
    [Parameter(ParameterSetName = UriSet)]
    [Parameter(ParameterSetName = SessionSet)]
    [ValidateRange(0, long.MaxValue)]
    public long StartIndex { get; set; }

    /// <summary>
    /// <para type="description">Run on these PowerShell sessions (New-PSSession, over SSH or WinRM) instead of here: -Count is split into consecutive index ranges, one per session, each session runs its share with -Summary, and the summaries are merged into one. -ThrottleLimit applies to each session.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = SessionSet)]
    [ValidateNotNullOrEmpty]
    public PSSession[]? Session { get; set; }

    /// <summary>
    /// <para type="description">With -Session, what each session imports when it does not have the command yet: a module name (default LoadTest, found on the remote PSModulePath) or a path to the module there.</para>
    /// </summary>
    [Parameter(ParameterSetName = SessionSet)]
    [ValidateNotNullOrEmpty]
    public string RemoteModule { get; set; } = "LoadTest";

    /// <summary>
    /// <para type="description">Requests from the pipeline: URI strings, System.Uri objects, or objects (such as Import-Csv rows or hashtables) with a Uri property and optional Method, Body, Headers and ContentType properties.</para>
    /// </summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = PipelineSet)]
    [AllowNull]
    [AllowEmptyString]
    public PSObject? InputObject { get; set; }

    /// <summary>
    /// <para type="description">The most requests in flight at once. Default 64.</para>
    /// </summary>
    [Parameter]
    [Alias("Concurrency")]
    [ValidateRange(1, 100_000)]
    public int ThrottleLimit { get; set; } = 64;

    /// <summary>
    /// <para type="description">Start requests on one global schedule of this many per second (an open model), as far as -ThrottleLimit allows.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0.001, 10_000_000.0)]
    public double RequestsPerSecond { get; set; }

    /// <summary>
    /// <para type="description">Stop starting requests after this long (a TimeSpan or a number of seconds); requests in flight finish and are reported.</para>
    /// </summary>
    [Parameter]
    [DurationTransformation]
    public TimeSpan Duration { get; set; }

    /// <summary>
    /// <para type="description">The HTTP method. Default GET.</para>
    /// </summary>
    [Parameter]
    [ArgumentCompleter(typeof(HttpMethodCompleter))]
    public string Method { get; set; } = "GET";

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
    public int TimeoutSec { get; set; } = 100;

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
    public double RetryIntervalSec { get; set; } = 5;

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
    public int MaximumContentBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// <para type="description">The HTTP version to use exactly: 1.0, 1.1 (default), 2.0 or 3.0 (where the platform has QUIC).</para>
    /// </summary>
    [Parameter]
    [ValidateSet("1.0", "1.1", "2.0", "3.0")]
    public string HttpVersion { get; set; } = "1.1";

    /// <summary>
    /// <para type="description">Close the connection after each request instead of reusing it.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter DisableKeepAlive { get; set; }

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
    public int MaximumRedirection { get; set; } = 5;

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
    public long ErrorRateMinimumCount { get; set; } = 100;

    /// <summary>
    /// <para type="description">Write one LoadTest.RunSummary at the end: counts, rate, status and error histograms, latency percentiles.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Summary { get; set; }

    /// <summary>
    /// <para type="description">Also store the run's summary in this variable (name without $), however the run ends: a run stopped with Ctrl+C cannot write to the pipeline any more, but its partial summary is still here. Implies collecting the summary.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SummaryVariable { get; set; }

    /// <summary>
    /// <para type="description">Which per-request results to write: All, Failed or None. Default All, or None with -Summary.</para>
    /// </summary>
    [Parameter]
    public ResultOutput Output { get; set; }

    /// <summary>Releases the run: cancels requests still in flight.</summary>
    public void Dispose()
    {
        _run?.Dispose();
        _run = null;
        _fanOut?.Dispose();
        _fanOut = null;
    }

    /// <inheritdoc/>
    protected override void BeginProcessing()
    {
        _converter = RequestInputConverter.Create(Method, Headers, Cookie, Body, ContentType, out ErrorRecord? error);
        if (error is not null)
        {
            ThrowTerminatingError(error);
        }

        bool hasDuration = MyInvocation.BoundParameters.ContainsKey(nameof(Duration));
        if (hasDuration && Duration <= TimeSpan.Zero)
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(ErrorIds.InvalidDuration, ErrorCategory.InvalidArgument, Duration, "-Duration must be longer than zero."));
        }

        Version version = System.Version.Parse(HttpVersion);
        if (version.Major == 3 && !Http3Support.IsSupported)
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(ErrorIds.HttpVersionNotSupported, ErrorCategory.NotImplemented, HttpVersion, "HTTP/3 needs QUIC (libmsquic), which this platform does not have. Use -HttpVersion 1.1 or 2.0."));
        }

        if (SkipCertificateCheck)
        {
            WriteWarning("-SkipCertificateCheck: TLS certificates are not verified for this run.");
        }

        _output = MyInvocation.BoundParameters.ContainsKey(nameof(Output)) ? Output : (Summary ? ResultOutput.None : ResultOutput.All);
        _progressEnabled = ProgressPolicy.ShouldWriteProgress(this);

        var options = new RequestEngineOptions
        {
            ThrottleLimit = ThrottleLimit,
            MaxConnections = MaxConnections,
            Timeout = TimeoutSec == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(TimeoutSec),
            SkipCertificateCheck = SkipCertificateCheck,
            NoProxy = NoProxy,
            MaximumRedirection = MaximumRedirection,
            HttpVersion = version,
            DisableKeepAlive = DisableKeepAlive,
            KeepCookies = KeepCookies,
            Retry = new RetryPolicy(
                MaximumRetryCount,
                TimeSpan.FromSeconds(RetryIntervalSec),
                RetryStatusCode is null ? RetryPolicy.DefaultStatusCodes : StatusCodeSet.Of(RetryStatusCode)),
            SuccessStatusCodes = SuccessStatusCode is null ? StatusCodeSet.Range(200, 399) : StatusCodeSet.Of(SuccessStatusCode),
            IncludeHeaders = IncludeHeaders,
            IncludeContent = IncludeContent,
            MaximumContentBytes = MaximumContentBytes,
            RequestsPerSecond = RequestsPerSecond,
            Duration = hasDuration ? Duration : null,
        };

        if (ParameterSetName == SessionSet)
        {
            // Check the template here, so a bad URI fails before any session starts.
            _ = CreateTemplateSource(Count);
            WriteVerbose(string.Create(CultureInfo.InvariantCulture, $"Starting {Count} requests to {Uri} on {Session!.Length} sessions, ThrottleLimit {ThrottleLimit} each."));
            _fanOut = new RemoteFanOut(
                Session,
                MyInvocation.BoundParameters,
                Count,
                StartIndex,
                RemoteModule,
                MyInvocation.BoundParameters.ContainsKey(nameof(Output)) ? Output : ResultOutput.None);
            return;
        }

        UriTemplateSource? source = null;
        if (ParameterSetName == UriSet)
        {
            long count = hasDuration && !MyInvocation.BoundParameters.ContainsKey(nameof(Count)) ? long.MaxValue : Count;
            source = CreateTemplateSource(count);
            _total = count == long.MaxValue ? -1 : count;
        }

        WriteVerbose(DescribeSettings(options));
        ErrorBudget? budget = null;
        if (MyInvocation.BoundParameters.ContainsKey(nameof(MaxErrorCount)) || MyInvocation.BoundParameters.ContainsKey(nameof(MaxErrorRate)))
        {
            budget = new ErrorBudget(
                MyInvocation.BoundParameters.ContainsKey(nameof(MaxErrorCount)) ? MaxErrorCount : -1,
                MyInvocation.BoundParameters.ContainsKey(nameof(MaxErrorRate)) ? MaxErrorRate : -1,
                ErrorRateMinimumCount);
        }

        Predicate<RequestResult>? handOut = _output switch
        {
            ResultOutput.None => static _ => false,
            ResultOutput.Failed => static result => !result.Success,
            _ => null,
        };
        _run = new RequestRun(options, Summary || SummaryVariable is not null, _progressEnabled ? s_progressInterval : TimeSpan.Zero, budget, handOut);
        if (source is not null)
        {
            _run.Start(source);
        }
        else
        {
            _run.StartPushed();
        }
    }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        if (ParameterSetName != PipelineSet || _run is null || _converter is null)
        {
            return;
        }

        long index = _inputIndex++;
        ErrorRecord? error = _converter.TryConvert(InputObject, index, out RequestSpec? spec);
        if (error is not null)
        {
            WriteError(error);
            return;
        }

        if (_inputClosed)
        {
            return;
        }

        if (!_run.Post(spec!, _onResult, _onTick))
        {
            if (_run.IsCancellationRequested)
            {
                // Stopped (Ctrl+C): EndProcessing will not run, so keep the partial summary now.
                PublishSummaryVariable();
                return;
            }

            // The run takes no more: its -Duration is over, or it was stopped. Later items are not sent.
            _inputClosed = true;
            WriteVerbose(string.Create(CultureInfo.InvariantCulture, $"The run takes no more input; items from position {index} on are not sent."));
        }

        _run.DrainAvailable(_onResult);
        ReportProgress();
    }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        if (_fanOut is not null)
        {
            RunSummary? merged = _fanOut.Complete(WriteObject, WriteError);
            if (merged is not null)
            {
                WriteObject(merged);
            }

            return;
        }

        if (_run is null)
        {
            return;
        }

        _run.CompleteInput();
        try
        {
            _run.DrainToEnd(_onResult, _onTick);
        }
        catch (RequestEngineException ex)
        {
            // Only the engine's own failure: an exception from downstream commands passes through unchanged.
            ThrowTerminatingError(ErrorRecordFactory.Create(ex, ErrorIds.EngineFailed, ErrorCategory.NotSpecified, null));
        }
        finally
        {
            PublishSummaryVariable();
        }

        if (_progressEnabled)
        {
            WriteProgress(new ProgressRecord(0, "Invoke-BoundedRequest", "Done") { RecordType = ProgressRecordType.Completed });
        }

        WriteVerbose(string.Create(
            CultureInfo.InvariantCulture,
            $"Finished: {_run.Completed} requests, {_run.Failed} failed, in {_run.Clock.Elapsed.TotalSeconds:0.###} s ({_run.Completed / Math.Max(_run.Clock.Elapsed.TotalSeconds, 1e-9):0.0} req/s)."));
        if (Summary)
        {
            WriteObject(_run.CreateSummary());
        }

        if (_run.StopReason is { } reason && !_run.IsCancellationRequested)
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(
                new InvalidOperationException($"The run stopped early. {reason} {(Summary ? "The results and the summary" : "The results")} so far were written before this error."),
                ErrorIds.ErrorBudgetExceeded,
                ErrorCategory.LimitsExceeded,
                null));
        }
    }

    /// <inheritdoc/>
    protected override void StopProcessing()
    {
        _run?.Cancel();
        _fanOut?.Stop();
    }

    private void PublishSummaryVariable()
    {
        if (SummaryVariable is not null && _run is not null)
        {
            SessionState.PSVariable.Set(SummaryVariable, _run.CreateSummary());
        }
    }

    // The run hands out only the results -Output asks for (see handOut in BeginProcessing).
    private void OnResult(RequestResult result) => WriteObject(result);

    private void ReportProgress()
    {
        if (!_progressEnabled || _run is null)
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        if (_lastProgressTimestamp != 0 && Stopwatch.GetElapsedTime(_lastProgressTimestamp, now) < s_progressInterval)
        {
            return;
        }

        long completed = _run.Completed;
        if (_lastProgressTimestamp != 0)
        {
            double seconds = Stopwatch.GetElapsedTime(_lastProgressTimestamp, now).TotalSeconds;
            double rate = (completed - _lastProgressCompleted) / seconds;
            _currentRate = _currentRate == 0 ? rate : (0.7 * _currentRate) + (0.3 * rate);
        }

        _lastProgressTimestamp = now;
        _lastProgressCompleted = completed;

        string done = _total > 0
            ? string.Create(CultureInfo.CurrentCulture, $"{completed:N0} / {_total:N0}")
            : string.Create(CultureInfo.CurrentCulture, $"{completed:N0}");
        var record = new ProgressRecord(0, "Invoke-BoundedRequest", string.Create(
            CultureInfo.CurrentCulture,
            $"{done} done, {_currentRate:N0} req/s, {_run.InFlight:N0} in flight, {_run.Failed:N0} failed"));
        TimeSpan elapsed = _run.Clock.Elapsed;
        if (_total > 0)
        {
            record.PercentComplete = (int)Math.Min(100, completed * 100 / _total);
            if (_currentRate > 0)
            {
                record.SecondsRemaining = (int)Math.Min(int.MaxValue, (_total - completed) / _currentRate);
            }
        }
        else if (MyInvocation.BoundParameters.ContainsKey(nameof(Duration)))
        {
            record.PercentComplete = (int)Math.Min(100, elapsed.Ticks * 100 / Duration.Ticks);
            record.SecondsRemaining = (int)Math.Max(0, (Duration - elapsed).TotalSeconds);
        }

        WriteProgress(record);
    }

    private string DescribeSettings(RequestEngineOptions options)
    {
        string what = ParameterSetName == UriSet
            ? (_total > 0 ? string.Create(CultureInfo.InvariantCulture, $"{_total} requests to {Uri}") : $"requests to {Uri}")
            : "requests from the pipeline";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"Starting {what}: ThrottleLimit {options.ThrottleLimit}, timeout {(TimeoutSec == 0 ? "none" : TimeoutSec + " s")}" +
            $"{(options.RequestsPerSecond > 0 ? $", {options.RequestsPerSecond} req/s schedule" : string.Empty)}" +
            $"{(options.Duration is { } d ? $", duration {d}" : string.Empty)}" +
            $"{(MaximumRetryCount > 0 ? $", up to {MaximumRetryCount} retries" : string.Empty)}, HTTP/{HttpVersion}, output {_output}{(Summary ? " + summary" : string.Empty)}.");
    }

    private UriTemplateSource CreateTemplateSource(long count)
    {
        // Validate with index 0 substituted, so a template such as http://host/item/{0} is checked as a real URI.
        string probe = Uri.Replace("{0}", "0", StringComparison.Ordinal);
        ErrorRecord? error = RequestInputConverter.TryParseUri(probe, Uri, out _);
        if (error is not null)
        {
            ThrowTerminatingError(error);
        }

        return new UriTemplateSource(Uri, StartIndex, count, _converter!.Method, _converter.Payload);
    }
}
