using System;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using LoadTest.Wire;
using LoadTest.Wire.Http1;
using Xunit;

namespace LoadTest.UnitTests.Http1;

/// <summary>
/// A pooled connection is checked before reuse: bytes waiting on it (a late or extra response) or its end mean it is
/// not clean, and nothing is sent on it; a clean one sends, and its response is read through the read started first.
/// </summary>
public sealed class Http1ConnectionReuseTests
{
    private static readonly byte[] s_request = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: h\r\n\r\n");

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nSTRAY")]
    [InlineData("garbage")]
    public async Task BytesWaitingOnAnIdleConnection_MeanItIsNotUsed(string stray)
    {
        var stream = new PiecesStream([Encoding.ASCII.GetBytes(stray)], idle: true);
        using var connection = new Http1Connection(stream) { Reused = true };
        var progress = new AttemptProgress(false, -1);
        Assert.False(await SendAsync(connection, progress));
        Assert.Equal(0, stream.Sent.Length);
        Assert.Equal(0, progress.Replays);
    }

    [Fact]
    public async Task AnIdleConnectionTheServerClosed_IsNotUsed()
    {
        var stream = new PiecesStream([]);
        using var connection = new Http1Connection(stream) { Reused = true };
        Assert.False(await SendAsync(connection, new AttemptProgress(false, -1)));
        Assert.Equal(0, stream.Sent.Length);
    }

    [Fact]
    public async Task ACleanIdleConnection_SendsTheRequest()
    {
        var stream = new PiecesStream([], idle: true);
        using var connection = new Http1Connection(stream) { Reused = true };
        Assert.True(await SendAsync(connection, new AttemptProgress(false, -1)));
        Assert.Equal(s_request, stream.Sent.ToArray());
    }

    [Fact]
    public async Task AFreshConnection_SendsHeadAndBody_AndReadsTheResponse()
    {
        var stream = new PiecesStream([Encoding.ASCII.GetBytes("HTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nabc")]);
        using var connection = new Http1Connection(stream);
        var progress = new AttemptProgress(true, 16);
        s_request.CopyTo(connection.SendBuffer(s_request.Length), 0);
        Assert.True(await connection.SendAsync(s_request.Length, "body"u8.ToArray(), progress, CancellationToken.None));
        (ResponseHead response, bool reusable) = await connection.ReceiveAsync(false, false, progress, CancellationToken.None);
        Assert.Equal((201, "Created", "abc", true, 3L), (response.StatusCode, response.ReasonPhrase, response.Content, reusable, progress.Bytes));
        Assert.Equal("GET / HTTP/1.1\r\nHost: h\r\n\r\nbody", Encoding.ASCII.GetString(stream.Sent.ToArray()));
    }

    private static async Task<bool> SendAsync(Http1Connection connection, AttemptProgress progress)
    {
        s_request.CopyTo(connection.SendBuffer(s_request.Length), 0);
        return await connection.SendAsync(s_request.Length, ReadOnlyMemory<byte>.Empty, progress, CancellationToken.None);
    }
}
