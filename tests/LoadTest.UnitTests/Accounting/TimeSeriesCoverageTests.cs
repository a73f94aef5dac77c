using System;
using System.Collections.Generic;
using LoadTest.Engine.Accounting;
using Xunit;

namespace LoadTest.UnitTests.Accounting;

/// <summary>
/// Rates per second of the time a row covers: a run's first and last rows cover only part of their interval,
/// and an edge that covers less than half of one shares its neighbour's rates, so a held rate charts flat.
/// </summary>
public sealed class TimeSeriesCoverageTests
{
    private static readonly DateTime s_midnight = new(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void AHeldRate_ChartsFlat_FromItsFirstRowToItsLast()
    {
        // 300 req/s from 0.3 s to 10.3 s (1 ms each), 1 s rows: the first row covers 0.7 s, the last 0.3 s.
        var builder = new TimeSeriesBuilder(TimeSpan.FromSeconds(1));
        DateTime start = s_midnight.AddSeconds(0.3);
        for (int i = 0; i < 3000; i++)
        {
            builder.Add(Result(start.AddTicks(i * TimeSpan.TicksPerSecond / 300), 1.0));
        }

        builder.Plan(seconds => Math.Min(300 * seconds, 3000), start);
        List<TimeSeriesRow> rows = builder.ToRows(start, start.AddSeconds(10));
        Assert.Equal(11, rows.Count);
        Assert.Equal(0.7, rows[0].CoveredSeconds, 9);
        Assert.Equal(0.3, rows[^1].CoveredSeconds, 9);
        Assert.Equal(210, rows[0].Completed);
        Assert.Equal(300, rows[0].RequestsPerSecond, 0);
        Assert.Equal(300, rows[0].PlannedRequestsPerSecond, 6);

        // The last row covers 0.3 s: less than half, so it shows its rates with the row before (390 in 1.3 s).
        Assert.Equal(90, rows[^1].Completed);
        Assert.Equal(300, rows[^1].RequestsPerSecond, 0);
        Assert.Equal(rows[^2].RequestsPerSecond, rows[^1].RequestsPerSecond);
        Assert.All(rows, row => Assert.InRange(row.RequestsPerSecond, 299, 301));
        Assert.All(rows, row => Assert.InRange(row.PlannedRequestsPerSecond, 299.999, 300.001));
        Assert.All(rows.GetRange(1, 9), row => Assert.Equal(1, row.CoveredSeconds));
    }

    [Fact]
    public void WithoutASpan_RowsCountTheirWholeIntervals()
    {
        var builder = new TimeSeriesBuilder(TimeSpan.FromSeconds(1));
        builder.Add(Result(s_midnight.AddSeconds(0.9), 1.0));
        List<TimeSeriesRow> rows = builder.ToRows();
        Assert.Single(rows);
        Assert.Equal((1.0, 1.0), (rows[0].CoveredSeconds, rows[0].RequestsPerSecond));
    }

    [Fact]
    public void ADefaultInterval_IsFinerForAShortRun()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(100), TimeSeriesBuilder.DefaultInterval(TimeSpan.FromSeconds(4)));
        Assert.Equal(TimeSpan.FromMilliseconds(250), TimeSeriesBuilder.DefaultInterval(TimeSpan.FromSeconds(10)));
        Assert.Equal(TimeSpan.FromMilliseconds(500), TimeSeriesBuilder.DefaultInterval(TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromSeconds(1), TimeSeriesBuilder.DefaultInterval(TimeSpan.FromSeconds(50)));
        Assert.Equal(TimeSpan.FromSeconds(1), TimeSeriesBuilder.DefaultInterval(null));
    }

    private static RequestResult Result(DateTime start, double elapsedMs) => new(
        0, "GET", null, "http://h/", 200, true, elapsedMs, elapsedMs, 1, 10, start, RequestErrorKind.None, null, null, null);
}
