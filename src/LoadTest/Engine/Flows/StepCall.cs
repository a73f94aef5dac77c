using System;
using LoadTest.Engine.Checks;
using LoadTest.Wire;

namespace LoadTest.Engine.Flows;

/// <summary>One step of one iteration as the executor sends it: the step's checks over the iteration's variables, and its extractions.</summary>
internal sealed class StepCall : IFlowStepHook
{
    private readonly FlowStep _step;
    private readonly FlowIteration _iteration;
    private readonly RequestSpec _request;

    public StepCall(FlowStep step, FlowIteration iteration, RequestSpec request)
    {
        _step = step;
        _iteration = iteration;
        _request = request;
    }

    public CheckSet? Checks => _step.Checks;

    public ICheckContext Context => _iteration;

    public bool NeedsBody => _step.NeedsBody;

    public string? OnAnswered(ref CheckResponse response)
    {
        _iteration.TakeCookies(_request, response.Headers);
        foreach (Extraction extraction in _step.Extractions)
        {
            string? value = extraction.Kind == ExtractionKind.Cookie
                ? _iteration.Cookie(_request.Uri, extraction.Source)
                : extraction.Extract(ref response);
            if (value is null)
            {
                return $"Step '{_step.Name}': the extraction {extraction} found nothing in the response.";
            }

            _iteration.Set(extraction.Variable, value);
        }

        return null;
    }
}
