using System;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace LoadTest.Wire.Connections;

/// <summary>
/// Where a run's connections go, for every client: every one over -UnixSocket when it is given,
/// otherwise to the node -ConnectTo maps the host and port to, or to the host and port themselves. Also
/// whether a request goes through a proxy (-Proxy, the environment's, or none with -NoProxy): proxies
/// are HttpClient's, so LoadTest's own HTTP/1.1 and HTTP/2 clients never get a proxied request.
/// </summary>
internal sealed class Connector
{
    private readonly UnixDomainSocketEndPoint? _unixSocket;
    private readonly ConnectToMap? _connectTo;
    private readonly bool _noProxy;
    private readonly string? _proxyAuthorization;

    public Connector(string? unixSocketPath, ConnectToMap? connectTo, Uri? proxy, NetworkCredential? proxyCredential, bool noProxy)
    {
        _unixSocket = unixSocketPath is null ? null : new UnixDomainSocketEndPoint(unixSocketPath);
        UnixSocketPath = unixSocketPath;
        _connectTo = connectTo is { Count: > 0 } ? connectTo : null;
        _noProxy = noProxy;
        if (proxy is not null)
        {
            ProxyUri = proxy;
            Proxy = new WebProxy(proxy) { Credentials = proxyCredential is null ? null : new ChallengeCredentials(proxyCredential) };
            if (proxyCredential is not null && (proxy.Scheme == Uri.UriSchemeHttp || proxy.Scheme == Uri.UriSchemeHttps))
            {
                _proxyAuthorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(proxyCredential.UserName + ":" + proxyCredential.Password));
            }
        }
    }

    /// <summary>Plain connections to each URI's own host and port, through the environment's proxy if it has one.</summary>
    public static Connector Direct { get; } = new(null, null, null, null, noProxy: false);

    public string? UnixSocketPath { get; }

    /// <summary>-Proxy as given, for the run's description; null for the environment's proxy or none.</summary>
    public Uri? ProxyUri { get; }

    /// <summary>The proxy HttpClient sends through: -Proxy, or null for the environment's (when <see cref="UseProxy"/>).</summary>
    public IWebProxy? Proxy { get; }

    public bool UseProxy => !_noProxy;

    /// <summary>
    /// Puts -ProxyCredential on a plain http request, which an http(s) proxy reads itself (absolute form): as
    /// Basic, up front, as curl and Go do. HttpClient would send it only in answer to a 407 challenge, a second
    /// request on the same connection that nothing counts; so for this request it answers no challenge, and a
    /// 407 is the result. (An https request goes through a CONNECT tunnel, where HttpClient answers the
    /// challenge once per tunnel, and its own headers go to the server.)
    /// </summary>
    public void AuthorizeForProxy(HttpRequestMessage request)
    {
        if (_proxyAuthorization is not null && request.RequestUri?.Scheme == Uri.UriSchemeHttp)
        {
            request.Headers.TryAddWithoutValidation("Proxy-Authorization", _proxyAuthorization);
            ChallengeCredentials.SentUpFront.Value = true;
        }
    }

    /// <summary>True when a request to <paramref name="uri"/> goes through a proxy.</summary>
    public bool IsProxied(Uri uri)
    {
        if (_noProxy)
        {
            return false;
        }

        IWebProxy proxy = Proxy ?? HttpClient.DefaultProxy;
        return !proxy.IsBypassed(uri) && proxy.GetProxy(uri) is not null;
    }

    /// <summary>Opens a socket for <paramref name="host"/> (as Uri.IdnHost writes it) and <paramref name="port"/>.</summary>
    public async ValueTask<Socket> ConnectAsync(string host, int port, CancellationToken token)
    {
        EndPoint endPoint = Target(host, port);
        Socket socket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, token).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Where a connection for <paramref name="host"/> and <paramref name="port"/> goes: -UnixSocket, the -ConnectTo node, or the host itself.</summary>
    public EndPoint Target(string host, int port)
    {
        if (_unixSocket is not null)
        {
            return _unixSocket;
        }

        (host, port) = _connectTo?.Map(host, port) ?? (host, port);
        return IPAddress.TryParse(host, out IPAddress? address) ? new IPEndPoint(address, port) : new DnsEndPoint(host, port);
    }

    /// <summary>-ProxyCredential for HttpClient's answers to a proxy's challenge, except for a request that carried it up front.</summary>
    private sealed class ChallengeCredentials : ICredentials
    {
        private readonly NetworkCredential _credential;

        public ChallengeCredentials(NetworkCredential credential)
        {
            _credential = credential;
        }

        /// <summary>Set in the flow of a request sent with Proxy-Authorization; HttpClient meets the challenge in that flow.</summary>
        public static AsyncLocal<bool> SentUpFront { get; } = new();

        public NetworkCredential? GetCredential(Uri uri, string authType) => SentUpFront.Value ? null : _credential;
    }
}
