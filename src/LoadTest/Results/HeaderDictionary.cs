using System;
using System.Collections.Generic;
using System.Text.Json;

namespace LoadTest;

/// <summary>
/// Response headers by name (case-insensitive; a repeated header's values joined by ", "). As text it is
/// compact JSON, so that Export-Csv writes a column that reads back (ConvertFrom-Json) instead of a type name.
/// </summary>
public sealed class HeaderDictionary : Dictionary<string, string>
{
    /// <summary>Creates an empty set of headers.</summary>
    public HeaderDictionary()
        : base(StringComparer.OrdinalIgnoreCase)
    {
    }

    /// <inheritdoc/>
    public override string ToString() => JsonSerializer.Serialize<Dictionary<string, string>>(this);
}
