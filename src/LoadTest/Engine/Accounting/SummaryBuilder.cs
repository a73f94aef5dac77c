using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using HdrHistogram;
using LoadTest.Engine.Checks;

namespace LoadTest.Engine.Accounting;

/// <summary>
/// The one fold behind every summary: results of a live run, results read back from files, and whole
/// summaries from other runs or processes all add into the same counts and HDR histograms, so merged
/// percentiles are those of all the requests together. Its size does not depend on how many results
/// there were. Not thread-safe: callers serialise its use.
/// </summary>
internal sealed class SummaryBuilder
{
    private static readonly int s_kinds = Enum.GetValues<RequestErrorKind>().Length;

    private readonly LongHistogram _latency = LatencyHistogram.Create();
    private readonly LongHistogram _corrected = LatencyHistogram.Create();
    private readonly LongHistogram _startLag = LatencyHistogram.Create();
    private readonly long[] _statusCounts = new long[600];
    private readonly Dictionary<int, long> _otherStatusCounts = new();
    private readonly long[] _errorCounts = new long[s_kinds];
    private readonly Dictionary<string, long> _otherErrorCounts = new(StringComparer.Ordinal);
    private readonly List<string> _stopReasons = new();
    private readonly CheckTally _checks = new();
    private readonly List<RunStage> _stages = new();
    private DateTime _start = DateTime.MaxValue;
    private DateTime _end = DateTime.MinValue;

    private readonly bool _scheduled;
    private readonly List<StepFold> _steps = new();
    private Func<double, double>? _plannedBefore;
    private double? _livePeak;
    private Func<double?>? _scheduleEndSeconds;
    private double _mergedPlannedInSpan;
    private readonly List<(DateTime Start, DateTime End, double Peak)> _mergedPeaks = new();
    private TimeSeriesBuilder? _series;
    private LongHistogram? _iterationLatency;

    /// <param name="interval">The time series' interval; null for none (a merge takes its inputs').</param>
    /// <param name="scheduled">
    /// False for a live run without a rate schedule: its corrected latency is its latency, so it is recorded
    /// once (half the histogram work on the workers' hot path).
    /// </param>
    public SummaryBuilder(TimeSpan? interval = null, bool scheduled = true)
    {
        _scheduled = scheduled;
        _series = interval is { } every ? new TimeSeriesBuilder(every, scheduled) : null;
    }

    /// <summary>The rows of the time series; empty when nothing was added.</summary>
    /// <remarks>A run that ran to its schedule's end covers its series to there, though its last answer came a little before.</remarks>
    public List<TimeSeriesRow> TimeSeries() => _series is null ? new List<TimeSeriesRow>()
        : Count == 0 ? _series.ToRows(default, default)
        : _series.ToRows(
            _start.ToUniversalTime(),
            (ScheduleEnd is { } end && _stopReasons.Count == 0 && end > _end ? end : _end).ToUniversalTime(),
            ScheduleEnd?.ToUniversalTime() ?? default);

    // When a live run's schedule ends (local time); null without one.
    private DateTime? ScheduleEnd => _scheduleEndSeconds?.Invoke() is { } seconds && double.IsFinite(seconds) ? _start.AddSeconds(seconds) : null;

    /// <summary>The rows of the time series changed since the last call (all of them the first time), for a report of a run in progress.</summary>
    /// <remarks>A run in progress covers its series to its latest answer.</remarks>
    public List<TimeSeriesRow> TimeSeriesChanges() => _series is null || Count == 0 ? new List<TimeSeriesRow>()
        : _series.ChangedRows(_start.ToUniversalTime(), _end.ToUniversalTime());

    /// <summary>Results and summaries added.</summary>
    public long Inputs { get; private set; }

    public long Count { get; private set; }

    public long Failed { get; private set; }

    public long Retries { get; private set; }

    public long BytesReceived { get; private set; }

    /// <summary>The throttle limits of the runs added, summed: runs side by side hold that many in flight together.</summary>
    public int ThrottleLimit { get; set; }

    /// <summary>
    /// The planned rate over the span of the achieved one: the requests the schedule planned from the start to its
    /// end (or to the last answer, if the run stopped before), divided by that time. For a rate held to the end,
    /// that rate; for a ramp, its mean; for a merge, the plans of all the runs over the merged span (runs side by
    /// side add up, runs one after another average out). 0 without a schedule.
    /// </summary>
    public double TargetRequestsPerSecond
    {
        get
        {
            // A live run's span ends with its schedule, or earlier if it stopped: a rate held to the end gives that rate.
            double seconds = Elapsed.TotalSeconds;
            if (_plannedBefore is { } before)
            {
                double span = ScheduleEnd is { } end ? Math.Min(seconds, (end - _start).TotalSeconds) : seconds;
                return span > 0 ? before(span) / span : 0;
            }

            return seconds > 0 ? _mergedPlannedInSpan / seconds : 0;
        }
    }

    /// <summary>
    /// The highest rate a schedule asked for: a live run's peak; for a merge, the most the peaks of runs that ran
    /// at the same time add up to (runs side by side add up, runs one after another do not). 0 without a schedule.
    /// </summary>
    public double PeakRequestsPerSecond
    {
        get
        {
            if (_livePeak is { } peak)
            {
                return peak;
            }

            double highest = 0;
            foreach ((DateTime start, _, _) in _mergedPeaks)
            {
                double together = 0;
                foreach ((DateTime otherStart, DateTime otherEnd, double otherPeak) in _mergedPeaks)
                {
                    together += otherStart <= start && start <= otherEnd ? otherPeak : 0;
                }

                highest = Math.Max(highest, together);
            }

            return highest;
        }
    }

    /// <summary>What the runs added sent requests to (their -Uri, or "pipeline input"), distinct ones joined by "; ".</summary>
    public string? Target { get; private set; }

    /// <summary>The stages of the runs added, as they ran: a schedule repeated side by side is kept once.</summary>
    public RunStages Stages => new(_stages.ToArray());

    /// <summary>Requests a rate schedule called for; 0 without a schedule.</summary>
    public long Planned { get; set; }

    /// <summary>Requests that started more than the late tolerance behind their scheduled time, for whatever reason.</summary>
    public long Late { get; private set; }

    /// <summary>Requests of the schedule that were never sent because the run ended first.</summary>
    public long Dropped { get; set; }

    /// <summary>Requests that may have been sent beyond Count: by parts of a run lost after their last report.</summary>
    public long Unreported { get; set; }

    /// <summary>P50 and P99 (ms) of the last ended interval of the time series; null without one.</summary>
    public (double P50Ms, double P99Ms)? LastInterval() => _series?.LastInterval(DateTime.UtcNow.Ticks);

    /// <summary>
    /// A live run's schedule: the requests it plans from its start (UTC) to a number of seconds later (each row's
    /// planned rate, and the target over the run's span), and its peak rate.
    /// </summary>
    public void Plan(Func<double, double> plannedBefore, DateTime startUtc, double peak)
    {
        _plannedBefore = plannedBefore;
        _livePeak = peak;
        _series?.Plan(plannedBefore, startUtc);
    }

    /// <summary>
    /// The schedule of a whole run whose shares are merged here (a fleet's, from its start): its target and peak are
    /// the run's, whatever became of the shares.
    /// </summary>
    public void PlanOfWhole(Func<double, double> plannedBefore, double? endSeconds, double peak)
    {
        _plannedBefore = plannedBefore;
        _scheduleEndSeconds = () => endSeconds;
        _livePeak = peak;
    }

    /// <summary>When a live run's schedule ends, in seconds after its start (asked when the summary is made); null for none.</summary>
    public void EndsAfter(Func<double?> seconds) => _scheduleEndSeconds = seconds;

    /// <summary>A live closed model's in-flight limit: its integral from the start (UTC) to a number of seconds later, shown as each row's mean.</summary>
    public void PlanInFlight(Func<double, double> limitAreaBefore, DateTime startUtc) => _series?.PlanInFlight(limitAreaBefore, startUtc);

    public HistogramBase Latency => _latency;

    public HistogramBase CorrectedLatency => _scheduled ? _corrected : _latency;

    /// <summary>How far behind its scheduled time each request started (empty for a live run without a schedule).</summary>
    public HistogramBase StartLag => _startLag;

    /// <summary>When the first run added started; the earliest result's start when only results were added.</summary>
    public DateTime StartTime => Count == 0 && _start == DateTime.MaxValue ? DateTime.Now : _start;

    /// <summary>From the earliest start to the latest end of what was added: runs are taken to have run side by side.</summary>
    public TimeSpan Elapsed => Count == 0 || _end < _start ? TimeSpan.Zero : _end - _start;

    /// <summary>Why a run added stopped early (several joined); null when all ran to their end.</summary>
    public string? StopReason => _stopReasons.Count == 0 ? null : string.Join(" ", _stopReasons);

    /// <summary>Marks the start of a live run: its elapsed time counts from here, not from its first request.</summary>
    public void StartAt(DateTime start) => _start = start;

    /// <summary>Adds one result of a live run.</summary>
    public void Add(RequestResult result)
    {
        AddResult(result.ElapsedMs, result.CorrectedElapsedMs, result.StatusCode, result.Success, result.Kind, null, result.BytesReceived, result.Attempts, result.StartTime);
        if (result.Checks is { } checks)
        {
            _checks.Add(checks, result.FailedChecks);
        }

        _series?.Add(result);
        if (result.Step is { } step)
        {
            Step(step).Add(result);
        }
    }

    /// <summary>Flow iterations that ended.</summary>
    public long Iterations { get; private set; }

    /// <summary>Flow iterations in which a step failed.</summary>
    public long IterationsFailed { get; private set; }

    /// <summary>How long iterations took from their scheduled start (or their start) to their last step's end; null without flows.</summary>
    public HistogramBase? IterationLatency => _iterationLatency;

    /// <summary>The folds of the flow's steps, in the order they were first seen.</summary>
    public IReadOnlyList<StepFold> Steps => _steps;

    /// <summary>Declares a flow's steps up front, so that they are shown in the flow's order.</summary>
    public void DeclareSteps(IEnumerable<string> names)
    {
        foreach (string name in names)
        {
            Step(name);
        }
    }

    /// <summary>Adds one ended iteration of a flow: its duration, whether a step failed, and the steps it did not send.</summary>
    public void AddIteration(double elapsedMs, bool failed, IEnumerable<string> skippedSteps)
    {
        Iterations++;
        if (failed)
        {
            IterationsFailed++;
        }

        LatencyHistogram.Record(_iterationLatency ??= LatencyHistogram.Create(), elapsedMs);
        foreach (string name in skippedSteps)
        {
            Step(name).AddSkipped(1);
        }
    }

    private StepFold Step(string name)
    {
        foreach (StepFold fold in _steps)
        {
            if (fold.Name == name)
            {
                return fold;
            }
        }

        var added = new StepFold(name);
        _steps.Add(added);
        return added;
    }

    /// <summary>Adds a result read back by name (from Import-Csv, say).</summary>
    public void AddResult(ISummaryFields result)
    {
        double elapsed = result.Number("ElapsedMs");
        string kindName = result.Text("ErrorKind") ?? nameof(RequestErrorKind.Other);
        bool known = Enum.TryParse(kindName, out RequestErrorKind kind) && Enum.IsDefined(kind);
        AddResult(
            elapsed,
            result.Number("CorrectedElapsedMs", elapsed),
            (int)result.Number("StatusCode"),
            result.Flag("Success"),
            kind,
            known ? null : kindName,
            (long)result.Number("BytesReceived"),
            (int)result.Number("Attempts", 1),
            // Results read back from CSV keep their milliseconds only in StartTimeUtc.
            result.Text("StartTimeUtc") is { Length: > 0 } ? result.Time("StartTimeUtc") : result.Time("StartTime"));
        if (result.Text("Step") is { Length: > 0 } step)
        {
            Step(step).Add(elapsed, (int)result.Number("StatusCode"), result.Flag("Success"), kindName);
        }
    }

    /// <summary>Adds a whole summary read back by name; its histograms must hold exactly its Count.</summary>
    public void AddSummary(ISummaryFields summary)
    {
        long count = (long)summary.Number("Count");
        string histogram = summary.Text("Histogram") ?? string.Empty;
        HistogramBase latency = LatencyHistogram.Decode(histogram);
        HistogramBase corrected = LatencyHistogram.Decode(summary.Text("CorrectedHistogram") ?? histogram);
        if (latency.TotalCount != count)
        {
            throw new FormatException($"The summary's histogram holds {latency.TotalCount} values but its Count is {count}.");
        }

        _latency.Add(latency);
        _corrected.Add(corrected);
        if (summary.Text("StartLagHistogram") is { Length: > 0 } lag)
        {
            _startLag.Add(LatencyHistogram.Decode(lag));
        }

        Inputs++;
        Count += count;
        Failed += (long)summary.Number("Failed");
        Retries += (long)summary.Number("Retries");
        BytesReceived += (long)summary.Number("BytesReceived");
        ThrottleLimit += (int)summary.Number("ThrottleLimit");
        double target = summary.Number("TargetRequestsPerSecond");
        double elapsed = summary.Number("ElapsedSeconds", summary.Duration("Elapsed").TotalSeconds);
        double planned = summary.Number("Planned");
        _mergedPlannedInSpan += planned > 0 ? Math.Min(planned, target * elapsed) : target * elapsed;
        DateTime partStart = summary.Time("StartTime");
        _mergedPeaks.Add((partStart, partStart + TimeSpan.FromSeconds(Math.Max(0, elapsed)), summary.Number("PeakRequestsPerSecond", target)));
        Planned += (long)summary.Number("Planned");
        Describe(summary.Text("Target"));
        StageImport.Merge(_stages, StageImport.Read(summary));
        Late += (long)summary.Number("Late");
        Dropped += (long)summary.Number("Dropped");
        Unreported += (long)summary.Number("Unreported");
        foreach (KeyValuePair<string, long> status in summary.Counts("StatusCodeCounts"))
        {
            AddStatus(int.Parse(status.Key, NumberStyles.Integer, CultureInfo.InvariantCulture), status.Value);
        }

        foreach (KeyValuePair<string, long> error in summary.Counts("ErrorKindCounts"))
        {
            AddError(Enum.TryParse(error.Key, out RequestErrorKind kind) && Enum.IsDefined(kind) ? kind : null, error.Key, error.Value);
        }

        _checks.AddSummary(summary);
        if (summary.Text("StopReason") is { Length: > 0 } reason)
        {
            AddStopReason(reason);
        }

        DateTime start = summary.Time("StartTime");
        double seconds = summary.Number("ElapsedSeconds", -1);
        Span(start, start + (seconds >= 0 ? TimeSpan.FromSeconds(seconds) : summary.Duration("Elapsed")));
        foreach (ISummaryFields step in summary.Items("Steps"))
        {
            Step(step.Text("Name") ?? string.Empty).AddStep(step);
        }

        long iterations = (long)summary.Number("Iterations");
        if (iterations > 0 && summary.Text("IterationHistogram") is { Length: > 0 } iterationHistogram)
        {
            HistogramBase decoded = LatencyHistogram.Decode(iterationHistogram);
            (_iterationLatency ??= LatencyHistogram.Create()).Add(decoded);
            Iterations += iterations;
            IterationsFailed += (long)summary.Number("IterationsFailed");
        }

        foreach (ISummaryFields row in summary.Items("TimeSeries"))
        {
            if (row.Text("Histogram") is not { Length: > 0 })
            {
                // A row that arrived as text (serialized too shallow) has nothing to merge.
                continue;
            }

            _series ??= new TimeSeriesBuilder(TimeSpan.FromSeconds(row.Number("IntervalSeconds", 1)));
            _series.AddRow(row);
        }
    }

    /// <summary>Adds what a run targeted to those already added.</summary>
    public void Describe(string? target) => Target = JoinDistinct(Target, target);

    /// <summary>Adds a live run's stages, as they run from its start.</summary>
    public void AddStages(IList<RunStage> stages) => StageImport.Merge(_stages, stages);

    private static string? JoinDistinct(string? current, string? more) =>
        string.IsNullOrEmpty(more) || current == more || (current is not null && current.Split("; ").Contains(more)) ? current
        : current is null ? more : current + "; " + more;

    /// <summary>Marks the result as partial, for a part that produced no summary or stopped early.</summary>
    public void AddStopReason(string reason)
    {
        if (!_stopReasons.Contains(reason))
        {
            _stopReasons.Add(reason);
        }
    }

    /// <summary>Responses per status code, keyed by the code as text so that the summary converts to JSON.</summary>
    public CountDictionary StatusCodeCounts()
    {
        var counts = new CountDictionary();
        for (int code = 0; code < _statusCounts.Length; code++)
        {
            if (_statusCounts[code] > 0)
            {
                counts[code.ToString(CultureInfo.InvariantCulture)] = _statusCounts[code];
            }
        }

        foreach (KeyValuePair<int, long> other in _otherStatusCounts)
        {
            counts[other.Key.ToString(CultureInfo.InvariantCulture)] = other.Value;
        }

        return counts;
    }

    /// <summary>Lists a run's checks before any result, so that a check no response reached still shows, with 0 passed and 0 failed.</summary>
    public void DeclareChecks(CheckSet checks) => _checks.Add(checks, 0, count: false);

    /// <summary>Passes and failures per check, in the order the checks were first seen.</summary>
    public CheckCounts CheckCounts() => _checks.ToCounts();

    /// <summary>Failed requests per error kind.</summary>
    public CountDictionary ErrorKindCounts()
    {
        var counts = new CountDictionary();
        foreach (KeyValuePair<string, long> other in _otherErrorCounts)
        {
            counts[other.Key] = other.Value;
        }

        for (int kind = 0; kind < _errorCounts.Length; kind++)
        {
            if (_errorCounts[kind] > 0)
            {
                counts[((RequestErrorKind)kind).ToString()] = _errorCounts[kind];
            }
        }

        return counts;
    }

    private void AddResult(double elapsedMs, double correctedMs, int status, bool success, RequestErrorKind kind, string? otherKind, long bytes, int attempts, DateTime start)
    {
        Inputs++;
        Count++;
        BytesReceived += bytes;
        Retries += Math.Max(0, attempts - 1);
        if (!success)
        {
            Failed++;
            AddError(otherKind is null ? kind : null, otherKind, 1);
        }

        if (status != 0)
        {
            AddStatus(status, 1);
        }

        LatencyHistogram.Record(_latency, elapsedMs);
        if (_scheduled)
        {
            LatencyHistogram.Record(_corrected, correctedMs);
            double lag = Schedule.StartLag.Of(elapsedMs, correctedMs);
            if (!double.IsNaN(lag))
            {
                LatencyHistogram.RecordLag(_startLag, lag);
                Late += Schedule.StartLag.IsLate(lag) ? 1 : 0;
            }
        }

        Span(start, start.AddMilliseconds(elapsedMs));
    }

    private void AddStatus(int status, long count)
    {
        if (status > 0 && status < _statusCounts.Length)
        {
            _statusCounts[status] += count;
        }
        else
        {
            _otherStatusCounts[status] = _otherStatusCounts.GetValueOrDefault(status) + count;
        }
    }

    private void AddError(RequestErrorKind? kind, string? name, long count)
    {
        if (kind is { } known)
        {
            _errorCounts[(int)known] += count;
        }
        else
        {
            _otherErrorCounts[name!] = _otherErrorCounts.GetValueOrDefault(name!) + count;
        }
    }

    private void Span(DateTime start, DateTime end)
    {
        if (start < _start)
        {
            _start = start;
        }

        if (end > _end)
        {
            _end = end;
        }
    }
}
