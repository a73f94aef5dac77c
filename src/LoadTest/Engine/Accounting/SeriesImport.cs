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
        row.InFlightSeen += (long)source.Number("InFlight");
        row.Planned += source.Number("PlannedRequestsPerSecond") * seconds;
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
            buckets.Pool);
        row.FromOtherSeries = true;
        buckets.Coarsen();
    }
}
