using System;
using System.Collections.Generic;
using System.Text;

namespace LoadTest.Engine.Flows;

/// <summary>
/// Text with #{name} variables, such as '/items/#{item}' or 'Bearer #{token}', split once into literal parts
/// and variable names. The #{...} form cannot be taken for a {0} index template or a .NET format item, and
/// PowerShell does not expand it in double quotes.
/// </summary>
internal sealed class TextTemplate
{
    private readonly string[] _parts;
    private readonly string?[] _names;

    private TextTemplate(string text, string[] parts, string?[] names)
    {
        Text = text;
        _parts = parts;
        _names = names;
        var variables = new List<string>();
        foreach (string? name in names)
        {
            if (name is not null && !variables.Contains(name))
            {
                variables.Add(name);
            }
        }

        Variables = variables;
    }

    /// <summary>The text as written.</summary>
    public string Text { get; }

    /// <summary>The variables it uses, each once, in order.</summary>
    public IReadOnlyList<string> Variables { get; }

    /// <summary>True when it uses no variable: its text is its value.</summary>
    public bool IsLiteral => Variables.Count == 0;

    /// <summary>Splits a text into parts; null, with the reason, when a #{ is not closed or a name is not valid.</summary>
    public static TextTemplate? TryParse(string text, out string? error)
    {
        error = null;
        var parts = new List<string>();
        var names = new List<string?>();
        int at = 0;
        while (true)
        {
            int open = text.IndexOf("#{", at, StringComparison.Ordinal);
            if (open < 0)
            {
                parts.Add(text[at..]);
                names.Add(null);
                break;
            }

            int close = text.IndexOf('}', open + 2);
            if (close < 0)
            {
                error = $"'#{{' at position {open} of '{text}' is not closed by '}}'";
                return null;
            }

            string name = text[(open + 2)..close];
            if (!IsName(name))
            {
                error = $"'#{{{name}}}' in '{text}' is not a variable name (letters, digits, '_', '-' or '.', starting with a letter or '_')";
                return null;
            }

            parts.Add(text[at..open]);
            names.Add(name);
            at = close + 1;
        }

        return new TextTemplate(text, parts.ToArray(), names.ToArray());
    }

    /// <summary>True for a variable name: a letter or '_' first, then letters, digits, '_', '-' or '.'.</summary>
    public static bool IsName(string name)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The text with each variable replaced by its value; null, with the first name missing, when one has none.</summary>
    public string? Render(IReadOnlyDictionary<string, string> variables, out string? missing)
    {
        missing = null;
        if (IsLiteral)
        {
            return Text;
        }

        var text = new StringBuilder(Text.Length + 32);
        for (int i = 0; i < _parts.Length; i++)
        {
            text.Append(_parts[i]);
            if (_names[i] is { } name)
            {
                if (!variables.TryGetValue(name, out string? value))
                {
                    missing = name;
                    return null;
                }

                text.Append(value);
            }
        }

        return text.ToString();
    }
}
