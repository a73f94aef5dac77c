# RFC 9112 conformance of response parsing: each rule is a row answered by a raw-socket server and sent
# through both transports. The lean HTTP/1.1 client must be right; where HttpClient is lenient or wrong,
# the row says how (HttpClient = its own expectations, HttpClientDiffers = why).
BeforeDiscovery {
    # A row is made of hashtables, later ones overriding earlier ones, then these defaults: two sequential
    # requests on a server that keeps connections open, answered 200 'ok' on one connection.
    function Row {
        $row = @{}
        foreach ($part in $args) {
            foreach ($key in $part.Keys) { $row[$key] = $part[$key] }
        }
        $defaults = @{ Count = 2; Close = $false; Stray = $null; Method = 'GET'; Headers = $null; TimeoutSec = 5; Status = 200; Kind = 'None'; Bytes = 2; Content = 'ok' }
        foreach ($key in $defaults.Keys) {
            if (-not $row.ContainsKey($key)) { $row[$key] = $defaults[$key] }
        }
        if (-not $row.ContainsKey('Connections')) { $row.Connections = if ($row.Close) { $row.Count } else { 1 } }
        if ($row.ContainsKey('HttpClient') -xor $row.ContainsKey('HttpClientDiffers')) {
            throw "Row '$($row.Name)': a row where HttpClient differs gives both its expectations and the reason."
        }
        $row
    }

    # A Protocol failure in the head: no status, nothing counted. The server closes, so that a lenient
    # HttpClient reading to the close ends too.
    $invalid = @{ Status = 0; Kind = 'Protocol'; Bytes = 0; Content = $null; Close = $true }
    $hello = @{ Bytes = 5; Content = 'hello' }
    $helloOk = @{ Status = 200; Kind = 'None'; Bytes = 5; Content = 'hello' }
    # An invalid Content-Length that HttpClient ignores: it reads the body to the end of the connection.
    $readsToClose = 'HttpClient ignores an invalid Content-Length and reads to the close; RFC 9112 6.3 point 5 calls the framing invalid'
    $chunkedRaw = "2`r`nok`r`n0`r`n`r`n"

    $rows = @(
        # Status line (RFC 9112 4): HTTP-version SP 3DIGIT [SP reason]
        Row @{ Name = 'a status line with a reason phrase'; Response = "HTTP/1.1 200 OK`r`nContent-Length: 2`r`n`r`nok" }
        Row $invalid @{ Name = 'a four-digit status code'; Response = "HTTP/1.1 2000 OK`r`nContent-Length: 2`r`n`r`nok" }
        Row $invalid @{ Name = 'a two-digit status code'; Response = "HTTP/1.1 20 OK`r`nContent-Length: 2`r`n`r`nok" }
        Row @{ Name = 'no reason phrase and no SP after the code'; Response = "HTTP/1.1 200`r`nContent-Length: 2`r`n`r`nok" }
        Row @{ Name = 'an empty reason phrase after SP'; Response = "HTTP/1.1 200 `r`nContent-Length: 2`r`n`r`nok" }
        Row $invalid @{ Name = 'an HTAB instead of SP after the code'; Response = "HTTP/1.1 200`tOK`r`nContent-Length: 2`r`n`r`nok" }
        Row $invalid @{ Name = 'two SP before the code'; Response = "HTTP/1.1  200 OK`r`nContent-Length: 2`r`n`r`nok" }
        Row $invalid @{ Name = 'a status code below 100'; Response = "HTTP/1.1 099 Odd`r`nContent-Length: 2`r`n`r`nok"
            HttpClient = @{ Status = 99; Kind = 'HttpError'; Bytes = 2; Content = 'ok' }; HttpClientDiffers = 'reports 99, a code of no class (RFC 9110 15: valid codes are 100 to 599)' }
        Row @{ Name = 'a status code of an unknown class (999), kept as sent'; Response = "HTTP/1.1 999 Odd`r`nContent-Length: 2`r`n`r`nok"; Status = 999; Kind = 'HttpError' }
        Row $invalid @{ Name = 'no status line at all (HTTP/0.9 style)'; Response = 'Hello'
            HttpClient = @{ Kind = 'ConnectionClosed' }; HttpClientDiffers = 'waits for a head and reports the close (ConnectionClosed); with a server that stays open it would time out' }
        Row $invalid @{ Name = 'a lower-case protocol name'; Response = "http/1.1 200 OK`r`nContent-Length: 2`r`n`r`nok" }
        Row $invalid @{ Name = 'an unknown major version (HTTP/2.0)'; Response = "HTTP/2.0 200 OK`r`nContent-Length: 2`r`n`r`nok" }
        Row $invalid @{ Name = 'an unknown major version (HTTP/0.9)'; Response = "HTTP/0.9 200 OK`r`nContent-Length: 2`r`n`r`nok" }
        Row @{ Name = 'a later minor version (HTTP/1.2), read as HTTP/1.1 and kept alive'; Response = "HTTP/1.2 200 OK`r`nContent-Length: 2`r`n`r`nok" }
        Row $invalid @{ Name = 'an empty line before the status line'; Response = "`r`nHTTP/1.1 200 OK`r`nContent-Length: 2`r`n`r`nok" }
        Row $invalid @{ Name = 'a head cut short by the close'; Response = "HTTP/1.1 200 OK`r`nContent-Le"; Kind = 'ConnectionClosed' }

        # Field lines (RFC 9112 5, RFC 9110 5.5)
        Row $invalid @{ Name = 'whitespace between a field name and the colon'; Response = "HTTP/1.1 200 OK`r`nContent-Length : 5`r`n`r`nhello"
            HttpClient = $helloOk; HttpClientDiffers = 'accepts whitespace before the colon, which RFC 9112 5.1 says to reject' }
        Row $invalid @{ Name = 'a space inside a field name'; Response = "HTTP/1.1 200 OK`r`nX A: b`r`nContent-Length: 2`r`n`r`nok" }
        Row $invalid @{ Name = 'a field line without a colon'; Response = "HTTP/1.1 200 OK`r`nX-A`r`nContent-Length: 2`r`n`r`nok" }
        Row $invalid @{ Name = 'a bare CR inside a field value'; Response = "HTTP/1.1 200 OK`r`nX-A: a`rb`r`nContent-Length: 2`r`n`r`nok"
            HttpClient = @{ Status = 200; Kind = 'None'; Bytes = 2; Content = 'ok' }; HttpClientDiffers = 'accepts a bare CR in a value (RFC 9112 2.2, RFC 9110 5.5: reject it or replace it with SP)' }
        Row $invalid @{ Name = 'a NUL inside a field value'; Response = "HTTP/1.1 200 OK`r`nX-A: a$([char]0)b`r`nContent-Length: 2`r`n`r`nok"
            HttpClient = @{ Status = 200; Kind = 'None'; Bytes = 2; Content = 'ok' }; HttpClientDiffers = 'accepts a NUL in a value (RFC 9110 5.5: reject it or replace it with SP)' }
        Row $hello @{ Name = 'bare LF line endings in the head'; Response = "HTTP/1.1 200 OK`nContent-Length: 5`n`nhello" }
        Row $hello @{ Name = 'CRLF and bare LF mixed in the head'; Response = "HTTP/1.1 200 OK`r`nX-A: 1`nContent-Length: 5`n`r`nhello" }
        Row $hello @{ Name = 'obs-fold lines continuing a value'; Response = "HTTP/1.1 200 OK`r`nX-Folded: a`r`n  b`r`n`tc`r`nContent-Length: 5`r`n`r`nhello"; Headers = @{ 'X-Folded' = 'a b c' }
            HttpClient = @{ Headers = @{ 'X-Folded' = "a    b  `tc" } }; HttpClientDiffers = 'unfolds by turning each CR LF into SP and keeps the whitespace that led the next line; RFC 9112 5.2 replaces each whole obs-fold with SP' }
        Row $hello @{ Name = 'an obs-fold inside Content-Length'; Response = "HTTP/1.1 200 OK`r`nContent-Length:`r`n 5`r`n`r`nhello" }
        Row $invalid @{ Name = 'a whitespace-led line right after the status line'; Response = "HTTP/1.1 200 OK`r`n X-A: a`r`nContent-Length: 2`r`n`r`nok" }

        # Content-Length (RFC 9110 8.6, RFC 9112 6.3)
        Row $hello @{ Name = 'the same Content-Length on two lines'; Response = "HTTP/1.1 200 OK`r`nContent-Length: 5`r`nContent-Length: 5`r`n`r`nhello" }
        Row $hello @{ Name = 'an identical Content-Length list (5, 5)'; Response = "HTTP/1.1 200 OK`r`nContent-Length: 5, 5`r`n`r`nhello"; TimeoutSec = 1
            HttpClient = @{ Kind = 'Timeout'; Content = $null; Connections = 2 }; HttpClientDiffers = 'ignores the list and reads to a close that never comes (Timeout); RFC 9110 8.6 lets a recipient take one of identical values' }
        Row $invalid @{ Name = 'two Content-Length lines that differ'; Response = "HTTP/1.1 200 OK`r`nContent-Length: 5`r`nContent-Length: 6`r`n`r`nhello!"
            HttpClient = $helloOk; HttpClientDiffers = 'takes the first of two different lengths' }
        Row $invalid @{ Name = 'a Content-Length list that differs (5, 6)'; Response = "HTTP/1.1 200 OK`r`nContent-Length: 5, 6`r`n`r`nhello!"
            HttpClient = @{ Status = 200; Kind = 'None'; Bytes = 6; Content = 'hello!' }; HttpClientDiffers = $readsToClose }
        Row $invalid @{ Name = 'a negative Content-Length'; Response = "HTTP/1.1 200 OK`r`nContent-Length: -5`r`n`r`nhello"; HttpClient = $helloOk; HttpClientDiffers = $readsToClose }
        Row $invalid @{ Name = 'a Content-Length with a plus sign'; Response = "HTTP/1.1 200 OK`r`nContent-Length: +5`r`n`r`nhello"; HttpClient = $helloOk; HttpClientDiffers = $readsToClose }
        Row $invalid @{ Name = 'a non-numeric Content-Length'; Response = "HTTP/1.1 200 OK`r`nContent-Length: lots`r`n`r`nhello"; HttpClient = $helloOk; HttpClientDiffers = $readsToClose }
        Row $invalid @{ Name = 'an empty Content-Length'; Response = "HTTP/1.1 200 OK`r`nContent-Length:`r`n`r`nhello"; HttpClient = $helloOk; HttpClientDiffers = $readsToClose }
        Row $invalid @{ Name = 'two numbers in one Content-Length (5 5)'; Response = "HTTP/1.1 200 OK`r`nContent-Length: 5 5`r`n`r`nhello"; HttpClient = $helloOk; HttpClientDiffers = $readsToClose }
        Row $invalid @{ Name = 'a Content-Length too large for 64 bits'; Response = "HTTP/1.1 200 OK`r`nContent-Length: 99999999999999999999999`r`n`r`nhello"; HttpClient = $helloOk; HttpClientDiffers = $readsToClose }

        # Transfer-Encoding (RFC 9112 6.1, 6.3): a list of codings; the final one decides
        Row @{ Name = 'Transfer-Encoding: chunked'; Response = "HTTP/1.1 200 OK`r`nTransfer-Encoding: chunked`r`n`r`n$chunkedRaw" }
        Row @{ Name = 'chunked in capitals'; Response = "HTTP/1.1 200 OK`r`nTransfer-Encoding: CHUNKED`r`n`r`n$chunkedRaw" }
        Row @{ Name = 'xchunked, which is not chunked: read to the close'; Response = "HTTP/1.1 200 OK`r`nTransfer-Encoding: xchunked`r`n`r`n$chunkedRaw"; Close = $true; Bytes = 12; Content = $chunkedRaw }
        Row @{ Name = 'gzip, chunked: chunked is the final coding'; Response = "HTTP/1.1 200 OK`r`nTransfer-Encoding: gzip, chunked`r`n`r`n$chunkedRaw" }
        Row @{ Name = 'gzip and chunked on two lines: chunked is the final coding'; Response = "HTTP/1.1 200 OK`r`nTransfer-Encoding: gzip`r`nTransfer-Encoding: chunked`r`n`r`n$chunkedRaw" }
        Row @{ Name = 'chunked, gzip: chunked is not final, read to the close'; Response = "HTTP/1.1 200 OK`r`nTransfer-Encoding: chunked, gzip`r`n`r`n$chunkedRaw"; Close = $true; Bytes = 12; Content = $chunkedRaw
            HttpClient = @{ Bytes = 2; Content = 'ok' }; HttpClientDiffers = 'decodes chunks although chunked is not the final coding (RFC 9112 6.3 point 4: read to the close)' }
        Row @{ Name = 'a coding other than chunked (identity): read to the close'; Response = "HTTP/1.1 200 OK`r`nTransfer-Encoding: identity`r`n`r`nok"; Close = $true }
        Row @{ Name = 'Transfer-Encoding with Content-Length: chunked wins, not reused'; Response = "HTTP/1.1 200 OK`r`nContent-Length: 100`r`nTransfer-Encoding: chunked`r`n`r`n$chunkedRaw"; Connections = 2
            HttpClient = @{ Connections = 1 }; HttpClientDiffers = 'reuses the connection after framing RFC 9112 6.3 point 3 calls suspect' }
        Row @{ Name = 'Transfer-Encoding with an invalid Content-Length: chunked wins, not reused'; Response = "HTTP/1.1 200 OK`r`nContent-Length: lots`r`nTransfer-Encoding: chunked`r`n`r`n$chunkedRaw"; Connections = 2
            HttpClient = @{ Connections = 1 }; HttpClientDiffers = 'reuses the connection after framing RFC 9112 6.3 point 3 calls suspect' }
        Row @{ Name = 'Transfer-Encoding in an HTTP/1.0 keep-alive response: not reused'; Response = "HTTP/1.0 200 OK`r`nConnection: keep-alive`r`nTransfer-Encoding: chunked`r`n`r`n$chunkedRaw"; Connections = 2
            HttpClient = @{ Connections = 1 }; HttpClientDiffers = 'reuses the connection; RFC 9112 6.1 calls the framing of an HTTP/1.0 message with Transfer-Encoding faulty: close after it' }

        # Chunked bodies (RFC 9112 7.1)
        Row $hello @{ Name = 'bare LF after chunk sizes and chunk data'; Response = "HTTP/1.1 200 OK`nTransfer-Encoding: chunked`n`n5`nhello`n0`n`n" }
        Row $hello @{ Name = 'SP before a chunk extension'; Response = "HTTP/1.1 200 OK`r`nTransfer-Encoding: chunked`r`n`r`n5 ;ext=1`r`nhello`r`n0`r`n`r`n" }
        Row $hello @{ Name = 'HTAB before a chunk extension'; Response = "HTTP/1.1 200 OK`r`nTransfer-Encoding: chunked`r`n`r`n5`t;ext=1`r`nhello`r`n0`r`n`r`n" }
        Row $hello @{ Name = 'chunk extensions with quoted strings'; Response = "HTTP/1.1 200 OK`r`nTransfer-Encoding: chunked`r`n`r`n5;name=`"a;b \`" c`"`r`nhello`r`n0;last=`"yes`"`r`n`r`n" }
        Row $hello @{ Name = 'trailers after the last chunk'; Response = "HTTP/1.1 200 OK`r`nTransfer-Encoding: chunked`r`n`r`n5`r`nhello`r`n0`r`nX-Checksum: 1`r`nX-Other: 2`r`n`r`n" }
        Row $invalid @{ Name = 'whitespace before a chunk size'; Response = "HTTP/1.1 200 OK`r`nTransfer-Encoding: chunked`r`n`r`n 5`r`nhello`r`n0`r`n`r`n"; Status = 200 }
        Row $invalid @{ Name = 'a chunk size with a 0x prefix'; Response = "HTTP/1.1 200 OK`r`nTransfer-Encoding: chunked`r`n`r`n0x5`r`nhello`r`n0`r`n`r`n"; Status = 200 }
        Row $invalid @{ Name = 'chunk data longer than its size'; Response = "HTTP/1.1 200 OK`r`nTransfer-Encoding: chunked`r`n`r`n5`r`nhelloXX`r`n0`r`n`r`n"; Status = 200; Bytes = 5
            HttpClient = @{ Bytes = 0 }; HttpClientDiffers = 'fails the same way but counts nothing: it holds a chunk back until its end checks out, the lean client counts what arrived' }
        Row $invalid @{ Name = 'a chunked body cut short by the close'; Response = "HTTP/1.1 200 OK`r`nTransfer-Encoding: chunked`r`n`r`n5`r`nhel"; Status = 200; Kind = 'ConnectionClosed'; Bytes = 3 }

        # Connection (RFC 9112 9.3, 9.6): a list of options
        Row @{ Name = 'Connection: close'; Response = "HTTP/1.1 200 OK`r`nConnection: close`r`nContent-Length: 2`r`n`r`nok"; Connections = 2 }
        Row @{ Name = 'Connection: x-trace, close'; Response = "HTTP/1.1 200 OK`r`nConnection: x-trace, close`r`nContent-Length: 2`r`n`r`nok"; Connections = 2 }
        Row @{ Name = 'Connection: x-trace, keep-alive on HTTP/1.1'; Response = "HTTP/1.1 200 OK`r`nConnection: x-trace, keep-alive`r`nContent-Length: 2`r`n`r`nok" }
        Row @{ Name = 'HTTP/1.0 with keep-alive'; Response = "HTTP/1.0 200 OK`r`nConnection: keep-alive`r`nContent-Length: 2`r`n`r`nok" }
        Row @{ Name = 'HTTP/1.0 with Keep-Alive in a list'; Response = "HTTP/1.0 200 OK`r`nConnection: x-trace, Keep-Alive`r`nContent-Length: 2`r`n`r`nok" }
        Row @{ Name = 'HTTP/1.0 without keep-alive'; Response = "HTTP/1.0 200 OK`r`nContent-Length: 2`r`n`r`nok"; Connections = 2
            HttpClient = @{ Connections = 1 }; HttpClientDiffers = 'reuses the connection; RFC 9112 9.3 says an HTTP/1.0 response without keep-alive closes it' }

        # Interim responses (RFC 9110 15.2)
        Row @{ Name = '100 Continue before the final response'; Response = "HTTP/1.1 100 Continue`r`n`r`nHTTP/1.1 200 OK`r`nContent-Length: 2`r`n`r`nok" }
        Row @{ Name = '103 Early Hints with fields before the final response'; Response = "HTTP/1.1 103 Early Hints`r`nLink: </style.css>; rel=preload`r`n`r`nHTTP/1.1 200 OK`r`nContent-Length: 2`r`n`r`nok" }
        Row @{ Name = 'two interim responses in a row'; Response = "HTTP/1.1 100 Continue`r`n`r`nHTTP/1.1 102 Processing`r`n`r`nHTTP/1.1 200 OK`r`nContent-Length: 2`r`n`r`nok" }
        Row $invalid @{ Name = 'a 101 nobody asked for'; Response = "HTTP/1.1 101 Switching Protocols`r`nUpgrade: websocket`r`nConnection: Upgrade`r`n`r`n"; Close = $false; Connections = 2; TimeoutSec = 1
            HttpClient = @{ Status = 101; Kind = 'Timeout' }; HttpClientDiffers = 'takes the 101 for the final response and reads the switched connection as its body until the timeout' }

        # Clean or closed: a connection with bytes after the response is never reused
        Row @{ Name = 'a body longer than announced'; Response = "HTTP/1.1 200 OK`r`nContent-Length: 2`r`n`r`nokEXTRA"; Count = 3; Connections = 3 }
        Row @{ Name = 'an extra response after the answer, in the same write'; Response = "HTTP/1.1 200 OK`r`nContent-Length: 2`r`n`r`nokHTTP/1.1 200 OK`r`nContent-Length: 5`r`n`r`nSTRAY"; Count = 3; Connections = 3 }
        Row @{ Name = 'a late extra response while the connection is idle'; Response = "HTTP/1.1 200 OK`r`nContent-Length: 2`r`n`r`nok"; Stray = "HTTP/1.1 200 OK`r`nContent-Length: 5`r`n`r`nSTRAY"; Count = 3; Connections = 3 }
        Row @{ Name = 'garbage while the connection is idle'; Response = "HTTP/1.1 200 OK`r`nContent-Length: 2`r`n`r`nok"; Stray = 'garbage'; Count = 3; Connections = 3 }
        # Heads and chunk lines split across reads: each piece reaches the client on its own
        Row @{ Name = 'a status line split inside HTTP/'; Response = 'HTT', "P/1.1 200 OK`r`nContent-Length: 2`r`n`r`nok" }
        Row $invalid @{ Name = 'no status line, its first bytes alone'; Response = 'He', 'llo'
            HttpClient = @{ Kind = 'ConnectionClosed' }; HttpClientDiffers = 'waits for a head and reports the close (ConnectionClosed)' }
        Row @{ Name = 'a head whose last LF comes alone'; Response = "HTTP/1.1 200 OK`r`nContent-Length: 2`r`n`r", "`nok" }
        Row @{ Name = 'a head whose empty line comes alone'; Response = "HTTP/1.1 200 OK`r`nContent-Length: 2`r`n", "`r`nok" }
        Row @{ Name = 'a bare LF head split between its two LFs'; Response = "HTTP/1.1 200 OK`nContent-Length: 2`n", "`nok" }
        Row $hello @{ Name = 'a chunk-size line split between CR and LF'; Response = "HTTP/1.1 200 OK`r`nTransfer-Encoding: chunked`r`n`r`n5`r", "`nhello`r", "`n0`r`n`r", "`n" }

        Row @{ Name = 'a close while the connection is idle'; Response = "HTTP/1.1 200 OK`r`nContent-Length: 2`r`n`r`nok"; Close = $true; Count = 3 }
        Row @{ Name = 'a 204 followed by a body it may not have'; Response = "HTTP/1.1 204 No Content`r`nContent-Length: 5`r`n`r`nhello"; Status = 204; Bytes = 0; Content = ''; Connections = 2 }
        Row @{ Name = 'a HEAD response with a Content-Length and no body'; Response = "HTTP/1.1 200 OK`r`nContent-Length: 5`r`n`r`n"; Method = 'HEAD'; Bytes = 0; Content = '' }
    )

    $cases = foreach ($row in $rows) {
        foreach ($transport in 'Lean', 'HttpClient') {
            $case = $row.Clone()
            if ($transport -eq 'HttpClient' -and $row.HttpClient) {
                foreach ($key in $row.HttpClient.Keys) { $case[$key] = $row.HttpClient[$key] }
            }
            $case.Transport = $transport
            # The server tells rows (and transports) apart by this first path segment.
            $case.Id = 'r{0}{1}' -f [array]::IndexOf($rows, $row), $transport
            $case
        }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')

    # The one place that picks the transport: 'Lean' is the module's own HTTP/1.1 client, 'HttpClient'
    # sends everything through System.Net.Http. (Today an environment variable; later a cmdlet parameter.)
    function Invoke-Through {
        param(
            [Parameter(Mandatory)] [ValidateSet('Lean', 'HttpClient')] [string] $Transport,
            [Parameter(Mandatory)] [scriptblock] $ScriptBlock
        )
        if ($Transport -eq 'HttpClient') { $PSDefaultParameterValues['Invoke-BoundedRequest:Transport'] = 'HttpClient' }
        try { & $ScriptBlock } finally { $PSDefaultParameterValues.Remove('Invoke-BoundedRequest:Transport') }
    }

    # One raw TCP server for the whole file. A request for /<id>/... is answered with the row registered
    # under <id> in State.Rows: its response bytes as they are (a list of pieces, each next one written once
    # the client has read the one before), then (Stray) more bytes in a second write once
    # the client has read the answer, then (Close) the end of the connection. It counts the connections and
    # requests of each id (a connection belongs to the id of its first request) and the requests it is done
    # with (Served). One connection at a time, every read bounded.
    function Start-ConformanceServer {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $state = [hashtable]::Synchronized(@{
            Rows        = [hashtable]::Synchronized(@{})
            Connections = [hashtable]::Synchronized(@{})
            Requests    = [hashtable]::Synchronized(@{})
            Served      = [hashtable]::Synchronized(@{})
        })
        $job = Start-ThreadJob -ArgumentList $listener, $state -ScriptBlock {
            param($Listener, $State)

            # Waits (about 2 s at most) until the client has read all this server wrote: the server socket has
            # nothing unacknowledged and the client socket nothing unread, as /proc/net/tcp and tcp6 show them
            # (the client's socket may be dual-mode, listed in tcp6). False if it never did.
            function Wait-Drained($Client) {
                $server = ':{0:X4}' -f $Client.Client.LocalEndPoint.Port
                $peer = ':{0:X4}' -f $Client.Client.RemoteEndPoint.Port
                $clock = [System.Diagnostics.Stopwatch]::StartNew()
                while ($clock.ElapsedMilliseconds -lt 2000) {
                    $sent = $unread = $null
                    foreach ($line in [System.IO.File]::ReadAllLines('/proc/net/tcp') + [System.IO.File]::ReadAllLines('/proc/net/tcp6')) {
                        if (-not $line.Contains($server)) { continue }
                        $f = $line.Trim() -split '\s+'
                        if ($f[1].EndsWith($server) -and $f[2].EndsWith($peer)) { $sent = $f[4].Split(':')[0] }
                        elseif ($f[1].EndsWith($peer) -and $f[2].EndsWith($server)) { $unread = $f[4].Split(':')[1] }
                    }
                    if ($sent -eq '00000000' -and $unread -eq '00000000') { return $true }
                    [System.Threading.Thread]::Sleep(2)
                }
                $false
            }

            while ($true) {
                try { $client = $Listener.AcceptTcpClient() } catch { return }
                $owner = $null
                try {
                    $stream = $client.GetStream()
                    $stream.ReadTimeout = 10000
                    while ($true) {
                        $head = [System.Text.StringBuilder]::new()
                        while (-not $head.ToString().EndsWith("`r`n`r`n")) {
                            $b = $stream.ReadByte()
                            if ($b -lt 0 -or $head.Length -gt 65536) { throw 'closed' }
                            $null = $head.Append([char]$b)
                        }
                        $id = $head.ToString().Split(' ')[1].Split('/')[1]
                        $row = $State.Rows[$id]
                        if ($null -eq $owner) {
                            $owner = $id
                            $State.Connections[$id] = 1 + $State.Connections[$id]
                        }
                        $State.Requests[$id] = 1 + $State.Requests[$id]
                        # A response in pieces: each next piece once the client has read the one before.
                        for ($p = 0; $p -lt $row.Response.Count; $p++) {
                            if ($p -gt 0) { $null = Wait-Drained $client }
                            $stream.Write($row.Response[$p], 0, $row.Response[$p].Length)
                            $stream.Flush()
                        }
                        # Idle for real: the stray bytes come once the client has read the whole answer. (A
                        # client that took earlier stray bytes for its answer never reads this one: no more.)
                        if ($row.Stray -and (Wait-Drained $client)) {
                            $stream.Write($row.Stray, 0, $row.Stray.Length)
                            $stream.Flush()
                        }
                        $State.Served[$id] = 1 + $State.Served[$id]
                        if ($row.Close) { break }
                    }
                }
                catch { }
                finally { $client.Close() }
            }
        }
        [pscustomobject]@{ Uri = "http://127.0.0.1:$($listener.LocalEndpoint.Port)/"; Listener = $listener; Job = $job; State = $state }
    }

    $server = Start-ConformanceServer
}

AfterAll {
    $server.Listener.Stop()
    $server.Job | Wait-Job -Timeout 15 | Remove-Job -Force
}

Describe 'RFC 9112 response parsing, through both transports' {
    It '<Transport>: <Name>' -ForEach $cases {
        if ($Stray -and -not (Test-Path /proc/net/tcp)) {
            Set-ItResult -Skipped -Because 'Platform: not Linux: the server learns that the client has read an answer from /proc/net/tcp (Linux)'
            return
        }
        $latin1 = [System.Text.Encoding]::Latin1
        $server.State.Rows[$Id] = @{ Response = @(foreach ($piece in $Response) { , $latin1.GetBytes($piece) }); Stray = $(if ($Stray) { $latin1.GetBytes($Stray) }); Close = $Close }
        $params = @{ ThrottleLimit = 1; IncludeContent = $true; IncludeHeaders = [bool]$Headers; TimeoutSec = $TimeoutSec; Method = $Method }
        $uris = foreach ($i in 0..($Count - 1)) { "$($server.Uri)$Id/$i" }
        $results = Invoke-Through -Transport $Transport {
            if ($Stray) {
                # Each next request goes out only once the server is done with the previous one, stray bytes included.
                & {
                    foreach ($i in 0..($Count - 1)) {
                        if ($i -gt 0) { Wait-Until { $server.State.Served[$Id] -ge $i } -TimeoutSec 15 }
                        $uris[$i]
                    }
                } | Invoke-BoundedRequest @params
            }
            else {
                Invoke-BoundedRequest -Uri "$($server.Uri)$Id/{0}" -Count $Count @params
            }
        }
        $results = @($results | Sort-Object Index)

        $results.Count | Should -Be $Count
        foreach ($r in $results) {
            $r.StatusCode | Should -Be $Status
            $r.ErrorKind | Should -Be $Kind
            $r.Success | Should -Be ($Kind -eq 'None')
            $r.BytesReceived | Should -Be $Bytes
            $r.Content | Should -BeExactly $Content
            if ($Headers) {
                foreach ($name in $Headers.Keys) { $r.Headers[$name] | Should -BeExactly $Headers[$name] }
            }
        }
        $server.State.Requests[$Id] | Should -Be $Count
        $server.State.Connections[$Id] | Should -Be $Connections
    }
}
