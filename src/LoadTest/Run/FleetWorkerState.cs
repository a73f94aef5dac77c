namespace LoadTest.Run;

/// <summary>Where one session's share of a fanned-out run stands.</summary>
internal enum FleetWorkerState
{
    /// <summary>Running, and reporting (or not yet overdue).</summary>
    Running,

    /// <summary>Ended with its final report: its summary is whole.</summary>
    Finished,

    /// <summary>Died, failed, or went silent past the bound: its last report stands for it.</summary>
    Lost,
}
