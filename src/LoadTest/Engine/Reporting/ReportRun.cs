using System.Collections.Generic;
using LoadTest.Engine.Accounting;

namespace LoadTest.Engine.Reporting;

/// <summary>One summary as the report shows it: its label, what was run, its time series and its latency distribution.</summary>
internal sealed class ReportRun
{
    private ReportRun(string label, bool scheduled, List<KeyValuePair<string, string>> facts, ReportSeries series, PercentileCurve latency, PercentileCurve corrected)
    {
        Label = label;
        Scheduled = scheduled;
        Facts = facts;
        Series = series;
        Latency = latency;
        CorrectedLatency = corrected;
    }

    public string Label { get; }

    /// <summary>True when the run had a rate schedule, so its corrected latency is worth a chart of its own.</summary>
    public bool Scheduled { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Facts { get; }

    public ReportSeries Series { get; }

    public PercentileCurve Latency { get; }

    public PercentileCurve CorrectedLatency { get; }

    public static ReportRun Read(string label, ISummaryFields summary, SummaryMeasures measures) => new(
        label,
        measures.Scheduled,
        ReportFacts.Read(summary, measures),
        ReportSeries.Read(summary),
        PercentileCurve.From(measures.Latency),
        PercentileCurve.From(measures.CorrectedLatency));
}
