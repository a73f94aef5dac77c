using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Remoting;
using System.Management.Automation.Runspaces;
using System.Threading;
using LoadTest.Engine.Accounting;
using LoadTest.Parameters;

namespace LoadTest.Run;

/// <summary>
/// Runs one Invoke-BoundedRequest per PowerShell session, each on its own share of the indexes, and
/// merges their summaries into one. The sessions must be able to import the module.
/// </summary>
internal sealed class RemoteFanOut : IDisposable
{
    private const string RemoteScript = @"
param([string] $Module, [hashtable] $Parameters)
if (-not (Get-Command Invoke-BoundedRequest -ErrorAction Ignore)) { Import-Module $Module -ErrorAction Stop }
Invoke-BoundedRequest @Parameters -SummaryVariable loadTestSummary
$loadTestSummary";

    private readonly List<(string Name, PowerShell Shell, IAsyncResult Pending, PSDataCollection<PSObject> Output)> _runs = new();
    private int _stopped;

    /// <summary>Starts the share of every session: indexes are split into consecutive, non-overlapping ranges.</summary>
    public RemoteFanOut(IReadOnlyList<PSSession> sessions, RunPlan plan, string module)
    {
        long share = plan.Count / sessions.Count;
        long extra = plan.Count % sessions.Count;
        long next = plan.StartIndex;
        for (int i = 0; i < sessions.Count; i++)
        {
            long mine = share + (i < extra ? 1 : 0);
            if (mine == 0)
            {
                continue;
            }

            Hashtable parameters = plan.ForSession(mine, next);
            next += mine;

            PowerShell shell = PowerShell.Create();
            shell.Runspace = sessions[i].Runspace;
            shell.AddScript(RemoteScript).AddArgument(module).AddArgument(parameters);
            var collected = new PSDataCollection<PSObject>();
            string sessionName = $"{sessions[i].Name} ({sessions[i].ComputerName})";
            _runs.Add((sessionName, shell, shell.BeginInvoke<PSObject, PSObject>(null, collected), collected));
        }
    }

    /// <summary>
    /// Waits for every session; hands out their results (with -Output) and their errors, and returns the
    /// merged summary. Runs on the pipeline thread.
    /// </summary>
    public RunSummary? Complete(Action<object> onOutput, Action<ErrorRecord> onError)
    {
        var merger = new SummaryBuilder();
        foreach (var run in _runs)
        {
            string where = $"Session {run.Name}";
            try
            {
                run.Shell.EndInvoke(run.Pending);
            }
            catch (RuntimeException ex)
            {
                onError(new ErrorRecord(ex.ErrorRecord, ex));
                merger.AddStopReason($"{where} failed: {ex.Message}");
            }
            catch (Exception ex) when (ex is InvalidOperationException or PSRemotingTransportException)
            {
                onError(ErrorRecordFactory.Create(ex, ErrorIds.RemoteRunFailed, ErrorCategory.ConnectionError, run.Name));
                merger.AddStopReason($"{where} failed: {ex.Message}");
            }

            foreach (ErrorRecord error in run.Shell.Streams.Error)
            {
                onError(error);
            }

            foreach (PSObject item in run.Output)
            {
                SummaryReader reader = SummaryReader.Over(item);
                if (reader.IsSummary)
                {
                    merger.AddSummary(reader);
                }
                else
                {
                    onOutput(item);
                }
            }
        }

        return merger.Inputs > 0 ? new RunSummary(merger) : null;
    }

    /// <summary>Stops every session's run. Safe from any thread.</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        foreach (var run in _runs)
        {
            run.Shell.BeginStop(null, null);
        }
    }

    public void Dispose()
    {
        foreach (var run in _runs)
        {
            run.Shell.Dispose();
            run.Output.Dispose();
        }
    }
}
