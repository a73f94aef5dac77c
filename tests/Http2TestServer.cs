#nullable enable
using System;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace LoadTestTests;

/// <summary>
/// A loopback HTTP/2 server in clear text (h2c with prior knowledge), or over TLS with ALPN h2 when given a
/// certificate, for the conformance tests: it reads
/// the client's preface and frames, answers its SETTINGS and PINGs, gives back flow-control credit for the
/// request bodies it reads, and answers each complete request the way its scenario says, well or badly.
/// It records what the client did: connections, each request (connection, stream, method, path),
/// RST_STREAM, PING ACK and GOAWAY frames, body bytes, and anything the client got wrong (Problems).
/// One scenario per server; Dispose stops it and every connection. In the limit scenarios it announces a
/// SETTINGS_MAX_CONCURRENT_STREAMS, refuses the streams above it with REFUSED_STREAM as nginx does (Refused), and
/// counts among its Problems a stream opened beyond a limit the client had acknowledged (RFC 9113 5.1.2).
/// </summary>
public sealed class Http2TestServer : IDisposable
{
    /// <summary>The scenarios a server can play; see <see cref="AnswerAsync"/> for what each sends.</summary>
    public static readonly string[] Scenarios =
    {
        // Well-formed answers, framed and coded in the ways HTTP/2 allows.
        "ok", "table-size", "split-body", "hpack", "hpack-evict", "continuation", "interim", "trailers", "head", "redirect", "flow-control",
        "ping-first", "late-after-cancel",

        // Streams the server resets, refuses, sends away, leaves unanswered or answers early.
        "reset-internal", "refuse-first", "goaway-first", "goaway-always", "goaway-open", "goaway-silent", "silent", "close-after-request",
        "early-answer",

        // Malformed answers (stream errors) and broken connections (connection errors).
        "short-body", "uppercase-name", "no-status", "pseudo-after-regular", "data-first", "value-crlf", "value-nul",
        "connection-field", "data-unopened", "not-settings-first", "oversized-frame",

        // SETTINGS_MAX_CONCURRENT_STREAMS: 1; 0 raised to 4 half a second later; 4 lowered to 1 once four
        // streams are open on the first connection (answered after the SETTINGS); and a limit that changes with
        // every answer (1, 3, 0, 4, 2, ...; a 0 is raised to 2 after 50 ms).
        "limit-1", "limit-0-raised", "limit-lowered", "limit-flapping",

        // Frames of a wrong length (RFC 9113 4.2, 6): stream errors (PRIORITY on the open stream, on a closed
        // one; DATA padded with no room for its Pad Length) and connection errors (PRIORITY on an idle stream,
        // HEADERS too short for its priority fields, HEADERS whose padding is longer than the frame, RST_STREAM,
        // PING, SETTINGS, a SETTINGS ACK, WINDOW_UPDATE, GOAWAY).
        "priority-short", "priority-long-closed", "priority-idle-short", "data-padded-empty", "headers-short-priority",
        "headers-long-padding", "rst-long", "ping-short", "settings-partial", "settings-ack-payload", "window-update-long",
        "goaway-short",

        // Over TLS: a handshake that completes without the server selecting a protocol by ALPN.
        "no-alpn",
    };

    /// <summary>The limits of limit-flapping, announced one after another, one per answer.</summary>
    private static readonly int[] s_flapping = { 1, 3, 0, 4, 2 };

    /// <summary>The payload of the PING the ping-first scenario sends: "LoadTest".</summary>
    public const string PingPayloadHex = "4c6f616454657374";

    /// <summary>SETTINGS_INITIAL_WINDOW_SIZE in the flow-control scenario.</summary>
    public const int SmallWindow = 1000;

    // Fields the hpack-evict scenario sends, and how many of them a 4096-byte table keeps (42 of 97 bytes each).
    private const int EvictionFields = 60;
    private const int EvictionKept = 42;

    private const int DefaultWindow = 65535;
    private const int MaxFrame = 16384;
    private const byte Data = 0x0;
    private const byte Headers = 0x1;
    private const byte PriorityFrame = 0x2;
    private const byte RstStream = 0x3;
    private const byte Settings = 0x4;
    private const byte Ping = 0x6;
    private const byte GoAway = 0x7;
    private const byte WindowUpdate = 0x8;
    private const byte Continuation = 0x9;
    private const byte EndStream = 0x1;
    private const byte Ack = 0x1;
    private const byte EndHeaders = 0x4;
    private const byte Padded = 0x8;
    private const byte Priority = 0x20;
    private const ushort MaxConcurrentStreams = 0x3;

    private static readonly byte[] s_preface = Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    private static readonly byte[] s_ping = Convert.FromHexString(PingPayloadHex);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<int, Connection> _open = new();
    private readonly ConcurrentDictionary<int, ConcurrentQueue<int>> _streamIds = new();
    private readonly ConcurrentBag<Task> _tasks = new();
    private readonly Task _accepting;
    private readonly X509Certificate2? _certificate;
    private int _connections;
    private int _requests;
    private int _refused;
    private long _bodyBytes;

    public Http2TestServer(string scenario)
        : this(scenario, null)
    {
    }

    /// <param name="scenario">What the server does (see <see cref="Scenarios"/>).</param>
    /// <param name="certificate">The server's certificate for TLS with ALPN h2; null for h2c.</param>
    public Http2TestServer(string scenario, X509Certificate2? certificate)
    {
        if (Array.IndexOf(Scenarios, scenario) < 0)
        {
            throw new ArgumentException("Unknown scenario '" + scenario + "'.", nameof(scenario));
        }

        Scenario = scenario;
        _certificate = certificate;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = Task.Run(AcceptAsync);
    }

    public string Scenario { get; }

    public int Port { get; }

    public string Uri => (_certificate is null ? "http" : "https") + "://127.0.0.1:" + Port.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/";

    /// <summary>TCP connections accepted.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Connections still being served (not yet closed by either side).</summary>
    public int OpenConnections => _open.Count;

    /// <summary>Request header blocks read, on all connections (refused ones too).</summary>
    public int RequestCount => Volatile.Read(ref _requests);

    /// <summary>Streams refused with REFUSED_STREAM for being above the limit in force (the limit scenarios).</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Request body bytes read in DATA frames (padding not counted), on all connections.</summary>
    public long RequestBodyBytes => Interlocked.Read(ref _bodyBytes);

    /// <summary>Each request as it arrived: "connection stream METHOD path", for example "1 3 GET /x".</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Each RST_STREAM received: "connection stream CODE", for example "1 1 CANCEL".</summary>
    public ConcurrentQueue<string> Resets { get; } = new();

    /// <summary>Each PING ACK received: "connection payload-in-hex".</summary>
    public ConcurrentQueue<string> PingAcks { get; } = new();

    /// <summary>Each GOAWAY received: "connection last-stream-id CODE".</summary>
    public ConcurrentQueue<string> GoAways { get; } = new();

    /// <summary>Dynamic table size updates at the start of the client's header blocks: "connection size".</summary>
    public ConcurrentQueue<string> TableSizeUpdates { get; } = new();

    /// <summary>What the client did wrong (a bad preface, a flow-control overrun, stream ids out of order), and the server's own failures.</summary>
    public ConcurrentQueue<string> Problems { get; } = new();

    /// <summary>The stream ids of a connection's requests (connections count from 1), in the order their HEADERS arrived.</summary>
    public int[] StreamIds(int connection) => _streamIds.TryGetValue(connection, out ConcurrentQueue<int>? ids) ? ids.ToArray() : Array.Empty<int>();

    /// <summary>The name RFC 9113 7 gives an error code.</summary>
    public static string CodeName(uint code) => code switch
    {
        0x0 => "NO_ERROR",
        0x1 => "PROTOCOL_ERROR",
        0x2 => "INTERNAL_ERROR",
        0x3 => "FLOW_CONTROL_ERROR",
        0x4 => "SETTINGS_TIMEOUT",
        0x5 => "STREAM_CLOSED",
        0x6 => "FRAME_SIZE_ERROR",
        0x7 => "REFUSED_STREAM",
        0x8 => "CANCEL",
        0x9 => "COMPRESSION_ERROR",
        0xa => "CONNECT_ERROR",
        0xb => "ENHANCE_YOUR_CALM",
        0xc => "INADEQUATE_SECURITY",
        0xd => "HTTP_1_1_REQUIRED",
        _ => "0x" + code.ToString("x", System.Globalization.CultureInfo.InvariantCulture),
    };

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        foreach (Connection connection in _open.Values)
        {
            connection.Abort();
        }

        try
        {
            Task.WaitAll(new List<Task>(_tasks) { _accepting }.ToArray(), TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception)
            {
                return;
            }

            socket.NoDelay = true;
            var connection = new Connection(Interlocked.Increment(ref _connections), socket);
            _streamIds[connection.Number] = new ConcurrentQueue<int>();
            _open[connection.Number] = connection;
            _tasks.Add(Task.Run(() => ServeAsync(connection)));
        }
    }

    private async Task ServeAsync(Connection c)
    {
        using var life = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        life.CancelAfter(TimeSpan.FromSeconds(60));
        CancellationToken token = life.Token;
        try
        {
            if (_certificate is not null)
            {
                var tls = new SslStream(c.Stream);
                c.Stream = tls;
                await tls.AuthenticateAsServerAsync(
                    new SslServerAuthenticationOptions
                    {
                        ServerCertificate = _certificate,
                        ApplicationProtocols = Scenario == "no-alpn" ? null : new List<SslApplicationProtocol> { SslApplicationProtocol.Http2 },
                    },
                    token).ConfigureAwait(false);
            }

            byte[] preface = new byte[s_preface.Length];
            if (!await ReadExactAsync(c.Stream, preface, token).ConfigureAwait(false))
            {
                return;
            }

            if (!preface.AsSpan().SequenceEqual(s_preface))
            {
                Problems.Enqueue($"{c.Number}: the connection does not start with the HTTP/2 preface");
                return;
            }

            // The server's preface, sent at once: its SETTINGS, except where the scenario holds it back.
            if (Scenario != "not-settings-first")
            {
                byte[] settings = Array.Empty<byte>();
                if (Scenario == "table-size")
                {
                    // SETTINGS_HEADER_TABLE_SIZE: the client's next block must open with a size update (RFC 7541 4.2).
                    settings = new byte[6];
                    BinaryPrimitives.WriteUInt16BigEndian(settings, 0x1);
                    BinaryPrimitives.WriteUInt32BigEndian(settings.AsSpan(2), 1024);
                }
                else if (Scenario == "flow-control")
                {
                    settings = new byte[6];
                    BinaryPrimitives.WriteUInt16BigEndian(settings, 0x4);
                    BinaryPrimitives.WriteUInt32BigEndian(settings.AsSpan(2), SmallWindow);
                    c.AdvertisedWindow = SmallWindow;
                }

                int? limit = Scenario switch
                {
                    "limit-1" => 1,
                    "limit-0-raised" => 0,
                    "limit-lowered" => 4,
                    "limit-flapping" => 2,
                    _ => null,
                };
                if (limit is int announced)
                {
                    c.AnnounceLimit(announced);
                }
                else
                {
                    c.Frame(Settings, 0, 0, settings);
                    c.SentSettings.Enqueue(null);
                }

                await c.FlushAsync(token).ConfigureAwait(false);
                if (Scenario == "limit-0-raised")
                {
                    RaiseLater(c, 4, TimeSpan.FromMilliseconds(500), token);
                }
            }

            byte[] header = new byte[9];
            while (true)
            {
                if (!await ReadExactAsync(c.Stream, header, token).ConfigureAwait(false))
                {
                    return;
                }

                int length = (header[0] << 16) | (header[1] << 8) | header[2];
                byte type = header[3];
                byte flags = header[4];
                int streamId = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & int.MaxValue;
                if (length > MaxFrame)
                {
                    Problems.Enqueue($"{c.Number}: a frame of {length} bytes, above SETTINGS_MAX_FRAME_SIZE");
                    return;
                }

                byte[] payload = new byte[length];
                if (!await ReadExactAsync(c.Stream, payload, token).ConfigureAwait(false))
                {
                    Problems.Enqueue($"{c.Number}: the connection ended inside a frame");
                    return;
                }

                await c.Gate.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    await OnFrameAsync(c, type, flags, streamId, payload, token).ConfigureAwait(false);
                    await c.FlushAsync(token).ConfigureAwait(false);
                }
                finally
                {
                    c.Gate.Release();
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client closed or reset the connection, or the server is stopping.
        }
        catch (Exception ex)
        {
            Problems.Enqueue($"{c.Number}: server failure: {ex}");
        }
        finally
        {
            _open.TryRemove(c.Number, out _);
            c.Abort();
        }
    }

    private async Task OnFrameAsync(Connection c, byte type, byte flags, int streamId, byte[] payload, CancellationToken token)
    {
        if (c.BlockStream != 0 && type != Continuation)
        {
            Problems.Enqueue($"{c.Number}: a header block was interrupted by a frame of type {type}");
        }

        switch (type)
        {
            case Data:
                await OnDataAsync(c, flags, streamId, payload, token).ConfigureAwait(false);
                break;
            case Headers:
            {
                int at = 0;
                int end = payload.Length;
                if ((flags & Padded) != 0)
                {
                    end -= payload[0];
                    at = 1;
                }

                if ((flags & Priority) != 0)
                {
                    at += 5;
                }

                c.BlockStream = streamId;
                c.BlockEndsStream = (flags & EndStream) != 0;
                c.Block.SetLength(0);
                c.Block.Write(payload, at, end - at);
                if ((flags & EndHeaders) != 0)
                {
                    await OnRequestHeadersAsync(c, token).ConfigureAwait(false);
                }

                break;
            }

            case Continuation:
                if (c.BlockStream != streamId)
                {
                    Problems.Enqueue($"{c.Number}: a CONTINUATION frame on stream {streamId} continues no header block");
                    break;
                }

                c.Block.Write(payload, 0, payload.Length);
                if ((flags & EndHeaders) != 0)
                {
                    await OnRequestHeadersAsync(c, token).ConfigureAwait(false);
                }

                break;
            case RstStream:
                Resets.Enqueue($"{c.Number} {streamId} {CodeName(BinaryPrimitives.ReadUInt32BigEndian(payload))}");
                if (Scenario == "late-after-cancel" && c.Answered == 0)
                {
                    // The answer to the cancelled request comes late, and adds x-late to the client's dynamic table.
                    c.Frame(Headers, EndHeaders, streamId, new HPackWriter().Indexed(8).Literal("x-late", "1", indexing: true).Literal(28, "2").ToArray());
                    c.Frame(Data, EndStream, streamId, Encoding.ASCII.GetBytes("ok"));
                    c.Answered++;
                }

                c.Streams.Remove(streamId);
                c.OpenIds.Remove(streamId);
                break;
            case Settings:
                if ((flags & Ack) != 0)
                {
                    // ACKs come in the order the SETTINGS went out: from here on the client must keep to the limit this one set.
                    if (c.SentSettings.TryDequeue(out int? acknowledged) && acknowledged is int limit)
                    {
                        c.AcknowledgedLimit = limit;
                    }

                    // From here on the client sends by the server's settings: its open streams' windows move by the difference.
                    if (!c.SettingsAcknowledged)
                    {
                        c.SettingsAcknowledged = true;
                        foreach (RequestStream open in c.Streams.Values)
                        {
                            open.Window += c.AdvertisedWindow - DefaultWindow;
                        }
                    }
                }
                else
                {
                    c.Frame(Settings, Ack, 0, Array.Empty<byte>());
                }

                break;
            case Ping:
                if ((flags & Ack) == 0)
                {
                    c.Frame(Ping, Ack, 0, payload);
                    break;
                }

                PingAcks.Enqueue($"{c.Number} {Convert.ToHexString(payload).ToLowerInvariant()}");
                if (Scenario == "ping-first" && payload.AsSpan().SequenceEqual(s_ping))
                {
                    foreach (int waiting in c.AwaitingPing)
                    {
                        if (c.Streams.TryGetValue(waiting, out RequestStream? stream))
                        {
                            AnswerOk(c, stream.Id, "ok");
                        }
                    }

                    c.AwaitingPing.Clear();
                }

                break;
            case GoAway:
                GoAways.Enqueue($"{c.Number} {BinaryPrimitives.ReadInt32BigEndian(payload) & int.MaxValue} {CodeName(BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(4)))}");
                break;
            default:
                // WINDOW_UPDATE (the server's answers are far smaller than the client's windows), PRIORITY, unknown types.
                break;
        }
    }

    private async Task OnDataAsync(Connection c, byte flags, int streamId, byte[] payload, CancellationToken token)
    {
        int data = payload.Length;
        if ((flags & Padded) != 0)
        {
            data -= 1 + payload[0];
        }

        // The whole frame, padding too, counts against both windows (RFC 9113 6.9.1).
        c.ConnectionWindow -= payload.Length;
        if (c.ConnectionWindow < 0)
        {
            Problems.Enqueue($"{c.Number}: DATA on stream {streamId} overran the connection window by {-c.ConnectionWindow} bytes");
        }

        if (!c.Streams.TryGetValue(streamId, out RequestStream? stream) || stream.Complete)
        {
            Problems.Enqueue($"{c.Number}: DATA on stream {streamId}, which is not open for a request body");
            return;
        }

        stream.Window -= payload.Length;
        if (stream.Window < 0)
        {
            Problems.Enqueue($"{c.Number}: DATA on stream {streamId} overran the stream window by {-stream.Window} bytes");
        }

        stream.BodyBytes += data;
        Interlocked.Add(ref _bodyBytes, data);

        // The server reads as it goes: the credit goes back at once, to the connection and, unless it ended, the stream.
        if (payload.Length > 0 && Scenario != "early-answer")
        {
            c.GrantWindow(0, payload.Length);
            c.ConnectionWindow += payload.Length;
            if ((flags & EndStream) == 0)
            {
                c.GrantWindow(streamId, payload.Length);
                stream.Window += payload.Length;
            }
        }

        if ((flags & EndStream) != 0)
        {
            stream.Complete = true;
            if (Scenario != "early-answer")
            {
                await AnswerAsync(c, stream, token).ConfigureAwait(false);
            }
        }
    }

    private async Task OnRequestHeadersAsync(Connection c, CancellationToken token)
    {
        int streamId = c.BlockStream;
        bool endStream = c.BlockEndsStream;
        c.BlockStream = 0;
        List<KeyValuePair<string, string>> fields = c.Decoder.Decode(c.Block.GetBuffer().AsSpan(0, (int)c.Block.Length));
        foreach (int size in c.Decoder.SizeUpdates)
        {
            TableSizeUpdates.Enqueue($"{c.Number} {size}");
        }

        c.Decoder.SizeUpdates.Clear();
        if (c.Streams.ContainsKey(streamId))
        {
            // A second block on an open stream: request trailers, which these clients never send.
            Problems.Enqueue($"{c.Number}: a second header block on stream {streamId}");
            return;
        }

        if ((streamId & 1) == 0 || streamId <= c.LastStreamId)
        {
            Problems.Enqueue($"{c.Number}: a request on stream {streamId} after stream {c.LastStreamId}");
        }

        c.LastStreamId = Math.Max(c.LastStreamId, streamId);
        if (c.OpenIds.Count >= c.AcknowledgedLimit)
        {
            Problems.Enqueue($"{c.Number}: stream {streamId} opened with {c.OpenIds.Count} open, after the client acknowledged a limit of {c.AcknowledgedLimit}");
        }

        if (c.OpenIds.Count >= c.Limit)
        {
            // Above the limit in force, acknowledged or not: refused, as nginx does (RFC 9113 5.1.2, 8.7).
            Interlocked.Increment(ref _requests);
            Interlocked.Increment(ref _refused);
            Requests.Enqueue($"{c.Number} {streamId} refused");
            c.Reset(streamId, 0x7);
            return;
        }

        c.OpenIds.Add(streamId);
        string method = string.Empty;
        string path = string.Empty;
        foreach (KeyValuePair<string, string> field in fields)
        {
            if (field.Key == ":method")
            {
                method = field.Value;
            }
            else if (field.Key == ":path")
            {
                path = field.Value;
            }
        }

        var stream = new RequestStream(streamId, method, path, Interlocked.Increment(ref _requests))
        {
            Window = c.SettingsAcknowledged ? c.AdvertisedWindow : DefaultWindow,
            Complete = endStream,
        };
        c.Streams[streamId] = stream;
        _streamIds[c.Number].Enqueue(streamId);
        Requests.Enqueue($"{c.Number} {streamId} {method} {path}");
        if (endStream || Scenario == "early-answer")
        {
            await AnswerAsync(c, stream, token).ConfigureAwait(false);
        }
    }

    /// <summary>Answers a complete request (its headers and body read) as the scenario says.</summary>
    private async Task AnswerAsync(Connection c, RequestStream stream, CancellationToken token)
    {
        int id = stream.Id;
        switch (Scenario)
        {
            case "split-body":
                // 12 bytes in four DATA frames: one padded, the last one empty and ending the stream.
                c.Frame(Headers, EndHeaders, id, new HPackWriter().Indexed(8).Literal(28, "12").Literal(31, "text/plain").ToArray());
                c.Frame(Data, 0, id, Encoding.ASCII.GetBytes("hel"));
                c.Frame(Data, Padded, id, Pad(Encoding.ASCII.GetBytes("lo wo"), 6));
                c.Frame(Data, 0, id, Encoding.ASCII.GetBytes("rld!"));
                c.Frame(Data, EndStream, id, Array.Empty<byte>());
                break;
            case "hpack":
            {
                // The first answer on a connection fills the client's dynamic table (after two size updates:
                // to 0, then back to 4096); the next ones refer to it: 62 is the newest entry, content-type.
                HPackWriter block = new HPackWriter();
                if (c.Answered == 0)
                {
                    block.SizeUpdate(0).SizeUpdate(4096).Indexed(8)
                        .Literal("x-huff", "hello-huffman", huffman: true, indexing: true)
                        .Literal(31, "text/plain; charset=utf-8", huffman: true, indexing: true)
                        .Literal("x-plain", "abc", huffman: true)
                        .Literal(28, "5");
                }
                else
                {
                    block.Indexed(8).Indexed(62).Indexed(63).Literal("x-plain", "abc", huffman: false, neverIndexed: true).Literal(28, "5", huffman: true);
                }

                c.Frame(Headers, EndHeaders, id, block.ToArray());
                c.Frame(Data, EndStream, id, Encoding.ASCII.GetBytes("hello"));
                break;
            }

            case "hpack-evict":
            {
                // 60 entries of 97 bytes (x-f00 to x-f59) into a 4096-byte table: the first answer on a connection
                // evicts the oldest 18 as it adds them; the next ones refer to the 42 left (62 is x-f59, 103 is
                // x-f18) and send the evicted ones as literals.
                HPackWriter block = new HPackWriter().Indexed(8);
                for (int i = 0; i < EvictionFields; i++)
                {
                    if (c.Answered == 0)
                    {
                        block.Literal(EvictionName(i), EvictionValue(i), huffman: (i % 2) == 0, indexing: true);
                    }
                    else if (i < EvictionFields - EvictionKept)
                    {
                        block.Literal(EvictionName(i), EvictionValue(i));
                    }
                    else
                    {
                        block.Indexed(62 + (EvictionFields - 1 - i));
                    }
                }

                c.Frame(Headers, EndHeaders, id, block.Literal(28, "2").ToArray());
                c.Frame(Data, EndStream, id, Encoding.ASCII.GetBytes("ok"));
                break;
            }

            case "continuation":
            {
                // One block over HEADERS and two CONTINUATION frames, split inside field strings.
                byte[] block = new HPackWriter().Indexed(8).Literal(28, "2").Literal("x-long", new string('v', 100)).Literal(31, "text/plain").ToArray();
                c.Frame(Headers, 0, id, block.AsSpan(0, 5).ToArray());
                c.Frame(Continuation, 0, id, block.AsSpan(5, 50).ToArray());
                c.Frame(Continuation, EndHeaders, id, block.AsSpan(55).ToArray());
                c.Frame(Data, EndStream, id, Encoding.ASCII.GetBytes("ok"));
                break;
            }

            case "interim":
                c.Frame(Headers, EndHeaders, id, new HPackWriter().Literal(8, "100").ToArray());
                c.Frame(Headers, EndHeaders, id, new HPackWriter().Literal(8, "103").Literal(45, "</style.css>; rel=preload").ToArray());
                AnswerOk(c, id, "ok");
                break;
            case "trailers":
                c.Frame(Headers, EndHeaders, id, new HPackWriter().Indexed(8).Literal(31, "text/plain").ToArray());
                c.Frame(Data, 0, id, Encoding.ASCII.GetBytes("hello"));
                c.Frame(Headers, EndHeaders | EndStream, id, new HPackWriter().Literal("x-checksum", "1").ToArray());
                break;
            case "reset-internal":
                c.Reset(id, 0x2);
                break;
            case "refuse-first":
                if (stream.Number == 1)
                {
                    c.Reset(id, 0x7);
                }
                else
                {
                    AnswerOk(c, id, "ok");
                }

                break;
            case "goaway-first":
            case "goaway-always":
                if (c.Number == 1 || Scenario == "goaway-always")
                {
                    // Processed nothing: last-stream-id 0. Then the end of the connection.
                    byte[] goAway = new byte[8];
                    c.Frame(GoAway, 0, 0, goAway);
                    await c.HangUpAsync(token).ConfigureAwait(false);
                }
                else
                {
                    AnswerOk(c, id, "ok");
                }

                break;
            case "short-body":
                c.Frame(Headers, EndHeaders, id, new HPackWriter().Indexed(8).Literal(28, "10").ToArray());
                c.Frame(Data, EndStream, id, Encoding.ASCII.GetBytes("hello"));
                break;
            case "uppercase-name":
                c.Frame(Headers, EndHeaders, id, new HPackWriter().Indexed(8).Literal("X-Upper", "a").Literal(28, "2").ToArray());
                c.Frame(Data, EndStream, id, Encoding.ASCII.GetBytes("ok"));
                break;
            case "no-status":
                c.Frame(Headers, EndHeaders, id, new HPackWriter().Literal(28, "2").Literal(31, "text/plain").ToArray());
                c.Frame(Data, EndStream, id, Encoding.ASCII.GetBytes("ok"));
                break;
            case "connection-field":
                c.Frame(Headers, EndHeaders, id, new HPackWriter().Indexed(8).Literal("connection", "keep-alive").Literal(28, "2").ToArray());
                c.Frame(Data, EndStream, id, Encoding.ASCII.GetBytes("ok"));
                break;
            case "data-unopened":
                // Stream 99: an odd id above any the client has opened (an idle stream, RFC 9113 5.1).
                c.Frame(Data, 0, 99, Encoding.ASCII.GetBytes("boom"));
                break;
            case "ping-first":
                c.AwaitingPing.Add(id);
                c.Frame(Ping, 0, 0, s_ping);
                break;
            case "silent":
                break;
            case "close-after-request":
                await c.HangUpAsync(token).ConfigureAwait(false);
                break;
            case "not-settings-first":
                // The server's preface was held back: this PING is its first frame.
                c.Frame(Ping, 0, 0, s_ping);
                break;
            case "head":
                c.Frame(Headers, EndHeaders | EndStream, id, new HPackWriter().Indexed(8).Literal(28, "100").ToArray());
                break;
            case "redirect":
                if (stream.Path.EndsWith("/next", StringComparison.Ordinal))
                {
                    AnswerOk(c, id, "ok");
                }
                else
                {
                    c.Frame(Headers, EndHeaders | EndStream, id, new HPackWriter().Literal(8, "302").Literal(46, "/next").Literal(28, "0").ToArray());
                }

                break;
            case "flow-control":
                AnswerOk(c, id, stream.BodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            case "goaway-open":
            {
                // Graceful: GOAWAY naming this stream as the last one processed, the answer, and the connection left open.
                byte[] goAway = new byte[8];
                BinaryPrimitives.WriteInt32BigEndian(goAway, id);
                c.Frame(GoAway, 0, 0, goAway);
                AnswerOk(c, id, "ok");
                break;
            }

            case "goaway-silent":
            {
                // GOAWAY naming this stream as the last one it will process, and then nothing.
                byte[] goAway = new byte[8];
                BinaryPrimitives.WriteInt32BigEndian(goAway, id);
                c.Frame(GoAway, 0, 0, goAway);
                break;
            }

            case "early-answer":
                // Answered as soon as the HEADERS arrive, the body unread and no credit given for it.
                AnswerOk(c, id, "ok");
                break;
            case "value-crlf":
                c.Frame(Headers, EndHeaders, id, new HPackWriter().Indexed(8).Literal("x-a", "a\r\nx-b: b").Literal(28, "2").ToArray());
                c.Frame(Data, EndStream, id, Encoding.ASCII.GetBytes("ok"));
                break;
            case "value-nul":
                c.Frame(Headers, EndHeaders, id, new HPackWriter().Indexed(8).Literal("x-a", "a\0b").Literal(28, "2").ToArray());
                c.Frame(Data, EndStream, id, Encoding.ASCII.GetBytes("ok"));
                break;
            case "pseudo-after-regular":
                c.Frame(Headers, EndHeaders, id, new HPackWriter().Literal(28, "2").Indexed(8).ToArray());
                c.Frame(Data, EndStream, id, Encoding.ASCII.GetBytes("ok"));
                break;
            case "data-first":
                c.Frame(Data, 0, id, Encoding.ASCII.GetBytes("ok"));
                AnswerOk(c, id, "ok");
                break;
            case "late-after-cancel":
                if (c.Answered > 0)
                {
                    // Refers to the entry the late answer added: the client must have decoded that block.
                    c.Frame(Headers, EndHeaders, id, new HPackWriter().Indexed(8).Indexed(62).Literal(28, "2").ToArray());
                    c.Frame(Data, EndStream, id, Encoding.ASCII.GetBytes("ok"));
                }
                else
                {
                    // The first request waits: its answer comes once the client has cancelled it.
                    return;
                }

                break;
            case "limit-1":
            case "limit-0-raised":
                AnswerOpen(c, id);
                break;
            case "limit-lowered":
                if (c.Number == 1 && !c.Lowered)
                {
                    // Held until four are open; then the limit goes down to 1, and only then come their answers.
                    c.Held.Add(id);
                    if (c.Held.Count == 4)
                    {
                        c.Lowered = true;
                        c.AnnounceLimit(1);
                        foreach (int held in c.Held)
                        {
                            AnswerOpen(c, held);
                        }
                    }

                    return;
                }

                AnswerOpen(c, id);
                break;
            case "limit-flapping":
            {
                AnswerOpen(c, id);
                int next = s_flapping[c.Answered % s_flapping.Length];
                c.AnnounceLimit(next);
                if (next == 0)
                {
                    RaiseLater(c, 2, TimeSpan.FromMilliseconds(50), token);
                }

                break;
            }

            case "priority-short":
                // 4 bytes where PRIORITY has 5, on the open stream; the answer that follows is for a stream the client reset.
                c.Frame(PriorityFrame, 0, id, new byte[4]);
                AnswerOk(c, id, "ok");
                break;
            case "priority-long-closed":
                // 6 bytes, on the stream of the request before this one, which has ended.
                if (id > 1)
                {
                    c.Frame(PriorityFrame, 0, id - 2, new byte[6]);
                }

                AnswerOk(c, id, "ok");
                break;
            case "priority-idle-short":
                // On stream 99, which the client never opened: it cannot be reset.
                c.Frame(PriorityFrame, 0, 99, new byte[4]);
                AnswerOk(c, id, "ok");
                break;
            case "data-padded-empty":
                // DATA flagged PADDED, with no byte for its Pad Length.
                c.Frame(Headers, EndHeaders, id, new HPackWriter().Indexed(8).ToArray());
                c.Frame(Data, Padded, id, Array.Empty<byte>());
                c.Frame(Data, EndStream, id, Encoding.ASCII.GetBytes("ok"));
                break;
            case "headers-short-priority":
                // Flagged PRIORITY, with 3 bytes where the priority fields take 5.
                c.Frame(Headers, EndHeaders | EndStream | Priority, id, new byte[3]);
                break;
            case "headers-long-padding":
            {
                // A Pad Length of 200 in a frame of 10 bytes.
                byte[] block = new HPackWriter().Indexed(8).ToArray();
                byte[] payload = new byte[10];
                payload[0] = 200;
                block.CopyTo(payload, 1);
                c.Frame(Headers, EndHeaders | EndStream | Padded, id, payload);
                break;
            }

            case "rst-long":
                c.Frame(RstStream, 0, id, new byte[5]);
                break;
            case "ping-short":
                c.Frame(Ping, 0, 0, new byte[7]);
                AnswerOk(c, id, "ok");
                break;
            case "settings-partial":
                c.Frame(Settings, 0, 0, new byte[7]);
                AnswerOk(c, id, "ok");
                break;
            case "settings-ack-payload":
                c.Frame(Settings, Ack, 0, new byte[6]);
                AnswerOk(c, id, "ok");
                break;
            case "window-update-long":
                c.Frame(WindowUpdate, 0, id, new byte[] { 0, 0, 0, 1, 0 });
                AnswerOk(c, id, "ok");
                break;
            case "goaway-short":
                c.Frame(GoAway, 0, 0, new byte[7]);
                AnswerOk(c, id, "ok");
                break;
            case "oversized-frame":
                // One HEADERS frame of about 20,000 bytes: above the 16,384 the client allows by not raising SETTINGS_MAX_FRAME_SIZE.
                c.Frame(Headers, EndHeaders | EndStream, id, new HPackWriter().Indexed(8).Literal("x-big", new string('a', 20000)).ToArray());
                break;
            default:
                AnswerOk(c, id, "ok");
                break;
        }

        c.Answered++;
    }

    /// <summary>Answers 200 'ok' on a stream the limit counts, which then no longer counts.</summary>
    private static void AnswerOpen(Connection c, int id)
    {
        AnswerOk(c, id, "ok");
        c.OpenIds.Remove(id);
        c.Streams.Remove(id);
    }

    /// <summary>Announces a new limit after <paramref name="delay"/>, between two frames of the connection.</summary>
    private void RaiseLater(Connection c, int limit, TimeSpan delay, CancellationToken token)
    {
        _tasks.Add(Task.Run(async () =>
        {
            try
            {
                await Task.Delay(delay, token).ConfigureAwait(false);
                await c.Gate.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    c.AnnounceLimit(limit);
                    await c.FlushAsync(token).ConfigureAwait(false);
                }
                finally
                {
                    c.Gate.Release();
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The connection or the server ended first.
            }
        }));
    }

    /// <summary>The name of field <paramref name="i"/> of the hpack-evict scenario: x-f00 to x-f59.</summary>
    private static string EvictionName(int i) => "x-f" + i.ToString("00", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Its value: 60 characters, so that the entry costs 5 + 60 + 32 = 97 bytes of the table.</summary>
    private static string EvictionValue(int i) => ("value-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).PadRight(60, '.');

    /// <summary>200, text/plain, a content-length and the body in one DATA frame that ends the stream.</summary>
    private static void AnswerOk(Connection c, int id, string body)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(body);
        c.Frame(Headers, EndHeaders, id, new HPackWriter().Indexed(8).Literal(31, "text/plain").Literal(28, bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        c.Frame(Data, EndStream, id, bytes);
    }

    private static byte[] Pad(byte[] data, int padding)
    {
        byte[] padded = new byte[1 + data.Length + padding];
        padded[0] = (byte)padding;
        data.CopyTo(padded, 1);
        return padded;
    }

    /// <summary>Fills <paramref name="buffer"/>; false if the connection ended before the first byte.</summary>
    private static async Task<bool> ReadExactAsync(Stream stream, byte[] buffer, CancellationToken token)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(read), token).ConfigureAwait(false);
            if (n == 0)
            {
                if (read == 0)
                {
                    return false;
                }

                throw new EndOfStreamException();
            }

            read += n;
        }

        return true;
    }

    /// <summary>One request stream the server knows of, and its flow-control window as the server gave it.</summary>
    private sealed class RequestStream
    {
        public RequestStream(int id, string method, string path, int number)
        {
            Id = id;
            Method = method;
            Path = path;
            Number = number;
        }

        public int Id { get; }

        public string Method { get; }

        public string Path { get; }

        /// <summary>Which request this is on the whole server, counting from 1.</summary>
        public int Number { get; }

        public long Window { get; set; }

        public long BodyBytes { get; set; }

        public bool Complete { get; set; }
    }

    /// <summary>One client connection: its socket, what the server has queued to write, and its HTTP/2 state.</summary>
    private sealed class Connection
    {
        private readonly MemoryStream _outbox = new();
        private bool _hungUp;

        public Connection(int number, Socket socket)
        {
            Number = number;
            Socket = socket;
            Stream = new NetworkStream(socket, ownsSocket: true);
        }

        public int Number { get; }

        public Socket Socket { get; }

        /// <summary>The socket's stream, or TLS over it.</summary>
        public Stream Stream { get; set; }

        /// <summary>Held by whoever reads a frame and answers it, or writes a frame of its own between two.</summary>
        public SemaphoreSlim Gate { get; } = new(1, 1);

        /// <summary>SETTINGS_MAX_CONCURRENT_STREAMS as last announced (unlimited until then).</summary>
        public int Limit { get; set; } = int.MaxValue;

        /// <summary>The limit of the last SETTINGS the client acknowledged (unlimited until then).</summary>
        public int AcknowledgedLimit { get; set; } = int.MaxValue;

        /// <summary>Each SETTINGS sent and not yet acknowledged, with the limit it set, if it set one.</summary>
        public Queue<int?> SentSettings { get; } = new();

        /// <summary>The streams the limit counts: requests not yet answered.</summary>
        public HashSet<int> OpenIds { get; } = new();

        /// <summary>limit-lowered: the requests held until four are open, and whether the limit went down.</summary>
        public List<int> Held { get; } = new();

        public bool Lowered { get; set; }

        public HPackReader Decoder { get; } = new();

        public Dictionary<int, RequestStream> Streams { get; } = new();

        public List<int> AwaitingPing { get; } = new();

        public MemoryStream Block { get; } = new();

        public int BlockStream { get; set; }

        public bool BlockEndsStream { get; set; }

        public int LastStreamId { get; set; }

        public int Answered { get; set; }

        /// <summary>SETTINGS_INITIAL_WINDOW_SIZE as this server announced it.</summary>
        public int AdvertisedWindow { get; set; } = DefaultWindow;

        public bool SettingsAcknowledged { get; set; }

        public long ConnectionWindow { get; set; } = DefaultWindow;

        public void Frame(byte type, byte flags, int streamId, ReadOnlySpan<byte> payload)
        {
            if (_hungUp)
            {
                return;
            }

            Span<byte> header = stackalloc byte[9];
            header[0] = (byte)(payload.Length >> 16);
            header[1] = (byte)(payload.Length >> 8);
            header[2] = (byte)payload.Length;
            header[3] = type;
            header[4] = flags;
            BinaryPrimitives.WriteInt32BigEndian(header[5..], streamId);
            _outbox.Write(header);
            _outbox.Write(payload);
        }

        /// <summary>SETTINGS with a new SETTINGS_MAX_CONCURRENT_STREAMS, in force at once for the streams that come.</summary>
        public void AnnounceLimit(int limit)
        {
            byte[] payload = new byte[6];
            BinaryPrimitives.WriteUInt16BigEndian(payload, MaxConcurrentStreams);
            BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(2), (uint)limit);
            Frame(Settings, 0, 0, payload);
            SentSettings.Enqueue(limit);
            Limit = limit;
        }

        public void Reset(int streamId, uint code)
        {
            byte[] payload = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(payload, code);
            Frame(RstStream, 0, streamId, payload);
        }

        public void GrantWindow(int streamId, int increment)
        {
            byte[] payload = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(payload, increment);
            Frame(WindowUpdate, 0, streamId, payload);
        }

        public async Task FlushAsync(CancellationToken token)
        {
            if (_outbox.Length == 0)
            {
                return;
            }

            await Stream.WriteAsync(_outbox.GetBuffer().AsMemory(0, (int)_outbox.Length), token).ConfigureAwait(false);
            _outbox.SetLength(0);
        }

        /// <summary>
        /// Sends what is queued and then FIN, and writes nothing more; the reading goes on until the client
        /// closes, so that nothing it sends is left unread (which would turn the close into a reset).
        /// </summary>
        public async Task HangUpAsync(CancellationToken token)
        {
            await FlushAsync(token).ConfigureAwait(false);
            Socket.Shutdown(SocketShutdown.Send);
            _hungUp = true;
        }

        public void Abort()
        {
            try
            {
                Stream.Dispose();
            }
            catch (Exception)
            {
            }
        }
    }

    /// <summary>
    /// A small HPACK encoder for responses (RFC 7541): indexed fields, literals with a new name or an
    /// indexed one, with incremental indexing, without it or never indexed, strings raw or Huffman-coded,
    /// and dynamic table size updates.
    /// </summary>
    private sealed class HPackWriter
    {
        private readonly List<byte> _block = new();

        public HPackWriter Indexed(int index)
        {
            Integer(index, 7, 0x80);
            return this;
        }

        public HPackWriter SizeUpdate(int size)
        {
            Integer(size, 5, 0x20);
            return this;
        }

        /// <summary>A literal whose name is the table entry <paramref name="nameIndex"/>.</summary>
        public HPackWriter Literal(int nameIndex, string value, bool huffman = false, bool indexing = false, bool neverIndexed = false)
        {
            if (indexing)
            {
                Integer(nameIndex, 6, 0x40);
            }
            else
            {
                Integer(nameIndex, 4, neverIndexed ? (byte)0x10 : (byte)0x00);
            }

            String(value, huffman);
            return this;
        }

        /// <summary>A literal with a new name.</summary>
        public HPackWriter Literal(string name, string value, bool huffman = false, bool indexing = false, bool neverIndexed = false)
        {
            _block.Add(indexing ? (byte)0x40 : neverIndexed ? (byte)0x10 : (byte)0x00);
            String(name, huffman);
            String(value, huffman);
            return this;
        }

        public byte[] ToArray() => _block.ToArray();

        private void String(string text, bool huffman)
        {
            byte[] raw = Encoding.Latin1.GetBytes(text);
            byte[] bytes = huffman ? Huffman.Encode(raw) : raw;
            Integer(bytes.Length, 7, huffman ? (byte)0x80 : (byte)0x00);
            _block.AddRange(bytes);
        }

        private void Integer(int value, int prefixBits, byte pattern)
        {
            int max = (1 << prefixBits) - 1;
            if (value < max)
            {
                _block.Add((byte)(pattern | value));
                return;
            }

            _block.Add((byte)(pattern | max));
            value -= max;
            while (value >= 0x80)
            {
                _block.Add((byte)((value & 0x7f) | 0x80));
                value >>= 7;
            }

            _block.Add((byte)value);
        }
    }

    /// <summary>
    /// Decodes the clients' request blocks (RFC 7541), all of it although LoadTest's client uses only the
    /// static table and raw literals: HttpClient may do otherwise.
    /// </summary>
    private sealed class HPackReader
    {
        private readonly List<KeyValuePair<string, string>> _dynamic = new();
        private int _size;
        private int _maxSize = 4096;

        /// <summary>The size updates of the blocks decoded so far.</summary>
        public List<int> SizeUpdates { get; } = new();

        public List<KeyValuePair<string, string>> Decode(ReadOnlySpan<byte> block)
        {
            var fields = new List<KeyValuePair<string, string>>();
            int at = 0;
            while (at < block.Length)
            {
                byte first = block[at];
                if ((first & 0x80) != 0)
                {
                    fields.Add(Entry(Integer(block, ref at, 7)));
                }
                else if ((first & 0xe0) == 0x20)
                {
                    _maxSize = Integer(block, ref at, 5);
                    SizeUpdates.Add(_maxSize);
                    Evict(_maxSize);
                }
                else
                {
                    bool indexing = (first & 0x40) != 0;
                    int nameIndex = Integer(block, ref at, indexing ? 6 : 4);
                    string name = nameIndex == 0 ? String(block, ref at) : Entry(nameIndex).Key;
                    var field = new KeyValuePair<string, string>(name, String(block, ref at));
                    if (indexing)
                    {
                        int size = name.Length + field.Value.Length + 32;
                        Evict(_maxSize - size);
                        if (size <= _maxSize)
                        {
                            _dynamic.Insert(0, field);
                            _size += size;
                        }
                    }

                    fields.Add(field);
                }
            }

            return fields;
        }

        private static int Integer(ReadOnlySpan<byte> block, ref int at, int prefixBits)
        {
            int mask = (1 << prefixBits) - 1;
            int value = block[at++] & mask;
            if (value < mask)
            {
                return value;
            }

            for (int shift = 0; ; shift += 7)
            {
                byte next = block[at++];
                value += (next & 0x7f) << shift;
                if ((next & 0x80) == 0)
                {
                    return value;
                }
            }
        }

        private static string String(ReadOnlySpan<byte> block, ref int at)
        {
            bool huffman = (block[at] & 0x80) != 0;
            int length = Integer(block, ref at, 7);
            ReadOnlySpan<byte> raw = block.Slice(at, length);
            at += length;
            return Encoding.Latin1.GetString(huffman ? Huffman.Decode(raw) : raw.ToArray());
        }

        private KeyValuePair<string, string> Entry(int index)
        {
            if (index >= 1 && index <= StaticTable.Length)
            {
                string[] entry = StaticTable[index - 1];
                return new KeyValuePair<string, string>(entry[0], entry.Length > 1 ? entry[1] : string.Empty);
            }

            return _dynamic[index - StaticTable.Length - 1];
        }

        private void Evict(int room)
        {
            while (_size > room && _dynamic.Count > 0)
            {
                KeyValuePair<string, string> oldest = _dynamic[_dynamic.Count - 1];
                _size -= oldest.Key.Length + oldest.Value.Length + 32;
                _dynamic.RemoveAt(_dynamic.Count - 1);
            }
        }

        // RFC 7541 Appendix A.
        private static readonly string[][] StaticTable =
        {
            new[] { ":authority" }, new[] { ":method", "GET" }, new[] { ":method", "POST" }, new[] { ":path", "/" },
            new[] { ":path", "/index.html" }, new[] { ":scheme", "http" }, new[] { ":scheme", "https" }, new[] { ":status", "200" },
            new[] { ":status", "204" }, new[] { ":status", "206" }, new[] { ":status", "304" }, new[] { ":status", "400" },
            new[] { ":status", "404" }, new[] { ":status", "500" }, new[] { "accept-charset" }, new[] { "accept-encoding", "gzip, deflate" },
            new[] { "accept-language" }, new[] { "accept-ranges" }, new[] { "accept" }, new[] { "access-control-allow-origin" },
            new[] { "age" }, new[] { "allow" }, new[] { "authorization" }, new[] { "cache-control" },
            new[] { "content-disposition" }, new[] { "content-encoding" }, new[] { "content-language" }, new[] { "content-length" },
            new[] { "content-location" }, new[] { "content-range" }, new[] { "content-type" }, new[] { "cookie" },
            new[] { "date" }, new[] { "etag" }, new[] { "expect" }, new[] { "expires" },
            new[] { "from" }, new[] { "host" }, new[] { "if-match" }, new[] { "if-modified-since" },
            new[] { "if-none-match" }, new[] { "if-range" }, new[] { "if-unmodified-since" }, new[] { "last-modified" },
            new[] { "link" }, new[] { "location" }, new[] { "max-forwards" }, new[] { "proxy-authenticate" },
            new[] { "proxy-authorization" }, new[] { "range" }, new[] { "referer" }, new[] { "refresh" },
            new[] { "retry-after" }, new[] { "server" }, new[] { "set-cookie" }, new[] { "strict-transport-security" },
            new[] { "transfer-encoding" }, new[] { "user-agent" }, new[] { "vary" }, new[] { "via" },
            new[] { "www-authenticate" },
        };
    }

    /// <summary>
    /// HPACK's Huffman code (RFC 7541 Appendix B), taken from .NET's own table (System.Net.Http.HPack.Huffman,
    /// internal): its getters return spans, which reflection cannot box, so they are bound as delegates.
    /// </summary>
    private static class Huffman
    {
        private static readonly uint[] s_codes;
        private static readonly byte[] s_lengths;
        private static readonly Dictionary<(int Length, uint Code), int> s_symbols = new();

        static Huffman()
        {
            Type table = typeof(HttpClient).Assembly.GetType("System.Net.Http.HPack.Huffman", throwOnError: true)!;
            const BindingFlags flags = BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;
            var codes = (CodesGetter)Delegate.CreateDelegate(typeof(CodesGetter), table.GetProperty("EncodingTableCodes", flags)!.GetMethod!);
            var lengths = (LengthsGetter)Delegate.CreateDelegate(typeof(LengthsGetter), table.GetProperty("EncodingTableBitLengths", flags)!.GetMethod!);
            s_codes = codes().ToArray();
            s_lengths = lengths().ToArray();
            if (s_codes.Length < 256 || s_lengths.Length != s_codes.Length)
            {
                throw new InvalidOperationException($"Unexpected Huffman table: {s_codes.Length} codes, {s_lengths.Length} lengths.");
            }

            for (int symbol = 0; symbol < s_codes.Length; symbol++)
            {
                s_symbols[(s_lengths[symbol], s_codes[symbol] >> (32 - s_lengths[symbol]))] = symbol;
            }
        }

        private delegate ReadOnlySpan<uint> CodesGetter();

        private delegate ReadOnlySpan<byte> LengthsGetter();

        public static byte[] Encode(byte[] text)
        {
            var output = new List<byte>();
            ulong bits = 0;
            int count = 0;
            foreach (byte symbol in text)
            {
                int length = s_lengths[symbol];
                bits = (bits << length) | (s_codes[symbol] >> (32 - length));
                count += length;
                while (count >= 8)
                {
                    count -= 8;
                    output.Add((byte)(bits >> count));
                }

                bits &= (1UL << count) - 1;
            }

            if (count > 0)
            {
                // Padded with the most significant bits of EOS: all ones.
                output.Add((byte)((bits << (8 - count)) | ((1UL << (8 - count)) - 1)));
            }

            return output.ToArray();
        }

        public static byte[] Decode(ReadOnlySpan<byte> code)
        {
            var output = new List<byte>();
            uint current = 0;
            int length = 0;
            foreach (byte next in code)
            {
                for (int bit = 7; bit >= 0; bit--)
                {
                    current = (current << 1) | (uint)((next >> bit) & 1);
                    length++;
                    if (s_symbols.TryGetValue((length, current), out int symbol))
                    {
                        output.Add((byte)symbol);
                        current = 0;
                        length = 0;
                    }
                }
            }

            return output.ToArray();
        }
    }
}
