using System.Globalization;
using LoadTest.Engine;
using LoadTest.Engine.Accounting;
using LoadTest.Engine.Schedule;

namespace LoadTest.Capacity;

/// <summary>
/// The words of a capacity step's run: a step whose error rate is well over the objective is stopped early by
/// an error budget the search sets itself, so its reason speaks of the objective, not of a -MaxErrorRate the
/// user never gave. Everything else is worded as any run's.
/// </summary>
internal sealed class StepWording : IRunWording
{
    private readonly IRunWording _run;
    private readonly double _objectiveErrorRate;

    public StepWording(IRunWording run, double objectiveErrorRate)
    {
        _run = run;
        _objectiveErrorRate = objectiveErrorRate;
    }

    public string BudgetSpent(BudgetSpent facts) => string.Create(
        CultureInfo.InvariantCulture,
        $"Stopped early: {facts.Failed} of {facts.Completed} requests failed ({(double)facts.Failed / facts.Completed:P2}), far over the objective's error rate of {_objectiveErrorRate:P2}.");

    public string Stopped(RunStop facts) => _run.Stopped(facts);

    public string MissedSchedule(MissedSchedule facts) => _run.MissedSchedule(facts);

    public string ResourceExhausted(string cause, long? openFileLimit) => _run.ResourceExhausted(cause, openFileLimit);
}
