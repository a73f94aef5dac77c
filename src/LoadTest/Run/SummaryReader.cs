using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using LoadTest.Engine.Accounting;

namespace LoadTest.Run;

/// <summary>
/// Reads summaries and results from the pipeline whether they are live LoadTest objects or copies that
/// came back through remoting, Receive-Job, Import-Clixml, ConvertFrom-Json or Import-Csv (then only
/// their properties remain, perhaps as text).
/// </summary>
internal sealed class SummaryReader : ISummaryFields
{
    private readonly PSObject _summary;

    private SummaryReader(PSObject summary)
    {
        _summary = summary;
    }

    /// <summary>True for an object with the properties of a run summary.</summary>
    public bool IsSummary => Has("Count") && Has("P50Ms") && Has("Histogram");

    /// <summary>True for an object with the properties of a request result.</summary>
    public bool IsResult => Has("ElapsedMs") && Has("StatusCode") && Has("Success");

    /// <summary>Null when the object does not look like a summary (it has no Count and no P50Ms).</summary>
    public static SummaryReader? TryCreate(PSObject? input)
    {
        if (input is null || input.Properties["Count"] is null || input.Properties["P50Ms"] is null)
        {
            return null;
        }

        return new SummaryReader(input);
    }

    /// <summary>A reader over any object; check <see cref="IsSummary"/> or <see cref="IsResult"/>.</summary>
    public static SummaryReader Over(PSObject input) => new(input);

    public double Number(string name, double otherwise = 0)
    {
        object? value = Unwrap(_summary.Properties[name]?.Value);
        return value is null || (value is string text && string.IsNullOrWhiteSpace(text))
            ? otherwise
            : Convert.ToDouble(value, CultureInfo.InvariantCulture);
    }

    public string? Text(string name) => Unwrap(_summary.Properties[name]?.Value)?.ToString();

    public bool Flag(string name) => Unwrap(_summary.Properties[name]?.Value) switch
    {
        bool flag => flag,
        string text => bool.TryParse(text, out bool parsed) && parsed,
        _ => false,
    };

    public TimeSpan Duration(string name) => Unwrap(_summary.Properties[name]?.Value) switch
    {
        TimeSpan span => span,
        string text when TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out TimeSpan parsed) => parsed,
        PSObject ps when ps.Properties["Ticks"]?.Value is { } ticks => TimeSpan.FromTicks(Convert.ToInt64(ticks, CultureInfo.InvariantCulture)),
        _ => TimeSpan.Zero,
    };

    public DateTime Time(string name) => Unwrap(_summary.Properties[name]?.Value) switch
    {
        DateTime time => time,
        string text when DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime parsed) => parsed,
        _ => DateTime.MinValue,
    };

    /// <summary>A histogram of counts (status codes, error kinds) as name to count.</summary>
    public IReadOnlyDictionary<string, long> Counts(string name)
    {
        var counts = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        switch (Unwrap(_summary.Properties[name]?.Value))
        {
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                {
                    counts[Unwrap(entry.Key)?.ToString() ?? string.Empty] = Convert.ToInt64(Unwrap(entry.Value), CultureInfo.InvariantCulture);
                }

                break;
            case string text:
                // A time-series row's counts, as "200=97; 500=3".
                foreach (KeyValuePair<string, long> pair in CountText.Parse(text))
                {
                    counts[pair.Key] = pair.Value;
                }

                break;
            case PSObject bag:
                // ConvertFrom-Json turns a dictionary into an object with one property per key.
                foreach (PSPropertyInfo property in bag.Properties)
                {
                    counts[property.Name] = Convert.ToInt64(Unwrap(property.Value), CultureInfo.InvariantCulture);
                }

                break;
        }

        return counts;
    }

    public IEnumerable<ISummaryFields> Items(string name)
    {
        object? value = Unwrap(_summary.Properties[name]?.Value);
        if (value is IEnumerable items and not string)
        {
            foreach (object? item in items)
            {
                if (item is not null)
                {
                    yield return new SummaryReader(PSObject.AsPSObject(item));
                }
            }
        }
    }

    private bool Has(string name) => _summary.Properties[name] is not null;

    private static object? Unwrap(object? value) => value is PSObject ps && ps.BaseObject is not PSCustomObject ? ps.BaseObject : value;
}
