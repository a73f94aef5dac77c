using System;
using System.Collections.Generic;

namespace LoadTest.Engine.Flows;

/// <summary>The steps an iteration runs in order, and the base URI their relative URIs resolve against.</summary>
internal sealed class Flow
{
    /// <summary>The variable every iteration has: its index.</summary>
    public const string IterationVariable = "iteration";

    public Flow(IReadOnlyList<FlowStep> steps, Uri? baseUri, IReadOnlyList<KeyValuePair<string, string>> runHeaders, IReadOnlyList<string> rowVariables)
    {
        RowVariables = rowVariables;
        Steps = steps;
        BaseUri = baseUri;
        if (baseUri is not null)
        {
            OriginText = baseUri.GetLeftPart(UriPartial.Authority);
            Origin = new Uri(OriginText + "/", UriKind.Absolute);
        }

        RunHeaders = runHeaders;
        foreach (FlowStep step in steps)
        {
            NeedsHeaders |= step.NeedsHeaders;
        }
    }

    public IReadOnlyList<FlowStep> Steps { get; }

    /// <summary>The variables only a data row can give (used before any step extracts them): each row must have them.</summary>
    public IReadOnlyList<string> RowVariables { get; }

    public Uri? BaseUri { get; }

    /// <summary>The base URI's scheme and authority ("http://host:port"), which a step's '/path' keeps; null without a base URI.</summary>
    public string? OriginText { get; }

    /// <summary>The base URI's origin as a URI, shared by the specs of '/path' steps.</summary>
    public Uri? Origin { get; }

    /// <summary>Headers every request of the run carries (-Headers, User-Agent, Authorization); a step's own win.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> RunHeaders { get; }

    /// <summary>True when a step reads response headers; Set-Cookie is always read for the iteration's cookie jar.</summary>
    public bool NeedsHeaders { get; }
}
