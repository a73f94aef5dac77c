using System.Text.RegularExpressions;

namespace LoadTest.Engine.Checks;

/// <summary>A response header is present and its value (repeated fields joined by ", ") matches a regular expression.</summary>
internal sealed class HeaderMatchesCheck : Check
{
    private readonly string _header;
    private readonly Regex _pattern;

    public HeaderMatchesCheck(string header, Regex pattern)
        : base($"Header {header} {pattern}", CheckNeeds.Headers)
    {
        _header = header;
        _pattern = pattern;
    }

    public override bool Passes(ref CheckResponse response, ICheckContext context) =>
        response.Headers is not null && response.Headers.TryGetValue(_header, out string? value) && CheckPattern.IsMatch(_pattern, value, out _);

    public override string Seen(ref CheckResponse response, ICheckContext context)
    {
        if (response.Headers is null || !response.Headers.TryGetValue(_header, out string? value))
        {
            return $"there was no {_header} header";
        }

        CheckPattern.IsMatch(_pattern, value, out bool timedOut);
        return timedOut ? CheckPattern.TimedOut : $"{_header} was {Excerpt.Quoted(value)}";
    }
}
