using System;
using System.Collections.Generic;

namespace LoadTest.Server;

/// <summary>What the test server answers to one request, decided before anything is sent.</summary>
internal sealed class RouteResponse
{
    public RouteResponse(int statusCode, byte[] body, string contentType = "text/plain; charset=utf-8")
    {
        StatusCode = statusCode;
        Body = body;
        ContentType = contentType;
    }

    public int StatusCode { get; }

    public byte[] Body { get; }

    public string ContentType { get; }

    /// <summary>When set, a body of this many bytes is generated and sent in chunks instead of <see cref="Body"/>.</summary>
    public long GeneratedLength { get; init; } = -1;

    public List<KeyValuePair<string, string>> Headers { get; } = new();

    /// <summary>With <see cref="GeneratedLength"/>: send the body with chunked transfer encoding instead of a Content-Length.</summary>
    public bool Chunked { get; init; }

    /// <summary>When set, the body is sent one byte at a time with this pause between bytes.</summary>
    public TimeSpan TrickleInterval { get; init; }

    /// <summary>A fault to inject on the connection instead of answering.</summary>
    public ConnectionFaultKind Fault { get; init; }

    public static RouteResponse ForFault(ConnectionFaultKind fault) => new(0, Array.Empty<byte>()) { Fault = fault };
}
