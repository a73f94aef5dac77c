// The bench's baselines, each the plainest of its kind; prints one JSON line.
// Usage: RawClient <url> <count> <concurrency> [mode]
//   httpclient (default)  HttpClient + Parallel.ForEachAsync over a lazy range (https: any certificate accepted)
//   socket                a minimal loop of <concurrency> keep-alive sockets: pre-encoded GET, read until
//                         Content-Length is met, no other parsing (plain http only): the ceiling of a .NET client
//   h2                    HttpClient over HTTP/2, one connection (the default: streams share it)
//   h2multi               HttpClient over HTTP/2 with EnableMultipleHttp2Connections
//   h2x8                  8 HttpClients over HTTP/2, requests spread over them: 8 connections, as h2load -c8
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

string url = args[0];
long count = long.Parse(args[1]);
int concurrency = int.Parse(args[2]);
string mode = args.Length > 3 ? args[3] : "httpclient";

long ok = 0;
TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var clock = Stopwatch.StartNew();
if (mode == "socket")
{
    ok = await SocketLoop(new Uri(url), count, concurrency);
}
else
{
    bool h2 = mode.StartsWith("h2", StringComparison.Ordinal);
    HttpClient[] clients = Enumerable.Range(0, mode == "h2x8" ? 8 : 1)
        .Select(_ => new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = concurrency,
            UseProxy = false,
            EnableMultipleHttp2Connections = mode == "h2multi",
            SslOptions = { RemoteCertificateValidationCallback = static (_, _, _, _) => true },
        })
        {
            DefaultRequestVersion = h2 ? HttpVersion.Version20 : HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        })
        .ToArray();
    await Parallel.ForEachAsync(
        Lazy(count),
        new ParallelOptions { MaxDegreeOfParallelism = concurrency },
        async (i, token) =>
        {
            using HttpResponseMessage response = await clients[i % clients.Length].GetAsync(url, HttpCompletionOption.ResponseHeadersRead, token);
            await response.Content.CopyToAsync(Stream.Null, token);
            if (response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref ok);
            }
        });
}

clock.Stop();
TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
Console.WriteLine($"{{\"count\":{count},\"ok\":{ok},\"seconds\":{clock.Elapsed.TotalSeconds},\"cpuSeconds\":{cpu.TotalSeconds}}}");

static IEnumerable<long> Lazy(long count)
{
    for (long i = 0; i < count; i++)
    {
        yield return i;
    }
}

static async Task<long> SocketLoop(Uri uri, long count, int concurrency)
{
    byte[] request = Encoding.ASCII.GetBytes($"GET {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.Authority}\r\n\r\n");
    long remaining = count;
    long ok = 0;
    async Task Loop()
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Parse(uri.Host), uri.Port);
        var buffer = new byte[16 * 1024];
        long mine = 0;
        while (Interlocked.Decrement(ref remaining) >= 0)
        {
            await socket.SendAsync(request, SocketFlags.None);
            int have = 0;
            long need = -1;
            while (need < 0 || have < need)
            {
                int read = await socket.ReceiveAsync(buffer.AsMemory(have), SocketFlags.None);
                if (read == 0)
                {
                    throw new IOException("The server closed the connection.");
                }

                have += read;
                int end = need < 0 ? buffer.AsSpan(0, have).IndexOf("\r\n\r\n"u8) : -1;
                if (end >= 0)
                {
                    ReadOnlySpan<byte> head = buffer.AsSpan(0, end);
                    int at = head.IndexOf("Content-Length: "u8) + 16;
                    int digits = head[at..].IndexOf((byte)'\r');
                    need = end + 4 + long.Parse(Encoding.ASCII.GetString(digits < 0 ? head[at..] : head.Slice(at, digits)));
                }
            }

            if (buffer[9] == (byte)'2')
            {
                mine++;
            }
        }

        Interlocked.Add(ref ok, mine);
    }

    Task[] loops = Enumerable.Range(0, concurrency).Select(_ => Task.Run(Loop)).ToArray();
    await Task.WhenAll(loops);
    return ok;
}
