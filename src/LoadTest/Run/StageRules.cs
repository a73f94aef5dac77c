using System;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using LoadTest.Parameters;

namespace LoadTest.Run;

/// <summary>What makes a -Stage schedule one that can run; anything else is refused before the run starts.</summary>
internal static class StageRules
{
    /// <summary>The error that refuses the stages, or null when they can run.</summary>
    /// <param name="stages">The stages given.</param>
    /// <param name="hasDuration">-Duration was given too: the stages are the run's length.</param>
    /// <param name="startRate">-RequestsPerSecond: where rate stages start from; 0 when not given.</param>
    public static ErrorRecord? Check(LoadStage[] stages, bool hasDuration, double startRate)
    {
        if (stages.Length == 0)
        {
            return Refuse(stages, "-Stage needs at least one stage, such as @{ Duration = '30s'; RequestsPerSecond = 100 }.");
        }

        if (hasDuration)
        {
            return Refuse(stages, "-Stage and -Duration cannot be used together: the stages' durations are the run's length.");
        }

        for (int i = 0; i < stages.Length; i++)
        {
            LoadStage stage = stages[i];
            string which = string.Create(CultureInfo.InvariantCulture, $"Stage {i + 1} ({stage})");
            if (stage.Duration <= TimeSpan.Zero)
            {
                return Refuse(stages, $"{which}: its Duration must be longer than zero.");
            }

            if ((stage.RequestsPerSecond is null) == (stage.ThrottleLimit is null))
            {
                return Refuse(stages, $"Stage {i + 1}: give it one target, RequestsPerSecond (a rate) or ThrottleLimit (requests in flight).");
            }

            if (stage.RequestsPerSecond is < 0 or > 10_000_000 || stage.ThrottleLimit is < 0)
            {
                return Refuse(stages, $"{which}: its target must be zero or more (a rate at most 10,000,000 per second).");
            }

            if ((stage.RequestsPerSecond is null) != (stages[0].RequestsPerSecond is null))
            {
                return Refuse(stages, "-Stage mixes rate stages and ThrottleLimit stages: a run follows one model, open (RequestsPerSecond) or closed (ThrottleLimit).");
            }
        }

        if (stages[0].ThrottleLimit is not null)
        {
            if (startRate > 0)
            {
                return Refuse(stages, "-RequestsPerSecond cannot be used with ThrottleLimit stages: those set how many requests are in flight, not a rate.");
            }

            if (stages.All(stage => stage.ThrottleLimit == 0))
            {
                return Refuse(stages, "Every ThrottleLimit stage is 0: the run would send nothing.");
            }
        }
        else if (startRate <= 0 && stages.All(stage => stage.RequestsPerSecond == 0))
        {
            return Refuse(stages, "Every RequestsPerSecond stage is 0 (and the run starts from 0): the run would send nothing.");
        }

        return null;
    }

    private static ErrorRecord Refuse(LoadStage[] stages, string message) =>
        ErrorRecordFactory.Create(ErrorIds.InvalidStage, ErrorCategory.InvalidArgument, stages, message);
}
