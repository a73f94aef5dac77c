using System;
using System.Text;

namespace LoadTest.Wire.Http2;

/// <summary>
/// Decodes the header blocks of one connection (RFC 7541): indexed fields, literals with and without
/// indexing, Huffman-coded strings and dynamic table size updates. Every block must be decoded, even one
/// for a stream nobody waits for, or the table falls out of step with the server's.
/// </summary>
internal sealed class HPackDecoder
{
    /// <summary>The table size this client announces (SETTINGS_HEADER_TABLE_SIZE, the default).</summary>
    public const int TableSize = 4096;

    // Indexed fields can expand a small block a thousandfold: the decoded list is bounded, as a head is in HTTP/1.1.
    private const int MaxListBytes = 256 * 1024;

    private readonly HPackDynamicTable _table = new(TableSize);
    private byte[] _scratch = new byte[512];

    /// <summary>The dynamic table, for the unit tests that check it against RFC 7541's examples.</summary>
    internal HPackDynamicTable Table => _table;

    /// <summary>Decodes <paramref name="block"/>, handing each field to <paramref name="sink"/>.</summary>
    public void Decode(ReadOnlySpan<byte> block, IHPackSink sink)
    {
        int at = 0;
        int listBytes = 0;
        bool fieldSeen = false;
        while (at < block.Length)
        {
            byte first = block[at];
            string name;
            ReadOnlySpan<byte> value;
            if ((first & 0x80) != 0)
            {
                (name, byte[] stored) = Entry(ReadInteger(block, ref at, 7));
                value = stored;
            }
            else if ((first & 0xe0) == 0x20)
            {
                // A size update may only open a block (RFC 7541 4.2).
                if (fieldSeen)
                {
                    throw Http2Errors.Compression("A dynamic table size update came after a header field.");
                }

                _table.Resize(ReadInteger(block, ref at, 5), TableSize);
                continue;
            }
            else
            {
                bool indexing = (first & 0x40) != 0;
                int nameIndex = ReadInteger(block, ref at, indexing ? 6 : 4);
                name = nameIndex == 0 ? Encoding.Latin1.GetString(ReadString(block, ref at)) : Entry(nameIndex).Name;
                value = ReadString(block, ref at);
                if (indexing)
                {
                    byte[] stored = value.ToArray();
                    _table.Add(name, stored);
                    value = stored;
                }
            }

            fieldSeen = true;
            listBytes += name.Length + value.Length + 32;
            if (listBytes > MaxListBytes)
            {
                throw Http2Errors.Protocol("A header list is larger than 256 KB.");
            }

            sink.OnField(name, value);
        }
    }

    private static int ReadInteger(ReadOnlySpan<byte> block, ref int at, int prefixBits)
    {
        int mask = (1 << prefixBits) - 1;
        int value = block[at++] & mask;
        if (value < mask)
        {
            return value;
        }

        for (int shift = 0; ; shift += 7)
        {
            if (at == block.Length)
            {
                throw Http2Errors.Compression("A header block ends inside an integer.");
            }

            byte next = block[at++];
            long grown = value + ((long)(next & 0x7f) << shift);
            if (shift > 28 || grown > int.MaxValue)
            {
                throw Http2Errors.Compression("An integer in a header block is too large.");
            }

            value = (int)grown;
            if ((next & 0x80) == 0)
            {
                return value;
            }
        }
    }

    private (string Name, byte[] Value) Entry(int index)
    {
        if (index == 0)
        {
            throw Http2Errors.Compression("A header field refers to index 0.");
        }

        return index <= HPackStaticTable.Count ? HPackStaticTable.Get(index) : _table.Get(index - HPackStaticTable.Count - 1);
    }

    /// <summary>A string literal, Huffman-decoded if it is coded; valid until the next call.</summary>
    private ReadOnlySpan<byte> ReadString(ReadOnlySpan<byte> block, scoped ref int at)
    {
        if (at == block.Length)
        {
            throw Http2Errors.Compression("A header block ends before a string.");
        }

        bool huffman = (block[at] & 0x80) != 0;
        int length = ReadInteger(block, ref at, 7);
        if (length > block.Length - at)
        {
            throw Http2Errors.Compression("A string runs past the end of its header block.");
        }

        ReadOnlySpan<byte> raw = block.Slice(at, length);
        at += length;
        if (!huffman)
        {
            return raw;
        }

        int most = HPackHuffman.MaxDecodedLength(length);
        if (_scratch.Length < most)
        {
            _scratch = new byte[Math.Max(most, _scratch.Length * 2)];
        }

        return _scratch.AsSpan(0, HPackHuffman.Decode(raw, _scratch));
    }
}
