# The lean HTTP/1.1 path: the HTTP it must read right, and the same results as HttpClient.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $server = Start-TestServer
    $base = $server.Uri.ToString()
}

AfterAll {
    $server | Stop-TestServer
}

Describe 'HTTP/1.1 responses the lean path reads' {
    It 'reads a chunked body from HttpListener' {
        $r = Invoke-BoundedRequest -Uri "${base}chunked/200000" -IncludeContent -MaximumContentBytes 10
        $r.Success | Should -BeTrue
        $r.BytesReceived | Should -Be 200000
        $r.Content | Should -Be ('x' * 10)
    }

    It 'reads <Case>' -TestCases @(
        @{ Case = 'a body up to the end of the connection'; Response = "HTTP/1.1 200 OK`r`nConnection: close`r`n`r`nabcdef"; Close = $true; Bytes = 6; Content = 'abcdef'; Status = 200 }
        @{ Case = 'chunks with extensions and trailers'; Response = "HTTP/1.1 200 OK`r`nTransfer-Encoding: chunked`r`n`r`n5;ext=1`r`nhello`r`n6`r`n world`r`n0`r`nX-Trailer: 1`r`n`r`n"; Close = $false; Bytes = 11; Content = 'hello world'; Status = 200 }
        @{ Case = 'a 100 Continue before the answer'; Response = "HTTP/1.1 100 Continue`r`n`r`nHTTP/1.1 201 Created`r`nContent-Length: 2`r`n`r`nok"; Close = $false; Bytes = 2; Content = 'ok'; Status = 201 }
        @{ Case = 'an HTTP/1.0 answer'; Response = "HTTP/1.0 200 OK`r`nContent-Length: 2`r`n`r`nok"; Close = $true; Bytes = 2; Content = 'ok'; Status = 200 }
        @{ Case = 'a 204 without a body'; Response = "HTTP/1.1 204 No Content`r`n`r`n"; Close = $false; Bytes = 0; Content = ''; Status = 204 }
        @{ Case = 'a Latin-1 charset'; Response = "HTTP/1.1 200 OK`r`nContent-Type: text/plain; charset=iso-8859-1`r`nContent-Length: 1`r`n`r`n$([char]0xE9)"; Close = $false; Bytes = 1; Content = [string][char]0xE9; Status = 200 }
        # Larger than a connection's own 4 KB buffer: bodies go through a pooled buffer, a head grows the connection's.
        @{ Case = 'a Content-Length body larger than the connection buffer'; Response = "HTTP/1.1 200 OK`r`nContent-Length: 70000`r`n`r`n$('abcdefghij' * 7000)"; Close = $false; Bytes = 70000; Content = 'abcdefghij' * 7000; Status = 200 }
        @{ Case = 'a chunk larger than the connection buffer'; Response = "HTTP/1.1 200 OK`r`nTransfer-Encoding: chunked`r`n`r`n2710`r`n$('0123456789' * 1000)`r`n3`r`nend`r`n0`r`n`r`n"; Close = $false; Bytes = 10003; Content = ('0123456789' * 1000) + 'end'; Status = 200 }
        @{ Case = 'a body to the end of the connection larger than the buffer'; Response = "HTTP/1.1 200 OK`r`nConnection: close`r`n`r`n$('z' * 70000)"; Close = $true; Bytes = 70000; Content = 'z' * 70000; Status = 200 }
        @{ Case = 'a head larger than the connection buffer'; Response = "HTTP/1.1 200 OK`r`nX-Big: $('h' * 9000)`r`nContent-Length: 2`r`n`r`nok"; Close = $false; Bytes = 2; Content = 'ok'; Status = 200 }
    ) {
        $canned = Start-CannedServer -Response $Response -CloseAfterEach:$Close
        try {
            $results = Invoke-BoundedRequest -Uri "$($canned.Uri)x/{0}" -Count 3 -ThrottleLimit 1 -IncludeContent | Sort-Object Index
            $results.Count | Should -Be 3
            foreach ($r in $results) {
                $r.StatusCode | Should -Be $Status
                $r.Success | Should -BeTrue
                $r.BytesReceived | Should -Be $Bytes
                $r.Content | Should -BeExactly $Content
            }
            $canned.State.Requests | Should -Be 3
            # Kept-alive answers reuse one connection; answers that close need one each.
            $canned.State.Connections | Should -Be $(if ($Close) { 3 } else { 1 })
        }
        finally {
            Stop-CannedServer $canned
        }
    }

    It 'retries on a fresh connection when the server closed a kept-alive one' {
        # The server says nothing about closing, then closes after every answer: the next request finds a dead connection.
        $canned = Start-CannedServer -Response "HTTP/1.1 200 OK`r`nContent-Length: 2`r`n`r`nok" -CloseAfterEach
        try {
            $results = Invoke-BoundedRequest -Uri "$($canned.Uri)x/{0}" -Count 20 -ThrottleLimit 1
            @($results | Where-Object Success).Count | Should -Be 20
            $canned.State.Requests | Should -Be 20
        }
        finally {
            Stop-CannedServer $canned
        }
    }

    # The server answers the first request of each connection; the second it reads, then resets the connection
    # without an answer: the race of a server closing an idle kept-alive connection just as the request goes out.
    # A GET (safe to send twice) goes out once more on another connection, a POST does not; every request the
    # server read is an attempt.
    It 'replays a <Method> the server reset on a kept-alive connection before any answer: <Expected> through <Transport>' -TestCases @(
        foreach ($transport in 'Auto', 'HttpClient') {
            @{ Transport = $transport; Method = 'GET'; Expected = 'once' }
            @{ Transport = $transport; Method = 'POST'; Expected = 'never' }
        }
    ) {
        if (-not ('LoadTestTests.ResettingServer' -as [type])) {
            # In C#, not a PowerShell job: the reset must follow the request at once, as a server's close does
            # (a slower one lets HttpClient read the reset as a failed read, which it replays by itself).
            Add-Type -TypeDefinition @'
namespace LoadTestTests
{
    using System;
    using System.Net;
    using System.Net.Sockets;
    using System.Text;
    using System.Threading;
    using System.Threading.Tasks;

    public sealed class ResettingServer : IDisposable
    {
        private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
        private int _requests;
        private int _resets;

        public ResettingServer()
        {
            _listener.Start();
            Task.Run(AcceptAsync);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Requests => Volatile.Read(ref _requests);

        public int Resets => Volatile.Read(ref _resets);

        public void Dispose() => _listener.Stop();

        private async Task AcceptAsync()
        {
            while (true)
            {
                Socket socket;
                try { socket = await _listener.AcceptSocketAsync(); } catch (Exception) { return; }
                _ = Task.Run(() => ServeAsync(socket));
            }
        }

        private async Task ServeAsync(Socket socket)
        {
            byte[] answer = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            var buffer = new byte[64 * 1024];
            int length = 0;
            try
            {
                for (int n = 1; ; n++)
                {
                    // A whole request: its head, and as many body bytes as its Content-Length says.
                    int total;
                    while ((total = RequestLength(buffer, length)) < 0)
                    {
                        int read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None);
                        if (read == 0) { socket.Close(); return; }
                        length += read;
                    }

                    Interlocked.Increment(ref _requests);
                    if (n == 2)
                    {
                        Interlocked.Increment(ref _resets);
                        socket.LingerState = new LingerOption(true, 0);
                        socket.Close();
                        return;
                    }

                    Buffer.BlockCopy(buffer, total, buffer, 0, length - total);
                    length -= total;
                    await socket.SendAsync(answer, SocketFlags.None);
                }
            }
            catch (Exception)
            {
                socket.Dispose();
            }
        }

        private static int RequestLength(byte[] buffer, int length)
        {
            string text = Encoding.ASCII.GetString(buffer, 0, length);
            int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0) { return -1; }
            int body = 0;
            foreach (string line in text.Substring(0, end).Split("\r\n"))
            {
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) { body = int.Parse(line.Substring(15).Trim()); }
            }

            return length >= end + 4 + body ? end + 4 + body : -1;
        }
    }
}
'@
        }
        $server = [LoadTestTests.ResettingServer]::new()
        try {
            # A request every 50 ms: each goes out on a connection that has been idle, as in the race.
            $params = @{ Uri = "http://127.0.0.1:$($server.Port)/r/{0}"; Count = 10; ThrottleLimit = 1; RequestsPerSecond = 20; Method = $Method; Transport = $Transport; TimeoutSec = 10 }
            if ($Method -eq 'POST') { $params.Body = 'payload' }
            $results = @(Invoke-BoundedRequest @params)
            $results.Count | Should -Be 10
            ($results | Measure-Object Attempts -Sum).Sum | Should -Be $server.Requests
            $server.Resets | Should -BeGreaterThan 0
            if ($Method -eq 'GET') {
                @($results | Where-Object Success).Count | Should -Be 10
                @($results | Where-Object Attempts -EQ 2).Count | Should -Be $server.Resets
            }
            else {
                @($results | Where-Object Attempts -NE 1).Count | Should -Be 0
                @($results | Where-Object { -not $_.Success }).Count | Should -Be $server.Resets
                @($results | Where-Object { -not $_.Success } | Where-Object ErrorKind -NotIn 'ConnectionReset', 'ConnectionClosed').ErrorKind | Should -BeNullOrEmpty
            }
        }
        finally {
            $server.Dispose()
        }
    }

    It 'reports <Case> as a Protocol failure' -TestCases @(
        @{ Case = 'a status line that is not HTTP'; Response = "GARBAGE`r`n`r`n" }
        @{ Case = 'a bad Content-Length'; Response = "HTTP/1.1 200 OK`r`nContent-Length: lots`r`n`r`n" }
        @{ Case = 'a bad chunk size'; Response = "HTTP/1.1 200 OK`r`nTransfer-Encoding: chunked`r`n`r`nzz`r`n" }
    ) {
        $canned = Start-CannedServer -Response $Response -CloseAfterEach
        try {
            $r = Invoke-BoundedRequest -Uri $canned.Uri
            $r.Success | Should -BeFalse
            $r.ErrorKind | Should -Be 'Protocol'
        }
        finally {
            Stop-CannedServer $canned
        }
    }

    It 'reports a body cut short as ConnectionClosed' {
        $canned = Start-CannedServer -Response "HTTP/1.1 200 OK`r`nContent-Length: 100`r`n`r`nonly this" -CloseAfterEach
        try {
            $r = Invoke-BoundedRequest -Uri $canned.Uri
            $r.ErrorKind | Should -Be 'ConnectionClosed'
            $r.StatusCode | Should -Be 200
            $r.BytesReceived | Should -Be 9
        }
        finally {
            Stop-CannedServer $canned
        }
    }
}

Describe 'The lean path and HttpClient agree' {
    It 'report a redirect to a closed port as ConnectionRefused, without the redirect''s status' {
        $target = [uri]::EscapeDataString("http://127.0.0.1:$(Get-FreePort)/")
        $lean = Invoke-BoundedRequest -Uri "${base}redirect?to=$target"
        $plain = Invoke-BoundedRequest -Uri "${base}redirect?to=$target" -Transport HttpClient
        foreach ($r in $lean, $plain) {
            $r.ErrorKind | Should -Be 'ConnectionRefused'
            $r.StatusCode | Should -Be 0
            $r.BytesReceived | Should -Be 0
        }
    }

    It 'gives the same results for <Route>' -TestCases @(
        @{ Route = 'status/200' }, @{ Route = 'status/404' }, @{ Route = 'status/503?retryAfter=3' }, @{ Route = 'bytes/70000' },
        @{ Route = 'chunked/5000' }, @{ Route = 'echo?x=1' }, @{ Route = 'drop' }, @{ Route = 'reset' }, @{ Route = 'redirect?to=%2Fstatus%2F201' }
    ) {
        $params = @{ Uri = "${base}$Route"; Method = 'POST'; Body = 'payload'; ContentType = 'text/plain'; Headers = @{ 'X-Test' = 'a' }; IncludeContent = $true; IncludeHeaders = $true; TimeoutSec = 10 }
        $lean = Invoke-BoundedRequest @params
        $plain = Invoke-BoundedRequest @params -Transport HttpClient
        $lean.StatusCode | Should -Be $plain.StatusCode
        $lean.Success | Should -Be $plain.Success
        $lean.ErrorKind | Should -Be $plain.ErrorKind
        $lean.BytesReceived | Should -Be $plain.BytesReceived
        if ($Route -like 'echo*') {
            $a = $lean.Content | ConvertFrom-Json
            $b = $plain.Content | ConvertFrom-Json
            $a.method | Should -Be $b.method
            $a.body | Should -Be $b.body
            $a.headers.'X-Test' | Should -Be $b.headers.'X-Test'
            $a.headers.'Content-Type' | Should -Be $b.headers.'Content-Type'
            $a.headers.'Content-Length' | Should -Be $b.headers.'Content-Length'
        }
        elseif ($lean.Content -ne $null) {
            $lean.Content | Should -BeExactly $plain.Content
        }
        if ($lean.Headers) {
            $lean.Headers['Content-Type'] | Should -Be $plain.Headers['Content-Type']
            $lean.Headers['Retry-After'] | Should -Be $plain.Headers['Retry-After']
        }
    }
}
