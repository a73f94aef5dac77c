using System;
using System.Net.Http;
using System.Text;
using LoadTest.Wire.Http2;
using Xunit;

namespace LoadTest.UnitTests.Http2;

/// <summary>
/// The Huffman decoder (RFC 7541 5.2, Appendix B): the RFC's coded strings, every symbol round trip through the
/// RFC's own table, and the paddings the RFC calls errors (longer than 7 bits, not the start of EOS, EOS itself).
/// </summary>
public sealed class HPackHuffmanTests
{
    [Theory]
    [InlineData("f1e3 c2e5 f23a 6ba0 ab90 f4ff", "www.example.com")]
    [InlineData("a8eb 1064 9cbf", "no-cache")]
    [InlineData("25a8 49e9 5ba9 7d7f", "custom-key")]
    [InlineData("25a8 49e9 5bb8 e8b4 bf", "custom-value")]
    [InlineData("6402", "302")]
    [InlineData("aec3 771a 4b", "private")]
    [InlineData("d07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff", "Mon, 21 Oct 2013 20:13:21 GMT")]
    [InlineData("9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3", "https://www.example.com")]
    [InlineData("640e ff", "307")]
    [InlineData("d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff", "Mon, 21 Oct 2013 20:13:22 GMT")]
    [InlineData("9bd9 ab", "gzip")]
    [InlineData("94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1")]
    public void TheRfcsCodedStrings_DecodeExactly_AndTheTestTableCodesThemAlike(string coded, string text)
    {
        // Appendix C.4 and C.6: the decoder reads them, and the test's encoder (Appendix B's table) writes the same bytes.
        Assert.Equal(text, Decode(Hex.Bytes(coded)));
        Assert.Equal(Hex.Of(Hex.Bytes(coded)), Hex.Of(RfcHuffman.Encode(Encoding.ASCII.GetBytes(text))));
    }

    [Fact]
    public void EverySymbol_RoundTrips_AloneAndAfterEveryOther()
    {
        for (int symbol = 0; symbol < 256; symbol++)
        {
            byte[] alone = [(byte)symbol];
            Assert.Equal(alone, DecodeBytes(RfcHuffman.Encode(alone)));

            // After a 5-bit code and after a 30-bit one: each code starts at another bit offset.
            byte[] pair = [(byte)'0', (byte)symbol, 10, (byte)symbol];
            Assert.Equal(pair, DecodeBytes(RfcHuffman.Encode(pair)));
        }
    }

    [Fact]
    public void AllBytesInEveryRotation_RoundTrip()
    {
        byte[] all = new byte[256];
        for (int i = 0; i < all.Length; i++)
        {
            all[i] = (byte)i;
        }

        for (int shift = 0; shift < 8; shift++)
        {
            byte[] data = new byte[all.Length + shift];
            "abcdefgh"u8[..shift].CopyTo(data);
            all.CopyTo(data, shift);
            Assert.Equal(data, DecodeBytes(RfcHuffman.Encode(data)));
        }
    }

    [Fact]
    public void TheEmptyString_DecodesToNothing()
    {
        Assert.Empty(DecodeBytes([]));
    }

    [Theory]
    // Eight bits of ones are more than 7 bits of padding (5.2).
    [InlineData("ff", "a byte of padding alone")]
    [InlineData("07ff", "a full byte of padding after a symbol")]
    // Padding that is not the most significant bits of EOS (all ones): '0' is 00000, then 000 or 110.
    [InlineData("00", "zero bits as padding")]
    [InlineData("06", "padding with a zero bit")]
    // EOS (30 ones) in the string.
    [InlineData("ffff fffc", "EOS")]
    [InlineData("07ff ffff fe", "EOS after a symbol")]
    public void InvalidPaddingOrEos_IsACompressionError(string coded, string why)
    {
        HttpProtocolException error = Assert.Throws<HttpProtocolException>(() => Decode(Hex.Bytes(coded)));
        Assert.Equal(Http2Errors.CompressionError, error.ErrorCode);
        Assert.Equal(why == "EOS" || why == "EOS after a symbol" ? "A Huffman-coded string holds EOS. (HttpProtocolError)" : "A Huffman-coded string ends in invalid padding. (HttpProtocolError)", error.Message);
    }

    [Fact]
    public void PaddingOfSevenOnes_IsAccepted_AndEightAreNot()
    {
        // '0' is 00000 (5 bits) and 'a' 00011: "0" takes 3 bits of padding, "a0" 6, "a0a0a" (25 bits) 7; 8 more are too many.
        Assert.Equal("0", Decode(Hex.Bytes("07")));
        Assert.Equal("a0", Decode(Hex.Bytes("183f")));
        Assert.Equal("a0a0a", Decode(Hex.Bytes("1806 01ff")));
        Assert.Throws<HttpProtocolException>(() => Decode(Hex.Bytes("1806 01ff ff")));
    }

    private static string Decode(byte[] coded) => Encoding.ASCII.GetString(DecodeBytes(coded));

    private static byte[] DecodeBytes(byte[] coded)
    {
        byte[] destination = new byte[HPackHuffman.MaxDecodedLength(coded.Length)];
        return destination.AsSpan(0, HPackHuffman.Decode(coded, destination)).ToArray();
    }
}
