namespace LoadTest;

/// <summary>Which sockets LoadTest's own HTTP/1.1 and HTTP/2 clients run on (HttpClient always runs on .NET's).</summary>
public enum SocketEngine
{
    /// <summary>LoadTest's epoll loops on Linux, .NET's socket engine elsewhere.</summary>
    Auto,

    /// <summary>LoadTest's epoll loops, as wrk's event loops: a response is handled on the thread that heard it (Linux only).</summary>
    Loop,

    /// <summary>.NET's socket engine, which hands every completion to a thread-pool thread.</summary>
    DotNet,
}
