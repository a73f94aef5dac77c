using System;
using System.Globalization;

namespace LoadTest.Engine.Schedule;

/// <summary>
/// One of <see cref="Count"/> equal shares of a run that several processes make together (as k6's execution
/// segments): the run's requests are numbered 0, 1, 2 ... on its one schedule, and this share takes those whose
/// number leaves <see cref="Index"/> when divided by <see cref="Count"/>. The shares are striped, so each keeps
/// the schedule's shape at its fraction of the rate, and together they are the run exactly: no request is in two
/// shares or in none, whatever the count or the rate.
/// </summary>
internal readonly record struct ExecutionSegment
{
    public ExecutionSegment(int index, int count)
    {
        if (count < 1 || index < 0 || index >= count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"Share {index} of {count} does not exist.");
        }

        Index = index;
        Count = count;
    }

    /// <summary>The whole run: one share.</summary>
    public static ExecutionSegment Whole => new(0, 1);

    /// <summary>Which share, from 0.</summary>
    public int Index { get; }

    /// <summary>How many shares the run has.</summary>
    public int Count { get; }

    public bool IsWhole => Count <= 1;

    /// <summary>The share's part of a rate or a limit.</summary>
    public double Fraction => 1.0 / Math.Max(1, Count);

    /// <summary>The run's number of this share's request <paramref name="local"/> (counted from 0).</summary>
    public long Global(long local) => IsWhole ? local : (local * Count) + Index;

    /// <summary>How many of the run's first <paramref name="total"/> requests are this share's; the shares' add up to it.</summary>
    public long ShareOf(long total)
    {
        if (IsWhole || total == long.MaxValue)
        {
            return total;
        }

        return total <= Index ? 0 : ((total - Index - 1) / Count) + 1;
    }

    /// <summary>This share's part of an in-flight limit: the shares' add up to it.</summary>
    public int ShareOf(int limit) => (int)ShareOf((long)limit);

    /// <summary>
    /// This share's part of the requests a schedule plans: of those due before the end, and of
    /// <paramref name="shareCount"/> (this share's part of the run's count; long.MaxValue when only the end ends it).
    /// </summary>
    public long Planned(LoadSchedule schedule, long shareCount)
    {
        if (IsWhole || schedule.Rate is null)
        {
            return schedule.Planned(shareCount);
        }

        if (double.IsInfinity(schedule.Rate.Area))
        {
            // No end: the count alone plans.
            return shareCount == long.MaxValue ? 0 : shareCount;
        }

        return Math.Min(shareCount, ShareOf(schedule.Planned(long.MaxValue)));
    }

    /// <summary>
    /// Reads k6's notation "from:to", both fractions of the run ("1/3:2/3" is the second of three shares; "0:1/4"
    /// the first of four; "0:1" the whole). Only equal shares are taken: the width must be one over a whole number
    /// and the start a multiple of it. Returns the reason when the text is not such a share.
    /// </summary>
    public static string? TryParse(string? text, out ExecutionSegment segment)
    {
        segment = Whole;
        string[] sides = (text ?? string.Empty).Split(':');
        if (sides.Length != 2 || !TryFraction(sides[0], out long a, out long b) || !TryFraction(sides[1], out long c, out long d))
        {
            return $"'{text}' is not a segment: write from:to as fractions of the run, such as 0:1/3, 1/3:2/3 and 2/3:1 for three shares.";
        }

        // from = a/b, to = c/d; width = (cb - ad) / bd = 1/n, and from = i/n.
        long widthNumerator = (c * b) - (a * d);
        long widthDenominator = b * d;
        if (widthNumerator <= 0 || c > d || widthDenominator % widthNumerator != 0)
        {
            return $"'{text}' is not an equal share of the run: its width must be 1/n for a whole n (such as 1/3:2/3), and it must lie within 0:1.";
        }

        long count = widthDenominator / widthNumerator;
        if (a * count % b != 0 || count > int.MaxValue)
        {
            return $"'{text}' does not start on a boundary of shares of width 1/{count}: write i/{count}:(i+1)/{count}.";
        }

        segment = new ExecutionSegment((int)(a * count / b), (int)count);
        return null;
    }

    /// <summary>k6's notation: "0:1", "0:1/3", "1/3:2/3", "2/3:1".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Boundary(Index)}:{Boundary(Index + 1)}");

    private string Boundary(int at) => at == 0 ? "0" : at == Count ? "1" : string.Create(CultureInfo.InvariantCulture, $"{at}/{Count}");

    private static bool TryFraction(string text, out long numerator, out long denominator)
    {
        string[] parts = text.Trim().Split('/');
        denominator = 1;
        numerator = 0;
        bool parsed = long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out numerator)
            && (parts.Length == 1 || (parts.Length == 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out denominator)));
        return parsed && denominator > 0 && denominator <= 1_000_000 && numerator <= denominator;
    }
}
