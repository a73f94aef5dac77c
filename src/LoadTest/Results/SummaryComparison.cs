using System.Globalization;

namespace LoadTest;

/// <summary>
/// One measure of Compare-RunSummary: its value in the baseline and in the candidate, the change, and,
/// when a tolerance was given for it, the limit the candidate had to keep and whether it did.
/// </summary>
public sealed class SummaryComparison
{
    private readonly bool _relative;
    private readonly string _notChecked;

    internal SummaryComparison(
        string measure, string unit, double baseline, double candidate, string comparison, bool relative, double? tolerance, double? limit, ComparisonVerdict verdict, string notChecked)
    {
        Measure = measure;
        Unit = unit;
        Baseline = baseline;
        Candidate = candidate;
        Difference = candidate - baseline;
        Ratio = baseline == 0 ? null : candidate / baseline;
        Comparison = comparison;
        _relative = relative;
        Tolerance = tolerance;
        Limit = limit;
        Verdict = verdict;
        _notChecked = notChecked;
    }

    /// <summary>What is compared: RequestsPerSecond, ErrorRate, P50Ms ... MaxMs, CorrectedP50Ms ... CorrectedMaxMs.</summary>
    public string Measure { get; }

    /// <summary>The unit of Baseline, Candidate, Difference and Limit: "req/s", "ms", or "share" (0 to 1) for ErrorRate.</summary>
    public string Unit { get; }

    /// <summary>The value in the baseline summary.</summary>
    public double Baseline { get; }

    /// <summary>The value in the candidate summary.</summary>
    public double Candidate { get; }

    /// <summary>Candidate minus Baseline.</summary>
    public double Difference { get; }

    /// <summary>Candidate divided by Baseline; null when Baseline is 0.</summary>
    public double? Ratio { get; }

    /// <summary>How the candidate must stand to the limit: "&lt;=" (latency, error rate) or "&gt;=" (rate).</summary>
    public string Comparison { get; }

    /// <summary>
    /// The tolerance given: a share of the baseline for latency and rate (0.1 is 10 %), a share of all
    /// requests for ErrorRate (0.01 is one percentage point more failed requests); null without one.
    /// </summary>
    public double? Tolerance { get; }

    /// <summary>The value the candidate had to keep, in Unit (the baseline moved by the tolerance); null when not checked.</summary>
    public double? Limit { get; }

    /// <summary>NotChecked, Passed or Regressed.</summary>
    public ComparisonVerdict Verdict { get; }

    /// <summary>False only for a regression.</summary>
    public bool Passed => Verdict != ComparisonVerdict.Regressed;

    /// <summary>The comparison in words, with the measured value and the limit, as the RegressionDetected error gives it.</summary>
    public string Description
    {
        get
        {
            string change = Ratio is { } ratio && _relative
                ? string.Create(CultureInfo.InvariantCulture, $"{(ratio - 1) * 100:+0.##;-0.##;0} %")
                : (Difference > 0 ? "+" : string.Empty) + Format(Difference);
            string text = $"{Measure} is {Format(Candidate)} against {Format(Baseline)} in the baseline ({change})";
            if (Limit is not { } limit || Tolerance is not { } tolerance)
            {
                return $"{text}, not checked: {_notChecked}.";
            }

            string sign = Comparison == "<=" ? "+" : "-";
            string allowance = _relative
                ? string.Create(CultureInfo.InvariantCulture, $"{tolerance * 100:0.##} %")
                : Format(tolerance);
            return $"{text}, limit {Comparison} {Format(limit)} (baseline {sign} {allowance}).";
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Verdict}: {Description}";

    private string Format(double value) =>
        value.ToString(Unit == "share" ? "0.######" : "0.###", CultureInfo.InvariantCulture);
}
