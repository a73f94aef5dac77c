using System;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace LoadTest.Server;

/// <summary>
/// Closes or resets the TCP connection under an HttpListener request. HttpListener has no public way to
/// do either, so this reaches its socket by reflection; where that fails (another runtime's internals),
/// it falls back to aborting the response, and the client sees a truncated answer instead.
/// </summary>
internal static class ConnectionFault
{
    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;
    private static readonly FieldInfo? s_connection = typeof(HttpListenerContext).GetField("_connection", Private);
    private static readonly FieldInfo? s_socket = s_connection?.FieldType.GetField("_socket", Private);

    public static void Apply(HttpListenerContext context, ConnectionFaultKind kind)
    {
        Socket? socket = s_socket?.GetValue(s_connection?.GetValue(context)) as Socket;
        try
        {
            if (socket is not null && kind == ConnectionFaultKind.Reset)
            {
                // Linger on with a zero timeout makes Close send RST instead of FIN.
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
            }
            else if (socket is not null)
            {
                socket.Shutdown(SocketShutdown.Both);
                socket.Close();
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        try
        {
            // Lets HttpListener forget the connection; with the socket gone nothing reaches the client.
            context.Response.Abort();
        }
        catch (Exception)
        {
        }
    }
}
