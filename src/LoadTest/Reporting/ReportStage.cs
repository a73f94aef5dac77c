using System;
using System.Collections.Generic;
using System.Globalization;
using LoadTest.Engine.Accounting;

namespace LoadTest.Reporting;

/// <summary>
/// One stage of a run's schedule on the report's time axis: from its start to its end, in seconds since the run's
/// first time-series row, and the target it reaches. Read back from the summary's Stages text and StartTime.
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
    /// The stages of a run with a time series; none when it had no stages or their text cannot be read. A merge of
    /// runs with different schedules (joined by "; ") gets each schedule's stages, all from the merged start.
    /// </summary>
    public static List<ReportStage> Read(ISummaryFields summary, ReportSeries series)
    {
        var stages = new List<ReportStage>();
        if (series.Count == 0 || summary.Text("Stages") is not { Length: > 0 } text)
        {
            return stages;
        }

        DateTime start = summary.Time("StartTime");
        double offset = start == DateTime.MinValue ? 0 : (start.ToUniversalTime() - series.FirstStartUtc).TotalSeconds;
        foreach (string schedule in text.Split("; "))
        {
            double at = offset;
            foreach (LoadStage stage in LoadStage.ParseList(schedule) ?? new List<LoadStage>())
            {
                double end = at + stage.Duration.TotalSeconds;
                string target = stage.RequestsPerSecond is { } rate
                    ? string.Create(CultureInfo.InvariantCulture, $"to {rate:0.###} req/s")
                    : string.Create(CultureInfo.InvariantCulture, $"to {stage.ThrottleLimit} in flight");
                stages.Add(new ReportStage(at, end, target));
                at = end;
            }
        }

        return stages;
    }
}
