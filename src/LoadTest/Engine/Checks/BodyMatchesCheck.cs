using System.Text.RegularExpressions;

namespace LoadTest.Engine.Checks;

/// <summary>The body, decoded as UTF-8, matches a regular expression.</summary>
internal sealed class BodyMatchesCheck : Check
{
    private readonly Regex _pattern;

    public BodyMatchesCheck(Regex pattern)
        : base("BodyMatches " + pattern, CheckNeeds.Body)
    {
        _pattern = pattern;
    }

    public override bool Passes(ref CheckResponse response, ICheckContext context) =>
        CheckPattern.IsMatch(_pattern, response.Text(), out _);

    public override string Seen(ref CheckResponse response, ICheckContext context)
    {
        CheckPattern.IsMatch(_pattern, response.Text(), out bool timedOut);
        return timedOut ? CheckPattern.TimedOut : "the body was " + Excerpt.OfBody(ref response);
    }
}
