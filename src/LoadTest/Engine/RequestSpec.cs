using System;
using System.Collections.Generic;
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
}
