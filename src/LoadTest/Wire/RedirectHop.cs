using System;
using System.Net.Http;

namespace LoadTest.Wire;

/// <summary>
/// Where a request goes at one step of a redirect chain. 303 (and 301/302 after a POST) turn into a GET
/// without body, 307/308 keep method and body, https never goes down to http, and Authorization and
/// Cookie headers stay behind once the chain leaves the origin (scheme, host, port) the user named.
/// </summary>
internal readonly struct RedirectHop
{
    private readonly RequestSpec _spec;

    // Null on the first hop, which goes where the spec says (without parsing its URI when it need not).
    private readonly Uri? _target;

    private RedirectHop(RequestSpec spec, Uri? target, HttpMethod method, bool withBody, bool sameOrigin, int number)
    {
        _spec = spec;
        _target = target;
        Method = method;
        WithBody = withBody;
        SameOrigin = sameOrigin;
        Number = number;
    }

    public Uri Uri => _target ?? _spec.Uri;

    /// <summary>A URI with the hop's scheme, host and port.</summary>
    public Uri Origin => _target ?? _spec.Origin;

    public string PathAndQuery => _target?.PathAndQuery ?? _spec.PathAndQuery;

    public HttpMethod Method { get; }

    public bool WithBody { get; }

    public bool SameOrigin { get; }

    public int Number { get; }

    /// <summary>The request as the user gave it.</summary>
    public static RedirectHop First(RequestSpec spec) => new(spec, null, spec.Method, withBody: true, sameOrigin: true, number: 0);

    /// <summary>True when this hop sends exactly the request the user gave, only perhaps to another path of the same origin.</summary>
    public bool IsAsGiven(RequestSpec spec) => WithBody && SameOrigin && Method == spec.Method;

    /// <summary>
    /// True when the hop may go out once more after a kept-alive connection failed before any answer: an
    /// idempotent method (RFC 9110 9.2.2) without a body.
    /// </summary>
    public bool MayReplay(RequestSpec spec) =>
        spec.Payload.Body is null
        && (Method == HttpMethod.Get || Method == HttpMethod.Head || Method == HttpMethod.Options
            || Method == HttpMethod.Trace || Method == HttpMethod.Put || Method == HttpMethod.Delete);

    /// <summary>True for the statuses whose Location is followed.</summary>
    public static bool IsRedirect(int status) => status is 301 or 302 or 303 or 307 or 308;

    /// <summary>The next hop after a response, or false when the response is the answer.</summary>
    public static bool TryFollow(RequestSpec spec, RedirectHop current, int status, Uri? location, int maximumRedirection, out RedirectHop next)
    {
        next = current;
        if (current.Number >= maximumRedirection || !IsRedirect(status) || location is null)
        {
            return false;
        }

        Uri target = location.IsAbsoluteUri ? location : new Uri(current.Uri, location);
        if ((target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps)
            || (current.Origin.Scheme == Uri.UriSchemeHttps && target.Scheme == Uri.UriSchemeHttp))
        {
            return false;
        }

        HttpMethod method = current.Method;
        bool withBody = current.WithBody;
        if (status == 303 || (status is 301 or 302 && method == HttpMethod.Post))
        {
            method = method == HttpMethod.Head ? HttpMethod.Head : HttpMethod.Get;
            withBody = false;
        }

        bool sameOrigin = current.SameOrigin
            && Uri.Compare(spec.Origin, target, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
        next = new RedirectHop(spec, target, method, withBody, sameOrigin, current.Number + 1);
        return true;
    }
}
