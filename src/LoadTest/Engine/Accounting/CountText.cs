using System;
using System.Collections.Generic;
using System.Globalization;

namespace LoadTest.Engine.Accounting;

/// <summary>Counts by name as a time-series row writes them, "200=97; 500=3": text that Export-Csv keeps as it is.</summary>
internal static class CountText
{
    /// <summary>Status codes in order, as text.</summary>
    public static string Format(SortedDictionary<int, long>? statusCodes)
    {
        var counts = new CountDictionary();
        foreach (KeyValuePair<int, long> pair in statusCodes ?? new SortedDictionary<int, long>())
        {
            counts[pair.Key.ToString(CultureInfo.InvariantCulture)] = pair.Value;
        }

        return counts.ToString();
    }

    /// <summary>Error kinds counted by enum and by name (those read back from elsewhere), as one text.</summary>
    public static string Format(long[]? kinds, SortedDictionary<string, long>? named)
    {
        var counts = new CountDictionary();
        foreach (KeyValuePair<string, long> pair in named ?? new SortedDictionary<string, long>())
        {
            counts[pair.Key] = pair.Value;
        }

        for (int kind = 0; kinds is not null && kind < kinds.Length; kind++)
        {
            if (kinds[kind] > 0)
            {
                string name = ((RequestErrorKind)kind).ToString();
                counts[name] = counts.GetValueOrDefault(name) + kinds[kind];
            }
        }

        return counts.ToString();
    }

    /// <summary>Parses the "key=count; key=count" text of a row's counts.</summary>
    public static Dictionary<string, long> Parse(string text)
    {
        var counts = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (string part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                counts[part[..equals]] = long.Parse(part[(equals + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture);
            }
        }

        return counts;
    }
}
