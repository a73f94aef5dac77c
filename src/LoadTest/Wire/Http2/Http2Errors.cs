using System.Net.Http;

namespace LoadTest.Wire.Http2;

/// <summary>
/// HTTP/2 error codes (RFC 9113 7) and the exceptions that carry them. A request that fails with one is a
/// Protocol failure; an error that escapes a connection's frame handling ends the whole connection.
/// </summary>
internal static class Http2Errors
{
    public const int NoError = 0x0;
    public const int ProtocolError = 0x1;
    public const int InternalError = 0x2;
    public const int FlowControlError = 0x3;
    public const int StreamClosed = 0x5;
    public const int FrameSizeError = 0x6;
    public const int RefusedStream = 0x7;
    public const int Cancel = 0x8;
    public const int CompressionError = 0x9;

    public static HttpProtocolException Protocol(string message) => new(ProtocolError, message, null);

    public static HttpProtocolException Compression(string message) => new(CompressionError, message, null);

    public static HttpProtocolException FrameSize(string message) => new(FrameSizeError, message, null);

    public static HttpProtocolException FlowControl(string message) => new(FlowControlError, message, null);

    /// <summary>The failure of a stream the server reset with <paramref name="code"/>.</summary>
    public static HttpProtocolException Reset(int code) => new(code, $"The server reset the stream (HTTP/2 error {NameOf(code)}).", null);

    public static string NameOf(int code) => code switch
    {
        NoError => "NO_ERROR",
        ProtocolError => "PROTOCOL_ERROR",
        InternalError => "INTERNAL_ERROR",
        FlowControlError => "FLOW_CONTROL_ERROR",
        0x4 => "SETTINGS_TIMEOUT",
        StreamClosed => "STREAM_CLOSED",
        FrameSizeError => "FRAME_SIZE_ERROR",
        RefusedStream => "REFUSED_STREAM",
        Cancel => "CANCEL",
        CompressionError => "COMPRESSION_ERROR",
        0xa => "CONNECT_ERROR",
        0xb => "ENHANCE_YOUR_CALM",
        0xc => "INADEQUATE_SECURITY",
        0xd => "HTTP_1_1_REQUIRED",
        _ => "0x" + code.ToString("x", System.Globalization.CultureInfo.InvariantCulture),
    };
}
