using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using LoadTest.Wire.Http2;
using Xunit;

namespace LoadTest.UnitTests.Http2;

/// <summary>
/// The HPACK decoder against RFC 7541 Appendix C: each example's header list, and its dynamic table (entries
/// newest first, with their sizes, and the table's size) after each block, exactly as the RFC lists them.
/// </summary>
public sealed class HPackDecoderTests
{
    // C.5 and C.6 assume SETTINGS_HEADER_TABLE_SIZE 256; this decoder announces 4096, so the encoder first says 256
    // (a dynamic table size update, RFC 7541 6.3), which brings the RFC's evictions.
    private const string TableSize256 = "3fe101";

    private static readonly string[] s_c3Request1 = [":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com"];
    private static readonly string[] s_c3Request2 = [":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com", "cache-control: no-cache"];
    private static readonly string[] s_c3Request3 = [":method: GET", ":scheme: https", ":path: /index.html", ":authority: www.example.com", "custom-key: custom-value"];
    private static readonly string[] s_c5Response1 = [":status: 302", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:21 GMT", "location: https://www.example.com"];
    private static readonly string[] s_c5Response2 = [":status: 307", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:21 GMT", "location: https://www.example.com"];

    private static readonly string[] s_c5Response3 =
    [
        ":status: 200", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:22 GMT", "location: https://www.example.com",
        "content-encoding: gzip", "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
    ];

    [Fact]
    public void C21_LiteralWithIndexing_AddsTheFieldToTheTable()
    {
        var decoder = new HPackDecoder();
        AssertBlock(decoder, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572", ["custom-key: custom-header"], [(55, "custom-key: custom-header")], 55);
    }

    [Fact]
    public void C22_LiteralWithoutIndexing_LeavesTheTableEmpty()
    {
        var decoder = new HPackDecoder();
        AssertBlock(decoder, "040c 2f73 616d 706c 652f 7061 7468", [":path: /sample/path"], [], 0);
    }

    [Fact]
    public void C23_LiteralNeverIndexed_LeavesTheTableEmpty()
    {
        var decoder = new HPackDecoder();
        AssertBlock(decoder, "1008 7061 7373 776f 7264 0673 6563 7265 74", ["password: secret"], [], 0);
    }

    [Fact]
    public void C24_IndexedField_ComesFromTheStaticTable()
    {
        var decoder = new HPackDecoder();
        AssertBlock(decoder, "82", [":method: GET"], [], 0);
    }

    [Fact]
    public void C3_RequestsWithoutHuffman_ShareOneTable()
    {
        var decoder = new HPackDecoder();
        AssertBlock(decoder, "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d", s_c3Request1, [(57, ":authority: www.example.com")], 57);
        AssertBlock(decoder, "8286 84be 5808 6e6f 2d63 6163 6865", s_c3Request2, [(53, "cache-control: no-cache"), (57, ":authority: www.example.com")], 110);
        AssertBlock(
            decoder,
            "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65",
            s_c3Request3,
            [(54, "custom-key: custom-value"), (53, "cache-control: no-cache"), (57, ":authority: www.example.com")],
            164);
    }

    [Fact]
    public void C4_RequestsWithHuffman_ShareOneTable()
    {
        var decoder = new HPackDecoder();
        AssertBlock(decoder, "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff", s_c3Request1, [(57, ":authority: www.example.com")], 57);
        AssertBlock(decoder, "8286 84be 5886 a8eb 1064 9cbf", s_c3Request2, [(53, "cache-control: no-cache"), (57, ":authority: www.example.com")], 110);
        AssertBlock(
            decoder,
            "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf",
            s_c3Request3,
            [(54, "custom-key: custom-value"), (53, "cache-control: no-cache"), (57, ":authority: www.example.com")],
            164);
    }

    [Fact]
    public void C5_ResponsesWithoutHuffman_EvictTheOldestEntries()
    {
        var decoder = new HPackDecoder();
        AssertBlock(
            decoder,
            TableSize256 + "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
            s_c5Response1,
            [(63, "location: https://www.example.com"), (65, "date: Mon, 21 Oct 2013 20:13:21 GMT"), (52, "cache-control: private"), (42, ":status: 302")],
            222);
        Assert.Equal(256, decoder.Table.MaxSize);

        // ":status: 307" needs 42 bytes: ":status: 302" is evicted.
        AssertBlock(
            decoder,
            "4803 3330 37c1 c0bf",
            s_c5Response2,
            [(42, ":status: 307"), (63, "location: https://www.example.com"), (65, "date: Mon, 21 Oct 2013 20:13:21 GMT"), (52, "cache-control: private")],
            222);

        // Three entries added, four evicted on the way.
        AssertBlock(
            decoder,
            "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31",
            s_c5Response3,
            [(98, "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"), (52, "content-encoding: gzip"), (65, "date: Mon, 21 Oct 2013 20:13:22 GMT")],
            215);
    }

    [Fact]
    public void C6_ResponsesWithHuffman_EvictTheOldestEntries()
    {
        var decoder = new HPackDecoder();
        AssertBlock(
            decoder,
            TableSize256 + "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
            s_c5Response1,
            [(63, "location: https://www.example.com"), (65, "date: Mon, 21 Oct 2013 20:13:21 GMT"), (52, "cache-control: private"), (42, ":status: 302")],
            222);
        AssertBlock(
            decoder,
            "4883 640e ffc1 c0bf",
            s_c5Response2,
            [(42, ":status: 307"), (63, "location: https://www.example.com"), (65, "date: Mon, 21 Oct 2013 20:13:21 GMT"), (52, "cache-control: private")],
            222);
        AssertBlock(
            decoder,
            "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07",
            s_c5Response3,
            [(98, "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"), (52, "content-encoding: gzip"), (65, "date: Mon, 21 Oct 2013 20:13:22 GMT")],
            215);
    }

    [Fact]
    public void SizeUpdateToZero_EmptiesTheTable_AndLaterEntriesFitTheNewSize()
    {
        var decoder = new HPackDecoder();
        AssertBlock(decoder, "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d", s_c3Request1, [(57, ":authority: www.example.com")], 57);

        // 0, then 100: the first evicts everything; "a: b" (34) fits, then "cc: dd..." (32 + 2 + 66 = 100) fills the table alone.
        AssertBlock(decoder, "20 3f45 4001 6101 62", ["a: b"], [(34, "a: b")], 34);
        Assert.Equal(100, decoder.Table.MaxSize);
        AssertBlock(decoder, "4002 6363 42" + Hex.Of(Encoding.ASCII.GetBytes(new string('d', 66))), ["cc: " + new string('d', 66)], [(100, "cc: " + new string('d', 66))], 100);
    }

    [Fact]
    public void AnEntryLargerThanTheTable_EmptiesItAndIsNotAdded()
    {
        // RFC 7541 4.4: not an error; the table is left empty.
        var decoder = new HPackDecoder();
        AssertBlock(decoder, "20 3f11 4001 6101 62", ["a: b"], [(34, "a: b")], 34);
        AssertBlock(decoder, "4001 6301 64 4002 6565 14" + Hex.Of(Encoding.ASCII.GetBytes("01234567890123456789")), ["c: d", "ee: 01234567890123456789"], [], 0);
        Assert.Equal(48, decoder.Table.MaxSize);
    }

    [Fact]
    public void ManyEntries_WrapTheTablesRing_AndKeepTheirOrder()
    {
        // 200 entries of 34 bytes (a two-letter name, an empty value) into 4,096 bytes: the oldest 80 are evicted on the
        // way, and the ring the table keeps them in grows and wraps. The newest is index 62, the oldest left 62 + 119.
        var decoder = new HPackDecoder();
        var block = new StringBuilder();
        for (int i = 0; i < 200; i++)
        {
            block.Append("4002").Append(Hex.Of(Encoding.ASCII.GetBytes(i.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)))).Append("00");
        }

        var recorder = new FieldRecorder();
        decoder.Decode(Hex.Bytes(block.ToString()), recorder);
        Assert.Equal(120, decoder.Table.Count);
        Assert.Equal(4080, decoder.Table.Size);
        recorder.Fields.Clear();

        // 62 (c7, the 200th), 65 (c4), and 181 (50, the 81st) as 7-bit integers: 181 = 127 + 54.
        decoder.Decode(Hex.Bytes("be c1 ff36"), recorder);
        Assert.Equal(["c7: ", "c4: ", "50: "], recorder.Fields);
        Assert.Throws<HttpProtocolException>(() => decoder.Decode(Hex.Bytes("ff37"), recorder));
    }

    [Theory]
    [InlineData("80", "A header field refers to index 0.")]
    [InlineData("be", "A header field refers to an index past the end of the table.")]
    [InlineData("ff80808080808080", "An integer in a header block is too large.")]
    [InlineData("ff", "A header block ends inside an integer.")]
    [InlineData("40", "A header block ends before a string.")]
    [InlineData("4005 6162", "A string runs past the end of its header block.")]
    [InlineData("3fe21f", "A table size update exceeds the announced maximum.")]
    [InlineData("82 20", "A dynamic table size update came after a header field.")]
    public void MalformedBlocks_AreCompressionErrors(string block, string message)
    {
        HttpProtocolException error = Assert.Throws<HttpProtocolException>(() => new HPackDecoder().Decode(Hex.Bytes(block), new FieldRecorder()));
        Assert.Equal(Http2Errors.CompressionError, error.ErrorCode);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AHeaderListOver256KB_IsAProtocolError()
    {
        // ":method: GET" counts 7 + 3 + 32 = 42 bytes: 6,300 of them are 264,600 bytes of list from 6,300 bytes of block.
        byte[] block = Enumerable.Repeat((byte)0x82, 6300).ToArray();
        HttpProtocolException error = Assert.Throws<HttpProtocolException>(() => new HPackDecoder().Decode(block, new FieldRecorder()));
        Assert.Equal(Http2Errors.ProtocolError, error.ErrorCode);
    }

    private static void AssertBlock(HPackDecoder decoder, string block, string[] fields, (int Size, string Field)[] table, int tableSize)
    {
        var recorder = new FieldRecorder();
        decoder.Decode(Hex.Bytes(block), recorder);
        Assert.Equal(fields, recorder.Fields);
        var entries = new List<(int, string)>();
        for (int i = 0; i < decoder.Table.Count; i++)
        {
            (string name, byte[] value) = decoder.Table.Get(i);
            entries.Add((name.Length + value.Length + 32, name + ": " + Encoding.Latin1.GetString(value)));
        }

        Assert.Equal(table, entries);
        Assert.Equal(tableSize, decoder.Table.Size);
    }
}
