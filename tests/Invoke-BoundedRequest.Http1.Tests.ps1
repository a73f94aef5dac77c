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
