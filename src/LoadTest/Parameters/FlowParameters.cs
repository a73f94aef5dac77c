using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Net.Http;
using LoadTest.Engine.Checks;
using LoadTest.Engine.Flows;
using LoadTest.Wire;

namespace LoadTest.Parameters;

/// <summary>
/// Compiles -Flow (a list of hashtables, one per step) into a <see cref="Flow"/>, or into the error that stops
/// the run before any request goes out: a step without a URI, an unknown key, a malformed extraction or check,
/// a variable used before any step or data row can set it.
/// </summary>
internal static class FlowParameters
{
    /// <summary>The keys a step takes.</summary>
    public static readonly string[] Keys =
    {
        "Name", "Method", "Uri", "Headers", "Body", "ContentType", "Extract", "Check", "ThinkTime", "ContinueOnFailure",
    };

    private const string Example = "such as @{ Name = 'login'; Method = 'POST'; Uri = '/login'; Body = '{\"user\":\"#{user}\"}'; Extract = @{ token = 'json:/token' } }";

    /// <param name="value">-Flow.</param>
    /// <param name="baseUri">-BaseUri; null when every step's URI is absolute.</param>
    /// <param name="runHeaders">The headers every request of the run carries (-Headers, User-Agent, Authorization).</param>
    /// <param name="dataRows">True when iterations take data rows from the pipeline, whose columns are variables too.</param>
    /// <param name="flow">The compiled flow.</param>
    public static ErrorRecord? TryCreate(object? value, Uri? baseUri, IReadOnlyList<KeyValuePair<string, string>> runHeaders, bool dataRows, out Flow? flow)
    {
        flow = null;
        var items = new List<object?>();
        object? unwrapped = CheckParameters.Unwrap(value);
        if (unwrapped is IEnumerable list and not string and not IDictionary)
        {
            foreach (object? item in list)
            {
                items.Add(item);
            }
        }
        else if (unwrapped is not null)
        {
            items.Add(unwrapped);
        }

        if (items.Count == 0)
        {
            return Error(ErrorIds.InvalidFlow, value, $"-Flow takes a list of steps, each a hashtable {Example}.");
        }

        if (baseUri is not null && (!baseUri.IsAbsoluteUri || baseUri.Scheme is not ("http" or "https")))
        {
            return Error(ErrorIds.InvalidFlow, baseUri, $"-BaseUri '{baseUri}' is not an absolute http or https URI.");
        }

        var known = new HashSet<string>(StringComparer.Ordinal) { Flow.IterationVariable };
        var fromRows = new List<string>();
        var steps = new List<FlowStep>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < items.Count; i++)
        {
            ErrorRecord? error = TryStep(items[i], i, baseUri, out FlowStep? step);
            if (error is not null)
            {
                return error;
            }

            if (!names.Add(step!.Name))
            {
                return Error(ErrorIds.InvalidFlow, step.Name, $"-Flow has two steps named '{step.Name}': each step's numbers are kept under its name.");
            }

            foreach (string used in step.UsedVariables())
            {
                if (!known.Contains(used))
                {
                    if (dataRows)
                    {
                        fromRows.Add(used);
                        known.Add(used);
                    }
                    else
                    {
                        return Error(
                            ErrorIds.FlowVariableNotSet,
                            used,
                            $"Step '{step.Name}' uses #{{{used}}}, which no earlier step extracts and no data row sets (pipe rows, such as Import-Csv users.csv, to give iterations variables). Known here: {string.Join(", ", known)}.");
                    }
                }
            }

            foreach (Extraction extraction in step.Extractions)
            {
                known.Add(extraction.Variable);
            }

            steps.Add(step);
        }

        flow = new Flow(steps, baseUri, runHeaders, fromRows);
        return null;
    }

    private static ErrorRecord? TryStep(object? item, int index, Uri? baseUri, out FlowStep? step)
    {
        step = null;
        string which = string.Create(CultureInfo.InvariantCulture, $"Step {index + 1}");
        List<KeyValuePair<string, object?>>? entries = CheckParameters.EntriesOf(CheckParameters.Unwrap(item));
        if (entries is null)
        {
            return Error(ErrorIds.InvalidFlow, item, $"{which} of -Flow is not a hashtable; each step is one, {Example}.");
        }

        var byKey = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, object?> entry in entries)
        {
            if (Array.FindIndex(Keys, key => key.Equals(entry.Key, StringComparison.OrdinalIgnoreCase)) < 0)
            {
                return Error(ErrorIds.UnknownFlowStepKey, entry.Key, $"{which} of -Flow has no key '{entry.Key}'. A step's keys are {string.Join(", ", Keys)}.");
            }

            byKey[entry.Key] = CheckParameters.Unwrap(entry.Value);
        }

        string name = Text(byKey, "Name") ?? string.Create(CultureInfo.InvariantCulture, $"step{index + 1}");
        which = $"{which} ('{name}')";
        if (Text(byKey, "Uri") is not { Length: > 0 } uriText)
        {
            return Error(ErrorIds.FlowStepWithoutUri, name, $"{which} of -Flow has no Uri: give an absolute URI, or one relative to -BaseUri such as '/items/#{{item}}'.");
        }

        ErrorRecord? error = TryTemplate(uriText, which, "Uri", out TextTemplate? uri);
        if (error is not null)
        {
            return error;
        }

        bool absolute = System.Uri.TryCreate(uriText, UriKind.Absolute, out Uri? given) && given.Scheme is "http" or "https";
        if (uri!.IsLiteral && !absolute && baseUri is null)
        {
            return Error(ErrorIds.FlowStepWithoutUri, uriText, $"{which} of -Flow has the relative URI '{uriText}' but no -BaseUri to resolve it against.");
        }

        error = RequestInputConverter.TryParseMethod(Text(byKey, "Method") ?? "GET", name, out HttpMethod method);
        if (error is not null)
        {
            return error;
        }

        var headers = new List<KeyValuePair<string, TextTemplate>>();
        if (byKey.TryGetValue("Headers", out object? headerValue) && headerValue is not null)
        {
            if (CheckParameters.EntriesOf(headerValue) is not { } pairs)
            {
                return Error(ErrorIds.InvalidFlow, headerValue, $"{which} of -Flow: Headers is a hashtable of names and values.");
            }

            foreach (KeyValuePair<string, object?> pair in pairs)
            {
                string text = CheckParameters.Unwrap(pair.Value)?.ToString() ?? string.Empty;
                if (RequestPayload.ValidateHeader(pair.Key, text.Replace("#{", "x{", StringComparison.Ordinal)) is { } problem)
                {
                    return Error(ErrorIds.InvalidHeader, pair.Key, $"{which} of -Flow: {problem}");
                }

                error = TryTemplate(text, which, "header " + pair.Key, out TextTemplate? header);
                if (error is not null)
                {
                    return error;
                }

                headers.Add(new KeyValuePair<string, TextTemplate>(pair.Key, header!));
            }
        }

        TextTemplate? body = null;
        if (byKey.TryGetValue("Body", out object? bodyValue) && bodyValue is not null)
        {
            if (bodyValue is not string bodyText)
            {
                return Error(ErrorIds.UnsupportedBodyType, bodyValue, $"{which} of -Flow: Body is text (sent as UTF-8), with #{{name}} variables.");
            }

            error = TryTemplate(bodyText, which, "Body", out body);
            if (error is not null)
            {
                return error;
            }
        }

        var extractions = new List<Extraction>();
        if (byKey.TryGetValue("Extract", out object? extractValue) && extractValue is not null)
        {
            if (CheckParameters.EntriesOf(extractValue) is not { } pairs)
            {
                return Error(ErrorIds.InvalidFlowExtraction, extractValue, $"{which} of -Flow: Extract is a hashtable of variable names and sources, such as @{{ token = 'json:/token'; item = 'header:Location' }}.");
            }

            foreach (KeyValuePair<string, object?> pair in pairs)
            {
                if (!TextTemplate.IsName(pair.Key))
                {
                    return Error(ErrorIds.InvalidFlowExtraction, pair.Key, $"{which} of -Flow: '{pair.Key}' is not a variable name (letters, digits, '_', '-' or '.', starting with a letter or '_').");
                }

                string source = CheckParameters.Unwrap(pair.Value)?.ToString() ?? string.Empty;
                if (Extraction.TryParse(pair.Key, source, out string? problem) is not { } extraction)
                {
                    return Error(ErrorIds.InvalidFlowExtraction, source, $"{which} of -Flow: Extract {pair.Key}: {problem}.");
                }

                extractions.Add(extraction);
            }
        }

        CheckSet? checks = null;
        if (byKey.TryGetValue("Check", out object? checkValue) && checkValue is not null)
        {
            error = CheckParameters.TryCreate(checkValue, out checks);
            if (error is not null)
            {
                return error;
            }

            checks = checks?.Scoped(name);
        }

        (TimeSpan thinkMin, TimeSpan thinkMax) = (TimeSpan.Zero, TimeSpan.Zero);
        if (byKey.TryGetValue("ThinkTime", out object? thinkValue) && thinkValue is not null)
        {
            if (!TryThinkTime(thinkValue, out thinkMin, out thinkMax))
            {
                return Error(ErrorIds.InvalidFlow, thinkValue, $"{which} of -Flow: ThinkTime is a duration ('500ms', 2, a TimeSpan) or a range of two (@('1s', '3s')).");
            }
        }

        bool goOn = byKey.TryGetValue("ContinueOnFailure", out object? goOnValue) && LanguagePrimitives.IsTrue(goOnValue);
        step = new FlowStep(name, method, uri, headers, body, Text(byKey, "ContentType"), extractions, checks, thinkMin, thinkMax, goOn);
        return null;
    }

    private static bool TryThinkTime(object value, out TimeSpan min, out TimeSpan max)
    {
        min = max = TimeSpan.Zero;
        if (value is IEnumerable range and not string)
        {
            var bounds = new List<TimeSpan>();
            foreach (object? bound in range)
            {
                if (!DurationTransformationAttribute.TryConvert(bound, out TimeSpan span))
                {
                    return false;
                }

                bounds.Add(span);
            }

            if (bounds.Count != 2 || bounds[0] < TimeSpan.Zero || bounds[1] < bounds[0])
            {
                return false;
            }

            (min, max) = (bounds[0], bounds[1]);
            return true;
        }

        if (!DurationTransformationAttribute.TryConvert(value, out min) || min < TimeSpan.Zero)
        {
            return false;
        }

        max = min;
        return true;
    }

    private static ErrorRecord? TryTemplate(string text, string which, string what, out TextTemplate? template)
    {
        template = TextTemplate.TryParse(text, out string? problem);
        return template is null ? Error(ErrorIds.InvalidFlow, text, $"{which} of -Flow, {what}: {problem}.") : null;
    }

    private static string? Text(Dictionary<string, object?> byKey, string key) =>
        byKey.TryGetValue(key, out object? value) && value is not null ? value.ToString() : null;

    private static ErrorRecord Error(string id, object? target, string message) =>
        ErrorRecordFactory.Create(id, ErrorCategory.InvalidArgument, target, message);
}
