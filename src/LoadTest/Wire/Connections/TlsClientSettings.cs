using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;

namespace LoadTest.Wire.Connections;

/// <summary>
/// How a run's connections speak TLS, the same for every client: the server's certificate verified
/// unless -SkipCertificateCheck, and the client certificate sent whenever the server asks for one.
/// </summary>
internal sealed class TlsClientSettings
{
    private static readonly List<SslApplicationProtocol> s_http11 = new() { SslApplicationProtocol.Http11 };

    /// <summary>ALPN for HTTP/2 only.</summary>
    public static List<SslApplicationProtocol> Http2 { get; } = new() { SslApplicationProtocol.Http2 };

    private readonly bool _skipCertificateCheck;
    private readonly X509Certificate2? _clientCertificate;

    public TlsClientSettings(WireOptions options)
    {
        _skipCertificateCheck = options.SkipCertificateCheck;
        _clientCertificate = options.ClientCertificate;
    }

    /// <summary>Options for HttpClient's handler, which sets the target host and ALPN per connection itself.</summary>
    public SslClientAuthenticationOptions ForHttpClient() => Create(null);

    /// <summary>
    /// TLS over <paramref name="inner"/> (which it then owns) to <paramref name="host"/>, the name that
    /// goes in SNI and that the certificate must match, offering HTTP/1.1 only by ALPN, or the protocols given.
    /// <paramref name="connection"/> numbers the connection in the wire's trace.
    /// </summary>
    public async ValueTask<SslStream> AuthenticateAsync(Stream inner, string host, List<SslApplicationProtocol>? protocols, long connection, CancellationToken token)
    {
        long started = Stopwatch.GetTimestamp();
        SslClientAuthenticationOptions options = Create(host);
        options.ApplicationProtocols = protocols ?? s_http11;
        var onLoop = inner as LoopSocket;
        if (onLoop is not null)
        {
            onLoop.ContinueOnPool = true;
            if (SocketLoop.IsLoopThread)
            {
                // Not a step of the handshake on the loop's thread either, should an answer be there at once.
                await Task.Yield();
            }
        }

        var tls = new SslStream(inner, leaveInnerStreamOpen: false);

        try
        {
            await tls.AuthenticateAsClientAsync(options, token).ConfigureAwait(false);
            if (WireEvents.Log.IsEnabled())
            {
                WireEvents.Log.TlsHandshake(connection, host, tls.SslProtocol.ToString(), tls.NegotiatedApplicationProtocol.ToString(), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            return tls;
        }
        catch (Exception ex)
        {
            if (WireEvents.Log.IsEnabled())
            {
                WireEvents.Log.TlsHandshakeFailed(connection, host, ex.Message);
            }

            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            if (onLoop is not null)
            {
                onLoop.ContinueOnPool = false;
            }
        }
    }

    private SslClientAuthenticationOptions Create(string? host)
    {
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = host,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        if (_skipCertificateCheck)
        {
            options.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }

        if (_clientCertificate is { } certificate)
        {
            // As HttpClientHandler does for Invoke-WebRequest: the certificate given is sent whenever the
            // server asks, whichever issuers it names.
            options.ClientCertificates = new X509CertificateCollection { certificate };
            options.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
        }

        return options;
    }
}
