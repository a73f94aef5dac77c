using System;
using System.Globalization;
using LoadTest.Engine;
using LoadTest.Engine.Accounting;
using LoadTest.Engine.Schedule;

namespace LoadTest.Run;

/// <summary>The engine's facts in the words of the commands: what stopped a run or bent it, and which parameter to change.</summary>
internal sealed class RunWording : IRunWording
{
    public static readonly RunWording Instance = new();

    private RunWording()
    {
    }

    public string BudgetSpent(BudgetSpent facts) => facts.ByCount
        ? Invariant($"Error budget spent: {facts.Failed} failed requests exceed -MaxErrorCount {facts.MaxErrorCount}.")
        : Invariant($"Error budget spent: {facts.Failed} of {facts.Completed} requests failed ({(double)facts.Failed / facts.Completed:P2}), above -MaxErrorRate {facts.MaxErrorRate:P2}.");

    public string Stopped(RunStop facts)
    {
        string by = facts.ConsumerGone ? "when its pipeline stopped (Select-Object -First after it, or an error in another command)" : "(Ctrl+C)";
        string cancelled = facts.WoundDown
            ? Invariant($"{facts.Requests} requests in flight then were cancelled ({facts.Attempts} attempts) and are not counted")
            : Invariant($"{facts.InFlightAtStop} requests in flight then were being cancelled and are not counted");
        return $"The run was stopped {by} before it finished; {cancelled}.";
    }

    public string MissedSchedule(MissedSchedule facts)
    {
        string advice = !facts.SlotsBusy
            ? "Slots were free, so the client itself fell behind: its input came too slowly, or the machine was too busy for the rate."
            : Invariant($"All {facts.ThrottleLimit} slots (-ThrottleLimit) were busy: raise -ThrottleLimit, or lower -RequestsPerSecond.");
        return Invariant($"The schedule of {facts.Schedule} was not kept: of {facts.Planned:N0} planned requests, {facts.Late:N0} started more than {facts.LateAfterMs:0.###} ms late ") +
            Invariant($"and {facts.Dropped:N0} were dropped (not sent before the end); sent {facts.SentPerSecond:0.0} req/s over its {facts.Seconds:0.###} s. {advice}");
    }

    public string ResourceExhausted(string cause, long? openFileLimit) =>
        $"{cause} The process ran out of file descriptors or socket buffers: its open-file limit is {openFileLimit?.ToString(CultureInfo.InvariantCulture) ?? "unknown"} (raise it with ulimit -n, or lower -ThrottleLimit).";

    /// <summary>How a run ended, in one line, for -Verbose.</summary>
    public static string Finished(long completed, long failed, double seconds) =>
        Invariant($"Finished: {completed} requests, {failed} failed, in {seconds:0.###} s ({completed / Math.Max(seconds, 1e-9):0.0} req/s).");

    /// <summary>Which pushed input was not sent, for -Verbose.</summary>
    public static string UnsentInput(long position) =>
        Invariant($"The run took no more input; items from position {position} on were not sent.");

    /// <summary>The warning for kept bodies that may not fit in memory.</summary>
    public static string ContentMemory(ContentMemory facts) =>
        Invariant($"-IncludeContent keeps up to {facts.MaximumContentBytes} bytes per result; with {facts.Results} results in flight or waiting for the pipeline that is up to {facts.WorstBytes / (1024 * 1024)} MB, ") +
        Invariant($"against {facts.AvailableBytes / (1024 * 1024)} MB this process may use. Lower -MaximumContentBytes or -ThrottleLimit.");

    /// <summary>The warning for a run capped to fit the open-file limit.</summary>
    public static string ConnectionsCapped(int connections, int throttleLimit, int fits, bool serverHere) =>
        Invariant($"{connections} connections (-ThrottleLimit {throttleLimit}) do not fit this process's open-file limit of {ResourceLimits.OpenFileLimit} ") +
        Invariant($"({ResourceLimits.OpenFileCount} descriptors open now{(serverHere ? ", and the test server in this process holds the other end of each connection" : string.Empty)}): ") +
        Invariant($"this run holds at most {fits} requests in flight. Raise the limit before starting pwsh (`ulimit -n {(connections * (serverHere ? 3L : 2L)) + 1024}`, ") +
        "or LimitNOFILE= for a service), then run again.";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
