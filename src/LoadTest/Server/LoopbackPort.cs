using System.Net;
using System.Net.Sockets;

namespace LoadTest.Server;

/// <summary>Finds a TCP port on 127.0.0.1 that nothing listens on, for HttpListener, which cannot bind port 0.</summary>
internal static class LoopbackPort
{
    /// <summary>A port free right now; another process may take it before the caller binds it, so callers retry.</summary>
    public static int FindFree()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
