namespace LoadTest.Engine.Checks;

/// <summary>The response has a header of this name (case-insensitive).</summary>
internal sealed class HeaderExistsCheck : Check
{
    private readonly string _header;

    public HeaderExistsCheck(string header)
        : base("HeaderExists " + header, CheckNeeds.Headers)
    {
        _header = header;
    }

    public override bool Passes(ref CheckResponse response, ICheckContext context) =>
        response.Headers is not null && response.Headers.ContainsKey(_header);

    public override string Seen(ref CheckResponse response, ICheckContext context) => $"there was no {_header} header";
}
