using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using System.Linq;
using LoadTest.Engine.Accounting;
using LoadTest.Engine.Flows;
using LoadTest.Engine.Metrics;
using LoadTest.Engine.Schedule;
using LoadTest.Wire;

namespace LoadTest.Engine;

/// <summary>
/// One run of the engine as the pipeline thread sees it: requests go in (pushed one by one, or from a
/// lazy source), results come out, and the blocking waits here are the only places that thread sleeps.
/// </summary>
internal sealed class RequestRun : IDisposable
{
    // How long a stopped run's summary waits for the workers to wind down.
    private static readonly TimeSpan s_windDown = TimeSpan.FromSeconds(5);

    private readonly RequestEngineOptions _options;
    private readonly IRunWording _wording;
    private readonly RequestExecutor _executor;
    private readonly Channel<RequestResult> _results;
    private readonly CancellationTokenSource _cancellation = new();
    private readonly RunAccounting _accounting;
    private readonly LoadSchedule _schedule;
    private readonly long _end;
    private readonly FlowRunner? _flow;
    private Channel<RequestSpec>? _input;
    private IntakeGate? _gate;
    private Task? _completion;
    private int _inFlightAtStop = -1;
    private EndTimer? _inputEnd;
    private bool _woundDown;
    private volatile bool _pipelineStopped;
    private readonly TickingWaits _waits;

    /// <param name="options">The run's settings.</param>
    /// <param name="collectStatistics">Fold every result into a summary.</param>
    /// <param name="tickInterval">How often the waits return to let the caller report progress; zero for never.</param>
    /// <param name="errorBudget">Failures after which the run stops starting requests; null for no limit.</param>
    /// <param name="handOut">
    /// Which results the caller wants handed out; null for all. The others are only counted (and folded
    /// into the summary) on the workers, so a summary-only run never wakes the caller per request.
    /// </param>
    /// <param name="wording">Words the run's stops and warnings in the caller's terms.</param>
    /// <param name="metrics">The run's live metrics (its Meter, and what an endpoint reads); null for new ones with a new run name. The run disposes them.</param>
    public RequestRun(RequestEngineOptions options, bool collectStatistics, TimeSpan tickInterval, IRunWording wording, ErrorBudget? errorBudget = null, Predicate<RequestResult>? handOut = null, RunMetrics? metrics = null)
    {
        _options = options;
        _wording = wording;
        _schedule = LoadSchedule.From(options.RequestsPerSecond, options.Duration, options.Stages);
        _end = _schedule.EndTimestamp(Clock);
        _executor = new RequestExecutor(options, Clock, wording, _end);
        SummaryBuilder? summary = null;
        if (collectStatistics)
        {
            summary = new SummaryBuilder(options.SeriesInterval, scheduled: _schedule.Rate is not null) { ThrottleLimit = options.ThrottleLimit };
            summary.StartAt(Clock.StartTime);
            summary.Describe(options.Target);
            summary.AddStages(_schedule.RunStages(Clock.StartTime));
            summary.EndsAfter(() => PlanEndSeconds);
            if (options.Checks is { } checks)
            {
                summary.DeclareChecks(checks);
            }

            if (_schedule.Rate is not null)
            {
                // A share of a run plans its fraction of the run's rate.
                summary.Plan(PlannedBefore, Clock.StartTime.ToUniversalTime(), _schedule.PeakRate * options.Segment.Fraction);
            }

            if (_schedule.Concurrency is { } limit)
            {
                double share = options.Segment.Fraction;
                summary.PlanInFlight(seconds => limit.AreaBefore(seconds) * share, Clock.StartTime.ToUniversalTime());
            }
        }

        Metrics = metrics ?? new RunMetrics(RunLabels.ForThisMachine(null));
        Metrics.Tally.Watch(() => _executor.InFlight, Schedule, () => TargetRequestsPerSecond);
        _accounting = new RunAccounting(summary, errorBudget, handOut, StopTakingRequests, wording, Schedule, Metrics);
        if (options.Flow is { } flow)
        {
            summary?.DeclareSteps(flow.Steps.Select(static step => step.Name));
            Metrics.Tally.DeclareSteps(flow.Steps.Select(static step => step.Name));
            _flow = new FlowRunner(flow, _executor, _end, _accounting.AddIteration);
        }
        _results = Channel.CreateBounded<RequestResult>(new BoundedChannelOptions(options.ResultBufferSize)
        {
            SingleWriter = false,
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _waits = new TickingWaits(_results.Reader, _cancellation.Token, tickInterval);
    }

    public RunClock Clock { get; } = new();

    /// <summary>The run's live metrics: every result counted is counted there too.</summary>
    public RunMetrics Metrics { get; }

    public bool IsCancellationRequested => _cancellation.IsCancellationRequested;

    /// <summary>Results handed out or counted so far.</summary>
    public long Completed => _accounting.Completed;

    /// <summary>Failed results handed out or counted so far.</summary>
    public long Failed => _accounting.Failed;

    /// <summary>Requests in flight (sending, or waiting to retry).</summary>
    public int InFlight => _executor.InFlight;

    /// <summary>Why the run stopped taking requests before its input ended; null while it has not.</summary>
    public string? StopReason => _accounting.StopReason;

    /// <summary>How the run kept its rate schedule.</summary>
    public ScheduleCounters Schedule { get; } = new();

    /// <summary>Starts the run over a lazy source that ends by itself.</summary>
    /// <param name="source">The requests.</param>
    /// <param name="count">How many requests the run holds (the source, this process's share of them); long.MaxValue when that is not known.</param>
    public void Start(IAsyncEnumerable<RequestSpec> source, long count = long.MaxValue)
    {
        ExecutionSegment segment = _options.Segment;
        if (_schedule.Rate is not null || _schedule.LengthSeconds is not null)
        {
            source = new ScheduledSource(source, Clock, _schedule, segment.ShareOf(count), Schedule, () => _executor.InFlight >= _options.ThrottleLimit - 1, segment);
        }

        ConcurrencyRamp? ramp = null;
        if (_schedule.Concurrency is { } limit)
        {
            source = ramp = new ConcurrencyRamp(source, limit, Clock, segment);
        }

        _gate = new IntakeGate(source);
        IAsyncEnumerable<RequestSpec> gated = _gate;
        Func<RequestResult, bool>? onCompleted = _accounting.WatchesWorkers ? OnCompleted : null;

        // The engine runs without the caller's execution context: pwsh's culture lives in AsyncLocals whose
        // change callbacks would otherwise run on every hop between threads, for every request.
        bool suppress = !ExecutionContext.IsFlowSuppressed();
        AsyncFlowControl flow = suppress ? ExecutionContext.SuppressFlow() : default;
        try
        {
            _completion = Task.Run(() => BoundedRequestEngine.RunAsync(
                gated, _executor, _options.ThrottleLimit, _results.Writer, onCompleted, _accounting.MayStart, ramp is null ? null : ramp.Release, _cancellation.Token, _accounting.CountAfterStop, _flow));
        }
        finally
        {
            if (suppress)
            {
                flow.Undo();
            }
        }
    }

    /// <summary>Starts the run over requests that <see cref="Post"/> hands in until <see cref="CompleteInput"/>.</summary>
    public void StartPushed()
    {
        _input = Channel.CreateBounded<RequestSpec>(new BoundedChannelOptions(_options.ThrottleLimit)
        {
            SingleWriter = true,
            SingleReader = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        Start(_input.Reader.ReadAllAsync());
        if (_end != long.MaxValue)
        {
            // A silent producer must not hold the run open past its end: the input closes then.
            _inputEnd = new EndTimer(_end, CompleteInput);
        }
    }

    /// <summary>
    /// Hands one request to the run. While the run is full, hands finished results to
    /// <paramref name="onResult"/> so that the run keeps moving. Returns false when the run takes no
    /// more requests (stopped, its duration is over, or it failed).
    /// </summary>
    public bool Post(RequestSpec spec, Action<RequestResult> onResult, Action? onTick = null)
    {
        ChannelWriter<RequestSpec> input = _input?.Writer ?? throw new InvalidOperationException("The run takes no pushed input.");
        if (TakesNoMore)
        {
            return false;
        }

        while (!input.TryWrite(spec))
        {
            if (TakesNoMore || !DrainAvailable(onResult))
            {
                return false;
            }

            onTick?.Invoke();
            _waits.ForInputSpaceOrResult(input);
        }

        return true;
    }

    public void CompleteInput() => _input?.Writer.TryComplete();

    // Stopped, its error budget spent, or its end come: nothing pushed now would be sent.
    private bool TakesNoMore =>
        _cancellation.IsCancellationRequested || _gate?.IsClosed == true || Stopwatch.GetTimestamp() >= _end;

    /// <summary>Hands out every result already finished; false when no more will ever come.</summary>
    public bool DrainAvailable(Action<RequestResult> onResult)
    {
        ChannelReader<RequestResult> reader = _results.Reader;
        while (reader.TryRead(out RequestResult? result))
        {
            _accounting.Account(result);
            onResult(result);
        }

        return !reader.Completion.IsCompleted;
    }

    /// <summary>Hands out results until the run ends or is stopped; rethrows an engine failure.</summary>
    public void DrainToEnd(Action<RequestResult> onResult, Action? onTick = null)
    {
        ChannelReader<RequestResult> reader = _results.Reader;
        while (true)
        {
            int drained = 0;
            while (reader.TryRead(out RequestResult? result))
            {
                _accounting.Account(result);
                onResult(result);
                drained++;
            }

            onTick?.Invoke();

            // While results stream in, they are taken in batches a millisecond apart: a wait on the channel
            // that a result ends costs a pool thread's wake-up and this thread's (measured: 0.6x the rate of
            // -Summary into Out-Null). The wait is for a quiet run, where a millisecond finds nothing.
            if (drained > 0 && !_cancellation.IsCancellationRequested)
            {
                Thread.Sleep(1);
                if (reader.TryPeek(out _))
                {
                    continue;
                }
            }

            if (!_waits.ForResult())
            {
                break;
            }
        }

        if (reader.Completion.IsFaulted && !_cancellation.IsCancellationRequested)
        {
            throw new RequestEngineException(reader.Completion.Exception!.GetBaseException());
        }
    }

    /// <summary>The first reason a flow step could not be built and was skipped (a variable without a value); null when none.</summary>
    public string? FlowProblem => _flow?.FirstProblem;

    /// <summary>The rate the schedule asks for now; 0 without a rate.</summary>
    public double TargetRequestsPerSecond => (_schedule.Rate?.ValueAt(Clock.Elapsed.TotalSeconds) ?? 0) * _options.Segment.Fraction;

    /// <summary>
    /// Seconds from the start to the schedule's end: its length, or, for a plan that a count ends sooner, when the
    /// integral of its rate reaches the count; null for a run that ends with its input.
    /// </summary>
    private double? PlanEndSeconds => _schedule.PlanEndSeconds(Schedule.Planned > 0 ? _options.Segment.Global(Schedule.Planned) : 0);

    /// <summary>True for a run on a rate schedule.</summary>
    public bool HasRate => _schedule.Rate is not null;

    /// <summary>Requests the rate schedule planned from the start to a number of seconds after it; they stop where the run's do (at its count, or its end).</summary>
    public double PlannedBefore(double seconds) =>
        Math.Min(_schedule.PlannedBefore(seconds, 0) * _options.Segment.Fraction, Schedule.Planned > 0 ? Schedule.Planned : double.PositiveInfinity);

    /// <summary>The in-flight limit ThrottleLimit stages ask for now; null without such stages.</summary>
    public int? InFlightTarget => _schedule.Concurrency is { } limit ? ConcurrencyRamp.LimitAt(limit, Clock.Elapsed.TotalSeconds) : null;

    /// <summary>Failures by kind and P50/P99 of the last interval, for a progress line (empty and null without a summary).</summary>
    public (string Failures, (double P50Ms, double P99Ms)? Latency) Glance() => _accounting.Glance();

    /// <summary>
    /// Once the run is over, the position of the first pushed item not sent; null when every item up to
    /// <paramref name="lastPosted"/> (the position of the last item posted) was.
    /// </summary>
    public long? FirstUnsentInput(long lastPosted)
    {
        long next = (_gate?.LastIndex ?? -1) + 1;
        return next > lastPosted ? null : next;
    }

    /// <summary>A warning when the rate schedule was not kept (requests dropped, or more than 1 % late); null when it was.</summary>
    public string? DescribeMissedSchedule()
    {
        ScheduleCounters schedule = Schedule;
        if (_schedule.Rate is null || schedule.Kept(Completed))
        {
            return null;
        }

        // Over the schedule's length: the caller may go on reading input after the end.
        double seconds = Math.Min(Clock.Elapsed.TotalSeconds, _schedule.LengthSeconds ?? double.MaxValue);
        return _wording.MissedSchedule(new MissedSchedule(
            _schedule.Description ?? string.Create(CultureInfo.InvariantCulture, $"{_options.RequestsPerSecond:0.###} req/s"),
            schedule.Planned,
            schedule.Late,
            schedule.Dropped,
            schedule.WaitedForSlot > 0 || (schedule.Dropped > 0 && !schedule.DroppedWithSlotsFree),
            StartLag.LateAfterMs,
            _options.ThrottleLimit,
            Completed / Math.Max(seconds, 1e-9),
            seconds));
    }

    /// <summary>
    /// The summary of the results counted so far. After a stop, the results that had come but were never
    /// handed out are counted too: those requests were sent and answered.
    /// </summary>
    public RunSummary CreateSummary()
    {
        bool stopped = _cancellation.IsCancellationRequested;
        if (stopped)
        {
            // The workers count or tally what the stop leaves them; cancelling takes them a moment.
            _woundDown = _completion is null || Task.WhenAny(_completion, Task.Delay(s_windDown)).GetAwaiter().GetResult() == _completion;
            while (_results.Reader.TryRead(out RequestResult? result))
            {
                _accounting.Account(result);
            }
        }

        return _accounting.CreateSummary(CurrentStopReason(stopped));
    }

    /// <summary>
    /// The run so far as a report for a process that follows it (see <see cref="RunReport"/>); final once the
    /// run is over. Needs a run that collects its summary.
    /// </summary>
    public string Report(long sequence, bool final) =>
        _accounting.Report(sequence, final, InFlight, Clock.Elapsed.TotalSeconds, Schedule);

    /// <summary>Stops starting requests and cancels those in flight (Ctrl+C). Safe from any thread.</summary>
    public void Cancel()
    {
        // The first stop notes what was in flight; every caller cancels, so none returns before the stop is made.
        Interlocked.CompareExchange(ref _inFlightAtStop, _executor.InFlight, -1);
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Stops the run because its consumer stopped taking results.</summary>
    public void CancelForPipeline()
    {
        _pipelineStopped = true;
        Cancel();
    }

    /// <summary>
    /// Cancels what is still in flight and releases the run. Cancelling ten thousand requests takes the
    /// engine a moment; this does not wait for it (a stopped run's summary waits up to s_windDown, to count
    /// what the workers still hold): the connections close and the client is disposed once the engine has wound down.
    /// </summary>
    public void Dispose()
    {
        _inputEnd?.Dispose();
        Metrics.Dispose();
        Cancel();
        _input?.Writer.TryComplete();
        if (_completion is null || _completion.IsCompleted)
        {
            ReleaseResources();
            return;
        }

        _completion.ContinueWith(static (_, state) => ((RequestRun)state!).ReleaseResources(), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void ReleaseResources()
    {
        _executor.Dispose();
        _cancellation.Dispose();
    }

    private string? CurrentStopReason(bool stopped)
    {
        if (StopReason is not null || !stopped)
        {
            return StopReason;
        }

        (long requests, long attempts) = _accounting.Cancelled;
        return _wording.Stopped(new RunStop(_pipelineStopped, _woundDown, requests, attempts, Volatile.Read(ref _inFlightAtStop)));
    }

    private bool OnCompleted(RequestResult result) => _accounting.OnCompleted(result, _cancellation.IsCancellationRequested);

    private void StopTakingRequests()
    {
        _gate?.Close();
        _input?.Writer.TryComplete();
    }
}
