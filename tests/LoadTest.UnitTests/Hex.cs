using System;
using System.Text;

namespace LoadTest.UnitTests;

/// <summary>Bytes written as the RFCs write them: hex digits, spaces ignored.</summary>
internal static class Hex
{
    public static byte[] Bytes(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);
}
