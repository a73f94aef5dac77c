using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using LoadTest.Wire;

namespace LoadTest.Parameters;

/// <summary>
/// Turns parameter values and pipeline objects (strings, Uris, objects or hashtables with a Uri property
/// and optional Method, Body, Headers, ContentType) into request specs, or into an ErrorRecord that
/// says what is wrong with the item.
/// </summary>
internal sealed class RequestInputConverter
{
    private readonly HttpMethod _method;
    private readonly RequestPayload _payload;
    private readonly Dictionary<string, string> _headers;
    private readonly Func<object?, ErrorRecord>? _refuseHttp;

    private RequestInputConverter(HttpMethod method, RequestPayload payload, Dictionary<string, string> headers, Func<object?, ErrorRecord>? refuseHttp)
    {
        _method = method;
        _payload = payload;
        _headers = headers;
        _refuseHttp = refuseHttp;
    }

    public HttpMethod Method => _method;

    /// <summary>Headers and body of every request; with a body template, each request takes <see cref="RequestPayload.ForIndex"/>.</summary>
    public RequestPayload Payload => _payload;

    /// <summary>Validates the run-wide -Method, -Headers, -Cookie, -Body (a string with {0} is a template) and -ContentType.</summary>
    /// <param name="method">-Method.</param>
    /// <param name="headers">-Headers; they win over <paramref name="userAgent"/> and <paramref name="authorization"/>.</param>
    /// <param name="cookie">-Cookie.</param>
    /// <param name="body">-Body, or the bytes of -InFile.</param>
    /// <param name="contentType">-ContentType.</param>
    /// <param name="userAgent">The User-Agent header; null for none.</param>
    /// <param name="authorization">The Authorization header of -Authentication; null for none. Never put in a message.</param>
    /// <param name="refuseHttp">The error for a plain http item when requests carry -Authentication; null when http is fine.</param>
    /// <param name="error">What is wrong, or null.</param>
    public static RequestInputConverter Create(
        string method,
        IDictionary? headers,
        object? cookie,
        object? body,
        string? contentType,
        string? userAgent,
        string? authorization,
        Func<object?, ErrorRecord>? refuseHttp,
        out ErrorRecord? error)
    {
        var headerMap = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        byte[]? bodyBytes = null;
        IndexTemplate? bodyTemplate = null;
        HttpMethod httpMethod = HttpMethod.Get;
        error = TryParseMethod(method, method, out httpMethod)
            ?? AddHeaders(headers, headers, headerMap)
            ?? AddCookie(cookie, headerMap)
            ?? AddDefault("User-Agent", userAgent, userAgent, headerMap)
            ?? AddDefault("Authorization", authorization, "Authorization", headerMap)
            ?? TryGetBodyTemplate(body, out bodyTemplate)
            ?? (bodyTemplate is null ? TryGetBody(body, body, out bodyBytes) : null);
        var payload = new RequestPayload(ToList(headerMap), bodyBytes, contentType, bodyTemplate);
        return new RequestInputConverter(httpMethod, payload, headerMap, refuseHttp);
    }

    /// <summary>Validates an absolute http or https URI.</summary>
    public static ErrorRecord? TryParseUri(object? value, object? target, out Uri? uri)
    {
        uri = null;
        value = Unwrap(value);
        string? text = value is Uri given ? given.OriginalString : value?.ToString();
        if (string.IsNullOrWhiteSpace(text))
        {
            return Error(ErrorIds.InvalidUri, ErrorCategory.InvalidArgument, target, "The URI is empty. Give an absolute http or https URI.");
        }

        if (value is Uri asUri && asUri.IsAbsoluteUri)
        {
            uri = asUri;
        }
        else if (!Uri.TryCreate(text, UriKind.Absolute, out uri))
        {
            uri = null;
            bool relative = Uri.TryCreate(text, UriKind.Relative, out _);
            return Error(ErrorIds.InvalidUri, ErrorCategory.InvalidArgument, target, relative
                ? RelativeMessage(text)
                : $"The URI '{text}' is not a valid URI.");
        }

        if (uri.IsFile && !text.TrimStart().StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            // On Linux and macOS System.Uri reads "/rel" as the file path file:///rel; what was meant is a relative URI.
            uri = null;
            return Error(ErrorIds.InvalidUri, ErrorCategory.InvalidArgument, target, RelativeMessage(text));
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            string scheme = uri.Scheme;
            uri = null;
            return Error(ErrorIds.UnsupportedUriScheme, ErrorCategory.InvalidArgument, target, $"The URI scheme '{scheme}' is not supported. Use http or https.");
        }

        return null;
    }

    /// <summary>Parses -Uri as a template ({0} is the request index, {{ and }} are braces).</summary>
    public static ErrorRecord? TryParseUriTemplate(string text, out IndexTemplate? template)
    {
        string? problem = IndexTemplate.TryParse(text, out template);
        return problem is null
            ? null
            : Error(ErrorIds.InvalidUriTemplate, ErrorCategory.InvalidArgument, text, $"The -Uri template '{text}' is not valid: {problem}. Write a literal brace in a URI as %7B or %7D.");
    }

    /// <summary>Converts one pipeline item; <paramref name="index"/> is its input position.</summary>
    public ErrorRecord? TryConvert(object? input, long index, out RequestSpec? spec)
    {
        spec = null;
        object? value = Unwrap(input);
        if (value is null)
        {
            return Error(ErrorIds.NullInput, ErrorCategory.InvalidArgument, input, "A null item arrived in the pipeline. Each item must be a URI or an object with a Uri property.");
        }

        if (value is string || value is Uri)
        {
            ErrorRecord? uriError = TryParseUri(value, input, out Uri? uri) ?? RefuseHttp(uri!, input);
            if (uriError is null)
            {
                spec = new RequestSpec(index, _method, uri!, _payload.ForIndex(index));
            }

            return uriError;
        }

        object? uriValue = GetMember(input!, value, "Uri");
        if (uriValue is null || (uriValue is string s && string.IsNullOrWhiteSpace(s)))
        {
            return Error(ErrorIds.MissingUri, ErrorCategory.InvalidData, input, "The input object has no Uri property, or it is empty. Give each item a Uri (for example a Uri column in the CSV).");
        }

        ErrorRecord? error = TryParseUri(uriValue, input, out Uri? rowUri) ?? RefuseHttp(rowUri!, input);
        if (error is not null)
        {
            return error;
        }

        object? rowMethod = GetMember(input!, value, "Method");
        object? rowBody = GetMember(input!, value, "Body");
        object? rowHeaders = GetMember(input!, value, "Headers");
        object? rowContentType = GetMember(input!, value, "ContentType");

        HttpMethod method = _method;
        string? methodText = Unwrap(rowMethod)?.ToString();
        if (!string.IsNullOrWhiteSpace(methodText))
        {
            error = TryParseMethod(methodText, input, out method);
            if (error is not null)
            {
                return error;
            }
        }

        RequestPayload payload = _payload;
        string? contentType = Unwrap(rowContentType)?.ToString();
        bool hasBody = Unwrap(rowBody) is not null && !(Unwrap(rowBody) is string bodyText && bodyText.Length == 0);
        bool hasHeaders = Unwrap(rowHeaders) is not null && !(Unwrap(rowHeaders) is string headerText && string.IsNullOrWhiteSpace(headerText));
        if (hasBody || hasHeaders || !string.IsNullOrEmpty(contentType))
        {
            var headers = new Dictionary<string, string>(_headers, StringComparer.OrdinalIgnoreCase);
            byte[]? body = _payload.Body;
            error = (hasHeaders ? AddHeaders(Unwrap(rowHeaders), input, headers) : null)
                ?? (hasBody ? TryGetBody(rowBody, input, out body) : null);
            if (error is not null)
            {
                return error;
            }

            // A row's own body is sent as it is; without one, the row keeps -Body, template or not.
            payload = new RequestPayload(ToList(headers), body, string.IsNullOrEmpty(contentType) ? _payload.ContentType : contentType, hasBody ? null : _payload.BodyTemplate);
        }

        spec = new RequestSpec(index, method, rowUri!, payload.ForIndex(index));
        return null;
    }

    internal static ErrorRecord? TryParseMethod(string? text, object? target, out HttpMethod method)
    {
        method = HttpMethod.Get;
        if (string.IsNullOrWhiteSpace(text))
        {
            return Error(ErrorIds.InvalidMethod, ErrorCategory.InvalidArgument, target, "The HTTP method is empty.");
        }

        try
        {
            method = new HttpMethod(text.Trim().ToUpperInvariant());
            return null;
        }
        catch (FormatException)
        {
            return Error(ErrorIds.InvalidMethod, ErrorCategory.InvalidArgument, target, $"'{text}' is not a valid HTTP method. Use a method such as GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS.");
        }
    }

    private static ErrorRecord? AddHeaders(object? headers, object? target, Dictionary<string, string> into)
    {
        headers = Unwrap(headers);
        if (headers is null)
        {
            return null;
        }

        if (headers is string json)
        {
            try
            {
                using JsonDocument document = JsonDocument.Parse(json);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return HeadersTypeError(target);
                }

                foreach (JsonProperty property in document.RootElement.EnumerateObject())
                {
                    string value = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() ?? string.Empty : property.Value.GetRawText();
                    ErrorRecord? error = AddHeader(property.Name, value, target, into);
                    if (error is not null)
                    {
                        return error;
                    }
                }

                return null;
            }
            catch (JsonException)
            {
                return HeadersTypeError(target);
            }
        }

        if (headers is not IDictionary dictionary)
        {
            return HeadersTypeError(target);
        }

        foreach (DictionaryEntry entry in dictionary)
        {
            object? raw = Unwrap(entry.Value);
            string value = raw is IEnumerable list && raw is not string
                ? JoinValues(list)
                : raw?.ToString() ?? string.Empty;
            ErrorRecord? error = AddHeader(Unwrap(entry.Key)?.ToString() ?? string.Empty, value, target, into);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    /// <summary>-Cookie: a "name=value; name2=value2" string or a hashtable, sent as one Cookie header.</summary>
    private static ErrorRecord? AddCookie(object? cookie, Dictionary<string, string> into)
    {
        cookie = Unwrap(cookie);
        if (cookie is null)
        {
            return null;
        }

        string value;
        if (cookie is IDictionary pairs)
        {
            var builder = new StringBuilder();
            foreach (DictionaryEntry entry in pairs)
            {
                if (builder.Length > 0)
                {
                    builder.Append("; ");
                }

                builder.Append(Unwrap(entry.Key)).Append('=').Append(Unwrap(entry.Value));
            }

            value = builder.ToString();
        }
        else if (cookie is string text)
        {
            value = text;
        }
        else
        {
            return Error(ErrorIds.UnsupportedCookieType, ErrorCategory.InvalidType, cookie, "-Cookie must be a string such as 'session=abc; theme=dark' or a hashtable of names and values.");
        }

        return AddHeader("Cookie", value, cookie, into);
    }

    private static ErrorRecord? AddHeader(string name, string value, object? target, Dictionary<string, string> into)
    {
        string? problem = RequestPayload.ValidateHeader(name, value);
        if (problem is not null)
        {
            return Error(ErrorIds.InvalidHeader, ErrorCategory.InvalidArgument, target, problem);
        }

        into[name] = value;
        return null;
    }

    /// <summary>A header the run adds by itself (User-Agent, Authorization): -Headers wins, as in Invoke-WebRequest.</summary>
    private static ErrorRecord? AddDefault(string name, string? value, object? target, Dictionary<string, string> into) =>
        value is null || into.ContainsKey(name) ? null : AddHeader(name, value, target, into);

    private static ErrorRecord HeadersTypeError(object? target) =>
        Error(ErrorIds.UnsupportedHeadersType, ErrorCategory.InvalidType, target, "Headers must be a hashtable (or dictionary), or a JSON object string such as {\"X-Id\":\"1\"}.");

    private static string JoinValues(IEnumerable values)
    {
        var builder = new StringBuilder();
        foreach (object? item in values)
        {
            if (builder.Length > 0)
            {
                builder.Append(", ");
            }

            builder.Append(Unwrap(item));
        }

        return builder.ToString();
    }

    /// <summary>A string -Body with a format item on {0} is a template, and must be a valid one; any other body is sent as it is.</summary>
    private static ErrorRecord? TryGetBodyTemplate(object? body, out IndexTemplate? template)
    {
        template = null;
        if (Unwrap(body) is not string text || !IndexTemplate.LooksLikeTemplate(text))
        {
            return null;
        }

        string? problem = IndexTemplate.TryParse(text, out template);
        return problem is null
            ? null
            : Error(ErrorIds.InvalidBodyTemplate, ErrorCategory.InvalidArgument, text, $"-Body has {{0}}, so it is a template, but {problem}. For example -Body '{{{{\"id\":{{0}}}}}}' sends {{\"id\":0}}, {{\"id\":1}}, ...");
    }

    private static string RelativeMessage(string text) =>
        $"The URI '{text}' is relative. Give an absolute http or https URI, such as http://127.0.0.1:8080/path.";

    private ErrorRecord? RefuseHttp(Uri uri, object? target) =>
        _refuseHttp is not null && uri.Scheme == Uri.UriSchemeHttp ? _refuseHttp(target) : null;

    private static ErrorRecord? TryGetBody(object? body, object? target, out byte[]? bytes)
    {
        body = Unwrap(body);
        switch (body)
        {
            case null:
                bytes = null;
                return null;
            case byte[] raw:
                bytes = raw;
                return null;
            case string text:
                bytes = Encoding.UTF8.GetBytes(text);
                return null;
            default:
                bytes = null;
                return Error(ErrorIds.UnsupportedBodyType, ErrorCategory.InvalidType, target, $"A body of type {body.GetType().FullName} is not supported. Give a string or a byte array (for JSON, pipe through ConvertTo-Json first).");
        }
    }

    private static object? GetMember(object input, object value, string name)
    {
        if (value is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                if (string.Equals(Unwrap(entry.Key)?.ToString(), name, StringComparison.OrdinalIgnoreCase))
                {
                    return entry.Value;
                }
            }

            return null;
        }

        return PSObject.AsPSObject(input).Properties[name]?.Value;
    }

    private static object? Unwrap(object? value) => value is PSObject ps ? ps.BaseObject : value;

    private static List<KeyValuePair<string, string>> ToList(Dictionary<string, string> headers) => new(headers);

    private static ErrorRecord Error(string id, ErrorCategory category, object? target, string message) =>
        ErrorRecordFactory.Create(id, category, target, message);
}
