using System;
using System.Globalization;
using System.Linq;

namespace LoadTest;

/// <summary>The outcome of one request: written to the pipeline as soon as the request completes.</summary>
public sealed class RequestResult
{
    private static readonly string[] s_kindNames = KindNames();
    private readonly string _uriText;
    private Uri? _uri;

    internal RequestResult(
        long index,
        string method,
        Uri? uri,
        string uriText,
        int statusCode,
        bool success,
        double elapsedMs,
        double correctedElapsedMs,
        int attempts,
        long bytesReceived,
        DateTime startTime,
        RequestErrorKind errorKind,
        string? error,
        HeaderDictionary? headers,
        string? content)
    {
        Index = index;
        Method = method;
        _uri = uri;
        _uriText = uriText;
        StatusCode = statusCode;
        Success = success;
        ElapsedMs = elapsedMs;
        CorrectedElapsedMs = correctedElapsedMs;
        Attempts = attempts;
        BytesReceived = bytesReceived;
        StartTime = startTime;
        Kind = errorKind;
        Error = error;
        Headers = headers;
        Content = content;
    }

    /// <summary>The request's index: 0..Count-1 with -Count, the input position with pipeline input; with -Flow, its iteration's.</summary>
    public long Index { get; }

    /// <summary>The HTTP method sent.</summary>
    public string Method { get; }

    /// <summary>The requested URI.</summary>
    public Uri Uri => _uri ??= new Uri(_uriText, UriKind.Absolute);

    /// <summary>The requested URI as the user gave it, without parsing it.</summary>
    internal string UriText => _uri?.OriginalString ?? _uriText;

    /// <summary>The response status code, 0 when no response arrived.</summary>
    public int StatusCode { get; }

    /// <summary>True for a 2xx or 3xx response.</summary>
    public bool Success { get; }

    /// <summary>Milliseconds from sending the request to the last byte of the response (or the failure), across all attempts.</summary>
    public double ElapsedMs { get; }

    /// <summary>
    /// Milliseconds from the moment a -RequestsPerSecond schedule meant the request to start, so that
    /// waiting for a free slot counts (corrected for coordinated omission). Equal to ElapsedMs without a schedule.
    /// </summary>
    public double CorrectedElapsedMs { get; }

    /// <summary>How many times the request was sent: 1, or more after retries.</summary>
    public int Attempts { get; }

    /// <summary>Bytes of response body received.</summary>
    public long BytesReceived { get; }

    /// <summary>Local time the request was sent.</summary>
    public DateTime StartTime { get; }

    /// <summary>
    /// StartTime in UTC as ISO 8601 text with milliseconds ("2026-11-27T18:10:27.123Z"): the column that
    /// Export-Csv and ConvertTo-Json write whole, whatever the culture, and Import-Csv reads back.
    /// </summary>
    public string StartTimeUtc => StartTime.ToUniversalTime().ToString(IsoUtcFormat, CultureInfo.InvariantCulture);

    /// <summary>ISO 8601 UTC with milliseconds, as every text form of a result's time is written.</summary>
    internal const string IsoUtcFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>
    /// Why the request failed, None on success: a name of LoadTest.RequestErrorKind, as text so that JSON and
    /// CSV carry the name (ConvertTo-Json writes enums as numbers).
    /// </summary>
    public string ErrorKind => s_kindNames[(int)Kind];

    /// <summary>The error kind as the enum, for the engine's own counting.</summary>
    internal RequestErrorKind Kind { get; }

    /// <summary>What went wrong, null on success.</summary>
    public string? Error { get; }

    /// <summary>The response headers, with -IncludeHeaders; otherwise null.</summary>
    public HeaderDictionary? Headers { get; }

    /// <summary>The response body as text (up to -MaximumContentBytes), with -IncludeContent; otherwise null.</summary>
    public string? Content { get; }

    /// <summary>The flow step the request was made for; null without -Flow.</summary>
    public string? Step { get; internal set; }

    /// <summary>The checks this response was judged by; null when it was not (no checks, or no response).</summary>
    internal Engine.Checks.CheckSet? Checks { get; init; }

    /// <summary>Which of <see cref="Checks"/> failed: bit i for check i.</summary>
    internal ulong FailedChecks { get; init; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Method} {Uri} -> {(StatusCode == 0 ? ErrorKind : StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture))} in {ElapsedMs:0.0} ms";

    private static string[] KindNames()
    {
        var names = new string[(int)Enum.GetValues<RequestErrorKind>().Max() + 1];
        foreach (RequestErrorKind kind in Enum.GetValues<RequestErrorKind>())
        {
            names[(int)kind] = kind.ToString();
        }

        return names;
    }
}
