using System;
using System.Buffers;
using System.Text;
using System.Text.Json;

namespace LoadTest.Engine.Checks;

/// <summary>
/// One response as the checks see it: status, headers, the body bytes captured (up to the content limit)
/// and the time it took. The body is parsed as JSON, or decoded as UTF-8 text, at most once, and only when
/// a check asks; <see cref="Dispose"/> gives back what that took. Passed by reference: a struct, so that
/// judging a response allocates nothing beyond what its checks need.
/// </summary>
internal struct CheckResponse : IDisposable
{
    private static readonly JsonDocumentOptions s_jsonOptions = new() { MaxDepth = 256 };

    private JsonDocument? _json;
    private string? _jsonError;
    private char[]? _text;
    private int _textLength;
    private bool _textRead;

    public CheckResponse(int statusCode, HeaderDictionary? headers, ReadOnlyMemory<byte> body, bool truncated, double elapsedMs)
    {
        StatusCode = statusCode;
        Headers = headers;
        Body = body;
        Truncated = truncated;
        ElapsedMs = elapsedMs;
    }

    public int StatusCode { get; }

    /// <summary>Every response header, when a check reads headers; otherwise null.</summary>
    public HeaderDictionary? Headers { get; }

    /// <summary>The body's first bytes (all of it unless <see cref="Truncated"/>), when a check reads the body.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>True when the body was longer than what was captured.</summary>
    public bool Truncated { get; }

    public double ElapsedMs { get; }

    /// <summary>The body's JSON root; false (and <paramref name="error"/> says why) when the body is not JSON.</summary>
    public bool TryGetJson(out JsonElement root, out string? error)
    {
        if (_json is null && _jsonError is null)
        {
            try
            {
                _json = JsonDocument.Parse(Body, s_jsonOptions);
            }
            catch (JsonException ex)
            {
                _jsonError = Truncated
                    ? $"the body is not JSON in its first {Body.Length} bytes, all that is read of it"
                    : Body.IsEmpty ? "the body is empty, not JSON" : $"the body is not JSON ({FirstLine(ex.Message)})";
            }
        }

        error = _jsonError;
        root = _json is null ? default : _json.RootElement;
        return _json is not null;
    }

    /// <summary>The body decoded as UTF-8.</summary>
    public ReadOnlySpan<char> Text()
    {
        if (!_textRead)
        {
            _textRead = true;
            _text = ArrayPool<char>.Shared.Rent(Math.Max(1, Encoding.UTF8.GetMaxCharCount(Body.Length)));
            _textLength = Encoding.UTF8.GetChars(Body.Span, _text);
        }

        return _text.AsSpan(0, _textLength);
    }

    public void Dispose()
    {
        _json?.Dispose();
        _json = null;
        if (_text is not null)
        {
            ArrayPool<char>.Shared.Return(_text);
            _text = null;
        }
    }

    private static string FirstLine(string message)
    {
        int end = message.IndexOfAny(['\r', '\n']);
        return (end < 0 ? message : message[..end]).TrimEnd('.');
    }
}
