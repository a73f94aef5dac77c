using System;
using System.Management.Automation;
using LoadTest.Module;
using LoadTest.Parameters;
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

    /// <summary>
    /// <para type="description">The most requests per second the default route admits: a token bucket refilled continuously, with a burst of a tenth of a second's worth (at least 1). Requests above that rate get 503 at once (load shed, counted in ShedCount); admitted ones still wait -MinDelayMs to -MaxDelayMs. Other routes are not limited. Default 0: no limit.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0.0, 10_000_000.0)]
    public double CapacityPerSecond { get; set; }

    /// <summary>
    /// <para type="description">Share of requests, from 0 to 100, that get a fault (one of -FaultKind, chosen at random) instead of their answer, on every route. Default 0.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0.0, 100.0)]
    public double FaultPercent { get; set; }

    /// <summary>
    /// <para type="description">The faults -FaultPercent injects: Status503 (answer 503), Drop (close without an answer), Reset (TCP reset), Hang (never answer). Default Status503, Drop, Reset.</para>
    /// </summary>
    [Parameter]
    [ValidateSet("Status503", "Drop", "Reset", "Hang")]
    public string[] FaultKind { get; set; } = { "Status503", "Drop", "Reset" };

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
            var options = new TestServerOptions
            {
                MinDelayMs = MinDelayMs,
                MaxDelayMs = maxDelay,
                CapacityPerSecond = CapacityPerSecond,
                FaultPercent = FaultPercent,
                Faults = Array.ConvertAll(FaultKind, kind => Enum.Parse<ConnectionFaultKind>(kind, ignoreCase: true)),
            };
            WriteObject(TestServer.Start(Port, options, SessionOwner.Current));
        }
        catch (TestServerPortInUseException ex)
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(ex, ErrorIds.PortInUse, ErrorCategory.ResourceUnavailable, Port));
        }
    }
}
