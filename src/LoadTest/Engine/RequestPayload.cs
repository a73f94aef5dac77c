using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Net.Http.Headers;

namespace LoadTest.Engine;

/// <summary>
/// Headers and body of a request, validated once and reused by every request that carries them.
/// </summary>
internal sealed class RequestPayload
{
    public static readonly RequestPayload Empty = new(Array.Empty<KeyValuePair<string, string>>(), null, null);

    public RequestPayload(IReadOnlyList<KeyValuePair<string, string>> headers, byte[]? body, string? contentType)
    {
        Headers = headers;
        Body = body;
        ContentType = contentType;
        _http1HeaderBlock = new Lazy<byte[]?>(EncodeHttp1HeaderBlock, System.Threading.LazyThreadSafetyMode.PublicationOnly);
    }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    public byte[]? Body { get; }

    public string? ContentType { get; }

    /// <summary>
    /// The headers, Content-Type and Content-Length as HTTP/1.1 text, written once for every request
    /// that carries this payload; null when a header needs HttpClient (Host, framing, non-ASCII values).
    /// </summary>
    public byte[]? Http1HeaderBlock => _http1HeaderBlock.Value;

    private readonly Lazy<byte[]?> _http1HeaderBlock;

    /// <param name="method">The method.</param>
    /// <param name="uri">The target.</param>
    /// <param name="withBody">False after a redirect that turns the request into a GET.</param>
    /// <param name="withCredentials">False after a redirect to another origin: Authorization and Cookie stay behind.</param>
    public HttpRequestMessage CreateMessage(HttpMethod method, Uri uri, bool withBody = true, bool withCredentials = true)
    {
        var message = new HttpRequestMessage(method, uri);
        if (withBody && (Body is not null || ContentType is not null))
        {
            var content = new ByteArrayContent(Body ?? Array.Empty<byte>());
            if (ContentType is not null)
            {
                content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }

            message.Content = content;
        }

        for (int i = 0; i < Headers.Count; i++)
        {
            var header = Headers[i];
            if (!withCredentials && IsCredential(header.Key))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(header.Key, header.Value))
            {
                // Content-* headers belong to the content; a request without a body gets an empty one.
                message.Content ??= new ByteArrayContent(Array.Empty<byte>());
                message.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return message;
    }

    private byte[]? EncodeHttp1HeaderBlock()
    {
        var text = new System.Text.StringBuilder();
        bool hasContentType = false;
        for (int i = 0; i < Headers.Count; i++)
        {
            string name = Headers[i].Key;
            string value = Headers[i].Value;
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Connection", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Expect", StringComparison.OrdinalIgnoreCase)
                || !System.Text.Ascii.IsValid(name)
                || !System.Text.Ascii.IsValid(value))
            {
                return null;
            }

            hasContentType |= name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase);
            text.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        if (ContentType is not null && !hasContentType)
        {
            if (!System.Text.Ascii.IsValid(ContentType))
            {
                return null;
            }

            text.Append("Content-Type: ").Append(ContentType).Append("\r\n");
        }

        if (Body is not null || ContentType is not null)
        {
            text.Append("Content-Length: ").Append((Body?.Length ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("\r\n");
        }

        return System.Text.Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>Headers that carry secrets; they are never sent to an origin the user did not name.</summary>
    public static bool IsCredential(string name) =>
        name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Cookie", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase);

    /// <summary>Returns an error message when a header name or value cannot be sent, otherwise null.</summary>
    public static string? ValidateHeader(string name, string value)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "A header name is empty.";
        }

        using var probe = new HttpRequestMessage();
        try
        {
            if (!probe.Headers.TryAddWithoutValidation(name, value))
            {
                using var content = new ByteArrayContent(Array.Empty<byte>());
                if (!content.Headers.TryAddWithoutValidation(name, value))
                {
                    return $"The header '{name}' cannot be sent.";
                }
            }
        }
        catch (FormatException ex)
        {
            return $"The header name '{name}' is not valid: {ex.Message}";
        }

        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            return $"The value of header '{name}' contains a line break.";
        }

        return null;
    }
}
