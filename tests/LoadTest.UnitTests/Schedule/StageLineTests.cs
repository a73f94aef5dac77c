using System;
using LoadTest.Engine.Schedule;
using Xunit;

namespace LoadTest.UnitTests.Schedule;

/// <summary>A value that moves linearly within each stage, and its integral (the requests a rate plans), to exact values.</summary>
public sealed class StageLineTests
{
    // 0 to 100 in 10 s, held for 20 s, down to 0 in 10 s: 500 + 2,000 + 500 requests.
    private static readonly StageLine s_rampHoldDown = new(0, [(10, 100), (20, 100), (10, 0)]);

    [Fact]
    public void TheLengthAndArea_AreTheStagesSums()
    {
        Assert.Equal(40, s_rampHoldDown.LengthSeconds);
        Assert.Equal(3000, s_rampHoldDown.Area);
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(0, 0)]
    [InlineData(5, 50)]
    [InlineData(10, 100)]
    [InlineData(29.5, 100)]
    [InlineData(35, 50)]
    [InlineData(40, 0)]
    [InlineData(1000, 0)]
    public void TheValue_MovesInStraightLines(double seconds, double value)
    {
        Assert.Equal(value, s_rampHoldDown.ValueAt(seconds));
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(0, 0)]
    [InlineData(5, 125)]
    [InlineData(10, 500)]
    [InlineData(20, 1500)]
    [InlineData(35, 2875)]
    [InlineData(40, 3000)]
    [InlineData(50, 3000)]
    public void TheAreaBefore_IsTheIntegral(double seconds, double area)
    {
        Assert.Equal(area, s_rampHoldDown.AreaBefore(seconds));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(125, 5)]
    [InlineData(500, 10)]
    [InlineData(1500, 20)]
    [InlineData(2875, 35)]
    public void TheTimeOfAnArea_InvertsTheIntegral(double area, double seconds)
    {
        Assert.Equal(seconds, s_rampHoldDown.TimeOfArea(area), 9);
    }

    [Fact]
    public void TheTimeOfAnAreaOnTheWayDown_SolvesTheQuadratic()
    {
        // 100t - 5t^2 = 499.5 in the last stage: t = 10 - sqrt(10) / 10.
        Assert.Equal(40 - (Math.Sqrt(10) / 10), s_rampHoldDown.TimeOfArea(2999.5), 12);
    }

    [Fact]
    public void AnAreaTheLineNeverReaches_IsDueNever()
    {
        // The 3,000th request would be due at the end itself: it is not due within the line.
        Assert.Equal(double.PositiveInfinity, s_rampHoldDown.TimeOfArea(3000));
        Assert.Equal(double.PositiveInfinity, s_rampHoldDown.TimeOfArea(3001));
    }

    [Fact]
    public void AConstantLineWithoutAnEnd_HoldsForEver()
    {
        StageLine line = StageLine.Constant(250, null);
        Assert.Equal(double.PositiveInfinity, line.LengthSeconds);
        Assert.Equal(double.PositiveInfinity, line.Area);
        Assert.Equal(250, line.ValueAt(1e9));
        Assert.Equal(2500, line.AreaBefore(10));
        Assert.Equal(4, line.TimeOfArea(1000));
    }

    [Fact]
    public void AConstantLineWithAnEnd_PlansRateTimesLength()
    {
        StageLine line = StageLine.Constant(0.5, 3);
        Assert.Equal(1.5, line.Area);
        Assert.Equal(2, line.TimeOfArea(1));
    }

    [Fact]
    public void AStartAboveZero_RampsFromIt()
    {
        // 100 to 300 in 10 s: 2,000 requests; the 1,000th is due at t where 100t + 10t^2 = 1000, t = 5 (sqrt(5) - 1).
        var line = new StageLine(100, [(10, 300)]);
        Assert.Equal(2000, line.Area);
        Assert.Equal(5 * (Math.Sqrt(5) - 1), line.TimeOfArea(1000), 12);
        Assert.Equal(1000, line.AreaBefore(line.TimeOfArea(1000)), 9);
    }

    [Fact]
    public void AZeroLengthStage_JumpsToItsValue()
    {
        var line = new StageLine(0, [(0, 50), (10, 50)]);
        Assert.Equal(50, line.ValueAt(0));
        Assert.Equal(500, line.Area);
        Assert.Equal(2, line.TimeOfArea(100));
    }

    [Fact]
    public void ALineWithoutStages_IsZero()
    {
        var line = new StageLine(7, []);
        Assert.Equal((0.0, 0.0, 0.0), (line.LengthSeconds, line.Area, line.ValueAt(3)));
        Assert.Equal(double.PositiveInfinity, line.TimeOfArea(1));
    }
}
