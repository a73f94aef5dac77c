using System;
using System.Text;

namespace LoadTest.Engine.Checks;

/// <summary>The body holds a text (ordinal, case-sensitive), searched as UTF-8 bytes without decoding the body.</summary>
internal sealed class BodyContainsCheck : Check
{
    private readonly CheckText _expected;

    public BodyContainsCheck(CheckText expected)
        : base("BodyContains " + expected.Text, CheckNeeds.Body)
    {
        _expected = expected;
    }

    public override bool Passes(ref CheckResponse response, ICheckContext context)
    {
        ReadOnlySpan<byte> needle = _expected.IsTemplate ? Encoding.UTF8.GetBytes(_expected.Resolve(context)) : _expected.Utf8;
        return response.Body.Span.IndexOf(needle) >= 0;
    }

    public override string Seen(ref CheckResponse response, ICheckContext context) =>
        "the body was " + Excerpt.OfBody(ref response);
}
