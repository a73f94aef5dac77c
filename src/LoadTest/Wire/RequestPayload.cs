using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;

namespace LoadTest.Wire;

/// <summary>
/// Headers and body of a request, validated once and reused by every request that carries them. A body
/// template (-Body with {0}) gives each request a payload of its own that shares everything but the body,
/// so the header block each client writes is still encoded once per run.
/// </summary>
internal sealed class RequestPayload
{
    public static readonly RequestPayload Empty = new(Array.Empty<KeyValuePair<string, string>>(), null, null);

    // Shared by the payloads of one template.
    private readonly HeaderBlocks _blocks;

    /// <param name="headers">The headers, validated.</param>
    /// <param name="body">The body; ignored when <paramref name="bodyTemplate"/> is given.</param>
    /// <param name="contentType">The Content-Type of the body.</param>
    /// <param name="bodyTemplate">A body in which {0} becomes each request's index; null for one body for all.</param>
    public RequestPayload(IReadOnlyList<KeyValuePair<string, string>> headers, byte[]? body, string? contentType, IndexTemplate? bodyTemplate = null)
    {
        Headers = headers;
        BodyTemplate = bodyTemplate is { HasIndex: true } ? bodyTemplate : null;
        Body = bodyTemplate is null ? body : (BodyTemplate is null ? bodyTemplate.FormatUtf8(0) : null);
        ContentType = contentType;
        _blocks = new HeaderBlocks();
    }

    /// <summary>One request's payload from a template payload: its own body, everything else shared.</summary>
    private RequestPayload(RequestPayload template, byte[] body)
    {
        Headers = template.Headers;
        Body = body;
        ContentType = template.ContentType;
        _blocks = template._blocks;
    }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The body; null without one, and on a template payload (see <see cref="ForIndex"/>).</summary>
    public byte[]? Body { get; }

    public string? ContentType { get; }

    /// <summary>The body template whose {0} is the request index; null when every request sends <see cref="Body"/>.</summary>
    public IndexTemplate? BodyTemplate { get; }

    /// <summary>
    /// The headers and Content-Type as <paramref name="encoding"/> writes them, encoded once for every request
    /// that carries this payload; null when that client cannot send them as they are.
    /// </summary>
    public byte[]? HeaderBlock(IHeaderBlockEncoding encoding) => _blocks.Get(encoding, this);

    /// <summary>True when a request with this payload has a body, perhaps empty, and so a Content-Length.</summary>
    public bool HasContent => Body is not null || ContentType is not null;

    /// <summary>The payload of the request with this index: this one, unless the body is a template.</summary>
    public RequestPayload ForIndex(long index) => BodyTemplate is null ? this : new RequestPayload(this, BodyTemplate.FormatUtf8(index));

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

    /// <summary>The header blocks of one payload (or template), one per client that asked: a run has one, rarely two.</summary>
    private sealed class HeaderBlocks
    {
        private Entry? _first;

        public byte[]? Get(IHeaderBlockEncoding encoding, RequestPayload payload)
        {
            for (Entry? entry = Volatile.Read(ref _first); entry is not null; entry = entry.Next)
            {
                if (ReferenceEquals(entry.Encoding, encoding))
                {
                    return entry.Block;
                }
            }

            // Encoded again by a thread that races this one: the same bytes, and either entry serves.
            byte[]? block = encoding.Encode(payload.Headers, payload.ContentType);
            Entry? first;
            do
            {
                first = Volatile.Read(ref _first);
            }
            while (Interlocked.CompareExchange(ref _first, new Entry(encoding, block, first), first) != first);

            return block;
        }

        private sealed record Entry(IHeaderBlockEncoding Encoding, byte[]? Block, Entry? Next);
    }
}
