using System;
using System.Collections;
using System.IO;
using System.Management.Automation;
using System.Net;
using LoadTest.Wire.Connections;

namespace LoadTest.Parameters;

/// <summary>
/// Turns -UnixSocket, -ConnectTo, -Proxy, -ProxyCredential and -NoProxy into the run's
/// <see cref="Connector"/>, or into the error that stops the run before it starts.
/// </summary>
internal static class ConnectionParameters
{
    /// <param name="unixSocket">-UnixSocket.</param>
    /// <param name="connectTo">-ConnectTo.</param>
    /// <param name="proxy">-Proxy.</param>
    /// <param name="proxyCredential">-ProxyCredential.</param>
    /// <param name="noProxy">-NoProxy.</param>
    /// <param name="resolvePath">Resolves a PowerShell path here; null when the run happens on remote sessions: a socket file is theirs to check.</param>
    /// <param name="connector">Where the run's connections go.</param>
    public static ErrorRecord? TryCreate(
        string? unixSocket,
        object[]? connectTo,
        Uri? proxy,
        PSCredential? proxyCredential,
        bool noProxy,
        Func<string, (string Path, string Provider)>? resolvePath,
        out Connector connector)
    {
        connector = Connector.Direct;
        ErrorRecord? error = CheckProxy(proxy, proxyCredential, noProxy);
        if (error is not null)
        {
            return error;
        }

        ConnectToMap? map = null;
        if (connectTo is not null)
        {
            if (unixSocket is not null)
            {
                return ErrorRecordFactory.Create(ErrorIds.InvalidConnectTo, ErrorCategory.InvalidArgument, connectTo, "-UnixSocket sends every connection over the socket, so -ConnectTo would change nothing: give one of them.");
            }

            error = TryMap(connectTo, out map);
            if (error is not null)
            {
                return error;
            }
        }

        string? socketPath = unixSocket;
        if (socketPath is not null && resolvePath is not null)
        {
            error = TryResolveSocket(resolvePath, socketPath, out socketPath);
            if (error is not null)
            {
                return error;
            }
        }

        NetworkCredential? credential = proxyCredential?.GetNetworkCredential();
        try
        {
            connector = new Connector(socketPath, map, proxy, credential, noProxy);
            return null;
        }
        catch (ArgumentException ex)
        {
            // UnixDomainSocketEndPoint refuses a path longer than the platform allows (about 100 bytes).
            return ErrorRecordFactory.Create(new ArgumentException($"-UnixSocket '{unixSocket}' cannot be used: {ex.Message}", ex), ErrorIds.UnixSocketNotFound, ErrorCategory.InvalidArgument, unixSocket);
        }
    }

    private static ErrorRecord? CheckProxy(Uri? proxy, PSCredential? proxyCredential, bool noProxy)
    {
        if (proxy is null)
        {
            return proxyCredential is null
                ? null
                : ErrorRecordFactory.Create(ErrorIds.ProxyCredentialWithoutProxy, ErrorCategory.InvalidArgument, null, "-ProxyCredential needs -Proxy: it is the proxy's user name and password.");
        }

        if (noProxy)
        {
            return ErrorRecordFactory.Create(ErrorIds.ProxyConflict, ErrorCategory.InvalidArgument, proxy, "Give -Proxy or -NoProxy, not both.");
        }

        if (proxy.IsAbsoluteUri && !string.IsNullOrEmpty(proxy.UserInfo))
        {
            // Neither the URI nor its user part goes into the error: it holds a password.
            return ErrorRecordFactory.Create(ErrorIds.InvalidProxy, ErrorCategory.InvalidArgument, null, "-Proxy has a user name or password in it: give them with -ProxyCredential, so that they stay out of logs.");
        }

        if (!proxy.IsAbsoluteUri || proxy.Scheme is not ("http" or "https" or "socks4" or "socks4a" or "socks5") || proxy.Host.Length == 0)
        {
            return ErrorRecordFactory.Create(ErrorIds.InvalidProxy, ErrorCategory.InvalidArgument, proxy, $"-Proxy '{proxy}' is not an absolute http, https, socks4, socks4a or socks5 URI such as http://127.0.0.1:3128/.");
        }

        return null;
    }

    private static ErrorRecord? TryMap(object[] items, out ConnectToMap map)
    {
        map = new ConnectToMap();
        foreach (object? item in items)
        {
            string? problem;
            object? value = item is PSObject wrapped ? wrapped.BaseObject : item;
            if (value is IDictionary pairs)
            {
                foreach (DictionaryEntry pair in pairs)
                {
                    problem = map.TryAdd(AsText(pair.Key), AsText(pair.Value));
                    if (problem is not null)
                    {
                        return InvalidConnectTo(item, problem);
                    }
                }

                continue;
            }

            string text = AsText(value);
            string[] sides = text.Split('=');
            problem = sides.Length == 2 ? map.TryAdd(sides[0], sides[1]) : $"'{text}' is not 'host:port=host:port'.";
            if (problem is not null)
            {
                return InvalidConnectTo(item, problem);
            }
        }

        return null;
    }

    private static ErrorRecord? TryResolveSocket(Func<string, (string Path, string Provider)> resolvePath, string given, out string path)
    {
        path = given;
        try
        {
            (path, string provider) = resolvePath(given);
            if (!provider.Equals("FileSystem", StringComparison.OrdinalIgnoreCase))
            {
                return SocketNotFound(given, $"-UnixSocket '{given}' is not a file system path.");
            }
        }
        catch (Exception ex) when (ex is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException or ArgumentException)
        {
            return SocketNotFound(given, $"-UnixSocket '{given}' was not found: {ex.Message}");
        }

        // File.Exists is true for a socket file, as for any entry that is not a directory.
        return File.Exists(path) ? null : SocketNotFound(given, $"-UnixSocket '{given}' does not exist (looked for '{path}'): start the server that listens on it first.");
    }

    private static string AsText(object? value) =>
        (value is PSObject wrapped ? wrapped.BaseObject : value)?.ToString() ?? string.Empty;

    private static ErrorRecord InvalidConnectTo(object? target, string problem) =>
        ErrorRecordFactory.Create(ErrorIds.InvalidConnectTo, ErrorCategory.InvalidArgument, target, "-ConnectTo: " + problem);

    private static ErrorRecord SocketNotFound(string given, string message) =>
        ErrorRecordFactory.Create(new FileNotFoundException(message, given), ErrorIds.UnixSocketNotFound, ErrorCategory.ObjectNotFound, given);
}
