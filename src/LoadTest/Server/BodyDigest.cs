using System;
using System.Buffers.Binary;
using System.Numerics;

namespace LoadTest.Server;

/// <summary>
/// A 128-bit fingerprint of a request body, fed piece by piece as the body arrives; the same bytes give the
/// same fingerprint however they were split. Not cryptographic: it tells a client's honest repeat from a
/// new body, with a chance of a false match far below one in 10^18 for a million bodies, and it needs no
/// native library (a crypto hash would load OpenSSL on first use, which can fail when descriptors are out).
/// </summary>
internal struct BodyDigest
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong Prime3 = 0x165667B19E3779F9UL;
    private const ulong Prime4 = 0x85EBCA77C2B2AE63UL;

    private ulong _low;
    private ulong _high;
    private ulong _pending;
    private int _pendingBytes;

    public BodyDigest()
    {
        _low = 0x243F6A8885A308D3UL;
        _high = 0x13198A2E03707344UL;
    }

    /// <summary>Bytes fed so far.</summary>
    public long Length { get; private set; }

    public void Append(ReadOnlySpan<byte> data)
    {
        Length += data.Length;
        int i = 0;

        // Complete the word that the last piece left unfinished, so that splits do not change the result.
        while (_pendingBytes != 0 && i < data.Length)
        {
            _pending |= (ulong)data[i++] << (8 * _pendingBytes++);
            if (_pendingBytes == 8)
            {
                Mix(_pending);
                _pending = 0;
                _pendingBytes = 0;
            }
        }

        for (; i + 8 <= data.Length; i += 8)
        {
            Mix(BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(i)));
        }

        for (; i < data.Length; i++)
        {
            _pending |= (ulong)data[i] << (8 * _pendingBytes++);
        }
    }

    public readonly UInt128 Finish()
    {
        ulong low = _low;
        ulong high = _high;
        if (_pendingBytes > 0)
        {
            low = BitOperations.RotateLeft(low ^ (_pending * Prime3), 23) * Prime1;
            high = BitOperations.RotateLeft(high + (_pending * Prime4), 29) * Prime2;
        }

        // The length keeps "ab" and "ab\0" apart; the final mixes spread every input bit over all output bits.
        low = Avalanche(low ^ (ulong)Length);
        high = Avalanche(high + (ulong)Length + low);
        return new UInt128(high, low);
    }

    private void Mix(ulong word)
    {
        _low = BitOperations.RotateLeft(_low + (word * Prime2), 31) * Prime1;
        _high = BitOperations.RotateLeft(_high ^ (word * Prime4), 27) * Prime3;
    }

    private static ulong Avalanche(ulong value)
    {
        value ^= value >> 33;
        value *= 0xFF51AFD7ED558CCDUL;
        value ^= value >> 33;
        value *= 0xC4CEB9FE1A85EC53UL;
        value ^= value >> 33;
        return value;
    }
}
