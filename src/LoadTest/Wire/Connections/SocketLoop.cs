using System;
using System.Collections.Generic;
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
/// </summary>
internal sealed unsafe class SocketLoop
{
    private const int MaxEvents = 256;
    private const int OutOfMemory = 12;
    private const int NoSpace = 28;

    private static readonly object s_gate = new();
    private static SocketLoop[]? s_loops;
    private static uint s_next;

    // Sockets by slot; an event names a slot and the generation of its socket, so a late event for a
    // closed socket finds a newer generation (or none) and is dropped.
    private static LoopSocket?[] s_slots = new LoopSocket?[64];
    private static readonly Stack<int> s_free = new();
    private static int s_used;
    private static uint s_generation;

    [ThreadStatic]
    private static bool t_isLoopThread;

    private readonly int _epoll;

    private SocketLoop(int index)
    {
        _epoll = Epoll.Create(0);
        if (_epoll < 0)
        {
            throw new InvalidOperationException($"epoll_create1 failed ({Marshal.GetLastPInvokeError()}).");
        }

        // UnsafeStart: the loop lives as long as the process and must not keep the first run's context.
        new Thread(Run) { IsBackground = true, Name = $"LoadTest socket loop {index}" }.UnsafeStart();
    }

    /// <summary>True where there are loops (Linux, for epoll); elsewhere LoadTest's clients use .NET's socket engine.</summary>
    public static bool IsSupported { get; } = OperatingSystem.IsLinux();

    /// <summary>True while the loops can take new sockets.</summary>
    public static bool IsUsable => IsSupported;

    /// <summary>How many loops there are, or will be: half the cores, at least one.</summary>
    public static int Count => s_loops?.Length ?? DefaultCount;

    // Half the cores: the kernel's network work and the rest of the process need the others. On 2 cores
    // against nginx, one loop ran 1.19x the rate of two over http and 1.13x over https.
    private static int DefaultCount => Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>Adds <paramref name="socket"/> to a loop (the loops take sockets in turn).</summary>
    public static void Register(LoopSocket socket, int fd)
    {
        SocketLoop loop;
        ulong data;
        lock (s_gate)
        {
            s_loops ??= CreateLoops();
            loop = s_loops[s_next++ % (uint)s_loops.Length];
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
            Volatile.Write(ref s_slots[slot], socket);
            data = ((ulong)socket.Generation << 32) | (uint)slot;
        }

        byte* e = stackalloc byte[16];
        *(int*)e = Epoll.In | Epoll.Out | Epoll.ReadHangup | Epoll.EdgeTriggered;
        *(ulong*)(e + Epoll.DataOffset) = data;
        if (Epoll.Control(loop._epoll, Epoll.Add, fd, e) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            Unregister(socket);

            // ENOMEM, or ENOSPC: the user's epoll watches (fs.epoll.max_user_watches) are used up.
            throw new SocketException((int)(errno is OutOfMemory or NoSpace ? SocketError.NoBufferSpaceAvailable : SocketError.SocketError));
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

    private static SocketLoop[] CreateLoops()
    {
        var loops = new SocketLoop[DefaultCount];
        for (int i = 0; i < loops.Length; i++)
        {
            loops[i] = new SocketLoop(i);
        }

        return loops;
    }

    /// <summary>True on a loop's thread, which must never wait for a socket: every socket of the loop would wait with it.</summary>
    public static bool IsLoopThread => t_isLoopThread;

    private void Run()
    {
        t_isLoopThread = true;
        int size = Epoll.EventSize;
        int offset = Epoll.DataOffset;
        byte* events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * size));
        while (true)
        {
            int count = Epoll.Wait(_epoll, events, MaxEvents, -1);
            if (count < 0)
            {
                if (Marshal.GetLastPInvokeError() == Epoll.Interrupted)
                {
                    continue;
                }

                // Nothing can be waited for any more: every socket of the loop would hang. Should not happen.
                Environment.FailFast($"epoll_wait failed ({Marshal.GetLastPInvokeError()}).");
            }

            for (int i = 0; i < count; i++)
            {
                byte* e = events + (i * size);
                int flags = *(int*)e;
                ulong data = *(ulong*)(e + offset);
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
}
