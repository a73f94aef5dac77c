using System.Collections.Generic;

namespace LoadTest.Wire;

/// <summary>
/// How a client writes a payload's headers once for every request that carries them (see
/// <see cref="RequestPayload.HeaderBlock"/>); each client has its own, and one instance of it.
/// </summary>
internal interface IHeaderBlockEncoding
{
    /// <summary>The headers and Content-Type as this client writes them; null when one cannot go out through it as it is.</summary>
    byte[]? Encode(IReadOnlyList<KeyValuePair<string, string>> headers, string? contentType);
}
