using System.Text.Json;

namespace LoadTest.Engine.Checks;

/// <summary>The body is JSON and has a value (null included) at a pointer.</summary>
internal sealed class JsonExistsCheck : Check
{
    private readonly JsonPointer _pointer;

    public JsonExistsCheck(JsonPointer pointer)
        : base("JsonExists " + pointer.Text, CheckNeeds.Body)
    {
        _pointer = pointer;
    }

    public override bool Passes(ref CheckResponse response, ICheckContext context) =>
        _pointer.Find(response.Body.Span, out _) == JsonLookup.Found;

    public override string Seen(ref CheckResponse response, ICheckContext context) =>
        JsonSeen.At(ref response, _pointer);
}
