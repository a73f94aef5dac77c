using System;
using System.IO;
using System.Management.Automation;
using LoadTest.Parameters;
using LoadTest.Reporting;

namespace LoadTest.Commands;

/// <summary>
/// <para type="synopsis">Writes request results to a file as JSON lines: one compact object per line, streamed, in constant memory.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "RunResult")]
[OutputType(typeof(RequestResult))]
public sealed class ExportRunResultCommand : PSCmdlet, IDisposable
{
    private JsonLinesWriter? _writer;

    /// <summary>
    /// <para type="description">The file to write (a .jsonl file); it is replaced unless -Append.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>
    /// <para type="description">Results from Invoke-BoundedRequest.</para>
    /// </summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [AllowNull]
    public PSObject? InputObject { get; set; }

    /// <summary>
    /// <para type="description">Add to the end of the file instead of replacing it.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Append { get; set; }

    /// <summary>
    /// <para type="description">Also pass each result on down the pipeline.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
    }

    /// <inheritdoc/>
    protected override void BeginProcessing()
    {
        string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        try
        {
            _writer = new JsonLinesWriter(path, Append);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(ex, ErrorIds.ResultWriteFailed, ErrorCategory.WriteError, Path));
        }
    }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        if (InputObject?.BaseObject is not RequestResult result)
        {
            WriteError(ErrorRecordFactory.Create(
                ErrorIds.NotARequestResult,
                ErrorCategory.InvalidType,
                InputObject,
                "Export-RunResult writes the results of Invoke-BoundedRequest; this input is not one."));
            return;
        }

        _writer!.Write(result);
        if (PassThru)
        {
            WriteObject(result);
        }
    }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        Dispose();
    }
}
