using System;
using System.Buffers.Binary;

namespace LoadTest.Wire.Http2;

/// <summary>HTTP/2 frame types, flags and the 9-byte frame header (RFC 9113 4.1, 6).</summary>
internal static class Http2Frame
{
    public const int HeaderSize = 9;

    /// <summary>The largest frame payload this client accepts (SETTINGS_MAX_FRAME_SIZE left at its default).</summary>
    public const int MaxPayload = 16384;

    public const byte Data = 0x0;
    public const byte Headers = 0x1;
    public const byte Priority = 0x2;
    public const byte RstStream = 0x3;
    public const byte Settings = 0x4;
    public const byte PushPromise = 0x5;
    public const byte Ping = 0x6;
    public const byte GoAway = 0x7;
    public const byte WindowUpdate = 0x8;
    public const byte Continuation = 0x9;

    public const byte EndStream = 0x1;
    public const byte Ack = 0x1;
    public const byte EndHeaders = 0x4;
    public const byte Padded = 0x8;
    public const byte PriorityFlag = 0x20;

    public const ushort SettingHeaderTableSize = 0x1;
    public const ushort SettingEnablePush = 0x2;
    public const ushort SettingMaxConcurrentStreams = 0x3;
    public const ushort SettingInitialWindowSize = 0x4;
    public const ushort SettingMaxFrameSize = 0x5;

    public static void WriteHeader(Span<byte> destination, int length, byte type, byte flags, int streamId)
    {
        destination[0] = (byte)(length >> 16);
        destination[1] = (byte)(length >> 8);
        destination[2] = (byte)length;
        destination[3] = type;
        destination[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(destination[5..], streamId);
    }

    public static (int Length, byte Type, byte Flags, int StreamId) ReadHeader(ReadOnlySpan<byte> source) =>
        ((source[0] << 16) | (source[1] << 8) | source[2], source[3], source[4], BinaryPrimitives.ReadInt32BigEndian(source[5..]) & int.MaxValue);
}
