using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace LoadTest.Wire.Connections;

/// <summary>
/// Opens the connections of LoadTest's own clients where the <see cref="Connector"/> sends them, on the
/// socket engine the run chose: a <see cref="SocketLoop"/>, or .NET's sockets. Loops that failed are not
/// used again: new connections then go through .NET's sockets.
/// </summary>
internal sealed class ConnectionOpener
{
    private readonly Connector _connector;

    public ConnectionOpener(Connector connector, SocketEngine engine)
    {
        _connector = connector;
        Engine = Resolve(engine);
    }

    /// <summary>The engine chosen: Loop or DotNet.</summary>
    public SocketEngine Engine { get; }

    /// <summary>
    /// The engine <paramref name="requested"/> stands for now: Auto is the loops where the platform has them, and
    /// neither is once the loops have failed.
    /// </summary>
    public static SocketEngine Resolve(SocketEngine requested) =>
        requested != SocketEngine.DotNet && SocketLoop.IsUsable ? SocketEngine.Loop : SocketEngine.DotNet;

    /// <summary>What <paramref name="opened"/> runs on, for the wire's trace.</summary>
    public static string SocketsOf(System.IO.Stream opened) => opened is LoopSocket ? "an epoll loop" : ".NET's sockets";

    /// <summary>Opens a connection to <paramref name="host"/> (as Uri.IdnHost writes it) and <paramref name="port"/>.</summary>
    public async ValueTask<Stream> OpenAsync(string host, int port, CancellationToken token) =>
        Engine == SocketEngine.Loop && SocketLoop.IsUsable
            ? await ConnectOnLoopAsync(host, port, token).ConfigureAwait(false)
            : new NetworkStream(await _connector.ConnectAsync(host, port, token).ConfigureAwait(false), ownsSocket: true);

    private async ValueTask<LoopSocket> ConnectOnLoopAsync(string host, int port, CancellationToken token)
    {
        IPAddress[] addresses;
        switch (_connector.Target(host, port))
        {
            case UnixDomainSocketEndPoint unix:
                return await LoopSocket.ConnectAsync(new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified), unix, token).ConfigureAwait(false);
            case IPEndPoint ip:
                addresses = [ip.Address];
                port = ip.Port;
                break;
            case DnsEndPoint name:
                addresses = await Dns.GetHostAddressesAsync(name.Host, token).ConfigureAwait(false);
                port = name.Port;
                break;
            default:
                throw new InvalidOperationException("A connection goes to a Unix socket, an IP address or a name.");
        }

        SocketException? failed = null;
        foreach (IPAddress candidate in addresses)
        {
            // Each address in turn, as Socket.ConnectAsync does with a name.
            var socket = new Socket(candidate.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                return await LoopSocket.ConnectAsync(socket, new IPEndPoint(candidate, port), token).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                failed = ex;
            }
        }

        throw failed ?? new SocketException((int)SocketError.HostNotFound);
    }
}
