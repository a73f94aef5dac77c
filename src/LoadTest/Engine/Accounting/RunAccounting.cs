using System;
using System.Threading;
using LoadTest.Engine.Flows;
using LoadTest.Engine.Metrics;
using LoadTest.Engine.Schedule;

namespace LoadTest.Engine.Accounting;

/// <summary>
/// What a run has done so far: results counted, the summary folded from them, and the error budget they
/// are charged against. Results handed to the caller are counted on the pipeline thread, the others on
/// the workers, so a summary-only run never wakes the caller per request.
/// </summary>
internal sealed class RunAccounting
{
    private readonly object _lock = new();
    private readonly SummaryBuilder? _summary;
    private readonly ErrorBudget? _budget;
    private readonly Predicate<RequestResult>? _handOut;
    private readonly Action _onBudgetSpent;
    private readonly IRunWording _wording;
    private readonly RunMetrics? _metrics;
    private readonly ScheduleCounters _schedule;
    private long _completed;
    private long _failed;
    private long _budgetCompleted;
    private long _budgetFailed;
    private string? _stopReason;
    private long _cancelled;
    private long _cancelledAttempts;

    /// <param name="summary">The fold for the run's summary; null when nobody asked for one.</param>
    /// <param name="budget">Failures after which the run stops starting requests; null for no limit.</param>
    /// <param name="handOut">Which results the caller wants handed out; null for all. The others are only counted.</param>
    /// <param name="onBudgetSpent">Called once, on a worker, when the budget is spent: stop taking requests.</param>
    /// <param name="wording">Words the reason a spent budget gives.</param>
    /// <param name="schedule">How the run keeps its schedule: each result counted tells whether it started late.</param>
    /// <param name="metrics">The run's live metrics, which count every result counted here; null for none.</param>
    public RunAccounting(SummaryBuilder? summary, ErrorBudget? budget, Predicate<RequestResult>? handOut, Action onBudgetSpent, IRunWording wording, ScheduleCounters schedule, RunMetrics? metrics = null)
    {
        _metrics = metrics;
        _wording = wording;
        _schedule = schedule;
        _summary = summary;
        _budget = budget;
        _handOut = handOut;
        _onBudgetSpent = onBudgetSpent;
    }

    /// <summary>Results counted so far.</summary>
    public long Completed => Volatile.Read(ref _completed);

    /// <summary>Failed results counted so far.</summary>
    public long Failed => Volatile.Read(ref _failed);

    /// <summary>Why the run stopped taking requests (its error budget is spent); null while it has not.</summary>
    public string? StopReason => Volatile.Read(ref _stopReason);

    /// <summary>True when the workers must see each result (to charge the budget, or to count what is not handed out).</summary>
    public bool WatchesWorkers => _budget is not null || _handOut is not null;

    public bool MayStart() => StopReason is null;

    /// <summary>Adds an ended flow iteration to the summary; on the worker that ran it.</summary>
    public void AddIteration(IterationEnd ended)
    {
        if (_summary is null)
        {
            return;
        }

        lock (_lock)
        {
            _summary.AddIteration(ended.ElapsedMs, ended.Failed, ended.Skipped);
        }
    }

    /// <summary>Counts a result; on the pipeline thread for those handed out, on the workers for the others.</summary>
    public void Account(RequestResult result)
    {
        lock (_lock)
        {
            Volatile.Write(ref _completed, _completed + 1);
            _schedule.CountStart(StartLag.Of(result.ElapsedMs, result.CorrectedElapsedMs));
            if (!result.Success)
            {
                Volatile.Write(ref _failed, _failed + 1);
            }

            _summary?.Add(result);
            _metrics?.Add(result);
        }
    }

    /// <summary>
    /// Runs on the workers as each request completes; true when the result is to be handed out (and is
    /// counted when it is). Once the run is stopped nothing more is handed out: see <see cref="CountAfterStop"/>.
    /// </summary>
    public bool OnCompleted(RequestResult result, bool stopped)
    {
        if (stopped)
        {
            CountAfterStop(result);
            return false;
        }

        if (_budget is not null)
        {
            Charge(result);
        }

        if (_handOut is null || _handOut(result))
        {
            return true;
        }

        Account(result);
        return false;
    }

    /// <summary>
    /// A result that a stopped run will not hand out: an answer is counted (the request was sent and answered);
    /// a request the stop cut short is only tallied, for the stop's reason.
    /// </summary>
    public void CountAfterStop(RequestResult result)
    {
        if (result.Kind != RequestErrorKind.Canceled)
        {
            Account(result);
            return;
        }

        Interlocked.Increment(ref _cancelled);
        Interlocked.Add(ref _cancelledAttempts, result.Attempts);
    }

    /// <summary>Requests the stop cut short, and their attempts.</summary>
    public (long Requests, long Attempts) Cancelled => (Interlocked.Read(ref _cancelled), Interlocked.Read(ref _cancelledAttempts));

    /// <summary>
    /// What a progress line shows beyond the counts: failures by kind, and P50/P99 of the last interval.
    /// Empty and null when the run keeps no summary.
    /// </summary>
    public (string Failures, (double P50Ms, double P99Ms)? Latency) Glance()
    {
        if (_summary is null)
        {
            return (string.Empty, null);
        }

        lock (_lock)
        {
            return (_summary.ErrorKindCounts().ToString(), _summary.LastInterval());
        }
    }

    /// <summary>The summary of the results counted so far.</summary>
    public RunSummary CreateSummary(string? stopReason)
    {
        SummaryBuilder summary = _summary ?? throw new InvalidOperationException("The run collects no summary.");
        lock (_lock)
        {
            // Late is the summary's own count, of the same results by the same rule.
            summary.Planned = _schedule.Planned;
            summary.Dropped = _schedule.Dropped;
            if (stopReason is not null)
            {
                summary.AddStopReason(stopReason);
            }

            return new RunSummary(summary);
        }
    }

    /// <summary>The run so far as a report (see <see cref="RunReport"/>); the rows changed since the last one are taken.</summary>
    public string Report(long sequence, bool final, int inFlight, double runSeconds, ScheduleCounters schedule)
    {
        SummaryBuilder summary = _summary ?? throw new InvalidOperationException("The run collects no summary.");
        lock (_lock)
        {
            summary.Planned = schedule.Planned;
            summary.Dropped = schedule.Dropped;
            if (StopReason is { } reason)
            {
                summary.AddStopReason(reason);
            }

            return RunReport.Write(summary, sequence, final, inFlight, runSeconds);
        }
    }

    private void Charge(RequestResult result)
    {
        long completed = Interlocked.Increment(ref _budgetCompleted);
        long failed = result.Success ? Interlocked.Read(ref _budgetFailed) : Interlocked.Increment(ref _budgetFailed);
        if (result.Success || StopReason is not null || _budget!.Check(completed, failed) is not { } spent)
        {
            return;
        }

        // Stop starting requests; those in flight finish and are still handed out.
        if (Interlocked.CompareExchange(ref _stopReason, _wording.BudgetSpent(spent), null) is null)
        {
            _onBudgetSpent();
        }
    }
}
