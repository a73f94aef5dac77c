using System;
using System.Net.Http;

namespace LoadTest.Engine;

/// <summary>
/// What to send for one request. Shared parts (method, headers, body) are the same objects for every
/// request of a run, so a spec costs little more than its Uri.
/// </summary>
internal sealed class RequestSpec
{
    public RequestSpec(long index, HttpMethod method, Uri uri, RequestPayload payload)
    {
        Index = index;
        Method = method;
        Uri = uri;
        Payload = payload;
    }

    public long Index { get; }

    public HttpMethod Method { get; }

    public Uri Uri { get; }

    public RequestPayload Payload { get; }

    /// <summary>When a rate schedule meant this request to start (a Stopwatch timestamp), 0 without one.</summary>
    public long ScheduledTimestamp { get; set; }
}
