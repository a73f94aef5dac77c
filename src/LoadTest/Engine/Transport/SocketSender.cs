using System;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace LoadTest.Engine.Transport;

/// <summary>Sends all of a buffer on a socket: at once, without an async method, when the socket takes it whole (the usual case).</summary>
internal static class SocketSender
{
    public static ValueTask SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken token)
    {
        ValueTask<int> sending = socket.SendAsync(data, SocketFlags.None, token);
        if (sending.IsCompletedSuccessfully)
        {
            int sent = sending.Result;
            if (sent == data.Length)
            {
                return default;
            }

            // Its result is taken: what the rest goes on from is a count of its own.
            sending = new ValueTask<int>(sent);
        }

        return SendRestAsync(socket, sending, data, token);
    }

    /// <summary>Finishes sending <paramref name="data"/>, of which <paramref name="sending"/> (not yet awaited) sent the start.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask SendRestAsync(Socket socket, ValueTask<int> sending, ReadOnlyMemory<byte> data, CancellationToken token)
    {
        while (true)
        {
            data = data[await sending.ConfigureAwait(false)..];
            if (data.IsEmpty)
            {
                return;
            }

            sending = socket.SendAsync(data, SocketFlags.None, token);
        }
    }
}
