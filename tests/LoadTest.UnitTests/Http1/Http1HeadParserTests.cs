using System;
using System.Net.Http;
using System.Text;
using LoadTest.Wire.Http1;
using Xunit;

namespace LoadTest.UnitTests.Http1;

/// <summary>The HTTP/1.1 head parser's pieces (RFC 9112): finding a head's end, reading its fields, chunk-size lines and trailers.</summary>
public sealed class Http1HeadParserTests
{
    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\n\r\nbody", 19)]
    [InlineData("HTTP/1.1 200 OK\n\nbody", 17)]
    [InlineData("HTTP/1.1 200 OK\r\nA: b\n\r\nbody", 24)]
    [InlineData("HTTP/1.1 200 OK\nA: b\r\n\nbody", 23)]
    [InlineData("\r\nHTTP/1.1 200 OK\r\n\r\n", 2)]
    [InlineData("\nHTTP/1.1 200 OK\r\n\r\n", 1)]
    public void TheFirstEmptyLine_EndsTheHead(string data, int length)
    {
        int scanned = 0;
        Assert.True(Http1HeadParser.TryFindEnd(Encoding.ASCII.GetBytes(data), ref scanned, out int found));
        Assert.Equal(length, found);
    }

    [Fact]
    public void AnEndThatStraddlesTwoReads_IsFound_AndTheScanResumesTwoBytesBack()
    {
        byte[] data = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        int scanned = 0;
        Assert.False(Http1HeadParser.TryFindEnd(data.AsSpan(0, 37), ref scanned, out _));
        Assert.Equal(35, scanned);
        Assert.True(Http1HeadParser.TryFindEnd(data, ref scanned, out int length));
        Assert.Equal(38, length);
    }

    [Fact]
    public void AHead_GivesItsStatusReasonFramingAndFields()
    {
        Http1Head head = Parse("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 12\r\nX-A: 1\r\nx-a:  2 \r\n\r\n");
        Assert.Equal((404, "Not Found", 12L, false, false, true, false), (head.StatusCode, head.ReasonPhrase, head.ContentLength, head.TransferEncoded, head.Chunked, head.KeepAlive, head.FramingInDoubt));
        Assert.Equal("text/plain; charset=utf-8", head.ContentType);
        Assert.Equal("12", head.Headers!["Content-Length"]);
        Assert.Equal(3, head.Headers.Count);
    }

    [Fact]
    public void ObsFold_BecomesOneSpace_AndTheFoldedValueCounts()
    {
        Http1Head head = Parse("HTTP/1.1 200 OK\r\nX-Folded: a\r\n  b \r\n\t c\r\nContent-Length:\r\n 5\r\n\r\n");
        Assert.Equal("a b c", head.Headers!["X-Folded"]);
        Assert.Equal(5, head.ContentLength);
    }

    [Theory]
    [InlineData("HTTP/1.1 301 Moved\r\nLocation: /there?x=1\r\nRetry-After: 7\r\n\r\n", "/there?x=1", 7)]
    [InlineData("HTTP/1.1 503 Busy\r\nLocation: /ignored\r\nRetry-After: 120\r\n\r\n", null, 120)]
    [InlineData("HTTP/1.1 200 OK\r\nLocation: /ignored\r\nRetry-After: 5\r\n\r\n", null, null)]
    public void LocationAndRetryAfter_AreReadWhereTheStatusUsesThem(string text, string? location, int? retrySeconds)
    {
        Http1Head head = Parse(text);
        Assert.Equal(location, head.Location?.OriginalString);
        Assert.Equal(retrySeconds is { } s ? TimeSpan.FromSeconds(s) : null, head.RetryAfter);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\n\r\n", true)]
    [InlineData("HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\n\r\n", false)]
    [InlineData("HTTP/1.0 200 OK\r\n\r\n", false)]
    [InlineData("HTTP/1.0 200 OK\r\nConnection: KEEP-ALIVE\r\n\r\n", true)]
    [InlineData("HTTP/1.1 200 OK\r\nConnection: Close\r\n\r\n", false)]
    public void KeepAlive_FollowsTheVersionAndTheConnectionOptions(string text, bool keepAlive)
    {
        Assert.Equal(keepAlive, Parse(text).KeepAlive);
    }

    [Theory]
    [InlineData("Transfer-Encoding: chunked", true, false)]
    [InlineData("Transfer-Encoding: gzip;q=1 , Chunked", true, false)]
    [InlineData("Transfer-Encoding: chunked, gzip", false, false)]
    [InlineData("Transfer-Encoding: chunked\r\nContent-Length: 3", true, true)]
    [InlineData("Content-Length: x\r\nTransfer-Encoding: chunked", true, true)]
    public void TransferEncoding_IsAList_WhoseFinalCodingDecides(string fields, bool chunked, bool inDoubt)
    {
        Http1Head head = Parse($"HTTP/1.1 200 OK\r\n{fields}\r\n\r\n");
        Assert.Equal((true, chunked, inDoubt, -1L), (head.TransferEncoded, head.Chunked, head.FramingInDoubt, head.ContentLength));
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n", "The server sent a bare CR in the response head.")]
    [InlineData("HTTP/1.1 200 OK\r\nA: \0\r\n\r\n", "The server sent a NUL in the response head.")]
    [InlineData("HTTP/1.1 200 OK\r\nA : b\r\n\r\n", "The server sent an invalid header name.")]
    [InlineData("HTTP/1.1 200 OK\r\n: b\r\n\r\n", "The server sent an invalid header name.")]
    [InlineData("HTTP/1.1 200 OK\r\nAb\r\n\r\n", "The server sent a header line without a colon.")]
    [InlineData("HTTP/1.1 200 OK\r\n\tA: b\r\n\r\n", "The server sent a header line that starts with whitespace after the status line.")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "The server sent an invalid or conflicting Content-Length.")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 1234567890123456789\r\n\r\n", "The server sent an invalid or conflicting Content-Length.")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 1,\r\n\r\n", "The server sent an invalid or conflicting Content-Length.")]
    [InlineData("HTTP/1.1 099 OK\r\n\r\n", "The server sent a status code below 100.")]
    [InlineData("HTTP/3.0 200 OK\r\n\r\n", "The server answered with an HTTP version this client does not speak.")]
    [InlineData("HTTP/1.1 200OK\r\n\r\n", "The server sent an invalid HTTP status line.")]
    [InlineData("HTTP/1.1 20a OK\r\n\r\n", "The server sent an invalid HTTP status line.")]
    [InlineData("HTTP/1.1 20", "The server sent an invalid HTTP status line.")]
    [InlineData("", "The server sent an invalid HTTP status line.")]
    public void WhatRfc9112CallsInvalid_IsAnInvalidResponse(string text, string message)
    {
        HttpIOException error = Assert.Throws<HttpIOException>(() => Parse(text));
        Assert.Equal(HttpRequestError.InvalidResponse, error.HttpRequestError);
        Assert.Equal(message + " (InvalidResponse)", error.Message);
    }

    [Fact]
    public void The18DigitContentLength_IsTheLongestAccepted()
    {
        Assert.Equal(999_999_999_999_999_999L, Parse("HTTP/1.1 200 OK\r\nContent-Length: 999999999999999999\r\n\r\n").ContentLength);
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1a", 26L)]
    [InlineData("FF", 255L)]
    [InlineData("00000000000000000010", 16L)]
    [InlineData("7fffffffffffffff", long.MaxValue)]
    [InlineData("5 ;ext=1", 5L)]
    [InlineData("5\t;a=\"b;c\"", 5L)]
    [InlineData("5;", 5L)]
    [InlineData("5  ", 5L)]
    public void AChunkSizeLine_GivesItsSize(string line, long size)
    {
        Assert.Equal(size, Http1HeadParser.ParseChunkSize(Encoding.Latin1.GetBytes(line)));
    }

    [Theory]
    [InlineData("", "The server sent an invalid chunk size.")]
    [InlineData(" 5", "The server sent an invalid chunk size.")]
    [InlineData("x5", "The server sent an invalid chunk size.")]
    [InlineData("0x5", "The server sent an invalid chunk extension.")]
    [InlineData("5 5", "The server sent an invalid chunk extension.")]
    [InlineData("5;a\rb", "The server sent an invalid chunk extension.")]
    [InlineData("5;a\0", "The server sent an invalid chunk extension.")]
    [InlineData("10000000000000000", "The server sent a chunk size that is too large.")]
    public void AnInvalidChunkSizeLine_IsAnInvalidResponse(string line, string message)
    {
        HttpIOException error = Assert.Throws<HttpIOException>(() => Http1HeadParser.ParseChunkSize(Encoding.Latin1.GetBytes(line)));
        Assert.Equal(message + " (InvalidResponse)", error.Message);
    }

    [Theory]
    [InlineData("X-Checksum: 1", null)]
    [InlineData(" continued", null)]
    [InlineData("X Y: 1", "The server sent an invalid trailer line.")]
    [InlineData(": 1", "The server sent an invalid trailer line.")]
    [InlineData("no colon", "The server sent an invalid trailer line.")]
    [InlineData("X: a\rb", "The server sent a trailer with a bare CR or a NUL.")]
    public void TrailerLines_AreFieldLines(string line, string? message)
    {
        Exception? error = Record.Exception(() => Http1HeadParser.CheckTrailerLine(Encoding.Latin1.GetBytes(line)));
        Assert.Equal(message is null ? null : message + " (InvalidResponse)", error?.Message);
    }

    private static Http1Head Parse(string text) => Http1HeadParser.Parse(Encoding.Latin1.GetBytes(text), includeHeaders: true);
}
