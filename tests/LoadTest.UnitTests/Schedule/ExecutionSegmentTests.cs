using System;
using System.Linq;
using LoadTest.Engine.Schedule;
using Xunit;

namespace LoadTest.UnitTests.Schedule;

/// <summary>
/// The shares of a run made by several processes: which requests each takes, how the counts, plans and in-flight
/// limits split (exactly, whatever the numbers), and k6's notation.
/// </summary>
public sealed class ExecutionSegmentTests
{
    [Fact]
    public void ShareIOfN_TakesTheRequestsThatLeaveI()
    {
        var second = new ExecutionSegment(1, 3);
        Assert.Equal(new long[] { 1, 4, 7, 10 }, Enumerable.Range(0, 4).Select(n => second.Global(n)).ToArray());
        Assert.Equal(new long[] { 0, 1, 2 }, Enumerable.Range(0, 3).Select(n => ExecutionSegment.Whole.Global(n)).ToArray());
    }

    [Theory]
    [InlineData(0L, 3)]
    [InlineData(1L, 3)]
    [InlineData(2L, 3)]
    [InlineData(10L, 3)]
    [InlineData(1000L, 7)]
    [InlineData(999_999_999_999L, 8)]
    public void TheShares_AddUpToTheWhole_WithNoRoundingLoss(long total, int count)
    {
        long sum = 0;
        for (int i = 0; i < count; i++)
        {
            long share = new ExecutionSegment(i, count).ShareOf(total);
            sum += share;

            // Each takes the requests below total that leave i: the first shares hold the one more.
            Assert.Equal((total / count) + (i < total % count ? 1 : 0), share);
        }

        Assert.Equal(total, sum);
    }

    [Fact]
    public void AnInFlightLimit_SplitsTheSameWay()
    {
        Assert.Equal(new[] { 4, 3, 3 }, Enumerable.Range(0, 3).Select(i => new ExecutionSegment(i, 3).ShareOf(10)).ToArray());
        Assert.Equal(new[] { 1, 0, 0 }, Enumerable.Range(0, 3).Select(i => new ExecutionSegment(i, 3).ShareOf(1)).ToArray());
        Assert.Equal(long.MaxValue, new ExecutionSegment(2, 3).ShareOf(long.MaxValue));
    }

    [Fact]
    public void ThePlanOfARate_IsSharedOut_AndBoundedByTheShareOfTheCount()
    {
        // 100 req/s for 1.05 s plans 105 requests: 35 each.
        LoadSchedule held = LoadSchedule.From(100, TimeSpan.FromSeconds(1.05), []);
        Assert.Equal(new long[] { 35, 35, 35 }, Enumerable.Range(0, 3).Select(i => Share(i, 3).Planned(held, long.MaxValue)).ToArray());

        // A count that ends the run first: 100 requests, 34 + 33 + 33.
        LoadSchedule counted = LoadSchedule.From(400, null, []);
        Assert.Equal(new long[] { 34, 33, 33 }, Enumerable.Range(0, 3).Select(i => Share(i, 3).Planned(counted, Share(i, 3).ShareOf(100))).ToArray());

        // Neither a rate nor an end: nothing is planned.
        Assert.Equal(0, Share(0, 3).Planned(LoadSchedule.From(0, null, []), 10));
    }

    [Theory]
    [InlineData("0:1", 0, 1)]
    [InlineData("0:1/3", 0, 3)]
    [InlineData("1/3:2/3", 1, 3)]
    [InlineData("2/3:1", 2, 3)]
    [InlineData("1/2:1", 1, 2)]
    [InlineData("2/8:3/8", 2, 8)]
    [InlineData("1/4:1/2", 1, 4)]
    public void K6Notation_NamesAnEqualShare(string text, int index, int count)
    {
        Assert.Null(ExecutionSegment.TryParse(text, out ExecutionSegment segment));
        Assert.Equal(new ExecutionSegment(index, count), segment);
    }

    [Theory]
    [InlineData("0:2/3")]
    [InlineData("1/4:3/4")]
    [InlineData("2/3:1/3")]
    [InlineData("0:3/2")]
    [InlineData("half")]
    [InlineData("1/3")]
    [InlineData("")]
    public void K6Notation_OtherThanAnEqualShare_IsRefused(string text)
    {
        Assert.NotNull(ExecutionSegment.TryParse(text, out _));
    }

    [Fact]
    public void ASegment_IsWrittenAsK6Writes_It()
    {
        Assert.Equal("0:1", ExecutionSegment.Whole.ToString());
        Assert.Equal(new[] { "0:1/3", "1/3:2/3", "2/3:1" }, Enumerable.Range(0, 3).Select(i => new ExecutionSegment(i, 3).ToString()).ToArray());
    }

    private static ExecutionSegment Share(int index, int count) => new(index, count);
}
