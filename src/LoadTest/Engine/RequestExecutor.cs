using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using LoadTest.Engine.Http1;

namespace LoadTest.Engine;

/// <summary>
/// Sends one request (with its retries) and turns whatever happens into a <see cref="RequestResult"/>.
/// One instance per run: it owns the run's single pooled HttpClient.
/// </summary>
internal sealed class RequestExecutor : IDisposable
{
    private const int DrainBufferSize = 16 * 1024;

    private readonly HttpClient _client;
    private readonly Http1Client? _fast;
    private readonly RequestEngineOptions _options;
    private readonly RunClock _clock;
    private readonly AttemptTokens _attemptTokens;
    private int _inFlight;

    public RequestExecutor(RequestEngineOptions options, RunClock clock)
    {
        _options = options;
        _clock = clock;
        _attemptTokens = new AttemptTokens(options.Timeout);
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.MaxConnections > 0 ? options.MaxConnections : options.ThrottleLimit,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            // Redirects are followed below, so that secrets never follow them to another origin.
            AllowAutoRedirect = false,
            UseCookies = options.KeepCookies,
            UseProxy = !options.NoProxy,
            AutomaticDecompression = DecompressionMethods.None,
        };
        if (options.KeepCookies)
        {
            handler.CookieContainer = new CookieContainer();
        }

        if (options.SkipCertificateCheck)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = static (_, _, _, _) => true,
            };
        }

        // The lean HTTP/1.1 path serves what it can; LOADTEST_HTTPCLIENT_ONLY=1 sends everything through HttpClient (to compare).
        if (Http1Client.Supports(options) && Environment.GetEnvironmentVariable("LOADTEST_HTTPCLIENT_ONLY") != "1")
        {
            _fast = new Http1Client(options);
        }

        _client = new HttpClient(handler, disposeHandler: true)
        {
            // Timeouts are per attempt below, so that they also cover reading the body.
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Requests being sent or waiting to retry right now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<RequestResult> ExecuteAsync(RequestSpec spec, CancellationToken runToken)
    {
        Interlocked.Increment(ref _inFlight);
        long started = Stopwatch.GetTimestamp();
        int attempts = 0;
        Outcome outcome;
        try
        {
            while (true)
            {
                attempts++;
                outcome = await SendOnceAsync(spec, runToken).ConfigureAwait(false);
                if (runToken.IsCancellationRequested || !_options.Retry.ShouldRetry(attempts, outcome.Kind, outcome.StatusCode))
                {
                    break;
                }

                try
                {
                    await PreciseDelay.AtLeastAsync(_options.Retry.Delay(attempts, outcome.RetryAfter), runToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }

        long finished = Stopwatch.GetTimestamp();
        double elapsedMs = Stopwatch.GetElapsedTime(started, finished).TotalMilliseconds;
        double correctedMs = spec.ScheduledTimestamp != 0 && spec.ScheduledTimestamp < started
            ? Stopwatch.GetElapsedTime(spec.ScheduledTimestamp, finished).TotalMilliseconds
            : elapsedMs;
        return new RequestResult(
            spec.Index,
            spec.Method.Method,
            spec.Uri,
            outcome.StatusCode,
            outcome.Kind == RequestErrorKind.None,
            elapsedMs,
            correctedMs,
            attempts,
            outcome.Bytes,
            _clock.ToDateTime(started),
            outcome.Kind,
            outcome.Error,
            outcome.Headers,
            outcome.Content);
    }

    public void Dispose()
    {
        _fast?.Dispose();
        _client.Dispose();
        _attemptTokens.Dispose();
    }

    /// <summary>HttpClient's outer message is often generic ("An error occurred while sending the request."); add the cause.</summary>
    private static string Describe(Exception exception)
    {
        string inner = exception.GetBaseException().Message;
        return inner == exception.Message ? exception.Message : $"{exception.Message} ({inner})";
    }

    private static string StatusMessage(int statusCode, string? reason) =>
        string.IsNullOrEmpty(reason)
            ? $"Response status code {statusCode.ToString(CultureInfo.InvariantCulture)}."
            : $"Response status code {statusCode.ToString(CultureInfo.InvariantCulture)} ({reason}).";

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        RetryConditionHeaderValue? retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }

        if (retryAfter?.Date is { } date)
        {
            return date - DateTimeOffset.UtcNow;
        }

        return null;
    }

    private static Dictionary<string, string> CollectHeaders(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, IEnumerable<string>> header in response.Headers)
        {
            headers[header.Key] = string.Join(", ", header.Value);
        }

        foreach (KeyValuePair<string, IEnumerable<string>> header in response.Content.Headers)
        {
            headers[header.Key] = string.Join(", ", header.Value);
        }

        return headers;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Outcome> SendOnceAsync(RequestSpec spec, CancellationToken runToken)
    {
        int statusCode = 0;
        var counter = new AttemptProgress();
        using AttemptTokens.Lease attempt = _attemptTokens.Start(runToken);

        try
        {
            var hop = new RedirectHop(spec.Uri, spec.Method, WithBody: true, SameOrigin: true, Number: 0);
            if (_fast is not null && _fast.Serves(spec, out string authority))
            {
                Http1Response fast = await _fast.SendAsync(spec, authority, counter, attempt.Token).ConfigureAwait(false);
                statusCode = fast.StatusCode;
                if (!RedirectHop.TryFollow(spec, hop, fast.StatusCode, fast.Location, _options.MaximumRedirection, out hop))
                {
                    return Answered(statusCode, fast.ReasonPhrase, counter.Bytes, fast.RetryAfter, fast.Headers, fast.Content);
                }

                // A redirect: HttpClient takes the rest of the chain from the next hop on, and what the
                // redirect itself carried does not count.
                statusCode = 0;
                counter.StatusCode = 0;
                counter.Bytes = 0;
            }

            (HttpRequestMessage lastRequest, HttpResponseMessage response) = await SendFollowingRedirectsAsync(spec, hop, attempt.Token).ConfigureAwait(false);
            using HttpRequestMessage requestToDispose = lastRequest;
            using HttpResponseMessage responseToDispose = response;
            statusCode = (int)response.StatusCode;
            string? content = await ReadBodyAsync(response.Content, counter, attempt.Token).ConfigureAwait(false);
            return Answered(statusCode, response.ReasonPhrase, counter.Bytes, RetryAfter(response), _options.IncludeHeaders ? CollectHeaders(response) : null, content);
        }
        catch (Exception ex)
        {
            RequestErrorKind kind = ex is OperationCanceledException
                ? (runToken.IsCancellationRequested ? RequestErrorKind.Canceled : RequestErrorKind.Timeout)
                : ErrorClassifier.Classify(ex);
            string message = kind switch
            {
                RequestErrorKind.Timeout => $"The request timed out after {_options.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.",
                RequestErrorKind.Canceled => "The run was stopped before the request completed.",
                _ => Describe(ex),
            };
            return new Outcome(statusCode != 0 ? statusCode : counter.StatusCode, counter.Bytes, kind, message, null, null, null);
        }
    }

    /// <summary>Sends the request from <paramref name="hop"/> on, following redirects as <see cref="RedirectHop"/> says.</summary>
    private async Task<(HttpRequestMessage Request, HttpResponseMessage Response)> SendFollowingRedirectsAsync(RequestSpec spec, RedirectHop hop, CancellationToken token)
    {
        while (true)
        {
            HttpRequestMessage request = spec.Payload.CreateMessage(hop.Method, hop.Uri, hop.WithBody, hop.SameOrigin);
            request.Version = _options.HttpVersion;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            if (_options.DisableKeepAlive)
            {
                request.Headers.ConnectionClose = true;
            }

            HttpResponseMessage response;
            try
            {
                response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            }
            catch
            {
                request.Dispose();
                throw;
            }

            if (!RedirectHop.TryFollow(spec, hop, (int)response.StatusCode, response.Headers.Location, _options.MaximumRedirection, out hop))
            {
                return (request, response);
            }

            response.Dispose();
            request.Dispose();
        }
    }

    /// <summary>The outcome of an attempt that got a response: success or HttpError by its status.</summary>
    private Outcome Answered(int statusCode, string? reasonPhrase, long bytes, TimeSpan? retryAfter, IReadOnlyDictionary<string, string>? headers, string? content)
    {
        bool success = _options.SuccessStatusCodes.Contains(statusCode);
        return new Outcome(
            statusCode,
            bytes,
            success ? RequestErrorKind.None : RequestErrorKind.HttpError,
            success ? null : StatusMessage(statusCode, reasonPhrase),
            success ? null : retryAfter,
            headers,
            content);
    }

    /// <summary>Reads the body to its end, counting bytes; keeps it as text only with IncludeContent.</summary>
    private async ValueTask<string?> ReadBodyAsync(HttpContent content, AttemptProgress counter, CancellationToken token)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(DrainBufferSize);
        MemoryStream? kept = _options.IncludeContent ? new MemoryStream() : null;
        try
        {
            using Stream stream = await content.ReadAsStreamAsync(token).ConfigureAwait(false);
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(), token).ConfigureAwait(false)) > 0)
            {
                counter.Bytes += read;
                if (kept is not null && kept.Length < _options.MaximumContentBytes)
                {
                    kept.Write(buffer, 0, (int)Math.Min(read, _options.MaximumContentBytes - kept.Length));
                }
            }

            return kept is null ? null : ResponseCharset.EncodingOf(content.Headers.ContentType?.CharSet).GetString(kept.GetBuffer(), 0, (int)kept.Length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            kept?.Dispose();
        }
    }

    private readonly record struct Outcome(
        int StatusCode,
        long Bytes,
        RequestErrorKind Kind,
        string? Error,
        TimeSpan? RetryAfter,
        IReadOnlyDictionary<string, string>? Headers,
        string? Content);
}
