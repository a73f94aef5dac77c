using System;
using System.Net.Http;

namespace LoadTest.Wire.Http2;

/// <summary>
/// A request the server did not process: refused with REFUSED_STREAM, above the last stream a GOAWAY
/// accepted, or never sent because its connection ended first. Safe to send again (RFC 9113 8.7).
/// </summary>
internal sealed class Http2RefusedException : HttpIOException
{
    /// <param name="message">What happened.</param>
    /// <param name="cause">Why the connection ended, when it ended before the request went out: the failure it is
    /// classified by if the request is never sent; without one, a refusal by the server, a Protocol failure.</param>
    /// <param name="forLimit">True for a refusal the server's stream limit explains (see <see cref="ForLimit"/>).</param>
    public Http2RefusedException(string message, Exception? cause = null, bool forLimit = false)
        : base(cause is null ? HttpRequestError.HttpProtocolError : HttpRequestError.ResponseEnded, message, cause)
    {
        ForLimit = forLimit;
    }

    /// <summary>
    /// True when the stream went out before the server's SETTINGS set the limit it was refused for (before its
    /// first SETTINGS, or before one that lowered it): the client kept to what it knew, and the server to what it said.
    /// </summary>
    public bool ForLimit { get; }
}
