using System;
using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Threading;
using System.Threading.Tasks;

namespace LoadTest.Engine;

/// <summary>
/// Sends one request and turns whatever happens into a <see cref="RequestResult"/>. One instance per run:
/// it owns the run's single pooled HttpClient.
/// </summary>
internal sealed class RequestExecutor : IDisposable
{
    private const int DrainBufferSize = 16 * 1024;

    private readonly HttpClient _client;
    private readonly TimeSpan _timeout;
    private readonly DateTime _clockBase = DateTime.Now;
    private readonly long _clockBaseTimestamp = Stopwatch.GetTimestamp();

    public RequestExecutor(RequestEngineOptions options)
    {
        _timeout = options.Timeout;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.ThrottleLimit,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            AllowAutoRedirect = options.MaximumRedirection > 0,
            MaxAutomaticRedirections = Math.Max(1, options.MaximumRedirection),
            UseCookies = false,
            UseProxy = !options.NoProxy,
            AutomaticDecompression = DecompressionMethods.None,
        };
        if (options.SkipCertificateCheck)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = static (_, _, _, _) => true,
            };
        }

        _client = new HttpClient(handler, disposeHandler: true)
        {
            // Timeouts are per request below, so that they also cover reading the body.
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
    }

    public async ValueTask<RequestResult> ExecuteAsync(RequestSpec spec, CancellationToken runToken)
    {
        long started = Stopwatch.GetTimestamp();
        int statusCode = 0;
        long bytes = 0;
        using var requestCts = CancellationTokenSource.CreateLinkedTokenSource(runToken);
        if (_timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            requestCts.CancelAfter(_timeout);
        }

        try
        {
            using HttpRequestMessage request = spec.Payload.CreateMessage(spec.Method, spec.Uri);
            using HttpResponseMessage response = await _client
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, requestCts.Token)
                .ConfigureAwait(false);
            statusCode = (int)response.StatusCode;
            bytes = await DrainAsync(response.Content, requestCts.Token).ConfigureAwait(false);
            bool success = statusCode >= 200 && statusCode < 400;
            return new RequestResult(
                spec.Index,
                spec.Method.Method,
                spec.Uri,
                statusCode,
                success,
                ElapsedMs(started),
                bytes,
                StartTime(started),
                success ? RequestErrorKind.None : RequestErrorKind.HttpError,
                success ? null : StatusMessage(statusCode, response.ReasonPhrase));
        }
        catch (Exception ex)
        {
            RequestErrorKind kind = ex is OperationCanceledException
                ? (runToken.IsCancellationRequested ? RequestErrorKind.Canceled : RequestErrorKind.Timeout)
                : ErrorClassifier.Classify(ex);
            string message = kind switch
            {
                RequestErrorKind.Timeout => $"The request timed out after {_timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.",
                RequestErrorKind.Canceled => "The run was stopped before the request completed.",
                _ => ex.Message,
            };
            return new RequestResult(
                spec.Index,
                spec.Method.Method,
                spec.Uri,
                statusCode,
                false,
                ElapsedMs(started),
                bytes,
                StartTime(started),
                kind,
                message);
        }
    }

    public void Dispose() => _client.Dispose();

    private static async ValueTask<long> DrainAsync(HttpContent content, CancellationToken token)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(DrainBufferSize);
        try
        {
            using Stream stream = await content.ReadAsStreamAsync(token).ConfigureAwait(false);
            long total = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(), token).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static double ElapsedMs(long started) => Stopwatch.GetElapsedTime(started).TotalMilliseconds;

    private static string StatusMessage(int statusCode, string? reason) =>
        string.IsNullOrEmpty(reason)
            ? $"Response status code {statusCode.ToString(CultureInfo.InvariantCulture)}."
            : $"Response status code {statusCode.ToString(CultureInfo.InvariantCulture)} ({reason}).";

    private DateTime StartTime(long started) =>
        _clockBase.AddTicks((long)((started - _clockBaseTimestamp) * (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency));
}
