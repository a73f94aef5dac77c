using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using LoadTest.Engine;
using LoadTest.Engine.Accounting;
using LoadTest.Engine.Checks;
using LoadTest.Engine.Schedule;
using LoadTest.Engine.Flows;
using LoadTest.Engine.Metrics;
using LoadTest.Parameters;
using LoadTest.Server;
using LoadTest.Wire;
using LoadTest.Wire.Connections;

namespace LoadTest.Run;

/// <summary>
/// What one Invoke-BoundedRequest run is, built once from the bound parameters: the engine's options, the
/// requests' source, which results are written, the summary, the error budget, and what is sent to remote
/// sessions. Both the local and the remote path run from it.
/// </summary>
internal sealed class RunPlan
{
    /// <summary>Parameters that belong to the fan-out itself and are not passed on to the sessions.</summary>
    private static readonly HashSet<string> s_notForSessions = new(StringComparer.OrdinalIgnoreCase)
    {
        "Session", "RemoteModule", "Summary", "SummaryVariable", "Output", "ExecutionSegment", "ReportInterval", "StartAt",

        // The caller's own streams and variables: a share's warnings and errors come back to it, named by session.
        "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable",
        "WarningVariable", "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable",
    };

    private readonly IReadOnlyDictionary<string, object> _bound;
    private readonly Func<object?, ErrorRecord>? _refuseHttp;

    private RunPlan(RunParameters p, RequestInputConverter converter, RequestEngineOptions options)
    {
        _bound = p.Bound;
        _refuseHttp = p.NeedsEncryption ? RequestAuthorization.RefuseUnencrypted(p.Authentication) : null;
        Converter = converter;
        Options = options;
        Uri = p.Uri;
        StartIndex = p.StartIndex;
        // With -Session the merged summary is the answer: results only when -Output asks for them.
        Output = p.Output ?? (p.Summary || p.Sessions > 0 ? ResultOutput.None : ResultOutput.All);
        WritesSummary = p.Summary;
        CollectsSummary = p.Summary || p.SummaryVariable is not null || p.ReportInterval > TimeSpan.Zero;
        ReportInterval = p.ReportInterval;
        StartAt = p.StartAt;
        if (p.MaxErrorCount is not null || p.MaxErrorRate is not null)
        {
            Budget = new ErrorBudget(p.MaxErrorCount ?? -1, p.MaxErrorRate ?? -1, p.ErrorRateMinimumCount);
        }

        if (p.SkipCertificateCheck)
        {
            Warnings.Add("-SkipCertificateCheck: TLS certificates are not verified for this run.");
        }

        if (options.IncludeContent && ResourceLimits.CheckContentMemory(options.ThrottleLimit + options.ResultBufferSize, options.MaximumContentBytes) is { } memory)
        {
            Warnings.Add(RunWording.ContentMemory(memory));
        }

        MetricsPort = p.MetricsPort;
        MetricsRun = p.MetricsRun ?? RunLabels.NewRunName(DateTime.UtcNow);

        // -Duration without -Count runs until the duration is over.
        Count = options.Duration is not null && p.Count is null ? long.MaxValue : p.Count ?? 1;
    }

    public RequestEngineOptions Options { get; }

    /// <summary>What the user should know before the run starts.</summary>
    public List<string> Warnings { get; } = new();

    /// <summary>Method, headers and body of every request, and the converter of pipeline input.</summary>
    public RequestInputConverter Converter { get; }

    public string Uri { get; }

    public long StartIndex { get; }

    /// <summary>Requests to send to -Uri; long.MaxValue when only -Duration ends the run.</summary>
    public long Count { get; }

    /// <summary>How many requests the run will make, when that is known; -1 otherwise.</summary>
    public long Total => Count == long.MaxValue ? -1 : Count;

    public ResultOutput Output { get; }

    /// <summary>-Summary: the summary goes to the pipeline at the end.</summary>
    public bool WritesSummary { get; }

    /// <summary>-Summary, -SummaryVariable or -ReportInterval: results are folded into a summary.</summary>
    public bool CollectsSummary { get; }

    /// <summary>How often the run reports itself so far (-ReportInterval); zero for never.</summary>
    public TimeSpan ReportInterval { get; }

    /// <summary>When the run starts (-StartAt); null for at once.</summary>
    public DateTime? StartAt { get; }

    public ErrorBudget? Budget { get; }

    /// <summary>The port that serves the run's metrics; 0 for none.</summary>
    public int MetricsPort { get; }

    /// <summary>The run label of the run's metrics: given, or new; every session's share carries the same.</summary>
    public string MetricsRun { get; }

    /// <summary>Which results the run hands to the pipeline; null for all. The others are only counted.</summary>
    public Predicate<RequestResult>? HandOut => Output switch
    {
        ResultOutput.None => static _ => false,
        ResultOutput.Failed => static result => !result.Success,
        _ => null,
    };

    /// <summary>Validates the parameters and builds the plan, or returns the error that stops the run before it starts.</summary>
    public static ErrorRecord? TryCreate(RunParameters p, out RunPlan? plan)
    {
        plan = null;
        object? body = null;
        X509Certificate2? certificate = null;
        ErrorRecord? error = RequestAuthorization.TryResolve(p.Authentication, p.Token, p.Credential, out string? authorization)
            ?? RequestBodyFile.TryResolve(p.Body, p.InFile, p.ResolvePath, out body)
            ?? ClientCertificate.TryResolve(p.Certificate, p.CertificateThumbprint, out certificate);
        if (error is not null)
        {
            return error;
        }

        if (p.Certificate is not null && p.Sessions > 0)
        {
            // A certificate object does not travel to a session with its private key; a thumbprint does, and is looked up there.
            return ErrorRecordFactory.Create(ErrorIds.CertificateNotForSessions, ErrorCategory.InvalidArgument, p.Certificate, "-Certificate cannot be sent to -Session: install the certificate on each session's machine and give -CertificateThumbprint.");
        }

        RequestInputConverter converter = RequestInputConverter.Create(
            p.Method,
            p.Headers,
            p.Cookie,
            body,
            p.ContentType,
            p.UserAgent is null ? p.DefaultUserAgent : (p.UserAgent.Length == 0 ? null : p.UserAgent),
            authorization,
            p.NeedsEncryption ? RequestAuthorization.RefuseUnencrypted(p.Authentication) : null,
            out error);
        if (error is not null)
        {
            return error;
        }

        Flow? flow = null;
        if (p.Flow is not null)
        {
            error = FlowParameters.TryCreate(p.Flow, p.BaseUri, converter.Payload.Headers, p.DataRows, out flow);
            if (error is not null)
            {
                return error;
            }
        }

        error = ConnectionParameters.TryCreate(p.UnixSocket, p.ConnectTo, p.Proxy, p.ProxyCredential, p.NoProxy, p.Sessions == 0 ? p.ResolvePath : null, out Connector connector);
        if (error is not null)
        {
            return error;
        }

        error = CheckParameters.TryCreate(p.Check, out CheckSet? checks);
        if (error is not null)
        {
            return error;
        }

        if (p.Duration is { } duration && duration <= TimeSpan.Zero)
        {
            return ErrorRecordFactory.Create(ErrorIds.InvalidDuration, ErrorCategory.InvalidArgument, duration, "-Duration must be longer than zero.");
        }

        LoadStage[] stages = p.Stage ?? Array.Empty<LoadStage>();
        if (p.Stage is not null && StageRules.Check(stages, p.Duration is not null, p.RequestsPerSecond) is { } refused)
        {
            return refused;
        }

        if (p.Interval is { } interval && interval < TimeSpan.FromMilliseconds(10))
        {
            return ErrorRecordFactory.Create(ErrorIds.InvalidInterval, ErrorCategory.InvalidArgument, interval, "-Interval must be at least 10 ms.");
        }

        Version version = Version.Parse(p.HttpVersion);
        if (version.Major == 3 && !Http3Support.IsSupported)
        {
            return ErrorRecordFactory.Create(ErrorIds.HttpVersionNotSupported, ErrorCategory.NotImplemented, p.HttpVersion, "HTTP/3 needs QUIC (libmsquic), which this platform does not have. Use -HttpVersion 1.1 or 2.0.");
        }

        if (p.SocketEngine == SocketEngine.Loop && !SocketLoop.IsSupported)
        {
            return ErrorRecordFactory.Create(ErrorIds.SocketEngineNotSupported, ErrorCategory.NotImplemented, p.SocketEngine, "-SocketEngine Loop needs epoll, which only Linux has. Use -SocketEngine Auto or DotNet.");
        }

        ExecutionSegment segment = ExecutionSegment.Whole;
        if (p.ExecutionSegment is not null && ExecutionSegment.TryParse(p.ExecutionSegment, out segment) is { } notASegment)
        {
            return ErrorRecordFactory.Create(ErrorIds.InvalidExecutionSegment, ErrorCategory.InvalidArgument, p.ExecutionSegment, $"-ExecutionSegment {notASegment}");
        }

        // ThrottleLimit stages set the in-flight limit over time: the run holds as many slots as their peak (a share, its part of it).
        LoadSchedule schedule = LoadSchedule.From(p.RequestsPerSecond, p.Duration, stages);
        int throttleLimit = schedule.Concurrency is not null ? Math.Max(1, segment.ShareOf(schedule.PeakConcurrency)) : p.ThrottleLimit;
        int connections = p.MaxConnections > 0 ? Math.Min(p.MaxConnections, throttleLimit) : throttleLimit;
        string first = flow?.BaseUri?.AbsoluteUri ?? (IndexTemplate.TryParse(p.Uri, out IndexTemplate? template) is null ? template!.Format(p.StartIndex) : p.Uri);
        bool serverHere = System.Uri.TryCreate(first, UriKind.Absolute, out Uri? target) && TestServerRegistry.Serves(target);
        string? capped = null;
        if (ResourceLimits.FitConnections(connections, serverHere) is int fits && fits < connections)
        {
            capped = RunWording.ConnectionsCapped(connections, throttleLimit, fits, serverHere);
            throttleLimit = fits;
        }

        var options = new RequestEngineOptions
        {
            ThrottleLimit = throttleLimit,
            MaxConnections = p.MaxConnections,
            Timeout = p.TimeoutSec == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(p.TimeoutSec),
            SkipCertificateCheck = p.SkipCertificateCheck,
            Connector = connector,
            ClientCertificate = certificate,
            MaximumRedirection = p.MaximumRedirection,
            HttpVersion = version,
            DisableKeepAlive = p.DisableKeepAlive,
            KeepCookies = p.KeepCookies,
            Transport = p.Transport,
            SocketEngine = p.SocketEngine,
            Retry = new RetryPolicy(
                p.MaximumRetryCount,
                TimeSpan.FromSeconds(p.RetryIntervalSec),
                p.RetryStatusCode is null ? RetryPolicy.DefaultStatusCodes : StatusCodeSet.Of(p.RetryStatusCode)),
            SuccessStatusCodes = p.SuccessStatusCode is null
                ? StatusCodeSet.Range(RunDefaults.SuccessStatusFrom, RunDefaults.SuccessStatusTo)
                : StatusCodeSet.Of(p.SuccessStatusCode),
            IncludeHeaders = p.IncludeHeaders,
            IncludeContent = p.IncludeContent,
            Checks = checks,
            MaximumContentBytes = p.MaximumContentBytes,
            RequestsPerSecond = p.RequestsPerSecond,
            Duration = schedule.Length,
            Stages = stages,
            Segment = segment,
            Target = flow is not null ? FlowTarget(flow) : string.IsNullOrEmpty(p.Uri) ? "pipeline input" : p.Uri,
            Flow = flow,

            // A flow keeps each iteration's cookies, and may extract headers: responses' headers are read; so
            // they are for a header check.
            CaptureHeaders = p.IncludeHeaders || flow is not null || (checks?.NeedsHeaders ?? false),
            SeriesInterval = p.Interval ?? TimeSeriesBuilder.DefaultInterval(schedule.Length),
        };
        plan = new RunPlan(p, converter, options);
        if (capped is not null)
        {
            plan.Warnings.Insert(0, capped);
        }

        return null;
    }

    /// <summary>The requests of -Uri (or the iterations of -Flow), or the error that says why its template is not a URI, or may not be sent.</summary>
    public ErrorRecord? TryCreateSource(out IAsyncEnumerable<RequestSpec>? source)
    {
        source = null;
        if (Options.Flow is not null)
        {
            source = new IterationSource(StartIndex, Count);
            return null;
        }

        ErrorRecord? error = RequestInputConverter.TryParseUriTemplate(Uri, out IndexTemplate? template);
        if (error is not null)
        {
            return error;
        }

        // Check the URIs of the first and the last index, so that a template such as http://host/item/{0} is
        // checked as a real URI, and one whose index runs into the host or port fails here, not on a request.
        long last = Count - 1 > long.MaxValue - StartIndex ? long.MaxValue : StartIndex + Count - 1;
        error = RequestInputConverter.TryParseUri(template!.Format(StartIndex), Uri, out Uri? firstUri)
            ?? (template.HasIndex ? RequestInputConverter.TryParseUri(template.Format(last), Uri, out _) : null);
        if (error is null && _refuseHttp is not null && firstUri!.Scheme == System.Uri.UriSchemeHttp)
        {
            error = _refuseHttp(Uri);
        }

        if (error is null)
        {
            source = new UriTemplateSource(template, StartIndex, Count, Converter.Method, Converter.Payload, Options.Segment);
        }

        return error;
    }

    /// <summary>Starts the run: over -Uri's requests, or over those the pipeline will post when <paramref name="source"/> is null.</summary>
    /// <param name="source">-Uri's requests; null for pipeline input.</param>
    /// <param name="progressTick">How often the run returns to report progress.</param>
    /// <param name="metrics">The run's live metrics (an endpoint may serve them); null for new ones labelled with <see cref="MetricsRun"/>. The run disposes them.</param>
    /// <param name="wording">Words for the run's stops and warnings; null for a command's (<see cref="RunWording"/>).</param>
    public RequestRun Start(IAsyncEnumerable<RequestSpec>? source, TimeSpan progressTick, RunMetrics? metrics = null, IRunWording? wording = null)
    {
        var run = new RequestRun(Options, CollectsSummary, progressTick, wording ?? RunWording.Instance, Budget, HandOut, metrics ?? new RunMetrics(RunLabels.ForThisMachine(MetricsRun)));
        if (source is not null)
        {
            run.Start(source, Count);
        }
        else
        {
            run.StartPushed();
        }

        return run;
    }

    /// <summary>One pipeline item as a request, or with -Flow as an iteration whose variables are the item's columns; or the error that says what is wrong with it.</summary>
    public ErrorRecord? TryConvert(PSObject? input, long index, out RequestSpec? spec)
    {
        if (Options.Flow is not { } flow)
        {
            return Converter.TryConvert(input, index, out spec);
        }

        spec = null;
        var row = new Dictionary<string, string>(StringComparer.Ordinal);
        object? value = input?.BaseObject;
        if (value is IDictionary table)
        {
            foreach (DictionaryEntry entry in table)
            {
                row[entry.Key?.ToString() ?? string.Empty] = (entry.Value is PSObject ps ? ps.BaseObject : entry.Value)?.ToString() ?? string.Empty;
            }
        }
        else if (input is not null && value is not string)
        {
            foreach (PSPropertyInfo property in input.Properties)
            {
                row[property.Name] = (property.Value is PSObject ps ? ps.BaseObject : property.Value)?.ToString() ?? string.Empty;
            }
        }

        foreach (string name in flow.RowVariables)
        {
            if (!row.ContainsKey(name))
            {
                return ErrorRecordFactory.Create(
                    ErrorIds.FlowVariableNotSet,
                    ErrorCategory.InvalidData,
                    input,
                    string.Create(CultureInfo.InvariantCulture, $"Data row {index} has no '{name}', which the flow uses as #{{{name}}}; the iteration is not run. Its columns: {string.Join(", ", row.Keys)}."));
            }
        }

        spec = IterationSource.Seed(index, row);
        return null;
    }

    /// <summary>
    /// The parameters of one session's share: this run's own (its -Count, -StartIndex, rate, -Duration and -Stage are
    /// the whole run's), with the share's execution segment, reporting every <paramref name="reportInterval"/>, and
    /// starting at <paramref name="startAt"/> with the other shares.
    /// </summary>
    public Hashtable ForSession(ExecutionSegment segment, TimeSpan reportInterval, DateTime startAt)
    {
        var parameters = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, object> entry in _bound)
        {
            if (!s_notForSessions.Contains(entry.Key))
            {
                // Switches travel as booleans: a deserialized SwitchParameter does not bind back.
                parameters[entry.Key] = entry.Value is SwitchParameter flag ? flag.IsPresent : entry.Value;
            }
        }

        if (parameters.ContainsKey("InFile"))
        {
            // The file is here, not on the sessions' machines: its bytes, read once, travel as -Body.
            parameters.Remove("InFile");
            parameters["Body"] = Converter.Payload.Body;
        }

        parameters["ExecutionSegment"] = segment.ToString();
        parameters["StartAt"] = startAt;

        // The share's summary comes back in its reports, the last one final: never mixed into its results.
        parameters["ReportInterval"] = reportInterval;
        parameters["Summary"] = false;

        // Remote results come back only when asked for: the merged summary is the answer.
        parameters["Output"] = Output.ToString();

        // Every share's metrics carry the one run label; a port from $LoadTestMetricsPort travels as -MetricsPort.
        parameters["MetricsRun"] = MetricsRun;
        if (MetricsPort > 0)
        {
            parameters["MetricsPort"] = MetricsPort;
        }

        return parameters;
    }

    /// <summary>The error that ends a run whose error budget was spent, after its results and summary were written.</summary>
    public ErrorRecord StoppedEarly(string reason) => ErrorRecordFactory.Create(
        new InvalidOperationException($"The run stopped early. {reason} {(WritesSummary ? "The results and the summary" : "The results")} so far were written before this error."),
        ErrorIds.ErrorBudgetExceeded,
        ErrorCategory.LimitsExceeded,
        null);

    /// <summary>The run's settings in one line, for -Verbose.</summary>
    public string Describe(int sessions)
    {
        RequestEngineOptions o = Options;
        string what = string.IsNullOrEmpty(Uri)
            ? "requests from the pipeline"
            : (Total > 0 ? string.Create(CultureInfo.InvariantCulture, $"{Total} requests to {Uri}") : $"requests to {Uri}");
        if (sessions > 0)
        {
            what += string.Create(CultureInfo.InvariantCulture, $" on {sessions} sessions (one schedule shared out; ThrottleLimit for each)");
        }
        else if (!o.Segment.IsWhole)
        {
            what += $" (execution segment {o.Segment} of the run)";
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"Starting {what}: ThrottleLimit {o.ThrottleLimit}, timeout {(o.Timeout == Timeout.InfiniteTimeSpan ? "none" : o.Timeout.TotalSeconds + " s")}" +
            $"{(o.RequestsPerSecond > 0 ? $", {o.RequestsPerSecond} req/s schedule" : string.Empty)}" +
            $"{(o.Stages.Count > 0 ? $", stages {string.Join(", ", o.Stages)}" : string.Empty)}" +
            $"{(o.Duration is { } d ? $", duration {d}" : string.Empty)}" +
            $"{(o.Retry.MaximumRetryCount > 0 ? $", up to {o.Retry.MaximumRetryCount} retries" : string.Empty)}, HTTP/{o.HttpVersion.ToString(2)}, " +
            $"{(o.Connector.UnixSocketPath is { } socket ? $"over {socket}, " : string.Empty)}{(o.Connector.ProxyUri is { } proxy ? $"through {proxy}, " : string.Empty)}" +
            $"{Sockets(o)}, output {Output}{(WritesSummary ? " + summary" : string.Empty)}.");
    }

    /// <summary>Which sockets the run's requests go out on, for -Verbose.</summary>
    private static string Sockets(RequestEngineOptions o)
    {
        bool ownClients = o.Wire.AllowsOwnClients && (o.HttpVersion == System.Net.HttpVersion.Version11 || o.HttpVersion == System.Net.HttpVersion.Version20);
        return !ownClients
            ? "socket engine DotNet (HttpClient)"
            : ConnectionOpener.Resolve(o.SocketEngine) == SocketEngine.Loop
                ? string.Create(CultureInfo.InvariantCulture, $"socket engine Loop ({SocketLoop.Count} epoll {(SocketLoop.Count == 1 ? "loop" : "loops")})")
                : o.SocketEngine != SocketEngine.DotNet && SocketLoop.Failure is { } failed
                    ? $"socket engine DotNet ({failed.Message})"
                    : "socket engine DotNet";
    }

    private static string FlowTarget(Flow flow) =>
        string.Create(CultureInfo.InvariantCulture, $"flow of {flow.Steps.Count} steps ({string.Join(", ", flow.Steps.Select(step => step.Name))}){(flow.BaseUri is null ? string.Empty : " at " + flow.BaseUri)}");
}
