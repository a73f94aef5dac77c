using System;
using System.Collections;
using System.Management.Automation;
using System.Threading;
using LoadTest.Engine;

namespace LoadTest.Commands;

/// <summary>
/// <para type="synopsis">Sends many HTTP requests with at most -ThrottleLimit in flight, and writes one result per request.</para>
/// <para type="description">Requests come from -Uri with -Count, or lazily from the pipeline. Results stream out in completion order.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "BoundedRequest", DefaultParameterSetName = UriSet)]
[OutputType(typeof(RequestResult))]
public sealed class InvokeBoundedRequestCommand : PSCmdlet, IDisposable
{
    private const string UriSet = "Uri";
    private const string PipelineSet = "Pipeline";

    private readonly Action<RequestResult> _write;
    private RequestRun? _run;
    private RequestInputConverter? _converter;
    private long _inputIndex;

    /// <summary>Creates the command.</summary>
    public InvokeBoundedRequestCommand()
    {
        _write = WriteObject;
    }

    /// <summary>
    /// <para type="description">The absolute http or https URI to request. With -Count, every "{0}" in it becomes the request index.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = UriSet)]
    [AllowEmptyString]
    public string Uri { get; set; } = string.Empty;

    /// <summary>
    /// <para type="description">How many requests to send to -Uri; their indexes are 0 to Count-1. Default 1.</para>
    /// </summary>
    [Parameter(ParameterSetName = UriSet)]
    [ValidateRange(1, long.MaxValue)]
    public long Count { get; set; } = 1;

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
    [ValidateRange(1, 100_000)]
    public int ThrottleLimit { get; set; } = 64;

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
    /// <para type="description">Seconds each request may take, from sending to its last byte. 0 means no limit. Default 100.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0, 2_147_483)]
    public int TimeoutSec { get; set; } = 100;

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

    /// <summary>Releases the run: cancels requests still in flight.</summary>
    public void Dispose()
    {
        _run?.Dispose();
        _run = null;
    }

    /// <inheritdoc/>
    protected override void BeginProcessing()
    {
        _converter = RequestInputConverter.Create(Method, Headers, Body, ContentType, out ErrorRecord? error);
        if (error is not null)
        {
            ThrowTerminatingError(error);
        }

        if (SkipCertificateCheck)
        {
            WriteWarning("-SkipCertificateCheck: TLS certificates are not verified for this run.");
        }

        var options = new RequestEngineOptions
        {
            ThrottleLimit = ThrottleLimit,
            Timeout = TimeoutSec == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(TimeoutSec),
            SkipCertificateCheck = SkipCertificateCheck,
            NoProxy = NoProxy,
            MaximumRedirection = MaximumRedirection,
        };

        if (ParameterSetName == UriSet)
        {
            UriTemplateSource source = CreateTemplateSource();
            _run = new RequestRun(options);
            _run.Start(source);
        }
        else
        {
            _run = new RequestRun(options);
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

        _run.Post(spec!, _write);
        _run.DrainAvailable(_write);
    }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        if (_run is null)
        {
            return;
        }

        _run.CompleteInput();
        try
        {
            _run.DrainToEnd(_write);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(ex, ErrorIds.EngineFailed, ErrorCategory.NotSpecified, null));
        }
    }

    /// <inheritdoc/>
    protected override void StopProcessing() => _run?.Cancel();

    private UriTemplateSource CreateTemplateSource()
    {
        // Validate with index 0 substituted, so a template such as http://host/item/{0} is checked as a real URI.
        string probe = Uri.Replace("{0}", "0", StringComparison.Ordinal);
        ErrorRecord? error = RequestInputConverter.TryParseUri(probe, Uri, out _);
        if (error is not null)
        {
            ThrowTerminatingError(error);
        }

        return new UriTemplateSource(Uri, 0, Count, _converter!.Method, _converter.Payload);
    }
}
