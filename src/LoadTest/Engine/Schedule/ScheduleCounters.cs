using System.Threading;

namespace LoadTest.Engine.Schedule;

/// <summary>
/// How a run kept its schedule: requests planned, started late because every slot was busy when they
/// were due, and dropped because the run's end came while they were behind their time (never sent after it).
/// </summary>
internal sealed class ScheduleCounters
{
    private long _planned;
    private long _late;
    private long _dropped;
    private int _droppedWithSlotsFree;

    /// <summary>Requests the schedule called for; 0 for a run without a rate.</summary>
    public long Planned => Interlocked.Read(ref _planned);

    public long Late => Interlocked.Read(ref _late);

    public long Dropped => Interlocked.Read(ref _dropped);

    public void Plan(long count) => Interlocked.Exchange(ref _planned, count);

    public void AddLate() => Interlocked.Increment(ref _late);

    /// <summary>Whether requests were dropped while a slot was free: the client, not -ThrottleLimit, fell behind.</summary>
    public bool DroppedWithSlotsFree => Volatile.Read(ref _droppedWithSlotsFree) != 0;

    public void AddDropped(long count, bool slotsFull)
    {
        Interlocked.Add(ref _dropped, count);
        if (!slotsFull && count > 0)
        {
            Volatile.Write(ref _droppedWithSlotsFree, 1);
        }
    }
}
