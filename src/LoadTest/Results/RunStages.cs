using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Text;

namespace LoadTest;

/// <summary>
/// The stages of a run's schedule, in the order they ran; empty for a run without -Stage. A merge holds the
/// stages of each distinct schedule it merged. As text it is the schedule as -Stage is written
/// ("30s to 100 req/s, 2m to 1000 req/s"), schedules of a merge joined by "; ".
/// </summary>
public sealed class RunStages : ReadOnlyCollection<RunStage>
{
    // A stage that starts this near the previous one's end continues its schedule.
    private static readonly TimeSpan s_joined = TimeSpan.FromMilliseconds(1);

    internal RunStages(IList<RunStage> stages)
        : base(stages)
    {
    }

    /// <summary>The stages cut into schedules: a stage that does not start where the one before it ended begins another.</summary>
    internal List<List<RunStage>> Schedules()
    {
        var schedules = new List<List<RunStage>>();
        for (int i = 0; i < Count; i++)
        {
            if (i == 0 || (this[i].StartTime - this[i - 1].EndTime).Duration() > s_joined)
            {
                schedules.Add(new List<RunStage>());
            }

            schedules[^1].Add(this[i]);
        }

        return schedules;
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (List<RunStage> schedule in Schedules())
        {
            text.Append(text.Length == 0 ? string.Empty : "; ").AppendJoin(", ", schedule);
        }

        return text.ToString();
    }
}
