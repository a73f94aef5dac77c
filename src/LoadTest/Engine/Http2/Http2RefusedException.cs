using System.Net.Http;

namespace LoadTest.Engine.Http2;

/// <summary>
/// A request the server did not process: refused with REFUSED_STREAM, above the last stream a GOAWAY
/// accepted, or never sent because its connection ended first. Safe to send again (RFC 9113 8.7).
/// </summary>
internal sealed class Http2RefusedException : HttpIOException
{
    public Http2RefusedException(string message)
        : base(HttpRequestError.HttpProtocolError, message)
    {
    }
}
