using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Remoting;
using System.Management.Automation.Runspaces;
using System.Text.Json;
using System.Threading;
using LoadTest.Engine.Accounting;

namespace LoadTest.Run;

/// <summary>
/// One session's share of a fanned-out run: the remote Invoke-BoundedRequest, what it has reported so far (its
/// summary as of its last report, and each time-series row as last reported), and whether it finished or was
/// lost. Its streams are read on the pipeline thread; the remoting threads only wake that thread.
/// </summary>
internal sealed class FleetWorker : IDisposable
{
    // Progress from the session would pile up unread in its stream: the caller shows the fleet's own. Warnings come
    // back among the output, so that the session's host does not show them too: the caller shows them, named.
    private const string Script = @"
param([hashtable] $Parameters)
$ProgressPreference = 'SilentlyContinue'
Invoke-BoundedRequest @Parameters 3>&1";

    private const string WarningType = "Deserialized.System.Management.Automation.WarningRecord";

    private readonly PowerShell _shell;
    private readonly PSDataCollection<PSObject> _output = new();
    private readonly SortedDictionary<DateTime, JsonElement> _rows = new();
    private readonly Action _wake;
    private readonly long _createdAt = Stopwatch.GetTimestamp();
    private IAsyncResult? _pending;
    private JsonElement? _report;
    private double _rowSeconds;
    private long _reportedAt;
    private double _rate;
    private string? _lastError;
    private bool _ended;
    private TimeSpan _silenceAtLoss;

    /// <param name="session">Where the share runs; the module was imported there by the preflight.</param>
    /// <param name="index">The share's number, from 0.</param>
    /// <param name="parameters">The share's Invoke-BoundedRequest parameters.</param>
    /// <param name="wake">Wakes the pipeline thread: called on remoting threads as data or a state change arrives.</param>
    public FleetWorker(PSSession session, int index, Hashtable parameters, Action wake)
    {
        Index = index;
        Name = FleetPreflight.Describe(session);
        _wake = wake;
        _shell = PowerShell.Create();
        _shell.Runspace = session.Runspace;
        _shell.AddScript(Script).AddArgument(parameters);
        _shell.InvocationStateChanged += (_, _) => _wake();
        _shell.Streams.Information.DataAdded += (_, _) => _wake();
        _shell.Streams.Error.DataAdded += (_, _) => _wake();
        _output.DataAdded += (_, _) => _wake();
    }

    public int Index { get; }

    /// <summary>The session, as "Name (ComputerName)".</summary>
    public string Name { get; }

    public FleetWorkerState State { get; private set; } = FleetWorkerState.Running;

    /// <summary>Why the share was lost; null unless it was.</summary>
    public string? LossReason { get; private set; }

    /// <summary>Whether the final report came: the share ran to its end and its summary is whole.</summary>
    public bool HasFinalReport => _report is { } report && report.TryGetProperty("Final", out JsonElement final) && final.ValueKind == JsonValueKind.True;

    /// <summary>Whether any report came.</summary>
    public bool HasReported => _report is not null;

    /// <summary>Requests completed by the last report.</summary>
    public long Count => (long)Number("Count");

    public long Failed => (long)Number("Failed");

    /// <summary>Requests in flight at the last report.</summary>
    public long InFlight => (long)Number("InFlight");

    /// <summary>Requests of the share's schedule dropped by the last report.</summary>
    public long Dropped => (long)Number("Dropped");

    /// <summary>Seconds into its run at the last report (on the session's clock).</summary>
    public double RunSeconds => Number("RunSeconds");

    /// <summary>When the share's run started (its first report's StartTime, local time); null before any report.</summary>
    public DateTime? StartTime => Summary() is { } summary ? summary.Time("StartTime") : null;

    /// <summary>Completions per second between the last two reports.</summary>
    public double Rate => _rate;

    /// <summary>Time since the last report arrived (since the share started, before the first).</summary>
    public TimeSpan Silence => Stopwatch.GetElapsedTime(_reportedAt != 0 ? _reportedAt : _createdAt);

    /// <summary>How long the share had been silent when it was lost; the silence so far while it runs.</summary>
    public TimeSpan SilenceAtLoss => State == FleetWorkerState.Lost ? _silenceAtLoss : Silence;

    /// <summary>
    /// True for a share whose command ended without a report and without a broken session: it refused its
    /// parameters (a socket path missing there, say) before it started, so it sent nothing.
    /// </summary>
    public bool NeverStarted { get; private set; }

    /// <summary>Whether the remote command has ended (completed, failed or stopped).</summary>
    public bool HasEnded => _pending?.IsCompleted ?? true;

    public void Start() => _pending = _shell.BeginInvoke<PSObject, PSObject>(null, _output);

    /// <summary>Waits at most <paramref name="bound"/> for the remote command to end.</summary>
    public void WaitForEnd(TimeSpan bound) => _pending?.AsyncWaitHandle.WaitOne(bound);

    /// <summary>
    /// Hands on what arrived: results (with -Output), errors (named by session), warnings (as the session wrote
    /// them), and reports. On the pipeline thread.
    /// </summary>
    public void Take(Action<object> onOutput, Action<ErrorRecord> onError, Action<string> onWarning)
    {
        foreach (InformationRecord record in _shell.Streams.Information.ReadAll())
        {
            object? data = record.MessageData is PSObject wrapped ? wrapped.BaseObject : record.MessageData;
            if (record.Tags.Contains(RunReport.Tag) && data is string json)
            {
                Accept(json);
            }
        }

        foreach (ErrorRecord error in _shell.Streams.Error.ReadAll())
        {
            _lastError = error.Exception?.Message ?? error.ToString();
            onError(Named(error));
        }

        foreach (WarningRecord warning in _shell.Streams.Warning.ReadAll())
        {
            onWarning(warning.Message);
        }

        // Verbose and debug lines of the share are its own business; they must not pile up unread.
        _shell.Streams.Verbose.Clear();
        _shell.Streams.Debug.Clear();
        foreach (PSObject item in _output.ReadAll())
        {
            if (item.BaseObject is WarningRecord || item.TypeNames.Contains(WarningType))
            {
                // A warning that came through remoting keeps its text as InformationalRecord_Message, and as its ToString().
                onWarning(item.BaseObject is WarningRecord live ? live.Message : item.ToString());
                continue;
            }

            onOutput(item);
        }
    }

    /// <summary>
    /// Once the remote command has ended: finished with its final report, or lost (it failed, or ended without
    /// one). Reports a failure of the session itself as an error. On the pipeline thread.
    /// </summary>
    public void End(Action<ErrorRecord> onError)
    {
        if (_ended || _pending is null)
        {
            return;
        }

        _ended = true;
        string? failure = null;
        try
        {
            _shell.EndInvoke(_pending);
        }
        catch (RuntimeException ex) when (ex is PSRemotingTransportException or PSRemotingDataStructureException || _shell.Runspace.RunspaceStateInfo.State == RunspaceState.Broken)
        {
            // The session died: its process was killed, or the connection to it broke.
            failure = "died: " + ex.Message;
            onError(Parameters.ErrorRecordFactory.Create(
                new RemoteException($"Session {Name} died ({ex.Message}): it is declared lost; the summary keeps its last report.", ex),
                Parameters.ErrorIds.RemoteSessionLost,
                ErrorCategory.ConnectionError,
                Name));
        }
        catch (RuntimeException ex)
        {
            // The remote command failed: an error the script did not survive.
            failure = "failed: " + ex.Message;
            onError(Named(ex.ErrorRecord));
        }
        catch (InvalidOperationException ex)
        {
            failure = "failed: " + ex.Message;
            onError(SessionError(ex));
        }

        if (State != FleetWorkerState.Running)
        {
            return;
        }

        if (HasFinalReport)
        {
            State = FleetWorkerState.Finished;
            return;
        }

        NeverStarted = !HasReported && failure is null;

        Lose(failure ?? (_lastError is not null ? $"failed: {_lastError}" : "ended without its final report"));
    }

    /// <summary>A share whose final report came, and whose command lingers (its metrics wait for a last scrape): finished, not waited for.</summary>
    public void Release()
    {
        if (State == FleetWorkerState.Running && HasFinalReport)
        {
            State = FleetWorkerState.Finished;
        }
    }

    /// <summary>Declares lost a share whose command could not even be started: it sent nothing.</summary>
    public void Refuse(string reason)
    {
        NeverStarted = true;
        Lose(reason);
    }

    /// <summary>
    /// Declares the share lost and lets its session go: not waited for, and not stopped, since a silent session may
    /// never answer a stop (see <see cref="StopIfAnswering"/>). Should it come back, it runs on to its share's end, unheard.
    /// </summary>
    public void Lose(string reason)
    {
        if (State != FleetWorkerState.Running)
        {
            return;
        }

        _silenceAtLoss = Silence;
        State = FleetWorkerState.Lost;
        LossReason = reason;
    }

    /// <summary>
    /// Asks the share to stop, without waiting, when it reported within <paramref name="answering"/>. A stop that a
    /// session never acknowledges arms a 60 s timer in PowerShell's out-of-process remoting client which, once the
    /// session's connection has closed (its process died), throws on a thread of its own and ends this process: a
    /// share that went silent is let go instead.
    /// </summary>
    public void StopIfAnswering(TimeSpan answering)
    {
        if (HasEnded || Silence > answering)
        {
            return;
        }

        try
        {
            _shell.BeginStop(null, null);
        }
        catch (Exception ex) when (ex is InvalidOperationException or PSRemotingTransportException or ObjectDisposedException)
        {
            // Already stopping or gone.
        }
    }

    /// <summary>
    /// The share's summary as of its last report, its rows as last reported; null before any report. Read by the
    /// same fold as every summary.
    /// </summary>
    public ISummaryFields? Summary() => _report is { } report ? new JsonSummaryFields(report, _rows.Values) : null;

    public void Dispose()
    {
        if (HasEnded)
        {
            _shell.Dispose();
            _output.Dispose();
            return;
        }

        // Disposing a running command waits for it to stop, which a frozen session never does: release it when it ends.
        PowerShell shell = _shell;
        PSDataCollection<PSObject> output = _output;
        ThreadPool.RegisterWaitForSingleObject(
            _pending!.AsyncWaitHandle,
            (_, _) =>
            {
                try
                {
                    shell.Dispose();
                    output.Dispose();
                }
                catch (Exception)
                {
                    // Nobody is left to tell.
                }
            },
            null,
            Timeout.Infinite,
            executeOnlyOnce: true);
    }

    private void Accept(string json)
    {
        JsonElement report;
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            report = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return;
        }

        if (_report is { } previous)
        {
            if (report.GetProperty("Sequence").GetInt64() <= previous.GetProperty("Sequence").GetInt64())
            {
                return;
            }

            double seconds = report.GetProperty("RunSeconds").GetDouble() - previous.GetProperty("RunSeconds").GetDouble();
            if (seconds > 0)
            {
                _rate = (report.GetProperty("Count").GetDouble() - previous.GetProperty("Count").GetDouble()) / seconds;
            }
        }

        _report = report;
        _reportedAt = Stopwatch.GetTimestamp();
        if (report.TryGetProperty("TimeSeries", out JsonElement rows) && rows.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement row in rows.EnumerateArray())
            {
                var fields = new JsonSummaryFields(row);
                double interval = fields.Number("IntervalSeconds");
                if (interval != _rowSeconds)
                {
                    // The share's series doubled its interval: it sent all its rows again, on the new boundaries.
                    _rows.Clear();
                    _rowSeconds = interval;
                }

                _rows[fields.Time("StartTime")] = row.Clone();
            }
        }
    }

    private double Number(string name) =>
        _report is { } report && report.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0;

    // The session's own error, with its ErrorId, said to come from this session.
    private ErrorRecord Named(ErrorRecord error)
    {
        var named = new ErrorRecord(error, null)
        {
            ErrorDetails = new ErrorDetails($"Session {Name}: {error.ErrorDetails?.Message ?? error.Exception?.Message ?? error.ToString()}"),
        };
        return named;
    }

    private ErrorRecord SessionError(Exception ex) => Parameters.ErrorRecordFactory.Create(
        new RemoteException($"Session {Name}: {ex.Message}", ex),
        Parameters.ErrorIds.RemoteRunFailed,
        ErrorCategory.ConnectionError,
        Name);
}
