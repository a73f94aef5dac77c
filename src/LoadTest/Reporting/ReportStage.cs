using System;
using System.Collections.Generic;
using System.Globalization;
using LoadTest.Engine.Accounting;

namespace LoadTest.Reporting;

/// <summary>
/// One stage of a run's schedule on the report's time axis: from its start to its end, in seconds since the run's
/// first time-series row, and the target it reaches. Read back from the summary's Stages (each with its start).
/// </summary>
internal sealed class ReportStage
{
    private ReportStage(double startSeconds, double endSeconds, string target)
    {
        StartSeconds = startSeconds;
        EndSeconds = endSeconds;
        Target = target;
    }

    public double StartSeconds { get; }

    public double EndSeconds { get; }

    /// <summary>The target reached at the stage's end, such as "to 200 req/s" or "to 4 in flight".</summary>
    public string Target { get; }

    /// <summary>
    /// The stages of a run with a time series, each where it ran on the series' time axis; none when it had no
    /// stages. A merge's schedules each keep their own start.
    /// </summary>
    public static List<ReportStage> Read(ISummaryFields summary, ReportSeries series)
    {
        var stages = new List<ReportStage>();
        if (series.Count == 0)
        {
            return stages;
        }

        foreach (RunStage stage in StageImport.Read(summary))
        {
            double at = stage.StartTime == DateTime.MinValue ? 0 : (stage.StartTime.ToUniversalTime() - series.FirstStartUtc).TotalSeconds;
            string target = stage.RequestsPerSecond is { } rate
                ? string.Create(CultureInfo.InvariantCulture, $"to {rate:0.###} req/s")
                : string.Create(CultureInfo.InvariantCulture, $"to {stage.ThrottleLimit} in flight");
            stages.Add(new ReportStage(at, at + stage.Duration.TotalSeconds, target));
        }

        return stages;
    }
}
