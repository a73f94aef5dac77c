using System;
using System.Collections.Generic;
using LoadTest.Engine.Accounting;

namespace LoadTest.Reporting;

/// <summary>
/// A summary's time series as columns of points for charts: seconds since the first row, rates, latency
/// percentiles (NaN, drawn as a gap, where nothing completed), and failures and responses per second by kind
/// and by status code. Rates are per second of the time each row covered (a run's first and last rows cover
/// part of their interval), so a held rate charts flat and runs with different intervals overlay. A series has no row for
/// an interval in which nothing started or completed: such a gap gets a point of zero rate at each end, so a
/// stall shows as one instead of a line drawn across it.
/// </summary>
internal sealed class ReportSeries
{
    private static readonly string[] s_latencyColumns = { "P50Ms", "P90Ms", "P99Ms", "MaxMs" };
    private static readonly string[] s_correctedColumns = { "CorrectedP50Ms", "CorrectedP90Ms", "CorrectedP99Ms", "CorrectedMaxMs" };

    private ReportSeries()
    {
        Latency = NewColumns(s_latencyColumns.Length);
        CorrectedLatency = NewColumns(s_correctedColumns.Length);
    }

    /// <summary>The names of the latency columns, in the order of <see cref="Latency"/>.</summary>
    public static IReadOnlyList<string> LatencyNames { get; } = new[] { "P50", "P90", "P99", "Max" };

    public int Count => Seconds.Count;

    /// <summary>The rows' interval (the first row's), 0 without rows.</summary>
    public double IntervalSeconds { get; private set; }

    /// <summary>The first row's start (UTC), from which <see cref="Seconds"/> count; default without rows.</summary>
    public DateTime FirstStartUtc { get; private set; }

    /// <summary>Each point's start, in seconds since the first row's.</summary>
    public List<double> Seconds { get; } = new();

    public List<double> RequestsPerSecond { get; } = new();

    /// <summary>The seconds each point's rates are counted over: its interval, or the part of it the run covered.</summary>
    public List<double> CoveredSeconds { get; } = new();

    public List<double> PlannedRequestsPerSecond { get; } = new();

    /// <summary>True when any row had a planned rate.</summary>
    public bool Planned { get; private set; }

    /// <summary>P50, P90, P99 and Max in ms, one column each.</summary>
    public List<double>[] Latency { get; }

    /// <summary>The same from each request's scheduled start.</summary>
    public List<double>[] CorrectedLatency { get; }

    /// <summary>Failed requests per second, by error kind (sorted by name).</summary>
    public SortedDictionary<string, List<double>> FailuresPerSecond { get; } = new(StringComparer.Ordinal);

    /// <summary>Responses per second, by status code (sorted).</summary>
    public SortedDictionary<string, List<double>> ResponsesPerSecond { get; } = new(StringComparer.Ordinal);

    /// <summary>Reads the rows of the summary's TimeSeries; rows that arrived as text (serialized too shallow) are skipped.</summary>
    public static ReportSeries Read(ISummaryFields summary)
    {
        var series = new ReportSeries();
        DateTime first = default;
        foreach (ISummaryFields row in summary.Items("TimeSeries"))
        {
            if (row.Text("IntervalSeconds") is null)
            {
                continue;
            }

            DateTime start = row.Time("StartTime").ToUniversalTime();
            double interval = row.Number("IntervalSeconds", 1);
            if (series.Count == 0)
            {
                first = start;
                series.FirstStartUtc = start;
                series.IntervalSeconds = interval;
            }

            double seconds = (start - first).TotalSeconds;
            series.MarkGap(seconds, interval);
            // Per second of the time the row covered; the row's own rate says how (an edge sliver shares its neighbour's).
            double covered = row.Number("CoveredSeconds", interval);
            double completed = row.Number("Completed");
            double rate = row.Number("RequestsPerSecond", covered > 0 ? completed / covered : 0);
            series.AddRow(row, seconds, completed > 0 ? rate / completed : covered > 0 ? 1 / covered : 0, covered);
        }

        return series;
    }

    private void AddRow(ISummaryFields row, double seconds, double perSecond, double covered)
    {
        long completed = (long)row.Number("Completed");
        double planned = row.Number("PlannedRequestsPerSecond");
        Planned |= planned > 0;
        Seconds.Add(seconds);
        CoveredSeconds.Add(covered);
        RequestsPerSecond.Add(completed * perSecond);
        PlannedRequestsPerSecond.Add(planned);
        for (int c = 0; c < s_latencyColumns.Length; c++)
        {
            double latency = row.Number(s_latencyColumns[c]);
            Latency[c].Add(completed > 0 ? latency : double.NaN);
            CorrectedLatency[c].Add(completed > 0 ? row.Number(s_correctedColumns[c], latency) : double.NaN);
        }

        AddCounts(FailuresPerSecond, row.Counts("ErrorKindCounts"), perSecond);
        AddCounts(ResponsesPerSecond, row.Counts("StatusCodeCounts"), perSecond);
    }

    /// <summary>Zero-rate points just after the previous row and just before this one, when rows are missing between them.</summary>
    private void MarkGap(double seconds, double interval)
    {
        if (Count == 0 || interval <= 0)
        {
            return;
        }

        double afterPrevious = Seconds[^1] + interval;
        double beforeThis = seconds - interval;
        if (beforeThis < afterPrevious - (interval / 2))
        {
            return;
        }

        AddEmpty(afterPrevious);
        if (beforeThis > afterPrevious + (interval / 2))
        {
            AddEmpty(beforeThis);
        }
    }

    private void AddEmpty(double seconds)
    {
        Seconds.Add(seconds);
        CoveredSeconds.Add(IntervalSeconds);
        RequestsPerSecond.Add(0);
        PlannedRequestsPerSecond.Add(PlannedRequestsPerSecond[^1]);
        for (int c = 0; c < Latency.Length; c++)
        {
            Latency[c].Add(double.NaN);
            CorrectedLatency[c].Add(double.NaN);
        }

        AddCounts(FailuresPerSecond, new Dictionary<string, long>(), 0);
        AddCounts(ResponsesPerSecond, new Dictionary<string, long>(), 0);
    }

    /// <summary>Appends this point's counts; every column, old or new, ends up one value per point.</summary>
    private void AddCounts(SortedDictionary<string, List<double>> columns, IReadOnlyDictionary<string, long> counts, double perSecond)
    {
        foreach (KeyValuePair<string, long> pair in counts)
        {
            if (!columns.TryGetValue(pair.Key, out List<double>? column))
            {
                column = new List<double>(Count);
                columns.Add(pair.Key, column);
            }

            while (column.Count < Count - 1)
            {
                column.Add(0);
            }

            column.Add(pair.Value * perSecond);
        }

        foreach (List<double> column in columns.Values)
        {
            while (column.Count < Count)
            {
                column.Add(0);
            }
        }
    }

    private static List<double>[] NewColumns(int count)
    {
        var columns = new List<double>[count];
        for (int i = 0; i < count; i++)
        {
            columns[i] = new List<double>();
        }

        return columns;
    }
}
