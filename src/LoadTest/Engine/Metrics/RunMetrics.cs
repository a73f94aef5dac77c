using System;

namespace LoadTest.Engine.Metrics;

/// <summary>
/// A run's metrics: its labels, the tally an endpoint reads, and its Meter. The run's accounting hands every
/// counted result to <see cref="Add"/>; the run disposes it when it ends.
/// </summary>
internal sealed class RunMetrics : IDisposable
{
    private readonly RunMeter _meter;

    public RunMetrics(RunLabels labels)
    {
        Labels = labels;
        _meter = new RunMeter(labels, Tally);
    }

    public RunLabels Labels { get; }

    public RunTally Tally { get; } = new();

    /// <summary>Counts one result: in the tally, and in the Meter's instruments. Allocates nothing; safe from any thread.</summary>
    public void Add(RequestResult result)
    {
        int slot = Tally.Add(result, out RequestTags.StepTags? step);
        _meter.Record(result, step is null ? RequestTags.Tags(slot) : step.Tags(slot));
        if (result.Checks is { } checks)
        {
            Tally.Checks.Add(checks, result.FailedChecks, _meter.CheckRecorder);
        }
    }

    public void Dispose() => _meter.Dispose();
}
