using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;

namespace LoadTest.Engine.Schedule;

/// <summary>
/// Sleeps of microsecond grain for the thread that wakes scheduled starts. .NET's timers and Thread.Sleep
/// count whole milliseconds and end on a coarse tick (measured here: Task.Delay(1) came 3.3 ms late at the
/// median); nanosleep(2) ends within tens of microseconds, once Linux's timer slack (50 µs by default, the
/// leeway the kernel may add to group wake-ups) is cut to 1 ns for that one thread.
/// </summary>
internal static partial class FineSleep
{
    private const int SetTimerSlack = 29; // PR_SET_TIMERSLACK
    private const int Interrupted = 4; // EINTR

    // Where nanosleep is not there (Windows), the last stretch yields instead: a spin that lets others run.
    private static readonly long s_coarseMargin = Stopwatch.Frequency / 50;

    /// <summary>True where the sleep is nanosleep; false where the last 20 ms are a yielding spin.</summary>
    public static bool IsPrecise { get; } = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD();

    // Set once per thread.
    [ThreadStatic]
    private static bool t_prepared;

    /// <summary>Makes this thread's sleeps end as asked: its timer slack is 1 ns (Linux only; elsewhere nothing to do).</summary>
    public static void PrepareThread()
    {
        if (!t_prepared && OperatingSystem.IsLinux())
        {
            _ = SetSlack(SetTimerSlack, 1, 0, 0, 0);
        }

        t_prepared = true;
    }

    /// <summary>Sleeps for about this many Stopwatch ticks; may return early (a signal), never much late but for the scheduler.</summary>
    public static void Sleep(long ticks)
    {
        if (ticks <= 0)
        {
            return;
        }

        if (!IsPrecise)
        {
            if (ticks > s_coarseMargin)
            {
                Thread.Sleep(TimeSpan.FromTicks((ticks - s_coarseMargin) * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
            }
            else
            {
                Thread.Yield();
            }

            return;
        }

        long nanoseconds = (long)(ticks * (1e9 / Stopwatch.Frequency));
        var request = new TimeSpec { Seconds = nanoseconds / 1_000_000_000, Nanoseconds = nanoseconds % 1_000_000_000 };
        if (NanoSleep(ref request, IntPtr.Zero) != 0 && Marshal.GetLastPInvokeError() != Interrupted)
        {
            // Not expected; a yield keeps the caller's loop from spinning hard should it ever happen.
            Thread.Yield();
        }
    }

    [LibraryImport("libc", EntryPoint = "nanosleep", SetLastError = true)]
    private static partial int NanoSleep(ref TimeSpec request, IntPtr remaining);

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int SetSlack(int option, nuint value, nuint unused3, nuint unused4, nuint unused5);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
