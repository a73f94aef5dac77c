namespace LoadTest.Engine.Schedule;

/// <summary>What keeps a list of stages from being a schedule that can run (<see cref="LoadSchedule.Check"/>).</summary>
internal enum StageProblem
{
    /// <summary>The stages can run.</summary>
    None,

    /// <summary>No stage at all.</summary>
    Empty,

    /// <summary>A duration was given as well: the stages are the run's length.</summary>
    WithDuration,

    /// <summary>A stage lasts no time.</summary>
    NoDuration,

    /// <summary>A stage has no target, or both a rate and an in-flight limit.</summary>
    NotOneTarget,

    /// <summary>A target below zero, or a rate above <see cref="LoadSchedule.MaxRate"/>.</summary>
    TargetOutOfRange,

    /// <summary>Rate stages and in-flight stages in one run.</summary>
    MixedModels,

    /// <summary>A starting rate given to in-flight stages.</summary>
    RateWithConcurrency,

    /// <summary>Every target is zero (and a rate starts from zero): nothing would be sent.</summary>
    NothingToSend,
}
