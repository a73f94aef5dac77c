using System.Collections.Generic;
using System.Globalization;

namespace LoadTest.Engine.Accounting;

/// <summary>
/// Adds a row of another time series, read back by name (live, or after remoting, Clixml or JSON), to a series:
/// it lands in the row of the same start, or the coarser one that holds it.
/// </summary>
internal static class SeriesImport
{
    public static void AddRow(SeriesBuckets buckets, ISummaryFields source)
    {
        double seconds = source.Number("IntervalSeconds");
        buckets.GrowTo((long)System.Math.Round(seconds * System.TimeSpan.TicksPerSecond));
        long start = source.Time("StartTime").ToUniversalTime().Ticks;
        SeriesRow row = buckets.At(start);
        row.Started += (long)source.Number("Started");
        row.Completed += (long)source.Number("Completed");
        row.Failed += (long)source.Number("Failed");
        row.BytesReceived += (long)source.Number("BytesReceived");
        row.Late += (long)source.Number("Late");
        row.InFlightSeen += (long)source.Number("InFlight");
        // Rates are per second of the time a row covers (its interval, but for a run's first and last rows).
        double covered = source.Number("CoveredSeconds", seconds);
        row.Planned += source.Number("PlannedRequestsPerSecond") * covered;
        row.PlannedInFlightArea += source.Number("PlannedInFlight") * covered;
        foreach (KeyValuePair<string, long> pair in source.Counts("StatusCodeCounts"))
        {
            row.CountStatus(int.Parse(pair.Key, NumberStyles.Integer, CultureInfo.InvariantCulture), pair.Value);
        }

        foreach (KeyValuePair<string, long> pair in source.Counts("ErrorKindCounts"))
        {
            row.CountError(pair.Key, pair.Value);
        }

        string histogram = source.Text("Histogram") ?? string.Empty;
        buckets.Live(row, start).Histograms.Add(
            LatencyHistogram.Decode(histogram),
            LatencyHistogram.Decode(source.Text("CorrectedHistogram") ?? histogram),
            source.Text("StartLagHistogram") is { Length: > 0 } lag ? LatencyHistogram.Decode(lag) : null,
            buckets.Pool);
        row.FromOtherSeries = true;
        buckets.Coarsen();
    }
}
