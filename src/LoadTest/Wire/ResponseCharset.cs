using System;
using System.Net.Http.Headers;
using System.Text;

namespace LoadTest.Wire;

/// <summary>The text encoding a response's charset names, for -IncludeContent on either HTTP path.</summary>
internal static class ResponseCharset
{
    /// <summary>The charset a Content-Type value names; null without one, or when the value is not valid.</summary>
    public static string? CharsetOf(string? contentType) =>
        contentType is not null && MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? media) ? media.CharSet : null;

    /// <summary>The named encoding; UTF-8 when there is no charset or this runtime does not know it.</summary>
    public static Encoding EncodingOf(string? charset)
    {
        if (!string.IsNullOrEmpty(charset))
        {
            try
            {
                return Encoding.GetEncoding(charset.Trim('"'));
            }
            catch (ArgumentException)
            {
            }
        }

        return Encoding.UTF8;
    }
}
