namespace LoadTest.Engine.Schedule;

/// <summary>
/// How a rate schedule was missed: planned, late (more than LateAfterMs behind their time) and dropped requests,
/// whether busy slots held requests up (otherwise the client itself fell behind), and the rate achieved over
/// the schedule's length.
/// </summary>
internal readonly record struct MissedSchedule(
    string Schedule,
    long Planned,
    long Late,
    long Dropped,
    bool SlotsBusy,
    double LateAfterMs,
    int ThrottleLimit,
    double SentPerSecond,
    double Seconds);
