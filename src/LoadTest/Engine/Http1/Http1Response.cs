using System;
using System.Collections.Generic;

namespace LoadTest.Engine.Http1;

/// <summary>What the lean HTTP/1.1 path read from one response; the body itself is only counted (and kept with -IncludeContent).</summary>
internal sealed class Http1Response
{
    public int StatusCode { get; init; }

    public string? ReasonPhrase { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    public Uri? Location { get; init; }

    public Dictionary<string, string>? Headers { get; init; }

    public string? Content { get; init; }
}
