using System;
using System.Collections.Generic;
using System.Text;

namespace LoadTest.Wire.Http1;

/// <summary>
/// A payload's headers and Content-Type as HTTP/1.1 text, written once for every request that carries it
/// (Content-Length is each request's own). A header that needs HttpClient (Host, framing, non-ASCII
/// values) gives no block: those requests go through HttpClient.
/// </summary>
internal sealed class Http1HeaderBlock : IHeaderBlockEncoding
{
    public static Http1HeaderBlock Encoding { get; } = new();

    private Http1HeaderBlock()
    {
    }

    public byte[]? Encode(IReadOnlyList<KeyValuePair<string, string>> headers, string? contentType)
    {
        var text = new StringBuilder();
        bool hasContentType = false;
        for (int i = 0; i < headers.Count; i++)
        {
            string name = headers[i].Key;
            string value = headers[i].Value;
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Connection", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Expect", StringComparison.OrdinalIgnoreCase)
                || !Ascii.IsValid(name)
                || !Ascii.IsValid(value))
            {
                return null;
            }

            hasContentType |= name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase);
            text.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        if (contentType is not null && !hasContentType)
        {
            if (!Ascii.IsValid(contentType))
            {
                return null;
            }

            text.Append("Content-Type: ").Append(contentType).Append("\r\n");
        }

        return System.Text.Encoding.ASCII.GetBytes(text.ToString());
    }
}
