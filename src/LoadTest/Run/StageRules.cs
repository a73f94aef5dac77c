using System.Globalization;
using System.Management.Automation;
using LoadTest.Engine.Schedule;
using LoadTest.Parameters;

namespace LoadTest.Run;

/// <summary>The words for a -Stage schedule that cannot run (the rules are <see cref="LoadSchedule.Check"/>'s): the error that refuses it before the run starts.</summary>
internal static class StageRules
{
    /// <summary>The error that refuses the stages, or null when they can run.</summary>
    /// <param name="stages">The stages given.</param>
    /// <param name="hasDuration">-Duration was given too: the stages are the run's length.</param>
    /// <param name="startRate">-RequestsPerSecond: where rate stages start from; 0 when not given.</param>
    public static ErrorRecord? Check(LoadStage[] stages, bool hasDuration, double startRate)
    {
        (StageProblem problem, int index) = LoadSchedule.Check(stages, hasDuration, startRate);
        string which = index < 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"Stage {index + 1} ({stages[index]})");
        string? message = problem switch
        {
            StageProblem.None => null,
            StageProblem.Empty => "-Stage needs at least one stage, such as @{ Duration = '30s'; RequestsPerSecond = 100 }.",
            StageProblem.WithDuration => "-Stage and -Duration cannot be used together: the stages' durations are the run's length.",
            StageProblem.NoDuration => $"{which}: its Duration must be longer than zero.",
            StageProblem.NotOneTarget => string.Create(CultureInfo.InvariantCulture, $"Stage {index + 1}: give it one target, RequestsPerSecond (a rate) or ThrottleLimit (requests in flight)."),
            StageProblem.TargetOutOfRange => string.Create(CultureInfo.InvariantCulture, $"{which}: its target must be zero or more (a rate at most {LoadSchedule.MaxRate:N0} per second)."),
            StageProblem.MixedModels => "-Stage mixes rate stages and ThrottleLimit stages: a run follows one model, open (RequestsPerSecond) or closed (ThrottleLimit).",
            StageProblem.RateWithConcurrency => "-RequestsPerSecond cannot be used with ThrottleLimit stages: those set how many requests are in flight, not a rate.",
            _ => stages[0].ThrottleLimit is not null
                ? "Every ThrottleLimit stage is 0: the run would send nothing."
                : "Every RequestsPerSecond stage is 0 (and the run starts from 0): the run would send nothing.",
        };
        return message is null ? null : ErrorRecordFactory.Create(ErrorIds.InvalidStage, ErrorCategory.InvalidArgument, stages, message);
    }
}
