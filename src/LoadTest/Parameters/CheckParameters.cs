using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Text.RegularExpressions;
using LoadTest.Engine;
using LoadTest.Engine.Checks;

namespace LoadTest.Parameters;

/// <summary>
/// Turns -Check (a hashtable such as @{ StatusCode = 200; Json = @{ '/status' = 'ok' }; MaxMs = 500 }) into
/// a compiled <see cref="CheckSet"/>, or into the ErrorRecord that says what is wrong with it, before any
/// request is sent. Keys are case-insensitive; the checks take a fixed order by kind (status, latency,
/// headers, body, JSON), and a plain hashtable's entries are sorted, so that every process that compiles the
/// same -Check (a remote session's too) names and orders the checks the same way.
/// </summary>
internal static class CheckParameters
{
    /// <summary>The keys -Check takes, in the order their checks are made.</summary>
    public static readonly string[] Keys =
    {
        "StatusCode", "MaxMs", "Header", "HeaderExists", "BodyContains", "BodyMatches", "Json", "JsonExists", "JsonMatches",
    };

    private const string Example = "such as @{ StatusCode = 200; Json = @{ '/status' = 'ok' }; MaxMs = 500 }";

    /// <summary>Compiles -Check; null (and no error) when <paramref name="value"/> is null.</summary>
    public static ErrorRecord? TryCreate(object? value, out CheckSet? checks)
    {
        checks = null;
        value = Unwrap(value);
        if (value is null)
        {
            return null;
        }

        List<KeyValuePair<string, object?>>? entries = EntriesOf(value);
        if (entries is null || entries.Count == 0)
        {
            return Error(ErrorIds.InvalidCheck, value, $"-Check takes a hashtable of checks, {Example}.");
        }

        var byKey = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, object?> entry in entries)
        {
            if (Array.FindIndex(Keys, key => key.Equals(entry.Key, StringComparison.OrdinalIgnoreCase)) < 0)
            {
                return Error(ErrorIds.UnknownCheckKey, entry.Key, $"-Check has no key '{entry.Key}'. Its keys are {string.Join(", ", Keys)}.");
            }

            if (!byKey.TryAdd(entry.Key, entry.Value))
            {
                return Error(ErrorIds.InvalidCheck, entry.Key, $"-Check gives '{entry.Key}' twice.");
            }
        }

        var list = new List<Check>();
        foreach (string key in Keys)
        {
            if (byKey.TryGetValue(key, out object? item) && Add(list, key, Unwrap(item)) is { } error)
            {
                return error;
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var distinct = new List<Check>(list.Count);
        foreach (Check check in list)
        {
            // The same check twice (BodyContains = 'a', 'a') is one check.
            if (names.Add(check.Name))
            {
                distinct.Add(check);
            }
        }

        if (distinct.Count > CheckSet.MaxChecks)
        {
            return Error(ErrorIds.InvalidCheck, value, string.Create(CultureInfo.InvariantCulture, $"-Check holds {distinct.Count} checks; at most {CheckSet.MaxChecks} are allowed."));
        }

        checks = new CheckSet(distinct);
        return null;
    }

    private static ErrorRecord? Add(List<Check> checks, string key, object? value)
    {
        switch (key)
        {
            case "StatusCode":
                return AddStatusCode(checks, value);
            case "MaxMs":
                if (!TryNumber(value, out double maxMs) || maxMs <= 0 || double.IsInfinity(maxMs))
                {
                    return Error(ErrorIds.InvalidCheckValue, value, "-Check MaxMs takes a number of milliseconds above 0, such as MaxMs = 500.");
                }

                checks.Add(new MaxMsCheck(maxMs));
                return null;
            case "Header":
                return ForEachEntry(key, value, "@{ 'Content-Type' = '^application/json' }", (name, pattern) =>
                    CheckHeaderName(name) ?? TryPattern(key, pattern, out Regex? regex) ?? AddThen(checks, new HeaderMatchesCheck(name, regex!)));
            case "HeaderExists":
                return ForEachText(key, value, "'ETag' or @('ETag', 'Location')", name =>
                    CheckHeaderName(name) ?? AddThen(checks, new HeaderExistsCheck(name)));
            case "BodyContains":
                return ForEachText(key, value, "'\"status\":\"ok\"' or @('a', 'b')", text =>
                    text.Length == 0
                        ? Error(ErrorIds.InvalidCheckValue, text, "-Check BodyContains takes text that is not empty.")
                        : AddThen(checks, new BodyContainsCheck(new CheckText(text))));
            case "BodyMatches":
                return ForEachText(key, value, "'^\\{' or @('a', 'b')", pattern =>
                    TryPattern(key, pattern, out Regex? regex) ?? AddThen(checks, new BodyMatchesCheck(regex!)));
            case "Json":
                return ForEachEntry(key, value, "@{ '/status' = 'ok'; '/count' = 3 }", (pointerText, expected) =>
                    TryPointer(pointerText, out JsonPointer? pointer) ?? TryExpected(pointerText, expected, out string? text)
                    ?? AddThen(checks, new JsonEqualsCheck(pointer!, new CheckText(text!))));
            case "JsonExists":
                return ForEachText(key, value, "'/id' or @('/id', '/items/0')", pointerText =>
                    TryPointer(pointerText, out JsonPointer? pointer) ?? AddThen(checks, new JsonExistsCheck(pointer!)));
            default:
                return ForEachEntry(key, value, "@{ '/id' = '^\\d+$' }", (pointerText, pattern) =>
                    TryPointer(pointerText, out JsonPointer? pointer) ?? TryPattern(key, pattern, out Regex? regex)
                    ?? AddThen(checks, new JsonMatchesCheck(pointer!, regex!)));
        }
    }

    private static ErrorRecord? AddStatusCode(List<Check> checks, object? value)
    {
        var codes = new List<int>();
        var parts = new List<string>();
        foreach (object? item in ItemsOf(value))
        {
            object? code = Unwrap(item);
            if (IsInteger(code, out long number) && number is >= 100 and <= 999)
            {
                codes.Add((int)number);
                parts.Add(number.ToString(CultureInfo.InvariantCulture));
                continue;
            }

            if (code is string text && TryRange(text.Trim(), codes, parts))
            {
                continue;
            }

            return Error(ErrorIds.InvalidCheckStatusCode, code, $"-Check StatusCode takes codes from 100 to 999 and ranges: 200, @(200, 201) or '200-299'; '{code}' is none of them.");
        }

        if (codes.Count == 0)
        {
            return Error(ErrorIds.InvalidCheckStatusCode, value, "-Check StatusCode takes at least one code, such as 200 or '200-299'.");
        }

        checks.Add(new StatusCodeCheck(StatusCodeSet.Of(codes), string.Join(",", parts)));
        return null;
    }

    /// <summary>"201", or "200-299": adds its codes; false when the text is neither.</summary>
    private static bool TryRange(string text, List<int> codes, List<string> parts)
    {
        int dash = text.IndexOf('-', StringComparison.Ordinal);
        string firstText = dash < 0 ? text : text[..dash].Trim();
        string lastText = dash < 0 ? text : text[(dash + 1)..].Trim();
        if (!int.TryParse(firstText, NumberStyles.None, CultureInfo.InvariantCulture, out int first)
            || !int.TryParse(lastText, NumberStyles.None, CultureInfo.InvariantCulture, out int last)
            || first < 100 || last > 999 || first > last)
        {
            return false;
        }

        for (int code = first; code <= last; code++)
        {
            codes.Add(code);
        }

        parts.Add(first == last ? first.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{first}-{last}"));
        return true;
    }

    /// <summary>A literal a JSON value is compared with: text, a number, true or false, or $null (JSON null).</summary>
    private static ErrorRecord? TryExpected(string pointer, object? value, out string? text)
    {
        value = Unwrap(value);
        text = value switch
        {
            null => "null",
            string s => s,
            bool flag => flag ? "true" : "false",
            char c => c.ToString(),
            _ when IsNumber(value) => Convert.ToString(value, CultureInfo.InvariantCulture),
            _ => null,
        };
        return text is not null ? null : Error(
            ErrorIds.InvalidCheckValue,
            value,
            $"-Check Json '{pointer}' takes a text, a number, $true, $false or $null to compare with, not a {value!.GetType().Name}; give an object or array as JSON text, such as '[1,2]'.");
    }

    private static ErrorRecord? TryPointer(string text, out JsonPointer? pointer)
    {
        pointer = JsonPointer.TryParse(text, out string? why);
        return pointer is not null ? null : Error(ErrorIds.InvalidJsonPointer, text, $"-Check: {why}.");
    }

    private static ErrorRecord? TryPattern(string key, object? value, out Regex? regex)
    {
        regex = null;
        value = Unwrap(value);
        if (value is not string pattern || pattern.Length == 0)
        {
            return Error(ErrorIds.InvalidCheckValue, value, $"-Check {key} takes a regular expression as text that is not empty.");
        }

        try
        {
            regex = CheckPattern.Compile(pattern);
            return null;
        }
        catch (ArgumentException ex)
        {
            return Error(ErrorIds.InvalidCheckPattern, pattern, $"-Check {key}: '{pattern}' is not a valid regular expression: {ex.Message}");
        }
    }

    private static ErrorRecord? CheckHeaderName(string name)
    {
        foreach (char c in name)
        {
            if (c <= ' ' || c >= 127 || c == ':')
            {
                return Error(ErrorIds.InvalidCheckValue, name, $"-Check: '{name}' is not a header name.");
            }
        }

        return name.Length == 0 ? Error(ErrorIds.InvalidCheckValue, name, "-Check: a header name is empty.") : null;
    }

    private static ErrorRecord? AddThen(List<Check> checks, Check check)
    {
        checks.Add(check);
        return null;
    }

    /// <summary>Each text of a value that is one text or a list of them.</summary>
    private static ErrorRecord? ForEachText(string key, object? value, string example, Func<string, ErrorRecord?> each)
    {
        bool any = false;
        foreach (object? item in ItemsOf(value))
        {
            object? text = Unwrap(item);
            if (text is not string && !IsNumber(text))
            {
                return Error(ErrorIds.InvalidCheckValue, text, $"-Check {key} takes text or a list of texts, such as {key} = {example}.");
            }

            any = true;
            if (each(Convert.ToString(text, CultureInfo.InvariantCulture)!) is { } error)
            {
                return error;
            }
        }

        return any ? null : Error(ErrorIds.InvalidCheckValue, value, $"-Check {key} is empty; give {key} = {example}.");
    }

    /// <summary>Each entry of a hashtable value: a plain hashtable's sorted by key, an ordered one's as given.</summary>
    private static ErrorRecord? ForEachEntry(string key, object? value, string example, Func<string, object?, ErrorRecord?> each)
    {
        List<KeyValuePair<string, object?>>? entries = EntriesOf(value);
        if (entries is null || entries.Count == 0)
        {
            return Error(ErrorIds.InvalidCheckValue, value, $"-Check {key} takes a hashtable, such as {key} = {example}.");
        }

        foreach (KeyValuePair<string, object?> entry in entries)
        {
            if (each(entry.Key, entry.Value) is { } error)
            {
                return error;
            }
        }

        return null;
    }

    internal static List<KeyValuePair<string, object?>>? EntriesOf(object? value)
    {
        value = Unwrap(value);
        var entries = new List<KeyValuePair<string, object?>>();
        switch (value)
        {
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                {
                    entries.Add(new(Convert.ToString(Unwrap(entry.Key), CultureInfo.InvariantCulture) ?? string.Empty, entry.Value));
                }

                if (dictionary is Hashtable)
                {
                    // A hashtable's order is its hash codes', which differ from process to process.
                    entries.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
                }

                return entries;
            case PSObject { BaseObject: PSCustomObject } custom:
                foreach (PSPropertyInfo property in custom.Properties)
                {
                    entries.Add(new(property.Name, property.Value));
                }

                return entries;
            default:
                return null;
        }
    }

    private static IEnumerable<object?> ItemsOf(object? value)
    {
        value = Unwrap(value);
        if (value is IEnumerable list and not string and not IDictionary)
        {
            foreach (object? item in list)
            {
                yield return item;
            }
        }
        else
        {
            yield return value;
        }
    }

    private static bool TryNumber(object? value, out double number)
    {
        value = Unwrap(value);
        number = 0;
        if (IsNumber(value))
        {
            number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
            return true;
        }

        return value is string text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number);
    }

    private static bool IsInteger(object? value, out long number)
    {
        switch (value)
        {
            case int or long or short or byte or sbyte or ushort or uint:
                number = Convert.ToInt64(value, CultureInfo.InvariantCulture);
                return true;
            default:
                number = 0;
                return false;
        }
    }

    private static bool IsNumber(object? value) =>
        value is int or long or short or byte or sbyte or ushort or uint or ulong or double or float or decimal;

    internal static object? Unwrap(object? value) => value is PSObject { BaseObject: not PSCustomObject } ps ? ps.BaseObject : value;

    private static ErrorRecord Error(string id, object? target, string message) =>
        ErrorRecordFactory.Create(id, ErrorCategory.InvalidArgument, target, message);
}
