using System;
using System.Text;

namespace LoadTest.Engine.Transport;

/// <summary>The text encoding a response's charset names, for -IncludeContent on either HTTP path.</summary>
internal static class ResponseCharset
{
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
