using System.Collections.Generic;

namespace LoadTest.Wire.Http2;

/// <summary>
/// A payload's headers and Content-Type as an HPACK block (see <see cref="HPackRequestEncoder.EncodeFields"/>),
/// written once for every request that carries it; each request adds its pseudo-headers and content-length.
/// </summary>
internal sealed class Http2HeaderBlock : IHeaderBlockEncoding
{
    public static Http2HeaderBlock Encoding { get; } = new();

    private Http2HeaderBlock()
    {
    }

    public byte[]? Encode(IReadOnlyList<KeyValuePair<string, string>> headers, string? contentType) =>
        HPackRequestEncoder.EncodeFields(headers, contentType);
}
