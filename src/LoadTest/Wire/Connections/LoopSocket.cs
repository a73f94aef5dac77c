using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace LoadTest.Wire.Connections;

/// <summary>
/// A non-blocking socket on a <see cref="SocketLoop"/>, as a stream: each operation is tried at once, and
/// when the socket would block it waits for the loop, which finishes it and runs its continuation on the
/// loop's thread. One read and one write (or the connect) can wait at a time, as an HTTP connection needs.
/// The blocking Read and Write (a last GOAWAY written as a connection closes) wait for their timeouts at most.
/// </summary>
internal sealed class LoopSocket : Stream
{
    private const long DrainedForMilliseconds = 10;

    private readonly Socket _socket;
    private readonly Operation _receive;
    private readonly Operation _send;
    private bool _disposed;

    // Why the socket was closed under its operations: its loop failed or stopped; null for an ordinary close.
    private Exception? _failure;

    // Until this time (Environment.TickCount64; 0 for not at all): the last receive left the queue empty and
    // epoll has reported nothing since, so a receive now would only say would-block, and a read waits for the
    // loop without that system call (one in three a request). Only for a few milliseconds: a pooled
    // connection's first read checks that the server has not closed it, and an end that came while the loop
    // was busy elsewhere is in the socket before epoll reports it.
    private long _drainedUntil;

    // Epoll reported a hang-up or error: a short receive no longer means nothing is left (the end may be).
    private bool _ended;
    private bool _continueOnPool;

    private LoopSocket(Socket socket)
    {
        _socket = socket;
        _receive = new Operation(this);
        _send = new Operation(this);
    }

    /// <summary>
    /// While set, a wait the loop finishes continues on the thread pool instead of the loop's thread: for a
    /// TLS handshake, whose certificate check may block (building a chain can download an intermediate
    /// certificate) and would hold up every other connection on the loop.
    /// </summary>
    public bool ContinueOnPool
    {
        get => Volatile.Read(ref _continueOnPool);
        set => Volatile.Write(ref _continueOnPool, value);
    }

    /// <summary>The slot and generation <see cref="SocketLoop"/> knows this socket by, and its loop.</summary>
    internal int Slot { get; set; }

    internal SocketLoop? Loop { get; set; }

    internal uint Generation { get; set; }

    private object Gate => _receive;

    /// <summary>Connects <paramref name="socket"/> (new, not connected) to <paramref name="endPoint"/>, an IP or Unix socket address.</summary>
    public static async ValueTask<LoopSocket> ConnectAsync(Socket socket, EndPoint endPoint, CancellationToken token)
    {
        socket.Blocking = false;
        var connected = new LoopSocket(socket);
        try
        {
            ValueTask connecting;
            while (!connected.TryStartConnect(endPoint, token, out connecting))
            {
                // A Unix socket connects at once or not at all: would-block means the server's backlog is
                // full and nothing is under way, so the connect is tried again (until the attempt's timeout).
                await Task.Delay(5, token).ConfigureAwait(false);
            }

            await connecting.ConfigureAwait(false);
            return connected;
        }
        catch
        {
            connected.Dispose();
            throw;
        }
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override bool CanTimeout => true;

    public override int ReadTimeout { get; set; } = Timeout.Infinite;

    public override int WriteTimeout { get; set; } = Timeout.Infinite;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        lock (Gate)
        {
            if (_disposed)
            {
                return ValueTask.FromException<int>(_failure ?? Aborted());
            }

            if (_drainedUntil != 0 && Environment.TickCount64 < _drainedUntil)
            {
                return _receive.Start(buffer, cancellationToken);
            }

            if (buffer.IsEmpty)
            {
                // A zero-byte read (SslStream makes one before each record) asks only whether there may be
                // bytes: .NET would answer with a one-byte peek, a system call the read after it repeats.
                return new ValueTask<int>(0);
            }

            int received = Receive(buffer.Span, out SocketError error);
            return error switch
            {
                SocketError.Success => new ValueTask<int>(received),
                SocketError.WouldBlock => _receive.Start(buffer, cancellationToken),
                _ => ValueTask.FromException<int>(new SocketException((int)error)),
            };
        }
    }

    /// <summary>Sends all of <paramref name="buffer"/>.</summary>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        lock (Gate)
        {
            if (_disposed)
            {
                return ValueTask.FromException(_failure ?? Aborted());
            }

            int sent = 0;
            return SendRest(buffer.Span, ref sent) switch
            {
                SocketError.Success => default,
                SocketError.WouldBlock => _send.StartSend(MemoryMarshal.AsMemory(buffer), sent, cancellationToken),
                SocketError error => ValueTask.FromException(new SocketException((int)error)),
            };
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        long deadline = Deadline(ReadTimeout);
        while (true)
        {
            lock (Gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                int received = _socket.Receive(buffer, SocketFlags.None, out SocketError error);
                if (error == SocketError.Success)
                {
                    return received;
                }

                if (error != SocketError.WouldBlock)
                {
                    throw new IOException(error.ToString(), new SocketException((int)error));
                }
            }

            WaitFor(SelectMode.SelectRead, deadline);
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        long deadline = Deadline(WriteTimeout);
        int sent = 0;
        while (true)
        {
            lock (Gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                SocketError error = SendRest(buffer, ref sent);
                if (error == SocketError.Success)
                {
                    return;
                }

                if (error != SocketError.WouldBlock)
                {
                    throw new IOException(error.ToString(), new SocketException((int)error));
                }
            }

            WaitFor(SelectMode.SelectWrite, deadline);
        }
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        lock (Gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        SocketLoop.Unregister(this);
        _socket.Dispose();
        _receive.Abort(_failure);
        _send.Abort(_failure);
        base.Dispose(disposing);
    }

    /// <summary>Closes the socket because its loop failed or stopped: what waits on it, and whatever is tried on it after, fails with <paramref name="reason"/>.</summary>
    internal void Fail(Exception reason)
    {
        lock (Gate)
        {
            _failure ??= reason;
        }

        Dispose();
    }

    /// <summary>Called by the loop: what epoll says the socket is ready for.</summary>
    internal void OnEvents(int events)
    {
        if ((events & (Epoll.In | Epoll.ReadHangup | Epoll.Hangup | Epoll.Error)) != 0)
        {
            _receive.TryFinish(heard: events);
        }

        if ((events & (Epoll.Out | Epoll.Hangup | Epoll.Error)) != 0)
        {
            // What the report says of reading was noted with the receive.
            _send.TryFinish(heard: 0);
        }
    }

    /// <summary>Notes what epoll reported (under the gate).</summary>
    private void Heard(int events)
    {
        Debug.Assert(Monitor.IsEntered(Gate), "The socket's gate is held.");
        if ((events & (Epoll.ReadHangup | Epoll.Hangup | Epoll.Error)) != 0)
        {
            _ended = true;
        }

        if ((events & (Epoll.In | Epoll.ReadHangup | Epoll.Hangup | Epoll.Error)) != 0)
        {
            _drainedUntil = 0;
        }
    }

    /// <summary>Receives what is there (under the gate), noting whether it left the queue empty.</summary>
    private int Receive(Span<byte> buffer, out SocketError error)
    {
        Debug.Assert(Monitor.IsEntered(Gate), "The socket's gate is held.");
        int received = _socket.Receive(buffer, SocketFlags.None, out error);
        bool drained = error == SocketError.WouldBlock || (error == SocketError.Success && received > 0 && received < buffer.Length && !_ended);
        _drainedUntil = drained ? Environment.TickCount64 + DrainedForMilliseconds : 0;
        return received;
    }

    private static SocketException Aborted() => new((int)SocketError.OperationAborted);

    /// <summary>Sends <paramref name="data"/> from <paramref name="sent"/> on until all is sent, the socket would block, or it fails (under the gate).</summary>
    private SocketError SendRest(ReadOnlySpan<byte> data, ref int sent)
    {
        Debug.Assert(Monitor.IsEntered(Gate), "The socket's gate is held.");
        while (sent < data.Length)
        {
            int count = _socket.Send(data[sent..], SocketFlags.None, out SocketError error);
            if (error != SocketError.Success)
            {
                return error;
            }

            sent += count;
        }

        return SocketError.Success;
    }

    private static long Deadline(int timeoutMilliseconds) =>
        timeoutMilliseconds == Timeout.Infinite ? long.MaxValue : Environment.TickCount64 + timeoutMilliseconds;

    /// <summary>Waits until the socket is ready or the deadline passes; on a loop's thread it does not wait at all.</summary>
    private void WaitFor(SelectMode mode, long deadline)
    {
        long left = deadline == long.MaxValue ? -1 : Math.Max(0, deadline - Environment.TickCount64);
        if (SocketLoop.IsLoopThread || left == 0 || !_socket.Poll(left < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(left), mode))
        {
            throw new IOException("The socket did not become ready in time.", new SocketException((int)SocketError.TimedOut));
        }
    }

    private bool TryStartConnect(EndPoint endPoint, CancellationToken token, out ValueTask connecting)
    {
        lock (Gate)
        {
            connecting = default;
            try
            {
                _socket.Connect(endPoint);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
            {
                if (endPoint is UnixDomainSocketEndPoint)
                {
                    return false;
                }

                // Registered only now: before connect() epoll would call a new socket ready (hung up).
                connecting = _send.StartConnect(token);
            }

            SocketLoop.Register(this, (int)_socket.SafeHandle.DangerousGetHandle());
            return true;
        }
    }

    private enum OperationKind
    {
        Receive,
        Send,
        Connect,
    }

    /// <summary>One operation that waits for the loop; reused, as one of its kind waits at a time.</summary>
    private sealed class Operation : IValueTaskSource<int>, IValueTaskSource
    {
        private readonly LoopSocket _owner;
        private ManualResetValueTaskSourceCore<int> _core;
        private bool _pending;
        private OperationKind _current;
        private Memory<byte> _buffer;
        private int _done;
        private CancellationToken _token;
        private CancellationTokenRegistration _registration;
        private int _result;
        private Exception? _failure;

        public Operation(LoopSocket owner)
        {
            _owner = owner;
        }

        /// <summary>Waits to receive into <paramref name="buffer"/> (called under the socket's gate).</summary>
        public ValueTask<int> Start(Memory<byte> buffer, CancellationToken token)
        {
            Begin(OperationKind.Receive, buffer, 0, token);
            return new ValueTask<int>(this, _core.Version);
        }

        /// <summary>Waits to send the rest of <paramref name="data"/> from <paramref name="sent"/> on (called under the socket's gate).</summary>
        public ValueTask StartSend(Memory<byte> data, int sent, CancellationToken token)
        {
            Begin(OperationKind.Send, data, sent, token);
            return new ValueTask(this, _core.Version);
        }

        /// <summary>Waits for the connect to finish (called under the socket's gate).</summary>
        public ValueTask StartConnect(CancellationToken token)
        {
            Begin(OperationKind.Connect, default, 0, token);
            return new ValueTask(this, _core.Version);
        }

        /// <summary>Finishes the operation if the socket now takes it (called by the loop, with what epoll reported to note).</summary>
        public void TryFinish(int heard)
        {
            int result;
            Exception? error;
            lock (_owner.Gate)
            {
                _owner.Heard(heard);
                if (!_pending || !TryPerform(out result, out error))
                {
                    return;
                }

                _pending = false;
            }

            if (_owner.ContinueOnPool)
            {
                CompleteElsewhere(result, error);
            }
            else
            {
                Complete(result, error);
            }
        }

        /// <summary>Fails a waiting operation: the socket is closed, for <paramref name="reason"/> when its loop ended.</summary>
        public void Abort(Exception? reason)
        {
            lock (_owner.Gate)
            {
                if (!_pending)
                {
                    return;
                }

                _pending = false;
            }

            CompleteElsewhere(0, reason ?? Aborted());
        }

        public int GetResult(short token) => _core.GetResult(token);

        void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);

        private void Begin(OperationKind kind, Memory<byte> buffer, int done, CancellationToken token)
        {
            Debug.Assert(Monitor.IsEntered(_owner.Gate), "The socket's gate is held.");
            _core.Reset();
            _current = kind;
            _buffer = buffer;
            _done = done;
            _token = token;
            _pending = true;
            _registration = token.CanBeCanceled ? token.UnsafeRegister(static (state, token) => ((Operation)state!).Cancel(token), this) : default;
        }

        private void Cancel(CancellationToken token)
        {
            lock (_owner.Gate)
            {
                // A late callback of an earlier wait names another token, or finds nothing waiting.
                if (!_pending || _token != token)
                {
                    return;
                }

                _pending = false;
            }

            CompleteElsewhere(0, new OperationCanceledException(token));
        }

        private bool TryPerform(out int result, out Exception? error)
        {
            Debug.Assert(Monitor.IsEntered(_owner.Gate), "The socket's gate is held.");
            Socket socket = _owner._socket;
            error = null;
            result = 0;
            SocketError status;
            switch (_current)
            {
                case OperationKind.Receive:
                    if (_buffer.IsEmpty)
                    {
                        // A zero-byte read waits only for the socket to be readable, which it now may be.
                        return true;
                    }

                    result = _owner.Receive(_buffer.Span, out status);
                    break;
                case OperationKind.Send:
                    status = _owner.SendRest(_buffer.Span, ref _done);
                    result = _done;
                    break;
                default:
                    status = (SocketError)(int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
                    break;
            }

            if (status == SocketError.WouldBlock)
            {
                return false;
            }

            if (status != SocketError.Success)
            {
                error = new SocketException((int)status);
            }

            return true;
        }

        /// <summary>
        /// Completes the operation on a pool thread: a run that stops cancels thousands of waits at once, and the
        /// thread that cancels must not run every one's continuation itself; and see <see cref="ContinueOnPool"/>.
        /// </summary>
        private void CompleteElsewhere(int result, Exception? error)
        {
            _result = result;
            _failure = error;
            ThreadPool.UnsafeQueueUserWorkItem(static operation => operation.Complete(operation._result, operation._failure), this, preferLocal: false);
        }

        private void Complete(int result, Exception? error)
        {
            _registration.Unregister();
            if (error is null)
            {
                _core.SetResult(result);
            }
            else
            {
                _core.SetException(error);
            }
        }
    }
}
