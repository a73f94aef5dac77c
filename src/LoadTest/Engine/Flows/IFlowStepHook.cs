using LoadTest.Engine.Checks;

namespace LoadTest.Engine.Flows;

/// <summary>
/// What the executor asks of a flow step's request beyond a plain one: its own checks, the iteration whose
/// variables those checks resolve, and a look at the answered response (to extract values and keep cookies)
/// while its captured body is still there.
/// </summary>
internal interface IFlowStepHook
{
    CheckSet? Checks { get; }

    ICheckContext Context { get; }

    /// <summary>True when the step reads the body (its checks or extractions).</summary>
    bool NeedsBody { get; }

    /// <summary>Sees the response; returns the error that fails the step (a value an extraction did not find), or null.</summary>
    string? OnAnswered(ref CheckResponse response);
}
