using System;

namespace LoadTest.Wire.Http1;

/// <summary>What a response head says: its status, how its body is framed, and the few fields the engine uses.</summary>
internal struct Http1Head
{
    public int StatusCode;
    public string? ReasonPhrase;

    /// <summary>-1 when there is no (valid) Content-Length.</summary>
    public long ContentLength;

    /// <summary>A Transfer-Encoding field was present (whatever its codings).</summary>
    public bool TransferEncoded;

    /// <summary>chunked is the final transfer coding: the body is read chunk by chunk.</summary>
    public bool Chunked;

    /// <summary>The connection may carry another request (HTTP/1.1 without close, or HTTP/1.0 with keep-alive).</summary>
    public bool KeepAlive;

    /// <summary>The framing was readable but suspicious (Transfer-Encoding with Content-Length, or on HTTP/1.0): never reuse the connection.</summary>
    public bool FramingInDoubt;

    public string? ContentType;
    public TimeSpan? RetryAfter;
    public Uri? Location;
    public HeaderDictionary? Headers;
}
