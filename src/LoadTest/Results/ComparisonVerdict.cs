namespace LoadTest;

/// <summary>How a measure of Compare-RunSummary fared against its limit.</summary>
public enum ComparisonVerdict
{
    /// <summary>No limit applies to the measure: it is reported, not judged.</summary>
    NotChecked,

    /// <summary>The candidate is within the limit.</summary>
    Passed,

    /// <summary>The candidate is past the limit: a regression.</summary>
    Regressed,
}
