using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace LoadTest;

/// <summary>
/// Counts by name (status codes, error kinds). As text it is "200=97; 500=3", the form the rows of a time
/// series use, so that Export-Csv writes a readable column that Merge-RunSummary reads back.
/// </summary>
public sealed class CountDictionary : SortedDictionary<string, long>
{
    /// <summary>Creates an empty set of counts.</summary>
    public CountDictionary()
        : base(StringComparer.Ordinal)
    {
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (KeyValuePair<string, long> pair in this)
        {
            text.Append(text.Length == 0 ? string.Empty : "; ").Append(pair.Key).Append('=').Append(pair.Value.ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
