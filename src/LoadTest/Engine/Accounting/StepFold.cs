using System.Collections.Generic;
using System.Globalization;
using HdrHistogram;

namespace LoadTest.Engine.Accounting;

/// <summary>
/// The fold of one flow step's results: the same counts and HDR histogram as the run's, so that a step's
/// numbers merge across runs and machines exactly as the run's do. Not thread-safe: its SummaryBuilder serialises it.
/// </summary>
internal sealed class StepFold
{
    private readonly Dictionary<string, long> _statusCounts = new(System.StringComparer.Ordinal);
    private readonly Dictionary<string, long> _errorCounts = new(System.StringComparer.Ordinal);

    public StepFold(string name)
    {
        Name = name;
    }

    public string Name { get; }

    /// <summary>Requests of this step sent (each has a result).</summary>
    public long Count { get; private set; }

    public long Failed { get; private set; }

    /// <summary>Times the step was not sent because its iteration ended before it (an earlier step failed, or the run ended).</summary>
    public long Skipped { get; private set; }

    public LongHistogram Latency { get; } = LatencyHistogram.Create();

    public void Add(RequestResult result) => Add(result.ElapsedMs, result.StatusCode, result.Success, result.ErrorKind);

    /// <summary>Adds one request of the step: a live result's, or one read back by name.</summary>
    public void Add(double elapsedMs, int statusCode, bool success, string errorKind)
    {
        Count++;
        if (!success)
        {
            Failed++;
            Increment(_errorCounts, errorKind, 1);
        }

        if (statusCode != 0)
        {
            Increment(_statusCounts, statusCode.ToString(CultureInfo.InvariantCulture), 1);
        }

        LatencyHistogram.Record(Latency, elapsedMs);
    }

    public void AddSkipped(long count) => Skipped += count;

    /// <summary>Adds a step's numbers read back from another summary; its histogram must hold exactly its Count.</summary>
    public void AddStep(ISummaryFields step)
    {
        long count = (long)step.Number("Count");
        HistogramBase latency = LatencyHistogram.Decode(step.Text("Histogram") ?? string.Empty);
        if (latency.TotalCount != count)
        {
            throw new System.FormatException($"The step '{Name}' has a histogram of {latency.TotalCount} values but a Count of {count}.");
        }

        Latency.Add(latency);
        Count += count;
        Failed += (long)step.Number("Failed");
        Skipped += (long)step.Number("Skipped");
        foreach (KeyValuePair<string, long> status in step.Counts("StatusCodeCounts"))
        {
            Increment(_statusCounts, status.Key, status.Value);
        }

        foreach (KeyValuePair<string, long> error in step.Counts("ErrorKindCounts"))
        {
            Increment(_errorCounts, error.Key, error.Value);
        }
    }

    public CountDictionary StatusCodeCounts() => ToCounts(_statusCounts);

    public CountDictionary ErrorKindCounts() => ToCounts(_errorCounts);

    private static CountDictionary ToCounts(Dictionary<string, long> counts)
    {
        var result = new CountDictionary();
        foreach (KeyValuePair<string, long> pair in counts)
        {
            result[pair.Key] = pair.Value;
        }

        return result;
    }

    private static void Increment(Dictionary<string, long> counts, string key, long by) =>
        counts[key] = counts.GetValueOrDefault(key) + by;
}
