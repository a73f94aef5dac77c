using System;
using System.Buffers;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using LoadTest.Engine.Schedule;
using LoadTest.Wire;

namespace LoadTest.Engine;

/// <summary>
/// The requests of -Uri with -Count, made one at a time as workers ask for them: the template's {0}
/// (with any .NET format, such as {0:D5}) becomes the request index, in the URI and in a body template.
/// Nothing is allocated ahead, so a count of 10^8 costs no memory.
/// </summary>
internal sealed class UriTemplateSource : IAsyncEnumerable<RequestSpec>
{
    // What System.Uri leaves as it is in a path and query; '%', '#', '\\' and the like it rewrites.
    private static readonly SearchValues<char> s_verbatim =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/?[]");

    private readonly IndexTemplate _template;
    private readonly Uri? _fixedUri;
    private readonly string? _fixedPathAndQuery;

    // With the index only after the authority: the scheme and authority as written, the rest as a template of its own.
    private readonly string? _originText;
    private readonly Uri? _origin;
    private readonly IndexTemplate? _rest;
    private readonly long _startIndex;
    private readonly long _count;
    private readonly HttpMethod _method;
    private readonly RequestPayload _payload;
    private readonly ExecutionSegment _segment;

    /// <param name="template">The URI template, parsed; each URI it makes was checked to be absolute before the run.</param>
    /// <param name="startIndex">The first index.</param>
    /// <param name="count">How many requests the run has (this share makes its part of them).</param>
    /// <param name="method">The method of every request.</param>
    /// <param name="payload">Headers and body; a body template is filled in per index.</param>
    /// <param name="segment">The share of the indexes to make: its request n has the index startIndex + segment.Global(n).</param>
    public UriTemplateSource(IndexTemplate template, long startIndex, long count, HttpMethod method, RequestPayload payload, ExecutionSegment segment = default)
    {
        _template = template;
        _fixedUri = template.HasIndex ? null : new Uri(template.Format(0), UriKind.Absolute);
        _fixedPathAndQuery = _fixedUri?.PathAndQuery;
        if (template.HasIndex && SplitOrigin(template.Text) is { } originText
            && Uri.TryCreate(originText + "/", UriKind.Absolute, out Uri? origin)
            && IndexTemplate.TryParse(template.Text[originText.Length..], out IndexTemplate? rest) is null)
        {
            _originText = originText;
            _origin = origin;
            _rest = rest;
        }

        _startIndex = startIndex;
        _method = method;
        _payload = payload;
        _segment = segment;
        _count = segment.ShareOf(count);
    }

    /// <summary>The URI for one index, parsed.</summary>
    private Uri UriFor(long index) =>
        _fixedUri ?? new Uri(_template.Format(index), UriKind.Absolute);

    public IAsyncEnumerator<RequestSpec> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        new Enumerator(this);

    /// <summary>The spec of one index; its URI is parsed now only when the template cannot say what System.Uri would make of it.</summary>
    public RequestSpec SpecFor(long index)
    {
        RequestPayload payload = _payload.ForIndex(index);
        if (_fixedUri is not null)
        {
            return new RequestSpec(index, _method, _fixedUri, payload, _fixedPathAndQuery);
        }

        if (_rest is not null)
        {
            string rest = _rest.Format(index);
            if (IsVerbatim(rest))
            {
                return new RequestSpec(index, _method, _origin!, string.Concat(_originText, rest), rest, payload);
            }
        }

        return new RequestSpec(index, _method, UriFor(index), payload);
    }

    /// <summary>The scheme and authority of a template ("http://host:port"), when no placeholder is in them and a path follows.</summary>
    private static string? SplitOrigin(string template)
    {
        int scheme = template.IndexOf("://", StringComparison.Ordinal);
        if (scheme <= 0)
        {
            return null;
        }

        int end = template.AsSpan(scheme + 3).IndexOfAny('/', '?', '#');
        if (end < 0 || template[scheme + 3 + end] != '/')
        {
            return null;
        }

        string origin = template[..(scheme + 3 + end)];
        return origin.AsSpan().IndexOfAny('{', '}') >= 0 ? null : origin;
    }

    /// <summary>True when System.Uri would keep this path and query exactly as they are (no escaping, no dot segments).</summary>
    internal static bool IsVerbatim(string pathAndQuery)
    {
        ReadOnlySpan<char> text = pathAndQuery;
        if (text.IsEmpty || text[0] != '/' || text.ContainsAnyExcept(s_verbatim))
        {
            return false;
        }

        int query = text.IndexOf('?');
        return !(query < 0 ? text : text[..query]).Contains("/.", StringComparison.Ordinal);
    }

    private sealed class Enumerator : IAsyncEnumerator<RequestSpec>
    {
        private readonly UriTemplateSource _source;
        private long _next;
        private RequestSpec? _current;

        public Enumerator(UriTemplateSource source)
        {
            _source = source;
        }

        public RequestSpec Current => _current ?? throw new InvalidOperationException();

        public ValueTask<bool> MoveNextAsync()
        {
            if (_next >= _source._count)
            {
                return new ValueTask<bool>(false);
            }

            _current = _source.SpecFor(_source._startIndex + _source._segment.Global(_next++));
            return new ValueTask<bool>(true);
        }

        public ValueTask DisposeAsync() => default;
    }
}
