using System;
using System.IO;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using LoadTest.Engine;

namespace LoadTest.Server;

/// <summary>
/// Writes a <see cref="RouteResponse"/> to an HttpListener response: a fixed body at once, a generated
/// body streamed (with a length or chunked), or a body trickled one byte at a time.
/// </summary>
internal static class RouteResponseWriter
{
    private static readonly byte[] s_filler = CreateFiller();

    public static async Task SendAsync(HttpListenerResponse response, RouteResponse answer, CancellationToken token)
    {
        response.StatusCode = answer.StatusCode;
        response.ContentType = answer.ContentType;
        foreach (var header in answer.Headers)
        {
            response.AddHeader(header.Key, header.Value);
        }

        if (answer.GeneratedLength < 0 && answer.TrickleInterval <= TimeSpan.Zero)
        {
            response.ContentLength64 = answer.Body.Length;
            response.Close(answer.Body, willBlock: false);
            return;
        }

        if (answer.TrickleInterval > TimeSpan.Zero)
        {
            response.ContentLength64 = answer.Body.Length;
            Stream trickle = response.OutputStream;
            for (int i = 0; i < answer.Body.Length; i++)
            {
                await trickle.WriteAsync(answer.Body.AsMemory(i, 1), token).ConfigureAwait(false);
                await trickle.FlushAsync(token).ConfigureAwait(false);
                await PreciseDelay.AtLeastAsync(answer.TrickleInterval, token).ConfigureAwait(false);
            }

            response.Close();
            return;
        }

        if (answer.Chunked)
        {
            response.SendChunked = true;
        }
        else
        {
            response.ContentLength64 = answer.GeneratedLength;
        }

        Stream output = response.OutputStream;
        for (long left = answer.GeneratedLength; left > 0; left -= s_filler.Length)
        {
            await output.WriteAsync(s_filler.AsMemory(0, (int)Math.Min(left, s_filler.Length)), token).ConfigureAwait(false);
        }

        response.Close();
    }

    private static byte[] CreateFiller()
    {
        var filler = new byte[64 * 1024];
        filler.AsSpan().Fill((byte)'x');
        return filler;
    }
}
