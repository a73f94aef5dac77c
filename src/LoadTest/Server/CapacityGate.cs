using System;
using System.Diagnostics;
using System.Threading;

namespace LoadTest.Server;

/// <summary>
/// Admits at most a given number of requests per second: a token bucket refilled continuously, holding a
/// burst of a tenth of a second's worth (at least one). Kept as the time at which the bucket would be full
/// again (the generic cell rate algorithm), so that admitting is one compare-and-swap, with no lock and no
/// timer.
/// </summary>
internal sealed class CapacityGate
{
    private readonly long _intervalTicks;
    private readonly long _toleranceTicks;
    private long _fullAgainAt;
    private long _shedCount;

    /// <param name="perSecond">The sustained rate admitted, more than 0.</param>
    public CapacityGate(double perSecond)
    {
        if (!(perSecond > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(perSecond), "The capacity must be more than 0 requests per second.");
        }

        Burst = (long)Math.Max(1, Math.Floor(perSecond / 10));
        _intervalTicks = Math.Max(1, (long)Math.Round(Stopwatch.Frequency / perSecond));
        _toleranceTicks = (Burst - 1) * _intervalTicks;
        _fullAgainAt = Stopwatch.GetTimestamp();
    }

    /// <summary>Requests admitted at once from a full bucket.</summary>
    public long Burst { get; }

    /// <summary>Requests turned away so far.</summary>
    public long ShedCount => Interlocked.Read(ref _shedCount);

    /// <summary>Takes a token if one is there; otherwise counts the request as shed.</summary>
    public bool TryAdmit()
    {
        long now = Stopwatch.GetTimestamp();
        while (true)
        {
            long fullAgainAt = Volatile.Read(ref _fullAgainAt);
            long from = fullAgainAt > now ? fullAgainAt : now;
            if (from - now > _toleranceTicks)
            {
                Interlocked.Increment(ref _shedCount);
                return false;
            }

            if (Interlocked.CompareExchange(ref _fullAgainAt, from + _intervalTicks, fullAgainAt) == fullAgainAt)
            {
                return true;
            }
        }
    }
}
