# RFC 9113 / RFC 7541 conformance of LoadTest's own HTTP/2 client (-HttpVersion 2.0 to http://: h2c with prior
# knowledge). Each row is a scenario of tests/Http2TestServer.cs, a raw HTTP/2 server that answers well or badly and
# records what the client did on the wire. Rows run through both transports where HttpClient behaves the same;
# where it does not (it retries on its own, or tolerates what RFC 9113 calls malformed), only through Auto, and
# HttpClientDiffers says how.
BeforeDiscovery {
    # A row is made of hashtables, later ones overriding earlier ones, then these defaults: one GET answered
    # 200 'ok' (text/plain, content-length 2) on one connection, nothing reset, pinged or sent away.
    function Row {
        $row = @{}
        foreach ($part in $args) {
            foreach ($key in $part.Keys) { $row[$key] = $part[$key] }
        }
        $defaults = @{
            Count = 1; ThrottleLimit = 1; Method = 'GET'; Body = $null; RequestHeaders = $null; TimeoutSec = 10
            Status = 200; Kind = 'None'; Attempts = 1; Bytes = 2; Content = 'ok'; Headers = @{ 'content-type' = 'text/plain'; 'content-length' = '2' }
            Connections = 1; Resets = @(); PingAcks = @(); GoAways = @(); AutoGoAways = @(); BodyBytes = 0
        }
        foreach ($key in $defaults.Keys) {
            if (-not $row.ContainsKey($key)) { $row[$key] = $defaults[$key] }
        }
        if (-not $row.ContainsKey('Requests')) {
            # Sequential requests on one connection: streams 1, 3, 5...
            $row.Requests = @(foreach ($i in 0..($row.Count - 1)) { "1 $(2 * $i + 1) $($row.Method.ToUpperInvariant()) /x" })
        }
        $row
    }

    # A failure before the response head: no status, no body, no headers.
    $failed = @{ Status = 0; Bytes = 0; Content = $null; Headers = $null }
    $protocol = $failed + @{ Kind = 'Protocol' }
    # A malformed response is a stream error (RFC 9113 8.1.1, 5.4.2): the client resets that stream with
    # PROTOCOL_ERROR and keeps the connection, so two requests share it. The reset of the run's last request
    # reaches the server too: the client writes what is queued before it closes a connection.
    $malformed = $protocol + @{ Count = 2; Resets = @('1 1 PROTOCOL_ERROR', '1 3 PROTOCOL_ERROR') }
    # A connection error (RFC 9113 5.4.1): LoadTest's client sends GOAWAY with the error's code before it closes; HttpClient sends none.
    $goAwayProtocol = @{ AutoGoAways = @('1 0 PROTOCOL_ERROR') }
    $unseenReplay = 'retries on its own and LoadTest does not see HttpClient''s HTTP/2 replays: Attempts 1'
    $dropsConnection = 'fails the same way (Protocol) but closes the connection rather than resetting the stream: a connection per request'

    # hpack-evict: the 60 fields x-f00 to x-f59, and the answer's content-length.
    $evicted = @{ 'content-length' = '2' }
    foreach ($i in 0..59) { $evicted['x-f{0:00}' -f $i] = ('value-' + $i).PadRight(60, '.') }

    $rows = @(
        Row @{ Name = 'a plain answer'; Scenario = 'ok' }

        # Framing and HPACK
        Row @{ Name = 'a body over four DATA frames, one padded and the last one empty'; Scenario = 'split-body'
            Bytes = 12; Content = 'hello world!'; Headers = @{ 'content-type' = 'text/plain'; 'content-length' = '12' } }
        Row @{ Name = 'Huffman-coded fields, table size updates, and dynamic table entries used by the next answer'; Scenario = 'hpack'; Count = 2
            Bytes = 5; Content = 'hello'; Headers = @{ 'x-huff' = 'hello-huffman'; 'content-type' = 'text/plain; charset=utf-8'; 'x-plain' = 'abc'; 'content-length' = '5' } }
        Row @{ Name = '60 fields through a 4096-byte dynamic table: the oldest evicted, the rest referred to by the next answer'; Scenario = 'hpack-evict'; Count = 2
            Headers = $evicted }
        Row @{ Name = 'a response head over HEADERS and two CONTINUATION frames'; Scenario = 'continuation'
            Headers = @{ 'x-long' = 'v' * 100; 'content-type' = 'text/plain'; 'content-length' = '2' } }
        Row @{ Name = 'interim 100 and 103 heads before the final one'; Scenario = 'interim' }
        Row @{ Name = 'trailers after the body, not among the headers'; Scenario = 'trailers'
            Bytes = 5; Content = 'hello'; Headers = @{ 'content-type' = 'text/plain' } }
        Row @{ Name = 'a HEAD answered with content-length 100 and no body'; Scenario = 'head'; Method = 'HEAD'
            Bytes = 0; Content = ''; Headers = @{ 'content-length' = '100' } }
        Row @{ Name = 'a 302 to /next, followed on the same connection'; Scenario = 'redirect'
            Requests = @('1 1 GET /x', '1 3 GET /next') }
        # The server gives credit back as it reads, and counts any overrun of its windows among its Problems.
        Row @{ Name = 'a 200,000-byte body through a 1000-byte stream window'; Scenario = 'flow-control'; Method = 'POST'; Body = 'a' * 200000
            Bytes = 6; Content = '200000'; Headers = @{ 'content-type' = 'text/plain'; 'content-length' = '6' }; BodyBytes = 200000
            HttpClientDiffers = 'now and then writes DATA it took from the default 65,535 window after it has acknowledged the server''s 1000 (RFC 9113 6.5.3, 6.9.2): the server sees its window overrun' }
        Row @{ Name = 'a request head larger than a frame, sent over HEADERS and CONTINUATION'; Scenario = 'ok'; RequestHeaders = @{ 'x-big' = 'b' * 20000 } }
        Row @{ Name = 'a PING before the answer, which comes once the ACK is back'; Scenario = 'ping-first'
            PingAcks = @('1 4c6f616454657374') }

        # Streams the server ends, refuses or sends away
        Row $protocol @{ Name = 'RST_STREAM INTERNAL_ERROR instead of an answer'; Scenario = 'reset-internal' }
        Row @{ Name = 'RST_STREAM REFUSED_STREAM, then an answer to the replay'; Scenario = 'refuse-first'
            Attempts = 2; Requests = @('1 1 GET /x', '1 3 GET /x'); HttpClientDiffers = $unseenReplay }
        Row @{ Name = 'GOAWAY with last-stream-id 0 and a close, then an answer on a new connection'; Scenario = 'goaway-first'
            Attempts = 2; Connections = 2; Requests = @('1 1 GET /x', '2 1 GET /x'); HttpClientDiffers = $unseenReplay }
        Row $protocol @{ Name = 'GOAWAY with last-stream-id 0 on every connection: three replays, then a Protocol failure'; Scenario = 'goaway-always'
            Attempts = 4; Connections = 4; Requests = @('1 1 GET /x', '2 1 GET /x', '3 1 GET /x', '4 1 GET /x'); HttpClientDiffers = $unseenReplay }
        Row @{ Name = 'GOAWAY naming the stream, its answer, and the connection left open: the next request on a new one'; Scenario = 'goaway-open'; Count = 2
            Connections = 2; Requests = @('1 1 GET /x', '2 1 GET /x') }
        Row $failed @{ Name = 'no answer within -TimeoutSec 1: the stream is cancelled'; Scenario = 'silent'; TimeoutSec = 1
            Kind = 'Timeout'; Resets = @('1 1 CANCEL')
            HttpClientDiffers = 'resets the stream on the timeout, but when the run ends at once after it closes the connection without waiting for the reset to go out: the server sees it only now and then (1 run in 3 here)' }
        Row $failed @{ Name = 'GOAWAY naming the stream and then no answer: the stream is cancelled and the connection closed'; Scenario = 'goaway-silent'; TimeoutSec = 1
            Kind = 'Timeout'; Resets = @('1 1 CANCEL'); HttpClientDiffers = 'closes the going-away connection rather than resetting the stream' }
        Row @{ Name = 'an answer before the request body is sent: the rest of the body is abandoned and its stream reset'; Scenario = 'early-answer'
            Method = 'POST'; Body = 'a' * 200000; Count = 2; Resets = @('1 1 CANCEL', '1 3 CANCEL')
            # The default windows, and no credit from this server: the first body fills the connection window, the second gets nothing.
            BodyBytes = 65535
            HttpClientDiffers = 'waits to send the whole body before it completes the request: without credit from the server, a Timeout' }
        Row $failed @{ Name = 'a close after the request, without an answer'; Scenario = 'close-after-request'; Kind = 'ConnectionClosed' }

        # Malformed responses: stream errors
        Row $malformed @{ Name = 'content-length 10 and a 5-byte body'; Scenario = 'short-body'; Status = 200; Bytes = 5
            HttpClientDiffers = 'does not check an HTTP/2 body against its content-length (RFC 9113 8.1.1): success with 5 bytes' }
        Row $malformed @{ Name = 'an upper-case field name'; Scenario = 'uppercase-name'
            HttpClientDiffers = 'accepts an upper-case field name, which RFC 9113 8.2.1 calls malformed' }
        Row $malformed @{ Name = 'no :status'; Scenario = 'no-status'; HttpClientDiffers = $dropsConnection }
        Row $malformed @{ Name = ':status after a regular field'; Scenario = 'pseudo-after-regular'; HttpClientDiffers = $dropsConnection }
        Row $malformed @{ Name = 'DATA before the response head'; Scenario = 'data-first'; HttpClientDiffers = $dropsConnection }
        Row $malformed @{ Name = 'CR LF inside a field value'; Scenario = 'value-crlf'
            HttpClientDiffers = 'accepts it and turns CR and LF into SP; RFC 9113 8.2.1 calls such a response malformed' }
        Row $malformed @{ Name = 'NUL inside a field value'; Scenario = 'value-nul'
            HttpClientDiffers = 'accepts it and turns NUL into SP; RFC 9113 8.2.1 calls such a response malformed' }
        Row $malformed @{ Name = 'a connection-specific field (connection: keep-alive)'; Scenario = 'connection-field'
            HttpClientDiffers = 'accepts connection: keep-alive, which RFC 9113 8.2.2 calls malformed' }

        # Connection errors
        Row $protocol $goAwayProtocol @{ Name = 'DATA on stream 99, which the client never opened'; Scenario = 'data-unopened' }
        Row $protocol $goAwayProtocol @{ Name = 'a first frame that is not SETTINGS (a PING)'; Scenario = 'not-settings-first'
            HttpClientDiffers = 'sends no request before the server''s SETTINGS, and this server holds its frames back until a request comes: it fails (Protocol) on the ACK of its own PING, with or without a request on the wire' }
        Row $protocol @{ Name = 'a frame larger than 16,384 bytes (FRAME_SIZE_ERROR)'; Scenario = 'oversized-frame'; AutoGoAways = @('1 0 FRAME_SIZE_ERROR') }

        # Frames of a wrong length (RFC 9113 4.2, 6), of types the client acts on and of those it ignores
        Row $protocol @{ Name = 'PRIORITY of 4 bytes on the open stream: a stream error'; Scenario = 'priority-short'; Count = 2
            Resets = @('1 1 FRAME_SIZE_ERROR', '1 3 FRAME_SIZE_ERROR'); HttpClientDiffers = $dropsConnection }
        Row @{ Name = 'PRIORITY of 6 bytes on a stream that has ended: reset all the same'; Scenario = 'priority-long-closed'; Count = 2
            Resets = @('1 1 FRAME_SIZE_ERROR')
            HttpClientDiffers = 'takes it for a connection error (PROTOCOL_ERROR), where RFC 9113 6.3 names a stream error: the second request fails' }
        Row $protocol @{ Name = 'PRIORITY of 4 bytes on a stream never opened: a connection error'; Scenario = 'priority-idle-short'
            AutoGoAways = @('1 0 FRAME_SIZE_ERROR') }
        Row $protocol @{ Name = 'DATA flagged PADDED with no room for its Pad Length: a stream error'; Scenario = 'data-padded-empty'; Count = 2
            Status = 200; Resets = @('1 1 FRAME_SIZE_ERROR', '1 3 FRAME_SIZE_ERROR')
            HttpClientDiffers = 'takes it for a connection error of type PROTOCOL_ERROR, where RFC 9113 4.2 names FRAME_SIZE_ERROR: a connection per request' }
        Row $protocol @{ Name = 'HEADERS flagged PRIORITY with 3 bytes'; Scenario = 'headers-short-priority'; AutoGoAways = @('1 0 FRAME_SIZE_ERROR') }
        Row $protocol @{ Name = 'HEADERS whose padding is longer than the frame'; Scenario = 'headers-long-padding'; AutoGoAways = @('1 0 PROTOCOL_ERROR') }
        Row $protocol @{ Name = 'RST_STREAM of 5 bytes'; Scenario = 'rst-long'; AutoGoAways = @('1 0 FRAME_SIZE_ERROR') }
        Row $protocol @{ Name = 'PING of 7 bytes'; Scenario = 'ping-short'; AutoGoAways = @('1 0 FRAME_SIZE_ERROR') }
        Row $protocol @{ Name = 'SETTINGS of 7 bytes'; Scenario = 'settings-partial'; AutoGoAways = @('1 0 FRAME_SIZE_ERROR') }
        Row $protocol @{ Name = 'a SETTINGS ACK with a payload'; Scenario = 'settings-ack-payload'; AutoGoAways = @('1 0 FRAME_SIZE_ERROR') }
        Row $protocol @{ Name = 'WINDOW_UPDATE of 5 bytes on the open stream: a connection error'; Scenario = 'window-update-long'; AutoGoAways = @('1 0 FRAME_SIZE_ERROR') }
        Row $protocol @{ Name = 'GOAWAY of 7 bytes'; Scenario = 'goaway-short'; AutoGoAways = @('1 0 FRAME_SIZE_ERROR') }
    )

    $cases = foreach ($row in $rows) {
        foreach ($transport in 'Auto', 'HttpClient') {
            if ($transport -eq 'HttpClient' -and $row.HttpClientDiffers) { continue }
            $case = $row.Clone()
            $case.Transport = $transport
            $case
        }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    if (-not ('LoadTestTests.Http2TestServer' -as [type])) {
        Add-Type -Path (Join-Path $PSScriptRoot 'Http2TestServer.cs')
    }

    # Waits (15 s at most) until the client has closed every connection to $Server, as it must once the run has
    # ended: then the server has read all the client sent, and what it recorded is complete. Asserts that it did.
    function Wait-ClientGone($Server) {
        try { Wait-Until { $Server.OpenConnections -eq 0 } -TimeoutSec 15 } catch { }
        $Server.OpenConnections | Should -Be 0 -Because 'the client closes its connections when the run ends'
    }
}

Describe 'HTTP/2 responses, well and badly formed, through both transports' {
    It '<Transport>: <Name>' -ForEach $cases {
        $server = [LoadTestTests.Http2TestServer]::new($Scenario)
        try {
            $params = @{
                Uri = "$($server.Uri)x"; HttpVersion = '2.0'; Transport = $Transport; Count = $Count; ThrottleLimit = $ThrottleLimit
                Method = $Method; TimeoutSec = $TimeoutSec; IncludeContent = $true; IncludeHeaders = $true
            }
            if ($null -ne $Body) { $params.Body = $Body }
            if ($null -ne $RequestHeaders) { $params.Headers = $RequestHeaders }
            $results = @(Invoke-BoundedRequest @params | Sort-Object Index)
            Wait-ClientGone $server

            $results.Count | Should -Be $Count
            foreach ($r in $results) {
                $r.StatusCode | Should -Be $Status -Because $r.Error
                $r.ErrorKind | Should -Be $Kind -Because $r.Error
                $r.Success | Should -Be ($Kind -eq 'None')
                $r.Attempts | Should -Be $Attempts
                $r.BytesReceived | Should -Be $Bytes
                $r.Content | Should -BeExactly $Content
                if ($null -eq $Headers) {
                    $r.Headers | Should -BeNullOrEmpty
                }
                else {
                    # Names compare without case: HttpClient spells the ones it knows its own way (Content-Type).
                    @($r.Headers.Keys | ForEach-Object { $_.ToLowerInvariant() } | Sort-Object) | Should -Be @($Headers.Keys | Sort-Object)
                    foreach ($field in $Headers.Keys) { $r.Headers[$field] | Should -BeExactly $Headers[$field] }
                }
            }

            $server.Connections | Should -Be $Connections
            @($server.Requests) | Should -Be $Requests
            # (Not $resets: PowerShell names ignore case, and that is the row's $Resets.)
            @($server.Resets) | Should -Be $Resets
            @($server.PingAcks) | Should -Be $PingAcks
            # A connection the client closes at the run's end gets a GOAWAY NO_ERROR (RFC 9113 6.8): not counted here.
            $expectedGoAways = if ($Transport -eq 'Auto' -and $AutoGoAways) { $AutoGoAways } else { $GoAways }
            @($server.GoAways | Where-Object { $_ -notlike '* 0 NO_ERROR' }) | Should -Be $expectedGoAways
            $server.RequestBodyBytes | Should -Be $BodyBytes
            @($server.Problems) | Should -BeNullOrEmpty
        }
        finally {
            $server.Dispose()
        }
    }
}

Describe 'Closing an HTTP/2 connection' {
    It 'sends GOAWAY NO_ERROR once the run is over, after its last request' {
        $server = [LoadTestTests.Http2TestServer]::new('ok')
        try {
            $results = @(Invoke-BoundedRequest -Uri "$($server.Uri)x" -HttpVersion 2.0 -Count 3 -ThrottleLimit 1)
            Wait-ClientGone $server

            @($results | Where-Object Success).Count | Should -Be 3
            @($server.Requests) | Should -Be @('1 1 GET /x', '1 3 GET /x', '1 5 GET /x')
            @($server.GoAways) | Should -Be @('1 0 NO_ERROR')
            @($server.Problems) | Should -BeNullOrEmpty
        }
        finally {
            $server.Dispose()
        }
    }
}

Describe 'The server''s SETTINGS_HEADER_TABLE_SIZE' {
    It 'is answered by a table size update at the start of the next request''s block, once' {
        $server = [LoadTestTests.Http2TestServer]::new('table-size')
        try {
            $results = @(Invoke-BoundedRequest -Uri "$($server.Uri)x" -HttpVersion 2.0 -Count 3 -ThrottleLimit 1)
            Wait-ClientGone $server

            @($results | Where-Object Success).Count | Should -Be 3
            # The encoder uses no dynamic table, so it sets the size to 0, which any announced size allows.
            @($server.TableSizeUpdates) | Should -Be @('1 0')
            @($server.Requests) | Should -Be @('1 1 GET /x', '1 3 GET /x', '1 5 GET /x')
            @($server.Problems) | Should -BeNullOrEmpty
        }
        finally {
            $server.Dispose()
        }
    }
}

Describe 'A late answer to a cancelled request' {
    # The answer to a request that timed out (its stream reset with CANCEL) adds an entry to the dynamic table,
    # and the next answer refers to it: the client must decode a block nobody waits for (RFC 7541 2.2, RFC 9113 4.3).
    It '<_>: keeps the HPACK table in step' -ForEach 'Auto', 'HttpClient' {
        $server = [LoadTestTests.Http2TestServer]::new('late-after-cancel')
        try {
            $results = @(Invoke-BoundedRequest -Uri "$($server.Uri)x" -HttpVersion 2.0 -Transport $_ -Count 2 -ThrottleLimit 1 -TimeoutSec 1 -IncludeHeaders | Sort-Object Index)
            Wait-ClientGone $server

            $results[0].ErrorKind | Should -Be 'Timeout'
            $results[0].Attempts | Should -Be 1
            $results[1].ErrorKind | Should -Be 'None' -Because $results[1].Error
            $results[1].StatusCode | Should -Be 200
            $results[1].Attempts | Should -Be 1
            $results[1].Headers['x-late'] | Should -BeExactly '1'
            $server.Connections | Should -Be 1
            @($server.Requests) | Should -Be @('1 1 GET /x', '1 3 GET /x')
            @($server.Resets) | Should -Be @('1 1 CANCEL')
            @($server.Problems) | Should -BeNullOrEmpty
        }
        finally {
            $server.Dispose()
        }
    }
}

Describe 'Many requests at once on one HTTP/2 connection' {
    It '<_>: 200 requests, 50 at a time, on streams 1, 3, 5... opened in order' -ForEach 'Auto', 'HttpClient' {
        $server = [LoadTestTests.Http2TestServer]::new('ok')
        try {
            $results = @(Invoke-BoundedRequest -Uri "$($server.Uri)x" -HttpVersion 2.0 -Transport $_ -Count 200 -ThrottleLimit 50 -TimeoutSec 30)
            Wait-ClientGone $server

            $results.Count | Should -Be 200
            @($results | Where-Object { $_.Success -and $_.StatusCode -eq 200 -and $_.BytesReceived -eq 2 }).Count | Should -Be 200
            ($results | Measure-Object Attempts -Sum).Sum | Should -Be 200
            $server.Connections | Should -Be 1
            # Stream ids must rise in the order the streams open (RFC 9113 5.1.1): in the order the HEADERS arrived.
            $server.StreamIds(1) | Should -Be @(foreach ($i in 0..199) { 2 * $i + 1 })
            @($server.Problems) | Should -BeNullOrEmpty
        }
        finally {
            $server.Dispose()
        }
    }
}

Describe 'The server''s stream limit (SETTINGS_MAX_CONCURRENT_STREAMS)' {
    # The server refuses streams above the limit in force with REFUSED_STREAM, as nginx does, and counts among its
    # Problems a stream the client opened beyond a limit it had acknowledged (RFC 9113 5.1.2). No request may fail
    # for the limit: they wait for a stream, on that connection or another, and only what went on the wire counts.
    BeforeAll {
        $certificate = New-TestCertificate '127.0.0.1'
    }

    It '<Scenario> over <Wire>: 50 requests at 8 in flight all answered, none beyond the limit' -ForEach @(
        foreach ($wire in 'h2c', 'TLS') {
            @{ Scenario = 'limit-1'; Wire = $wire; Refusals = 'none' }
            # The one stream a new connection opens before the server's SETTINGS meets a limit of 0.
            @{ Scenario = 'limit-0-raised'; Wire = $wire; Refusals = 'first' }
            @{ Scenario = 'limit-lowered'; Wire = $wire; Refusals = 'none' }
            # Streams that went out before a lower limit arrived are refused, and sent again.
            @{ Scenario = 'limit-flapping'; Wire = $wire; Refusals = 'any' }
        }
    ) {
        $server = [LoadTestTests.Http2TestServer]::new($Scenario, $(if ($Wire -eq 'TLS') { $certificate } else { $null }))
        try {
            $results = @(Invoke-BoundedRequest -Uri "$($server.Uri)x/{0}" -HttpVersion 2.0 -Count 50 -ThrottleLimit 8 -TimeoutSec 20 -SkipCertificateCheck 3>$null)
            Wait-ClientGone $server

            $kinds = ($results | Group-Object ErrorKind -NoElement | ForEach-Object { "$($_.Name): $($_.Count)" }) -join '; '
            @($results | Where-Object { $_.Success -and $_.StatusCode -eq 200 }).Count | Should -Be 50 -Because $kinds
            # Every send the server saw, refused ones too, is an attempt of a result, and nothing else is.
            ($results | Measure-Object Attempts -Sum).Sum | Should -Be $server.RequestCount
            $server.RequestCount | Should -Be (50 + $server.Refused)
            switch ($Refusals) {
                'none' { $server.Refused | Should -Be 0 }
                'first' { $server.Refused | Should -BeLessOrEqual $server.Connections -Because 'only a connection''s first stream goes out before its limit is known' }
            }
            $server.Connections | Should -BeLessOrEqual 8
            @($server.Problems) | Should -BeNullOrEmpty
        }
        finally {
            $server.Dispose()
        }
    }

    It 'waits on one connection for a limit of 0 to be raised, rather than opening others' {
        $server = [LoadTestTests.Http2TestServer]::new('limit-0-raised')
        try {
            $results = @(Invoke-BoundedRequest -Uri "$($server.Uri)x/{0}" -HttpVersion 2.0 -Count 4 -ThrottleLimit 4 -TimeoutSec 20)
            Wait-ClientGone $server

            @($results | Where-Object Success).Count | Should -Be 4
            $server.Connections | Should -Be 1
            @($server.Problems) | Should -BeNullOrEmpty
        }
        finally {
            $server.Dispose()
        }
    }
}

Describe 'ALPN' {
    # A TLS server that completes the handshake without selecting h2 does not speak HTTP/2 there: Protocol on both
    # transports. (One that ends the handshake with a no_application_protocol alert, as nginx does, fails the
    # handshake: Tls; Invoke-BoundedRequest.Http2.Tests.ps1.)
    It '<_>: a TLS server that selects no protocol is a Protocol failure, and gets no request' -ForEach 'Auto', 'HttpClient' {
        $server = [LoadTestTests.Http2TestServer]::new('no-alpn', (New-TestCertificate '127.0.0.1'))
        try {
            $r = Invoke-BoundedRequest -Uri "$($server.Uri)x" -HttpVersion 2.0 -Transport $_ -SkipCertificateCheck -TimeoutSec 10 3>$null
            $r.Success | Should -BeFalse
            $r.ErrorKind | Should -Be 'Protocol' -Because $r.Error
            $server.RequestCount | Should -Be 0
        }
        finally {
            $server.Dispose()
        }
    }
}

Describe 'The wire''s trace: the EventSource LoadTest-Wire' {
    # An EventListener in this process, as dotnet-trace would listen from outside: each event is
    # "<name> <payload joined by |>".
    BeforeAll {
        if (-not ('LoadTestTests.WireEventCollector' -as [type])) {
            Add-Type -TypeDefinition @'
namespace LoadTestTests
{
    using System.Collections.Concurrent;
    using System.Diagnostics.Tracing;

    public sealed class WireEventCollector : EventListener
    {
        public ConcurrentQueue<string> Events { get; } = new ConcurrentQueue<string>();

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "LoadTest-Wire")
            {
                EnableEvents(source, EventLevel.Verbose);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventSource.Name == "LoadTest-Wire")
            {
                Events.Enqueue(e.EventName + " " + string.Join("|", e.Payload ?? new System.Collections.ObjectModel.ReadOnlyCollection<object>(new object[0])));
            }
        }
    }
}
'@
        }
    }

    It 'traces connections, the TLS handshake, GOAWAY and RST_STREAM both ways, and refused and replayed streams' {
        $collector = [LoadTestTests.WireEventCollector]::new()
        $servers = @(
            [LoadTestTests.Http2TestServer]::new('refuse-first')
            [LoadTestTests.Http2TestServer]::new('goaway-first')
            [LoadTestTests.Http2TestServer]::new('ok', (New-TestCertificate '127.0.0.1'))
            [LoadTestTests.Http2TestServer]::new('silent')
        )
        try {
            foreach ($server in $servers) {
                $null = Invoke-BoundedRequest -Uri "$($server.Uri)x" -HttpVersion 2.0 -SkipCertificateCheck -TimeoutSec 1 3>$null
                Wait-ClientGone $server
            }
            $events = @($collector.Events)
            $names = @($events | ForEach-Object { ($_ -split ' ')[0] } | Sort-Object -Unique)
            foreach ($name in 'ConnectionOpened', 'TlsHandshake', 'ConnectionClosed', 'GoAwayReceived', 'GoAwaySent', 'StreamResetReceived', 'StreamResetSent', 'StreamRefused', 'RequestReplayed') {
                $names | Should -Contain $name
            }
            @($events | Where-Object { $_ -like 'ConnectionOpened *|127.0.0.1|*' }).Count | Should -Be 5 -Because 'one connection each, two for goaway-first'
            @($events | Where-Object { $_ -like 'StreamResetReceived *|1|REFUSED_STREAM' }).Count | Should -Be 1
            @($events | Where-Object { $_ -like 'StreamRefused *|1|REFUSED_STREAM*' }).Count | Should -Be 1
            @($events | Where-Object { $_ -like 'GoAwayReceived *|0|NO_ERROR' }).Count | Should -Be 1
            @($events | Where-Object { $_ -like 'StreamRefused *|1|above the last stream*' }).Count | Should -Be 1
            @($events | Where-Object { $_ -like 'RequestReplayed 0|127.0.0.1:*' }).Count | Should -Be 2
            @($events | Where-Object { $_ -like 'TlsHandshake *|127.0.0.1|Tls1*|h2|*' }).Count | Should -Be 1
            @($events | Where-Object { $_ -like 'StreamResetSent *|1|CANCEL|*cancelled' }).Count | Should -Be 1 -Because 'silent: the timeout resets the stream'
        }
        finally {
            $collector.Dispose()
            foreach ($server in $servers) { $server.Dispose() }
        }
    }
}
