using System;
using System.Collections.Generic;
using HdrHistogram;

namespace LoadTest.Engine.Accounting;

/// <summary>
/// Shapes a series' rows into the rows a summary shows, oldest first. An interval inside the series in which
/// nothing started or ended still gets a row (of zeros, and its share of the plan), so that charts show the
/// pause and the plan adds up; a series whose span holds more than <see cref="SeriesBuckets.MaxRows"/>
/// intervals (merged runs far apart) keeps its gaps.
/// </summary>
internal sealed class SeriesOutput
{
    // The row of an interval in which nothing happened: sealed once, shared by every gap.
    private static readonly SeriesRow s_empty = SeriesRow.Empty();

    private readonly SeriesBuckets _buckets;
    private readonly bool _scheduled;
    private readonly Func<double, double>? _plannedBefore;
    private readonly long _planStartTicks;

    /// <param name="buckets">The rows.</param>
    /// <param name="scheduled">False when every corrected latency equals the latency: the rows show the latency for both.</param>
    /// <param name="plannedBefore">Requests the schedule planned from its start to a number of seconds after it; null without a plan.</param>
    /// <param name="planStartTicks">When the plan starts (UTC ticks).</param>
    public SeriesOutput(SeriesBuckets buckets, bool scheduled, Func<double, double>? plannedBefore, long planStartTicks)
    {
        _buckets = buckets;
        _scheduled = scheduled;
        _plannedBefore = plannedBefore;
        _planStartTicks = planStartTicks;
    }

    private long IntervalTicks => _buckets.IntervalTicks;

    /// <param name="from">The first row wanted (UTC ticks of its start); the rows before still count towards each row's in-flight.</param>
    public List<TimeSeriesRow> ToRows(long from)
    {
        var rows = new List<TimeSeriesRow>(from == long.MinValue ? _buckets.Count : 4);
        if (_buckets.Count == 0)
        {
            return rows;
        }

        long started = 0;
        long completed = 0;
        long? previous = null;
        long firstKey = _buckets.FirstKey;
        long first = firstKey;
        if (_plannedBefore is not null)
        {
            // A scheduled run's rows begin where its plan does, though its first request may start an interval or more later.
            first = Math.Min(first, _planStartTicks - (_planStartTicks % IntervalTicks));
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
                if (gap >= from)
                {
                    rows.Add(ToRow(gap, s_empty, pair.Value.FromOtherSeries ? 0 : started - completed));
                }
            }

            previous = pair.Key;
            SeriesRow row = pair.Value;
            started += row.Started;
            completed += row.Completed;
            if (pair.Key >= from)
            {
                rows.Add(ToRow(pair.Key, row, row.FromOtherSeries ? row.InFlightSeen : started - completed));
            }
        }

        return rows;
    }

    private TimeSeriesRow ToRow(long key, SeriesRow row, long inFlight)
    {
        RowHistograms histograms = row.Histograms;
        HistogramBase latency = histograms.Histogram(RowHistograms.Latency);
        HistogramBase corrected = _scheduled ? histograms.Histogram(RowHistograms.Corrected) : latency;
        string latencyCode = histograms.Code(RowHistograms.Latency);
        return new TimeSeriesRow(
            new DateTime(key, DateTimeKind.Utc),
            (double)IntervalTicks / TimeSpan.TicksPerSecond,
            row.Started,
            row.Completed,
            row.Failed,
            row.BytesReceived,
            inFlight,
            (row.FromOtherSeries ? row.Planned : PlannedIn(key)) * TimeSpan.TicksPerSecond / IntervalTicks,
            row.StatusCodeText(),
            row.ErrorKindText(),
            LatencyStats.FromHistogram(latency),
            LatencyStats.FromHistogram(corrected),
            latencyCode,
            _scheduled ? histograms.Code(RowHistograms.Corrected) : latencyCode);
    }

    // Requests the schedule planned for the row that starts at these UTC ticks.
    private double PlannedIn(long rowStart)
    {
        if (_plannedBefore is null)
        {
            return 0;
        }

        double from = (double)(rowStart - _planStartTicks) / TimeSpan.TicksPerSecond;
        double to = (double)(rowStart + IntervalTicks - _planStartTicks) / TimeSpan.TicksPerSecond;
        return Math.Round(_plannedBefore(to) - _plannedBefore(Math.Max(0, from)), 6);
    }
}
