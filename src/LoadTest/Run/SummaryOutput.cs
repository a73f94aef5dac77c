using System;
using System.Management.Automation;
using LoadTest.Engine;

namespace LoadTest.Run;

/// <summary>
/// Where a run's summary goes: built once, into -SummaryVariable however the run ends, and to the pipeline
/// only when no results go there (one type per stream, so Export-Csv gets no stray row); otherwise to the
/// information stream (tag RunSummary) and the host.
/// </summary>
internal sealed class SummaryOutput
{
    private readonly PSCmdlet _command;
    private readonly RunPlan _plan;
    private readonly string? _variable;
    private RunSummary? _summary;

    public SummaryOutput(PSCmdlet command, RunPlan plan, string? variable)
    {
        _command = command;
        _plan = plan;
        _variable = variable;
    }

    /// <summary>Whether the summary was published (the run ended, however it did).</summary>
    public bool IsPublished { get; private set; }

    /// <summary>Builds the summary once and fills -SummaryVariable; after Ctrl+C, when the pipeline takes nothing more, also shows the run on the host.</summary>
    public void Publish(RequestRun run, bool stopped)
    {
        IsPublished = true;
        RunSummary? summary = _plan.CollectsSummary ? _summary ??= run.CreateSummary() : null;
        if (_variable is not null)
        {
            _command.SessionState.PSVariable.Set(_variable, summary);
        }

        // A run that reports (a session's share) is followed by its caller, who shows the whole run instead.
        if (stopped && _plan.ReportInterval == TimeSpan.Zero)
        {
            _command.Host.UI.WriteLine(summary?.ToText() ?? RunWording.Finished(run.Completed, run.Failed, run.Clock.Elapsed.TotalSeconds));
        }
    }

    /// <summary>Publishes a merged summary (of a run over sessions): -SummaryVariable, and after Ctrl+C the host.</summary>
    public void Publish(RunSummary merged, bool stopped)
    {
        IsPublished = true;
        _summary = merged;
        if (_variable is not null)
        {
            _command.SessionState.PSVariable.Set(_variable, merged);
        }

        if (stopped)
        {
            _command.Host.UI.WriteLine(merged.ToText());
        }
    }

    /// <summary>Writes the summary published before (or <paramref name="summary"/>, a merged one) where -Output leaves room for it.</summary>
    public void Write(RunSummary? summary = null)
    {
        summary ??= _summary ?? throw new InvalidOperationException("No summary was published.");
        if (_plan.Output == ResultOutput.None)
        {
            _command.WriteObject(summary);
            return;
        }

        _command.WriteInformation(summary, new[] { nameof(RunSummary) });
        _command.Host.UI.WriteLine(summary.ToText());
    }
}
