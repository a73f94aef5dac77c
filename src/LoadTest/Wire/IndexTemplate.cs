using System;
using System.Buffers;
using System.Globalization;
using System.Text;

namespace LoadTest.Wire;

/// <summary>
/// A -Uri or -Body template: a .NET composite format string whose only argument, {0}, is the request
/// index, as with -f: "item/{0}", "item/{0:D5}", "{0:X}", and "{{" / "}}" for literal braces. Parsed once
/// per run; formatting an index allocates only its result.
/// </summary>
internal sealed class IndexTemplate
{
    private readonly CompositeFormat _format;

    private IndexTemplate(string text, CompositeFormat format)
    {
        Text = text;
        _format = format;
    }

    /// <summary>The template as the user wrote it.</summary>
    public string Text { get; }

    /// <summary>False when nothing in the template depends on the index (no placeholder, perhaps only doubled braces).</summary>
    public bool HasIndex => _format.MinimumArgumentCount > 0;

    /// <summary>
    /// True when a string body is meant as a template: it has a format item on the index ({0}, {0:...}
    /// or {0,...}). Any other body is sent as it is, so a plain JSON body needs no doubled braces.
    /// </summary>
    public static bool LooksLikeTemplate(string text) =>
        text.Contains("{0}", StringComparison.Ordinal)
        || text.Contains("{0:", StringComparison.Ordinal)
        || text.Contains("{0,", StringComparison.Ordinal);

    /// <summary>Parses a template; returns why it is not one (for an error message), or null.</summary>
    public static string? TryParse(string text, out IndexTemplate? template)
    {
        template = null;
        CompositeFormat format;
        try
        {
            format = CompositeFormat.Parse(text);
        }
        catch (FormatException)
        {
            return "it is not a valid format string: a placeholder is {0}, optionally with a format such as {0:D5} or {0:X}, " +
                "and every other brace must be doubled ({{ and }}), as with -f";
        }

        if (format.MinimumArgumentCount > 1)
        {
            return $"it refers to argument {(format.MinimumArgumentCount - 1).ToString(CultureInfo.InvariantCulture)}: the only placeholder is {{0}}, the request index";
        }

        var parsed = new IndexTemplate(text, format);
        try
        {
            // A format string that long.ToString refuses ({0:Q}) fails here, at setup, not on a request.
            _ = parsed.Format(0);
        }
        catch (FormatException)
        {
            return "its format item is not a valid format for an integer (use one such as {0:D5}, {0:X} or {0:N0})";
        }

        template = parsed;
        return null;
    }

    /// <summary>The template with the index filled in.</summary>
    public string Format(long index) => string.Format(CultureInfo.InvariantCulture, _format, index);

    /// <summary>The template with the index filled in, as UTF-8 bytes: one allocation, the array itself.</summary>
    public byte[] FormatUtf8(long index)
    {
        char[] buffer = ArrayPool<char>.Shared.Rent(Text.Length + 32);
        try
        {
            int written;
            while (!buffer.AsSpan().TryWrite(CultureInfo.InvariantCulture, _format, out written, index))
            {
                int size = buffer.Length * 2;
                ArrayPool<char>.Shared.Return(buffer);
                buffer = ArrayPool<char>.Shared.Rent(size);
            }

            ReadOnlySpan<char> text = buffer.AsSpan(0, written);
            byte[] bytes = new byte[Encoding.UTF8.GetByteCount(text)];
            Encoding.UTF8.GetBytes(text, bytes);
            return bytes;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }
}
