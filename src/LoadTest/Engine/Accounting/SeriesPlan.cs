using System;

namespace LoadTest.Engine.Accounting;

/// <summary>
/// What a live run's schedule plans, as each time-series row shows it: requests started (a rate schedule) and
/// the in-flight limit (a closed model's stages), from the run's start. Empty for a merge: its rows carry theirs.
/// </summary>
internal sealed class SeriesPlan
{
    private Func<double, double>? _plannedBefore;
    private Func<double, double>? _inFlightAreaBefore;

    /// <summary>When the plan starts (UTC ticks).</summary>
    public long StartTicks { get; private set; }

    /// <summary>True when a plan was given: the rows begin where it does.</summary>
    public bool Starts => _plannedBefore is not null || _inFlightAreaBefore is not null;

    /// <summary>Requests planned from the start to a number of seconds after it.</summary>
    public void Requests(Func<double, double> plannedBefore, DateTime startUtc)
    {
        _plannedBefore = plannedBefore;
        StartTicks = startUtc.Ticks;
    }

    /// <summary>The in-flight limit's integral (limit × seconds) from the start to a number of seconds after it.</summary>
    public void InFlight(Func<double, double> areaBefore, DateTime startUtc)
    {
        _inFlightAreaBefore = areaBefore;
        StartTicks = startUtc.Ticks;
    }

    /// <summary>Requests planned in the row that starts at these UTC ticks.</summary>
    public double RequestsIn(long rowStart, long intervalTicks) => Between(_plannedBefore, rowStart, intervalTicks);

    /// <summary>The in-flight limit's integral over the row that starts at these UTC ticks.</summary>
    public double InFlightAreaIn(long rowStart, long intervalTicks) => Between(_inFlightAreaBefore, rowStart, intervalTicks);

    private double Between(Func<double, double>? before, long rowStart, long intervalTicks)
    {
        if (before is null)
        {
            return 0;
        }

        double from = (double)(rowStart - StartTicks) / TimeSpan.TicksPerSecond;
        double to = (double)(rowStart + intervalTicks - StartTicks) / TimeSpan.TicksPerSecond;
        return to <= 0 ? 0 : before(to) - before(Math.Max(0, from));
    }
}
