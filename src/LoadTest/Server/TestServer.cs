using System;
using System.Globalization;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using LoadTest.Server;

namespace LoadTest;

/// <summary>
/// A local HTTP server for tests and demos, running in the background inside this process on
/// HttpListener. It binds 127.0.0.1 only. Routes: /delay/{ms}, /status/{code}[?retryAfter=s],
/// /flaky/{percent}, /bytes/{n}, /chunked/{n}, /slow-body/{ms}, /echo, /cookie/set/{name}/{value},
/// /redirect?to=, the faults /drop, /reset and /hang, and any other path answers
/// "Hello, World!" after a random delay between MinDelayMs and MaxDelayMs (or 503 at once above
/// CapacityPerSecond). Stopping answers 503 to the requests still in progress, then closes the port.
/// </summary>
public sealed class TestServer : IDisposable
{
    private static readonly byte[] s_stoppingBody = Encoding.UTF8.GetBytes("The test server is stopping.");

    // A failed accept (out of file descriptors, most likely) is retried after a pause that doubles up to
    // this ceiling: short enough to serve again soon after descriptors come back, long enough not to spin.
    private static readonly TimeSpan s_firstAcceptBackOff = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan s_maxAcceptBackOff = TimeSpan.FromMilliseconds(500);
    private static int s_nextId;

    private readonly HttpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task[] _acceptLoops;
    private long _requestCount;
    private int _activeRequests;
    private int _peakConcurrency;
    private int _openHandlers;
    private int _stopped;

    private readonly TestServerOptions _options;
    private readonly TestServerRoutes _routes;
    private readonly ReceivedBodyLedger _bodies = new();
    private readonly CapacityGate? _capacity;
    private long _receivedCount;
    private long _faultCount;
    private long _acceptErrorCount;

    private TestServer(HttpListener listener, int port, TestServerOptions options)
    {
        _listener = listener;
        _options = options;
        _capacity = options.CapacityPerSecond > 0 ? new CapacityGate(options.CapacityPerSecond) : null;
        _routes = new TestServerRoutes(options, _bodies, _capacity);
        Id = Interlocked.Increment(ref s_nextId);
        Port = port;
        Uri = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        StartTime = DateTime.Now;

        // One accept loop tops out near 45k req/s here; several keep the listener busy on all cores.
        _acceptLoops = new Task[Math.Max(4, Environment.ProcessorCount * 2)];
        for (int i = 0; i < _acceptLoops.Length; i++)
        {
            _acceptLoops[i] = Task.Run(AcceptLoopAsync);
        }
    }

    /// <summary>A number that identifies the server in this session.</summary>
    public int Id { get; }

    /// <summary>The base URI, with a trailing slash.</summary>
    public Uri Uri { get; }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Smallest delay of the default route, in milliseconds.</summary>
    public int MinDelayMs => _options.MinDelayMs;

    /// <summary>Largest delay of the default route, in milliseconds.</summary>
    public int MaxDelayMs => _options.MaxDelayMs;

    /// <summary>
    /// Requests per second the default route admits (a token bucket with a burst of a tenth of a second's
    /// worth, at least 1); above that rate it answers 503 at once. 0: no limit.
    /// </summary>
    public double CapacityPerSecond => _options.CapacityPerSecond;

    /// <summary>Requests the default route answered 503 because they came above <see cref="CapacityPerSecond"/>.</summary>
    public long ShedCount => _capacity?.ShedCount ?? 0;

    /// <summary>Share of requests (0-100) that get an injected fault instead of their answer.</summary>
    public double FaultPercent => _options.FaultPercent;

    /// <summary>Requests whose connection was dropped or reset on purpose (by /drop, /reset or -FaultPercent).</summary>
    public long FaultCount => Interlocked.Read(ref _faultCount);

    /// <summary>
    /// Accepts that failed while the server was running (for example when the process ran out of file
    /// descriptors); each was retried after a short pause.
    /// </summary>
    public long AcceptErrorCount => Interlocked.Read(ref _acceptErrorCount);

    /// <summary>
    /// Every request the server received (HttpListener handed it over), whatever became of it: answered,
    /// dropped or reset on purpose, still waiting, or abandoned by its client.
    /// </summary>
    public long ReceivedCount => Interlocked.Read(ref _receivedCount);

    /// <summary>Received requests whose non-empty body arrived in full.</summary>
    public long ReceivedBodyCount => _bodies.Count;

    /// <summary>The bytes of those bodies, added up.</summary>
    public long ReceivedBodyBytes => _bodies.Bytes;

    /// <summary>
    /// Bodies that were byte for byte one the server had received before: each repeat counts once (the
    /// same body three times counts 2). Tells a client that sent a request twice. The first million
    /// distinct bodies are remembered.
    /// </summary>
    public long DuplicateBodyCount => _bodies.Duplicates;

    /// <summary>Requests answered so far.</summary>
    public long RequestCount => Interlocked.Read(ref _requestCount);

    /// <summary>Requests received and not yet answered.</summary>
    public int ActiveRequests => Volatile.Read(ref _activeRequests);

    /// <summary>The most requests in progress at once since the server started.</summary>
    public int PeakConcurrency => Volatile.Read(ref _peakConcurrency);

    /// <summary>Local time the server started.</summary>
    public DateTime StartTime { get; }

    /// <summary>True until the server is stopped.</summary>
    public bool IsRunning => Volatile.Read(ref _stopped) == 0;

    /// <summary>
    /// Starts a server on 127.0.0.1. Port 0 picks a free port.
    /// </summary>
    /// <param name="port">The port, or 0 for a free one.</param>
    /// <param name="options">Delays and faults.</param>
    /// <param name="owner">The session that owns the server, for listing and stopping.</param>
    /// <exception cref="TestServerPortInUseException">The port is taken.</exception>
    internal static TestServer Start(int port, TestServerOptions options, Guid owner)
    {
        if (options.MinDelayMs < 0 || options.MaxDelayMs < options.MinDelayMs)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxDelayMs must be at least MinDelayMs, and both at least 0.");
        }

        HttpListenerWarmUp.EnsureDone();

        // HttpListener cannot bind port 0, so ask the OS for a free port and retry if another process wins it.
        int attempts = port == 0 ? 20 : 1;
        for (int attempt = 1; ; attempt++)
        {
            int candidate = port == 0 ? LoopbackPort.FindFree() : port;
            var listener = new HttpListener { IgnoreWriteExceptions = true };
            listener.Prefixes.Add($"http://127.0.0.1:{candidate.ToString(CultureInfo.InvariantCulture)}/");

            // The same loopback port by name, so that a redirect can change the host without leaving the machine.
            listener.Prefixes.Add($"http://localhost:{candidate.ToString(CultureInfo.InvariantCulture)}/");
            try
            {
                listener.Start();
            }
            catch (HttpListenerException ex)
            {
                listener.Close();
                if (attempt < attempts)
                {
                    continue;
                }

                throw new TestServerPortInUseException(candidate, ex);
            }

            var server = new TestServer(listener, candidate, options);
            TestServerRegistry.Add(server, owner);
            return server;
        }
    }

    /// <summary>Stops the server, aborts requests in progress and frees the port.</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        TestServerRegistry.Remove(this);

        // Requests in progress answer 503 at once; give those answers a moment to leave before the sockets close.
        _stopping.Cancel();
        SpinWait.SpinUntil(() => Volatile.Read(ref _openHandlers) == 0, TimeSpan.FromSeconds(2));
        try
        {
            _listener.Close();
        }
        catch (ObjectDisposedException)
        {
        }

        Task.WaitAll(_acceptLoops, TimeSpan.FromSeconds(5));
    }

    /// <summary>Same as <see cref="Stop"/>.</summary>
    public void Dispose() => Stop();

    /// <inheritdoc/>
    public override string ToString() => Uri.ToString();

    private async Task AcceptLoopAsync()
    {
        TimeSpan backOff = s_firstAcceptBackOff;
        while (IsRunning)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (!IsRunning)
            {
                return;
            }
            catch (Exception)
            {
                // Whatever failed (EMFILE/ENFILE, a listener in trouble), the server is still meant to run:
                // ending this loop would leave it deaf, and an exception out of it would reach nobody.
                Interlocked.Increment(ref _acceptErrorCount);
                try
                {
                    await Task.Delay(backOff, _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backOff = backOff * 2 < s_maxAcceptBackOff ? backOff * 2 : s_maxAcceptBackOff;
                continue;
            }

            backOff = s_firstAcceptBackOff;

            // Handle without awaiting: a delayed answer must not hold up this loop. HandleAsync catches
            // everything, so the task left behind never faults.
            _ = HandleAsync(context);
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        Interlocked.Increment(ref _receivedCount);
        Interlocked.Increment(ref _openHandlers);
        int active = Interlocked.Increment(ref _activeRequests);
        UpdatePeak(active);
        bool counted = false;
        HttpListenerResponse response = context.Response;
        try
        {
            RouteResponse answer = await _routes.RespondAsync(context.Request, _stopping.Token).ConfigureAwait(false);

            // Count before the answer leaves, so a client that has all its answers sees the final numbers.
            counted = true;
            Interlocked.Decrement(ref _activeRequests);
            Interlocked.Increment(ref _requestCount);
            if (answer.Fault is ConnectionFaultKind.Drop or ConnectionFaultKind.Reset)
            {
                Interlocked.Increment(ref _faultCount);
                ConnectionFault.Apply(context, answer.Fault);
                return;
            }

            await RouteResponseWriter.SendAsync(response, answer, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!counted && _stopping.IsCancellationRequested)
        {
            counted = true;
            Interlocked.Decrement(ref _activeRequests);
            Interlocked.Increment(ref _requestCount);
            TryRespondStopping(context);
        }
        catch (Exception)
        {
            // The client went away or sent something broken: drop the connection, never the process.
            if (!counted)
            {
                Interlocked.Decrement(ref _activeRequests);
            }

            // HttpListener's own Abort would send "200 OK" headers first; drop the connection instead.
            ConnectionFault.Apply(context, ConnectionFaultKind.Drop);
        }
        finally
        {
            Interlocked.Decrement(ref _openHandlers);
        }
    }

    private static void TryRespondStopping(HttpListenerContext context)
    {
        HttpListenerResponse response = context.Response;
        try
        {
            response.StatusCode = 503;
            response.KeepAlive = false;
            response.ContentType = "text/plain; charset=utf-8";
            response.ContentLength64 = s_stoppingBody.Length;
            response.Close(s_stoppingBody, willBlock: true);
        }
        catch (Exception)
        {
            ConnectionFault.Apply(context, ConnectionFaultKind.Drop);
        }
    }

    private void UpdatePeak(int active)
    {
        int peak = Volatile.Read(ref _peakConcurrency);
        while (active > peak)
        {
            int seen = Interlocked.CompareExchange(ref _peakConcurrency, active, peak);
            if (seen == peak)
            {
                return;
            }

            peak = seen;
        }
    }
}
