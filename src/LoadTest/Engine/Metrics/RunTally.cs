using System;
using System.Collections.Generic;
using System.Threading;
using LoadTest.Engine.Schedule;

namespace LoadTest.Engine.Metrics;

/// <summary>
/// A run's live counts for its metrics: requests per <see cref="RequestTags"/> slot, bytes received, the two
/// latency histograms, checks, and what the run itself knows (requests in flight, the schedule's counts and rate).
/// Written once per result with interlocked adds (no allocation), read at any time by an endpoint.
/// </summary>
internal sealed class RunTally
{
    private readonly long[] _requests = new long[RequestTags.SlotCount];
    private Dictionary<string, int> _stepIndexes = new(StringComparer.Ordinal);
    private (RequestTags.StepTags Tags, long[] Requests)[] _steps = Array.Empty<(RequestTags.StepTags, long[])>();
    private long _bytesReceived;
    private Func<int>? _inFlight;
    private ScheduleCounters? _schedule;
    private Func<double>? _targetRate;

    public LatencyTally Duration { get; } = new();

    public LatencyTally CorrectedDuration { get; } = new();

    /// <summary>Passes and failures per check.</summary>
    public CheckCounter Checks { get; } = new();

    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    public int InFlight => _inFlight?.Invoke() ?? 0;

    public long Planned => _schedule?.Planned ?? 0;

    public long Late => _schedule?.Late ?? 0;

    public long Dropped => _schedule?.Dropped ?? 0;

    /// <summary>The rate the run's schedule asks for now, in requests per second; 0 without a rate.</summary>
    public double TargetRate => _targetRate?.Invoke() ?? 0;

    /// <summary>How many flow steps are counted apart; their requests are at steps 0 to StepCount-1.</summary>
    public int StepCount => _steps.Length;

    /// <summary>Requests counted in a slot of <see cref="RequestTags"/>, outside a flow's steps.</summary>
    public long RequestsAt(int slot) => Interlocked.Read(ref _requests[slot]);

    /// <summary>Requests of a flow's step counted in a slot of <see cref="RequestTags"/>.</summary>
    public long RequestsAt(int step, int slot) => Interlocked.Read(ref _steps[step].Requests[slot]);

    /// <summary>A flow step's name and tags.</summary>
    public RequestTags.StepTags StepAt(int step) => _steps[step].Tags;

    /// <summary>Names the steps of the run's flow, before its first result: their requests are counted apart.</summary>
    public void DeclareSteps(IEnumerable<string> names)
    {
        var indexes = new Dictionary<string, int>(StringComparer.Ordinal);
        var steps = new List<(RequestTags.StepTags, long[])>();
        foreach (string name in names)
        {
            if (indexes.TryAdd(name, steps.Count))
            {
                steps.Add((new RequestTags.StepTags(name), new long[RequestTags.SlotCount]));
            }
        }

        _stepIndexes = indexes;
        _steps = steps.ToArray();
    }

    /// <summary>Counts a result; returns its slot, and its step's tags (null outside a flow).</summary>
    public int Add(RequestResult result, out RequestTags.StepTags? step)
    {
        int slot = RequestTags.Slot(result.StatusCode, result.Kind);
        step = null;
        if (result.Step is { } name && _stepIndexes.TryGetValue(name, out int index))
        {
            step = _steps[index].Tags;
            Interlocked.Increment(ref _steps[index].Requests[slot]);
        }
        else
        {
            Interlocked.Increment(ref _requests[slot]);
        }

        Interlocked.Add(ref _bytesReceived, result.BytesReceived);
        Duration.Add(result.ElapsedMs);
        CorrectedDuration.Add(result.CorrectedElapsedMs);
        return slot;
    }

    /// <summary>Where the run's own state is read: its requests in flight, its schedule's counts, and its scheduled rate.</summary>
    public void Watch(Func<int> inFlight, ScheduleCounters schedule, Func<double> targetRate)
    {
        _inFlight = inFlight;
        _schedule = schedule;
        _targetRate = targetRate;
    }
}
