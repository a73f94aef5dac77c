using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using LoadTest.Capacity;
using LoadTest.Engine;
using LoadTest.Parameters;
using LoadTest.Run;
using LoadTest.Wire;

namespace LoadTest.Commands;

/// <summary>
/// <para type="synopsis">Finds the highest request rate a target holds within an objective (an error rate, and a P99 latency, plain or corrected).</para>
/// <para type="description">Runs steps of Invoke-BoundedRequest at a fixed rate for -StepDuration each: doubles the rate from -StartRate while steps pass, then bisects between the highest rate that passed and the lowest that failed until they are within -Precision. A step that clearly fails (its error rate well over -MaxErrorRate) is stopped early.</para>
/// </summary>
[Cmdlet(VerbsCommon.Find, "MaxRate")]
[OutputType(typeof(CapacityResult))]
public sealed class FindMaxRateCommand : RequestCommandBase
{
    private readonly object _lock = new();
    private RequestRun? _step;
    private bool _stopping;
    private bool _warned;

    /// <summary>
    /// <para type="description">The absolute http or https URI to load; "{0}" in it becomes each request's index, as in Invoke-BoundedRequest.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("Url")]
    [ValidateNotNullOrEmpty]
    public string Uri { get; set; } = string.Empty;

    /// <summary>
    /// <para type="description">The objective's latency: a step passes only if its P99 (from each request's start, the P99Ms of every summary) is at most this many milliseconds. Default: no latency objective.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0.001, double.MaxValue)]
    public double MaxP99Ms { get; set; }

    /// <summary>
    /// <para type="description">The objective's corrected latency: a step passes only if its corrected P99 (from each request's scheduled start, so that requests waiting for a busy server count) is at most this many milliseconds. Default: none.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0.001, double.MaxValue)]
    public double MaxCorrectedP99Ms { get; set; }

    /// <summary>
    /// <para type="description">The first step's rate (requests per second). Default 100.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0.01, 10_000_000.0)]
    public double StartRate { get; set; } = 100;

    /// <summary>
    /// <para type="description">The highest rate tried; if it passes, the search ends there. Default 100,000.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0.01, 10_000_000.0)]
    public double MaxRate { get; set; } = 100_000;

    /// <summary>
    /// <para type="description">How long each step holds its rate (a TimeSpan, seconds, or '10s'). Longer steps give steadier answers. Default 10 seconds.</para>
    /// </summary>
    [Parameter]
    [DurationTransformation]
    public TimeSpan StepDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <para type="description">Stop when the lowest failing rate is within this share above the highest passing one: a fraction (0.05) or a percentage ('5%'). Default 0.05.</para>
    /// </summary>
    [Parameter]
    [PercentageTransformation]
    [ValidateRange(0.001, 1.0)]
    public double Precision { get; set; } = 0.05;

    /// <summary>
    /// <para type="description">The most steps the search makes. Default 20.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int MaxSteps { get; set; } = 20;

    /// <summary>
    /// <para type="description">How long to send at -StartRate before the first step, not judged: a cold start (JIT, connection pools, the target's caches) would otherwise count against the first step. Default 2 seconds; 0 for none.</para>
    /// </summary>
    [Parameter]
    [DurationTransformation]
    public TimeSpan WarmUp { get; set; } = TimeSpan.FromSeconds(2);

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        if (MaxRate < StartRate || StepDuration <= TimeSpan.Zero)
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(
                ErrorIds.InvalidCapacitySearch,
                ErrorCategory.InvalidArgument,
                this,
                MaxRate < StartRate ? "-MaxRate must be at least -StartRate." : "-StepDuration must be longer than zero."));
        }

        double maxErrorRate = MyInvocation.BoundParameters.ContainsKey(nameof(MaxErrorRate)) ? MaxErrorRate : 0.01;
        var objective = new CapacityObjective(maxErrorRate, MaxP99Ms > 0 ? MaxP99Ms : null, MaxCorrectedP99Ms > 0 ? MaxCorrectedP99Ms : null);
        var search = new CapacitySearch(StartRate, MaxRate, Precision, MaxSteps);
        var steps = new List<CapacityStep>();
        if (WarmUp > TimeSpan.Zero)
        {
            WriteProgress(new ProgressRecord(1, "Find-MaxRate", string.Create(CultureInfo.CurrentCulture, $"Warming up: {StartRate:N0} req/s for {WarmUp.TotalSeconds:0.#} s")));
            if (RunStep(StartRate, WarmUp, maxErrorRate: 1) is not RunSummary warm)
            {
                return;
            }

            WriteVerbose(string.Create(CultureInfo.InvariantCulture, $"Warm-up: {warm.Count} requests, {warm.Failed} failed, P99 {warm.P99Ms:0.###} ms, corrected P99 {warm.CorrectedLatency.P99Ms:0.###} ms (not judged)."));
        }

        while (search.NextRate() is double rate)
        {
            ReportProgress(steps.Count + 1, rate, search);
            if (RunStep(rate, StepDuration, maxErrorRate) is not RunSummary summary)
            {
                return;
            }

            (bool passed, string? reason) = objective.Judge(summary);
            search.Record(rate, passed);
            var step = new CapacityStep(steps.Count + 1, rate, summary, passed, reason);
            steps.Add(step);
            WriteVerbose(string.Create(
                CultureInfo.InvariantCulture,
                $"Step {step.Step}: {rate:0.###} req/s, achieved {step.AchievedRequestsPerSecond:0.#}, P99 {step.P99Ms:0.###} ms, corrected P99 {step.CorrectedP99Ms:0.###} ms, error rate {step.ErrorRate:0.####}: {(passed ? "passed" : "failed, " + reason)}."));
        }

        WriteProgress(new ProgressRecord(1, "Find-MaxRate", "Done") { RecordType = ProgressRecordType.Completed });
        WriteObject(new CapacityResult(Uri, objective.ToString(), search.HighestPassed, search.LowestFailed, search.EndReason ?? "done", steps));
    }

    /// <inheritdoc/>
    protected override void StopProcessing()
    {
        lock (_lock)
        {
            _stopping = true;
            _step?.Cancel();
        }
    }

    /// <summary>One step: a run at this rate for this long, with the request parameters given here; null when stopped.</summary>
    private RunSummary? RunStep(double rate, TimeSpan duration, double maxErrorRate)
    {
        RunParameters parameters = ToRunParameters() with
        {
            Uri = Uri,
            RequestsPerSecond = rate,
            Duration = duration,
            Summary = true,
            Output = ResultOutput.None,

            // Stop a step early only when it clearly fails: well over the objective's error rate, not just over it.
            MaxErrorRate = Math.Min(1, Math.Max(maxErrorRate * 5, maxErrorRate + 0.05)),
        };
        ErrorRecord? error = RunPlan.TryCreate(parameters, out RunPlan? plan);
        IAsyncEnumerable<RequestSpec>? source = null;
        error ??= plan!.TryCreateSource(out source);
        if (error is not null)
        {
            ThrowTerminatingError(error);
        }

        if (!_warned)
        {
            _warned = true;
            foreach (string warning in plan!.Warnings)
            {
                WriteWarning(warning);
            }
        }

        using RequestRun run = plan!.Start(source, TimeSpan.Zero, wording: new StepWording(RunWording.Instance, maxErrorRate));
        lock (_lock)
        {
            if (_stopping)
            {
                return null;
            }

            _step = run;
        }

        try
        {
            // A spent error budget is how a failing step stops early; its summary says so.
            run.DrainToEnd(static _ => { });
            return _stopping ? null : run.CreateSummary();
        }
        catch (RequestEngineException ex)
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(ex, ErrorIds.EngineFailed, ErrorCategory.NotSpecified, null));
            return null;
        }
        finally
        {
            lock (_lock)
            {
                _step = null;
            }
        }
    }

    private void ReportProgress(int step, double rate, CapacitySearch search) => WriteProgress(new ProgressRecord(
        1,
        "Find-MaxRate",
        string.Create(
            CultureInfo.CurrentCulture,
            $"Step {step}: {rate:N0} req/s for {StepDuration.TotalSeconds:0.#} s; highest passed {(search.HighestPassed > 0 ? search.HighestPassed.ToString("N0", CultureInfo.CurrentCulture) : "none yet")}, lowest failed {(search.LowestFailed is { } failed ? failed.ToString("N0", CultureInfo.CurrentCulture) : "none yet")}")));
}
