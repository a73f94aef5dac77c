using System;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using LoadTest.Wire.Connections;

namespace LoadTest.Wire.Http2;

/// <summary>
/// LoadTest's own HTTP/2 client for -HttpVersion 2.0 (https with ALPN h2, or http with prior knowledge, as
/// HttpClient does), without a proxy: per server, as few connections as the server's stream limit allows,
/// each carrying many requests at once (see <see cref="Http2Pool"/>). What it cannot send (see
/// <see cref="CanSend"/>) goes to HttpClient.
/// </summary>
internal sealed class Http2Client : IHttpTransport
{
    // A server that keeps refusing (or keeps closing connections under the requests) fails the request after this many replays.
    private const int MaxReplays = 3;

    // Refusals the server's own lowered limit explains (a stream that went out before the server's SETTINGS said
    // less) are not the server failing: they have a budget of their own, only so that a loop has an end.
    private const int MaxLimitReplays = 100;

    private readonly ConcurrentDictionary<string, Http2Pool> _pools = new(StringComparer.Ordinal);
    private readonly WireOptions _options;
    private readonly ConnectionOpener _sockets;
    private readonly TlsClientSettings _tls;
    private readonly DirectOrigins _direct;
    private readonly CancellationTokenSource _disposing = new();
    private Http2Pool? _last;

    public Http2Client(WireOptions options, ConnectionOpener sockets)
    {
        _options = options;
        _sockets = sockets;
        _tls = new TlsClientSettings(options);
        _direct = new DirectOrigins(options.Connector);
    }

    /// <summary>
    /// True for http and https to an ASCII host without a proxy, when the hop sends the request as given and
    /// its headers can go over HTTP/2 as they are.
    /// </summary>
    public bool CanSend(RequestSpec spec, in RedirectHop hop) =>
        hop.IsAsGiven(spec) && spec.Payload.HeaderBlock(Http2HeaderBlock.Encoding) is not null && _direct.IsDirect(hop.Origin);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ResponseHead> SendAsync(RequestSpec spec, RedirectHop hop, AttemptProgress progress, CancellationToken token)
    {
        Http2Pool pool = PoolFor(hop.Origin);
        int replays = 0;
        int limitReplays = 0;
        while (true)
        {
            try
            {
                return await pool.SendAsync(new Http2Stream(pool, spec, hop, progress, _options.CaptureHeaders), token).ConfigureAwait(false);
            }
            catch (Http2RefusedException ex) when (!token.IsCancellationRequested && (ex.ForLimit ? ++limitReplays <= MaxLimitReplays : ++replays <= MaxReplays))
            {
                // The server did not process it: it goes out again, and the replay is counted if the first went on the wire.
                if (WireEvents.Log.IsEnabled())
                {
                    WireEvents.Log.RequestReplayed(spec.Index, hop.Origin.Authority, ex.Message);
                }
            }
        }
    }

    public void Dispose()
    {
        _disposing.Cancel();
        foreach (Http2Pool pool in _pools.Values)
        {
            pool.Close();
        }

        _disposing.Dispose();
    }

    /// <summary>The connections to a URI's scheme, host and port; the last one is kept, since most runs have one.</summary>
    private Http2Pool PoolFor(Uri origin)
    {
        Http2Pool? last = _last;
        if (last is not null && ReferenceEquals(last.Origin, origin))
        {
            return last;
        }

        string key = origin.Scheme + "://" + origin.Authority;
        if (last is not null && last.Key == key)
        {
            return last;
        }

        return _last = _pools.GetOrAdd(key, static (key, state) => state.Client.CreatePool(state.Origin, key), (Client: this, Origin: origin));
    }

    private Http2Pool CreatePool(Uri origin, string key)
    {
        // The pool puts in its own callbacks.
        var settings = new Http2ConnectionSettings(
            _sockets, origin.IdnHost, origin.Port, origin.Authority, origin.Scheme == Uri.UriSchemeHttps ? _tls : null,
            _options.DisableKeepAlive, static _ => { }, static _ => { });
        int maxConnections = _options.MaxConnections > 0 ? _options.MaxConnections : _options.ThrottleLimit;
        return new Http2Pool(origin, key, settings, _options.Timeout, maxConnections, _disposing.Token);
    }
}
