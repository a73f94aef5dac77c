using System;

namespace LoadTest.Engine;

/// <summary>
/// When and how long to wait before trying a request again: transport failures and the chosen status
/// codes are retried with exponential backoff and jitter, or after the server's Retry-After.
/// </summary>
internal sealed class RetryPolicy
{
    /// <summary>Longest wait a Retry-After header can impose.</summary>
    public static readonly TimeSpan MaximumRetryAfter = TimeSpan.FromMinutes(5);

    /// <summary>Longest backoff between attempts, however many there were.</summary>
    public static readonly TimeSpan MaximumBackoff = TimeSpan.FromMinutes(1);

    public static readonly RetryPolicy None = new(0, TimeSpan.Zero, StatusCodeSet.Of(Array.Empty<int>()));

    public RetryPolicy(int maximumRetryCount, TimeSpan interval, StatusCodeSet statusCodes)
    {
        MaximumRetryCount = maximumRetryCount;
        Interval = interval;
        StatusCodes = statusCodes;
    }

    public int MaximumRetryCount { get; }

    public TimeSpan Interval { get; }

    public StatusCodeSet StatusCodes { get; }

    public static StatusCodeSet DefaultStatusCodes { get; } = CreateDefaultStatusCodes();

    public bool ShouldRetry(int attempt, RequestErrorKind kind, int statusCode) =>
        attempt <= MaximumRetryCount && kind switch
        {
            RequestErrorKind.HttpError => StatusCodes.Contains(statusCode),
            RequestErrorKind.Timeout or RequestErrorKind.ConnectionRefused or RequestErrorKind.ConnectionReset
                or RequestErrorKind.ConnectionClosed => true,
            _ => false,
        };

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1.</summary>
    public TimeSpan Delay(int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } serverSaid)
        {
            return serverSaid < TimeSpan.Zero ? TimeSpan.Zero : (serverSaid > MaximumRetryAfter ? MaximumRetryAfter : serverSaid);
        }

        // Doubling per attempt, then a random half of it: clients that failed together do not retry together.
        double backoff = Math.Min(Interval.TotalMilliseconds * Math.Pow(2, attempt - 1), MaximumBackoff.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(backoff * (0.5 + (Random.Shared.NextDouble() * 0.5)));
    }

    private static StatusCodeSet CreateDefaultStatusCodes()
    {
        var codes = new System.Collections.Generic.List<int> { 408, 429 };
        for (int code = 500; code <= 599; code++)
        {
            codes.Add(code);
        }

        return StatusCodeSet.Of(codes);
    }
}
