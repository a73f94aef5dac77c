using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace LoadTest.Wire.Http2;

/// <summary>
/// The HTTP/2 connections to one server, and the requests waiting for a stream on one of them. A request
/// opens a stream on the first connection whose server allows one more (SETTINGS_MAX_CONCURRENT_STREAMS,
/// RFC 9113 5.1.2); when none does, it waits here, in order, until a stream ends, a limit rises, or a new
/// connection can take it. A new connection opens only when every connection has heard its server's limit
/// and is full at it (one at a time, up to the connection limit): a limit of 0 is waited out, not taken
/// for "never" (RFC 9113 6.5.2), and a connection still waiting for its server's SETTINGS takes one request
/// only (see <see cref="Http2Connection.TryOpen"/>), so no burst goes out that a low limit would refuse.
/// </summary>
/// <remarks>Lock order: the pool's, then a connection's; a connection calls back into the pool only outside its own.</remarks>
internal sealed class Http2Pool
{
    // Connections in a row that ended before they took a request: then the requests waiting fail.
    private const int MaxEmptyConnections = 3;

    private readonly object _gate = new();
    private readonly Http2ConnectionSettings _settings;
    private readonly TimeSpan _connectTimeout;
    private readonly CancellationToken _disposing;
    private readonly int _maxConnections;
    private readonly LinkedList<Http2Stream> _waiting = new();

    // Every connection until it has ended, taking requests or not (one the server sent away still has streams): closed with the pool.
    private readonly HashSet<Http2Connection> _live = new();

    // The connections taking requests, read without the lock by a request that finds nobody waiting.
    private Http2Connection[] _taking = Array.Empty<Http2Connection>();
    private int _waitingCount;
    private bool _connecting;
    private bool _connectFailed;
    private int _emptyConnections;
    private bool _closed;

    public Http2Pool(Uri origin, string key, Http2ConnectionSettings settings, TimeSpan connectTimeout, int maxConnections, CancellationToken disposing)
    {
        Origin = origin;
        Key = key;
        _settings = settings with { Closed = Remove, Capacity = OnCapacity };
        _connectTimeout = connectTimeout;
        _maxConnections = Math.Max(1, maxConnections);
        _disposing = disposing;
    }

    public Uri Origin { get; }

    public string Key { get; }

    /// <summary>
    /// Sends a request on a stream of one of the connections, at once or once one allows it, and returns the wait
    /// for its response. A request that never went out, or that the server did not process, fails with
    /// <see cref="Http2RefusedException"/>: safe to send again.
    /// </summary>
    public ValueTask<ResponseHead> SendAsync(Http2Stream stream, CancellationToken token)
    {
        if (_settings.SingleUse)
        {
            return SendOnOwnConnectionAsync(stream, token);
        }

        token.ThrowIfCancellationRequested();
        Http2Connection? opened = null;
        bool flush = false;
        if (Volatile.Read(ref _waitingCount) == 0)
        {
            foreach (Http2Connection connection in Volatile.Read(ref _taking))
            {
                if (connection.TryOpen(stream, out flush) == Http2Connection.OpenResult.Opened)
                {
                    opened = connection;
                    break;
                }
            }
        }

        bool connect = false;
        if (opened is null)
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_closed, this);

                // Again under the lock: a stream that ended since the look above called OnCapacity, which found nobody waiting.
                if (_waiting.Count == 0)
                {
                    opened = OpenOnAny(stream, out flush);
                }

                if (opened is null)
                {
                    stream.WaitingNode = _waiting.AddLast(stream);
                    Volatile.Write(ref _waitingCount, _waiting.Count);
                    connect = ShouldConnect();
                }
            }
        }

        opened?.Start(stream, flush);
        if (connect)
        {
            _ = Task.Run(ConnectAsync, CancellationToken.None);
        }

        // Outside the locks: a token cancelled by now runs Cancel at once, which takes them itself.
        stream.Registration = token.UnsafeRegister(static (state, cancelled) => ((Http2Stream)state!).Pool.Cancel((Http2Stream)state!, cancelled), stream);
        return stream.AsValueTask();
    }

    /// <summary>Closes every connection; the requests still waiting fail.</summary>
    public void Close()
    {
        Http2Connection[] open;
        List<Http2Stream> waiting;
        lock (_gate)
        {
            _closed = true;
            open = new Http2Connection[_live.Count];
            _live.CopyTo(open);
            _live.Clear();
            _taking = Array.Empty<Http2Connection>();
            waiting = TakeWaiting();
        }

        foreach (Http2Stream stream in waiting)
        {
            stream.Fail(new ObjectDisposedException(nameof(Http2Pool)));
        }

        foreach (Http2Connection connection in open)
        {
            connection.Dispose();
        }
    }

    /// <summary>The request's attempt was cancelled: it leaves the queue, or its stream is reset.</summary>
    private void Cancel(Http2Stream stream, CancellationToken token)
    {
        bool waited = false;
        lock (_gate)
        {
            if (stream.WaitingNode is { } node)
            {
                _waiting.Remove(node);
                stream.WaitingNode = null;
                Volatile.Write(ref _waitingCount, _waiting.Count);
                waited = true;
            }
        }

        if (waited)
        {
            stream.Fail(new OperationCanceledException(token));
        }
        else
        {
            // Opened: the connection resets it. (Neither waiting nor opened: it has already failed.)
            stream.Owner?.Cancel(stream, token);
        }
    }

    /// <summary>A connection may take more requests: a stream ended, or its server's limit changed.</summary>
    private void OnCapacity(Http2Connection connection)
    {
        if (Volatile.Read(ref _waitingCount) == 0)
        {
            return;
        }

        List<Opened>? opened = null;
        bool connect;
        lock (_gate)
        {
            opened = ServeWaiting();
            connect = ShouldConnect();
        }

        Start(opened);
        if (connect)
        {
            _ = Task.Run(ConnectAsync, CancellationToken.None);
        }
    }

    /// <summary>A connection stopped taking requests (GOAWAY), or ended.</summary>
    private void Remove(Http2Connection connection)
    {
        List<Http2Stream>? failed = null;
        bool connect;
        lock (_gate)
        {
            int at = Array.IndexOf(_taking, connection);
            if (at >= 0)
            {
                var taking = new Http2Connection[_taking.Length - 1];
                Array.Copy(_taking, taking, at);
                Array.Copy(_taking, at + 1, taking, at, taking.Length - at);
                _taking = taking;
                _connectFailed = false;
                failed = CountEnded(connection);
            }

            if (connection.HasEnded)
            {
                _live.Remove(connection);
            }

            connect = ShouldConnect();
        }

        if (failed is not null)
        {
            Fail(failed, EmptyConnections(connection));
        }

        if (connect)
        {
            _ = Task.Run(ConnectAsync, CancellationToken.None);
        }
    }

    /// <summary>Opens a connection for the requests waiting; shared by them, so bounded by the run's timeout rather than one request's.</summary>
    private async Task ConnectAsync()
    {
        Http2Connection connection;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_disposing);
            if (_connectTimeout > TimeSpan.Zero && _connectTimeout != Timeout.InfiniteTimeSpan)
            {
                timeout.CancelAfter(_connectTimeout);
            }

            connection = await Http2Connection.ConnectAsync(_settings, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            List<Http2Stream>? failed = null;
            lock (_gate)
            {
                _connecting = false;

                // With no connection to wait for, the requests waiting fail as the connection did; otherwise they wait for those there are.
                if (_taking.Length == 0)
                {
                    failed = TakeWaiting();
                }
                else
                {
                    _connectFailed = true;
                }
            }

            Fail(failed, ex);
            return;
        }

        List<Opened>? opened = null;
        List<Http2Stream>? ended = null;
        bool keep;
        bool connect;
        lock (_gate)
        {
            _connecting = false;
            _connectFailed = false;
            keep = !_closed;
            if (keep)
            {
                if (!connection.HasEnded)
                {
                    _live.Add(connection);
                }

                if (connection.IsOpen)
                {
                    // Until it stops taking requests: then it takes itself out (Remove).
                    var taking = new Http2Connection[_taking.Length + 1];
                    _taking.CopyTo(taking, 0);
                    taking[^1] = connection;
                    _taking = taking;
                    opened = ServeWaiting();
                }
                else
                {
                    // It ended (or was sent away) before it was kept here: Remove has not seen it.
                    ended = CountEnded(connection);
                }
            }

            connect = ShouldConnect();
        }

        if (!keep)
        {
            connection.Dispose();
            return;
        }

        Start(opened);
        if (ended is not null)
        {
            Fail(ended, EmptyConnections(connection));
        }

        if (connect)
        {
            _ = Task.Run(ConnectAsync, CancellationToken.None);
        }
    }

    /// <summary>-DisableKeepAlive: a connection of the request's own, opened in parallel with the others', never shared.</summary>
    private async ValueTask<ResponseHead> SendOnOwnConnectionAsync(Http2Stream stream, CancellationToken token)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, _disposing);
        Http2Connection own = await Http2Connection.ConnectAsync(_settings, linked.Token).ConfigureAwait(false);
        bool kept;
        lock (_gate)
        {
            kept = !_closed && !own.HasEnded && _live.Add(own);
        }

        if (!kept || own.TryOpen(stream, out bool flush) != Http2Connection.OpenResult.Opened)
        {
            own.Dispose();
            throw new Http2RefusedException("The new HTTP/2 connection ended before it took the request.", own.Failure);
        }

        own.Start(stream, flush);
        stream.Registration = token.UnsafeRegister(static (state, cancelled) => ((Http2Stream)state!).Pool.Cancel((Http2Stream)state!, cancelled), stream);
        return await stream.AsValueTask().ConfigureAwait(false);
    }

    /// <summary>Opens <paramref name="stream"/> on the first connection that allows it (under the lock).</summary>
    private Http2Connection? OpenOnAny(Http2Stream stream, out bool flush)
    {
        Debug.Assert(Monitor.IsEntered(_gate), "The pool's lock is held.");
        foreach (Http2Connection connection in _taking)
        {
            if (connection.TryOpen(stream, out flush) == Http2Connection.OpenResult.Opened)
            {
                return connection;
            }
        }

        flush = false;
        return null;
    }

    /// <summary>
    /// Counts a connection that stopped taking requests (under the lock): one that took none, while requests
    /// wait, is empty; after <see cref="MaxEmptyConnections"/> in a row the requests waiting are returned, to fail.
    /// </summary>
    private List<Http2Stream>? CountEnded(Http2Connection connection)
    {
        Debug.Assert(Monitor.IsEntered(_gate), "The pool's lock is held.");
        if (connection.OpenedAny)
        {
            _emptyConnections = 0;
            return null;
        }

        if (_waiting.Count == 0 || ++_emptyConnections < MaxEmptyConnections)
        {
            return null;
        }

        _emptyConnections = 0;
        return TakeWaiting();
    }

    private static HttpIOException EmptyConnections(Http2Connection last) =>
        new(HttpRequestError.ResponseEnded, "The server ended each new HTTP/2 connection before it took a request.", last.Failure);

    /// <summary>Opens the streams of the requests waiting, in order, while a connection allows one (under the lock).</summary>
    private List<Opened>? ServeWaiting()
    {
        Debug.Assert(Monitor.IsEntered(_gate), "The pool's lock is held.");
        List<Opened>? opened = null;
        while (_waiting.First is { } first)
        {
            Http2Connection? connection = OpenOnAny(first.Value, out bool flush);
            if (connection is null)
            {
                break;
            }

            _waiting.RemoveFirst();
            first.Value.WaitingNode = null;
            (opened ??= new()).Add(new Opened(connection, first.Value, flush));
        }

        Volatile.Write(ref _waitingCount, _waiting.Count);
        return opened;
    }

    /// <summary>
    /// True when a new connection should open for the requests waiting (under the lock): none is opening, the
    /// connection limit allows one, and no connection may yet take one (each has heard its server's limit and
    /// is full at it, or is going away).
    /// </summary>
    private bool ShouldConnect()
    {
        Debug.Assert(Monitor.IsEntered(_gate), "The pool's lock is held.");
        if (_closed || _connecting || _waiting.Count == 0 || _live.Count >= _maxConnections || (_connectFailed && _taking.Length > 0))
        {
            return false;
        }

        foreach (Http2Connection connection in _taking)
        {
            if (connection.MayTakeMore)
            {
                return false;
            }
        }

        _connecting = true;
        return true;
    }

    /// <summary>Empties the queue (under the lock).</summary>
    private List<Http2Stream> TakeWaiting()
    {
        Debug.Assert(Monitor.IsEntered(_gate), "The pool's lock is held.");
        var waiting = new List<Http2Stream>(_waiting.Count);
        foreach (Http2Stream stream in _waiting)
        {
            stream.WaitingNode = null;
            waiting.Add(stream);
        }

        _waiting.Clear();
        Volatile.Write(ref _waitingCount, 0);
        return waiting;
    }

    /// <summary>Sends what the streams opened from the queue queued, outside the locks.</summary>
    private static void Start(List<Opened>? opened)
    {
        if (opened is null)
        {
            return;
        }

        foreach (Opened one in opened)
        {
            one.Connection.Start(one.Stream, one.Flush);
        }
    }

    private static void Fail(List<Http2Stream>? streams, Exception reason)
    {
        if (streams is null)
        {
            return;
        }

        foreach (Http2Stream stream in streams)
        {
            stream.Fail(reason);
        }
    }

    /// <summary>A stream a connection opened from the queue, and whether its HEADERS need a write started.</summary>
    private readonly record struct Opened(Http2Connection Connection, Http2Stream Stream, bool Flush);
}
