using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using LoadTest.Wire;
using LoadTest.Wire.Http1;
using Xunit;

namespace LoadTest.UnitTests.Http1;

/// <summary>
/// The rows of tests/Http1.Conformance.Tests.ps1 (RFC 9112 response parsing), the lean client's expectations, read by
/// an <see cref="Http1Connection"/> from a stream without a socket: as the row's pieces arrive, all at once, and a byte
/// at a time, which must all agree. The Pester file checks the same rows through real sockets and both transports.
/// </summary>
public sealed class Http1ConformanceTests
{
    public static TheoryData<string, string[], string, int, long, string?, bool?, bool> Rows { get; } = new()
    {
        { "a status line with a reason phrase", ["HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"], "None", 200, 2, "ok", true, false },
        { "a four-digit status code", ["HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\nok"], "Protocol", 0, 0, null, null, false },
        { "a two-digit status code", ["HTTP/1.1 20 OK\r\nContent-Length: 2\r\n\r\nok"], "Protocol", 0, 0, null, null, false },
        { "no reason phrase and no SP after the code", ["HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok"], "None", 200, 2, "ok", true, false },
        { "an empty reason phrase after SP", ["HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nok"], "None", 200, 2, "ok", true, false },
        { "an HTAB instead of SP after the code", ["HTTP/1.1 200\tOK\r\nContent-Length: 2\r\n\r\nok"], "Protocol", 0, 0, null, null, false },
        { "two SP before the code", ["HTTP/1.1  200 OK\r\nContent-Length: 2\r\n\r\nok"], "Protocol", 0, 0, null, null, false },
        { "a status code below 100", ["HTTP/1.1 099 Odd\r\nContent-Length: 2\r\n\r\nok"], "Protocol", 0, 0, null, null, false },
        { "a status code of an unknown class (999), kept as sent", ["HTTP/1.1 999 Odd\r\nContent-Length: 2\r\n\r\nok"], "HttpError", 999, 2, "ok", true, false },
        { "no status line at all (HTTP/0.9 style)", ["Hello"], "Protocol", 0, 0, null, null, false },
        { "a lower-case protocol name", ["http/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"], "Protocol", 0, 0, null, null, false },
        { "an unknown major version (HTTP/2.0)", ["HTTP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nok"], "Protocol", 0, 0, null, null, false },
        { "an unknown major version (HTTP/0.9)", ["HTTP/0.9 200 OK\r\nContent-Length: 2\r\n\r\nok"], "Protocol", 0, 0, null, null, false },
        { "a later minor version (HTTP/1.2), read as HTTP/1.1 and kept alive", ["HTTP/1.2 200 OK\r\nContent-Length: 2\r\n\r\nok"], "None", 200, 2, "ok", true, false },
        { "an empty line before the status line", ["\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"], "Protocol", 0, 0, null, null, false },
        { "a head cut short by the close", ["HTTP/1.1 200 OK\r\nContent-Le"], "ConnectionClosed", 0, 0, null, null, false },
        { "whitespace between a field name and the colon", ["HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello"], "Protocol", 0, 0, null, null, false },
        { "a space inside a field name", ["HTTP/1.1 200 OK\r\nX A: b\r\nContent-Length: 2\r\n\r\nok"], "Protocol", 0, 0, null, null, false },
        { "a field line without a colon", ["HTTP/1.1 200 OK\r\nX-A\r\nContent-Length: 2\r\n\r\nok"], "Protocol", 0, 0, null, null, false },
        { "a bare CR inside a field value", ["HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 2\r\n\r\nok"], "Protocol", 0, 0, null, null, false },
        { "a NUL inside a field value", ["HTTP/1.1 200 OK\r\nX-A: a\0b\r\nContent-Length: 2\r\n\r\nok"], "Protocol", 0, 0, null, null, false },
        { "bare LF line endings in the head", ["HTTP/1.1 200 OK\nContent-Length: 5\n\nhello"], "None", 200, 5, "hello", true, false },
        { "CRLF and bare LF mixed in the head", ["HTTP/1.1 200 OK\r\nX-A: 1\nContent-Length: 5\n\r\nhello"], "None", 200, 5, "hello", true, false },
        { "obs-fold lines continuing a value", ["HTTP/1.1 200 OK\r\nX-Folded: a\r\n  b\r\n\tc\r\nContent-Length: 5\r\n\r\nhello"], "None", 200, 5, "hello", true, false },
        { "an obs-fold inside Content-Length", ["HTTP/1.1 200 OK\r\nContent-Length:\r\n 5\r\n\r\nhello"], "None", 200, 5, "hello", true, false },
        { "a whitespace-led line right after the status line", ["HTTP/1.1 200 OK\r\n X-A: a\r\nContent-Length: 2\r\n\r\nok"], "Protocol", 0, 0, null, null, false },
        { "the same Content-Length on two lines", ["HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello"], "None", 200, 5, "hello", true, false },
        { "an identical Content-Length list (5, 5)", ["HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello"], "None", 200, 5, "hello", true, false },
        { "two Content-Length lines that differ", ["HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"], "Protocol", 0, 0, null, null, false },
        { "a Content-Length list that differs (5, 6)", ["HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello!"], "Protocol", 0, 0, null, null, false },
        { "a negative Content-Length", ["HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\nhello"], "Protocol", 0, 0, null, null, false },
        { "a Content-Length with a plus sign", ["HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello"], "Protocol", 0, 0, null, null, false },
        { "a non-numeric Content-Length", ["HTTP/1.1 200 OK\r\nContent-Length: lots\r\n\r\nhello"], "Protocol", 0, 0, null, null, false },
        { "an empty Content-Length", ["HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\nhello"], "Protocol", 0, 0, null, null, false },
        { "two numbers in one Content-Length (5 5)", ["HTTP/1.1 200 OK\r\nContent-Length: 5 5\r\n\r\nhello"], "Protocol", 0, 0, null, null, false },
        { "a Content-Length too large for 64 bits", ["HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\nhello"], "Protocol", 0, 0, null, null, false },
        { "Transfer-Encoding: chunked", ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"], "None", 200, 2, "ok", true, false },
        { "chunked in capitals", ["HTTP/1.1 200 OK\r\nTransfer-Encoding: CHUNKED\r\n\r\n2\r\nok\r\n0\r\n\r\n"], "None", 200, 2, "ok", true, false },
        { "xchunked, which is not chunked: read to the close", ["HTTP/1.1 200 OK\r\nTransfer-Encoding: xchunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"], "None", 200, 12, "2\r\nok\r\n0\r\n\r\n", false, false },
        { "gzip, chunked: chunked is the final coding", ["HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"], "None", 200, 2, "ok", true, false },
        { "gzip and chunked on two lines: chunked is the final coding", ["HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"], "None", 200, 2, "ok", true, false },
        { "chunked, gzip: chunked is not final, read to the close", ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n2\r\nok\r\n0\r\n\r\n"], "None", 200, 12, "2\r\nok\r\n0\r\n\r\n", false, false },
        { "a coding other than chunked (identity): read to the close", ["HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\nok"], "None", 200, 2, "ok", false, false },
        { "Transfer-Encoding with Content-Length: chunked wins, not reused", ["HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"], "None", 200, 2, "ok", false, false },
        { "Transfer-Encoding with an invalid Content-Length: chunked wins, not reused", ["HTTP/1.1 200 OK\r\nContent-Length: lots\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"], "None", 200, 2, "ok", false, false },
        { "Transfer-Encoding in an HTTP/1.0 keep-alive response: not reused", ["HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"], "None", 200, 2, "ok", false, false },
        { "bare LF after chunk sizes and chunk data", ["HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n5\nhello\n0\n\n"], "None", 200, 5, "hello", true, false },
        { "SP before a chunk extension", ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 ;ext=1\r\nhello\r\n0\r\n\r\n"], "None", 200, 5, "hello", true, false },
        { "HTAB before a chunk extension", ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\t;ext=1\r\nhello\r\n0\r\n\r\n"], "None", 200, 5, "hello", true, false },
        { "chunk extensions with quoted strings", ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=\"a;b \\\" c\"\r\nhello\r\n0;last=\"yes\"\r\n\r\n"], "None", 200, 5, "hello", true, false },
        { "trailers after the last chunk", ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Checksum: 1\r\nX-Other: 2\r\n\r\n"], "None", 200, 5, "hello", true, false },
        { "whitespace before a chunk size", ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n 5\r\nhello\r\n0\r\n\r\n"], "Protocol", 200, 0, null, null, false },
        { "a chunk size with a 0x prefix", ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n"], "Protocol", 200, 0, null, null, false },
        { "chunk data longer than its size", ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX\r\n0\r\n\r\n"], "Protocol", 200, 5, null, null, false },
        { "a chunked body cut short by the close", ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel"], "ConnectionClosed", 200, 3, null, null, false },
        { "Connection: close", ["HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"], "None", 200, 2, "ok", false, false },
        { "Connection: x-trace, close", ["HTTP/1.1 200 OK\r\nConnection: x-trace, close\r\nContent-Length: 2\r\n\r\nok"], "None", 200, 2, "ok", false, false },
        { "Connection: x-trace, keep-alive on HTTP/1.1", ["HTTP/1.1 200 OK\r\nConnection: x-trace, keep-alive\r\nContent-Length: 2\r\n\r\nok"], "None", 200, 2, "ok", true, false },
        { "HTTP/1.0 with keep-alive", ["HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok"], "None", 200, 2, "ok", true, false },
        { "HTTP/1.0 with Keep-Alive in a list", ["HTTP/1.0 200 OK\r\nConnection: x-trace, Keep-Alive\r\nContent-Length: 2\r\n\r\nok"], "None", 200, 2, "ok", true, false },
        { "HTTP/1.0 without keep-alive", ["HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"], "None", 200, 2, "ok", false, false },
        { "100 Continue before the final response", ["HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"], "None", 200, 2, "ok", true, false },
        { "103 Early Hints with fields before the final response", ["HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"], "None", 200, 2, "ok", true, false },
        { "two interim responses in a row", ["HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"], "None", 200, 2, "ok", true, false },
        { "a 101 nobody asked for", ["HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"], "Protocol", 0, 0, null, null, false },
        { "a body longer than announced", ["HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA"], "None", 200, 2, "ok", false, false },
        { "an extra response after the answer, in the same write", ["HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nSTRAY"], "None", 200, 2, "ok", false, false },
        { "a late extra response while the connection is idle", ["HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"], "None", 200, 2, "ok", true, false },
        { "garbage while the connection is idle", ["HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"], "None", 200, 2, "ok", true, false },
        { "a status line split inside HTTP/", ["HTT", "P/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"], "None", 200, 2, "ok", true, false },
        { "no status line, its first bytes alone", ["He", "llo"], "Protocol", 0, 0, null, null, false },
        { "a head whose last LF comes alone", ["HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r", "\nok"], "None", 200, 2, "ok", true, false },
        { "a head whose empty line comes alone", ["HTTP/1.1 200 OK\r\nContent-Length: 2\r\n", "\r\nok"], "None", 200, 2, "ok", true, false },
        { "a bare LF head split between its two LFs", ["HTTP/1.1 200 OK\nContent-Length: 2\n", "\nok"], "None", 200, 2, "ok", true, false },
        { "a chunk-size line split between CR and LF", ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r", "\nhello\r", "\n0\r\n\r", "\n"], "None", 200, 5, "hello", true, false },
        { "a close while the connection is idle", ["HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"], "None", 200, 2, "ok", true, false },
        { "a 204 followed by a body it may not have", ["HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello"], "None", 204, 0, "", false, false },
        { "a HEAD response with a Content-Length and no body", ["HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"], "None", 200, 0, "", true, true },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task EachRow_GivesTheLeanClientsResult_HoweverTheBytesArrive(string name, string[] pieces, string kind, int status, long bytes, string? content, bool? reusable, bool head)
    {
        Assert.False(string.IsNullOrEmpty(name));
        byte[][] chunks = pieces.Select(Encoding.Latin1.GetBytes).ToArray();
        byte[] whole = chunks.SelectMany(c => c).ToArray();
        Outcome asSent = await ReadAsync(new PiecesStream(chunks), head);
        Outcome atOnce = await ReadAsync(new PiecesStream([whole]), head);
        Outcome byteByByte = await ReadAsync(new PiecesStream(whole.Select(b => new[] { b }).ToArray()), head);

        Assert.Equal((kind, status, bytes), (asSent.Kind, asSent.Status, asSent.Bytes));
        if (kind is "None" or "HttpError")
        {
            Assert.Equal(content, asSent.Content);
            Assert.Equal(reusable, asSent.Reusable);
        }

        Assert.Equal(asSent with { Reusable = null }, atOnce with { Reusable = null });
        Assert.Equal(asSent with { Reusable = null }, byteByByte with { Reusable = null });
    }

    private static async Task<Outcome> ReadAsync(Stream stream, bool head)
    {
        using var connection = new Http1Connection(stream);
        var progress = new AttemptProgress(true, 1024);
        try
        {
            (ResponseHead response, bool reusable) = await connection.ReceiveAsync(head, includeHeaders: false, progress, CancellationToken.None);
            return new Outcome(response.StatusCode >= 400 ? "HttpError" : "None", response.StatusCode, progress.Bytes, response.Content, reusable);
        }
        catch (HttpIOException ex) when (ex.HttpRequestError is HttpRequestError.InvalidResponse or HttpRequestError.ResponseEnded)
        {
            return new Outcome(ex.HttpRequestError == HttpRequestError.InvalidResponse ? "Protocol" : "ConnectionClosed", progress.StatusCode, progress.Bytes, null, null);
        }
    }

    private sealed record Outcome(string Kind, int Status, long Bytes, string? Content, bool? Reusable);
}
