using System;
using System.Collections.Generic;
using System.Linq;
using LoadTest.Engine.Metrics;
using Prometheus;

namespace LoadTest.Run;

/// <summary>
/// A run's metrics as prometheus-net metrics in a registry of their own, labelled with the run and the host.
/// They are brought up to date from the run's tally just before each collection, so that serving them costs
/// the run's workers nothing: the latency histograms are rebuilt bucket by bucket (each bucket's new values
/// observed at their mean, which lies in that bucket, so counts, buckets and sums are all exact).
/// </summary>
internal sealed class PrometheusExport
{
    private readonly object _lock = new();
    private readonly RunTally _tally;
    private readonly Counter _requests;
    private readonly Counter.Child?[] _requestsBySlot = new Counter.Child?[RequestTags.SlotCount];
    private readonly Dictionary<(int Step, int Slot), Counter.Child> _requestsByStep = new();
    private readonly Counter _received;
    private readonly Counter _checks;
    private readonly Dictionary<string, (Counter.Child Passed, Counter.Child Failed)> _checksByName = new(StringComparer.Ordinal);
    private readonly Gauge _inFlight;
    private readonly Counter _planned;
    private readonly Counter _late;
    private readonly Counter _dropped;
    private readonly Gauge _scheduleRate;
    private readonly HistogramFeed _duration;
    private readonly HistogramFeed _corrected;

    public PrometheusExport(RunMetrics metrics)
    {
        _tally = metrics.Tally;
        Registry = Prometheus.Metrics.NewCustomRegistry();
        Registry.SetStaticLabels(metrics.Labels.AsDictionary());
        MetricFactory factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _requests = factory.CreateCounter(RunInstruments.Requests.PrometheusName, RunInstruments.Requests.Description, new CounterConfiguration { LabelNames = RequestTags.Names.ToArray() });
        _received = Counter(factory, RunInstruments.BytesReceived);
        _checks = factory.CreateCounter(RunInstruments.Checks.PrometheusName, RunInstruments.Checks.Description, new CounterConfiguration { LabelNames = new[] { CheckCounter.CheckTag, CheckCounter.ResultTag } });
        _inFlight = Gauge(factory, RunInstruments.InFlight);
        _planned = Counter(factory, RunInstruments.Planned);
        _late = Counter(factory, RunInstruments.Late);
        _dropped = Counter(factory, RunInstruments.Dropped);
        _scheduleRate = Gauge(factory, RunInstruments.ScheduleRate);
        _duration = new HistogramFeed(factory, RunInstruments.Duration, _tally.Duration);
        _corrected = new HistogramFeed(factory, RunInstruments.CorrectedDuration, _tally.CorrectedDuration);
        Registry.AddBeforeCollectCallback(Update);
    }

    /// <summary>The registry to collect from: every collection brings it up to date first.</summary>
    public CollectorRegistry Registry { get; }

    private static string[] LabelValues(int slot, string step)
    {
        string[] values = RequestTags.LabelValues(slot);
        return new[] { values[0], values[1], step };
    }

    private static Counter Counter(MetricFactory factory, InstrumentInfo info) => factory.CreateCounter(info.PrometheusName, info.Description);

    private static Gauge Gauge(MetricFactory factory, InstrumentInfo info) => factory.CreateGauge(info.PrometheusName, info.Description);

    // Two scrapes may collect at once: one brings the metrics up to date at a time.
    private void Update()
    {
        lock (_lock)
        {
            for (int slot = 0; slot < _requestsBySlot.Length; slot++)
            {
                long count = _tally.RequestsAt(slot);
                if (count > 0)
                {
                    (_requestsBySlot[slot] ??= _requests.WithLabels(LabelValues(slot, string.Empty))).IncTo(count);
                }

                for (int step = 0; step < _tally.StepCount; step++)
                {
                    long stepCount = _tally.RequestsAt(step, slot);
                    if (stepCount > 0)
                    {
                        if (!_requestsByStep.TryGetValue((step, slot), out Counter.Child? child))
                        {
                            child = _requests.WithLabels(LabelValues(slot, _tally.StepAt(step).Name));
                            _requestsByStep.Add((step, slot), child);
                        }

                        child.IncTo(stepCount);
                    }
                }
            }

            _received.IncTo(_tally.BytesReceived);
            foreach ((string name, long passed, long failed) in _tally.Checks.Snapshot())
            {
                if (!_checksByName.TryGetValue(name, out var children))
                {
                    children = (_checks.WithLabels(name, "pass"), _checks.WithLabels(name, "fail"));
                    _checksByName.Add(name, children);
                }

                children.Passed.IncTo(passed);
                children.Failed.IncTo(failed);
            }

            _inFlight.Set(_tally.InFlight);
            _planned.IncTo(_tally.Planned);
            _late.IncTo(_tally.Late);
            _dropped.IncTo(_tally.Dropped);
            _scheduleRate.Set(_tally.TargetRate);
            _duration.Update();
            _corrected.Update();
        }
    }

    /// <summary>A prometheus-net histogram fed from a <see cref="LatencyTally"/> with the same buckets.</summary>
    private sealed class HistogramFeed
    {
        private readonly Histogram _histogram;
        private readonly LatencyTally _tally;
        private readonly long[] _fedCounts = new long[LatencyBuckets.Count];
        private readonly long[] _fedSums = new long[LatencyBuckets.Count];

        public HistogramFeed(MetricFactory factory, InstrumentInfo info, LatencyTally tally)
        {
            _tally = tally;
            _histogram = factory.CreateHistogram(info.PrometheusName, info.Description, new HistogramConfiguration { Buckets = LatencyBuckets.UpperBounds.ToArray() });
        }

        public void Update()
        {
            ReadOnlySpan<double> bounds = LatencyBuckets.UpperBounds;
            for (int bucket = 0; bucket < LatencyBuckets.Count; bucket++)
            {
                // The sum first: a value counted between the two reads has its count taken now and its time next.
                long sum = _tally.SumMicrosecondsAt(bucket);
                long count = _tally.CountAt(bucket);
                long added = count - _fedCounts[bucket];
                if (added <= 0)
                {
                    continue;
                }

                double mean = (sum - _fedSums[bucket]) / 1e6 / added;
                double low = bucket == 0 ? 0 : bounds[bucket - 1];
                double high = bucket < bounds.Length ? bounds[bucket] : double.MaxValue;
                _histogram.Observe(Math.Clamp(mean, Math.BitIncrement(low), high), added);
                _fedCounts[bucket] = count;
                _fedSums[bucket] = sum;
            }
        }
    }
}
