using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace LoadTest.Engine;

/// <summary>
/// The requests of -Uri with -Count, made one at a time as workers ask for them: every "{0}" in the
/// template becomes the request index. Nothing is allocated ahead, so a count of 10^8 costs no memory.
/// </summary>
internal sealed class UriTemplateSource : IAsyncEnumerable<RequestSpec>
{
    private const string Placeholder = "{0}";

    private readonly string[] _parts;
    private readonly Uri? _fixedUri;
    private readonly long _startIndex;
    private readonly long _count;
    private readonly HttpMethod _method;
    private readonly RequestPayload _payload;

    public UriTemplateSource(string template, long startIndex, long count, HttpMethod method, RequestPayload payload)
    {
        _parts = template.Split(Placeholder);
        _fixedUri = _parts.Length == 1 ? new Uri(template, UriKind.Absolute) : null;
        _startIndex = startIndex;
        _count = count;
        _method = method;
        _payload = payload;
    }

    /// <summary>The URI for one index, used to validate the template before a run.</summary>
    public Uri UriFor(long index) =>
        _fixedUri ?? new Uri(string.Join(index.ToString(CultureInfo.InvariantCulture), _parts), UriKind.Absolute);

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
            _current = new RequestSpec(index, _source._method, _source.UriFor(index), _source._payload);
            return new ValueTask<bool>(true);
        }

        public ValueTask DisposeAsync() => default;
    }
}
