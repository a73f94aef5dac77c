using System;
using System.Collections.Generic;
using System.Globalization;
using HdrHistogram;

namespace LoadTest.Reporting;

/// <summary>
/// A latency histogram as lines of text for a terminal: one line per percentile with its value in ms and
/// a bar of full blocks as long, relative to the longest, as the latency; no line wider than asked.
/// </summary>
internal static class PercentileChart
{
    public static readonly double[] DefaultPercentiles = { 50, 75, 90, 95, 99, 99.9, 99.99, 100 };

    public const int DefaultWidth = 80;

    // " P99.99  " (a space, the label left-aligned), a 12-wide value, a space: what a line holds before its bar.
    private const int LabelWidth = 9;
    private const int ValueWidth = 12;
    private const int BarStart = LabelWidth + ValueWidth + 1;

    /// <summary>The narrowest chart that still has room for a bar of 10.</summary>
    public const int MinWidth = BarStart + 10;

    public static List<string> Lines(HistogramBase histogram, IReadOnlyList<double> percentiles, int width, bool corrected)
    {
        var lines = new List<string>(percentiles.Count + 2);
        string title = string.Create(
            CultureInfo.InvariantCulture,
            $"{(corrected ? "Corrected latency" : "Latency")} in ms of {histogram.TotalCount:N0} requests");
        lines.Add(title.Length > width ? title[..width] : title);
        if (histogram.TotalCount == 0)
        {
            return lines;
        }

        var values = new double[percentiles.Count];
        double top = 0;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = SummaryMeasures.ValueAtPercentileMs(histogram, percentiles[i]);
            top = Math.Max(top, values[i]);
        }

        int barWidth = width - BarStart;
        for (int i = 0; i < values.Length; i++)
        {
            int bar = top == 0 ? 0 : (int)Math.Round(values[i] / top * barWidth, MidpointRounding.AwayFromZero);
            lines.Add(string.Create(
                CultureInfo.InvariantCulture,
                $" {Label(percentiles[i]),-(LabelWidth - 1)}{values[i],ValueWidth:0.000} {new string('\u2588', Math.Max(bar, values[i] > 0 ? 1 : 0))}"));
        }

        return lines;
    }

    /// <summary>"P50", "P99.9", "Max" for 100.</summary>
    public static string Label(double percentile) =>
        percentile >= 100 ? "Max" : "P" + percentile.ToString("0.####", CultureInfo.InvariantCulture);
}
