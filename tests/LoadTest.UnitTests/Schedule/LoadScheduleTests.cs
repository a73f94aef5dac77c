using System;
using LoadTest.Engine.Schedule;
using Xunit;

namespace LoadTest.UnitTests.Schedule;

/// <summary>A run's schedule from its options: which line it has, when it ends, and how many requests it plans.</summary>
public sealed class LoadScheduleTests
{
    [Fact]
    public void AConstantRateWithADuration_PlansRateTimesSeconds()
    {
        LoadSchedule schedule = LoadSchedule.From(100, TimeSpan.FromSeconds(10), []);
        Assert.NotNull(schedule.Rate);
        Assert.Null(schedule.Concurrency);
        Assert.Equal(10, schedule.LengthSeconds);
        Assert.Equal(1000, schedule.Planned(long.MaxValue));
        Assert.Equal(400, schedule.Planned(400));
        Assert.Equal(100, schedule.PeakRate);
        Assert.Null(schedule.Description);
    }

    [Fact]
    public void AFractionalPlan_RoundsUp_ForTheRequestsDueBeforeTheEnd()
    {
        // Requests are due at 0, 2 and 4 s of a 0.5 req/s rate: two of them before 3 s.
        Assert.Equal(2, LoadSchedule.From(0.5, TimeSpan.FromSeconds(3), []).Planned(long.MaxValue));

        // 1,000.0000001 is 1,000 (the integral's rounding noise is not a request).
        Assert.Equal(1000, LoadSchedule.From(1000.0000001, TimeSpan.FromSeconds(1), []).Planned(long.MaxValue));
    }

    [Fact]
    public void ARateWithoutAnEnd_PlansOnlyTheCountGiven()
    {
        LoadSchedule schedule = LoadSchedule.From(100, null, []);
        Assert.Null(schedule.LengthSeconds);
        Assert.Equal(0, schedule.Planned(long.MaxValue));
        Assert.Equal(50, schedule.Planned(50));
    }

    [Fact]
    public void NoRateAndNoStages_HasNoLines()
    {
        LoadSchedule schedule = LoadSchedule.From(0, TimeSpan.FromSeconds(5), []);
        Assert.Null(schedule.Rate);
        Assert.Null(schedule.Concurrency);
        Assert.Equal(5, schedule.LengthSeconds);
        Assert.Equal(0, schedule.Planned(100));
        Assert.Equal(0, schedule.PeakRate);
    }

    [Fact]
    public void RateStages_RampFromTheGivenRate()
    {
        LoadStage[] stages =
        [
            new() { Duration = TimeSpan.FromSeconds(10), RequestsPerSecond = 100 },
            new() { Duration = TimeSpan.FromSeconds(20), RequestsPerSecond = 100 },
            new() { Duration = TimeSpan.FromSeconds(10), RequestsPerSecond = 300 },
        ];
        LoadSchedule schedule = LoadSchedule.From(20, null, stages);
        Assert.Equal(40, schedule.LengthSeconds);

        // 600 + 2,000 + 2,000.
        Assert.Equal(4600, schedule.Planned(long.MaxValue));
        Assert.Equal(20, schedule.Rate!.ValueAt(0));
        Assert.Equal(300, schedule.PeakRate);
        Assert.Equal(0, schedule.PeakConcurrency);
        Assert.Equal("10s to 100 req/s, 20s to 100 req/s, 10s to 300 req/s", schedule.Description);
    }

    [Fact]
    public void ConcurrencyStages_StartFromZero_AndPlanNothing()
    {
        LoadStage[] stages =
        [
            new() { Duration = TimeSpan.FromSeconds(30), ThrottleLimit = 64 },
            new() { Duration = TimeSpan.FromMinutes(2), ThrottleLimit = 16 },
        ];
        LoadSchedule schedule = LoadSchedule.From(999, null, stages);
        Assert.Null(schedule.Rate);
        Assert.Equal(0, schedule.Concurrency!.ValueAt(0));
        Assert.Equal(32, schedule.Concurrency.ValueAt(15));
        Assert.Equal(40, schedule.Concurrency.ValueAt(90));
        Assert.Equal(150, schedule.LengthSeconds);
        Assert.Equal(64, schedule.PeakConcurrency);
        Assert.Equal(0, schedule.Planned(long.MaxValue));
        Assert.Equal("30s to 64 in flight, 2m to 16 in flight", schedule.Description);
    }
}
