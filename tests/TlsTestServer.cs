#nullable enable
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace LoadTestTests;

/// <summary>
/// A loopback HTTPS/1.1 server for the TLS tests: answers each request with the next canned response
/// (round robin; "{echo}" in one is replaced by the request as it arrived), keeps connections open unless
/// the response says Connection: close, and records what each handshake carried (SNI, ALPN, client
/// certificate). With DropEvery N it reads every Nth request and, on a connection that has answered
/// before, closes it without an answer: the case of a kept-alive connection a client may replay on.
/// </summary>
public sealed class TlsTestServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 _certificate;
    private readonly string[] _responses;
    private readonly bool _requireClientCertificate;
    private readonly int _dropEvery;
    private int _requests;
    private int _connections;
    private int _drops;

    public TlsTestServer(X509Certificate2 certificate, string[] responses, bool requireClientCertificate, int dropEvery)
    {
        _certificate = certificate;
        _responses = responses;
        _requireClientCertificate = requireClientCertificate;
        _dropEvery = dropEvery;
        _listener.Start();
        _ = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Requests read, also those dropped.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>TLS handshakes that completed.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public int Drops => Volatile.Read(ref _drops);

    /// <summary>With DropEvery: drop with a reset (RST) instead of a close (FIN), as a server does that closes an idle connection the request then reaches.</summary>
    public bool ResetOnDrop { get; set; }

    public ConcurrentQueue<string> ServerNames { get; } = new();

    public ConcurrentQueue<string> Protocols { get; } = new();

    public ConcurrentQueue<string> ClientCertificates { get; } = new();

    public ConcurrentQueue<string> HandshakeFailures { get; } = new();

    public void Dispose() => _listener.Stop();

    private async Task AcceptAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using TcpClient owned = client;
        using var tls = new SslStream(client.GetStream(), false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        X509Certificate? clientCertificate = null;
        try
        {
            await tls.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions
                {
                    ServerCertificate = _certificate,
                    ClientCertificateRequired = _requireClientCertificate,
                    ApplicationProtocols = new List<SslApplicationProtocol> { SslApplicationProtocol.Http2, SslApplicationProtocol.Http11 },
                    RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    {
                        clientCertificate = certificate;
                        return certificate is not null || !_requireClientCertificate;
                    },
                },
                timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            HandshakeFailures.Enqueue(ex.GetType().Name + ": " + ex.Message);
            return;
        }

        Interlocked.Increment(ref _connections);
        ServerNames.Enqueue(tls.TargetHostName ?? string.Empty);
        Protocols.Enqueue(tls.NegotiatedApplicationProtocol.ToString());
        ClientCertificates.Enqueue(clientCertificate?.Subject ?? string.Empty);
        var buffer = new MemoryStream();
        var read = new byte[16 * 1024];
        int answered = 0;
        try
        {
            while (true)
            {
                byte[]? request = await ReadRequestAsync(tls, buffer, read, timeout.Token).ConfigureAwait(false);
                if (request is null)
                {
                    return;
                }

                int number = Interlocked.Increment(ref _requests);
                answered++;
                if (_dropEvery > 0 && number % _dropEvery == 0 && answered > 1)
                {
                    Interlocked.Increment(ref _drops);
                    if (ResetOnDrop)
                    {
                        client.Client.LingerState = new LingerOption(true, 0);
                    }

                    return;
                }

                string response = _responses[(number - 1) % _responses.Length];
                if (response.Contains("{echo}", StringComparison.Ordinal))
                {
                    string text = Encoding.Latin1.GetString(request);
                    response = response.Replace("{length}", text.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                        .Replace("{echo}", text, StringComparison.Ordinal);
                }

                byte[] bytes = Encoding.Latin1.GetBytes(response);
                await tls.WriteAsync(bytes, timeout.Token).ConfigureAwait(false);
                await tls.FlushAsync(timeout.Token).ConfigureAwait(false);
                if (response.Contains("Connection: close", StringComparison.OrdinalIgnoreCase))
                {
                    return;
                }
            }
        }
        catch (Exception)
        {
        }
    }

    /// <summary>The next request (head and Content-Length body), or null at the end of the connection.</summary>
    private static async Task<byte[]?> ReadRequestAsync(SslStream tls, MemoryStream buffer, byte[] read, CancellationToken token)
    {
        while (true)
        {
            byte[] data = buffer.ToArray();
            int end = IndexOf(data, "\r\n\r\n"u8.ToArray());
            if (end >= 0)
            {
                string head = Encoding.Latin1.GetString(data, 0, end);
                int length = 0;
                foreach (string line in head.Split("\r\n"))
                {
                    if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                    {
                        length = int.Parse(line.AsSpan(15).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                    }
                }

                int total = end + 4 + length;
                if (data.Length >= total)
                {
                    buffer.SetLength(0);
                    buffer.Write(data, total, data.Length - total);
                    return data[..total];
                }
            }

            int n = await tls.ReadAsync(read, token).ConfigureAwait(false);
            if (n == 0)
            {
                return null;
            }

            buffer.Write(read, 0, n);
        }
    }

    private static int IndexOf(byte[] data, byte[] pattern) => data.AsSpan().IndexOf(pattern);
}
