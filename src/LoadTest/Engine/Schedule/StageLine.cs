using System;
using System.Collections.Generic;

namespace LoadTest.Engine.Schedule;

/// <summary>
/// A value that moves linearly within each of a row of stages (from the previous stage's end value to
/// this one's), and its integral: the rate of a run and the requests it plans, or its in-flight limit.
/// </summary>
internal sealed class StageLine
{
    private readonly Segment[] _segments;

    /// <param name="start">The value the first stage starts from.</param>
    /// <param name="stages">Each stage's length in seconds (may be infinite for the last) and end value.</param>
    public StageLine(double start, IEnumerable<(double Seconds, double Value)> stages)
    {
        var segments = new List<Segment>();
        double from = start;
        double begin = 0;
        double before = 0;
        foreach ((double seconds, double value) in stages)
        {
            var segment = new Segment(begin, seconds, from, value, before);
            segments.Add(segment);
            before += segment.Area(seconds);
            begin += seconds;
            from = value;
        }

        _segments = segments.ToArray();
        LengthSeconds = begin;
        Area = before;
    }

    /// <summary>The sum of the stages' lengths; infinite for a line without an end.</summary>
    public double LengthSeconds { get; }

    /// <summary>The integral over the whole line (the requests planned by a rate); infinite without an end.</summary>
    public double Area { get; }

    /// <summary>A constant value for a time, or for ever when <paramref name="seconds"/> is null.</summary>
    public static StageLine Constant(double value, double? seconds) => new(value, new[] { (seconds ?? double.PositiveInfinity, value) });

    public double ValueAt(double seconds)
    {
        foreach (Segment segment in _segments)
        {
            if (seconds < segment.Begin + segment.Length)
            {
                return segment.ValueAt(Math.Max(0, seconds - segment.Begin));
            }
        }

        return _segments.Length == 0 ? 0 : _segments[^1].To;
    }

    /// <summary>The integral from the start to <paramref name="seconds"/>.</summary>
    public double AreaBefore(double seconds)
    {
        if (seconds <= 0)
        {
            return 0;
        }

        foreach (Segment segment in _segments)
        {
            if (seconds < segment.Begin + segment.Length)
            {
                return segment.Before + segment.Area(seconds - segment.Begin);
            }
        }

        return Area;
    }

    /// <summary>The first time the integral reaches <paramref name="area"/>: when request n is due; infinite when never within the line.</summary>
    public double TimeOfArea(double area)
    {
        foreach (Segment segment in _segments)
        {
            double end = segment.Before + segment.Area(segment.Length);
            if (area < end || (area == end && segment.Length == double.PositiveInfinity))
            {
                return segment.Begin + segment.TimeOfArea(area - segment.Before);
            }
        }

        return double.PositiveInfinity;
    }

    private readonly record struct Segment(double Begin, double Length, double From, double To, double Before)
    {
        // The value's slope; a stage without an end holds its value.
        private double Slope => double.IsInfinity(Length) || Length <= 0 ? 0 : (To - From) / Length;

        public double ValueAt(double offset) => From + (Slope * offset);

        public double Area(double offset) => offset <= 0 || (From == 0 && Slope == 0) ? 0
            : Slope == 0 ? From * offset
            : (From * offset) + (Slope * offset * offset / 2);

        // Solves From*t + Slope*t^2/2 = area in the stable form 2a / (From + sqrt(From^2 + 2*Slope*a)).
        public double TimeOfArea(double area)
        {
            if (area <= 0)
            {
                return 0;
            }

            double root = Math.Sqrt(Math.Max(0, (From * From) + (2 * Slope * area)));
            double time = 2 * area / (From + root);
            return Math.Min(time, Length);
        }
    }
}
