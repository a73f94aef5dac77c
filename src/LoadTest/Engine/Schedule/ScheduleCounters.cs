using System.Threading;

namespace LoadTest.Engine.Schedule;

/// <summary>
/// How a run kept its schedule: requests planned, started late because every slot was busy when they
/// were due, and dropped because the run's end came before a slot was free (never sent after the end).
/// </summary>
internal sealed class ScheduleCounters
{
    private long _planned;
    private long _late;
    private long _dropped;

    /// <summary>Requests the schedule called for; 0 for a run without a rate.</summary>
    public long Planned => Interlocked.Read(ref _planned);

    public long Late => Interlocked.Read(ref _late);

    public long Dropped => Interlocked.Read(ref _dropped);

    public void Plan(long count) => Interlocked.Exchange(ref _planned, count);

    public void AddLate() => Interlocked.Increment(ref _late);

    public void AddDropped(long count) => Interlocked.Add(ref _dropped, count);
}
