using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace LoadTest.Engine;

/// <summary>
/// The requests of -Uri with -Count, made one at a time as workers ask for them: the template's {0}
/// (with any .NET format, such as {0:D5}) becomes the request index, in the URI and in a body template.
/// Nothing is allocated ahead, so a count of 10^8 costs no memory.
/// </summary>
internal sealed class UriTemplateSource : IAsyncEnumerable<RequestSpec>
{
    private readonly IndexTemplate _template;
    private readonly Uri? _fixedUri;
    private readonly long _startIndex;
    private readonly long _count;
    private readonly HttpMethod _method;
    private readonly RequestPayload _payload;

    /// <param name="template">The URI template, parsed; each URI it makes was checked to be absolute before the run.</param>
    /// <param name="startIndex">The first index.</param>
    /// <param name="count">How many requests.</param>
    /// <param name="method">The method of every request.</param>
    /// <param name="payload">Headers and body; a body template is filled in per index.</param>
    public UriTemplateSource(IndexTemplate template, long startIndex, long count, HttpMethod method, RequestPayload payload)
    {
        _template = template;
        _fixedUri = template.HasIndex ? null : new Uri(template.Format(0), UriKind.Absolute);
        _startIndex = startIndex;
        _count = count;
        _method = method;
        _payload = payload;
    }

    /// <summary>The URI for one index.</summary>
    public Uri UriFor(long index) =>
        _fixedUri ?? new Uri(_template.Format(index), UriKind.Absolute);

    public IAsyncEnumerator<RequestSpec> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        new Enumerator(this);

    private sealed class Enumerator : IAsyncEnumerator<RequestSpec>
    {
        private readonly UriTemplateSource _source;
        private long _next;
        private RequestSpec? _current;

        public Enumerator(UriTemplateSource source)
        {
            _source = source;
            _next = source._startIndex;
        }

        public RequestSpec Current => _current ?? throw new InvalidOperationException();

        public ValueTask<bool> MoveNextAsync()
        {
            if (_next - _source._startIndex >= _source._count)
            {
                return new ValueTask<bool>(false);
            }

            long index = _next++;
            _current = new RequestSpec(index, _source._method, _source.UriFor(index), _source._payload.ForIndex(index));
            return new ValueTask<bool>(true);
        }

        public ValueTask DisposeAsync() => default;
    }
}
