using System.Text.Json;

namespace LoadTest.Engine.Checks;

/// <summary>The body is JSON and the value at a pointer equals the expected text (see <see cref="JsonValueText"/>).</summary>
internal sealed class JsonEqualsCheck : Check
{
    private readonly JsonPointer _pointer;
    private readonly CheckText _expected;

    public JsonEqualsCheck(JsonPointer pointer, CheckText expected)
        : base($"Json {pointer.Text} == {expected.Text}", CheckNeeds.Body)
    {
        _pointer = pointer;
        _expected = expected;
    }

    public override bool Passes(ref CheckResponse response, ICheckContext context) =>
        _pointer.Find(response.Body.Span, out Utf8JsonReader value) == JsonLookup.Found
        && JsonValueText.EqualsText(ref value, response.Body, _expected, context);

    public override string Seen(ref CheckResponse response, ICheckContext context) =>
        JsonSeen.At(ref response, _pointer);
}
