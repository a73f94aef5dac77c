using System.Globalization;

namespace LoadTest;

/// <summary>One condition of Assert-RunSummary: what was measured against which limit, and whether it held.</summary>
public sealed class ThresholdResult
{
    internal ThresholdResult(string name, string comparison, double limit, double measured, bool passed)
    {
        Name = name;
        Comparison = comparison;
        Limit = limit;
        Measured = measured;
        Passed = passed;
    }

    /// <summary>What is measured, such as P99Ms or ErrorRate.</summary>
    public string Name { get; }

    /// <summary>How it is compared to the limit: "&lt;=" or "&gt;=".</summary>
    public string Comparison { get; }

    /// <summary>The limit.</summary>
    public double Limit { get; }

    /// <summary>The value in the summary.</summary>
    public double Measured { get; }

    /// <summary>True when the condition holds.</summary>
    public bool Passed { get; }

    /// <summary>The condition as text, such as "P99Ms 312.4 (limit &lt;= 250)".</summary>
    public string Condition => string.Create(CultureInfo.InvariantCulture, $"{Name} {Comparison} {Limit:0.###}");

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{(Passed ? "passed" : "FAILED")}: {Name} measured {Measured:0.###}, limit {Comparison} {Limit:0.###}");
}
