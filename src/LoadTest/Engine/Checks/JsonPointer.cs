using System;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LoadTest.Engine.Checks;

/// <summary>
/// A JSON Pointer (RFC 6901), such as "/items/0/name": walked over a parsed System.Text.Json document. Each
/// reference token is unescaped once ("~1" is "/", "~0" is "~") and kept as UTF-8, so a lookup neither
/// allocates nor transcodes. "" is the whole document.
/// </summary>
internal sealed class JsonPointer
{
    private static readonly JsonReaderOptions s_readerOptions = new() { MaxDepth = 256 };

    private readonly byte[][] _names;
    private readonly int[] _indexes;

    private JsonPointer(string text, byte[][] names, int[] indexes)
    {
        Text = text;
        _names = names;
        _indexes = indexes;
    }

    /// <summary>The pointer as written.</summary>
    public string Text { get; }

    /// <summary>Parses a pointer; null, with the reason in <paramref name="error"/>, when it is not valid RFC 6901.</summary>
    public static JsonPointer? TryParse(string text, out string? error)
    {
        error = null;
        if (text.Length == 0)
        {
            return new JsonPointer(text, Array.Empty<byte[]>(), Array.Empty<int>());
        }

        if (text[0] != '/')
        {
            error = $"a JSON Pointer starts with '/' (such as '/status' or '/items/0/id'); '{text}' does not";
            return null;
        }

        string[] tokens = text[1..].Split('/');
        var names = new byte[tokens.Length][];
        var indexes = new int[tokens.Length];
        for (int i = 0; i < tokens.Length; i++)
        {
            string? token = Unescape(tokens[i]);
            if (token is null)
            {
                error = $"in the JSON Pointer '{text}', '~' must be followed by 0 (for '~') or 1 (for '/')";
                return null;
            }

            names[i] = Encoding.UTF8.GetBytes(token);
            indexes[i] = IndexOf(token);
        }

        return new JsonPointer(text, names, indexes);
    }

    /// <summary>The value the pointer refers to; false when there is none (a missing member, an index past the end).</summary>
    public bool TryFind(JsonElement root, out JsonElement value)
    {
        value = root;
        for (int i = 0; i < _names.Length; i++)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    if (!value.TryGetProperty(_names[i], out value))
                    {
                        return false;
                    }

                    break;
                case JsonValueKind.Array:
                    int index = _indexes[i];
                    if (index < 0 || index >= value.GetArrayLength())
                    {
                        return false;
                    }

                    value = value[index];
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Walks the body with System.Text.Json's reader and leaves <paramref name="reader"/> on the value the
    /// pointer refers to, reading no further: no document is built and nothing is allocated. NotJson when the
    /// body is not JSON as far as it had to be read.
    /// </summary>
    public JsonLookup Find(ReadOnlySpan<byte> json, out Utf8JsonReader reader)
    {
        reader = new Utf8JsonReader(json, s_readerOptions);
        try
        {
            if (!reader.Read())
            {
                return JsonLookup.NotJson;
            }

            for (int i = 0; i < _names.Length; i++)
            {
                if (!Step(ref reader, i))
                {
                    return JsonLookup.Missing;
                }
            }

            return JsonLookup.Found;
        }
        catch (JsonException)
        {
            return JsonLookup.NotJson;
        }
    }

    public override string ToString() => Text;

    /// <summary>From the start of a container to the start of its member or element named by token <paramref name="i"/>.</summary>
    private bool Step(ref Utf8JsonReader reader, int i)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    bool match = reader.ValueTextEquals(_names[i]);
                    reader.Read();
                    if (match)
                    {
                        return true;
                    }

                    reader.Skip();
                }

                return false;
            case JsonTokenType.StartArray:
                int index = _indexes[i];
                for (int at = 0; index >= 0; at++)
                {
                    if (!reader.Read() || reader.TokenType == JsonTokenType.EndArray)
                    {
                        return false;
                    }

                    if (at == index)
                    {
                        return true;
                    }

                    reader.Skip();
                }

                return false;
            default:
                return false;
        }
    }

    private static string? Unescape(string token)
    {
        int tilde = token.IndexOf('~', StringComparison.Ordinal);
        if (tilde < 0)
        {
            return token;
        }

        var text = new StringBuilder(token.Length);
        for (int i = 0; i < token.Length; i++)
        {
            if (token[i] != '~')
            {
                text.Append(token[i]);
            }
            else if (i + 1 < token.Length && token[i + 1] is '0' or '1')
            {
                text.Append(token[++i] == '0' ? '~' : '/');
            }
            else
            {
                return null;
            }
        }

        return text.ToString();
    }

    /// <summary>The array index a token names: "0", or digits without a leading zero; -1 for any other token ("-" included).</summary>
    private static int IndexOf(string token) =>
        token.Length > 0 && (token.Length == 1 || token[0] != '0')
        && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out int index) ? index : -1;
}
