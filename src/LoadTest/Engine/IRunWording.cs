using LoadTest.Engine.Accounting;
using LoadTest.Engine.Schedule;

namespace LoadTest.Engine;

/// <summary>
/// The words of a run's stops and warnings. The engine knows the facts; the layer that runs it words them in
/// its own terms (a command names its parameters), so that no engine string names a parameter or a command.
/// </summary>
internal interface IRunWording
{
    /// <summary>Why the run stopped taking requests when its error budget was spent.</summary>
    string BudgetSpent(BudgetSpent facts);

    /// <summary>Why a run stopped from outside (cancelled, or its consumer went away) before it finished.</summary>
    string Stopped(RunStop facts);

    /// <summary>A warning for a rate schedule that was not kept.</summary>
    string MissedSchedule(MissedSchedule facts);

    /// <summary>The error of a request that failed because the process ran out of descriptors or socket buffers.</summary>
    string ResourceExhausted(string cause, long? openFileLimit);
}
