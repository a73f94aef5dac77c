using System;
using System.Collections.Generic;
using LoadTest.Engine.Schedule;

namespace LoadTest.Engine.Accounting;

/// <summary>
/// Folds results (and rows of other time series) into rows of one interval each, on wall-clock boundaries
/// (UTC), so that series of runs made side by side merge exactly. A request counts as started in the row of
/// its start and completed, with its latency, in the row of its end. The rows are kept by
/// <see cref="SeriesBuckets"/>, rows of other series come in through <see cref="SeriesImport"/>, and
/// <see cref="SeriesOutput"/> shapes them for the summary. Not thread-safe: callers serialise its use.
/// </summary>
internal sealed class TimeSeriesBuilder
{
    private readonly SeriesBuckets _buckets;
    private readonly bool _scheduled;
    private readonly SeriesPlan _plan = new();
    private long _utcOffsetTicks = long.MinValue;

    /// <param name="interval">The first interval of the rows.</param>
    /// <param name="scheduled">False when every corrected latency equals the latency (no rate schedule): it is recorded once.</param>
    public TimeSeriesBuilder(TimeSpan interval, bool scheduled = true)
    {
        _scheduled = scheduled;
        _buckets = new SeriesBuckets(interval);
    }

    public TimeSpan Interval => TimeSpan.FromTicks(_buckets.IntervalTicks);

    /// <summary>
    /// The interval for a run of this length when none was asked for: a second, or finer for a short run (0.1 s under
    /// 10 s, 0.25 s under 25 s, 0.5 s under 50 s), so that a chart of it has 40 points or more.
    /// </summary>
    public static TimeSpan DefaultInterval(TimeSpan? length) => length?.TotalSeconds switch
    {
        < 10 => TimeSpan.FromMilliseconds(100),
        < 25 => TimeSpan.FromMilliseconds(250),
        < 50 => TimeSpan.FromMilliseconds(500),
        _ => TimeSpan.FromSeconds(1),
    };

    public int RowCount => _buckets.Count;

    /// <summary>The schedule's requests planned from its start (UTC) to a number of seconds after it; each live row shows its share as a rate.</summary>
    public void Plan(Func<double, double> plannedBefore, DateTime startUtc) => _plan.Requests(plannedBefore, startUtc);

    /// <summary>A closed model's in-flight limit, as its integral from the start (UTC); each row shows its mean.</summary>
    public void PlanInFlight(Func<double, double> areaBefore, DateTime startUtc) => _plan.InFlight(areaBefore, startUtc);

    public void Add(RequestResult result)
    {
        // Results carry local time; the offset to UTC is taken once (a zone lookup per result costs more than the rest).
        if (_utcOffsetTicks == long.MinValue)
        {
            _utcOffsetTicks = result.StartTime.Kind == DateTimeKind.Utc ? 0 : TimeZoneInfo.Local.GetUtcOffset(result.StartTime).Ticks;
        }

        long start = result.StartTime.Ticks - _utcOffsetTicks;
        long end = start + (long)(result.ElapsedMs * TimeSpan.TicksPerMillisecond);
        double lag = _scheduled ? StartLag.Of(result.ElapsedMs, result.CorrectedElapsedMs) : double.NaN;
        SeriesRow first = _buckets.At(start);
        first.Started++;
        first.Late += StartLag.IsLate(lag) ? 1 : 0;

        SeriesRow row = _buckets.At(end);
        row.Completed++;
        row.BytesReceived += result.BytesReceived;
        if (!result.Success)
        {
            row.Failed++;
            row.CountError(result.Kind);
        }

        if (result.StatusCode != 0)
        {
            row.CountStatus(result.StatusCode, 1);
        }

        // The start lag goes with the latency, into the row of the answer: the row of the start may be sealed by now,
        // and opening it again for every result that came late would cost more than the run.
        _buckets.Live(row, end).Histograms.Record(result.ElapsedMs, _scheduled ? result.CorrectedElapsedMs : double.NaN, lag, _buckets.Pool);
        _buckets.Coarsen();
    }

    /// <summary>Adds a row of another series (read back by name).</summary>
    public void AddRow(ISummaryFields source) => SeriesImport.AddRow(_buckets, source);

    /// <summary>P50 and P99 (ms) of the last interval that has ended and had answers; null before there is one.</summary>
    public (double P50Ms, double P99Ms)? LastInterval(long nowUtcTicks)
    {
        long current = _buckets.KeyOf(nowUtcTicks);
        SeriesRow? last = null;
        foreach (KeyValuePair<long, SeriesRow> pair in _buckets.Rows)
        {
            if (pair.Key < current && pair.Value.Completed > 0)
            {
                last = pair.Value;
            }
        }

        if (last is null)
        {
            return null;
        }

        LatencyStats stats = LatencyStats.FromHistogram(last.Histograms.Histogram(RowHistograms.Latency));
        return (stats.P50Ms, stats.P99Ms);
    }

    /// <summary>The rows, oldest first, with a row for every interval inside the series; rates per second of their whole intervals.</summary>
    public List<TimeSeriesRow> ToRows() => ToRows(default, default);

    /// <summary>The rows, oldest first, with a row for every interval inside the series; rates per second of the span each covers.</summary>
    /// <param name="spanStartUtc">When the run (or the earliest merged) started; its first row covers from here.</param>
    /// <param name="spanEndUtc">When its last answer came; its last row covers to here.</param>
    /// <param name="planEndUtc">When its schedule's plan ends; default when not known.</param>
    public List<TimeSeriesRow> ToRows(DateTime spanStartUtc, DateTime spanEndUtc, DateTime planEndUtc = default) =>
        new SeriesOutput(_buckets, _plan, _scheduled).ToRows(spanStartUtc.Ticks, spanEndUtc.Ticks, planEnd: planEndUtc.Ticks);

    /// <summary>
    /// The rows changed since the last call (every row the first time, or after the interval doubled), for a
    /// report of a run in progress: a reader that replaces its rows of the same start with these has the series.
    /// </summary>
    public List<TimeSeriesRow> ChangedRows(DateTime spanStartUtc, DateTime spanEndUtc)
    {
        if (_buckets.Count == 0 || _buckets.ChangedFrom == long.MaxValue)
        {
            // Before the first row nothing is taken: the rows from the plan's start come with it.
            return new List<TimeSeriesRow>();
        }

        List<TimeSeriesRow> rows = new SeriesOutput(_buckets, _plan, _scheduled).ToRows(spanStartUtc.Ticks, spanEndUtc.Ticks, _buckets.ChangedFrom);
        _buckets.TookChanges();
        return rows;
    }
}
