using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;

namespace LoadTest.Engine.Metrics;

/// <summary>
/// A run's instruments in a System.Diagnostics.Metrics Meter named "LoadTest", tagged with the run's labels,
/// so that dotnet-counters, an OpenTelemetry SDK or any MeterListener sees every run with no code of ours.
/// Requests, bytes and latencies are recorded per result, at no cost while nobody listens; requests in flight
/// and the schedule's counts are observed from the run when a listener collects. Disposed with the run.
/// </summary>
internal sealed class RunMeter : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _received;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _corrected;
    private readonly Counter<long> _checks;
    private readonly Action<KeyValuePair<string, object?>[]> _recordCheck;

    public RunMeter(RunLabels labels, RunTally tally)
    {
        _meter = new Meter(RunInstruments.MeterName, typeof(RunMeter).Assembly.GetName().Version?.ToString(3), labels.AsTags());
        _requests = Counter(RunInstruments.Requests);
        _received = Counter(RunInstruments.BytesReceived);
        _duration = Histogram(RunInstruments.Duration);
        _corrected = Histogram(RunInstruments.CorrectedDuration);
        _checks = Counter(RunInstruments.Checks);
        _recordCheck = tags => _checks.Add(1, tags);
        _meter.CreateObservableUpDownCounter(RunInstruments.InFlight.Name, () => tally.InFlight, RunInstruments.InFlight.Unit, RunInstruments.InFlight.Description);
        ObservableCounter(RunInstruments.Planned, () => tally.Planned);
        ObservableCounter(RunInstruments.Late, () => tally.Late);
        ObservableCounter(RunInstruments.Dropped, () => tally.Dropped);
        _meter.CreateObservableGauge(RunInstruments.ScheduleRate.Name, () => tally.TargetRate, RunInstruments.ScheduleRate.Unit, RunInstruments.ScheduleRate.Description);
    }

    /// <summary>Records one result with the request counter's tags (cached: allocates nothing).</summary>
    public void Record(RequestResult result, KeyValuePair<string, object?>[] requestTags)
    {
        if (_requests.Enabled)
        {
            _requests.Add(1, requestTags);
        }

        if (_received.Enabled)
        {
            _received.Add(result.BytesReceived);
        }

        if (_duration.Enabled)
        {
            _duration.Record(result.ElapsedMs / 1000.0);
        }

        if (_corrected.Enabled)
        {
            _corrected.Record(result.CorrectedElapsedMs / 1000.0);
        }
    }

    /// <summary>What counts one judged check in the Meter, given its tags; null while nobody listens.</summary>
    public Action<KeyValuePair<string, object?>[]>? CheckRecorder => _checks.Enabled ? _recordCheck : null;

    /// <summary>Ends the run's instruments: listeners are told their measurements are complete.</summary>
    public void Dispose() => _meter.Dispose();

    private Counter<long> Counter(InstrumentInfo info) => _meter.CreateCounter<long>(info.Name, info.Unit, info.Description);

    private Histogram<double> Histogram(InstrumentInfo info) => _meter.CreateHistogram<double>(info.Name, info.Unit, info.Description);

    private void ObservableCounter(InstrumentInfo info, Func<long> observe) => _meter.CreateObservableCounter(info.Name, observe, info.Unit, info.Description);
}
