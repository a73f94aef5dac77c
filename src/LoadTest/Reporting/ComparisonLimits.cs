namespace LoadTest.Reporting;

/// <summary>
/// The tolerances of a comparison, each null when not given. Latency and rate tolerances are shares of
/// the baseline's value (0.1 is 10 %); the error rate's is a share of all requests added to the
/// baseline's rate, since a baseline without errors has no relative increase. Plain latency (from each
/// request's start) and corrected latency (from its scheduled start) have tolerances of their own.
/// </summary>
internal sealed record ComparisonLimits(
    double? ThroughputDecrease,
    double? ErrorRateIncrease,
    double? P50Increase,
    double? P90Increase,
    double? P99Increase,
    double? P999Increase,
    double? MaxIncrease,
    double? CorrectedP50Increase,
    double? CorrectedP90Increase,
    double? CorrectedP99Increase,
    double? CorrectedP999Increase,
    double? CorrectedMaxIncrease);
