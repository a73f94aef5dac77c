using System.Management.Automation;
using LoadTest.Server;

namespace LoadTest.Commands;

/// <summary>
/// <para type="synopsis">Starts the bundled HTTP test server on 127.0.0.1 and returns its handle at once.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "TestServer")]
[OutputType(typeof(TestServer))]
public sealed class StartTestServerCommand : PSCmdlet
{
    /// <summary>
    /// <para type="description">The TCP port on 127.0.0.1. 0 (the default) picks a free port.</para>
    /// </summary>
    [Parameter(Position = 0)]
    [ValidateRange(0, 65535)]
    public int Port { get; set; }

    /// <summary>
    /// <para type="description">Smallest delay, in milliseconds, before the default route answers. Default 0.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0, 600_000)]
    public int MinDelayMs { get; set; }

    /// <summary>
    /// <para type="description">Largest delay, in milliseconds, before the default route answers; each request waits a uniformly random time between MinDelayMs and MaxDelayMs. Default 0.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0, 600_000)]
    public int MaxDelayMs { get; set; }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        int maxDelay = MyInvocation.BoundParameters.ContainsKey(nameof(MaxDelayMs)) ? MaxDelayMs : MinDelayMs;
        if (maxDelay < MinDelayMs)
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(
                ErrorIds.InvalidDelayRange,
                ErrorCategory.InvalidArgument,
                maxDelay,
                $"MaxDelayMs ({maxDelay}) is smaller than MinDelayMs ({MinDelayMs})."));
        }

        try
        {
            WriteObject(TestServer.Start(Port, MinDelayMs, maxDelay, SessionOwner.Current));
        }
        catch (TestServerPortInUseException ex)
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(ex, ErrorIds.PortInUse, ErrorCategory.ResourceUnavailable, Port));
        }
    }
}
