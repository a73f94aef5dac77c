using System.Collections.Generic;
using LoadTest.Engine.Accounting;

namespace LoadTest.Reporting;

/// <summary>One summary as the report shows it: its label, what was run, its time series and its latency distribution.</summary>
internal sealed class ReportRun
{
    private ReportRun(string label, bool scheduled, List<KeyValuePair<string, string>> facts, ReportSeries series, List<ReportStage> stages, PercentileCurve latency, PercentileCurve corrected, CheckCounts checks)
    {
        Checks = checks;
        Label = label;
        Scheduled = scheduled;
        Facts = facts;
        Series = series;
        Stages = stages;
        Latency = latency;
        CorrectedLatency = corrected;
    }

    public string Label { get; }

    /// <summary>True when the run had a rate schedule, so its corrected latency is worth a chart of its own.</summary>
    public bool Scheduled { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Facts { get; }

    public ReportSeries Series { get; }

    /// <summary>The stages of its schedule on the time axis of <see cref="Series"/>; empty without stages.</summary>
    public IReadOnlyList<ReportStage> Stages { get; }

    public PercentileCurve Latency { get; }

    public PercentileCurve CorrectedLatency { get; }

    /// <summary>Passes and failures per check; empty for a run without checks.</summary>
    public CheckCounts Checks { get; }

    public static ReportRun Read(string label, ISummaryFields summary, SummaryMeasures measures)
    {
        ReportSeries series = ReportSeries.Read(summary);
        return new ReportRun(
            label,
            measures.Scheduled,
            ReportFacts.Read(summary, measures),
            series,
            ReportStage.Read(summary, series),
            PercentileCurve.From(measures.Latency),
            PercentileCurve.From(measures.CorrectedLatency),
            ChecksOf(summary));
    }

    private static CheckCounts ChecksOf(ISummaryFields summary)
    {
        var tally = new CheckTally();
        tally.AddSummary(summary);
        return tally.ToCounts();
    }
}
