using System;
using System.Buffers;
using System.Net.Http;
using System.Text;

namespace LoadTest.Wire.Http1;

/// <summary>
/// Finds and parses an HTTP/1.x response head as RFC 9112 asks of a recipient: lines end in CRLF or a bare
/// LF, obsolete line folding is unfolded, and what the RFC calls invalid (a malformed status line, a field
/// name with whitespace before its colon, conflicting or malformed Content-Length, a bare CR or NUL in a
/// field) is rejected as an invalid response.
/// </summary>
internal static class Http1HeadParser
{
    // tchar (RFC 9110 5.6.2): the only bytes a field name may hold.
    private static readonly SearchValues<byte> s_token = SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    // Never valid in a chunk extension or a trailer line (RFC 9110 5.5, RFC 9112 2.2): a bare CR or a NUL.
    private static readonly SearchValues<byte> s_forbidden = SearchValues.Create("\r\0"u8);

    /// <summary>The exception for a response that is not valid HTTP/1.x; classified as a Protocol failure.</summary>
    public static Exception Invalid(string message) => new HttpIOException(HttpRequestError.InvalidResponse, message);

    /// <summary>
    /// Looks for the empty line that ends a head in <paramref name="data"/>, from <paramref name="scanned"/> on
    /// (the start of the first line not yet seen complete, kept between calls as more bytes arrive).
    /// </summary>
    /// <returns>True with the head's length, its final empty line included.</returns>
    public static bool TryFindEnd(ReadOnlySpan<byte> data, ref int scanned, out int length)
    {
        // A head that starts with an empty line (no status line at all) ends there.
        if (scanned == 0 && (data.StartsWith("\n"u8) || data.StartsWith("\r\n"u8)))
        {
            length = data[0] == (byte)'\n' ? 1 : 2;
            return true;
        }

        // The first empty line ends the head: an LF followed by CR LF, or (bare LF) by LF. Two vectorized
        // searches, the second only over what comes before the first one's find.
        ReadOnlySpan<byte> rest = data[scanned..];
        int crlf = rest.IndexOf("\n\r\n"u8);
        int lf = (crlf < 0 ? rest : rest[..(crlf + 1)]).IndexOf("\n\n"u8);
        if (lf >= 0)
        {
            length = scanned + lf + 2;
            return true;
        }

        if (crlf >= 0)
        {
            length = scanned + crlf + 3;
            return true;
        }

        // The end may straddle what has arrived: look again from the last two bytes on.
        scanned = Math.Max(scanned, data.Length - 2);
        length = 0;
        return false;
    }

    /// <summary>Parses a whole head (as found by <see cref="TryFindEnd"/>); throws <see cref="Invalid"/> on what RFC 9112 calls invalid.</summary>
    public static Http1Head Parse(ReadOnlySpan<byte> head, bool includeHeaders)
    {
        // A CR may only end a line, a NUL appear nowhere (RFC 9112 2.2, RFC 9110 5.5): one count over the
        // whole head, checked against the CRs that ended lines once all lines are read.
        if (head.IndexOf((byte)0) >= 0)
        {
            throw Invalid("The server sent a NUL in the response head.");
        }

        int carriageReturns = head.Count((byte)'\r');
        int lineEnds = 0;
        ReadOnlySpan<byte> statusLine = NextLine(ref head, ref lineEnds);
        var result = new Http1Head
        {
            ContentLength = -1,
            Headers = includeHeaders ? new HeaderDictionary() : null,
        };
        bool http11 = ParseStatusLine(statusLine, ref result);
        bool close = false;
        bool keepAlive = false;
        bool badLength = false;

        while (true)
        {
            ReadOnlySpan<byte> line = NextLine(ref head, ref lineEnds);
            if (line.IsEmpty)
            {
                break;
            }

            // A line that starts with whitespace continues the previous field (obs-fold); right after the
            // status line there is no field to continue, and RFC 9112 2.2 lets a recipient reject that.
            if (line[0] is (byte)' ' or (byte)'\t')
            {
                throw Invalid("The server sent a header line that starts with whitespace after the status line.");
            }

            int colon = line.IndexOf((byte)':');
            if (colon < 0)
            {
                throw Invalid("The server sent a header line without a colon.");
            }

            // Whitespace between the name and the colon (RFC 9112 5.1) or any other non-token byte in the name.
            ReadOnlySpan<byte> name = line[..colon];
            if (name.IsEmpty || name.IndexOfAnyExcept(s_token) >= 0)
            {
                throw Invalid("The server sent an invalid header name.");
            }

            ReadOnlySpan<byte> value = TrimOws(line[(colon + 1)..]);
            if (!head.IsEmpty && head[0] is (byte)' ' or (byte)'\t')
            {
                value = Unfold(value, ref head, ref lineEnds);
            }

            ApplyField(name, value, ref result, ref close, ref keepAlive, ref badLength);
            if (result.Headers is not null)
            {
                string key = Encoding.ASCII.GetString(name);
                string text = Encoding.Latin1.GetString(value);
                ResponseHead.AddHeader(result.Headers, key, text);
            }
        }

        if (lineEnds != carriageReturns)
        {
            throw Invalid("The server sent a bare CR in the response head.");
        }

        // RFC 9112 6.3: Transfer-Encoding overrides Content-Length; without it, a bad length leaves no way to
        // find the body's end.
        if (result.TransferEncoded)
        {
            result.FramingInDoubt = result.ContentLength >= 0 || badLength || !http11;
            result.ContentLength = -1;
        }
        else if (badLength)
        {
            throw Invalid("The server sent an invalid or conflicting Content-Length.");
        }

        result.KeepAlive = !close && (http11 || keepAlive);
        return result;
    }

    /// <summary>The size a chunk-size line gives (RFC 9112 7.1: hex digits, then optional whitespace and extensions); throws <see cref="Invalid"/> on anything else.</summary>
    public static long ParseChunkSize(ReadOnlySpan<byte> line)
    {
        long size = 0;
        int i = 0;
        for (; i < line.Length; i++)
        {
            int digit = HexValue(line[i]);
            if (digit < 0)
            {
                break;
            }

            if (size > (long.MaxValue >> 4))
            {
                throw Invalid("The server sent a chunk size that is too large.");
            }

            size = (size << 4) | (uint)digit;
        }

        if (i == 0)
        {
            throw Invalid("The server sent an invalid chunk size.");
        }

        // Whitespace may precede a chunk extension (BWS); extensions are ignored, but may hold no bare CR or NUL.
        ReadOnlySpan<byte> rest = TrimOws(line[i..]);
        if (!rest.IsEmpty && (rest[0] != (byte)';' || rest.IndexOfAny(s_forbidden) >= 0))
        {
            throw Invalid("The server sent an invalid chunk extension.");
        }

        return size;
    }

    /// <summary>Checks one trailer line after the last chunk: a field line, or the continuation of one.</summary>
    public static void CheckTrailerLine(ReadOnlySpan<byte> line)
    {
        if (line.IndexOfAny(s_forbidden) >= 0)
        {
            throw Invalid("The server sent a trailer with a bare CR or a NUL.");
        }

        if (line[0] is (byte)' ' or (byte)'\t')
        {
            return;
        }

        int colon = line.IndexOf((byte)':');
        if (colon <= 0 || line[..colon].IndexOfAnyExcept(s_token) >= 0)
        {
            throw Invalid("The server sent an invalid trailer line.");
        }
    }

    /// <summary>
    /// The next line of <paramref name="rest"/> without its LF or CR LF; <paramref name="rest"/> moves past it,
    /// and <paramref name="lineEnds"/> counts the CRs that ended lines.
    /// </summary>
    private static ReadOnlySpan<byte> NextLine(ref ReadOnlySpan<byte> rest, ref int lineEnds)
    {
        int lf = rest.IndexOf((byte)'\n');
        ReadOnlySpan<byte> line;
        if (lf < 0)
        {
            line = rest;
            rest = ReadOnlySpan<byte>.Empty;
        }
        else
        {
            line = rest[..lf];
            rest = rest[(lf + 1)..];
        }

        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            lineEnds++;
            return line[..^1];
        }

        return line;
    }

    /// <summary>"HTTP/1.x 200 OK": version 1.x, one SP, exactly three digits, then the end or SP and a reason. Returns whether it is HTTP/1.1 or later.</summary>
    private static bool ParseStatusLine(ReadOnlySpan<byte> line, ref Http1Head result)
    {
        if (line.Length < 12 || !line.StartsWith("HTTP/"u8) || !IsDigit(line[5]) || line[6] != (byte)'.' || !IsDigit(line[7]))
        {
            throw Invalid("The server sent an invalid HTTP status line.");
        }

        if (line[5] != (byte)'1')
        {
            throw Invalid("The server answered with an HTTP version this client does not speak.");
        }

        if (line[8] != (byte)' ' || !IsDigit(line[9]) || !IsDigit(line[10]) || !IsDigit(line[11])
            || (line.Length > 12 && line[12] != (byte)' '))
        {
            throw Invalid("The server sent an invalid HTTP status line.");
        }

        // No class starts with 0 (RFC 9110 15); 600 to 999 are unknown classes, kept as sent.
        int status = ((line[9] - '0') * 100) + ((line[10] - '0') * 10) + (line[11] - '0');
        if (status < 100)
        {
            throw Invalid("The server sent a status code below 100.");
        }

        ReadOnlySpan<byte> reason = line.Length > 13 ? line[13..] : ReadOnlySpan<byte>.Empty;
        result.StatusCode = status;
        result.ReasonPhrase = reason.IsEmpty ? string.Empty : reason.SequenceEqual("OK"u8) ? "OK" : Encoding.Latin1.GetString(reason);
        return line[7] != (byte)'0';
    }

    private static void ApplyField(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, ref Http1Head result, ref bool close, ref bool keepAlive, ref bool badLength)
    {
        // The length picks the one candidate to compare; most fields match none.
        switch (name.Length)
        {
            case 14 when Ascii.EqualsIgnoreCase(name, "Content-Length"u8):
                ParseContentLength(value, ref result.ContentLength, ref badLength);
                break;
            case 17 when Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8):
                result.TransferEncoded = true;
                ParseTransferEncoding(value, ref result.Chunked);
                break;
            case 10 when Ascii.EqualsIgnoreCase(name, "Connection"u8):
                ParseConnection(value, ref close, ref keepAlive);
                break;
            case 12 when Ascii.EqualsIgnoreCase(name, "Content-Type"u8):
                result.ContentType = Encoding.Latin1.GetString(value);
                break;
            case 11 when result.StatusCode >= 300 && Ascii.EqualsIgnoreCase(name, "Retry-After"u8):
                result.RetryAfter = ResponseHead.WaitOf(Encoding.Latin1.GetString(value));

                break;
            case 8 when result.StatusCode is >= 300 and < 400 && Ascii.EqualsIgnoreCase(name, "Location"u8):
                Uri.TryCreate(Encoding.UTF8.GetString(value), UriKind.RelativeOrAbsolute, out Uri? location);
                result.Location = location;
                break;
        }
    }

    /// <summary>
    /// Content-Length = 1*DIGIT; a list ("5, 5") or repeated lines are accepted only when every value is the
    /// same (RFC 9110 8.6). Anything else marks the length bad.
    /// </summary>
    private static void ParseContentLength(ReadOnlySpan<byte> value, ref long length, ref bool bad)
    {
        bool any = false;
        while (true)
        {
            int comma = value.IndexOf((byte)',');
            ReadOnlySpan<byte> item = TrimOws(comma < 0 ? value : value[..comma]);
            if (!TryParseDigits(item, out long parsed) || (length >= 0 && parsed != length))
            {
                bad = true;
                return;
            }

            length = parsed;
            any = true;
            if (comma < 0)
            {
                break;
            }

            value = value[(comma + 1)..];
        }

        bad |= !any;
    }

    /// <summary>Transfer-Encoding is a list of codings (each may carry parameters); what counts is whether the final one is chunked.</summary>
    private static void ParseTransferEncoding(ReadOnlySpan<byte> value, ref bool chunked)
    {
        while (true)
        {
            int comma = value.IndexOf((byte)',');
            ReadOnlySpan<byte> item = comma < 0 ? value : value[..comma];
            int parameters = item.IndexOf((byte)';');
            item = TrimOws(parameters < 0 ? item : item[..parameters]);
            if (!item.IsEmpty)
            {
                // A later field line continues the list, so the last coding seen is the final one.
                chunked = Ascii.EqualsIgnoreCase(item, "chunked"u8);
            }

            if (comma < 0)
            {
                return;
            }

            value = value[(comma + 1)..];
        }
    }

    /// <summary>Connection is a list of options: close anywhere closes; keep-alive keeps an HTTP/1.0 connection.</summary>
    private static void ParseConnection(ReadOnlySpan<byte> value, ref bool close, ref bool keepAlive)
    {
        while (true)
        {
            int comma = value.IndexOf((byte)',');
            ReadOnlySpan<byte> item = TrimOws(comma < 0 ? value : value[..comma]);
            if (Ascii.EqualsIgnoreCase(item, "close"u8))
            {
                close = true;
            }
            else if (Ascii.EqualsIgnoreCase(item, "keep-alive"u8))
            {
                keepAlive = true;
            }

            if (comma < 0)
            {
                return;
            }

            value = value[(comma + 1)..];
        }
    }

    /// <summary>
    /// Joins a folded value (RFC 9112 5.2): each obs-fold becomes one SP. Rare, so it may allocate; the
    /// continuation lines are consumed from <paramref name="rest"/>.
    /// </summary>
    private static ReadOnlySpan<byte> Unfold(scoped ReadOnlySpan<byte> first, ref ReadOnlySpan<byte> rest, ref int lineEnds)
    {
        var joined = new ArrayBufferWriter<byte>(first.Length + 64);
        joined.Write(first);
        while (!rest.IsEmpty && rest[0] is (byte)' ' or (byte)'\t')
        {
            ReadOnlySpan<byte> more = TrimOws(NextLine(ref rest, ref lineEnds));
            if (!more.IsEmpty)
            {
                if (joined.WrittenCount > 0)
                {
                    joined.Write(" "u8);
                }

                joined.Write(more);
            }
        }

        return joined.WrittenSpan;
    }

    private static bool TryParseDigits(ReadOnlySpan<byte> digits, out long value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > 18)
        {
            return false;
        }

        foreach (byte b in digits)
        {
            if (!IsDigit(b))
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return true;
    }

    /// <summary>Without the optional whitespace (SP, HTAB) at either end.</summary>
    private static ReadOnlySpan<byte> TrimOws(ReadOnlySpan<byte> value)
    {
        int start = 0;
        while (start < value.Length && value[start] is (byte)' ' or (byte)'\t')
        {
            start++;
        }

        int end = value.Length;
        while (end > start && value[end - 1] is (byte)' ' or (byte)'\t')
        {
            end--;
        }

        return value[start..end];
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static int HexValue(byte b) =>
        (uint)(b - '0') <= 9 ? b - '0'
        : (uint)((b | 0x20) - 'a') <= 5 ? (b | 0x20) - 'a' + 10
        : -1;
}
