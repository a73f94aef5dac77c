using System;
using System.Text.Json;
using System.Text.RegularExpressions;
using LoadTest.Engine.Checks;

namespace LoadTest.Engine.Flows;

/// <summary>
/// Takes one value from a step's response into a variable of its iteration: a JSON value at a JSON Pointer
/// ('json:/token'), the first group of a regex over the body ('regex:id=(\d+)'), a header ('header:Location'),
/// or a cookie the response set ('cookie:session').
/// </summary>
internal sealed class Extraction
{
    private static readonly TimeSpan s_matchTimeout = TimeSpan.FromSeconds(1);

    private readonly JsonPointer? _pointer;
    private readonly Regex? _regex;

    private Extraction(string variable, ExtractionKind kind, string source, JsonPointer? pointer, Regex? regex)
    {
        Variable = variable;
        Kind = kind;
        Source = source;
        _pointer = pointer;
        _regex = regex;
    }

    /// <summary>The variable it sets.</summary>
    public string Variable { get; }

    public ExtractionKind Kind { get; }

    /// <summary>The pointer, pattern, header or cookie name, as written.</summary>
    public string Source { get; }

    /// <summary>True when it reads the body.</summary>
    public bool NeedsBody => Kind is ExtractionKind.Json or ExtractionKind.Regex;

    /// <summary>Parses 'kind:source'; null, with the reason, when it is not one.</summary>
    public static Extraction? TryParse(string variable, string text, out string? error)
    {
        error = null;
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        string kind = colon < 0 ? string.Empty : text[..colon].Trim();
        string source = colon < 0 ? string.Empty : text[(colon + 1)..];
        switch (kind.ToLowerInvariant())
        {
            case "json":
                JsonPointer? pointer = JsonPointer.TryParse(source, out error);
                return pointer is null ? null : new Extraction(variable, ExtractionKind.Json, source, pointer, null);
            case "regex":
                try
                {
                    var regex = new Regex(source, RegexOptions.CultureInvariant, s_matchTimeout);
                    return new Extraction(variable, ExtractionKind.Regex, source, null, regex);
                }
                catch (ArgumentException ex)
                {
                    error = $"'{source}' is not a valid regex: {ex.Message}";
                    return null;
                }

            case "header":
            case "cookie":
                if (source.Trim().Length == 0)
                {
                    error = $"'{text}' names no {kind.ToLowerInvariant()}";
                    return null;
                }

                return new Extraction(variable, kind.Equals("header", StringComparison.OrdinalIgnoreCase) ? ExtractionKind.Header : ExtractionKind.Cookie, source.Trim(), null, null);
            default:
                error = $"'{text}' is not 'json:/pointer', 'regex:pattern', 'header:Name' or 'cookie:Name'";
                return null;
        }
    }

    /// <summary>The value in this response; null when it has none (a cookie is read by the iteration's jar instead).</summary>
    public string? Extract(ref CheckResponse response)
    {
        switch (Kind)
        {
            case ExtractionKind.Json:
                if (!response.TryGetJson(out JsonElement root, out _) || !_pointer!.TryFind(root, out JsonElement value))
                {
                    return null;
                }

                return value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.Null or JsonValueKind.Undefined => null,
                    _ => value.GetRawText(),
                };
            case ExtractionKind.Regex:
                try
                {
                    Match match = _regex!.Match(response.Text().ToString());
                    return !match.Success ? null : match.Groups.Count > 1 ? match.Groups[1].Value : match.Value;
                }
                catch (RegexMatchTimeoutException)
                {
                    return null;
                }

            case ExtractionKind.Header:
                return response.Headers is not null && response.Headers.TryGetValue(Source, out string? header) ? header : null;
            default:
                return null;
        }
    }

    public override string ToString() => $"{Variable} = {Kind.ToString().ToLowerInvariant()}:{Source}";
}
