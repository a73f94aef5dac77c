using System.Collections.Generic;

namespace LoadTest.Engine;

/// <summary>A set of HTTP status codes (100-999), looked up without allocation.</summary>
internal sealed class StatusCodeSet
{
    private readonly bool[] _codes = new bool[1000];

    private StatusCodeSet()
    {
    }

    public static StatusCodeSet Range(int first, int last)
    {
        var set = new StatusCodeSet();
        for (int code = first; code <= last; code++)
        {
            set._codes[code] = true;
        }

        return set;
    }

    public static StatusCodeSet Of(IEnumerable<int> codes)
    {
        var set = new StatusCodeSet();
        foreach (int code in codes)
        {
            set._codes[code] = true;
        }

        return set;
    }

    public bool Contains(int code) => code >= 0 && code < _codes.Length && _codes[code];
}
