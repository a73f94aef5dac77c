using System;
using System.Collections.Generic;
using System.Net.Http;
using LoadTest.Engine.Checks;

namespace LoadTest.Engine.Flows;

/// <summary>
/// One named step of a flow: a request template (method, URI absolute or relative to the base URI, headers,
/// body), the values it extracts from its response for later steps, its checks, and a think time after it.
/// </summary>
internal sealed class FlowStep
{
    public FlowStep(
        string name,
        HttpMethod method,
        TextTemplate uri,
        IReadOnlyList<KeyValuePair<string, TextTemplate>> headers,
        TextTemplate? body,
        string? contentType,
        IReadOnlyList<Extraction> extractions,
        CheckSet? checks,
        TimeSpan thinkMin,
        TimeSpan thinkMax,
        bool continueOnFailure)
    {
        Name = name;
        Method = method;
        Uri = uri;
        Headers = headers;
        Body = body;
        ContentType = contentType;
        Extractions = extractions;
        Checks = checks;
        ThinkMin = thinkMin;
        ThinkMax = thinkMax;
        ContinueOnFailure = continueOnFailure;
        foreach (Extraction extraction in extractions)
        {
            NeedsBody |= extraction.NeedsBody;
            NeedsHeaders |= !extraction.NeedsBody;
        }

        NeedsBody |= checks?.NeedsBody ?? false;
        NeedsHeaders |= checks?.NeedsHeaders ?? false;
    }

    public string Name { get; }

    public HttpMethod Method { get; }

    public TextTemplate Uri { get; }

    public IReadOnlyList<KeyValuePair<string, TextTemplate>> Headers { get; }

    public TextTemplate? Body { get; }

    public string? ContentType { get; }

    public IReadOnlyList<Extraction> Extractions { get; }

    public CheckSet? Checks { get; }

    /// <summary>The shortest wait after the step; the wait is drawn evenly from ThinkMin to ThinkMax.</summary>
    public TimeSpan ThinkMin { get; }

    public TimeSpan ThinkMax { get; }

    /// <summary>A failure of this step does not end its iteration.</summary>
    public bool ContinueOnFailure { get; }

    /// <summary>True when its extractions or checks read the body.</summary>
    public bool NeedsBody { get; }

    /// <summary>True when its extractions or checks read headers.</summary>
    public bool NeedsHeaders { get; }

    /// <summary>Every variable its request and checks use.</summary>
    public IEnumerable<string> UsedVariables()
    {
        foreach (string name in Uri.Variables)
        {
            yield return name;
        }

        foreach (KeyValuePair<string, TextTemplate> header in Headers)
        {
            foreach (string name in header.Value.Variables)
            {
                yield return name;
            }
        }

        if (Body is not null)
        {
            foreach (string name in Body.Variables)
            {
                yield return name;
            }
        }
    }
}
