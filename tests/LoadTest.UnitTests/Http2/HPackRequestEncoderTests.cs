using System;
using System.Collections.Generic;
using LoadTest.Wire.Http2;
using Xunit;

namespace LoadTest.UnitTests.Http2;

/// <summary>
/// The request encoder: integers as RFC 7541 C.1 writes them, the representations of C.2.2 and C.2.4, whole
/// request blocks byte for byte, and blocks the decoder reads back to the same fields without touching its table.
/// </summary>
public sealed class HPackRequestEncoderTests
{
    [Theory]
    [InlineData(10, 5, "0a")] // C.1.1
    [InlineData(1337, 5, "1f9a0a")] // C.1.2
    [InlineData(42, 8, "2a")] // C.1.3
    [InlineData(30, 5, "1e")]
    [InlineData(31, 5, "1f00")]
    [InlineData(127, 7, "7f00")]
    [InlineData(128, 7, "7f01")]
    [InlineData(16384 + 127, 7, "7f808001")]
    [InlineData(int.MaxValue, 4, "0ff0ffffff07")]
    public void Integers_AreWrittenAsRfc7541Section51Says(int value, int prefixBits, string expected)
    {
        byte[] destination = new byte[8];
        int at = 0;
        HPackRequestEncoder.WriteInteger(destination, ref at, value, prefixBits, 0x00);
        Assert.Equal(expected, Hex.Of(destination.AsSpan(0, at)));
    }

    [Fact]
    public void ThePatternAboveThePrefix_IsKept()
    {
        byte[] destination = new byte[4];
        int at = 0;
        HPackRequestEncoder.WriteInteger(destination, ref at, 1337, 5, 0xe0);
        Assert.Equal("ff9a0a", Hex.Of(destination.AsSpan(0, at)));
    }

    [Fact]
    public void AGetOfTheRoot_IsAllStaticIndexes_ButTheAuthority()
    {
        // :method GET (C.2.4's 82), :scheme http (86), :authority as a literal without indexing, :path / (84).
        Assert.Equal("8286010f" + Hex.Of(Hex.Ascii("www.example.com")) + "84", Write("GET", secure: false, "www.example.com", "/", [], -1, tableSizeZero: false));
    }

    [Fact]
    public void APathOtherThanRoot_IsC22sLiteralWithoutIndexing()
    {
        string block = Write("GET", secure: true, "a", "/sample/path", [], -1, tableSizeZero: false);
        Assert.Equal("8287" + "0101" + "61" + "040c2f73616d706c652f70617468", block);
    }

    [Fact]
    public void APost_WithFieldsAndALength_AndATableSizeUpdateFirst()
    {
        byte[] fields = HPackRequestEncoder.EncodeFields([new("Accept", "*/*"), new("X-Id", "7")], "text/plain")!;

        // accept is static 19 (0f04 as a 4-bit prefix), x-id a new name, content-type static 31, content-length static 28.
        Assert.Equal("0f04" + "03" + Hex.Of(Hex.Ascii("*/*")) + "0004" + Hex.Of(Hex.Ascii("x-id")) + "01" + "37" + "0f10" + "0a" + Hex.Of(Hex.Ascii("text/plain")), Hex.Of(fields));
        string block = Write("POST", secure: false, "h", "/", fields, 12345, tableSizeZero: true);
        Assert.Equal("20" + "83" + "86" + "010168" + "84" + Hex.Of(fields) + "0f0d" + "05" + Hex.Of(Hex.Ascii("12345")), block);
    }

    [Fact]
    public void AnotherMethod_IsALiteralOfTheMethodName()
    {
        Assert.Equal("0206" + Hex.Of(Hex.Ascii("DELETE")) + "86" + "010168" + "84", Write("DELETE", secure: false, "h", "/", [], -1, tableSizeZero: false));
    }

    [Fact]
    public void WhatTheEncoderWrites_TheDecoderReadsBack_AndItsTableStaysEmpty()
    {
        byte[] fields = HPackRequestEncoder.EncodeFields([new("Authorization", "Bearer x"), new("cookie", "a=b"), new("te", "trailers"), new("x-long", new string('v', 300))], null)!;
        byte[] destination = new byte[HPackRequestEncoder.MaxRequestLength("PATCH", "example.com:8443", "/a?b=c", fields.Length)];
        int length = HPackRequestEncoder.WriteRequest(destination, true, "PATCH", true, "example.com:8443", "/a?b=c", fields, 0);
        var decoder = new HPackDecoder();
        var recorder = new FieldRecorder();
        decoder.Decode(destination.AsSpan(0, length), recorder);
        Assert.Equal(
            [":method: PATCH", ":scheme: https", ":authority: example.com:8443", ":path: /a?b=c", "authorization: Bearer x", "cookie: a=b", "te: trailers", "x-long: " + new string('v', 300), "content-length: 0"],
            recorder.Fields);
        Assert.Equal(0, decoder.Table.Count);
        Assert.Equal(0, decoder.Table.MaxSize);
    }

    [Theory]
    [InlineData("Host", "h")]
    [InlineData("Content-Length", "1")]
    [InlineData("Transfer-Encoding", "chunked")]
    [InlineData("Connection", "close")]
    [InlineData("Keep-Alive", "timeout=5")]
    [InlineData("Proxy-Connection", "close")]
    [InlineData("Upgrade", "h2c")]
    [InlineData("Expect", "100-continue")]
    [InlineData("TE", "gzip")]
    [InlineData("X-Name", "caf\u00e9")]
    [InlineData("X-N\u00e4me", "v")]
    public void FieldsThatCannotGoOverHttp2AsTheyAre_GiveNoBlock(string name, string value)
    {
        Assert.Null(HPackRequestEncoder.EncodeFields([new(name, value)], null));
    }

    [Fact]
    public void AContentTypeHeader_IsNotRepeatedByTheBodysContentType()
    {
        byte[] fields = HPackRequestEncoder.EncodeFields([new("Content-Type", "application/json")], "text/plain")!;
        Assert.Equal("0f10" + "10" + Hex.Of(Hex.Ascii("application/json")), Hex.Of(fields));
        Assert.Null(HPackRequestEncoder.EncodeFields([], "text/pl\u00e4in"));
    }

    private static string Write(string method, bool secure, string authority, string path, byte[] fields, long contentLength, bool tableSizeZero)
    {
        byte[] destination = new byte[HPackRequestEncoder.MaxRequestLength(method, authority, path, fields.Length)];
        int length = HPackRequestEncoder.WriteRequest(destination, tableSizeZero, method, secure, authority, path, fields, contentLength);
        return Hex.Of(destination.AsSpan(0, length));
    }
}
