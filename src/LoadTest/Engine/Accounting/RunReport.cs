using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LoadTest.Engine.Accounting;

/// <summary>
/// A run in progress as one JSON text, for a process that follows it from afar (the caller of a run fanned out
/// over sessions): the fields of its summary so far, by the summary's names, and the time-series rows changed
/// since the last report. A reader that keeps the last report, and each row as last reported by its start time,
/// holds the run's summary as of that report; the final report is the run's summary.
/// </summary>
internal static class RunReport
{
    /// <summary>The tag of the information records that carry reports.</summary>
    public const string Tag = "LoadTest.RunReport";

    /// <summary>Writes the report; the caller holds whatever lock guards <paramref name="summary"/>.</summary>
    /// <param name="summary">The run's fold; its changed rows are taken.</param>
    /// <param name="sequence">The report's number, from 0.</param>
    /// <param name="final">True when the run is over and nothing will change any more.</param>
    /// <param name="inFlight">Requests sent and not yet completed.</param>
    /// <param name="runSeconds">Seconds since the run started, on its own clock.</param>
    public static string Write(SummaryBuilder summary, long sequence, bool final, int inFlight, double runSeconds)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("Sequence", sequence);
            json.WriteBoolean("Final", final);
            json.WriteNumber("RunSeconds", runSeconds);
            json.WriteNumber("InFlight", inFlight);
            json.WriteNumber("Count", summary.Count);
            json.WriteNumber("Failed", summary.Failed);
            json.WriteNumber("Retries", summary.Retries);
            json.WriteNumber("BytesReceived", summary.BytesReceived);
            json.WriteNumber("ThrottleLimit", summary.ThrottleLimit);
            json.WriteNumber("TargetRequestsPerSecond", summary.TargetRequestsPerSecond);
            json.WriteNumber("PeakRequestsPerSecond", summary.PeakRequestsPerSecond);
            json.WriteNumber("Planned", summary.Planned);
            json.WriteNumber("Late", summary.Late);
            json.WriteNumber("Dropped", summary.Dropped);
            json.WriteString("Target", summary.Target);
            json.WriteStartArray("Stages");
            foreach (RunStage stage in summary.Stages)
            {
                json.WriteStartObject();
                json.WriteString("StartTime", stage.StartTime.ToString("o", CultureInfo.InvariantCulture));
                json.WriteString("Duration", stage.Duration.ToString("c", CultureInfo.InvariantCulture));
                if (stage.RequestsPerSecond is { } rate)
                {
                    json.WriteNumber("RequestsPerSecond", rate);
                }

                if (stage.ThrottleLimit is { } limit)
                {
                    json.WriteNumber("ThrottleLimit", limit);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("StopReason", summary.StopReason);
            json.WriteString("StartTime", summary.StartTime.ToString("o"));
            json.WriteNumber("ElapsedSeconds", summary.Elapsed.TotalSeconds);
            WriteCounts(json, "StatusCodeCounts", summary.StatusCodeCounts());
            WriteCounts(json, "ErrorKindCounts", summary.ErrorKindCounts());
            json.WriteString("Histogram", LatencyHistogram.Encode(summary.Latency));
            json.WriteString("CorrectedHistogram", LatencyHistogram.Encode(summary.CorrectedLatency));
            json.WriteString("StartLagHistogram", LatencyHistogram.Encode(summary.StartLag));
            json.WriteStartArray("Checks");
            foreach (CheckCount check in summary.CheckCounts())
            {
                json.WriteStartObject();
                json.WriteString("Name", check.Name);
                json.WriteNumber("Passed", check.Passed);
                json.WriteNumber("Failed", check.Failed);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("TimeSeries");
            foreach (TimeSeriesRow row in summary.TimeSeriesChanges())
            {
                json.WriteStartObject();
                json.WriteString("StartTime", row.StartTime.ToString("o"));
                json.WriteNumber("IntervalSeconds", row.IntervalSeconds);
                json.WriteNumber("CoveredSeconds", row.CoveredSeconds);
                json.WriteNumber("Started", row.Started);
                json.WriteNumber("Completed", row.Completed);
                json.WriteNumber("Failed", row.Failed);
                json.WriteNumber("BytesReceived", row.BytesReceived);
                json.WriteNumber("Late", row.Late);
                json.WriteNumber("InFlight", row.InFlight);
                json.WriteNumber("PlannedRequestsPerSecond", row.PlannedRequestsPerSecond);
                json.WriteNumber("PlannedInFlight", row.PlannedInFlight);
                json.WriteString("StatusCodeCounts", row.StatusCodeCounts);
                json.WriteString("ErrorKindCounts", row.ErrorKindCounts);
                json.WriteString("Histogram", row.Histogram);
                json.WriteString("CorrectedHistogram", row.CorrectedHistogram);
                json.WriteString("StartLagHistogram", row.StartLagHistogram);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteCounts(Utf8JsonWriter json, string name, IEnumerable<KeyValuePair<string, long>> counts)
    {
        json.WriteStartObject(name);
        foreach (KeyValuePair<string, long> pair in counts)
        {
            json.WriteNumber(pair.Key, pair.Value);
        }

        json.WriteEndObject();
    }
}
