using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Threading;
using HdrHistogram;
using HdrHistogram.Encoding;
using HdrHistogram.Utilities;

namespace LoadTest.Engine.Accounting;

/// <summary>
/// The HDR histogram settings every summary shares (microseconds, 1 µs to 1 hour, 3 significant
/// digits), and its string form, so that summaries from other processes can be merged exactly.
/// </summary>
internal static class LatencyHistogram
{
    public const double TicksPerMs = 1000.0;
    public const long Highest = 3_600_000_000;
    public const int SignificantDigits = 3;

    // HdrHistogram's compressed V2 form: this cookie, the length of what follows, then the RFC 1950 header it writes
    // and raw deflate of its whole encoding buffer (the encoding, then zeros up to the buffer's size).
    private const int CompressedCookieV2 = 0x1c849304 | 0x10;
    private static readonly byte[] s_zlibHeader = { 0x58, 0x85 };

    private static Scratch? s_spare;

    public static LongHistogram Create() => new(1, Highest, SignificantDigits);

    public static void Record(HistogramBase histogram, double milliseconds)
    {
        long microseconds = (long)Math.Round(milliseconds * TicksPerMs);
        histogram.RecordValue(Math.Clamp(microseconds, 1, Highest));
    }

    /// <summary>Base64 of the standard compressed HdrHistogram V2 encoding, byte for byte what the library's EncodeIntoCompressedByteBuffer writes.</summary>
    /// <remarks>
    /// The library's own method allocates two ~190 KB arrays (large-object heap) per call, whatever the histogram holds,
    /// and a time series encodes two histograms per row: here the same two arrays serve every call. The deflate input
    /// is what the library gives it, in one write, so the output is the same.
    /// </remarks>
    public static string Encode(HistogramBase histogram)
    {
        int capacity = histogram.GetNeededByteBufferCapacity();
        Scratch scratch = Interlocked.Exchange(ref s_spare, null) is { } spare && spare.Plain.Length == capacity ? spare : new Scratch(capacity);
        scratch.Buffer.Position = 0;
        int length = histogram.Encode(scratch.Buffer, HistogramEncoderV2.Instance);

        // ByteBuffer keeps its own array and does not expose it: read the encoding back out, and clear what is left of a longer one.
        scratch.Buffer.Position = 0;
        for (int i = 0; i < length; i++)
        {
            scratch.Plain[i] = scratch.Buffer.Get();
        }

        if (scratch.Used > length)
        {
            Array.Clear(scratch.Plain, length, scratch.Used - length);
        }

        scratch.Used = length;
        using var output = new MemoryStream();
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, CompressedCookieV2);
        output.Write(head);
        output.Write(s_zlibHeader);
        using (var deflate = new DeflateStream(output, CompressionMode.Compress, leaveOpen: true))
        {
            deflate.Write(scratch.Plain, 0, capacity);
        }

        s_spare = scratch;
        byte[] bytes = output.GetBuffer();
        int total = (int)output.Length;
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), total - head.Length);
        return Convert.ToBase64String(bytes, 0, total);
    }

    public static HistogramBase Decode(string encoded)
    {
        byte[] bytes = Convert.FromBase64String(encoded);
        return HistogramEncoding.DecodeFromCompressedByteBuffer(ByteBuffer.Allocate(bytes), Highest);
    }

    /// <summary>The arrays one encode works in: the library's buffer, and the same bytes as a plain array (zeros after <see cref="Used"/>).</summary>
    private sealed class Scratch
    {
        public Scratch(int capacity)
        {
            Buffer = ByteBuffer.Allocate(capacity);
            Plain = new byte[capacity];
        }

        public ByteBuffer Buffer { get; }

        public byte[] Plain { get; }

        public int Used { get; set; }
    }
}
