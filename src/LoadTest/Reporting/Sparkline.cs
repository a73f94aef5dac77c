using System;
using System.Collections.Generic;
using System.Globalization;

namespace LoadTest.Reporting;

/// <summary>
/// A run's rate and P99 over time as two lines of text for a terminal: a title, then one block character per
/// column, eight heights from zero to the line's highest value, a space where there is nothing to draw (no
/// request completed). A column covers one interval of the time series, or several when they do not fit: it
/// then shows the rate over all of them (per second of the time they covered, so a held run draws flat to its
/// edges) and the highest P99 among them (percentiles of intervals do not add).
/// </summary>
internal static class Sparkline
{
    private const string RateLabel = "req/s  ";
    private const string LatencyLabel = "P99 ms ";

    public static List<string> Lines(ReportSeries series, int width, bool corrected)
    {
        string what = corrected ? "Rate and corrected P99" : "Rate and P99";
        if (series.Count == 0)
        {
            return new List<string> { Fit($"{what}: the summary has no time series", width) };
        }

        double interval = series.IntervalSeconds > 0 ? series.IntervalSeconds : 1;
        double span = series.Seconds[^1] + interval;
        List<double> p99 = (corrected ? series.CorrectedLatency : series.Latency)[2];

        // Both lines end in " max N"; the sparks get the rest. A column holds a whole number of intervals, so that
        // its rate (the mean of theirs) never exceeds the highest row's, for which room is kept.
        int intervals = Math.Max(1, (int)Math.Round(span / interval));
        int room = 1 + Math.Max(RateMax(Max(series.RequestsPerSecond)).Length, LatencyMax(Max(p99)).Length);
        int available = Math.Max(1, width - RateLabel.Length - room);
        int perColumn = (intervals + available - 1) / available;
        int columns = (intervals + perColumn - 1) / perColumn;
        double columnSeconds = perColumn * interval;
        var rate = new double[columns];
        var covered = new double[columns];
        var latency = new double[columns];
        Array.Fill(latency, double.NaN);
        for (int i = 0; i < series.Count; i++)
        {
            int column = Math.Min(columns - 1, (int)Math.Floor((series.Seconds[i] / columnSeconds) + 1e-9));
            rate[column] += series.RequestsPerSecond[i] * series.CoveredSeconds[i];
            covered[column] += series.CoveredSeconds[i];
            if (!double.IsNaN(p99[i]) && !(p99[i] <= latency[column]))
            {
                latency[column] = p99[i];
            }
        }

        for (int column = 0; column < columns; column++)
        {
            // Per second of the time the column's rows covered: the run's edges and a short last column count what they hold.
            rate[column] = covered[column] > 0 ? rate[column] / covered[column] : 0;
        }

        return new List<string>
        {
            Fit(string.Create(CultureInfo.InvariantCulture, $"{what} over {Duration(span)}, {columnSeconds:0.###} s a column"), width),
            Fit(RateLabel + Spark(rate) + " " + RateMax(Max(rate)), width),
            Fit(LatencyLabel + Spark(latency) + " " + LatencyMax(Max(latency)), width),
        };
    }

    private static string Spark(double[] values)
    {
        double top = Max(values);
        var text = new char[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            double value = values[i];
            text[i] = double.IsNaN(value) || value <= 0 || top <= 0
                ? ' '
                : (char)('\u2580' + Math.Clamp((int)Math.Ceiling(value / top * 8), 1, 8));
        }

        return new string(text);
    }

    private static string RateMax(double value) => "max " + value.ToString("#,0.0", CultureInfo.InvariantCulture);

    private static string LatencyMax(double value) => "max " + value.ToString("#,0.###", CultureInfo.InvariantCulture);

    /// <summary>The largest value, 0 when there is none above 0 (NaN is skipped).</summary>
    private static double Max(IReadOnlyList<double> values)
    {
        double max = 0;
        foreach (double value in values)
        {
            if (value > max)
            {
                max = value;
            }
        }

        return max;
    }

    /// <summary>"45 s", "12 min 30 s", "2 h 5 min".</summary>
    private static string Duration(double seconds)
    {
        var span = TimeSpan.FromSeconds(Math.Round(seconds, 3));
        return span.TotalMinutes < 1 ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.###} s")
            : span.TotalHours < 1 ? string.Create(CultureInfo.InvariantCulture, $"{span.Minutes} min {span.Seconds} s")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h {span.Minutes} min");
    }

    private static string Fit(string line, int width) => line.Length > width ? line[..width] : line;
}
