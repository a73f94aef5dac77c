using System;
using System.Collections.Generic;
using LoadTest.Wire;
using LoadTest.Wire.Http2;
using Xunit;

namespace LoadTest.UnitTests.Http2;

/// <summary>HTTP/2 frames as the client writes and reads them (RFC 9113 4.1, 6), and the frame buffer's arithmetic of windows and sizes.</summary>
public sealed class Http2FrameTests
{
    [Fact]
    public void TheFrameHeader_IsNineBytes_BigEndian()
    {
        byte[] header = new byte[Http2Frame.HeaderSize];
        Http2Frame.WriteHeader(header, 0x123456, Http2Frame.Headers, Http2Frame.EndHeaders | Http2Frame.EndStream, 0x7fffffff);
        Assert.Equal("123456" + "01" + "05" + "7fffffff", Hex.Of(header));
        Assert.Equal((0x123456, Http2Frame.Headers, (byte)0x05, 0x7fffffff), Http2Frame.ReadHeader(header));
    }

    [Fact]
    public void TheReservedBit_IsIgnoredOnRead()
    {
        // RFC 9113 4.1: the R bit "MUST be ignored when receiving".
        Assert.Equal((8, Http2Frame.Ping, (byte)0, 3), Http2Frame.ReadHeader(Hex.Bytes("000008 06 00 80000003")));
    }

    [Fact]
    public void HeadersThatFitOneFrame_GoInOneHeadersFrame()
    {
        var buffer = new Http2FrameBuffer("h", secure: false);
        buffer.AppendHeaders(1, "GET", "/", [], -1, endStream: true);
        Assert.Equal("000006 01 05 00000001 828601016884", Spaced(buffer.Take()));
        Assert.Equal(1, buffer.WrittenThrough);
    }

    [Fact]
    public void ATableSizeChange_PutsAnUpdateToZeroAtTheStartOfTheNextBlockOnly()
    {
        var buffer = new Http2FrameBuffer("h", secure: true);
        buffer.UpdateTableSizeToZero();
        buffer.AppendHeaders(1, "GET", "/", [], -1, endStream: true);
        buffer.AppendHeaders(3, "GET", "/", [], -1, endStream: true);
        Assert.Equal("000007 01 05 00000001 20828701016884" + " 000006 01 05 00000003 828701016884", Spaced(buffer.Take()));
        Assert.Equal(3, buffer.WrittenThrough);
    }

    [Fact]
    public void ABlockLargerThanTheServersFrameSize_GoesOnInContinuationFrames()
    {
        // A 40,000-byte path: 1 + 1 + (1 + 1 + 1) + (1 + 4 + 40,000) = 40,010 bytes of block, in frames of 16,384 at most.
        var buffer = new Http2FrameBuffer("h", secure: false);
        string path = "/" + new string('p', 39_999);
        buffer.AppendHeaders(5, "GET", path, [], -1, endStream: false);
        List<(int Length, byte Type, byte Flags, int Stream)> frames = Frames(buffer.Take().Span);
        Assert.Equal([(16384, Http2Frame.Headers, (byte)0, 5), (16384, Http2Frame.Continuation, (byte)0, 5), (7242, Http2Frame.Continuation, Http2Frame.EndHeaders, 5)], frames);
    }

    [Fact]
    public void ALargerFrameSize_TakesTheBlockInOneFrame_AndEndStreamStaysOnTheHeadersFrame()
    {
        var buffer = new Http2FrameBuffer("h", secure: false) { MaxFrame = 65536 };
        buffer.AppendHeaders(7, "GET", "/" + new string('p', 39_999), [], -1, endStream: true);
        Assert.Equal([(40_010, Http2Frame.Headers, (byte)(Http2Frame.EndHeaders | Http2Frame.EndStream), 7)], Frames(buffer.Take().Span));
    }

    [Fact]
    public void Data_TakesWhatBothWindowsAllow_InFramesOfTheMaximumSize()
    {
        var buffer = new Http2FrameBuffer("h", secure: false);
        var stream = Stream(9, sendWindow: 65_535);
        long connectionWindow = 65_535;
        byte[] body = new byte[100_000];

        int sent = buffer.AppendData(stream, body, 0, ref connectionWindow);
        Assert.Equal(65_535, sent);
        Assert.Equal(0, connectionWindow);
        Assert.Equal(0, stream.SendWindow);
        Assert.Equal([(16384, Http2Frame.Data, (byte)0, 9), (16384, Http2Frame.Data, (byte)0, 9), (16384, Http2Frame.Data, (byte)0, 9), (16383, Http2Frame.Data, (byte)0, 9)], Frames(buffer.Take().Span));

        // Nothing more while either window is shut.
        connectionWindow = 1_000_000;
        Assert.Equal(65_535, buffer.AppendData(stream, body, sent, ref connectionWindow));
        Assert.Equal(0, buffer.Length);

        // The stream's window opens by 40,000: 34,465 bytes are left, the last frame ends the stream.
        stream.SendWindow += 40_000;
        Assert.Equal(100_000, buffer.AppendData(stream, body, sent, ref connectionWindow));
        Assert.Equal(1_000_000 - 34_465, connectionWindow);
        Assert.Equal(40_000 - 34_465, stream.SendWindow);
        Assert.Equal([(16384, Http2Frame.Data, (byte)0, 9), (16384, Http2Frame.Data, (byte)0, 9), (1697, Http2Frame.Data, Http2Frame.EndStream, 9)], Frames(buffer.Take().Span));
    }

    [Fact]
    public void Data_IsBoundByTheSmallerWindow_AndANegativeWindowSendsNothing()
    {
        var buffer = new Http2FrameBuffer("h", secure: false);
        var stream = Stream(1, sendWindow: 10);
        long connectionWindow = 3;
        Assert.Equal(3, buffer.AppendData(stream, new byte[20], 0, ref connectionWindow));
        Assert.Equal(7, stream.SendWindow);

        // A SETTINGS_INITIAL_WINDOW_SIZE decrease can take a window below zero (RFC 9113 6.9.2).
        stream.SendWindow = -5;
        connectionWindow = 100;
        Assert.Equal(3, buffer.AppendData(stream, new byte[20], 3, ref connectionWindow));
        Assert.Equal(100, connectionWindow);
    }

    [Fact]
    public void WindowUpdatesAndOtherFrames_AreWrittenAsGiven()
    {
        var buffer = new Http2FrameBuffer("h", secure: false);
        buffer.AppendWindowUpdate(0, int.MaxValue - 65_535);
        buffer.AppendWindowUpdate(3, 8_388_608);
        buffer.AppendFrame(Http2Frame.Ping, Http2Frame.Ack, 0, Hex.Bytes("0102030405060708"));
        Assert.Equal("000004 08 00 00000000 7fff0000" + " 000004 08 00 00000003 00800000" + " 000008 06 01 00000000 0102030405060708", Spaced(buffer.Take()));
    }

    [Fact]
    public void Take_SwapsBuffers_SoOneBatchStaysValidWhileTheNextIsQueued()
    {
        var buffer = new Http2FrameBuffer("h", secure: false);
        buffer.AppendWindowUpdate(0, 1);
        ReadOnlyMemory<byte> first = buffer.Take();
        buffer.AppendWindowUpdate(0, 2);
        Assert.Equal("000004 08 00 00000000 00000001", Spaced(first));
        Assert.Equal("000004 08 00 00000000 00000002", Spaced(buffer.Take()));
        Assert.Equal(0, buffer.Take().Length);
    }

    private static Http2Stream Stream(int id, long sendWindow) =>
        new(null!, s_spec, RedirectHop.First(s_spec), new AttemptProgress(false, -1), includeHeaders: false) { Id = id, SendWindow = sendWindow };

    private static readonly RequestSpec s_spec = new(0, System.Net.Http.HttpMethod.Get, new Uri("http://h/"), RequestPayload.Empty);

    private static List<(int, byte, byte, int)> Frames(ReadOnlySpan<byte> bytes)
    {
        var frames = new List<(int, byte, byte, int)>();
        while (!bytes.IsEmpty)
        {
            (int length, byte type, byte flags, int stream) = Http2Frame.ReadHeader(bytes);
            frames.Add((length, type, flags, stream));
            bytes = bytes[(Http2Frame.HeaderSize + length)..];
        }

        return frames;
    }

    // The frames' bytes as hex, a space after each header field and between frames, as the tests write them.
    private static string Spaced(ReadOnlyMemory<byte> batch)
    {
        var parts = new List<string>();
        ReadOnlySpan<byte> bytes = batch.Span;
        while (!bytes.IsEmpty)
        {
            (int length, _, _, _) = Http2Frame.ReadHeader(bytes);
            parts.Add($"{Hex.Of(bytes[..3])} {Hex.Of(bytes[3..4])} {Hex.Of(bytes[4..5])} {Hex.Of(bytes[5..9])} {Hex.Of(bytes.Slice(9, length))}".TrimEnd());
            bytes = bytes[(Http2Frame.HeaderSize + length)..];
        }

        return string.Join(" ", parts);
    }
}
