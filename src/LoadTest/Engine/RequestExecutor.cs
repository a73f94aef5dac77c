using System;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using LoadTest.Engine.Checks;
using LoadTest.Engine.Flows;
using LoadTest.Wire;
using LoadTest.Wire.Transports;

namespace LoadTest.Engine;

/// <summary>
/// Sends one request (following its redirects, with its retries) and turns whatever happens into a
/// <see cref="RequestResult"/>. One instance per run: it owns the run's transports.
/// </summary>
internal sealed class RequestExecutor : IDisposable
{
    private readonly TransportSelector _transports;
    private readonly RequestEngineOptions _options;
    private readonly RunClock _clock;
    private readonly IRunWording _wording;
    private readonly long _end;
    private readonly AttemptTokens _attemptTokens;
    private readonly CheckSet? _checks;
    private readonly int _captureBytes;
    private int _inFlight;

    // end: the Stopwatch timestamp after which no attempt starts (a retry included); long.MaxValue for none.
    public RequestExecutor(RequestEngineOptions options, RunClock clock, IRunWording wording, long end = long.MaxValue)
    {
        _wording = wording;
        _options = options;
        _clock = clock;
        _end = end;
        _attemptTokens = new AttemptTokens(options.Timeout);
        _transports = new TransportSelector(options.Wire);
        _checks = options.Checks is { Count: > 0 } checks ? checks : null;
        _captureBytes = options.IncludeContent || (_checks?.NeedsBody ?? false) ? options.MaximumContentBytes : -1;
        ErrorClassifier.Prepare();
    }

    /// <summary>Requests being sent or waiting to retry right now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<RequestResult> ExecuteAsync(RequestSpec spec, CancellationToken runToken, IFlowStepHook? step = null)
    {
        CheckSet? checks = step?.Checks ?? _checks;
        int captureBytes = step is { NeedsBody: true } ? _options.MaximumContentBytes : _captureBytes;
        Interlocked.Increment(ref _inFlight);
        long started = Stopwatch.GetTimestamp();
        int attempts = 0;
        int replays = 0;
        Outcome outcome;
        try
        {
            while (true)
            {
                attempts++;

                // One attempt: the request and the redirects it leads to, each hop through the transport that
                // serves it. Written out here rather than in a method of its own: one async layer less per request.
                var progress = new AttemptProgress(_options.IncludeContent, captureBytes);
                AttemptTokens.Lease attempt = _attemptTokens.Start(runToken);
                try
                {
                    RedirectHop hop = RedirectHop.First(spec);
                    while (true)
                    {
                        ResponseHead head = await _transports.For(spec, hop).SendAsync(spec, hop, progress, attempt.Token).ConfigureAwait(false);
                        if (!RedirectHop.TryFollow(spec, hop, head.StatusCode, head.Location, _options.MaximumRedirection, out hop))
                        {
                            outcome = Answered(head, progress, started, checks, step);
                            progress.Release();
                            break;
                        }

                        // What a redirect itself carried does not count: the answer is the last hop's.
                        progress.Reset();
                    }
                }
                catch (Exception ex)
                {
                    outcome = Failed(ex, progress, runToken);
                }
                finally
                {
                    attempt.Dispose();
                }

                replays += outcome.Replays;
                if (runToken.IsCancellationRequested || !_options.Retry.ShouldRetry(attempts, outcome.Kind, outcome.StatusCode))
                {
                    break;
                }

                // Nothing is sent after the run's end: a retry that would start after it is not made.
                TimeSpan delay = _options.Retry.Delay(attempts, outcome.RetryAfter);
                if (_end != long.MaxValue && Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), _end) <= delay)
                {
                    break;
                }

                try
                {
                    await PreciseDelay.AtLeastAsync(delay, runToken).ConfigureAwait(false);
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
            spec.UriIfMade,
            spec.UriText,
            outcome.StatusCode,
            outcome.Kind == RequestErrorKind.None,
            elapsedMs,
            correctedMs,
            attempts + replays,
            outcome.Bytes,
            _clock.ToDateTime(started),
            outcome.Kind,
            outcome.Error,
            outcome.Headers,
            outcome.Content)
        {
            Checks = outcome.Checked ? checks : null,
            FailedChecks = outcome.FailedChecks,
        };
    }

    public void Dispose()
    {
        _transports.Dispose();
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

    /// <summary>The outcome of an attempt that failed: its kind, and a message that says what to do about it.</summary>
    private Outcome Failed(Exception ex, AttemptProgress progress, CancellationToken runToken)
    {
        RequestErrorKind kind = ex is OperationCanceledException
            ? (runToken.IsCancellationRequested ? RequestErrorKind.Canceled : RequestErrorKind.Timeout)
            : ErrorClassifier.Classify(ex);
        string message = kind switch
        {
            RequestErrorKind.Timeout => $"The request timed out after {_options.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.",
            RequestErrorKind.Canceled => "The run was stopped before the request completed.",
            RequestErrorKind.ResourceExhausted => _wording.ResourceExhausted(Describe(ex), ResourceLimits.OpenFileLimit),
            _ => Describe(ex),
        };
        return new Outcome(progress.StatusCode, progress.Bytes, progress.Replays, kind, message, null, null, null);
    }

    /// <summary>
    /// The outcome of an attempt that got a response: HttpError by its status, else CheckFailed when a check
    /// failed, else success. Every response is judged by the checks, so that each counts a pass or a failure
    /// whatever the status.
    /// </summary>
    private Outcome Answered(ResponseHead head, AttemptProgress progress, long started, CheckSet? checks, IFlowStepHook? step)
    {
        bool success = _options.SuccessStatusCodes.Contains(head.StatusCode);
        ulong failedChecks = 0;
        string? checkError = null;
        string? extractionError = null;
        if (checks is not null || step is not null)
        {
            var response = new CheckResponse(
                head.StatusCode, head.Headers, progress.Captured, progress.Truncated, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            try
            {
                if (checks is not null)
                {
                    failedChecks = checks.Evaluate(ref response, step?.Context ?? IdentityCheckContext.Instance, out checkError);
                }

                // A flow step's extractions and cookies, while the captured body is still here.
                extractionError = step?.OnAnswered(ref response);
            }
            finally
            {
                response.Dispose();
            }
        }

        RequestErrorKind kind = !success ? RequestErrorKind.HttpError
            : failedChecks != 0 ? RequestErrorKind.CheckFailed
            : extractionError is not null ? RequestErrorKind.ExtractionFailed
            : RequestErrorKind.None;
        return new Outcome(
            head.StatusCode,
            progress.Bytes,
            progress.Replays,
            kind,
            kind switch
            {
                RequestErrorKind.HttpError => StatusMessage(head.StatusCode, head.ReasonPhrase),
                RequestErrorKind.CheckFailed => checkError,
                RequestErrorKind.ExtractionFailed => extractionError,
                _ => null,
            },
            success ? null : head.RetryAfter,
            _options.IncludeHeaders ? head.Headers : null,
            head.Content)
        {
            Checked = checks is not null,
            FailedChecks = failedChecks,
        };
    }

    private readonly record struct Outcome(
        int StatusCode,
        long Bytes,
        int Replays,
        RequestErrorKind Kind,
        string? Error,
        TimeSpan? RetryAfter,
        HeaderDictionary? Headers,
        string? Content)
    {
        /// <summary>True when the response was judged by the run's checks.</summary>
        public bool Checked { get; init; }

        /// <summary>The checks it failed, one bit per check.</summary>
        public ulong FailedChecks { get; init; }
    }
}
