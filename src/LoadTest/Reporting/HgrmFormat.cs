using System.Globalization;
using System.IO;
using HdrHistogram;
using LoadTest.Engine.Accounting;

namespace LoadTest.Reporting;

/// <summary>
/// HdrHistogram's own text percentile distribution (the .hgrm format its plotters and other tools read),
/// written by the library itself, values in milliseconds.
/// </summary>
internal static class HgrmFormat
{
    /// <summary>HdrHistogram's default: five reporting points per halving of the distance to 100 %.</summary>
    public const int DefaultTicksPerHalfDistance = 5;

    public static string Write(HistogramBase histogram, int ticksPerHalfDistance)
    {
        // The library formats with the writer's culture: invariant, so that every reader parses the same numbers.
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        histogram.OutputPercentileDistribution(writer, ticksPerHalfDistance, LatencyHistogram.TicksPerMs);
        return writer.ToString();
    }
}
