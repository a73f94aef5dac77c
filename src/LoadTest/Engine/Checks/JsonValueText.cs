using System;
using System.Globalization;
using System.Text.Json;

namespace LoadTest.Engine.Checks;

/// <summary>
/// How a JSON value compares to an expected text: a string by its value, a number by its numeric value
/// ("5" equals 5.0), true and false and null by their names, an object or array by its structure (the
/// expected text parsed as JSON; member order does not matter).
/// </summary>
internal static class JsonValueText
{
    public static bool EqualsText(JsonElement value, string expected) => value.ValueKind switch
    {
        JsonValueKind.String => value.ValueEquals(expected),
        JsonValueKind.Number => NumberEquals(value, expected),
        JsonValueKind.True => expected.Equals("true", StringComparison.OrdinalIgnoreCase),
        JsonValueKind.False => expected.Equals("false", StringComparison.OrdinalIgnoreCase),
        JsonValueKind.Null => expected.Equals("null", StringComparison.OrdinalIgnoreCase),
        _ => StructureEquals(value, expected),
    };

    /// <summary>The value as a pattern sees it: a string's value, any other value's JSON text.</summary>
    public static string ForMatching(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    /// <summary>The value for an error: a string in quotes, any other as its JSON text, cut to an excerpt.</summary>
    public static string Describe(JsonElement value) => value.ValueKind == JsonValueKind.String
        ? Excerpt.Quoted(value.GetString())
        : Excerpt.Of(value.GetRawText());

    private static bool NumberEquals(JsonElement value, string expected)
    {
        if (value.TryGetDecimal(out decimal actual)
            && decimal.TryParse(expected, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal wanted))
        {
            return actual == wanted;
        }

        return value.TryGetDouble(out double number)
            && double.TryParse(expected, NumberStyles.Float, CultureInfo.InvariantCulture, out double other)
            && number == other;
    }

    private static bool StructureEquals(JsonElement value, string expected)
    {
        try
        {
            using JsonDocument wanted = JsonDocument.Parse(expected);
            return DeepEquals(value, wanted.RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool DeepEquals(JsonElement left, JsonElement right)
    {
        if (left.ValueKind != right.ValueKind)
        {
            return false;
        }

        switch (left.ValueKind)
        {
            case JsonValueKind.Object:
                int count = 0;
                foreach (JsonProperty property in left.EnumerateObject())
                {
                    count++;
                    if (!right.TryGetProperty(property.Name, out JsonElement other) || !DeepEquals(property.Value, other))
                    {
                        return false;
                    }
                }

                foreach (JsonProperty _ in right.EnumerateObject())
                {
                    count--;
                }

                return count == 0;
            case JsonValueKind.Array:
                if (left.GetArrayLength() != right.GetArrayLength())
                {
                    return false;
                }

                for (int i = 0; i < left.GetArrayLength(); i++)
                {
                    if (!DeepEquals(left[i], right[i]))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.String:
                return left.ValueEquals(right.GetString());
            case JsonValueKind.Number:
                return NumberEquals(left, right.GetRawText());
            default:
                // true, false, null: the kind is the value.
                return true;
        }
    }
}
