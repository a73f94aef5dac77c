using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;

namespace LoadTest.Server;

/// <summary>
/// The servers running in this process, each with the session (runspace) that started it, so that
/// Get-TestServer and Stop-TestServer -All in one session leave the servers of another alone.
/// </summary>
internal static class TestServerRegistry
{
    private static readonly ConcurrentDictionary<TestServer, Guid> s_servers = new();

    /// <summary>True when a server running in this process listens where <paramref name="uri"/> points: both ends of each connection then share its open-file limit.</summary>
    public static bool Serves(Uri uri) =>
        uri.IsLoopback && s_servers.Keys.Any(server => server.IsRunning && server.Port == uri.Port);

    public static void Add(TestServer server, Guid owner) => s_servers[server] = owner;

    public static void Remove(TestServer server) => s_servers.TryRemove(server, out _);

    public static IReadOnlyList<TestServer> OwnedBy(Guid owner) =>
        s_servers.Where(pair => pair.Value == owner).Select(pair => pair.Key).OrderBy(server => server.Id).ToList();

    public static void StopOwnedBy(Guid owner)
    {
        foreach (TestServer server in OwnedBy(owner))
        {
            server.Stop();
        }
    }

    public static void StopAll()
    {
        foreach (TestServer server in s_servers.Keys.ToList())
        {
            server.Stop();
        }
    }
}
