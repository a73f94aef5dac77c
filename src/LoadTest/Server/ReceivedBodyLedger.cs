using System;
using System.Collections.Concurrent;
using System.Threading;

namespace LoadTest.Server;

/// <summary>
/// What a test server knows about the request bodies it received: how many, how many bytes, and how many
/// were byte for byte a body it had received before (a client that sent one request twice).
/// </summary>
internal sealed class ReceivedBodyLedger
{
    /// <summary>
    /// Distinct bodies remembered, about 64 MB of fingerprints; past that, a new body is counted but not
    /// remembered, so a repeat of it is not seen.
    /// </summary>
    public const int MaxRememberedBodies = 1_000_000;

    // Created with the first body: a server that never gets one pays nothing.
    private ConcurrentDictionary<UInt128, byte>? _seen;
    private long _count;
    private long _bytes;
    private long _duplicates;
    private int _remembered;

    public long Count => Interlocked.Read(ref _count);

    public long Bytes => Interlocked.Read(ref _bytes);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Counts one non-empty body that arrived in full.</summary>
    public void Record(long length, UInt128 digest)
    {
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _bytes, length);
        ConcurrentDictionary<UInt128, byte> seen = _seen ?? CreateSeen();
        if (Volatile.Read(ref _remembered) < MaxRememberedBodies)
        {
            if (seen.TryAdd(digest, 0))
            {
                Interlocked.Increment(ref _remembered);
                return;
            }

            Interlocked.Increment(ref _duplicates);
        }
        else if (seen.ContainsKey(digest))
        {
            Interlocked.Increment(ref _duplicates);
        }
    }

    private ConcurrentDictionary<UInt128, byte> CreateSeen()
    {
        Interlocked.CompareExchange(ref _seen, new ConcurrentDictionary<UInt128, byte>(), null);
        return _seen;
    }
}
