using System.Collections.Generic;
using System.Globalization;

namespace LoadTest;

/// <summary>
/// The answer of a capacity search: the highest rate that met the objective, the lowest that did not
/// (the capacity lies between them), and every step made.
/// </summary>
public sealed class CapacityResult
{
    internal CapacityResult(string target, string objective, double highestPassed, double? lowestFailed, string endReason, IReadOnlyList<CapacityStep> steps)
    {
        Target = target;
        Objective = objective;
        MaxRequestsPerSecond = highestPassed;
        LowestFailingRequestsPerSecond = lowestFailed;
        Uncertainty = highestPassed > 0 && lowestFailed is { } failed ? (failed - highestPassed) / highestPassed : null;
        EndReason = endReason;
        Steps = steps;
    }

    /// <summary>The URI searched.</summary>
    public string Target { get; }

    /// <summary>The objective each step had to meet, in words.</summary>
    public string Objective { get; }

    /// <summary>The highest rate that met the objective; 0 when none did.</summary>
    public double MaxRequestsPerSecond { get; }

    /// <summary>The lowest rate that failed it; null when every rate tried passed (the capacity is above -MaxRate).</summary>
    public double? LowestFailingRequestsPerSecond { get; }

    /// <summary>How far above the answer the capacity may lie, as a fraction of it (0.05: within 5 %); null when unbounded.</summary>
    public double? Uncertainty { get; }

    /// <summary>Why the search stopped.</summary>
    public string EndReason { get; }

    /// <summary>The steps, in the order they ran.</summary>
    public IReadOnlyList<CapacityStep> Steps { get; }

    /// <summary>The answer in one line.</summary>
    public override string ToString() => LowestFailingRequestsPerSecond is { } failed
        ? string.Create(CultureInfo.InvariantCulture, $"{MaxRequestsPerSecond:0.###} req/s holds ({Objective}); {failed:0.###} req/s does not")
        : string.Create(CultureInfo.InvariantCulture, $"{MaxRequestsPerSecond:0.###} req/s holds ({Objective}); no rate tried failed");
}
