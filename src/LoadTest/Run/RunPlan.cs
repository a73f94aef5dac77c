using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using LoadTest.Commands;
using LoadTest.Engine;
using LoadTest.Engine.Accounting;
using LoadTest.Parameters;
using LoadTest.Server;
using LoadTest.Wire;

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
        "Session", "RemoteModule", "Count", "StartIndex", "Summary", "Output",
    };

    private readonly IDictionary<string, object> _bound;
    private readonly Func<object?, ErrorRecord>? _refuseHttp;

    private RunPlan(InvokeBoundedRequestCommand command, RequestInputConverter converter, RequestEngineOptions options)
    {
        _bound = command.MyInvocation.BoundParameters;
        _refuseHttp = command.NeedsEncryption ? command.UnencryptedAuthenticationError : null;
        Converter = converter;
        Options = options;
        Uri = command.Uri;
        StartIndex = command.StartIndex;
        // With -Session the merged summary is the answer: results only when -Output asks for them.
        bool sessions = command.Session is not null;
        Output = Has(nameof(command.Output)) ? command.Output : (command.Summary || sessions ? ResultOutput.None : ResultOutput.All);
        WritesSummary = command.Summary;
        CollectsSummary = command.Summary || command.SummaryVariable is not null;
        if (Has(nameof(command.MaxErrorCount)) || Has(nameof(command.MaxErrorRate)))
        {
            Budget = new ErrorBudget(
                Has(nameof(command.MaxErrorCount)) ? command.MaxErrorCount : -1,
                Has(nameof(command.MaxErrorRate)) ? command.MaxErrorRate : -1,
                command.ErrorRateMinimumCount);
        }

        if (command.SkipCertificateCheck)
        {
            Warnings.Add("-SkipCertificateCheck: TLS certificates are not verified for this run.");
        }

        if (options.IncludeContent && ResourceLimits.CheckContentMemory(options.ThrottleLimit + options.ResultBufferSize, options.MaximumContentBytes) is { } memory)
        {
            Warnings.Add(memory);
        }

        // -Duration without -Count runs until the duration is over.
        Count = options.Duration is not null && !Has(nameof(command.Count)) ? long.MaxValue : command.Count;
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

    /// <summary>-Summary or -SummaryVariable: results are folded into a summary.</summary>
    public bool CollectsSummary { get; }

    public ErrorBudget? Budget { get; }

    /// <summary>Which results the run hands to the pipeline; null for all. The others are only counted.</summary>
    public Predicate<RequestResult>? HandOut => Output switch
    {
        ResultOutput.None => static _ => false,
        ResultOutput.Failed => static result => !result.Success,
        _ => null,
    };

    /// <summary>Validates the parameters and builds the plan, or returns the error that stops the run before it starts.</summary>
    public static ErrorRecord? TryCreate(InvokeBoundedRequestCommand command, out RunPlan? plan)
    {
        plan = null;
        IDictionary<string, object> bound = command.MyInvocation.BoundParameters;
        object? body = null;
        X509Certificate2? certificate = null;
        ErrorRecord? error = command.TryResolveAuthorization(out string? authorization) ?? command.TryResolveBody(out body)
            ?? command.TryResolveCertificate(out certificate);
        if (error is not null)
        {
            return error;
        }

        if (command.Certificate is not null && command.Session is not null)
        {
            // A certificate object does not travel to a session with its private key; a thumbprint does, and is looked up there.
            return ErrorRecordFactory.Create(ErrorIds.CertificateNotForSessions, ErrorCategory.InvalidArgument, command.Certificate, "-Certificate cannot be sent to -Session: install the certificate on each session's machine and give -CertificateThumbprint.");
        }

        RequestInputConverter converter = RequestInputConverter.Create(
            command.Method,
            command.Headers,
            command.Cookie,
            body,
            command.ContentType,
            command.ResolveUserAgent(),
            authorization,
            command.NeedsEncryption ? command.UnencryptedAuthenticationError : null,
            out error);
        if (error is not null)
        {
            return error;
        }

        error = ConnectionParameters.TryCreate(command, local: command.Session is null, out Connector connector);
        if (error is not null)
        {
            return error;
        }

        bool hasDuration = bound.ContainsKey(nameof(command.Duration));
        if (hasDuration && command.Duration <= TimeSpan.Zero)
        {
            return ErrorRecordFactory.Create(ErrorIds.InvalidDuration, ErrorCategory.InvalidArgument, command.Duration, "-Duration must be longer than zero.");
        }

        LoadStage[] stages = command.Stage ?? Array.Empty<LoadStage>();
        if (command.Stage is not null && StageRules.Check(stages, hasDuration, command.RequestsPerSecond) is { } refused)
        {
            return refused;
        }

        if (command.Interval < TimeSpan.FromMilliseconds(10))
        {
            return ErrorRecordFactory.Create(ErrorIds.InvalidInterval, ErrorCategory.InvalidArgument, command.Interval, "-Interval must be at least 10 ms.");
        }

        Version version = Version.Parse(command.HttpVersion);
        if (version.Major == 3 && !Http3Support.IsSupported)
        {
            return ErrorRecordFactory.Create(ErrorIds.HttpVersionNotSupported, ErrorCategory.NotImplemented, command.HttpVersion, "HTTP/3 needs QUIC (libmsquic), which this platform does not have. Use -HttpVersion 1.1 or 2.0.");
        }

        // ThrottleLimit stages set the in-flight limit over time: the run holds as many slots as their peak.
        int throttleLimit = stages.Length > 0 && stages[0].ThrottleLimit is not null ? Math.Max(1, stages.Max(stage => stage.ThrottleLimit!.Value)) : command.ThrottleLimit;
        int connections = command.MaxConnections > 0 ? Math.Min(command.MaxConnections, throttleLimit) : throttleLimit;
        string first = IndexTemplate.TryParse(command.Uri, out IndexTemplate? template) is null ? template!.Format(command.StartIndex) : command.Uri;
        bool serverHere = System.Uri.TryCreate(first, UriKind.Absolute, out Uri? target) && TestServerRegistry.Serves(target);
        string? capped = null;
        if (ResourceLimits.FitConnections(connections, serverHere) is int fits && fits < connections)
        {
            capped = string.Create(
                CultureInfo.InvariantCulture,
                $"{connections} connections (-ThrottleLimit {throttleLimit}) do not fit this process's open-file limit of {ResourceLimits.OpenFileLimit} " +
                $"({ResourceLimits.OpenFileCount} descriptors open now{(serverHere ? ", and the test server in this process holds the other end of each connection" : string.Empty)}): " +
                $"this run holds at most {fits} requests in flight. Raise the limit before starting pwsh (`ulimit -n {(connections * (serverHere ? 3L : 2L)) + 1024}`, " +
                $"or LimitNOFILE= for a service), then run again.");
            throttleLimit = fits;
        }

        var options = new RequestEngineOptions
        {
            ThrottleLimit = throttleLimit,
            MaxConnections = command.MaxConnections,
            Timeout = command.TimeoutSec == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(command.TimeoutSec),
            SkipCertificateCheck = command.SkipCertificateCheck,
            Connector = connector,
            ClientCertificate = certificate,
            MaximumRedirection = command.MaximumRedirection,
            HttpVersion = version,
            DisableKeepAlive = command.DisableKeepAlive,
            KeepCookies = command.KeepCookies,
            Transport = command.Transport,
            Retry = new RetryPolicy(
                command.MaximumRetryCount,
                TimeSpan.FromSeconds(command.RetryIntervalSec),
                command.RetryStatusCode is null ? RetryPolicy.DefaultStatusCodes : StatusCodeSet.Of(command.RetryStatusCode)),
            SuccessStatusCodes = command.SuccessStatusCode is null
                ? StatusCodeSet.Range(RunDefaults.SuccessStatusFrom, RunDefaults.SuccessStatusTo)
                : StatusCodeSet.Of(command.SuccessStatusCode),
            IncludeHeaders = command.IncludeHeaders,
            IncludeContent = command.IncludeContent,
            MaximumContentBytes = command.MaximumContentBytes,
            RequestsPerSecond = command.RequestsPerSecond,
            Duration = hasDuration ? command.Duration : stages.Length > 0 ? TimeSpan.FromTicks(stages.Sum(stage => stage.Duration.Ticks)) : null,
            Stages = stages,
            Target = string.IsNullOrEmpty(command.Uri) ? "pipeline input" : command.Uri,
            SeriesInterval = command.Interval,
        };
        plan = new RunPlan(command, converter, options);
        if (capped is not null)
        {
            plan.Warnings.Insert(0, capped);
        }

        return null;
    }

    /// <summary>The requests of -Uri, or the error that says why its template is not a URI, or may not be sent.</summary>
    public ErrorRecord? TryCreateSource(out UriTemplateSource? source)
    {
        source = null;
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
            source = new UriTemplateSource(template, StartIndex, Count, Converter.Method, Converter.Payload);
        }

        return error;
    }

    /// <summary>Starts the run: over -Uri's requests, or over those the pipeline will post when <paramref name="source"/> is null.</summary>
    public RequestRun Start(UriTemplateSource? source, TimeSpan progressTick)
    {
        var run = new RequestRun(Options, CollectsSummary, progressTick, Budget, HandOut);
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

    /// <summary>The parameters of one session's share: this run's own, with its index range, always with -Summary.</summary>
    public Hashtable ForSession(long count, long startIndex)
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

        parameters["Count"] = count;
        parameters["StartIndex"] = startIndex;
        // Each session's summary comes back last, by -SummaryVariable: never mixed into its results.
        parameters["Summary"] = false;

        // Remote results come back only when asked for: the merged summary is the answer.
        parameters["Output"] = Output.ToString();
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
            what += string.Create(CultureInfo.InvariantCulture, $" on {sessions} sessions (ThrottleLimit for each)");
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"Starting {what}: ThrottleLimit {o.ThrottleLimit}, timeout {(o.Timeout == Timeout.InfiniteTimeSpan ? "none" : o.Timeout.TotalSeconds + " s")}" +
            $"{(o.RequestsPerSecond > 0 ? $", {o.RequestsPerSecond} req/s schedule" : string.Empty)}" +
            $"{(o.Stages.Count > 0 ? $", stages {string.Join(", ", o.Stages)}" : string.Empty)}" +
            $"{(o.Duration is { } d ? $", duration {d}" : string.Empty)}" +
            $"{(o.Retry.MaximumRetryCount > 0 ? $", up to {o.Retry.MaximumRetryCount} retries" : string.Empty)}, HTTP/{o.HttpVersion.ToString(2)}, " +
            $"{(o.Connector.UnixSocketPath is { } socket ? $"over {socket}, " : string.Empty)}{(o.Connector.ProxyUri is { } proxy ? $"through {proxy}, " : string.Empty)}" +
            $"output {Output}{(WritesSummary ? " + summary" : string.Empty)}.");
    }

    private bool Has(string name) => _bound.ContainsKey(name);
}
