using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace LoadTest.Wire.Http2;

/// <summary>
/// One request's stream: what it sends, and once an <see cref="Http2Connection"/> has opened it, what comes
/// back. It builds the response head from the decoded fields, counts the body in the attempt's progress,
/// checks what RFC 9113 8.1 calls malformed, and completes the request's wait once. Until a connection
/// opens it, it waits in its <see cref="Http2Pool"/>. The connection calls it from its read loop, under its
/// lock where the request's flow could look at the same state.
/// </summary>
internal sealed class Http2Stream : IHPackSink, IValueTaskSource<ResponseHead>
{
    private static readonly string?[] s_reasons = new string?[600];

    private readonly bool _headRequest;
    private readonly bool _includeHeaders;
    private ManualResetValueTaskSourceCore<ResponseHead> _completion;
    private Phase _phase;
    private int _status;
    private bool _regularSeen;
    private long _contentLength = -1;
    private long _received;
    private string? _contentType;
    private string? _location;
    private string? _retryAfter;
    private HeaderDictionary? _headers;

    public Http2Stream(Http2Pool pool, RequestSpec spec, in RedirectHop hop, AttemptProgress progress, bool includeHeaders)
    {
        Pool = pool;
        Spec = spec;
        Method = hop.Method;
        Path = hop.PathAndQuery;
        Progress = progress;
        _headRequest = hop.Method == HttpMethod.Head;
        _includeHeaders = includeHeaders;

        // The request goes on on the read loop's thread, and its next request is written with the loop's batch
        // (Http2Connection): 1.15x the req/s of handing each completion to the thread pool, measured side by side.
        _completion.RunContinuationsAsynchronously = false;
    }

    private enum Phase
    {
        Head,
        Body,
        Trailers,
    }

    public Http2Pool Pool { get; }

    /// <summary>The request: its payload's header block and body.</summary>
    public RequestSpec Spec { get; }

    public HttpMethod Method { get; }

    public string Path { get; }

    /// <summary>The connection that opened the stream; null until one has.</summary>
    public Http2Connection? Owner { get; set; }

    /// <summary>Its place among the requests waiting for a stream, while it waits (under the pool's lock).</summary>
    public LinkedListNode<Http2Stream>? WaitingNode { get; set; }

    public int Id { get; set; }

    /// <summary>Which of the server's stream limits was in force when the stream opened (see <see cref="Http2Connection"/>).</summary>
    public int LimitEpoch { get; set; }

    /// <summary>The attempt's cancellation, which resets the stream; removed when the stream completes.</summary>
    public CancellationTokenRegistration Registration { get; set; }

    public AttemptProgress Progress { get; }

    /// <summary>How much body the server will still take on this stream (its flow-control window).</summary>
    public long SendWindow { get; set; }

    /// <summary>Received body bytes not yet given back to the server in a WINDOW_UPDATE.</summary>
    public int Unacknowledged { get; set; }

    /// <summary>True while part of the request's body has not gone out.</summary>
    public bool BodyPending { get; set; }

    /// <summary>How much of the body went into frames when the stream opened.</summary>
    public int BodySent { get; set; }

    /// <summary>Set while the request's body waits for the server to open its window.</summary>
    public TaskCompletionSource? WindowWaiter { get; set; }

    /// <summary>Why the response is malformed, once it is; later fields are then ignored.</summary>
    public string? Malformed { get; private set; }

    /// <summary>True once the final response head has arrived.</summary>
    public bool HasHead => _phase != Phase.Head;

    public ValueTask<ResponseHead> AsValueTask() => new(this, _completion.Version);

    public void OnField(string name, ReadOnlySpan<byte> value)
    {
        if (Malformed is not null)
        {
            return;
        }

        if (name.Length > 0 && name[0] == ':')
        {
            if (_phase != Phase.Head || _regularSeen || _status != 0 || name != ":status")
            {
                Malformed = $"The response has a misplaced or unknown pseudo-header '{name}'.";
                return;
            }

            if (value.Length != 3 || !char.IsAsciiDigit((char)value[0]) || !char.IsAsciiDigit((char)value[1]) || !char.IsAsciiDigit((char)value[2])
                || (_status = ((value[0] - '0') * 100) + ((value[1] - '0') * 10) + (value[2] - '0')) < 100)
            {
                Malformed = "The response has an invalid :status.";
            }

            return;
        }

        _regularSeen = true;
        if (!IsValidName(name))
        {
            Malformed = $"The response has an invalid field name '{name}'.";
            return;
        }

        if (!IsValidValue(value))
        {
            Malformed = $"The value of the response field '{name}' holds NUL, CR or LF, or starts or ends with whitespace.";
            return;
        }

        if (_phase != Phase.Head || _status < 200)
        {
            return;
        }

        switch (name)
        {
            case "content-length":
                if (!long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long length)
                    || (_contentLength >= 0 && length != _contentLength))
                {
                    Malformed = "The response has an invalid content-length.";
                    return;
                }

                _contentLength = length;
                break;
            case "content-type" when Progress.KeepsContent:
                _contentType = Encoding.Latin1.GetString(value);
                break;
            case "location" when _status is >= 300 and < 400:
                _location = Encoding.UTF8.GetString(value);
                break;
            case "retry-after" when _status >= 300:
                _retryAfter = Encoding.Latin1.GetString(value);
                break;
            case "connection" or "keep-alive" or "proxy-connection" or "transfer-encoding" or "upgrade":
                Malformed = $"The response has the connection-specific field '{name}'.";
                return;
        }

        if (_includeHeaders)
        {
            _headers ??= new HeaderDictionary();
            ResponseHead.AddHeader(_headers, name, Encoding.Latin1.GetString(value));
        }
    }

    /// <summary>Ends a header block; true when the stream is complete.</summary>
    public bool EndHeaders(bool endStream)
    {
        if (Malformed is not null)
        {
            return false;
        }

        switch (_phase)
        {
            case Phase.Head when _status == 0:
                Malformed = "The response has no :status.";
                return false;
            case Phase.Head when _status < 200:
                // An interim response (RFC 9113 8.1): the final one follows; 101 has no place in HTTP/2.
                if (_status == 101 || endStream)
                {
                    Malformed = "The response is an interim response that ends the stream, or a 101.";
                    return false;
                }

                _status = 0;
                _regularSeen = false;
                return false;
            case Phase.Head:
                Progress.StatusCode = _status;
                _phase = Phase.Body;
                break;
            default:
                // Trailers: they must end the stream.
                if (!endStream)
                {
                    Malformed = "The response has a second header block that does not end the stream.";
                    return false;
                }

                _phase = Phase.Trailers;
                break;
        }

        return endStream && CheckLength();
    }

    /// <summary>Counts a DATA frame's body bytes; true when the stream is complete.</summary>
    public bool OnData(ReadOnlySpan<byte> data, bool endStream)
    {
        if (_phase != Phase.Body)
        {
            Malformed = "The response sent DATA before its head or after its trailers.";
            return false;
        }

        _received += data.Length;
        Progress.Add(data);
        return endStream && CheckLength();
    }

    /// <summary>The response head; call once the stream is complete.</summary>
    public ResponseHead BuildHead()
    {
        Uri? location = null;
        if (_location is not null)
        {
            Uri.TryCreate(_location, UriKind.RelativeOrAbsolute, out location);
        }

        return new ResponseHead
        {
            StatusCode = _status,
            ReasonPhrase = ReasonOf(_status),
            RetryAfter = _retryAfter is null ? null : ResponseHead.WaitOf(_retryAfter),
            Location = location,
            Headers = _headers,
            Content = Progress.KeepsContent ? Progress.Content(ResponseCharset.CharsetOf(_contentType)) : null,
        };
    }

    public void MarkMalformed(string reason) => Malformed ??= reason;

    public void Succeed(ResponseHead head)
    {
        Registration.Unregister();
        _completion.SetResult(head);
    }

    public void Fail(Exception failure)
    {
        Registration.Unregister();
        _completion.SetException(failure);
    }

    ResponseHead IValueTaskSource<ResponseHead>.GetResult(short token) => _completion.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<ResponseHead>.GetStatus(short token) => _completion.GetStatus(token);

    void IValueTaskSource<ResponseHead>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _completion.OnCompleted(continuation, state, token, flags);

    /// <summary>HTTP/2 has no reason phrase: the standard one, as HttpClient reports it.</summary>
    private static string? ReasonOf(int status) =>
        status >= s_reasons.Length ? null : s_reasons[status] ??= new HttpResponseMessage((System.Net.HttpStatusCode)status).ReasonPhrase;

    /// <summary>Field names are lower-case tokens in HTTP/2 (RFC 9113 8.2.1).</summary>
    private static bool IsValidName(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (char c in name)
        {
            if (c is (< '!' or > '~') or (>= 'A' and <= 'Z') or '(' or ')' or ',' or '/' or ':' or ';' or '<' or '=' or '>' or '?' or '@' or '[' or '\\' or ']' or '{' or '}' or '"')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>No NUL, CR or LF, and no whitespace at either end (RFC 9113 8.2.1).</summary>
    private static bool IsValidValue(ReadOnlySpan<byte> value) =>
        value.IndexOfAny((byte)0, (byte)'\r', (byte)'\n') < 0
        && (value.IsEmpty || (value[0] is not ((byte)' ' or (byte)'\t') && value[^1] is not ((byte)' ' or (byte)'\t')));

    private bool CheckLength()
    {
        if (_contentLength >= 0 && !_headRequest && _status is not (204 or 304) && _received != _contentLength)
        {
            Malformed = $"The response body has {_received} bytes; its content-length said {_contentLength}.";
            return false;
        }

        return true;
    }
}
