using System.Text.Json;
using System.Text.RegularExpressions;

namespace LoadTest.Engine.Checks;

/// <summary>
/// The body is JSON and the value at a pointer matches a regular expression: a string by its value, any
/// other value by its JSON text (so '^\d+$' matches the number 42).
/// </summary>
internal sealed class JsonMatchesCheck : Check
{
    private readonly JsonPointer _pointer;
    private readonly Regex _pattern;

    public JsonMatchesCheck(JsonPointer pointer, Regex pattern)
        : base($"JsonMatches {pointer.Text} {pattern}", CheckNeeds.Body)
    {
        _pointer = pointer;
        _pattern = pattern;
    }

    public override bool Passes(ref CheckResponse response, ICheckContext context) =>
        _pointer.Find(response.Body.Span, out Utf8JsonReader value) == JsonLookup.Found
        && CheckPattern.IsMatch(_pattern, JsonValueText.ForMatching(ref value, response.Body), out _);

    public override string Seen(ref CheckResponse response, ICheckContext context)
    {
        if (response.TryGetJson(out JsonElement root, out _) && _pointer.TryFind(root, out JsonElement value))
        {
            CheckPattern.IsMatch(_pattern, JsonValueText.ForMatching(value), out bool timedOut);
            if (timedOut)
            {
                return CheckPattern.TimedOut;
            }
        }

        return JsonSeen.At(ref response, _pointer);
    }
}
