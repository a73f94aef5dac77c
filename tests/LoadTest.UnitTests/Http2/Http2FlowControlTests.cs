using System;
using System.Buffers.Binary;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using LoadTest.Fuzz;
using LoadTest.Wire;
using LoadTest.Wire.Http2;
using Xunit;

namespace LoadTest.UnitTests.Http2;

/// <summary>
/// An HTTP/2 connection over a stream of the test's own (no socket): its preface, its answers to SETTINGS and
/// PING, and the flow-control arithmetic of RFC 9113 6.9 on what it sends and what it receives.
/// </summary>
public sealed class Http2FlowControlTests
{
    private static readonly byte[] s_status200 = [0x88];

    [Fact]
    public async Task ThePreface_DisablesPush_AndOpensBothReceiveWindows()
    {
        using var stream = new TestDuplexStream();
        using Http2Connection connection = await StartAsync(stream, settings: false);

        // The magic, SETTINGS (ENABLE_PUSH 0, INITIAL_WINDOW_SIZE 16 MiB), and a WINDOW_UPDATE taking the connection's window to 2^31-1.
        Assert.Equal(
            Hex.Of(Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")) + "00000c040000000000" + "000200000000" + "000401000000" + "000004080000000000" + "7fff0000",
            Hex.Of(stream.Written));
    }

    [Fact]
    public async Task SettingsAndPings_AreAcknowledged()
    {
        using var stream = new TestDuplexStream();
        using Http2Connection connection = await StartAsync(stream, settings: true);
        stream.Feed(Http2Frame.Ping, 0, 0, Hex.Bytes("0102030405060708"));
        var frames = await stream.WaitForAsync(f => f.Count >= 2);
        Assert.Equal((Http2Frame.Settings, Http2Frame.Ack, 0, ""), Describe(frames[0]));
        Assert.Equal((Http2Frame.Ping, Http2Frame.Ack, 0, "0102030405060708"), Describe(frames[1]));
    }

    [Fact]
    public async Task ABodyLargerThanTheWindow_WaitsForWindowUpdates_OnTheStreamAndTheConnection()
    {
        using var stream = new TestDuplexStream();
        using Http2Connection connection = await StartAsync(stream, settings: true);
        Task<ResponseHead> response = Send(connection, HttpMethod.Post, new byte[100_000]);

        // 65,535 bytes, the default of both windows, in frames of 16,384 at most.
        var frames = await stream.WaitForAsync(f => DataBytes(f, 1) == 65_535);
        Assert.Equal([16384, 16384, 16384, 16383], frames.Where(f => f.Type == Http2Frame.Data).Select(f => f.Payload.Length));

        // The stream's window alone does not let more go: the connection's is shut too.
        stream.Feed(Http2Frame.WindowUpdate, 0, 1, Increment(20_000));
        stream.Feed(Http2Frame.Ping, 0, 0, new byte[8]);
        frames = await stream.WaitForAsync(f => f.Any(x => x.Type == Http2Frame.Ping));
        Assert.Equal(65_535, DataBytes(frames, 1));

        // The connection's opens by 30,000: the stream's 20,000 go. The stream's opens by 14,465: the connection's last
        // 10,000 go. The connection's opens by 4,465: the rest goes, and ends the stream.
        stream.Feed(Http2Frame.WindowUpdate, 0, 0, Increment(30_000));
        frames = await stream.WaitForAsync(f => DataBytes(f, 1) == 85_535);
        stream.Feed(Http2Frame.WindowUpdate, 0, 1, Increment(14_465));
        frames = await stream.WaitForAsync(f => DataBytes(f, 1) == 95_535);
        stream.Feed(Http2Frame.WindowUpdate, 0, 0, Increment(4_465));
        frames = await stream.WaitForAsync(f => DataBytes(f, 1) == 100_000);
        Assert.Equal([16384, 16384, 16384, 16383, 16384, 3616, 10_000, 4_465], frames.Where(f => f.Type == Http2Frame.Data).Select(f => f.Payload.Length));
        var last = frames.Last(f => f.Type == Http2Frame.Data);
        Assert.Equal(Http2Frame.EndStream, last.Flags);

        stream.Feed(Http2Frame.Headers, Http2Frame.EndHeaders | Http2Frame.EndStream, 1, s_status200);
        Assert.Equal(200, (await response.WaitAsync(TimeSpan.FromSeconds(20))).StatusCode);
    }

    [Fact]
    public async Task ANewInitialWindowSize_MovesTheOpenStreamsWindowsByTheDifference()
    {
        using var stream = new TestDuplexStream();
        using Http2Connection connection = await StartAsync(stream, settings: true);
        Task<ResponseHead> response = Send(connection, HttpMethod.Post, new byte[100_000]);
        await stream.WaitForAsync(f => DataBytes(f, 1) == 65_535);

        // 65,535 to 100,000: the stream may send 34,465 more once the connection allows (RFC 9113 6.9.2).
        stream.Feed(Http2Frame.Settings, 0, 0, Setting(Http2Frame.SettingInitialWindowSize, 100_000));
        stream.Feed(Http2Frame.WindowUpdate, 0, 0, Increment(1_000_000));
        var frames = await stream.WaitForAsync(f => DataBytes(f, 1) == 100_000);
        Assert.Equal(Http2Frame.EndStream, frames.Last(f => f.Type == Http2Frame.Data).Flags);
        stream.Feed(Http2Frame.Headers, Http2Frame.EndHeaders | Http2Frame.EndStream, 1, s_status200);
        Assert.Equal(200, (await response.WaitAsync(TimeSpan.FromSeconds(20))).StatusCode);
    }

    [Fact]
    public async Task ALargerMaximumFrameSize_MakesLargerDataFrames()
    {
        using var stream = new TestDuplexStream();
        using Http2Connection connection = await StartAsync(stream, settings: false);
        stream.Feed(Http2Frame.Settings, 0, 0, [.. Setting(Http2Frame.SettingMaxFrameSize, 20_000), .. Setting(Http2Frame.SettingInitialWindowSize, 50_000)]);
        stream.Feed(Http2Frame.WindowUpdate, 0, 0, Increment(1_000_000));
        await stream.WaitForAsync(f => f.Any(x => x.Type == Http2Frame.Settings && x.Flags == Http2Frame.Ack));
        _ = Send(connection, HttpMethod.Post, new byte[45_000]);
        var frames = await stream.WaitForAsync(f => DataBytes(f, 1) == 45_000);
        Assert.Equal([20_000, 20_000, 5_000], frames.Where(f => f.Type == Http2Frame.Data).Select(f => f.Payload.Length));
    }

    [Fact]
    public async Task ReceivedData_IsGivenBackInAStreamWindowUpdate_AtHalfTheWindow_PaddingIncluded()
    {
        // 512 DATA frames of 16,384 bytes, each with 255 bytes of padding: 8 MiB count against the 16 MiB window (RFC 9113
        // 6.9.1), so the client gives back exactly 8,388,608, though it counted 512 x 16,128 bytes of body.
        using var stream = new TestDuplexStream();
        using Http2Connection connection = await StartAsync(stream, settings: true);
        var progress = new AttemptProgress(false, -1);
        Task<ResponseHead> response = Send(connection, HttpMethod.Get, null, progress);
        stream.Feed(Http2Frame.Headers, Http2Frame.EndHeaders, 1, s_status200);
        byte[] padded = new byte[16_384];
        padded[0] = 255;
        for (int i = 0; i < 512; i++)
        {
            stream.Feed(Http2Frame.Data, Http2Frame.Padded, 1, padded);
        }

        var frames = await stream.WaitForAsync(f => f.Any(x => x.Type == Http2Frame.WindowUpdate && x.Stream == 1));
        Assert.Equal(8_388_608, BinaryPrimitives.ReadInt32BigEndian(frames.Single(f => f.Type == Http2Frame.WindowUpdate && f.Stream == 1).Payload));
        stream.Feed(Http2Frame.Data, Http2Frame.EndStream, 1, []);
        Assert.Equal(200, (await response.WaitAsync(TimeSpan.FromSeconds(20))).StatusCode);
        Assert.Equal(512 * 16_128, progress.Bytes);
    }

    [Fact]
    public async Task AConnectionWindowAbove2To31_IsAFlowControlErrorOfTheConnection()
    {
        using var stream = new TestDuplexStream();
        Http2Connection connection = await StartAsync(stream, settings: true);
        Task<ResponseHead> response = Send(connection, HttpMethod.Get, null);
        stream.Feed(Http2Frame.WindowUpdate, 0, 0, Increment(int.MaxValue - 65_535 + 1));
        var frames = await stream.WaitForAsync(f => f.Any(x => x.Type == Http2Frame.GoAway));
        Assert.Equal("00000000" + "00000003", Hex.Of(frames.Single(f => f.Type == Http2Frame.GoAway).Payload));
        HttpIOException error = await Assert.ThrowsAsync<HttpIOException>(() => response.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(HttpRequestError.ResponseEnded, error.HttpRequestError);
        Assert.Equal(Http2Errors.FlowControlError, Assert.IsType<HttpProtocolException>(connection.Failure).ErrorCode);
    }

    [Fact]
    public async Task AStreamWindowAbove2To31_ResetsThatStreamOnly()
    {
        using var stream = new TestDuplexStream();
        using Http2Connection connection = await StartAsync(stream, settings: true);
        Task<ResponseHead> first = Send(connection, HttpMethod.Get, null);
        Task<ResponseHead> second = Send(connection, HttpMethod.Get, null);
        stream.Feed(Http2Frame.WindowUpdate, 0, 1, Increment(int.MaxValue - 65_535 + 1));
        var frames = await stream.WaitForAsync(f => f.Any(x => x.Type == Http2Frame.RstStream));
        Assert.Equal((Http2Frame.RstStream, (byte)0, 1, "00000003"), Describe(frames.Single(f => f.Type == Http2Frame.RstStream)));
        HttpProtocolException error = await Assert.ThrowsAsync<HttpProtocolException>(() => first.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(Http2Errors.ProtocolError, error.ErrorCode);

        stream.Feed(Http2Frame.Headers, Http2Frame.EndHeaders | Http2Frame.EndStream, 3, s_status200);
        Assert.Equal(200, (await second.WaitAsync(TimeSpan.FromSeconds(20))).StatusCode);
        Assert.True(connection.IsOpen);
    }

    [Theory]
    [InlineData(0, "00000001")]
    [InlineData(1, "00000001")]
    public async Task AZeroWindowUpdate_IsAProtocolError(int streamId, string code)
    {
        // On the connection, a connection error (GOAWAY); on a stream, a stream error (RST_STREAM) (RFC 9113 6.9).
        using var stream = new TestDuplexStream();
        Http2Connection connection = await StartAsync(stream, settings: true);
        Task<ResponseHead> response = Send(connection, HttpMethod.Get, null);
        stream.Feed(Http2Frame.WindowUpdate, 0, streamId, Increment(0));
        byte type = streamId == 0 ? Http2Frame.GoAway : Http2Frame.RstStream;
        var frames = await stream.WaitForAsync(f => f.Any(x => x.Type == type));
        Assert.EndsWith(code, Hex.Of(frames.Single(f => f.Type == type).Payload), StringComparison.Ordinal);
        Exception? error = await Record.ExceptionAsync(() => response.WaitAsync(TimeSpan.FromSeconds(20)));
        if (streamId == 0)
        {
            Assert.Equal(HttpRequestError.ResponseEnded, Assert.IsType<HttpIOException>(error).HttpRequestError);
            Assert.Equal(Http2Errors.ProtocolError, Assert.IsType<HttpProtocolException>(error.InnerException).ErrorCode);
        }
        else
        {
            Assert.Equal(Http2Errors.ProtocolError, Assert.IsType<HttpProtocolException>(error).ErrorCode);
            Assert.True(connection.IsOpen);
        }

        connection.Dispose();
    }

    private static async Task<Http2Connection> StartAsync(TestDuplexStream stream, bool settings)
    {
        Http2Connection connection = await Http2Driver.StartAsync(stream);
        if (settings)
        {
            stream.Feed(Http2Frame.Settings, 0, 0, []);
            await stream.WaitForAsync(f => f.Any(x => x.Type == Http2Frame.Settings && x.Flags == Http2Frame.Ack));
        }

        return connection;
    }

    private static Task<ResponseHead> Send(Http2Connection connection, HttpMethod method, byte[]? body, AttemptProgress? progress = null) =>
        Http2Driver.Send(connection, method, "/", body, progress ?? new AttemptProgress(false, -1)) ?? throw new InvalidOperationException("The connection took no stream.");

    private static int DataBytes(System.Collections.Generic.List<(byte Type, byte Flags, int Stream, byte[] Payload)> frames, int streamId) =>
        frames.Where(f => f.Type == Http2Frame.Data && f.Stream == streamId).Sum(f => f.Payload.Length);

    private static (byte, byte, int, string) Describe((byte Type, byte Flags, int Stream, byte[] Payload) frame) => (frame.Type, frame.Flags, frame.Stream, Hex.Of(frame.Payload));

    private static byte[] Increment(int value)
    {
        byte[] payload = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(payload, value);
        return payload;
    }

    private static byte[] Setting(ushort id, uint value)
    {
        byte[] payload = new byte[6];
        BinaryPrimitives.WriteUInt16BigEndian(payload, id);
        BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(2), value);
        return payload;
    }
}
