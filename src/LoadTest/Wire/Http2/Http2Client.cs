using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using LoadTest.Wire.Connections;

namespace LoadTest.Wire.Http2;

/// <summary>
/// LoadTest's own HTTP/2 client for -HttpVersion 2.0 (https with ALPN h2, or http with prior knowledge, as
/// HttpClient does), without a proxy: per server, as few connections as the server's stream limit allows,
/// each carrying many requests at once. What it cannot send (see <see cref="CanSend"/>) goes to HttpClient.
/// </summary>
internal sealed class Http2Client : IHttpTransport
{
    // A server that keeps refusing (or keeps closing connections under the requests) fails the request after this many replays.
    private const int MaxReplays = 3;

    private readonly ConcurrentDictionary<string, Pool> _pools = new(StringComparer.Ordinal);
    private readonly WireOptions _options;
    private readonly ConnectionOpener _sockets;
    private readonly TlsClientSettings _tls;
    private readonly DirectOrigins _direct;
    private readonly CancellationTokenSource _disposing = new();
    private Pool? _last;

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
        Pool pool = PoolFor(hop.Origin);
        for (int replays = 0; ; replays++)
        {
            try
            {
                Http2Connection connection = pool.TryReserve() ?? await pool.ConnectAndReserveAsync(token).ConfigureAwait(false);
                return await connection.SendAsync(spec, hop, progress, token).ConfigureAwait(false);
            }
            catch (Http2RefusedException) when (replays < MaxReplays && !token.IsCancellationRequested)
            {
                // The server did not process it: it goes out again on another connection, and the replay is counted.
            }
        }
    }

    public void Dispose()
    {
        _disposing.Cancel();
        foreach (Pool pool in _pools.Values)
        {
            pool.Close();
        }

        _disposing.Dispose();
    }

    /// <summary>The connections to a URI's scheme, host and port; the last one is kept, since most runs have one.</summary>
    private Pool PoolFor(Uri origin)
    {
        Pool? last = _last;
        if (last is not null && ReferenceEquals(last.Origin, origin))
        {
            return last;
        }

        string key = origin.Scheme + "://" + origin.Authority;
        if (last is not null && last.Key == key)
        {
            return last;
        }

        return _last = _pools.GetOrAdd(key, static (key, state) => new Pool(state.Client, state.Origin, key), (Client: this, Origin: origin));
    }

    /// <summary>The connections to one server, and the one connection being opened to it, if any.</summary>
    private sealed class Pool
    {
        private readonly Http2Client _client;
        private readonly List<Http2Connection> _connections = new();

        // Every connection until it has ended, taking requests or not (one the server sent away still has streams): closed with the client.
        private readonly HashSet<Http2Connection> _live = new();
        private readonly Http2ConnectionSettings _settings;
        private Task<Http2Connection>? _connecting;
        private bool _closed;

        public Pool(Http2Client client, Uri origin, string key)
        {
            _client = client;
            Origin = origin;
            Key = key;
            WireOptions options = client._options;
            _settings = new Http2ConnectionSettings(
                client._sockets, origin.IdnHost, origin.Port, origin.Authority, origin.Scheme == Uri.UriSchemeHttps ? client._tls : null,
                options.CaptureHeaders, options.DisableKeepAlive, Remove);
        }

        public Uri Origin { get; }

        public string Key { get; }

        /// <summary>A connection with a stream slot taken for the caller, or null when every one is full.</summary>
        public Http2Connection? TryReserve()
        {
            lock (_connections)
            {
                foreach (Http2Connection connection in _connections)
                {
                    if (connection.TryReserve())
                    {
                        return connection;
                    }
                }
            }

            return null;
        }

        /// <summary>Waits for a new connection (one at a time per server, shared by all who wait) and takes a slot on it or another.</summary>
        public async ValueTask<Http2Connection> ConnectAndReserveAsync(CancellationToken token)
        {
            if (_settings.SingleUse)
            {
                // A connection of its own, opened in parallel with the others', never shared.
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, _client._disposing.Token);
                Http2Connection own = await Http2Connection.ConnectAsync(_settings, linked.Token).ConfigureAwait(false);
                if (!Track(own) || !own.TryReserve())
                {
                    own.Dispose();
                    throw new Http2RefusedException("The new HTTP/2 connection ended before it took the request.", own.Failure);
                }

                return own;
            }

            int endedEarly = 0;
            while (true)
            {
                Task<Http2Connection> connecting;
                lock (_connections)
                {
                    foreach (Http2Connection connection in _connections)
                    {
                        if (connection.TryReserve())
                        {
                            return connection;
                        }
                    }

                    connecting = _connecting ??= ConnectAsync();
                }

                try
                {
                    if (!(await connecting.WaitAsync(token).ConfigureAwait(false)).CanEverTake && ++endedEarly == MaxReplays)
                    {
                        // Each new connection ended, or allowed no stream, before it took a request.
                        throw new HttpIOException(HttpRequestError.ResponseEnded, "The server ended each new HTTP/2 connection, or allowed it no request, before it took one.", connecting.Result.Failure);
                    }
                }
                finally
                {
                    if (connecting.IsCompleted)
                    {
                        lock (_connections)
                        {
                            if (_connecting == connecting)
                            {
                                _connecting = null;
                            }
                        }
                    }
                }
            }
        }

        public void Close()
        {
            Http2Connection[] open;
            lock (_connections)
            {
                _closed = true;
                open = new Http2Connection[_live.Count];
                _live.CopyTo(open);
                _live.Clear();
                _connections.Clear();
            }

            foreach (Http2Connection connection in open)
            {
                connection.Dispose();
            }
        }

        private async Task<Http2Connection> ConnectAsync()
        {
            // Shared by every request waiting for it, so bounded by the run's timeout rather than one request's.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_client._disposing.Token);
            if (_client._options.Timeout > TimeSpan.Zero && _client._options.Timeout != Timeout.InfiniteTimeSpan)
            {
                timeout.CancelAfter(_client._options.Timeout);
            }

            Http2Connection connection = await Http2Connection.ConnectAsync(_settings, timeout.Token).ConfigureAwait(false);

            // Kept here, whoever still waits for it: a connection every waiter gave up on is still closed with the client.
            if (!Track(connection))
            {
                throw new ObjectDisposedException(nameof(Http2Client));
            }

            return connection;
        }

        /// <summary>
        /// Keeps a new connection among the live ones, and while it takes requests among those shared (a single-use
        /// one is not shared); false, and it is closed, when the client has closed.
        /// </summary>
        private bool Track(Http2Connection connection)
        {
            lock (_connections)
            {
                if (!_closed)
                {
                    if (!connection.HasEnded)
                    {
                        _live.Add(connection);
                    }

                    if (!_settings.SingleUse && connection.IsOpen)
                    {
                        // Until it stops taking requests: then it takes itself out (Remove).
                        _connections.Add(connection);
                    }

                    return true;
                }
            }

            connection.Dispose();
            return false;
        }

        /// <summary>A connection stopped taking requests (GOAWAY), or ended.</summary>
        private void Remove(Http2Connection connection)
        {
            lock (_connections)
            {
                _connections.Remove(connection);
                if (connection.HasEnded)
                {
                    _live.Remove(connection);
                }
            }
        }
    }
}
