using System;
using System.Collections.Generic;
using System.Net.Http;

namespace LoadTest.Wire;

/// <summary>
/// What to send for one request. Shared parts (method, headers, body) are the same objects for every
/// request of a run, so a spec costs little more than its URI; a spec made from a -Uri template parses
/// its URI only when something asks for it (HttpClient, a redirect, the result's Uri property).
/// </summary>
internal sealed class RequestSpec
{
    private readonly string? _text;
    private Uri? _uri;
    private string? _pathAndQuery;

    /// <param name="index">The request's index.</param>
    /// <param name="method">Its method.</param>
    /// <param name="uri">Its URI.</param>
    /// <param name="payload">Headers and body.</param>
    /// <param name="pathAndQuery">The URI's path and query when the caller knows them already (a URI shared by many requests).</param>
    public RequestSpec(long index, HttpMethod method, Uri uri, RequestPayload payload, string? pathAndQuery = null)
    {
        Index = index;
        Method = method;
        _uri = uri;
        Origin = uri;
        Payload = payload;
        _pathAndQuery = pathAndQuery;
    }

    /// <param name="index">The request's index.</param>
    /// <param name="method">Its method.</param>
    /// <param name="origin">A URI with the request's scheme, host and port, shared by the requests of a template.</param>
    /// <param name="text">The whole URI, absolute.</param>
    /// <param name="pathAndQuery">Its path and query, already in the form System.Uri would give them.</param>
    /// <param name="payload">Headers and body.</param>
    public RequestSpec(long index, HttpMethod method, Uri origin, string text, string pathAndQuery, RequestPayload payload)
    {
        Index = index;
        Method = method;
        Origin = origin;
        _text = text;
        _pathAndQuery = pathAndQuery;
        Payload = payload;
    }

    public long Index { get; }

    public HttpMethod Method { get; }

    public Uri Uri => _uri ??= new Uri(_text!, UriKind.Absolute);

    /// <summary>The URI if it was made; null while only its text is known.</summary>
    public Uri? UriIfMade => _uri;

    /// <summary>The URI as the user gave it (its original string).</summary>
    public string UriText => _text ?? _uri!.OriginalString;

    /// <summary>A URI with this request's scheme, host and port: the request's own, or one its template's requests share.</summary>
    public Uri Origin { get; }

    public string PathAndQuery => _pathAndQuery ??= Uri.PathAndQuery;

    public RequestPayload Payload { get; }

    /// <summary>The data row of a flow iteration's seed (its columns become the iteration's variables); null otherwise.</summary>
    public IReadOnlyDictionary<string, string>? Variables { get; init; }

    /// <summary>When a rate schedule meant this request to start (a Stopwatch timestamp), 0 without one.</summary>
    public long ScheduledTimestamp { get; set; }
}
