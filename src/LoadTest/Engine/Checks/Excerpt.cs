using System;
using System.Text;

namespace LoadTest.Engine.Checks;

/// <summary>A short, single-line excerpt of what a response held, for the error of a failed check.</summary>
internal static class Excerpt
{
    public const int MaxLength = 80;

    /// <summary>The text on one line (control characters as spaces, runs of them as one), at most <see cref="MaxLength"/> characters.</summary>
    public static string Of(ReadOnlySpan<char> text, int maxLength = MaxLength)
    {
        var line = new StringBuilder(Math.Min(text.Length, maxLength));
        bool space = false;
        foreach (char c in text.Trim())
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space)
            {
                line.Append(' ');
                space = false;
            }

            line.Append(c);
            if (line.Length > maxLength)
            {
                line.Length = maxLength - 3;
                if (char.IsHighSurrogate(line[^1]))
                {
                    line.Length--;
                }

                return line.Append("...").ToString();
            }
        }

        return line.ToString();
    }

    /// <summary>The text in quotes, quotes included at most <see cref="MaxLength"/> characters.</summary>
    public static string Quoted(ReadOnlySpan<char> text) => "\"" + Of(text[..Math.Min(text.Length, 4 * MaxLength)], MaxLength - 2) + "\"";

    /// <summary>The body's first characters in quotes, or "an empty body".</summary>
    public static string OfBody(ref CheckResponse response)
    {
        ReadOnlySpan<char> text = response.Text();
        return text.Trim().IsEmpty ? "an empty body" : Quoted(text);
    }
}
