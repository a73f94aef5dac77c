using System;
using System.Globalization;
using System.Text;
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

    /// <summary>
    /// The same comparison for the value a reader is on (see <see cref="JsonPointer.Find"/>): strings, numbers
    /// and literals without allocating (a literal string as its UTF-8 bytes), objects and arrays through a
    /// document of their own.
    /// </summary>
    public static bool EqualsText(ref Utf8JsonReader value, ReadOnlyMemory<byte> json, CheckText expected, ICheckContext context) =>
        value.TokenType == JsonTokenType.String && !expected.IsTemplate
            ? value.ValueTextEquals(expected.Utf8)
            : EqualsText(ref value, json, expected.Resolve(context));

    /// <summary>The comparison for the value a reader is on, with the expected text resolved.</summary>
    public static bool EqualsText(ref Utf8JsonReader value, ReadOnlyMemory<byte> json, string expected) => value.TokenType switch
    {
        JsonTokenType.String => value.ValueTextEquals(expected),
        JsonTokenType.Number => value.TryGetDecimal(out decimal actual)
            && decimal.TryParse(expected, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal wanted)
                ? actual == wanted
                : value.TryGetDouble(out double number)
                    && double.TryParse(expected, NumberStyles.Float, CultureInfo.InvariantCulture, out double other)
                    && number == other,
        JsonTokenType.True => expected.Equals("true", StringComparison.OrdinalIgnoreCase),
        JsonTokenType.False => expected.Equals("false", StringComparison.OrdinalIgnoreCase),
        JsonTokenType.Null => expected.Equals("null", StringComparison.OrdinalIgnoreCase),
        _ => StructureEquals(ref value, json, expected),
    };

    /// <summary>The value a reader is on as a pattern sees it: a string's value, any other value's JSON text.</summary>
    public static string ForMatching(ref Utf8JsonReader value, ReadOnlyMemory<byte> json) => value.TokenType switch
    {
        JsonTokenType.String => value.GetString()!,
        JsonTokenType.StartObject or JsonTokenType.StartArray => Encoding.UTF8.GetString(RawValue(ref value, json).Span),
        _ => Encoding.UTF8.GetString(value.ValueSpan),
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

    private static bool StructureEquals(ref Utf8JsonReader value, ReadOnlyMemory<byte> json, string expected)
    {
        try
        {
            using JsonDocument actual = JsonDocument.Parse(RawValue(ref value, json));
            return StructureEquals(actual.RootElement, expected);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The bytes of the object or array the reader is on, which it reads to their end.</summary>
    private static ReadOnlyMemory<byte> RawValue(ref Utf8JsonReader value, ReadOnlyMemory<byte> json)
    {
        int start = (int)value.TokenStartIndex;
        value.Skip();
        return json[start..(int)value.BytesConsumed];
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
