using System;
using System.Collections.Generic;
using System.Globalization;
using LoadTest.Engine.Accounting;

namespace LoadTest.Run;

/// <summary>
/// The summary of a fanned-out run: every share's last report merged by the one fold, with the plan and the
/// target of the whole run. A share that was lost keeps what it last reported; the rest of its plan is counted
/// as dropped, and what it may have sent unseen since that report is said (Unreported), bounded by its schedule.
/// </summary>
internal static class FleetSummary
{
    /// <param name="shares">The run's shares.</param>
    /// <param name="workers">The sessions' shares, ended, lost, or (after a stop) still running.</param>
    /// <param name="stopped">True when the caller was stopped (Ctrl+C) before every share ended.</param>
    /// <param name="reportInterval">How often the shares report.</param>
    public static RunSummary Merge(FleetShares shares, IReadOnlyList<FleetWorker> workers, bool stopped, TimeSpan reportInterval)
    {
        var merged = new SummaryBuilder();
        int unreportedLimits = 0;
        long unreportedByStop = 0;
        foreach (FleetWorker worker in workers)
        {
            if (worker.Summary() is { } summary)
            {
                merged.AddSummary(summary);
            }
            else
            {
                unreportedLimits += shares.ThrottleLimitOf(worker.Index);
            }

            if (worker.State == FleetWorkerState.Lost)
            {
                long planned = shares.PlannedOf(worker.Index);
                long unsent = shares.Scheduled ? Math.Max(0, planned - worker.Count - worker.Dropped) : 0;
                long mayHaveSent = MayHaveSent(shares, worker);
                merged.Dropped += unsent;
                merged.Unreported += mayHaveSent;
                merged.AddStopReason(DescribeLoss(shares, worker, unsent, mayHaveSent));
            }
            else if (worker.State == FleetWorkerState.Running)
            {
                unreportedByStop += MayHaveSent(shares, worker);
            }
        }

        merged.Unreported += unreportedByStop;
        merged.ThrottleLimit += unreportedLimits;

        // The whole run's plan, target and peak, whatever became of the shares.
        merged.Planned = shares.Planned;
        if (shares.Scheduled)
        {
            merged.PlanOfWhole(shares.PlannedBefore, shares.PlanEndSeconds, shares.PeakRate);
        }
        if (stopped)
        {
            merged.AddStopReason(string.Create(
                CultureInfo.InvariantCulture,
                $"The run was stopped (Ctrl+C, or its pipeline stopped) before it finished; each session's numbers are those of its last report (they come every {reportInterval.TotalSeconds:0.#} s): up to {unreportedByStop} more requests may have been sent."));
        }

        return new RunSummary(merged);
    }

    /// <summary>
    /// The most requests a share can have sent that its last report does not count: with a rate, those due by
    /// the time it was lost (no request starts before it is due); without one, a guess from its last rate.
    /// </summary>
    public static long MayHaveSent(FleetShares shares, FleetWorker worker)
    {
        if (worker.NeverStarted)
        {
            return 0;
        }

        TimeSpan silence = worker.SilenceAtLoss;
        if (shares.DueBy(worker.Index, worker.RunSeconds + silence.TotalSeconds) is { } due)
        {
            return Math.Max(0, due - worker.Count - worker.Dropped);
        }

        long count = shares.CountOf(worker.Index);
        long left = count == long.MaxValue ? long.MaxValue : Math.Max(0, count - worker.Count);
        double guess = Math.Ceiling(worker.InFlight + (worker.Rate * silence.TotalSeconds));
        return (long)Math.Min(left, guess);
    }

    private static string DescribeLoss(FleetShares shares, FleetWorker worker, long unsent, long mayHaveSent)
    {
        if (worker.NeverStarted)
        {
            long count = shares.CountOf(worker.Index);
            string share = shares.Scheduled
                ? string.Create(CultureInfo.InvariantCulture, $"its {unsent} planned requests are counted as dropped")
                : count == long.MaxValue ? "it sent nothing" : string.Create(CultureInfo.InvariantCulture, $"its {count} requests were not sent");
            return $"Session {worker.Name} did not run its share ({worker.LossReason}); {share}.";
        }

        string seen = worker.HasReported
            ? string.Create(CultureInfo.InvariantCulture, $"{worker.SilenceAtLoss.TotalSeconds:0.0} s after its last report, which counted {worker.Count} requests")
            : string.Create(CultureInfo.InvariantCulture, $"{worker.SilenceAtLoss.TotalSeconds:0.0} s after it started, before any report");
        string rest = shares.Scheduled
            ? string.Create(CultureInfo.InvariantCulture, $"its {unsent} unsent planned requests are counted as dropped, of which up to {mayHaveSent} may have been sent since")
            : string.Create(CultureInfo.InvariantCulture, $"about {mayHaveSent} more may have been sent since (at its last rate), not counted");
        return $"Session {worker.Name} was lost ({worker.LossReason}) {seen}; {rest}.";
    }
}
