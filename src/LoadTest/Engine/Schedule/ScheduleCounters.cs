using System.Threading;

namespace LoadTest.Engine.Schedule;

/// <summary>
/// How a run kept its schedule: requests planned, started late (more than <see cref="StartLag.LateAfter"/>
/// behind their time, for whatever reason), asked for after their time while every slot was busy, and dropped
/// because the run's end came while they were behind their time (never sent after it).
/// </summary>
internal sealed class ScheduleCounters
{
    private long _planned;
    private long _late;
    private long _waitedForSlot;
    private long _dropped;
    private int _droppedWithSlotsFree;

    /// <summary>Requests the schedule called for; 0 for a run without a rate.</summary>
    public long Planned => Interlocked.Read(ref _planned);

    /// <summary>Requests that started more than the late tolerance behind their time.</summary>
    public long Late => Interlocked.Read(ref _late);

    /// <summary>Requests asked for only after their time while every slot was busy: -ThrottleLimit held them up.</summary>
    public long WaitedForSlot => Interlocked.Read(ref _waitedForSlot);

    public long Dropped => Interlocked.Read(ref _dropped);

    public void Plan(long count) => Interlocked.Exchange(ref _planned, count);

    /// <summary>Counts a started request as late when its start lag is over the tolerance (NaN: not timed by the schedule).</summary>
    public void CountStart(double lagMs)
    {
        if (StartLag.IsLate(lagMs))
        {
            Interlocked.Increment(ref _late);
        }
    }

    public void AddWaitedForSlot() => Interlocked.Increment(ref _waitedForSlot);

    /// <summary>
    /// Whether the schedule was kept, for the warning: nothing dropped, and at most <see cref="StartLag.KeptLateShare"/>
    /// of the requests sent started late (a busy machine delays a few starts now and then; the counts show them).
    /// </summary>
    public bool Kept(long sent) => Dropped == 0 && Late <= sent * StartLag.KeptLateShare;

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
