using System;
using System.Net.Http;

namespace LoadTest.Engine.Transport;

/// <summary>
/// Where a request goes at one step of a redirect chain. 303 (and 301/302 after a POST) turn into a GET
/// without body, 307/308 keep method and body, https never goes down to http, and Authorization and
/// Cookie headers stay behind once the chain leaves the origin (scheme, host, port) the user named.
/// </summary>
internal readonly record struct RedirectHop(Uri Uri, HttpMethod Method, bool WithBody, bool SameOrigin, int Number)
{
    /// <summary>The request as the user gave it.</summary>
    public static RedirectHop First(RequestSpec spec) => new(spec.Uri, spec.Method, WithBody: true, SameOrigin: true, Number: 0);

    /// <summary>True when this hop sends exactly the request the user gave, only perhaps to another path of the same origin.</summary>
    public bool IsAsGiven(RequestSpec spec) => WithBody && SameOrigin && Method == spec.Method;

    /// <summary>The next hop after a response, or false when the response is the answer.</summary>
    public static bool TryFollow(RequestSpec spec, RedirectHop current, int status, Uri? location, int maximumRedirection, out RedirectHop next)
    {
        next = current;
        if (current.Number >= maximumRedirection || status is not (301 or 302 or 303 or 307 or 308) || location is null)
        {
            return false;
        }

        Uri target = location.IsAbsoluteUri ? location : new Uri(current.Uri, location);
        if ((target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps)
            || (current.Uri.Scheme == Uri.UriSchemeHttps && target.Scheme == Uri.UriSchemeHttp))
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
            && Uri.Compare(spec.Uri, target, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
        next = new RedirectHop(target, method, withBody, sameOrigin, current.Number + 1);
        return true;
    }
}
