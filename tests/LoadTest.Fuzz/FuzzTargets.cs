using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using LoadTest.Wire;
using LoadTest.Wire.Http1;
using LoadTest.Wire.Http2;

namespace LoadTest.Fuzz;

/// <summary>
/// The fuzz targets: each feeds bytes from afl++ (or a corpus file) to one part of the wire code and returns
/// a one-line description of the outcome. The code's own protocol errors are outcomes; anything else escapes
/// (an exception of another type, a hang, or the two readings of one input disagreeing) and is a finding.
/// The unit tests compile this file too and replay the corpus through it.
/// </summary>
internal static class FuzzTargets
{
    /// <summary>The targets by name, as the harness's first argument and the corpus's folders name them.</summary>
    public static readonly IReadOnlyList<string> Names = ["http1", "hpack", "http2", "canary"];

    // A request that has not completed this long after its connection ended is a hang.
    private static readonly TimeSpan s_hangBound = TimeSpan.FromSeconds(10);

    public static string Run(string target, byte[] input) => target switch
    {
        "http1" => Http1(input),
        "hpack" => HPack(input),
        "http2" => Http2(input),
        "canary" => Canary(input),
        _ => throw new ArgumentException($"Unknown fuzz target '{target}'; the targets are {string.Join(", ", Names)}.", nameof(target)),
    };

    /// <summary>
    /// Fails on purpose for a chunk-size line of more than 0xffff (its seed, "1336", is one inserted digit away), read by
    /// the instrumented chunk-size parser: the test of tools/Invoke-Fuzz.ps1 runs it to show that afl, through SharpFuzz,
    /// finds such a finding within seconds and that the script reports it.
    /// </summary>
    public static string Canary(byte[] input)
    {
        try
        {
            long size = Http1HeadParser.ParseChunkSize(input);
            return size > 0xffff ? throw new InvalidOperationException("The canary's planted finding.") : $"chunk of {size} bytes";
        }
        catch (HttpIOException ex)
        {
            return Describe(ex);
        }
    }

    /// <summary>
    /// The bytes are a server's answer on an HTTP/1.1 connection: the head parser, then the body by its framing
    /// (the chunked decoder, a length, or to the end). Read twice, all at once and a byte at a time (a few
    /// hundred bytes at a time for long inputs): both readings must give the same outcome.
    /// </summary>
    public static string Http1(byte[] input)
    {
        string whole = ReadHttp1(input, int.MaxValue);
        string split = ReadHttp1(input, input.Length <= 4096 ? 1 : 397);
        if (whole != split)
        {
            throw new FuzzFindingException($"The response read at once gives '{whole}', read in pieces '{split}'.");
        }

        return whole;
    }

    /// <summary>
    /// The bytes are header blocks for one decoder (so the dynamic table carries over): each block is its length
    /// in one byte and then its bytes; a length of 255 means the rest of the input.
    /// </summary>
    public static string HPack(byte[] input)
    {
        var decoder = new HPackDecoder();
        var sink = new FieldList();
        int at = 0;
        int blocks = 0;
        try
        {
            while (at < input.Length)
            {
                int length = input[at] == 255 ? input.Length - at - 1 : Math.Min(input[at], input.Length - at - 1);
                decoder.Decode(input.AsSpan(at + 1, length), sink);
                at += 1 + length;
                blocks++;
            }
        }
        catch (HttpProtocolException ex)
        {
            return $"error {Http2Errors.NameOf((int)ex.ErrorCode)} after {blocks} blocks: {ex.Message}";
        }

        return $"{blocks} blocks: {sink}";
    }

    /// <summary>
    /// The bytes are what a server sends on an HTTP/2 connection after its (empty) SETTINGS frame, read by the
    /// connection's read loop and dispatched to three open streams: a GET (1), a POST whose 70,000-byte body is
    /// larger than the initial window (3), and a HEAD (5). The connection must end with a protocol error or the
    /// end of the input, and every request must complete.
    /// </summary>
    public static string Http2(byte[] input)
    {
        byte[] served = new byte[Http2Frame.HeaderSize + input.Length];
        Http2Frame.WriteHeader(served, 0, Http2Frame.Settings, 0, 0);
        input.CopyTo(served, Http2Frame.HeaderSize);
        using var stream = new ScriptedStream(served);
        Http2Connection connection = Http2Driver.StartAsync(stream).GetAwaiter().GetResult();
        var requests = new List<(string Name, Task<ResponseHead>? Response)>
        {
            ("GET", Http2Driver.Send(connection, HttpMethod.Get, "/", null, new AttemptProgress(false, -1))),
            ("POST", Http2Driver.Send(connection, HttpMethod.Post, "/upload", new byte[70_000], new AttemptProgress(false, -1))),
            ("HEAD", Http2Driver.Send(connection, HttpMethod.Head, "/head", null, new AttemptProgress(false, -1))),
        };

        stream.Serve();
        if (!stream.Disposed.Wait(s_hangBound))
        {
            throw new FuzzFindingException("The HTTP/2 connection did not end after its input did.");
        }

        var outcome = new StringBuilder();
        Exception? failure = connection.Failure;
        if (failure is not HttpIOException and not HttpProtocolException)
        {
            throw new FuzzFindingException("The HTTP/2 connection ended with an exception that is not a protocol error.", failure);
        }

        outcome.Append(Describe(failure));
        foreach ((string name, Task<ResponseHead>? response) in requests)
        {
            outcome.Append("; ").Append(name).Append(' ');
            if (response is null)
            {
                outcome.Append("not taken");
                continue;
            }

            if (!((IAsyncResult)response).AsyncWaitHandle.WaitOne(s_hangBound))
            {
                throw new FuzzFindingException($"The {name} request did not complete after its connection ended.");
            }

            if (response.IsCompletedSuccessfully)
            {
                outcome.Append(response.Result.StatusCode.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                Exception error = response.Exception!.InnerException!;
                if (error is not HttpIOException and not HttpProtocolException and not OperationCanceledException)
                {
                    throw new FuzzFindingException($"The {name} request failed with an exception that is not a protocol error.", error);
                }

                outcome.Append(Describe(error));
            }
        }

        return outcome.ToString();
    }

    private static string ReadHttp1(byte[] input, int chunk)
    {
        using var connection = new Http1Connection(new ScriptedStream(input, chunk, gated: false));
        var progress = new AttemptProgress(true, 64);
        try
        {
            (ResponseHead head, _) = connection.ReceiveAsync(headRequest: false, includeHeaders: true, progress, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            return $"{head.StatusCode} '{head.ReasonPhrase}', {head.Headers?.Count} fields, body {progress.Bytes} bytes '{head.Content}'";
        }
        catch (HttpIOException ex)
        {
            return Describe(ex);
        }
    }

    private static string Describe(Exception? error) => error switch
    {
        null => "no failure",
        HttpProtocolException protocol => $"HTTP/2 error {Http2Errors.NameOf((int)protocol.ErrorCode)}: {protocol.Message}",
        HttpIOException io => $"{io.HttpRequestError}: {io.Message}",
        _ => $"{error.GetType().Name}: {error.Message}",
    };

    /// <summary>Fields as name: value, Latin-1, in the order decoded.</summary>
    private sealed class FieldList : IHPackSink
    {
        private readonly StringBuilder _text = new();
        private int _count;

        public void OnField(string name, ReadOnlySpan<byte> value)
        {
            if (_count++ < 64)
            {
                _text.Append(name).Append(": ").Append(Encoding.Latin1.GetString(value)).Append('\n');
            }
        }

        public override string ToString() => $"{_count} fields\n{_text}";
    }
}
