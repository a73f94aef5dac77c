using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace LoadTest.Reporting;

/// <summary>
/// The runs as the JSON the page's script charts: columns of numbers rounded to what the charts can show
/// (ms to the microsecond, rates to a tenth), so that 2,000 rows of a run stay a few hundred KB. The default
/// encoder escapes &lt; and &gt;, so the JSON is safe inside the page's script element.
/// </summary>
internal static class ReportData
{
    public static byte[] Write(IReadOnlyList<ReportRun> runs)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            WriteStrings(json, "latencyNames", ReportSeries.LatencyNames);
            json.WriteStartArray("runs");
            foreach (ReportRun run in runs)
            {
                WriteRun(json, run);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteRun(Utf8JsonWriter json, ReportRun run)
    {
        ReportSeries series = run.Series;
        json.WriteStartObject();
        json.WriteString("label", run.Label);
        json.WriteBoolean("scheduled", run.Scheduled);
        WriteNumbers(json, "t", series.Seconds, 3);
        WriteNumbers(json, "rps", series.RequestsPerSecond, 1);
        if (series.Planned)
        {
            WriteNumbers(json, "planned", series.PlannedRequestsPerSecond, 1);
        }

        if (run.Stages.Count > 0)
        {
            WriteStages(json, run.Stages);
        }

        WriteColumns(json, "lat", series.Latency);
        if (run.Scheduled)
        {
            WriteColumns(json, "cor", series.CorrectedLatency);
        }

        WriteKeyed(json, "fail", series.FailuresPerSecond);
        WriteKeyed(json, "status", series.ResponsesPerSecond);
        json.WriteStartObject("hdr");
        WriteNumbers(json, "x", run.Latency.InverseTail, 3);
        WriteNumbers(json, "raw", run.Latency.LatencyMs, 3);
        if (run.Scheduled)
        {
            WriteNumbers(json, "corX", run.CorrectedLatency.InverseTail, 3);
            WriteNumbers(json, "cor", run.CorrectedLatency.LatencyMs, 3);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteStages(Utf8JsonWriter json, IReadOnlyList<ReportStage> stages)
    {
        json.WriteStartArray("stages");
        foreach (ReportStage stage in stages)
        {
            json.WriteStartObject();
            json.WriteNumber("start", Math.Round(stage.StartSeconds, 3));
            json.WriteNumber("end", Math.Round(stage.EndSeconds, 3));
            json.WriteString("target", stage.Target);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteColumns(Utf8JsonWriter json, string name, List<double>[] columns)
    {
        json.WriteStartArray(name);
        foreach (List<double> column in columns)
        {
            WriteNumbers(json, null, column, 3);
        }

        json.WriteEndArray();
    }

    private static void WriteKeyed(Utf8JsonWriter json, string name, SortedDictionary<string, List<double>> columns)
    {
        json.WriteStartObject(name);
        foreach (KeyValuePair<string, List<double>> pair in columns)
        {
            WriteNumbers(json, pair.Key, pair.Value, 2);
        }

        json.WriteEndObject();
    }

    private static void WriteNumbers(Utf8JsonWriter json, string? name, IReadOnlyList<double> values, int decimals)
    {
        if (name is null)
        {
            json.WriteStartArray();
        }
        else
        {
            json.WriteStartArray(name);
        }

        foreach (double value in values)
        {
            if (double.IsFinite(value))
            {
                json.WriteNumberValue(Math.Round(value, decimals));
            }
            else
            {
                json.WriteNullValue();
            }
        }

        json.WriteEndArray();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (string value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
