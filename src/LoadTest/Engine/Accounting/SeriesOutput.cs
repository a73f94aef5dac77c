using System;
using System.Collections.Generic;
using HdrHistogram;

namespace LoadTest.Engine.Accounting;

/// <summary>
/// Shapes a series' rows into the rows a summary shows, oldest first. An interval inside the series in which
/// nothing started or ended still gets a row (of zeros, and its share of the plan), so that charts show the
/// pause and the plan adds up; a series whose span holds more than <see cref="SeriesBuckets.MaxRows"/>
/// intervals (merged runs far apart) keeps its gaps. Rates are per second of the time a row covers: the run's
/// first and last rows cover only part of their interval, and one that covers less than half of it shows its
/// rates together with its neighbour's (both rows the same), since a sliver of an interval holding a request
/// or two would make them jump. Counts stay each row's own, so that rows still add up and merge exactly.
/// </summary>
internal sealed class SeriesOutput
{
    // The row of an interval in which nothing happened: sealed once, shared by every gap.
    private static readonly SeriesRow s_empty = SeriesRow.Empty();
    private static readonly LatencyStats s_none = LatencyStats.FromHistogram(LatencyHistogram.Create());
    private static readonly string s_noneCode = LatencyHistogram.Encode(LatencyHistogram.Create());

    private readonly SeriesBuckets _buckets;
    private readonly SeriesPlan _plan;
    private readonly bool _scheduled;

    /// <param name="buckets">The rows.</param>
    /// <param name="plan">What a live run's schedule planned; empty for a merge (its rows carry their plan).</param>
    /// <param name="scheduled">False when every corrected latency equals the latency: the rows show the latency for both.</param>
    public SeriesOutput(SeriesBuckets buckets, SeriesPlan plan, bool scheduled)
    {
        _buckets = buckets;
        _plan = plan;
        _scheduled = scheduled;
    }

    private long IntervalTicks => _buckets.IntervalTicks;

    /// <param name="spanStart">When the run (or the earliest run merged) started, UTC ticks; 0 when not known.</param>
    /// <param name="spanEnd">When its last answer came (or its schedule ended), UTC ticks; 0 when not known.</param>
    /// <param name="from">The first row wanted (UTC ticks of its start): the rows before still count towards each row's in-flight and rates.</param>
    /// <param name="planEnd">When the schedule's plan ends, UTC ticks; 0 when not known. A row's planned rate is per second of the plan's time in it, so the answers that come after the plan's end do not thin it.</param>
    public List<TimeSeriesRow> ToRows(long spanStart, long spanEnd, long from = long.MinValue, long planEnd = 0)
    {
        List<Pending> pending = Collect();
        int count = pending.Count;
        foreach (Pending row in pending)
        {
            long begin = spanStart > 0 ? Math.Max(row.Key, spanStart) : row.Key;
            long end = spanEnd > 0 ? Math.Min(row.Key + IntervalTicks, spanEnd) : row.Key + IntervalTicks;
            row.CoveredTicks = Math.Clamp(end - begin, 0, IntervalTicks);
            row.PlanTicks = planEnd > 0 ? Math.Clamp(Math.Min(end, planEnd) - begin, 0, IntervalTicks) : row.CoveredTicks > 0 ? row.CoveredTicks : IntervalTicks;
        }

        // An edge row covering less than half its interval shares its neighbour's rates: both show the two together.
        int firstEnd = count > 1 && pending[0].CoveredTicks < IntervalTicks / 2 ? 1 : 0;
        int lastStart = count > 1 && pending[^1].CoveredTicks < IntervalTicks / 2 ? count - 2 : count - 1;
        if (lastStart <= firstEnd)
        {
            Share(pending, 0, count - 1);
        }
        else
        {
            Share(pending, 0, firstEnd);
            for (int i = firstEnd + 1; i < lastStart; i++)
            {
                Share(pending, i, i);
            }

            Share(pending, lastStart, count - 1);
        }

        var rows = new List<TimeSeriesRow>(from == long.MinValue ? count : 4);
        foreach (Pending row in pending)
        {
            if (row.Key >= from)
            {
                rows.Add(ToRow(row));
            }
        }

        return rows;
    }

    // The rates of rows first..last together (per second of the time they cover), given to each of them.
    private void Share(List<Pending> rows, int first, int last)
    {
        double completed = 0;
        double planned = 0;
        double inFlightArea = 0;
        long covered = 0;
        long planCovered = 0;
        for (int i = first; i <= last; i++)
        {
            completed += rows[i].Row.Completed;
            planned += rows[i].Planned;
            inFlightArea += rows[i].InFlightArea;
            covered += rows[i].CoveredTicks > 0 ? rows[i].CoveredTicks : IntervalTicks;
            planCovered += rows[i].PlanTicks;
        }

        double seconds = (double)covered / TimeSpan.TicksPerSecond;
        double planSeconds = (double)planCovered / TimeSpan.TicksPerSecond;
        for (int i = first; i <= last; i++)
        {
            rows[i].RequestsPerSecond = completed / seconds;
            rows[i].PlannedRequestsPerSecond = planSeconds > 0 ? Math.Round(planned / planSeconds, 6) : 0;
            rows[i].PlannedInFlight = planSeconds > 0 ? Math.Round(inFlightArea / planSeconds, 6) : 0;
        }
    }

    // The rows with their gaps filled, their in-flight counts and their plans.
    private List<Pending> Collect()
    {
        var rows = new List<Pending>(_buckets.Count);
        if (_buckets.Count == 0)
        {
            return rows;
        }

        long started = 0;
        long completed = 0;
        long? previous = null;
        long firstKey = _buckets.FirstKey;
        long first = firstKey;
        if (_plan.Starts)
        {
            // A scheduled run's rows begin where its plan does, though its first request may start an interval or more later.
            first = Math.Min(first, _buckets.KeyOf(_plan.StartTicks));
        }

        bool dense = (_buckets.LastKey - first) / IntervalTicks < SeriesBuckets.MaxRows;
        if (dense && first < firstKey)
        {
            previous = first - IntervalTicks;
        }

        foreach (KeyValuePair<long, SeriesRow> pair in _buckets.Rows)
        {
            for (long gap = (previous ?? pair.Key) + IntervalTicks; dense && gap < pair.Key; gap += IntervalTicks)
            {
                rows.Add(Plan(new Pending(gap, s_empty, pair.Value.FromOtherSeries ? 0 : started - completed)));
            }

            previous = pair.Key;
            SeriesRow row = pair.Value;
            started += row.Started;
            completed += row.Completed;
            rows.Add(Plan(new Pending(pair.Key, row, row.FromOtherSeries ? row.InFlightSeen : started - completed)));
        }

        return rows;
    }

    private Pending Plan(Pending row)
    {
        row.Planned = row.Row.FromOtherSeries ? row.Row.Planned : _plan.RequestsIn(row.Key, IntervalTicks);
        row.InFlightArea = row.Row.FromOtherSeries ? row.Row.PlannedInFlightArea : _plan.InFlightAreaIn(row.Key, IntervalTicks);
        return row;
    }

    private TimeSeriesRow ToRow(Pending pending)
    {
        SeriesRow row = pending.Row;
        RowHistograms histograms = row.Histograms;
        HistogramBase latency = histograms.Histogram(RowHistograms.Latency);
        HistogramBase corrected = _scheduled ? histograms.Histogram(RowHistograms.Corrected) : latency;
        string latencyCode = histograms.Code(RowHistograms.Latency);
        double covered = (double)(pending.CoveredTicks > 0 ? pending.CoveredTicks : IntervalTicks) / TimeSpan.TicksPerSecond;
        return new TimeSeriesRow(
            new DateTime(pending.Key, DateTimeKind.Utc),
            (double)IntervalTicks / TimeSpan.TicksPerSecond,
            covered,
            row.Started,
            row.Completed,
            row.Failed,
            row.BytesReceived,
            row.Late,
            pending.InFlight,
            pending.RequestsPerSecond,
            pending.PlannedRequestsPerSecond,
            pending.PlannedInFlight,
            row.StatusCodeText(),
            row.ErrorKindText(),
            LatencyStats.FromHistogram(latency),
            LatencyStats.FromHistogram(corrected),
            _scheduled ? LatencyStats.FromHistogram(histograms.Histogram(RowHistograms.StartLag)) : s_none,
            latencyCode,
            _scheduled ? histograms.Code(RowHistograms.Corrected) : latencyCode,
            _scheduled ? histograms.Code(RowHistograms.StartLag) : s_noneCode);
    }

    /// <summary>A row on its way out: a row of the series (or an empty one), with what the output adds to it.</summary>
    private sealed class Pending
    {
        public Pending(long key, SeriesRow row, long inFlight)
        {
            Key = key;
            Row = row;
            InFlight = inFlight;
        }

        public long Key { get; }

        public SeriesRow Row { get; }

        public long InFlight { get; }

        public double Planned { get; set; }

        public double InFlightArea { get; set; }

        public long CoveredTicks { get; set; }

        /// <summary>The part of the row the plan covers: its covered span up to the plan's end.</summary>
        public long PlanTicks { get; set; }

        public double RequestsPerSecond { get; set; }

        public double PlannedRequestsPerSecond { get; set; }

        public double PlannedInFlight { get; set; }
    }
}
