using System;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace LoadTest.Server;

/// <summary>
/// Runs one request through a throwaway HttpListener and the test server's own routes, once per process,
/// before the first test server starts. HttpListener loads some assemblies (System.Net.WebHeaderCollection
/// among them) only when it accepts its first connection. If that first accept happens while the process
/// is out of file descriptors, the load fails, the runtime remembers the failure for good, and from then on
/// every connection is closed unanswered. Loading them while descriptors are plentiful closes that trap.
/// </summary>
internal static class HttpListenerWarmUp
{
    private const int Attempts = 5;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);
    private static readonly object s_lock = new();
    private static bool s_done;

    /// <summary>
    /// Best effort: a warm-up that fails (no free port, a slow machine) leaves the server to start as before,
    /// and the next start tries again.
    /// </summary>
    public static void EnsureDone()
    {
        lock (s_lock)
        {
            if (!s_done)
            {
                s_done = TryRoundTrip();
            }
        }
    }

    private static bool TryRoundTrip()
    {
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            int port = LoopbackPort.FindFree();
            var listener = new HttpListener { IgnoreWriteExceptions = true };
            listener.Prefixes.Add($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
            try
            {
                listener.Start();
            }
            catch (HttpListenerException)
            {
                // Another process took the port between the probe and the bind.
                listener.Close();
                continue;
            }

            try
            {
                using var timeout = new CancellationTokenSource(s_timeout);

                // Called on the pipeline thread only (Start-TestServer), where blocking is allowed.
                return RoundTripAsync(listener, port, timeout.Token).GetAwaiter().GetResult();
            }
            catch (Exception)
            {
                return false;
            }
            finally
            {
                // Also ends an accept still pending after a timeout.
                listener.Close();
            }
        }

        return false;
    }

    private static async Task<bool> RoundTripAsync(HttpListener listener, int port, CancellationToken token)
    {
        Task<HttpListenerContext> accepted = listener.GetContextAsync();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, token).ConfigureAwait(false);
        NetworkStream stream = client.GetStream();

        // A body, a query, a cookie: each makes HttpListener and the routes load what they need for it.
        byte[] request = Encoding.ASCII.GetBytes(
            $"POST /echo?warm=up HTTP/1.1\r\nHost: 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}\r\n" +
            "Cookie: warm=up\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi");
        await stream.WriteAsync(request, token).ConfigureAwait(false);

        HttpListenerContext context = await accepted.WaitAsync(token).ConfigureAwait(false);
        var routes = new TestServerRoutes(new TestServerOptions(), new ReceivedBodyLedger(), capacity: null);
        RouteResponse answer = await routes.RespondAsync(context.Request, token).ConfigureAwait(false);
        await RouteResponseWriter.SendAsync(context.Response, answer, token).ConfigureAwait(false);

        // Read the answer to its end, so that the whole response path has run.
        var buffer = new byte[4096];
        int total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, token).ConfigureAwait(false)) > 0)
        {
            total += read;
        }

        return total > 0;
    }
}
