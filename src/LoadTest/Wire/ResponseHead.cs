using System;
using System.Collections.Generic;
using System.Net.Http.Headers;

namespace LoadTest.Wire;

/// <summary>
/// What a client (LoadTest's HTTP/1.1 or HTTP/2 client, or HttpClient) read from one response: its status and
/// the headers the engine acts on. The body itself is only counted (and kept with -IncludeContent) in the
/// attempt's <see cref="AttemptProgress"/>.
/// </summary>
internal sealed class ResponseHead
{
    public int StatusCode { get; init; }

    public string? ReasonPhrase { get; init; }

    /// <summary>How long the server asked the client to wait before trying again.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public Uri? Location { get; init; }

    /// <summary>The response headers with -IncludeHeaders (repeated names joined by ", "); otherwise null.</summary>
    public HeaderDictionary? Headers { get; init; }

    /// <summary>The body as text (up to -MaximumContentBytes) with -IncludeContent; otherwise null.</summary>
    public string? Content { get; init; }

    /// <summary>The wait a Retry-After header asks for, whether it gives seconds or a date.</summary>
    public static TimeSpan? WaitOf(RetryConditionHeaderValue? retryAfter) =>
        retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null);

    /// <summary>The wait a Retry-After value as sent asks for; null when it is not valid.</summary>
    public static TimeSpan? WaitOf(string retryAfter) =>
        RetryConditionHeaderValue.TryParse(retryAfter, out RetryConditionHeaderValue? parsed) ? WaitOf(parsed) : null;

    /// <summary>Adds a header to a dictionary of response headers; a repeated name joins its values.</summary>
    public static void AddHeader(Dictionary<string, string> headers, string name, string value) =>
        headers[name] = headers.TryGetValue(name, out string? earlier) ? earlier + ", " + value : value;
}
