using System;
using System.Collections.Generic;
using System.Text;

namespace LoadTest.Wire.Http2;

/// <summary>
/// Writes request header blocks: static-table entries where they match and literals without indexing
/// otherwise, never Huffman-coded and never into the server's dynamic table, so a block depends on
/// nothing sent before it. The headers of a payload are encoded once; each request adds its pseudo-headers.
/// </summary>
internal static class HPackRequestEncoder
{
    private const int IndexMethodGet = 2;
    private const int IndexMethodPost = 3;
    private const int IndexPathRoot = 4;
    private const int IndexSchemeHttp = 6;
    private const int IndexSchemeHttps = 7;
    private const int IndexAuthority = 1;
    private const int IndexMethod = 2;
    private const int IndexPath = 4;
    private const int IndexContentLength = 28;

    /// <summary>
    /// The payload's headers (names in lower case) and Content-Type as one block; null when one cannot go
    /// over HTTP/2 as it is (Host, framing and connection fields, TE other than trailers, non-ASCII).
    /// </summary>
    public static byte[]? EncodeFields(IReadOnlyList<KeyValuePair<string, string>> headers, string? contentType)
    {
        var block = new List<byte>();
        bool hasContentType = false;
        for (int i = 0; i < headers.Count; i++)
        {
            string name = headers[i].Key.ToLowerInvariant();
            string value = headers[i].Value;
            if (name is "host" or "content-length" or "transfer-encoding" or "connection" or "keep-alive" or "proxy-connection" or "upgrade" or "expect"
                || (name == "te" && !value.Equals("trailers", StringComparison.OrdinalIgnoreCase))
                || !Ascii.IsValid(name) || !Ascii.IsValid(value))
            {
                return null;
            }

            hasContentType |= name == "content-type";
            AddLiteral(block, name, value);
        }

        if (contentType is not null && !hasContentType)
        {
            if (!Ascii.IsValid(contentType))
            {
                return null;
            }

            AddLiteral(block, "content-type", contentType);
        }

        return block.ToArray();
    }

    /// <summary>The most bytes <see cref="WriteRequest"/> writes for these strings.</summary>
    public static int MaxRequestLength(string method, string authority, string path, int fieldsLength) =>
        method.Length + authority.Length + path.Length + fieldsLength + 40;

    /// <summary>
    /// Writes a request's header block: its pseudo-headers, the payload's fields, and a content-length; first,
    /// with <paramref name="tableSizeZero"/>, a dynamic table size update to 0.
    /// </summary>
    public static int WriteRequest(Span<byte> destination, bool tableSizeZero, string method, bool secure, string authority, string path, ReadOnlySpan<byte> fields, long contentLength)
    {
        int at = 0;
        if (tableSizeZero)
        {
            destination[at++] = 0x20;
        }

        if (method == "GET")
        {
            destination[at++] = 0x80 | IndexMethodGet;
        }
        else if (method == "POST")
        {
            destination[at++] = 0x80 | IndexMethodPost;
        }
        else
        {
            WriteLiteral(destination, ref at, IndexMethod, method);
        }

        destination[at++] = (byte)(0x80 | (secure ? IndexSchemeHttps : IndexSchemeHttp));
        WriteLiteral(destination, ref at, IndexAuthority, authority);
        if (path == "/")
        {
            destination[at++] = 0x80 | IndexPathRoot;
        }
        else
        {
            WriteLiteral(destination, ref at, IndexPath, path);
        }

        fields.CopyTo(destination[at..]);
        at += fields.Length;
        if (contentLength >= 0)
        {
            Span<byte> digits = stackalloc byte[20];
            contentLength.TryFormat(digits, out int length, default, System.Globalization.CultureInfo.InvariantCulture);
            WriteInteger(destination, ref at, IndexContentLength, 4, 0x00);
            WriteInteger(destination, ref at, length, 7, 0x00);
            digits[..length].CopyTo(destination[at..]);
            at += length;
        }

        return at;
    }

    /// <summary>An integer with an N-bit prefix (RFC 7541 5.1); <paramref name="pattern"/> holds the bits above the prefix.</summary>
    public static void WriteInteger(Span<byte> destination, ref int at, int value, int prefixBits, byte pattern)
    {
        int max = (1 << prefixBits) - 1;
        if (value < max)
        {
            destination[at++] = (byte)(pattern | value);
            return;
        }

        destination[at++] = (byte)(pattern | max);
        value -= max;
        while (value >= 0x80)
        {
            destination[at++] = (byte)((value & 0x7f) | 0x80);
            value >>= 7;
        }

        destination[at++] = (byte)value;
    }

    /// <summary>A literal without indexing whose name is a static-table entry.</summary>
    private static void WriteLiteral(Span<byte> destination, ref int at, int nameIndex, string value)
    {
        WriteInteger(destination, ref at, nameIndex, 4, 0x00);
        WriteInteger(destination, ref at, value.Length, 7, 0x00);
        at += Encoding.ASCII.GetBytes(value, destination[at..]);
    }

    private static void AddLiteral(List<byte> block, string name, string value)
    {
        byte[] nameBytes = Encoding.ASCII.GetBytes(name);
        byte[] valueBytes = Encoding.ASCII.GetBytes(value);
        Span<byte> scratch = stackalloc byte[16];
        int index = HPackStaticTable.IndexOf(name);
        int at = 0;
        WriteInteger(scratch, ref at, index, 4, 0x00);
        if (index == 0)
        {
            WriteInteger(scratch, ref at, nameBytes.Length, 7, 0x00);
        }

        block.AddRange(scratch[..at].ToArray());
        if (index == 0)
        {
            block.AddRange(nameBytes);
        }

        at = 0;
        WriteInteger(scratch, ref at, valueBytes.Length, 7, 0x00);
        block.AddRange(scratch[..at].ToArray());
        block.AddRange(valueBytes);
    }
}
