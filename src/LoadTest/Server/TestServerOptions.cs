using System;

namespace LoadTest.Server;

/// <summary>
/// How a test server behaves: the default route's delay and capacity, and the faults it injects on every route.
/// </summary>
internal sealed class TestServerOptions
{
    public int MinDelayMs { get; init; }

    public int MaxDelayMs { get; init; }

    /// <summary>Requests per second the default route admits; above that it answers 503. 0: no limit.</summary>
    public double CapacityPerSecond { get; init; }

    /// <summary>Share of requests (0-100) that get one of <see cref="Faults"/> instead of their answer.</summary>
    public double FaultPercent { get; init; }

    public ConnectionFaultKind[] Faults { get; init; } =
        { ConnectionFaultKind.Status503, ConnectionFaultKind.Drop, ConnectionFaultKind.Reset };

    public ConnectionFaultKind NextFault() =>
        FaultPercent > 0 && Faults.Length > 0 && Random.Shared.NextDouble() * 100 < FaultPercent
            ? Faults[Random.Shared.Next(Faults.Length)]
            : ConnectionFaultKind.None;
}
