using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;
using LoadTest.Engine.Schedule;
using LoadTest.Parameters;

namespace LoadTest.Run;

/// <summary>
/// One run over PowerShell sessions, as one run: after a preflight (every session runs this module's version),
/// each session runs one execution segment of the run's one schedule and reports every second; the caller
/// follows them (live progress, results, errors), declares lost a session that dies or stays silent past
/// <see cref="LostAfter"/>, never waits for it past that, and merges what every session reported.
/// </summary>
internal sealed class RemoteFanOut : IDisposable
{
    /// <summary>How often each session reports its share so far.</summary>
    public static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(1);

    /// <summary>A session silent this long is lost: five reports missed, longer than a busy machine's stall.</summary>
    public static readonly TimeSpan LostAfter = TimeSpan.FromSeconds(5);

    // How long a session may take to import the module and say its version (a cold pwsh on a busy machine is slow).
    private static readonly TimeSpan s_preflightBound = TimeSpan.FromSeconds(60);

    // How often the pipeline thread looks at the sessions when nothing wakes it.
    private static readonly TimeSpan s_tick = TimeSpan.FromMilliseconds(250);

    // How far ahead the shares' common start is set: a command takes a session a few tens of milliseconds to get and bind.
    private static readonly TimeSpan s_startLead = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan s_startLeadPerSession = TimeSpan.FromMilliseconds(50);

    // A share that reported this recently answers a stop; one silent longer may be frozen, and is let go unstopped.
    private static readonly TimeSpan s_answering = TimeSpan.FromSeconds(2.5);

    // How long a stop (Ctrl+C) waits for the shares to end, so that what they may have sent unseen is bounded up to then.
    private static readonly TimeSpan s_stopWait = TimeSpan.FromSeconds(2);

    private readonly FleetShares _shares;
    private readonly FleetProgress? _progress;
    private readonly List<FleetWorker> _workers = new();
    private readonly AutoResetEvent _wake = new(false);
    private readonly ManualResetEvent _stop = new(false);
    private readonly HashSet<string> _said;
    private readonly List<ErrorRecord> _startErrors = new();
    private int _stopped;

    /// <param name="shares">The run shared out over the sessions.</param>
    /// <param name="progress">The progress bar; null for none.</param>
    /// <param name="said">Warnings the caller gave already (about the run's parameters): a session's same warning is not repeated.</param>
    public RemoteFanOut(FleetShares shares, FleetProgress? progress, IEnumerable<string> said)
    {
        _shares = shares;
        _progress = progress;
        _said = new HashSet<string>(said, StringComparer.Ordinal);
    }

    /// <summary>
    /// Checks every session, then starts every share that holds requests. Returns the errors of the sessions
    /// that failed the check: then nothing was started. On the pipeline thread.
    /// </summary>
    /// <param name="sessions">The sessions, one share each.</param>
    /// <param name="module">What a session imports when it does not have the module: a name or a path there.</param>
    /// <param name="version">This module's version; each session must run it.</param>
    /// <param name="parametersFor">The Invoke-BoundedRequest parameters of a share, and when (UTC) the shares start together.</param>
    public List<ErrorRecord> Start(IReadOnlyList<PSSession> sessions, string module, Version version, Func<ExecutionSegment, DateTime, Hashtable> parametersFor)
    {
        List<ErrorRecord> refused = FleetPreflight.Check(sessions, module, version, s_preflightBound, _stop);
        if (refused.Count > 0)
        {
            return refused;
        }

        // One schedule in time too: every share starts at the same moment, once all have had time to get the command.
        DateTime startAt = DateTime.UtcNow + s_startLead + (s_startLeadPerSession * sessions.Count);

        for (int i = 0; i < sessions.Count && Volatile.Read(ref _stopped) == 0; i++)
        {
            if (_shares.CountOf(i) == 0)
            {
                // Fewer requests than sessions: this one has none.
                continue;
            }

            var worker = new FleetWorker(sessions[i], i, parametersFor(_shares.SegmentOf(i), startAt), Wake);
            lock (_workers)
            {
                _workers.Add(worker);
            }

            try
            {
                worker.Start();
            }
            catch (Exception ex) when (ex is InvalidOperationException or InvalidRunspaceStateException or RuntimeException)
            {
                worker.Refuse($"could not start: {ex.Message}");
                _startErrors.Add(ErrorRecordFactory.Create(
                    new InvalidOperationException($"Session {worker.Name} could not start its share: {ex.Message}", ex),
                    ErrorIds.RemoteRunFailed,
                    ErrorCategory.ConnectionError,
                    worker.Name));
            }
        }

        return refused;
    }

    /// <summary>How far apart the shares started (the first to the last that reported); null before two reported.</summary>
    public TimeSpan? StartSpread
    {
        get
        {
            DateTime first = DateTime.MaxValue;
            DateTime last = DateTime.MinValue;
            int started = 0;
            lock (_workers)
            {
                foreach (FleetWorker worker in _workers)
                {
                    if (worker.StartTime is { } start)
                    {
                        first = start < first ? start : first;
                        last = start > last ? start : last;
                        started++;
                    }
                }
            }

            return started > 1 ? last - first : null;
        }
    }

    /// <summary>
    /// Follows the shares until each has ended or was lost (or the caller is stopped), handing on their results,
    /// errors and warnings and showing progress; returns the merged summary. On the pipeline thread.
    /// </summary>
    public RunSummary Complete(Action<object> onOutput, Action<ErrorRecord> onError, Action<string> onWarning, Action<ProgressRecord>? onProgress)
    {
        List<FleetWorker> workers;
        lock (_workers)
        {
            workers = new List<FleetWorker>(_workers);
        }

        foreach (ErrorRecord error in _startErrors)
        {
            onError(error);
        }

        _startErrors.Clear();

        bool stopped;
        while (true)
        {
            stopped = Volatile.Read(ref _stopped) != 0;
            bool running = false;
            foreach (FleetWorker worker in workers)
            {
                // Whether it has ended is read first: what it sent before it ended is then all here.
                bool ended = worker.HasEnded;
                worker.Take(onOutput, onError, Named(worker, onWarning));
                if (worker.State != FleetWorkerState.Running)
                {
                    continue;
                }

                if (ended)
                {
                    worker.End(onError);
                }
                else if (worker.HasFinalReport)
                {
                    // Its numbers are all here; what it may still do (wait for a last metrics scrape) is not waited for long.
                    if (worker.Silence > LostAfter)
                    {
                        worker.Release();
                    }
                }
                else if (worker.Silence > LostAfter)
                {
                    worker.Lose($"no report for {LostAfter.TotalSeconds:0} s: its process stopped, or its machine or network stalled");
                    onError(ErrorRecordFactory.Create(
                        new TimeoutException($"Session {worker.Name} sent no report for {LostAfter.TotalSeconds:0} s (its process stopped, or its machine or network stalled): it is declared lost and not waited for, nor stopped; the summary keeps its last report."),
                        ErrorIds.RemoteSessionLost,
                        ErrorCategory.OperationTimeout,
                        worker.Name));
                }

                running |= worker.State == FleetWorkerState.Running;
            }

            if (stopped || !running)
            {
                break;
            }

            if (onProgress is not null && _progress?.Next(workers) is { } record)
            {
                onProgress(record);
            }

            WaitHandle.WaitAny(new WaitHandle[] { _wake, _stop }, s_tick);
        }

        if (stopped)
        {
            // A stopped share sends no final report, but once it has ended it sends nothing more either.
            DateTime deadline = DateTime.UtcNow + s_stopWait;
            foreach (FleetWorker worker in workers)
            {
                TimeSpan left = deadline - DateTime.UtcNow;
                if (worker.State == FleetWorkerState.Running && left > TimeSpan.Zero)
                {
                    worker.WaitForEnd(left);
                }

                worker.Take(onOutput, onError, Named(worker, onWarning));
            }
        }
        else if (onProgress is not null && _progress is not null)
        {
            onProgress(FleetProgress.Completed);
        }

        return FleetSummary.Merge(_shares, workers, stopped, ReportInterval);
    }

    /// <summary>Stops every share without waiting for any (Ctrl+C). Safe from any thread.</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        Signal(_stop);
        lock (_workers)
        {
            foreach (FleetWorker worker in _workers)
            {
                worker.StopIfAnswering(s_answering);
            }
        }
    }

    public void Dispose()
    {
        lock (_workers)
        {
            foreach (FleetWorker worker in _workers)
            {
                worker.Dispose();
            }

            _workers.Clear();
        }

        _wake.Dispose();
        _stop.Dispose();
    }

    // A session's warning, named by it; one the caller gave already is not said again.
    private Action<string> Named(FleetWorker worker, Action<string> onWarning) => message =>
    {
        if (!_said.Contains(message))
        {
            onWarning($"Session {worker.Name}: {message}");
        }
    };

    // Called on remoting threads, perhaps after Dispose: it must never throw there.
    private void Wake() => Signal(_wake);

    private static void Signal(EventWaitHandle handle)
    {
        try
        {
            handle.Set();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
