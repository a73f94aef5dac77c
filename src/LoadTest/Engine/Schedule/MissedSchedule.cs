namespace LoadTest.Engine.Schedule;

/// <summary>
/// How a rate schedule was missed: planned, late and dropped requests, whether slots were free when requests
/// were dropped (the client itself fell behind), and the rate achieved over the schedule's length.
/// </summary>
internal readonly record struct MissedSchedule(
    string Schedule,
    long Planned,
    long Late,
    long Dropped,
    bool DroppedWithSlotsFree,
    int ThrottleLimit,
    double SentPerSecond,
    double Seconds);
