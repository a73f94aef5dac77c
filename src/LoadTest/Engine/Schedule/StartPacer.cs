using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace LoadTest.Engine.Schedule;

/// <summary>
/// Wakes a scheduled start on time: a thread of its own sleeps with <see cref="FineSleep"/> until the start is
/// due (spinning only its last <see cref="SpinTicks"/>), then runs the waiter's continuation itself, so the
/// request goes out from this thread without a hop through the thread pool. One start is waited for at a time:
/// the engine asks for its requests one by one. A start due within the spin is spun for on the caller's thread.
/// Sleeping short waits on the pool thread itself would save the hand-over (measured: some 100 µs of CPU per
/// request on a busy 2-core VM), but a pool thread asleep most of the time starved the pool's other work
/// (results, answers) on a 2-core machine; this thread costs the pool nothing.
/// </summary>
internal sealed class StartPacer : IValueTaskSource, IDisposable
{
    /// <summary>The last stretch before a start, spun rather than slept: a sleep may end this much late on an idle machine.</summary>
    public static readonly long SpinTicks = Stopwatch.Frequency / 50_000;

    // A stop is seen within this long: a long wait sleeps in pieces of it.
    private static readonly long s_piece = Stopwatch.Frequency / 100;

    private readonly object _gate = new();
    private ManualResetValueTaskSourceCore<bool> _waiter; // continuations run on the pacer's thread, at the start
    private Thread? _thread;
    private long _due;
    private CancellationToken _token;
    private bool _pending;
    private bool _disposed;

    /// <summary>Spins until a Stopwatch timestamp that is at most <see cref="SpinTicks"/> away.</summary>
    public static void SpinUntil(long due)
    {
        while (Stopwatch.GetTimestamp() < due)
        {
            Thread.SpinWait(8);
        }
    }

    /// <summary>Completes at the Stopwatch timestamp <paramref name="due"/> (on the pacer's thread), or throws when the token is cancelled first.</summary>
    public ValueTask WaitUntilAsync(long due, CancellationToken token)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_pending)
            {
                throw new InvalidOperationException("The pacer waits for one start at a time.");
            }

            _waiter.Reset();
            _due = due;
            _token = token;
            _pending = true;
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "LoadTest start pacer" };
                _thread.Start();
            }

            Monitor.Pulse(_gate);
            return new ValueTask(this, _waiter.Version);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            Monitor.Pulse(_gate);
        }
    }

    void IValueTaskSource.GetResult(short token) => _waiter.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _waiter.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _waiter.OnCompleted(continuation, state, token, flags);

    private void Run()
    {
        FineSleep.PrepareThread();
        while (true)
        {
            long due;
            CancellationToken token;
            lock (_gate)
            {
                while (!_pending && !_disposed)
                {
                    Monitor.Wait(_gate);
                }

                if (!_pending)
                {
                    return;
                }

                due = _due;
                token = _token;
            }

            // A thread of ours must never throw: whatever happens, the waiter learns it.
            Exception? failure = null;
            try
            {
                failure = Sleep(due, token);
            }
            catch (Exception ex)
            {
                failure = ex;
            }

            lock (_gate)
            {
                _pending = false;
            }

            // Outside the lock: the continuation runs here and may ask for the next start at once.
            try
            {
                if (failure is null)
                {
                    _waiter.SetResult(true);
                }
                else
                {
                    _waiter.SetException(failure);
                }
            }
            catch (Exception)
            {
                // The continuation is the engine's: it catches its own failures. Nothing more to tell here.
            }
        }
    }

    // Sleeps in pieces (a stop or a dispose is seen between them), then spins the last stretch; the stop's exception, or null.
    private Exception? Sleep(long due, CancellationToken token)
    {
        while (true)
        {
            if (token.IsCancellationRequested)
            {
                return new OperationCanceledException(token);
            }

            if (Volatile.Read(ref _disposed))
            {
                return new ObjectDisposedException(nameof(StartPacer));
            }

            long left = due - Stopwatch.GetTimestamp();
            if (left <= SpinTicks)
            {
                SpinUntil(due);
                return null;
            }

            FineSleep.Sleep(Math.Min(left - SpinTicks, s_piece));
        }
    }
}
