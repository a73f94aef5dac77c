namespace LoadTest;

/// <summary>Which HTTP client a run sends its requests with.</summary>
public enum TransportKind
{
    /// <summary>LoadTest's own HTTP/1.1 and HTTP/2 clients where they serve the request (http or https, HTTP/1.1 or 2.0, no proxy), HttpClient for the rest.</summary>
    Auto,

    /// <summary>.NET's HttpClient for every request, for comparison or for behaviour only it has.</summary>
    HttpClient,
}
