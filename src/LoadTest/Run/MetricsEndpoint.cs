using System;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using LoadTest.Engine.Metrics;
using LoadTest.Parameters;

namespace LoadTest.Run;

/// <summary>
/// A run's Prometheus endpoint: http://*:port/metrics in the text exposition format, served on every
/// interface for as long as the run lasts, and after it until one more scrape has read the final values
/// (see <see cref="AwaitFinalScrape"/>). prometheus-net writes the exposition; the listener is our own so
/// that we know when a scrape's answer has been sent.
/// </summary>
internal sealed class MetricsEndpoint : IDisposable
{
    /// <summary>The path Prometheus scrapes by default; "/" answers too.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The longest wait for the final scrape.</summary>
    public static readonly TimeSpan LongestFinalWait = TimeSpan.FromSeconds(60);

    /// <summary>The shortest wait for the final scrape, once the endpoint has been scraped twice.</summary>
    public static readonly TimeSpan ShortestFinalWait = TimeSpan.FromSeconds(2);

    private readonly HttpListener _listener;
    private readonly PrometheusExport _export;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _finalScrape = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _lock = new();
    private long _runEndedAt = long.MaxValue;
    private long _lastScrapeAt;
    private long _longestGapTicks;
    private int _scrapes;

    private MetricsEndpoint(HttpListener listener, PrometheusExport export, int port)
    {
        _listener = listener;
        _export = export;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Scrapes answered so far.</summary>
    public int Scrapes => Volatile.Read(ref _scrapes);

    /// <summary>The address to give Prometheus, as seen from this machine.</summary>
    public string Url => string.Create(CultureInfo.InvariantCulture, $"http://{Environment.MachineName}:{Port}{MetricsPath}");

    /// <summary>Starts serving a run's metrics on a port, or returns the error that says why it cannot (the port is taken).</summary>
    public static ErrorRecord? TryStart(int port, RunMetrics metrics, out MetricsEndpoint? endpoint)
    {
        endpoint = null;
        var listener = new HttpListener();
        listener.Prefixes.Add(string.Create(CultureInfo.InvariantCulture, $"http://*:{port}/"));
        try
        {
            listener.Start();
        }
        catch (HttpListenerException ex)
        {
            listener.Close();
            bool inUse = IsAddressInUse(ex);
            string message = inUse
                ? string.Create(CultureInfo.InvariantCulture, $"Port {port} is in use: the run's metrics cannot be served there. Choose another port (-MetricsPort, or $LoadTestMetricsPort), or stop what listens on it.")
                : string.Create(CultureInfo.InvariantCulture, $"The run's metrics cannot be served on port {port}: {ex.Message}");
            return ErrorRecordFactory.Create(
                new InvalidOperationException(message, ex),
                inUse ? ErrorIds.MetricsPortInUse : ErrorIds.MetricsEndpointFailed,
                inUse ? ErrorCategory.ResourceUnavailable : ErrorCategory.OpenError,
                port);
        }

        endpoint = new MetricsEndpoint(listener, new PrometheusExport(metrics), port);
        MetricsEndpoint started = endpoint;
        _ = Task.Run(() => started.ServeAsync());
        return null;
    }

    /// <summary>
    /// Marks the end of the run and waits until a scrape that began after it has been answered, so that the
    /// scraper has the final values; true when one was. The wait is bounded: not at all when nothing scraped
    /// the endpoint during the run, otherwise twice the longest interval seen between two scrapes (at least
    /// <see cref="ShortestFinalWait"/>, at most <see cref="LongestFinalWait"/>, which is also the bound after a
    /// single scrape). <see cref="Cancel"/> (Ctrl+C) ends the wait.
    /// </summary>
    public bool AwaitFinalScrape()
    {
        TimeSpan bound;
        lock (_lock)
        {
            _runEndedAt = Stopwatch.GetTimestamp();
            bound = FinalWait(_scrapes, TimeSpan.FromTicks(_longestGapTicks));
        }

        if (bound <= TimeSpan.Zero)
        {
            return false;
        }

        try
        {
            return _finalScrape.Task.Wait(bound, _stop.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>How long <see cref="AwaitFinalScrape"/> waits after so many scrapes, the longest apart by <paramref name="longestGap"/>.</summary>
    public static TimeSpan FinalWait(int scrapes, TimeSpan longestGap) => scrapes switch
    {
        0 => TimeSpan.Zero,
        1 => LongestFinalWait,
        _ => TimeSpan.FromTicks(Math.Clamp(longestGap.Ticks * 2, ShortestFinalWait.Ticks, LongestFinalWait.Ticks)),
    };

    /// <summary>Ends a wait for the final scrape (Ctrl+C). Safe from any thread.</summary>
    public void Cancel()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Stops serving at once.</summary>
    public void Dispose()
    {
        Cancel();
        _listener.Close();
    }

    private static bool IsAddressInUse(HttpListenerException ex) =>
        // EADDRINUSE on Linux (98) and macOS (48); on Windows, http.sys reports ERROR_SHARING_VIOLATION or ERROR_ALREADY_EXISTS.
        ex.ErrorCode is 98 or 48 or 32 or 183 || ex.NativeErrorCode is 98 or 48 or 32 or 183;

    private async Task ServeAsync()
    {
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Closed: the endpoint is done.
                return;
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        HttpListenerResponse response = context.Response;
        try
        {
            string path = context.Request.Url?.AbsolutePath ?? "/";
            if (path != MetricsPath && path != "/")
            {
                response.StatusCode = 404;
                response.Close();
                return;
            }

            long started = NoteScrape();
            response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await _export.Registry.CollectAndExportAsTextAsync(response.OutputStream, _stop.Token).ConfigureAwait(false);
            response.Close();
            Interlocked.Increment(ref _scrapes);
            if (started >= Volatile.Read(ref _runEndedAt))
            {
                _finalScrape.TrySetResult();
            }
        }
        catch (Exception)
        {
            // The scraper went away, or the endpoint is closing: nothing to tell anyone.
            response.Abort();
        }
    }

    // When a scrape begins; also keeps the longest interval between two, which bounds the final wait.
    private long NoteScrape()
    {
        long now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            if (_lastScrapeAt != 0)
            {
                _longestGapTicks = Math.Max(_longestGapTicks, Stopwatch.GetElapsedTime(_lastScrapeAt, now).Ticks);
            }

            _lastScrapeAt = now;
        }

        return now;
    }
}
