using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using LoadTest.Engine.Accounting;

namespace LoadTest.Run;

/// <summary>
/// A summary, or one of its time-series rows, read by name from JSON: a session's report of its share of a
/// run (Engine/Accounting/RunReport), so that the one fold of every summary merges it.
/// </summary>
internal sealed class JsonSummaryFields : ISummaryFields
{
    private readonly JsonElement _element;
    private readonly IEnumerable<JsonElement>? _rows;

    /// <param name="element">A JSON object with a summary's properties.</param>
    /// <param name="rows">The time-series rows to give instead of the object's own; null for its own.</param>
    public JsonSummaryFields(JsonElement element, IEnumerable<JsonElement>? rows = null)
    {
        _element = element;
        _rows = rows;
    }

    public double Number(string name, double otherwise = 0) => Get(name) switch
    {
        { ValueKind: JsonValueKind.Number } number => number.GetDouble(),
        { ValueKind: JsonValueKind.String } text when double.TryParse(text.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) => parsed,
        _ => otherwise,
    };

    public string? Text(string name) => Get(name) switch
    {
        { ValueKind: JsonValueKind.String } text => text.GetString(),
        { ValueKind: JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False } other => other.GetRawText(),
        _ => null,
    };

    public bool Flag(string name) => Get(name) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.String } text => bool.TryParse(text.GetString(), out bool parsed) && parsed,
        _ => false,
    };

    public TimeSpan Duration(string name) =>
        TimeSpan.TryParse(Text(name), CultureInfo.InvariantCulture, out TimeSpan parsed) ? parsed : TimeSpan.FromSeconds(Number(name));

    public DateTime Time(string name) =>
        DateTime.TryParse(Text(name), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTime parsed) ? parsed : DateTime.MinValue;

    public IReadOnlyDictionary<string, long> Counts(string name)
    {
        var counts = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        switch (Get(name))
        {
            case { ValueKind: JsonValueKind.Object } bag:
                foreach (JsonProperty property in bag.EnumerateObject())
                {
                    counts[property.Name] = (long)property.Value.GetDouble();
                }

                break;
            case { ValueKind: JsonValueKind.String } text:
                // A time-series row's counts, as "200=97; 500=3".
                foreach (KeyValuePair<string, long> pair in CountText.Parse(text.GetString() ?? string.Empty))
                {
                    counts[pair.Key] = pair.Value;
                }

                break;
        }

        return counts;
    }

    public IEnumerable<ISummaryFields> Items(string name)
    {
        IEnumerable<JsonElement> items = name == "TimeSeries" && _rows is not null ? _rows
            : Get(name) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : Array.Empty<JsonElement>();
        foreach (JsonElement item in items)
        {
            yield return new JsonSummaryFields(item);
        }
    }

    private JsonElement? Get(string name) =>
        _element.ValueKind == JsonValueKind.Object && _element.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null ? value : null;
}
