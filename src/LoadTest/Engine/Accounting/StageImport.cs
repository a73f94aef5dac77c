using System;
using System.Collections.Generic;

namespace LoadTest.Engine.Accounting;

/// <summary>The stages a summary carries, read back by name: as data (RunStage items), or as the one-line text older summaries kept.</summary>
internal static class StageImport
{
    public static List<RunStage> Read(ISummaryFields summary)
    {
        var stages = new List<RunStage>();
        foreach (ISummaryFields item in summary.Items("Stages"))
        {
            if (item.Text("Duration") is null)
            {
                continue;
            }

            double? rate = item.Text("RequestsPerSecond") is { Length: > 0 } ? item.Number("RequestsPerSecond") : null;
            int? limit = item.Text("ThrottleLimit") is { Length: > 0 } ? (int)item.Number("ThrottleLimit") : null;
            stages.Add(new RunStage(item.Time("StartTime"), item.Duration("Duration"), rate, limit));
        }

        if (stages.Count == 0 && summary.Text("Stages") is { Length: > 0 } text)
        {
            // A summary written before the stages were data: each schedule of the text from the summary's start.
            DateTime start = summary.Time("StartTime");
            foreach (string schedule in text.Split("; "))
            {
                DateTime at = start;
                foreach (LoadStage stage in LoadStage.ParseList(schedule) ?? new List<LoadStage>())
                {
                    stages.Add(new RunStage(at, stage.Duration, stage.RequestsPerSecond, stage.ThrottleLimit));
                    at += stage.Duration;
                }
            }
        }

        return stages;
    }

    /// <summary>
    /// Adds the schedules of <paramref name="more"/> to <paramref name="stages"/>, leaving out a schedule that one
    /// already there repeats while their times overlap (the same run made side by side on several sessions).
    /// Schedules keep the order they came in.
    /// </summary>
    public static void Merge(List<RunStage> stages, IList<RunStage> more)
    {
        List<List<RunStage>> known = new RunStages(stages.ToArray()).Schedules();
        foreach (List<RunStage> schedule in new RunStages(more).Schedules())
        {
            if (!known.Exists(other => Repeats(other, schedule)))
            {
                stages.AddRange(schedule);
                known.Add(schedule);
            }
        }
    }

    private static bool Repeats(List<RunStage> known, List<RunStage> schedule)
    {
        if (known.Count != schedule.Count || known[0].StartTime >= schedule[^1].EndTime || schedule[0].StartTime >= known[^1].EndTime)
        {
            return false;
        }

        for (int i = 0; i < known.Count; i++)
        {
            if (!known[i].SameAs(schedule[i]))
            {
                return false;
            }
        }

        return true;
    }
}
