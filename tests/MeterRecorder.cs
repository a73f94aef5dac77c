using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Threading;

namespace LoadTestTests
{
    // A MeterListener as any consumer of the LoadTest Meter would write one (dotnet-counters and the OpenTelemetry
    // SDK listen the same way): it enables the instruments of the LoadTest meters whose run tag is the one given
    // (any run when null or empty), sums what they record per instrument and tags, and observes the observable ones every 20 ms.
    public sealed class MeterRecorder : IDisposable
    {
        private readonly MeterListener _listener = new MeterListener();
        private readonly string _run;
        private readonly Timer _observer;

        public MeterRecorder(string run)
        {
            _run = run;
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name != "LoadTest" || !HasRun(instrument.Meter))
                {
                    return;
                }

                Published.Enqueue(instrument.Name + " [" + instrument.Unit + "]");
                Meters[instrument.Meter.Name + " " + instrument.Meter.Version + " " + string.Join(";", instrument.Meter.Tags.Select(t => t.Key + "=" + t.Value))] = instrument.Meter.Name;
                listener.EnableMeasurementEvents(instrument);
            };
            _listener.MeasurementsCompleted = (instrument, state) => Completed.Enqueue(instrument.Name);
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) => Note(instrument, value, tags));
            _listener.SetMeasurementEventCallback<int>((instrument, value, tags, state) => Note(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, state) => Note(instrument, value, tags));
            _listener.Start();
            _observer = new Timer(_ => _listener.RecordObservableInstruments(), null, 0, 20);
        }

        // Instrument name and tags ("loadtest.requests|status_code=200,error_kind=None") -> sum of what was recorded.
        public ConcurrentDictionary<string, double> Sums { get; } = new ConcurrentDictionary<string, double>();

        // Instrument name -> how many measurements (a histogram's count).
        public ConcurrentDictionary<string, long> Counts { get; } = new ConcurrentDictionary<string, long>();

        // Observable instrument name -> highest value observed.
        public ConcurrentDictionary<string, double> Highest { get; } = new ConcurrentDictionary<string, double>();

        public ConcurrentDictionary<string, string> Meters { get; } = new ConcurrentDictionary<string, string>();

        public ConcurrentQueue<string> Published { get; } = new ConcurrentQueue<string>();

        public ConcurrentQueue<string> Completed { get; } = new ConcurrentQueue<string>();

        // Sum per value of one tag, over the measurements of an instrument (for example loadtest.requests by error_kind).
        public Dictionary<string, double> SumBy(string instrument, string tag)
        {
            var sums = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, double> entry in Sums)
            {
                string[] parts = entry.Key.Split('|');
                if (parts[0] != instrument)
                {
                    continue;
                }

                string value = parts[1].Split(',').Select(p => p.Split('=')).Where(p => p[0] == tag).Select(p => p[1]).FirstOrDefault() ?? string.Empty;
                sums.TryGetValue(value, out double sum);
                sums[value] = sum + entry.Value;
            }

            return sums;
        }

        public void Dispose()
        {
            _observer.Dispose();
            _listener.Dispose();
        }

        private bool HasRun(Meter meter)
        {
            foreach (KeyValuePair<string, object> tag in meter.Tags ?? Enumerable.Empty<KeyValuePair<string, object>>())
            {
                if (tag.Key == "run" && (string.IsNullOrEmpty(_run) || (tag.Value as string) == _run))
                {
                    return true;
                }
            }

            return false;
        }

        private void Note(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object>> tags)
        {
            var text = new List<string>();
            foreach (KeyValuePair<string, object> tag in tags)
            {
                text.Add(tag.Key + "=" + tag.Value);
            }

            if (instrument.IsObservable)
            {
                Highest.AddOrUpdate(instrument.Name, value, (_, old) => Math.Max(old, value));
                return;
            }

            Sums.AddOrUpdate(instrument.Name + "|" + string.Join(",", text), value, (_, old) => old + value);
            Counts.AddOrUpdate(instrument.Name, 1, (_, old) => old + 1);
        }
    }
}
