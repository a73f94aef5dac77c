using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;

namespace LoadTest.Wire.Connections;

/// <summary>
/// Threads that wait on epoll for the sockets of LoadTest's own clients, and complete their operations on
/// the waiting thread, as wrk's event loops do: a response that arrives runs the request's continuation
/// there, which parses it, counts it and sends the next request, with no hand-off to the thread pool.
/// .NET's own socket engine hands every completion to a pool thread (unless a process-wide setting says
/// otherwise), and those wake-ups were the largest share of the client's CPU after the kernel's own.
/// The loops start with the first connection that needs them and stop when the module leaves its last
/// session (<see cref="Stop"/>). A loop that fails fails its sockets with the reason and ends, and no
/// loop takes a new socket after it: new connections use .NET's sockets (<see cref="IsUsable"/>).
/// </summary>
internal sealed unsafe class SocketLoop
{
    private const int MaxEvents = 256;
    private const int OutOfMemory = 12;
    private const int NoSpace = 28;

    // The event data of the loop's wake-up eventfd: no socket's (a socket's has its generation, never all ones, above).
    private const ulong WakeData = ulong.MaxValue;

    private static readonly object s_gate = new();
    private static SocketLoop[]? s_loops;
    private static uint s_next;
    private static Exception? s_failure;

    // Sockets by slot; an event names a slot and the generation of its socket, so a late event for a
    // closed socket finds a newer generation (or none) and is dropped.
    private static LoopSocket?[] s_slots = new LoopSocket?[64];
    private static readonly Stack<int> s_free = new();
    private static int s_used;
    private static uint s_generation;

    [ThreadStatic]
    private static bool t_isLoopThread;

    private readonly int _epoll;
    private readonly int _wake;
    private readonly Thread _thread;
    private volatile bool _stopping;

    private SocketLoop(int index)
    {
        _epoll = Epoll.Create(Epoll.CloseOnExec);
        if (_epoll < 0)
        {
            throw new IOException($"epoll_create1 failed ({Marshal.GetLastPInvokeError()}).");
        }

        _wake = Epoll.EventFd(0, Epoll.CloseOnExec | Epoll.NonBlocking);
        byte* e = stackalloc byte[16];
        *(int*)e = Epoll.In;
        *(ulong*)(e + Epoll.DataOffset) = WakeData;
        if (_wake < 0 || Epoll.Control(_epoll, Epoll.Add, _wake, e) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (_wake >= 0)
            {
                Epoll.Close(_wake);
            }

            Epoll.Close(_epoll);
            throw new IOException($"The socket loop's eventfd could not be set up ({errno}).");
        }

        // UnsafeStart: the loop must not keep the first run's context.
        _thread = new Thread(Run) { IsBackground = true, Name = $"LoadTest socket loop {index}" };
        _thread.UnsafeStart();
    }

    /// <summary>True where there are loops (Linux, for epoll); elsewhere LoadTest's clients use .NET's socket engine.</summary>
    public static bool IsSupported { get; } = OperatingSystem.IsLinux();

    /// <summary>True while the loops take new sockets: on Linux, until one has failed.</summary>
    public static bool IsUsable => IsSupported && Volatile.Read(ref s_failure) is null;

    /// <summary>Why the loops take no new socket; null while they do.</summary>
    public static Exception? Failure => Volatile.Read(ref s_failure);

    /// <summary>How many loops there are, or will be: half the cores, at least one.</summary>
    public static int Count => Volatile.Read(ref s_loops)?.Length ?? DefaultCount;

    /// <summary>True on a loop's thread, which must never wait for a socket: every socket of the loop would wait with it.</summary>
    public static bool IsLoopThread => t_isLoopThread;

    // Half the cores: the kernel's network work and the rest of the process need the others. On 2 cores
    // against nginx, one loop ran 1.19x the rate of two over http and 1.13x over https.
    private static int DefaultCount => Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>
    /// Adds <paramref name="socket"/> to a loop (the loops take sockets in turn). Under the lock, so that no loop
    /// ends (and closes its epoll) between the choice of the loop and the socket's place in its epoll.
    /// </summary>
    public static void Register(LoopSocket socket, int fd)
    {
        byte* e = stackalloc byte[16];
        lock (s_gate)
        {
            if (s_failure is not null)
            {
                throw new IOException(s_failure.Message, s_failure);
            }

            s_loops ??= CreateLoops();
            SocketLoop loop = s_loops[s_next++ % (uint)s_loops.Length];
            int slot;
            if (!s_free.TryPop(out slot))
            {
                slot = s_used++;
                if (slot == s_slots.Length)
                {
                    Array.Resize(ref s_slots, slot * 2);
                }
            }

            socket.Slot = slot;
            socket.Generation = ++s_generation;
            socket.Loop = loop;

            // In its slot first: the loop may report the socket's first events before epoll_ctl returns.
            Volatile.Write(ref s_slots[slot], socket);
            *(int*)e = Epoll.In | Epoll.Out | Epoll.ReadHangup | Epoll.EdgeTriggered;
            *(ulong*)(e + Epoll.DataOffset) = ((ulong)socket.Generation << 32) | (uint)slot;
            if (Epoll.Control(loop._epoll, Epoll.Add, fd, e) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                Volatile.Write(ref s_slots[slot], null);
                s_free.Push(slot);

                // ENOMEM, or ENOSPC: the user's epoll watches (fs.epoll.max_user_watches) are used up.
                throw new SocketException((int)(errno is OutOfMemory or NoSpace ? SocketError.NoBufferSpaceAvailable : SocketError.SocketError));
            }
        }
    }

    /// <summary>Frees the slot of <paramref name="socket"/>; its file descriptor is closed (which takes it out of its epoll).</summary>
    public static void Unregister(LoopSocket socket)
    {
        lock (s_gate)
        {
            if (ReferenceEquals(s_slots[socket.Slot], socket))
            {
                Volatile.Write(ref s_slots[socket.Slot], null);
                s_free.Push(socket.Slot);
            }
        }
    }

    /// <summary>
    /// Stops every loop (the module left its last session): each thread wakes and ends, closing its
    /// descriptors; a socket still on a loop fails. The next connection that needs loops starts them again,
    /// and loops that had failed are tried again.
    /// </summary>
    public static void Stop()
    {
        SocketLoop[]? loops;
        lock (s_gate)
        {
            loops = s_loops;
            s_loops = null;
            s_failure = null;
        }

        if (loops is null)
        {
            return;
        }

        var stopped = new ObjectDisposedException(nameof(SocketLoop), "The socket loops stopped: the LoadTest module was removed.");
        foreach (SocketLoop loop in loops)
        {
            loop.End(stopped);
        }

        foreach (SocketLoop loop in loops)
        {
            // A loop's thread may be running a continuation; it ends once that returns.
            loop._thread.Join(TimeSpan.FromSeconds(10));
        }
    }

    private static SocketLoop[] CreateLoops()
    {
        var loops = new SocketLoop[DefaultCount];
        for (int i = 0; i < loops.Length; i++)
        {
            loops[i] = new SocketLoop(i);
        }

        return loops;
    }

    /// <summary>Marks <paramref name="loop"/> as ending, and takes its sockets out of their slots: no socket is added to it after.</summary>
    private static List<LoopSocket> TakeSockets(SocketLoop loop)
    {
        var taken = new List<LoopSocket>();
        lock (s_gate)
        {
            loop._stopping = true;
            for (int slot = 0; slot < s_used; slot++)
            {
                if (s_slots[slot] is { } socket && ReferenceEquals(socket.Loop, loop))
                {
                    Volatile.Write(ref s_slots[slot], null);
                    s_free.Push(slot);
                    taken.Add(socket);
                }
            }
        }

        return taken;
    }

    /// <summary>Ends the loop: its sockets fail with <paramref name="reason"/>, and its thread wakes, ends and closes its descriptors.</summary>
    private void End(Exception reason)
    {
        foreach (LoopSocket socket in TakeSockets(this))
        {
            socket.Fail(reason);
        }

        ulong one = 1;
        Epoll.Write(_wake, &one, sizeof(ulong));
    }

    /// <summary>
    /// The loop can wait no more: its sockets would hang. They fail with the reason, no loop takes a new
    /// socket (new connections go through .NET's sockets), and this loop ends. Should not happen.
    /// </summary>
    private void Fail(string why)
    {
        var reason = new IOException($"LoadTest's socket loop failed ({why}); its connections are closed, and new connections use .NET's sockets.");
        lock (s_gate)
        {
            s_failure ??= reason;
        }

        if (WireEvents.Log.IsEnabled())
        {
            WireEvents.Log.SocketLoopFailed(reason.Message);
        }

        End(reason);
    }

    private void Run()
    {
        t_isLoopThread = true;
        int size = Epoll.EventSize;
        int offset = Epoll.DataOffset;
        byte* events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * size));
        try
        {
            while (!_stopping)
            {
                int count = Epoll.Wait(_epoll, events, MaxEvents, -1);
                if (count < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno != Epoll.Interrupted)
                    {
                        Fail($"epoll_wait: error {errno}");
                        return;
                    }

                    continue;
                }

                for (int i = 0; i < count && !_stopping; i++)
                {
                    byte* e = events + (i * size);
                    int flags = *(int*)e;
                    ulong data = *(ulong*)(e + offset);
                    if (data == WakeData)
                    {
                        continue;
                    }

                    LoopSocket?[] slots = Volatile.Read(ref s_slots);
                    int slot = (int)(uint)data;
                    LoopSocket? socket = slot < slots.Length ? Volatile.Read(ref slots[slot]) : null;
                    if (socket is not null && socket.Generation == (uint)(data >> 32))
                    {
                        try
                        {
                            socket.OnEvents(flags);
                        }
                        catch (Exception)
                        {
                            // The continuations run here are async methods, which keep their exceptions; one that
                            // did not must not stop the loop for every other socket.
                        }
                    }
                }
            }
        }
        catch (Exception ex)
        {
            // Nothing may escape a thread of ours: pwsh would end with it.
            Fail(ex.GetType().Name + ": " + ex.Message);
        }
        finally
        {
            NativeMemory.Free(events);
            Epoll.Close(_wake);
            Epoll.Close(_epoll);
        }
    }
}
