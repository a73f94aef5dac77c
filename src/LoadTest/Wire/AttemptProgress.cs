using System;
using System.IO;

namespace LoadTest.Wire;

/// <summary>
/// How far an attempt got: the status it received and the body bytes read so far, kept outside the
/// attempt so that a failure mid-body (a timeout while the body trickles) still reports both. Both
/// transports count the body here, and keep its first bytes with -IncludeContent.
/// </summary>
internal sealed class AttemptProgress
{
    private readonly int _keepAtMost;
    private MemoryStream? _kept;
    private int _hopSends;

    /// <param name="keepAtMost">Body bytes to keep as content; negative to keep none.</param>
    public AttemptProgress(int keepAtMost)
    {
        _keepAtMost = keepAtMost;
    }

    public int StatusCode { get; set; }

    public long Bytes { get; private set; }

    /// <summary>
    /// Times a hop went on the wire again after its first send: a transport's automatic replay on a fresh
    /// connection when a reused one failed before any answer. Each is an attempt the server may have seen.
    /// </summary>
    public int Replays { get; private set; }

    /// <summary>True with -IncludeContent: the body is kept as well as counted.</summary>
    public bool KeepsContent => _keepAtMost >= 0;

    /// <summary>A transport calls this each time it writes the current hop's request to a connection.</summary>
    public void Sent()
    {
        if (_hopSends++ > 0)
        {
            Replays++;
        }
    }

    /// <summary>Takes back a <see cref="Sent"/> for a request that was queued to go out but never left the process.</summary>
    public void Unsent()
    {
        if (--_hopSends > 0)
        {
            Replays--;
        }
    }

    /// <summary>Counts body bytes that arrived, and keeps them while there is room.</summary>
    public void Add(ReadOnlySpan<byte> body)
    {
        Bytes += body.Length;
        if (!KeepsContent)
        {
            return;
        }

        _kept ??= new MemoryStream();
        int room = (int)Math.Max(0, _keepAtMost - _kept.Length);
        if (room > 0)
        {
            _kept.Write(body[..Math.Min(room, body.Length)]);
        }
    }

    /// <summary>The kept body as text in the response's charset; null without -IncludeContent.</summary>
    public string? Content(string? charset) =>
        !KeepsContent ? null : ResponseCharset.EncodingOf(charset).GetString(_kept?.GetBuffer() ?? Array.Empty<byte>(), 0, (int)(_kept?.Length ?? 0));

    /// <summary>Forgets what a redirect response carried: the answer is the next hop's. Replays stay counted.</summary>
    public void Reset()
    {
        StatusCode = 0;
        Bytes = 0;
        _hopSends = 0;
        _kept?.SetLength(0);
    }
}
