using System;
using System.IO;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;

namespace LoadTest.Wire;

/// <summary>Maps the exceptions of HttpClient and sockets to a <see cref="RequestErrorKind"/>.</summary>
internal static class ErrorClassifier
{
    // EMFILE: an IOException (such as a lazily loaded file) that failed for want of descriptors carries it.
    private const int TooManyOpenFiles = 24;

    /// <summary>
    /// Runs the failure paths once before a run starts, so that nothing they need is loaded lazily at the
    /// moment the process has no descriptor left to load it with.
    /// </summary>
    public static void Prepare()
    {
        foreach (Exception failure in new Exception[]
        {
            new HttpRequestException("prepare", new SocketException((int)SocketError.TooManyOpenSockets)),
            new HttpRequestException("prepare", new IOException("prepare", new SocketException((int)SocketError.ConnectionReset))),
            new IOException("prepare") { HResult = TooManyOpenFiles },
            new AuthenticationException("prepare"),
            new HttpIOException(HttpRequestError.ResponseEnded, "prepare"),
        })
        {
            _ = Classify(failure);
            _ = failure.GetBaseException().Message;
        }
    }

    public static RequestErrorKind Classify(Exception exception)
    {
        bool sawIO = false;
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            HttpRequestError httpError = current switch
            {
                HttpRequestException http => http.HttpRequestError,
                HttpIOException io => io.HttpRequestError,
                _ => HttpRequestError.Unknown,
            };
            switch (current)
            {
                case IOException { HResult: TooManyOpenFiles }:
                case OutOfMemoryException:
                    return RequestErrorKind.ResourceExhausted;
                case SocketException socket:
                    return Classify(socket.SocketErrorCode);
                case AuthenticationException:
                    return RequestErrorKind.Tls;
                case TimeoutException:
                    return RequestErrorKind.Timeout;
                case HttpProtocolException:
                    return RequestErrorKind.Protocol;
                case Exception when httpError != HttpRequestError.Unknown && httpError != HttpRequestError.ConnectionError:
                    return Classify(httpError, current);
            }

            sawIO |= current is IOException || httpError == HttpRequestError.ConnectionError;

            // The handler raises these itself, with no transport failure underneath: a peer that does not
            // speak the protocol (such as an HTTP/2 handshake the server never completes).
            if (current is HttpRequestException { InnerException: null } && httpError == HttpRequestError.Unknown)
            {
                return RequestErrorKind.Protocol;
            }
        }

        return sawIO ? RequestErrorKind.ConnectionClosed : RequestErrorKind.Other;
    }

    private static RequestErrorKind Classify(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => RequestErrorKind.ConnectionRefused,
        SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable => RequestErrorKind.ResourceExhausted,
        SocketError.ConnectionReset or SocketError.ConnectionAborted => RequestErrorKind.ConnectionReset,
        SocketError.TimedOut => RequestErrorKind.Timeout,
        SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData => RequestErrorKind.NameResolution,
        SocketError.Shutdown or SocketError.NotConnected or SocketError.Disconnecting => RequestErrorKind.ConnectionClosed,
        _ => RequestErrorKind.Other,
    };

    private static RequestErrorKind Classify(HttpRequestError error, Exception exception)
    {
        switch (error)
        {
            case HttpRequestError.NameResolutionError:
                return RequestErrorKind.NameResolution;
            case HttpRequestError.SecureConnectionError:
                return RequestErrorKind.Tls;
            case HttpRequestError.ResponseEnded:
                // A reset shows as an ended response; the socket error underneath says which it was.
                return exception.InnerException is null ? RequestErrorKind.ConnectionClosed : ClassifyInner(exception.InnerException);
            case HttpRequestError.InvalidResponse:
            case HttpRequestError.HttpProtocolError:
            case HttpRequestError.VersionNegotiationError:
            case HttpRequestError.ExtendedConnectNotSupported:
            case HttpRequestError.ConfigurationLimitExceeded:
                return RequestErrorKind.Protocol;
            case HttpRequestError.ProxyTunnelError:
            case HttpRequestError.UserAuthenticationError:
            default:
                return RequestErrorKind.Other;
        }
    }

    private static RequestErrorKind ClassifyInner(Exception inner)
    {
        RequestErrorKind kind = Classify(inner);
        return kind == RequestErrorKind.Other ? RequestErrorKind.ConnectionClosed : kind;
    }
}
