using System.Globalization;

namespace LoadTest.Engine.Checks;

/// <summary>The status code is one of a set, such as 200, 200,201 or 200-299.</summary>
internal sealed class StatusCodeCheck : Check
{
    private readonly StatusCodeSet _codes;

    /// <param name="codes">The codes that pass.</param>
    /// <param name="text">The codes as the name shows them, such as "200" or "200-299".</param>
    public StatusCodeCheck(StatusCodeSet codes, string text)
        : base("StatusCode " + text, CheckNeeds.None)
    {
        _codes = codes;
    }

    public override bool Passes(ref CheckResponse response, ICheckContext context) => _codes.Contains(response.StatusCode);

    public override string Seen(ref CheckResponse response, ICheckContext context) =>
        "the status was " + response.StatusCode.ToString(CultureInfo.InvariantCulture);
}
