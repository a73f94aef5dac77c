using System;
using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace LoadTest.Wire;

/// <summary>
/// How far an attempt got: the status it received and the body bytes read so far, kept outside the
/// attempt so that a failure mid-body (a timeout while the body trickles) still reports both. Every
/// transport counts the body here; its first bytes are captured as it streams in when the result keeps
/// them (-IncludeContent) or a check reads them, and not at all otherwise.
/// </summary>
internal sealed class AttemptProgress
{
    private const int FirstCaptureBytes = 4096;

    private readonly bool _keepsContent;
    private readonly int _captureAtMost;
    private byte[]? _captured;
    private int _capturedLength;
    private int _hopSends;

    /// <param name="keepsContent">Keep the body as the result's content (-IncludeContent).</param>
    /// <param name="captureAtMost">Body bytes to capture, for the content or for checks; negative to capture none.</param>
    public AttemptProgress(bool keepsContent, int captureAtMost)
    {
        _keepsContent = keepsContent && captureAtMost >= 0;
        _captureAtMost = captureAtMost;
    }

    public int StatusCode { get; set; }

    public long Bytes { get; private set; }

    /// <summary>
    /// Times a hop went on the wire again after its first send: a transport's automatic replay on a fresh
    /// connection when a reused one failed before any answer. Each is an attempt the server may have seen.
    /// </summary>
    public int Replays { get; private set; }

    /// <summary>True with -IncludeContent: the body becomes the result's content.</summary>
    public bool KeepsContent => _keepsContent;

    /// <summary>The body's first bytes, as far as they were captured (empty when none are).</summary>
    public ReadOnlyMemory<byte> Captured => new(_captured, 0, _capturedLength);

    /// <summary>True when the body had more bytes than were captured.</summary>
    public bool Truncated => Bytes > _capturedLength;

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

    /// <summary>Counts body bytes that arrived, and captures them while there is room, in a pooled buffer.</summary>
    public void Add(ReadOnlySpan<byte> body)
    {
        Bytes += body.Length;
        int take = Math.Min(body.Length, _captureAtMost - _capturedLength);
        if (take <= 0)
        {
            return;
        }

        if (_captured is null || _captured.Length - _capturedLength < take)
        {
            Grow(_capturedLength + take);
        }

        body[..take].CopyTo(_captured.AsSpan(_capturedLength));
        _capturedLength += take;
    }

    /// <summary>The captured body as text in the response's charset; null without -IncludeContent.</summary>
    public string? Content(string? charset) =>
        !KeepsContent ? null : ResponseCharset.EncodingOf(charset).GetString(_captured ?? Array.Empty<byte>(), 0, _capturedLength);

    /// <summary>Forgets what a redirect response carried: the answer is the next hop's. Replays stay counted.</summary>
    public void Reset()
    {
        StatusCode = 0;
        Bytes = 0;
        _hopSends = 0;
        _capturedLength = 0;
    }

    /// <summary>
    /// Gives the capture buffer back to the pool. Only once the response is whole: a transport may still
    /// write into the progress of an attempt that failed (a late frame of a reset stream), so a failed
    /// attempt leaves its buffer to the garbage collector instead.
    /// </summary>
    public void Release()
    {
        if (_captured is not null)
        {
            ArrayPool<byte>.Shared.Return(_captured);
            _captured = null;
            _capturedLength = 0;
        }
    }

    [MemberNotNull(nameof(_captured))]
    private void Grow(int needed)
    {
        int size = Math.Min(_captureAtMost, Math.Max(needed, Math.Max(FirstCaptureBytes, (_captured?.Length ?? 0) * 2)));
        byte[] larger = ArrayPool<byte>.Shared.Rent(size);
        if (_captured is not null)
        {
            _captured.AsSpan(0, _capturedLength).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_captured);
        }

        _captured = larger;
    }
}
