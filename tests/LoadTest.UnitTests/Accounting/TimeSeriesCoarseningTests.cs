using System;
using System.Collections.Generic;
using System.Linq;
using LoadTest.Engine.Accounting;
using Xunit;

namespace LoadTest.UnitTests.Accounting;

/// <summary>
/// The time series keeps at most 2,000 rows: past that its interval doubles and rows merge two by two on UTC
/// boundaries, keeping every count; an empty interval inside the series still gets a row.
/// </summary>
public sealed class TimeSeriesCoarseningTests
{
    // Midnight UTC: a boundary of every interval up to 128 s.
    private static readonly DateTime s_midnight = new(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void TheRow2001_DoublesTheInterval_AndMergesRowsInPairs()
    {
        var builder = new TimeSeriesBuilder(TimeSpan.FromSeconds(1));
        for (int second = 0; second < 2000; second++)
        {
            builder.Add(Result(second, second % 2 == 0 ? 1.0 : 3.0, success: second % 10 != 0));
        }

        // 2,000 rows keep their interval.
        Assert.Equal((TimeSpan.FromSeconds(1), 2000), (builder.Interval, builder.RowCount));
        builder.Add(Result(2000, 1.0, success: false));

        Assert.Equal((TimeSpan.FromSeconds(2), 1001), (builder.Interval, builder.RowCount));
        List<TimeSeriesRow> rows = builder.ToRows();
        Assert.Equal(1001, rows.Count);
        Assert.Equal(s_midnight, rows[0].StartTime);
        Assert.Equal(s_midnight.AddSeconds(2000), rows[^1].StartTime);
        Assert.All(rows, row => Assert.Equal(2, row.IntervalSeconds));

        // Each pair: seconds 2k (1 ms) and 2k + 1 (3 ms); every tenth second failed (status 500).
        Assert.Equal((2L, 2L, 1L, 1L), (rows[0].Started, rows[0].Completed, rows[0].Failed, rows[0].Succeeded));
        Assert.Equal((2L, 2L, 0L), (rows[1].Started, rows[1].Completed, rows[1].Failed));
        Assert.Equal("200=1; 500=1", rows[0].StatusCodeCounts);
        Assert.Equal("200=2", rows[1].StatusCodeCounts);
        Assert.Equal((1L, 1L, 1L), (rows[^1].Started, rows[^1].Completed, rows[^1].Failed));
        Assert.Equal(2001, rows.Sum(row => row.Started));
        Assert.Equal(201, rows.Sum(row => row.Failed));
        Assert.Equal(2001 * 10, rows.Sum(row => row.BytesReceived));
        Assert.Equal(3.0, rows[1].MaxMs, 2);
        Assert.Equal(1.0, rows[^1].MaxMs, 2);
        Assert.All(rows, row => Assert.Equal(0, row.InFlight));
    }

    [Fact]
    public void AGapInsideTheSeries_GetsRowsOfZeros_AndTheInFlightThatSpansIt()
    {
        var builder = new TimeSeriesBuilder(TimeSpan.FromSeconds(1));
        builder.Add(Result(0, 1.0));
        builder.Add(Result(1, 3500.0));
        builder.Add(Result(5, 1.0));
        List<TimeSeriesRow> rows = builder.ToRows();
        Assert.Equal(Enumerable.Range(0, 6).Select(s => s_midnight.AddSeconds(s)), rows.Select(row => row.StartTime));
        Assert.Equal([1L, 1L, 0L, 0L, 0L, 1L], rows.Select(row => row.Started));
        Assert.Equal([1L, 0L, 0L, 0L, 1L, 1L], rows.Select(row => row.Completed));

        // The request started at 1 s is in flight until it ends at 4.5 s.
        Assert.Equal([0L, 1L, 1L, 1L, 0L, 0L], rows.Select(row => row.InFlight));
    }

    private static RequestResult Result(int second, double elapsedMs, bool success = true) => new(
        second,
        "GET",
        null,
        "http://h/",
        success ? 200 : 500,
        success,
        elapsedMs,
        elapsedMs,
        1,
        10,
        s_midnight.AddSeconds(second),
        success ? RequestErrorKind.None : RequestErrorKind.HttpError,
        null,
        null,
        null);
}
