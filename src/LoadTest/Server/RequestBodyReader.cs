using System;
using System.Buffers;
using System.IO;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace LoadTest.Server;

/// <summary>
/// Reads a request's body to its end and enters it in the server's <see cref="ReceivedBodyLedger"/>; on
/// request, keeps a copy of its start for a route that shows it.
/// </summary>
internal static class RequestBodyReader
{
    private const int BufferBytes = 16 * 1024;

    /// <param name="request">The request whose body to read.</param>
    /// <param name="ledger">Where the body is counted once it arrived in full.</param>
    /// <param name="copy">Receives the first <paramref name="copyLimit"/> bytes of the body, or null.</param>
    /// <param name="copyLimit">How much of the body to copy.</param>
    /// <param name="token">Cancels the read when the server stops.</param>
    public static async Task ReadAsync(HttpListenerRequest request, ReceivedBodyLedger ledger, Stream? copy, int copyLimit, CancellationToken token)
    {
        if (!request.HasEntityBody)
        {
            return;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            var digest = new BodyDigest();
            Stream input = request.InputStream;
            int read;
            while ((read = await input.ReadAsync(buffer.AsMemory(0, BufferBytes), token).ConfigureAwait(false)) > 0)
            {
                digest.Append(buffer.AsSpan(0, read));
                if (copy is not null && copy.Length < copyLimit)
                {
                    copy.Write(buffer, 0, (int)Math.Min(read, copyLimit - copy.Length));
                }
            }

            if (digest.Length > 0)
            {
                ledger.Record(digest.Length, digest.Finish());
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
