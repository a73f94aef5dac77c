using System;
using System.Collections.Concurrent;
using System.Text;

namespace LoadTest.Wire.Connections;

/// <summary>
/// Which origins LoadTest's own clients can reach: http and https to an ASCII host without a proxy (proxies
/// and international names are HttpClient's). The last origin's answer is kept, since most runs have one.
/// </summary>
internal sealed class DirectOrigins
{
    private readonly ConcurrentDictionary<string, bool> _direct = new(StringComparer.Ordinal);
    private readonly Connector _connector;
    private Verdict? _last;

    public DirectOrigins(Connector connector)
    {
        _connector = connector;
    }

    public bool IsDirect(Uri origin)
    {
        Verdict? last = _last;
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
            && _direct.GetOrAdd(authority, static (_, state) => state.Origins.IsDirectServer(state.Origin), (Origins: this, Origin: origin));
        _last = new Verdict(origin, authority, direct);
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

    private sealed record Verdict(Uri Origin, string Authority, bool Direct);
}
