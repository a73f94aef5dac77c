using System;
using System.Collections.Concurrent;
using System.Net;
using System.Text;
using LoadTest.Engine;
using LoadTest.Wire.Http1;
using LoadTest.Wire.Http2;

namespace LoadTest.Wire;

/// <summary>
/// The one place that decides which transport sends a hop: LoadTest's HTTP/1.1 client where the run and
/// the hop allow it, HttpClient for everything else. Owns both transports of a run.
/// </summary>
internal sealed class TransportSelector : IDisposable
{
    private readonly HttpClientTransport _httpClient;
    private readonly Http1Client? _http1;
    private readonly Http2Client? _http2;
    private readonly ConcurrentDictionary<string, bool> _direct = new(StringComparer.Ordinal);
    private readonly Connector _connector;
    private OriginVerdict? _last;

    public TransportSelector(RequestEngineOptions options)
    {
        _httpClient = new HttpClientTransport(options);
        _connector = options.Connector;

        // Cookies, a connection limit below the throttle limit, HTTP/1.0 and HTTP/3 are HttpClient's.
        if (options.Transport == TransportKind.Auto
            && !options.KeepCookies
            && (options.MaxConnections <= 0 || options.MaxConnections >= options.ThrottleLimit))
        {
            if (options.HttpVersion == HttpVersion.Version11)
            {
                _http1 = new Http1Client(options);
            }
            else if (options.HttpVersion == HttpVersion.Version20)
            {
                _http2 = new Http2Client(options);
            }
        }
    }

    /// <summary>
    /// LoadTest's HTTP/1.1 or HTTP/2 client for http and https to an ASCII host without a proxy, when the
    /// hop sends the request as given and its headers can be written as they are; HttpClient otherwise.
    /// </summary>
    public IHttpTransport For(RequestSpec spec, in RedirectHop hop)
    {
        if (_http1 is not null)
        {
            return hop.IsAsGiven(spec) && spec.Payload.Http1HeaderBlock is not null && IsDirect(hop.Origin) ? _http1 : _httpClient;
        }

        if (_http2 is not null)
        {
            return hop.IsAsGiven(spec) && spec.Payload.Http2HeaderBlock is not null && IsDirect(hop.Origin) ? _http2 : _httpClient;
        }

        return _httpClient;
    }

    public void Dispose()
    {
        _http1?.Dispose();
        _http2?.Dispose();
        _httpClient.Dispose();
    }

    /// <summary>True for http and https to an ASCII host without a proxy; the last origin's answer is kept, since most runs have one.</summary>
    private bool IsDirect(Uri origin)
    {
        OriginVerdict? last = _last;
        if (last is not null && ReferenceEquals(last.Origin, origin))
        {
            return last.Direct;
        }

        string authority = origin.Authority;
        if (last is not null && last.Origin.Scheme == origin.Scheme && last.Authority == authority)
        {
            return last.Direct;
        }

        bool direct = (origin.Scheme == Uri.UriSchemeHttp || origin.Scheme == Uri.UriSchemeHttps)
            && _direct.GetOrAdd(authority, static (_, state) => state.Selector.IsDirectServer(state.Origin), (Selector: this, Origin: origin));
        _last = new OriginVerdict(origin, authority, direct);
        return direct;
    }

    private bool IsDirectServer(Uri uri)
    {
        if (!uri.IdnHost.Equals(uri.Host, StringComparison.Ordinal) || Encoding.UTF8.GetByteCount(uri.Authority) != uri.Authority.Length)
        {
            return false;
        }

        return !_connector.IsProxied(uri);
    }

    private sealed record OriginVerdict(Uri Origin, string Authority, bool Direct);
}
