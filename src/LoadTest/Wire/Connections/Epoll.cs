using System.Runtime.InteropServices;

namespace LoadTest.Wire.Connections;

/// <summary>Linux's epoll, and the eventfd that wakes a waiting loop, for <see cref="SocketLoop"/>.</summary>
internal static partial class Epoll
{
    public const int In = 0x001;
    public const int Out = 0x004;
    public const int Error = 0x008;
    public const int Hangup = 0x010;
    public const int ReadHangup = 0x2000;
    public const int EdgeTriggered = 1 << 31;

    public const int Add = 1;
    public const int Delete = 2;

    public const int Interrupted = 4;

    // Not inherited by the processes pwsh starts.
    public const int CloseOnExec = 0x80000;
    public const int NonBlocking = 0x800;

    /// <summary>
    /// The size of one event: x86 and x64 pack <c>struct epoll_event</c> (a 32-bit mask, then 64 bits of data
    /// at offset 4); the other architectures align the data at offset 8.
    /// </summary>
    public static int EventSize { get; } = RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86 ? 12 : 16;

    public static int DataOffset => EventSize == 12 ? 4 : 8;

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int Create(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    public static unsafe partial int Control(int epoll, int operation, int fd, byte* epollEvent);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static unsafe partial int Wait(int epoll, byte* events, int maxEvents, int timeout);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static unsafe partial nint Write(int fd, void* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);
}
