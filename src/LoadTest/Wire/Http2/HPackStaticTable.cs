using System.Text;

namespace LoadTest.Wire.Http2;

/// <summary>HPACK's static table (RFC 7541 Appendix A): entries 1 to 61, names as strings, values as bytes.</summary>
internal static class HPackStaticTable
{
    public const int Count = 61;

    private static readonly (string Name, byte[] Value)[] s_entries = Build(
        ":authority", "", ":method", "GET", ":method", "POST", ":path", "/", ":path", "/index.html", ":scheme", "http",
        ":scheme", "https", ":status", "200", ":status", "204", ":status", "206", ":status", "304", ":status", "400",
        ":status", "404", ":status", "500", "accept-charset", "", "accept-encoding", "gzip, deflate", "accept-language", "",
        "accept-ranges", "", "accept", "", "access-control-allow-origin", "", "age", "", "allow", "", "authorization", "",
        "cache-control", "", "content-disposition", "", "content-encoding", "", "content-language", "", "content-length", "",
        "content-location", "", "content-range", "", "content-type", "", "cookie", "", "date", "", "etag", "", "expect", "",
        "expires", "", "from", "", "host", "", "if-match", "", "if-modified-since", "", "if-none-match", "", "if-range", "",
        "if-unmodified-since", "", "last-modified", "", "link", "", "location", "", "max-forwards", "", "proxy-authenticate", "",
        "proxy-authorization", "", "range", "", "referer", "", "refresh", "", "retry-after", "", "server", "", "set-cookie", "",
        "strict-transport-security", "", "transfer-encoding", "", "user-agent", "", "vary", "", "via", "", "www-authenticate", "");

    /// <summary>The entry at <paramref name="index"/>, 1 to <see cref="Count"/>.</summary>
    public static (string Name, byte[] Value) Get(int index) => s_entries[index - 1];

    /// <summary>The index of the first entry named <paramref name="name"/>, or 0.</summary>
    public static int IndexOf(string name)
    {
        for (int i = 0; i < s_entries.Length; i++)
        {
            if (s_entries[i].Name == name)
            {
                return i + 1;
            }
        }

        return 0;
    }

    private static (string, byte[])[] Build(params string[] pairs)
    {
        var entries = new (string, byte[])[pairs.Length / 2];
        for (int i = 0; i < entries.Length; i++)
        {
            entries[i] = (pairs[2 * i], Encoding.ASCII.GetBytes(pairs[(2 * i) + 1]));
        }

        return entries;
    }
}
