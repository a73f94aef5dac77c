using System.Net.Quic;

namespace LoadTest.Run;

/// <summary>Whether this platform can send HTTP/3 (it needs QUIC through libmsquic).</summary>
internal static class Http3Support
{
#pragma warning disable CA1416, CA2252 // IsSupported is itself the platform check; it is stable from .NET 9.
    public static bool IsSupported => QuicConnection.IsSupported;
#pragma warning restore CA1416, CA2252
}
