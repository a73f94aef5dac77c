// A minimal bounded HTTP client: HttpClient + Parallel.ForEachAsync over a lazy range.
// Usage: RawClient <url> <count> <concurrency>; prints one JSON line.
using System.Diagnostics;

string url = args[0];
long count = long.Parse(args[1]);
int concurrency = int.Parse(args[2]);

using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseProxy = false });
long ok = 0;
TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var clock = Stopwatch.StartNew();
await Parallel.ForEachAsync(
    Lazy(count),
    new ParallelOptions { MaxDegreeOfParallelism = concurrency },
    async (_, token) =>
    {
        using HttpResponseMessage response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, token);
        await response.Content.CopyToAsync(Stream.Null, token);
        if (response.IsSuccessStatusCode)
        {
            Interlocked.Increment(ref ok);
        }
    });
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
