using System;
using LoadTest.Engine.Checks;

namespace LoadTest.Engine.Flows;

/// <summary>One step of one iteration as the executor sends it: the step's checks over the iteration's variables, and its extractions.</summary>
internal sealed class StepCall : IFlowStepHook
{
    private readonly FlowStep _step;
    private readonly FlowIteration _iteration;
    private readonly Uri _uri;

    public StepCall(FlowStep step, FlowIteration iteration, Uri uri)
    {
        _step = step;
        _iteration = iteration;
        _uri = uri;
    }

    public CheckSet? Checks => _step.Checks;

    public ICheckContext Context => _iteration;

    public bool NeedsBody => _step.NeedsBody;

    public string? OnAnswered(ref CheckResponse response)
    {
        _iteration.TakeCookies(_uri, response.Headers);
        foreach (Extraction extraction in _step.Extractions)
        {
            string? value = extraction.Kind == ExtractionKind.Cookie
                ? _iteration.Cookie(_uri, extraction.Source)
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
