using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net;
using LoadTest.Engine.Checks;
using LoadTest.Wire;

namespace LoadTest.Engine.Flows;

/// <summary>
/// The state of one iteration of a flow, as one virtual user holds it: its variables (the data row's columns,
/// its index, and what earlier steps extracted) and its own cookie jar. Nothing of it outlives the iteration.
/// </summary>
internal sealed class FlowIteration : ICheckContext
{
    private static readonly ConcurrentDictionary<string, TextTemplate?> s_checkTemplates = new(StringComparer.Ordinal);

    private readonly Dictionary<string, string> _variables;
    private CookieContainer? _cookies;

    public FlowIteration(long index, IReadOnlyDictionary<string, string>? row)
    {
        Index = index;
        _variables = row is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(row, StringComparer.Ordinal);
        _variables[Flow.IterationVariable] = index.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public long Index { get; }

    public IReadOnlyDictionary<string, string> Variables => _variables;

    public void Set(string name, string value) => _variables[name] = value;

    /// <summary>True once a response of this iteration set a cookie.</summary>
    public bool HasCookies => _cookies is not null;

    /// <summary>Keeps the cookies a response to this request set, in this iteration's jar.</summary>
    public void TakeCookies(RequestSpec request, HeaderDictionary? headers)
    {
        if (headers is not null && headers.TryGetValue("Set-Cookie", out string? setCookie))
        {
            _cookies ??= new CookieContainer();
            try
            {
                _cookies.SetCookies(request.Uri, setCookie);
            }
            catch (CookieException)
            {
                // A malformed cookie is the server's mistake: the request's result already says what came back.
            }
        }
    }

    /// <summary>The Cookie header this iteration sends to a URI; null when its jar holds none for it.</summary>
    public string? CookieHeader(Uri uri)
    {
        string? header = _cookies?.GetCookieHeader(uri);
        return string.IsNullOrEmpty(header) ? null : header;
    }

    /// <summary>A cookie's value from the jar, for a 'cookie:' extraction.</summary>
    public string? Cookie(Uri uri, string name) => _cookies?.GetCookies(uri)[name]?.Value;

    /// <inheritdoc/>
    public string Resolve(string template)
    {
        TextTemplate? parsed = s_checkTemplates.GetOrAdd(template, static text => TextTemplate.TryParse(text, out _));
        return parsed?.Render(_variables, out _) ?? template;
    }
}
