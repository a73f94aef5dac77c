using System;
using LoadTest.Engine.Schedule;
using Xunit;

namespace LoadTest.UnitTests.Schedule;

/// <summary>
/// The stage rules, the plan's end and its integral, in the one type that holds them (LoadSchedule), and the
/// start lag a result carries.
/// </summary>
public sealed class StageRulesTests
{
    private static LoadStage Rate(double seconds, double rate) => new() { Duration = TimeSpan.FromSeconds(seconds), RequestsPerSecond = rate };

    private static LoadStage InFlight(double seconds, int limit) => new() { Duration = TimeSpan.FromSeconds(seconds), ThrottleLimit = limit };

    [Fact]
    public void Check_NamesTheProblem_AndTheStageAtFault()
    {
        Assert.Equal((StageProblem.None, -1), LoadSchedule.Check([Rate(1, 100)], false, 0));
        Assert.Equal((StageProblem.Empty, -1), LoadSchedule.Check([], false, 0));
        Assert.Equal((StageProblem.WithDuration, -1), LoadSchedule.Check([Rate(1, 100)], true, 0));
        Assert.Equal((StageProblem.NoDuration, 1), LoadSchedule.Check([Rate(1, 100), Rate(0, 100)], false, 0));
        Assert.Equal((StageProblem.NotOneTarget, 0), LoadSchedule.Check([new LoadStage { Duration = TimeSpan.FromSeconds(1) }], false, 0));
        Assert.Equal((StageProblem.NotOneTarget, 0), LoadSchedule.Check([new LoadStage { Duration = TimeSpan.FromSeconds(1), RequestsPerSecond = 1, ThrottleLimit = 1 }], false, 0));
        Assert.Equal((StageProblem.TargetOutOfRange, 0), LoadSchedule.Check([Rate(1, -1)], false, 0));
        Assert.Equal((StageProblem.TargetOutOfRange, 0), LoadSchedule.Check([Rate(1, LoadSchedule.MaxRate + 1)], false, 0));
        Assert.Equal((StageProblem.MixedModels, 1), LoadSchedule.Check([Rate(1, 100), InFlight(1, 4)], false, 0));
        Assert.Equal((StageProblem.RateWithConcurrency, -1), LoadSchedule.Check([InFlight(1, 4)], false, 50));
        Assert.Equal((StageProblem.NothingToSend, -1), LoadSchedule.Check([InFlight(1, 0)], false, 0));
        Assert.Equal((StageProblem.NothingToSend, -1), LoadSchedule.Check([Rate(1, 0)], false, 0));

        // Rate stages from a starting rate send something even when every stage goes to 0.
        Assert.Equal((StageProblem.None, -1), LoadSchedule.Check([Rate(1, 0)], false, 100));
    }

    [Fact]
    public void TheLengthAndThePeakInFlight_ComeFromTheStages()
    {
        LoadSchedule closed = LoadSchedule.From(0, null, [InFlight(0.5, 8), InFlight(1.5, 3)]);
        Assert.Equal(TimeSpan.FromSeconds(2), closed.Length);
        Assert.Equal(8, closed.PeakConcurrency);
        Assert.Equal(TimeSpan.FromSeconds(3), LoadSchedule.From(10, TimeSpan.FromSeconds(3), []).Length);
        Assert.Null(LoadSchedule.From(10, null, []).Length);
    }

    [Fact]
    public void ThePlan_EndsWithTheSchedule_OrWhenACountIsDue()
    {
        // 200 req/s for 2 s: 400 planned, ending at 2 s; a count of 300 ends it at 1.5 s.
        LoadSchedule held = LoadSchedule.From(200, TimeSpan.FromSeconds(2), []);
        Assert.Equal(2.0, held.PlanEndSeconds(held.Planned(long.MaxValue))!.Value, 9);
        Assert.Equal(1.5, held.PlanEndSeconds(300)!.Value, 9);
        Assert.Equal(300, held.PlannedBefore(1.5, 0), 9);
        Assert.Equal(300, held.PlannedBefore(1.9, 300), 9);

        // 0 -> 200 over 1 s, then down to 0 over 1 s: 200 planned, half by 1 s.
        LoadSchedule ramp = LoadSchedule.From(0, null, [Rate(1, 200), Rate(1, 0)]);
        Assert.Equal(200, ramp.Planned(long.MaxValue));
        Assert.Equal(100, ramp.PlannedBefore(1, 0), 9);
        Assert.Equal(2.0, ramp.PlanEndSeconds(200)!.Value, 9);
        Assert.Null(LoadSchedule.From(10, null, []).PlanEndSeconds(0));
    }

    [Fact]
    public void RunStages_StartWhereTheOneBeforeEnded()
    {
        var start = new DateTime(2026, 12, 1, 12, 0, 0, DateTimeKind.Local);
        LoadSchedule schedule = LoadSchedule.From(0, null, [Rate(0.5, 100), Rate(1.5, 0)]);
        var stages = new RunStages(schedule.RunStages(start));
        Assert.Equal([start, start.AddSeconds(0.5)], [stages[0].StartTime, stages[1].StartTime]);
        Assert.Equal("500ms to 100 req/s, 1.5s to 0 req/s", stages.ToString());
        Assert.Single(stages.Schedules());
    }

    [Fact]
    public void StartLag_IsTheCorrectedLatencyOverThePlainOne_OnlyForTimedStarts()
    {
        Assert.Equal(0.25, StartLag.Of(10, 10.25), 9);
        Assert.True(double.IsNaN(StartLag.Of(10, 10)));
        Assert.False(StartLag.IsLate(1.0));
        Assert.True(StartLag.IsLate(1.001));
        Assert.False(StartLag.IsLate(double.NaN));
    }
}
