using System;
using System.Collections.Generic;
using System.Globalization;

namespace LoadTest.Wire.Connections;

/// <summary>
/// -ConnectTo: which node a host and port are sent to instead of their own address (as oha and vegeta
/// --connect-to and curl --resolve do). Only where the connection goes changes: the Host header and the
/// TLS server name still come from the URI.
/// </summary>
internal sealed class ConnectToMap
{
    private readonly Dictionary<(string Host, int Port), (string Host, int Port)> _map = new();

    public int Count => _map.Count;

    /// <summary>Adds 'host:port' = 'host:port'; returns why not when either side is not a host and port.</summary>
    public string? TryAdd(string from, string to)
    {
        if (!TryParseEndpoint(from, out (string Host, int Port) source))
        {
            return $"'{from}' is not a host and port such as 'api.example.test:443' or '[::1]:8080'.";
        }

        if (!TryParseEndpoint(to, out (string Host, int Port) target))
        {
            return $"'{to}' (where '{from}' goes) is not a host and port such as '127.0.0.1:18443'.";
        }

        if (_map.TryGetValue(source, out (string Host, int Port) known) && known != target)
        {
            return $"'{from}' is mapped twice, to different nodes.";
        }

        _map[source] = target;
        return null;
    }

    /// <summary>Where a connection to <paramref name="host"/> (as Uri.IdnHost gives it) and <paramref name="port"/> goes.</summary>
    public (string Host, int Port) Map(string host, int port) =>
        _map.TryGetValue((host, port), out (string Host, int Port) target) ? target : (host, port);

    /// <summary>Parses 'host:port' ('[v6]:port' for IPv6) into the host as Uri.IdnHost writes it, and the port.</summary>
    private static bool TryParseEndpoint(string text, out (string Host, int Port) endpoint)
    {
        endpoint = default;
        text = text.Trim();
        int colon = text.LastIndexOf(':');
        if (colon <= 0
            || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port)
            || port is < 1 or > 65535)
        {
            return false;
        }

        // A bare IPv6 address has colons of its own: it must be bracketed, as in a URI.
        string host = text.Substring(0, colon);
        if ((host.Contains(':') && !(host.StartsWith('[') && host.EndsWith(']')))
            || host.AsSpan().IndexOfAny(@"/?#@\ ") >= 0
            || !Uri.TryCreate("http://" + host + "/", UriKind.Absolute, out Uri? uri)
            || uri.HostNameType is UriHostNameType.Unknown or UriHostNameType.Basic)
        {
            return false;
        }

        endpoint = (uri.IdnHost, port);
        return true;
    }
}
