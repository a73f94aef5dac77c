using System;
using HdrHistogram;
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

    public static LongHistogram Create() => new(1, Highest, SignificantDigits);

    public static void Record(HistogramBase histogram, double milliseconds)
    {
        long microseconds = (long)Math.Round(milliseconds * TicksPerMs);
        histogram.RecordValue(Math.Clamp(microseconds, 1, Highest));
    }

    /// <summary>Records a start lag: 0 is a start on time, and counts as 0 (a latency is never below 1 µs).</summary>
    public static void RecordLag(HistogramBase histogram, double milliseconds)
    {
        long microseconds = (long)Math.Round(milliseconds * TicksPerMs);
        histogram.RecordValue(Math.Clamp(microseconds, 0, Highest));
    }

    // The encoder's work buffer is as large as the counts (about 190 KB): one per thread, not one per row sealed.
    [ThreadStatic]
    private static ByteBuffer? t_buffer;

    /// <summary>Base64 of the standard compressed HdrHistogram V2 encoding.</summary>
    public static string Encode(HistogramBase histogram)
    {
        int capacity = histogram.GetNeededByteBufferCapacity();
        ByteBuffer buffer = t_buffer is { } cached && cached.Capacity() >= capacity ? cached : t_buffer = ByteBuffer.Allocate(capacity);
        buffer.Position = 0;
        int length = histogram.EncodeIntoCompressedByteBuffer(buffer);

        // ByteBuffer keeps its own array and does not expose it: read the encoded bytes back out.
        var bytes = new byte[length];
        buffer.Position = 0;
        for (int i = 0; i < length; i++)
        {
            bytes[i] = buffer.Get();
        }

        return Convert.ToBase64String(bytes);
    }

    public static HistogramBase Decode(string encoded)
    {
        byte[] bytes = Convert.FromBase64String(encoded);
        return HistogramEncoding.DecodeFromCompressedByteBuffer(ByteBuffer.Allocate(bytes), Highest);
    }
}
