using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Remoting;
using System.Management.Automation.Runspaces;
using System.Threading;
using LoadTest.Engine;

namespace LoadTest.CommandSupport;

/// <summary>
/// Runs one Invoke-BoundedRequest per PowerShell session, each on its own share of the indexes, and
/// merges their summaries into one. The sessions must be able to import the module.
/// </summary>
internal sealed class RemoteFanOut : IDisposable
{
    private const string RemoteScript = @"
param([string] $Module, [hashtable] $Parameters)
if (-not (Get-Command Invoke-BoundedRequest -ErrorAction Ignore)) { Import-Module $Module -ErrorAction Stop }
Invoke-BoundedRequest @Parameters";

    /// <summary>Parameters that belong to the fan-out itself and are not passed on.</summary>
    private static readonly HashSet<string> s_local = new(StringComparer.OrdinalIgnoreCase)
    {
        "Session", "RemoteModule", "Count", "StartIndex", "Summary", "Output",
    };

    private readonly List<(string Name, PowerShell Shell, IAsyncResult Pending, PSDataCollection<PSObject> Output)> _runs = new();
    private int _stopped;

    /// <summary>Starts the share of every session: indexes are split into consecutive, non-overlapping ranges.</summary>
    public RemoteFanOut(
        IReadOnlyList<PSSession> sessions,
        IDictionary boundParameters,
        long count,
        long startIndex,
        string module,
        ResultOutput output)
    {
        long share = count / sessions.Count;
        long extra = count % sessions.Count;
        long next = startIndex;
        for (int i = 0; i < sessions.Count; i++)
        {
            long mine = share + (i < extra ? 1 : 0);
            if (mine == 0)
            {
                continue;
            }

            var parameters = new Hashtable(StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry entry in boundParameters)
            {
                string name = (string)entry.Key;
                if (!s_local.Contains(name))
                {
                    // Switches travel as booleans: a deserialized SwitchParameter does not bind back.
                    parameters[name] = entry.Value is SwitchParameter flag ? flag.IsPresent : entry.Value;
                }
            }

            parameters["Count"] = mine;
            parameters["StartIndex"] = next;
            parameters["Summary"] = true;
            parameters["Output"] = output.ToString();
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
    /// Waits for every session; hands out their results (with -Output) and their errors, and returns
    /// the merged summary. Runs on the pipeline thread.
    /// </summary>
    public RunSummary? Complete(Action<PSObject> onResult, Action<ErrorRecord> onError)
    {
        var merger = new SummaryMerger();
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
                    reader.AddSummaryTo(merger);
                }
                else
                {
                    onResult(item);
                }
            }
        }

        return merger.Inputs > 0 ? merger.ToSummary() : null;
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
