using System;

namespace LoadTest.Wire.Http2;

/// <summary>
/// Decodes HPACK's Huffman-coded strings (RFC 7541 5.2, Appendix B). The code is canonical: codes of one
/// length are consecutive and sorted by symbol, so the table is just each symbol's code length.
/// </summary>
internal static class HPackHuffman
{
    private const int MinLength = 5;
    private const int MaxLength = 30;
    private const int EndOfString = 256;

    // RFC 7541 Appendix B: the length of each symbol's code, symbols 0 to 255 and then EOS.
    private static ReadOnlySpan<byte> Lengths => new byte[]
    {
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
        30,
    };

    // Per code length: the first code of that length, how many codes have it, and where its symbols start in s_symbols.
    private static readonly uint[] s_firstCode = new uint[MaxLength + 1];
    private static readonly int[] s_count = new int[MaxLength + 1];
    private static readonly int[] s_firstIndex = new int[MaxLength + 1];
    private static readonly ushort[] s_symbols = new ushort[EndOfString + 1];

    static HPackHuffman()
    {
        ReadOnlySpan<byte> lengths = Lengths;
        for (int symbol = 0; symbol < lengths.Length; symbol++)
        {
            s_count[lengths[symbol]]++;
        }

        uint code = 0;
        int index = 0;
        for (int length = 1; length <= MaxLength; length++)
        {
            code <<= 1;
            s_firstCode[length] = code;
            s_firstIndex[length] = index;
            code += (uint)s_count[length];
            index += s_count[length];
        }

        int[] next = (int[])s_firstIndex.Clone();
        for (int symbol = 0; symbol < lengths.Length; symbol++)
        {
            s_symbols[next[lengths[symbol]]++] = (ushort)symbol;
        }
    }

    /// <summary>The most bytes <paramref name="encodedLength"/> bytes of code can decode to (the shortest code has 5 bits).</summary>
    public static int MaxDecodedLength(int encodedLength) => (encodedLength * 8 / MinLength) + 1;

    /// <summary>
    /// Decodes <paramref name="source"/> into <paramref name="destination"/> (at least
    /// <see cref="MaxDecodedLength"/> bytes) and returns the decoded length. Padding longer than 7 bits, padding
    /// that is not the start of EOS, and EOS itself are errors (RFC 7541 5.2).
    /// </summary>
    public static int Decode(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        ulong bits = 0;
        int count = 0;
        int written = 0;
        foreach (byte next in source)
        {
            bits = (bits << 8) | next;
            count += 8;
            while (count >= MinLength)
            {
                int symbol = -1;
                int length = MinLength;
                for (; length <= count && length <= MaxLength; length++)
                {
                    uint code = (uint)(bits >> (count - length)) & (uint)((1UL << length) - 1);
                    uint rank = code - s_firstCode[length];
                    if (rank < (uint)s_count[length])
                    {
                        symbol = s_symbols[s_firstIndex[length] + (int)rank];
                        break;
                    }
                }

                if (symbol < 0)
                {
                    if (count >= MaxLength)
                    {
                        throw Http2Errors.Compression("A Huffman-coded string holds no valid code.");
                    }

                    break;
                }

                if (symbol == EndOfString)
                {
                    throw Http2Errors.Compression("A Huffman-coded string holds EOS.");
                }

                destination[written++] = (byte)symbol;
                count -= length;
                bits &= (1UL << count) - 1;
            }
        }

        if (count > 7 || bits != (1UL << count) - 1)
        {
            throw Http2Errors.Compression("A Huffman-coded string ends in invalid padding.");
        }

        return written;
    }
}
