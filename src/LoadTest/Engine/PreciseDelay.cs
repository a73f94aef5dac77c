using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace LoadTest.Engine;

/// <summary>
/// Waits at least the given time. Timers run on a coarse clock and can fire a few milliseconds early;
/// a promised delay (a Retry-After, a test server's /delay) must not end before its time.
/// </summary>
internal static class PreciseDelay
{
    public static async Task AtLeastAsync(TimeSpan delay, CancellationToken token)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        long started = Stopwatch.GetTimestamp();
        await Task.Delay(delay, token).ConfigureAwait(false);
        TimeSpan left;
        while ((left = delay - Stopwatch.GetElapsedTime(started)) > TimeSpan.Zero)
        {
            await Task.Delay(left < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : left, token).ConfigureAwait(false);
        }
    }
}
