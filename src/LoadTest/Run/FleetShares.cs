using System;
using LoadTest.Engine;
using LoadTest.Engine.Schedule;

namespace LoadTest.Run;

/// <summary>
/// One run shared out over sessions: each session takes one execution segment of the run's one schedule (its
/// rate, -Duration and -Stage describe the whole run), so the shares' counts, plans and rates add up to the
/// run's exactly. Knows what each share should have sent by a given time, which bounds what a lost session
/// may have sent unseen.
/// </summary>
internal sealed class FleetShares
{
    private readonly LoadSchedule _schedule;
    private readonly long _count;
    private readonly int _throttleLimit;

    /// <param name="options">The run's options, as for one process.</param>
    /// <param name="count">The run's requests; long.MaxValue when only its end ends it.</param>
    /// <param name="sessions">How many shares.</param>
    public FleetShares(RequestEngineOptions options, long count, int sessions)
    {
        _schedule = LoadSchedule.From(options.RequestsPerSecond, options.Duration, options.Stages);
        _count = count;
        Sessions = sessions;
        Planned = _schedule.Planned(count);
        PeakRate = _schedule.PeakRate;
        _throttleLimit = options.ThrottleLimit;
    }

    public int Sessions { get; }

    /// <summary>Requests the run's schedule calls for; 0 without a rate.</summary>
    public long Planned { get; }

    /// <summary>The highest rate the run's schedule asks for; 0 without a rate.</summary>
    public double PeakRate { get; }

    /// <summary>Requests the run's schedule plans from its start to a number of seconds after it; 0 without a rate.</summary>
    public double PlannedBefore(double seconds) => _schedule.PlannedBefore(seconds, Planned);

    /// <summary>Seconds from the run's start to its plan's end; null for a run that ends with its input.</summary>
    public double? PlanEndSeconds => _schedule.PlanEndSeconds(Planned);

    /// <summary>The run's rate this many seconds into it; 0 without a rate.</summary>
    public double RateAt(double seconds) => _schedule.Rate?.ValueAt(seconds) ?? 0;

    /// <summary>Whether the run has a rate schedule.</summary>
    public bool Scheduled => _schedule.Rate is not null;

    /// <summary>
    /// The in-flight limit of a session: -ThrottleLimit holds for each session (it sizes each one's slots and
    /// connections), while in-flight stages, a load model like the rate, are shared out as the rate is.
    /// </summary>
    public int ThrottleLimitOf(int session) => _schedule.Concurrency is null ? _throttleLimit : SegmentOf(session).ShareOf(_throttleLimit);

    public ExecutionSegment SegmentOf(int session) => new(session, Sessions);

    /// <summary>The requests of a session's share; long.MaxValue when only the run's end ends it.</summary>
    public long CountOf(int session) => SegmentOf(session).ShareOf(_count);

    /// <summary>The requests of a session's share that its schedule plans; the shares' add up to <see cref="Planned"/>.</summary>
    public long PlannedOf(int session) => SegmentOf(session).Planned(_schedule, CountOf(session));

    /// <summary>
    /// The most requests a session's share can have started by this many seconds into its run: a scheduled
    /// request never starts before it is due. Null without a rate schedule, where only a guess is possible.
    /// </summary>
    public long? DueBy(int session, double seconds)
    {
        if (_schedule.Rate is not { } rate)
        {
            return null;
        }

        // Request n is due when the rate's integral reaches n: requests 0 to floor(integral) are due by then.
        double area = rate.AreaBefore(Math.Max(0, seconds));
        long due = double.IsInfinity(area) || area >= long.MaxValue / 2 ? long.MaxValue : (long)Math.Ceiling(area) + 1;
        long planned = PlannedOf(session);
        return Math.Min(SegmentOf(session).ShareOf(due), planned > 0 ? planned : CountOf(session));
    }
}
