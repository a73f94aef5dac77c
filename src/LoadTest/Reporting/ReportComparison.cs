using System;
using System.Globalization;
using LoadTest.Engine.Accounting;

namespace LoadTest.Reporting;

/// <summary>One measure of Compare-RunSummary as the report shows it: the two values, the change, the limit and the verdict.</summary>
internal sealed record ReportComparison(string Measure, string Unit, double Baseline, double Candidate, double? Ratio, double? Limit, string Comparison, ComparisonVerdict Verdict)
{
    /// <summary>Reads a row of Compare-RunSummary's output (live, or back from Clixml or JSON); null when it is not one.</summary>
    public static ReportComparison? Read(ISummaryFields row)
    {
        if (row.Text("Measure") is not { Length: > 0 } measure || row.Text("Baseline") is null || row.Text("Candidate") is null
            || !Enum.TryParse(row.Text("Verdict"), out ComparisonVerdict verdict) || !Enum.IsDefined(verdict))
        {
            return null;
        }

        return new ReportComparison(
            measure,
            row.Text("Unit") ?? string.Empty,
            row.Number("Baseline"),
            row.Number("Candidate"),
            row.Text("Ratio") is { Length: > 0 } ? row.Number("Ratio") : null,
            row.Text("Limit") is { Length: > 0 } ? row.Number("Limit") : null,
            row.Text("Comparison") ?? "<=",
            verdict);
    }

    /// <summary>The change: "+12.5 %" for a ratio, the difference for a share.</summary>
    public string Change => Ratio is { } ratio && Unit != "share"
        ? string.Create(CultureInfo.InvariantCulture, $"{(ratio - 1) * 100:+0.##;-0.##;0} %")
        : Format(Candidate - Baseline, signed: true);

    public string Format(double value, bool signed = false) =>
        (signed && value > 0 ? "+" : string.Empty) + value.ToString(Unit == "share" ? "0.######" : "0.###", CultureInfo.InvariantCulture);
}
