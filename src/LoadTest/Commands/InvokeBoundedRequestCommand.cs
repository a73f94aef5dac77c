using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;
using LoadTest.Engine;
using LoadTest.Engine.Metrics;
using LoadTest.Engine.Accounting;
using LoadTest.Parameters;
using LoadTest.Run;
using LoadTest.Wire;

namespace LoadTest.Commands;

/// <summary>
/// <para type="synopsis">Sends many HTTP requests with at most -ThrottleLimit in flight, and writes one result per request.</para>
/// <para type="description">Requests come from -Uri with -Count, or lazily from the pipeline. Results stream out in completion order.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "BoundedRequest", DefaultParameterSetName = UriSet)]
[OutputType(typeof(RequestResult), typeof(RunSummary))]
public sealed class InvokeBoundedRequestCommand : RequestCommandBase, IDisposable
{
    private const string UriSet = "Uri";
    private const string PipelineSet = "Pipeline";
    private const string SessionSet = "Session";
    private const string FlowSet = "Flow";
    private static readonly TimeSpan s_progressInterval = TimeSpan.FromMilliseconds(250);
    private static readonly string[] s_reportTags = { RunReport.Tag };

    private RunPlan? _plan;
    private RequestRun? _run;
    private RemoteFanOut? _fanOut;
    private ProgressView? _progress;
    private SummaryOutput? _summary;
    private MetricsEndpoint? _metricsEndpoint;
    private RunReporter? _reporter;
    private bool _fleetProgress;
    private readonly ManualResetEventSlim _stopping = new(false);
    private long _inputIndex;
    private bool _finished;
    private long _lastPosted = -1;

    /// <summary>
    /// <para type="description">The absolute http or https URI to request. With -Count, every "{0}" in it becomes the request index, with any .NET format as in -f ("{0:D5}", "{0:X}"); write other braces doubled.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = UriSet)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = SessionSet)]
    [Alias("Url")]
    [AllowEmptyString]
    public string Uri { get; set; } = string.Empty;

    /// <summary>
    /// <para type="description">How many requests to send to -Uri; their indexes are 0 to Count-1. Default 1, or no limit with -Duration or -Stage. With -Session, the whole run's count, shared out.</para>
    /// </summary>
    [Parameter(ParameterSetName = UriSet)]
    [Parameter(ParameterSetName = SessionSet)]
    [Parameter(ParameterSetName = FlowSet)]
    [ValidateRange(1, long.MaxValue)]
    public long Count { get; set; } = 1;

    /// <summary>
    /// <para type="description">The index of the first request: the requests are StartIndex to StartIndex+Count-1, so that several runs can share out one range of "{0}" values without overlap. Default 0.</para>
    /// </summary>
    [Parameter(ParameterSetName = UriSet)]
    [Parameter(ParameterSetName = SessionSet)]
    [Parameter(ParameterSetName = FlowSet)]
    [ValidateRange(0, long.MaxValue)]
    public long StartIndex { get; set; }

    /// <summary>
    /// <para type="description">A user journey run once per iteration: a list of steps, each a hashtable with Name, Uri (absolute, or relative to -BaseUri), and optionally Method, Headers, Body, ContentType, Extract (variables taken from the response: 'json:/pointer', 'regex:pattern', 'header:Name', 'cookie:Name'), Check (as -Check), ThinkTime (a duration or a range of two) and ContinueOnFailure. Text may use #{name} variables: the iteration's data row (a pipeline item's properties), #{iteration}, and what earlier steps extracted. -Count, -RequestsPerSecond, -Duration and -Stage schedule iterations; -ThrottleLimit is the number of iterations in flight (virtual users). Each iteration has its own variables and cookie jar.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = FlowSet)]
    [ValidateNotNull]
    public object[]? Flow { get; set; }

    /// <summary>
    /// <para type="description">With -Flow, what steps' relative URIs (such as '/login') resolve against, such as http://127.0.0.1:8080.</para>
    /// </summary>
    [Parameter(ParameterSetName = FlowSet)]
    [ValidateNotNull]
    public Uri? BaseUri { get; set; }

    /// <summary>
    /// <para type="description">Run on these PowerShell sessions (New-PSSession, over SSH or WinRM) instead of here, as one run: -Count, -RequestsPerSecond, -Duration and -Stage describe the whole run, and each session takes an equal execution segment of it (as -ExecutionSegment: request n goes to session n mod the number of sessions), so the shares add up to the plan exactly. -ThrottleLimit applies to each session (it sizes each one's slots and connections); ThrottleLimit stages, like rate stages, are shared out. First every session must run this module's version (RemoteModuleVersionMismatch otherwise; nothing is sent). Each session reports every second: the progress bar shows the whole run, and the summary merges the reports. A session that fails, dies or sends no report for 5 seconds is declared lost, neither waited for nor stopped (should it come back, it runs on to its share's end, unheard): the summary keeps its last report, counts the rest of its plan as dropped, and says in Unreported how many it may have sent since that report. The merged summary is written (and stored in -SummaryVariable, partial after Ctrl+C).</para>
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
    /// <para type="description">Run only this share of the run, as k6's execution segments: "from:to" as fractions of the run, one of equal shares ("0:1/3", "1/3:2/3", "2/3:1"). The run's requests are numbered on its one schedule (-Count, -RequestsPerSecond, -Duration and -Stage describe the whole run) and share i of n takes those whose number leaves i when divided by n, with their indexes; the shares of several processes add up to the run exactly, and their summaries merge with Merge-RunSummary. -Session does this for each session.</para>
    /// </summary>
    [Parameter(ParameterSetName = UriSet)]
    [ValidateNotNullOrEmpty]
    public string? ExecutionSegment { get; set; }

    /// <summary>
    /// <para type="description">Report the run so far this often while it runs (a TimeSpan or seconds): one report at once, one each interval, and a final one at the end, each written to the information stream (tag LoadTest.RunReport) as JSON text with the summary's fields and the time-series rows changed since the previous report. -Session sets it on each session to follow them; read it with -InformationVariable to follow a run yourself. Default: no reports.</para>
    /// </summary>
    [Parameter(ParameterSetName = UriSet)]
    [Parameter(ParameterSetName = PipelineSet)]
    [DurationTransformation]
    public TimeSpan ReportInterval { get; set; }

    /// <summary>
    /// <para type="description">Wait until this time, then start (a DateTime; local unless its Kind is Utc); a time already past starts at once. With -ExecutionSegment, shares of one run started on several machines (with synchronized clocks) keep its one schedule together in time. -Session sets it for its sessions, a moment after it starts the last one. Ctrl+C while waiting ends the command without a request.</para>
    /// </summary>
    [Parameter(ParameterSetName = UriSet)]
    public DateTime StartAt { get; set; }

    /// <summary>
    /// <para type="description">Requests from the pipeline: URI strings, System.Uri objects, or objects (such as Import-Csv rows or hashtables) with a Uri property and optional Method, Body, Headers and ContentType properties.</para>
    /// </summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = PipelineSet)]
    [Parameter(ValueFromPipeline = true, ParameterSetName = FlowSet)]
    [AllowNull]
    [AllowEmptyString]
    public PSObject? InputObject { get; set; }

    /// <summary>
    /// <para type="description">Start requests on one global schedule of this many per second (an open model), as far as -ThrottleLimit allows.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0.001, 10_000_000.0)]
    public double RequestsPerSecond { get; set; }

    /// <summary>
    /// <para type="description">Stop starting requests after this long (a TimeSpan or a number of seconds); requests in flight finish and are reported. With pipeline input, the commands before it are stopped when they give their next item (as by Select-Object -First), so an endless input ends too; one that waits without end for its next item (Get-Content -Wait on a quiet file) still holds the pipeline, though nothing more is sent.</para>
    /// </summary>
    [Parameter]
    [DurationTransformation]
    public TimeSpan Duration { get; set; }

    /// <summary>
    /// <para type="description">A schedule of stages, each moving linearly from the previous target to its own over its Duration: @{ Duration = '30s'; RequestsPerSecond = 100 } (an open model; the first starts from -RequestsPerSecond, default 0) or @{ Duration = '1m'; ThrottleLimit = 50 } (in-flight limit, a closed model, starting from 0). The run lasts as long as its stages.</para>
    /// </summary>
    [Parameter]
    [StageTransformation]
    public LoadStage[]? Stage { get; set; }

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

    /// <summary>
    /// <para type="description">Serve the run's live metrics to Prometheus on this port while it runs: http://*:port/metrics on every interface, in the text exposition format, each series labelled with run and host. After the run, the command waits for one more scrape to read the final values: not at all when nothing scraped during the run, otherwise up to twice the longest interval seen between scrapes (2 to 60 s; 60 s after a single scrape). A port in use stops the command before any request (MetricsPortInUse). Default: $LoadTestMetricsPort, or none; 0 for none. With -Session each session serves its share on this port of its own machine.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int MetricsPort { get; set; }

    /// <summary>
    /// <para type="description">The run label of the run's metrics, on the Prometheus endpoint and on the LoadTest Meter's tags. Default: a new name for each run, its UTC start time and four random hex digits (20261207T101500Z-3fa2); with -Session, one name shared by every session's share.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? MetricsRun { get; set; }

    /// <summary>Releases the run: cancels requests still in flight.</summary>
    public void Dispose()
    {
        try
        {
            if (_fanOut is not null && _summary is { IsPublished: false })
            {
                // Ctrl+C during the preflight, or the pipeline stopped while the sessions ran: what they reported is kept.
                _fanOut.Stop();
                _summary.Publish(_fanOut.Complete(static _ => { }, static _ => { }, static _ => { }, null), stopped: true);
            }

            if (_run is not null && _summary is { IsPublished: false })
            {
                // The run ended outside this cmdlet: a command after it stopped the pipeline (Select-Object -First)
                // or failed, or Ctrl+C came while a command before it ran. -SummaryVariable still gets the summary.
                bool userStop = _run.IsCancellationRequested || Stopping;
                if (userStop)
                {
                    _run.Cancel();
                }
                else
                {
                    _run.CancelForPipeline();
                }

                _summary.Publish(_run, stopped: userStop);
            }
        }
        catch (RuntimeException)
        {
            // -SummaryVariable cannot be written (read-only, or typed); with the pipeline gone, nobody could be told.
        }
        finally
        {
            _metricsEndpoint?.Dispose();
            _metricsEndpoint = null;
            _run?.Dispose();
            _run = null;
            _fanOut?.Dispose();
            _fanOut = null;
            _stopping.Dispose();
        }
    }

    /// <inheritdoc/>
    protected override void BeginProcessing()
    {
        if (MetricsPortSetting.TryResolve(this, MyInvocation.BoundParameters.ContainsKey(nameof(MetricsPort)), MetricsPort, out int metricsPort) is { } portError)
        {
            ThrowTerminatingError(portError);
        }

        RunParameters parameters = ToRunParameters() with
        {
            MetricsPort = metricsPort,
            MetricsRun = MetricsRun,
            Uri = Uri,
            Flow = Flow,
            BaseUri = BaseUri,
            DataRows = Flow is not null && MyInvocation.ExpectingInput,
            Count = MyInvocation.BoundParameters.ContainsKey(nameof(Count)) ? Count : null,
            StartIndex = StartIndex,
            Sessions = Session?.Length ?? 0,
            RequestsPerSecond = RequestsPerSecond,
            Duration = MyInvocation.BoundParameters.ContainsKey(nameof(Duration)) ? Duration : null,
            Stage = Stage,
            Summary = Summary,
            SummaryVariable = SummaryVariable,
            ExecutionSegment = ExecutionSegment,
            ReportInterval = ReportInterval,
            StartAt = MyInvocation.BoundParameters.ContainsKey(nameof(StartAt)) ? StartAt : null,
            Output = MyInvocation.BoundParameters.ContainsKey(nameof(Output)) ? Output : null,
        };
        ErrorRecord? error = RunPlan.TryCreate(parameters, out _plan);
        IAsyncEnumerable<RequestSpec>? source = null;
        if (error is null && !TakesInput)
        {
            // A bad template fails here, before any request or session starts.
            error = _plan!.TryCreateSource(out source);
        }

        if (error is not null)
        {
            ThrowTerminatingError(error);
        }

        RunPlan plan = _plan!;
        _summary = new SummaryOutput(this, plan, SummaryVariable);
        foreach (string warning in plan.Warnings)
        {
            WriteWarning(warning);
        }

        if (ParameterSetName == SessionSet)
        {
            StartSessions(plan);
            return;
        }

        WriteVerbose(plan.Describe(sessions: 0));
        TimeSpan tick = ProgressPolicy.ShouldWriteProgress(this) ? s_progressInterval : TimeSpan.Zero;
        _progress = tick > TimeSpan.Zero ? new ProgressView(tick, plan.Total, plan.Options.Duration) : null;
        if (plan.ReportInterval > TimeSpan.Zero)
        {
            _reporter = new RunReporter(plan.ReportInterval);
            tick = tick > TimeSpan.Zero && tick < _reporter.Tick ? tick : _reporter.Tick;
        }

        if (plan.StartAt is { } startAt && startAt.ToUniversalTime() - DateTime.UtcNow is { } wait && wait > TimeSpan.Zero)
        {
            WriteVerbose(string.Create(CultureInfo.InvariantCulture, $"Waiting {wait.TotalSeconds:0.###} s, until {startAt.ToUniversalTime():HH:mm:ss.fff} UTC, to start."));
            if (_stopping.Wait(wait))
            {
                // Stopped while waiting: nothing was sent.
                return;
            }
        }

        _run = plan.Start(source, tick, StartMetrics());
        ReportProgress();
    }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        if (!TakesInput || _run is null)
        {
            return;
        }

        long index = _inputIndex++;
        ErrorRecord? error = _plan!.TryConvert(InputObject, index, out RequestSpec? spec);
        if (error is not null)
        {
            WriteError(error);
            return;
        }

        if (_finished)
        {
            return;
        }

        _lastPosted = index;
        if (!_run.Post(spec!, WriteObject, ReportProgress))
        {
            if (_run.IsCancellationRequested)
            {
                // Stopped (Ctrl+C): EndProcessing will not run, so keep the partial summary now.
                _summary!.Publish(_run, stopped: true);
                return;
            }

            // The run takes no more: its -Duration is over, or it was stopped. Later items are not sent, and the
            // commands before this one are stopped (as by Select-Object -First): an endless input would never end.
            FinishRun();
            if (UpstreamStop.Create(this) is { } stop)
            {
                throw stop;
            }

            return;
        }

        _run.DrainAvailable(WriteObject);
        ReportProgress();
    }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        if (_fanOut is not null)
        {
            RunSummary merged = _fanOut.Complete(WriteObject, WriteError, WriteWarning, _fleetProgress ? WriteProgress : null);
            _summary!.Publish(merged, Stopping);
            if (!Stopping)
            {
                WriteVerbose(RunWording.Finished(merged.Count, merged.Failed, merged.ElapsedSeconds));
                if (_fanOut.StartSpread is { } spread)
                {
                    WriteVerbose(string.Create(CultureInfo.InvariantCulture, $"The sessions' shares started within {spread.TotalMilliseconds:0} ms of each other."));
                }

                _summary.Write(merged);
            }

            return;
        }

        if (_run is not null && !_finished)
        {
            FinishRun();
        }
    }

    /// <inheritdoc/>
    protected override void StopProcessing()
    {
        _metricsEndpoint?.Cancel();
        _run?.Cancel();
        _fanOut?.Stop();
        try
        {
            // Ends a wait for -StartAt.
            _stopping.Set();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    // Waits for the requests in flight and writes their results, the warnings and the summary.
    private void FinishRun()
    {
        _finished = true;
        _run!.CompleteInput();
        try
        {
            _run.DrainToEnd(WriteObject, ReportProgress);
        }
        catch (RequestEngineException ex)
        {
            _summary!.Publish(_run, _run.IsCancellationRequested);
            ThrowTerminatingError(ErrorRecordFactory.Create(ex, ErrorIds.EngineFailed, ErrorCategory.NotSpecified, null));
        }

        // An exception from the commands after this one passes through unchanged; Dispose publishes then.
        _summary!.Publish(_run, _run.IsCancellationRequested);

        if (_run.IsCancellationRequested)
        {
            return;
        }

        if (_reporter is not null)
        {
            WriteInformation(_reporter.Final(_run), s_reportTags);
        }

        if (_progress is not null)
        {
            WriteProgress(ProgressView.Completed);
        }

        if (TakesInput && _run.FirstUnsentInput(_lastPosted) is { } unsent)
        {
            WriteVerbose(RunWording.UnsentInput(unsent));
        }

        WriteVerbose(RunWording.Finished(_run.Completed, _run.Failed, _run.Clock.Elapsed.TotalSeconds));
        if (_run.DescribeMissedSchedule() is { } missed)
        {
            WriteWarning(missed);
        }

        if (_plan!.WritesSummary)
        {
            _summary!.Write();
        }

        FinishMetrics();
        if (_run.StopReason is { } reason)
        {
            // Not terminating, so that `$s = Invoke-BoundedRequest -Summary ...` keeps the summary; -ErrorAction Stop still ends the script.
            WriteError(_plan.StoppedEarly(reason));
        }
    }

    // The run's metrics, and their endpoint when a port is set; a port in use stops the command before any request.
    private RunMetrics StartMetrics()
    {
        RunPlan plan = _plan!;
        var metrics = new RunMetrics(RunLabels.ForThisMachine(plan.MetricsRun));
        if (plan.MetricsPort > 0)
        {
            if (MetricsEndpoint.TryStart(plan.MetricsPort, metrics, out _metricsEndpoint) is { } error)
            {
                metrics.Dispose();
                ThrowTerminatingError(error);
            }

            WriteVerbose($"Serving the run's metrics at {_metricsEndpoint!.Url} (run=\"{metrics.Labels.Run}\", host=\"{metrics.Labels.Host}\").");
        }

        return metrics;
    }

    // After a run that was not stopped: one more scrape reads the final values (a bounded wait), then the endpoint closes.
    private void FinishMetrics()
    {
        if (_metricsEndpoint is null)
        {
            return;
        }

        WriteVerbose("Waiting for one more scrape of the run's metrics.");
        bool read = _metricsEndpoint.AwaitFinalScrape();
        WriteVerbose(read ? "The final metrics were scraped." : $"The endpoint closes without a final scrape ({_metricsEndpoint.Scrapes} scrapes during the run).");
        _metricsEndpoint.Dispose();
        _metricsEndpoint = null;
    }

    // Pipeline input: requests, or with -Flow the data rows of its iterations.
    private bool TakesInput => ParameterSetName == PipelineSet || (ParameterSetName == FlowSet && MyInvocation.ExpectingInput);

    private void ReportProgress()
    {
        if (_progress?.Next(_run!) is { } record)
        {
            WriteProgress(record);
        }

        if (_reporter?.Next(_run!) is { } report)
        {
            WriteInformation(report, s_reportTags);
        }
    }

    // Checks every session, then starts the shares; a session that fails the check stops the run before anything is sent.
    private void StartSessions(RunPlan plan)
    {
        WriteVerbose(plan.Describe(Session!.Length));
        var shares = new FleetShares(plan.Options, plan.Count, Session.Length);
        _fleetProgress = ProgressPolicy.ShouldWriteProgress(this);
        _fanOut = new RemoteFanOut(shares, _fleetProgress ? new FleetProgress(s_progressInterval, shares, plan.Total, plan.Options.Duration) : null, plan.Warnings);
        Version version = MyInvocation.MyCommand.Module?.Version ?? typeof(InvokeBoundedRequestCommand).Assembly.GetName().Version ?? new Version(0, 0, 0);
        List<ErrorRecord> refused = _fanOut.Start(Session, RemoteModule, version, (segment, startAt) => plan.ForSession(segment, RemoteFanOut.ReportInterval, startAt));
        if (refused.Count > 0)
        {
            // Nothing was sent: no summary either.
            _fanOut.Dispose();
            _fanOut = null;
            for (int i = 1; i < refused.Count; i++)
            {
                WriteError(refused[i]);
            }

            ThrowTerminatingError(refused[0]);
        }
    }
}
