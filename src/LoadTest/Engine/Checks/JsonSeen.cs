using System.Text.Json;

namespace LoadTest.Engine.Checks;

/// <summary>What a response held at a JSON Pointer, for the error of a failed JSON check.</summary>
internal static class JsonSeen
{
    public static string At(ref CheckResponse response, JsonPointer pointer)
    {
        if (!response.TryGetJson(out JsonElement root, out string? error))
        {
            return error + ": " + Excerpt.OfBody(ref response);
        }

        string where = pointer.Text.Length == 0 ? "the document" : pointer.Text;
        return pointer.TryFind(root, out JsonElement value)
            ? where + " was " + JsonValueText.Describe(value)
            : $"there was no {where} in " + Excerpt.Of(root.GetRawText());
    }
}
