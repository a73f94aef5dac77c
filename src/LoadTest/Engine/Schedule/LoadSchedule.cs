using System;
using System.Collections.Generic;
using System.Linq;

namespace LoadTest.Engine.Schedule;

/// <summary>
/// A run's schedule, built once from its options: a rate that stages ramp or hold (an open model), an
/// in-flight limit that stages ramp (a closed model), or neither; and when the run ends. The one home of the
/// stage rules (<see cref="Check"/>), of the slots a closed model holds (<see cref="PeakConcurrency"/>) and of
/// the run's length (<see cref="Length"/>).
/// </summary>
internal sealed class LoadSchedule
{
    /// <summary>The highest rate a stage may ask for.</summary>
    public const double MaxRate = 10_000_000;

    private LoadSchedule(StageLine? rate, StageLine? concurrency, double? lengthSeconds, IReadOnlyList<LoadStage> stages)
    {
        Rate = rate;
        Concurrency = concurrency;
        LengthSeconds = lengthSeconds;
        Stages = stages;
    }

    /// <summary>Requests started per second over time; null without a rate.</summary>
    public StageLine? Rate { get; }

    /// <summary>The in-flight limit over time; null unless stages set it.</summary>
    public StageLine? Concurrency { get; }

    /// <summary>Seconds after which nothing starts; null for a run that ends when its input does.</summary>
    public double? LengthSeconds { get; }

    public IReadOnlyList<LoadStage> Stages { get; }

    /// <summary>The Stopwatch timestamp after which nothing starts; long.MaxValue for a run without an end.</summary>
    public long EndTimestamp(RunClock clock) => LengthSeconds is { } seconds ? clock.TimestampAt(seconds) : long.MaxValue;

    /// <summary>The highest rate the schedule asks for; 0 without a rate.</summary>
    public double PeakRate => Rate is null ? 0 : Math.Max(Rate.ValueAt(0), Stages.Select(s => s.RequestsPerSecond ?? 0).DefaultIfEmpty(0).Max());

    /// <summary>The highest in-flight limit the stages reach; 0 without concurrency stages.</summary>
    public int PeakConcurrency => Stages.Select(s => s.ThrottleLimit ?? 0).DefaultIfEmpty(0).Max();

    /// <summary>How long the run lasts: its stages' durations, or the duration given; null for a run that ends with its input.</summary>
    public TimeSpan? Length { get; private init; }

    /// <summary>The stages in one line ("30s to 100 req/s, 2m to 1000 req/s"); null without stages.</summary>
    public string? Description => Stages.Count == 0 ? null : string.Join(", ", Stages);

    /// <summary>The stages as they run from a start time, for the summary.</summary>
    public List<RunStage> RunStages(DateTime start)
    {
        var stages = new List<RunStage>(Stages.Count);
        DateTime at = start;
        foreach (LoadStage stage in Stages)
        {
            stages.Add(new RunStage(at, stage.Duration, stage.RequestsPerSecond, stage.ThrottleLimit));
            at += stage.Duration;
        }

        return stages;
    }

    /// <summary>What keeps stages from running, and the index of the stage at fault (-1 for the list as a whole).</summary>
    /// <param name="stages">The stages given.</param>
    /// <param name="withDuration">A duration was given too.</param>
    /// <param name="startRate">Where rate stages start from; 0 when none was given.</param>
    public static (StageProblem Problem, int Stage) Check(IReadOnlyList<LoadStage> stages, bool withDuration, double startRate)
    {
        if (stages.Count == 0)
        {
            return (StageProblem.Empty, -1);
        }

        if (withDuration)
        {
            return (StageProblem.WithDuration, -1);
        }

        for (int i = 0; i < stages.Count; i++)
        {
            LoadStage stage = stages[i];
            if (stage.Duration <= TimeSpan.Zero)
            {
                return (StageProblem.NoDuration, i);
            }

            if ((stage.RequestsPerSecond is null) == (stage.ThrottleLimit is null))
            {
                return (StageProblem.NotOneTarget, i);
            }

            if (stage.RequestsPerSecond is < 0 or > MaxRate || stage.ThrottleLimit is < 0)
            {
                return (StageProblem.TargetOutOfRange, i);
            }

            if ((stage.RequestsPerSecond is null) != (stages[0].RequestsPerSecond is null))
            {
                return (StageProblem.MixedModels, i);
            }
        }

        bool concurrency = stages[0].ThrottleLimit is not null;
        if (concurrency && startRate > 0)
        {
            return (StageProblem.RateWithConcurrency, -1);
        }

        bool nothing = concurrency ? stages.All(stage => stage.ThrottleLimit == 0) : startRate <= 0 && stages.All(stage => stage.RequestsPerSecond == 0);
        return nothing ? (StageProblem.NothingToSend, -1) : (StageProblem.None, -1);
    }

    /// <param name="requestsPerSecond">A constant rate, or with rate stages the rate the first one starts from.</param>
    /// <param name="duration">The end of a run without stages.</param>
    /// <param name="stages">Rate stages, or in-flight limit stages (which start from 0); none for a constant rate or none.</param>
    public static LoadSchedule From(double requestsPerSecond, TimeSpan? duration, IReadOnlyList<LoadStage> stages)
    {
        if (stages.Count == 0)
        {
            StageLine? constant = requestsPerSecond > 0 ? StageLine.Constant(requestsPerSecond, duration?.TotalSeconds) : null;
            return new LoadSchedule(constant, null, duration?.TotalSeconds, stages) { Length = duration };
        }

        var line = new StageLine(stages[0].RequestsPerSecond is null ? 0 : requestsPerSecond, stages.Select(s => (s.Duration.TotalSeconds, s.Target)));
        var length = TimeSpan.FromTicks(stages.Sum(stage => stage.Duration.Ticks));
        return stages[0].RequestsPerSecond is null
            ? new LoadSchedule(null, line, line.LengthSeconds, stages) { Length = length }
            : new LoadSchedule(line, null, line.LengthSeconds, stages) { Length = length };
    }

    /// <summary>Requests the rate plans from the start to a number of seconds after it, stopping at <paramref name="planned"/> (when above 0).</summary>
    public double PlannedBefore(double seconds, long planned) =>
        Rate is { } rate ? Math.Min(rate.AreaBefore(seconds), planned > 0 ? planned : double.PositiveInfinity) : 0;

    /// <summary>
    /// Seconds from the start to the plan's end: the run's length, or, when <paramref name="planned"/> requests end
    /// it sooner (a count), when the rate's integral reaches them; null for a run that ends with its input.
    /// </summary>
    public double? PlanEndSeconds(long planned) =>
        Rate is { } rate && planned > 0 ? Math.Min(rate.TimeOfArea(planned), LengthSeconds ?? double.PositiveInfinity) : LengthSeconds;

    /// <summary>Requests due before the end, at most <paramref name="count"/>; 0 when there is no rate or no end.</summary>
    public long Planned(long count)
    {
        if (Rate is null || (double.IsInfinity(Rate.Area) && count == long.MaxValue))
        {
            return 0;
        }

        // Request n is due when the rate's integral reaches n: those due before the end are ceil(integral).
        double due = double.IsInfinity(Rate.Area) ? long.MaxValue : Math.Ceiling(Math.Round(Rate.Area, 6));
        return (long)Math.Min(count, due);
    }
}
