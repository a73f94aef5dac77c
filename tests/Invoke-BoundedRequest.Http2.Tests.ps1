# HTTP/2 against a server we did not write: nginx (Debian's nginx-light, installed with apt-get when it is
# missing) over TLS with ALPN h2, in clear text with prior knowledge (h2c), and on a Unix socket. LoadTest's
# own HTTP/2 client (-Transport Auto) and HttpClient (-Transport HttpClient) are run side by side.
# The hostile cases (a server that breaks the protocol on purpose) are in Http2.Conformance.Tests.ps1.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $nginxBin = '/usr/sbin/nginx'
    $found = Find-DebianProgram $nginxBin 'nginx-light' 'runs Debian''s nginx'
    $platformMissing = $found.PlatformMissing
    $skipReason = $found.SkipReason

    if (-not $platformMissing -and -not $skipReason) {
        $dir = Join-Path $TestDrive 'nginx'
        New-Item -ItemType Directory $dir | Out-Null
        $certificate = New-TestCertificate
        Set-Content "$dir/cert.pem" ($certificate.ExportCertificatePem())
        Set-Content "$dir/key.pem" ([System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($certificate).ExportPkcs8PrivateKeyPem())
        # 20 MB: more than the 16 MB stream window the client gives, so the body needs a WINDOW_UPDATE.
        $bigBytes = 20 * 1024 * 1024
        $big = [byte[]]::new($bigBytes)
        [Random]::new(7).NextBytes($big)
        [IO.File]::WriteAllBytes("$dir/big.bin", $big)
        $ports = @{ Tls = Get-FreePort; Clear = Get-FreePort; Limited = Get-FreePort; Http11Only = Get-FreePort; OneStreamTls = Get-FreePort; OneStream = Get-FreePort }
        $socket = "$dir/h2c.sock"
        @"
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    log_format line '`$request_method `$request_uri';
    log_format conn '`$connection `$request_uri';
    server {
        listen 127.0.0.1:$($ports.Tls) ssl http2;
        listen 127.0.0.1:$($ports.Clear) http2;
        listen unix:$socket http2;
        ssl_certificate $dir/cert.pem;
        ssl_certificate_key $dir/key.pem;
        location = / { default_type text/plain; return 200 "Hello, World!"; }
        location = /echo { default_type text/plain; return 200 "`$request_method `$request_uri `$host [`$http_x_test] [`$content_length]"; }
        location = /big { default_type application/octet-stream; alias $dir/big.bin; }
        location = /redirect { return 302 /echo; }
        location = /missing { return 404; }
        location /item/ { default_type text/plain; return 200 "item"; }
        location /conn/ { access_log $dir/conn.log conn; default_type text/plain; return 200 "c"; }
    }
    server {
        # nginx ends a connection with GOAWAY after this many requests: the client must go on on a new one.
        listen 127.0.0.1:$($ports.Limited) http2;
        keepalive_requests 100;
        access_log $dir/limited.log line;
        location / { default_type text/plain; return 200 "Hello, World!"; }
    }
    server {
        # One stream at a time per connection: nginx refuses the streams above it with REFUSED_STREAM.
        listen 127.0.0.1:$($ports.OneStreamTls) ssl http2;
        listen 127.0.0.1:$($ports.OneStream) http2;
        ssl_certificate $dir/cert.pem;
        ssl_certificate_key $dir/key.pem;
        http2_max_concurrent_streams 1;
        access_log $dir/one.log line;
        location / { default_type text/plain; return 200 "one"; }
    }
    server {
        listen 127.0.0.1:$($ports.Http11Only) ssl;
        ssl_certificate $dir/cert.pem;
        ssl_certificate_key $dir/key.pem;
        location / { return 200 "HTTP/1.1 only"; }
    }
}
"@ | Set-Content "$dir/nginx.conf"
        & $nginxBin -c "$dir/nginx.conf" -p $dir 2>&1 | Out-Null
        if ($LASTEXITCODE -ne 0) {
            $skipReason = "nginx did not start: $(Get-Content "$dir/error.log" -Raw -ErrorAction Ignore)"
        }
        else {
            Wait-Until { Test-Path "$dir/nginx.pid" } -TimeoutSec 20
        }
    }

    $tls = "https://127.0.0.1:$($ports.Tls)"
    $clear = "http://127.0.0.1:$($ports.Clear)"

    # The same request through both transports; the results in the order Auto, HttpClient.
    function Invoke-Both([hashtable] $Parameters) {
        foreach ($transport in 'Auto', 'HttpClient') {
            Invoke-BoundedRequest @Parameters -HttpVersion 2.0 -Transport $transport -TimeoutSec 30 3>$null
        }
    }
}

AfterAll {
    if (Test-Path variable:dir) {
        if (Test-Path "$dir/nginx.pid") { & $nginxBin -c "$dir/nginx.conf" -p $dir -s stop 2>&1 | Out-Null }
    }
}

Describe 'Invoke-BoundedRequest -HttpVersion 2.0 against nginx' {
    BeforeEach {
        if ($platformMissing) { Skip-UnlessPlatform -Supported $false -Because $platformMissing }
        if ($skipReason) { Set-ItResult -Skipped -Because $skipReason }
    }

    It 'gets the same answer from both transports over <Name>' -ForEach @(
        @{ Name = 'TLS (ALPN h2)'; Base = 'tls' }
        @{ Name = 'clear text (prior knowledge)'; Base = 'clear' }
    ) {
        $base = if ($Base -eq 'tls') { $tls } else { $clear }
        $own, $reference = Invoke-Both @{ Uri = "$base/"; SkipCertificateCheck = $true; IncludeContent = $true; IncludeHeaders = $true }
        foreach ($r in $own, $reference) {
            $r.Success | Should -BeTrue
            $r.StatusCode | Should -Be 200
            $r.BytesReceived | Should -Be 13
            $r.Content | Should -BeExactly 'Hello, World!'
            $r.Headers['content-length'] | Should -Be '13'
            $r.Headers['content-type'] | Should -Be 'text/plain'
            $r.Headers['server'] | Should -Match '^nginx'
        }
        @($own.Headers.Keys | Sort-Object) | Should -Be @($reference.Headers.Keys | Sort-Object)
    }

    It 'sends the method, path, query, authority and headers as given' {
        $own, $reference = Invoke-Both @{ Uri = "$clear/echo?a=1&b=%20x"; Headers = @{ 'X-Test' = 'abc' }; IncludeContent = $true }
        $own.Content | Should -BeExactly 'GET /echo?a=1&b=%20x 127.0.0.1 [abc] []'
        $reference.Content | Should -BeExactly $own.Content
    }

    It 'sends a 1 MB body through the server''s flow-control window' {
        $body = 'x' * 1MB
        $own, $reference = Invoke-Both @{ Uri = "$clear/echo"; Method = 'Post'; Body = $body; ContentType = 'text/plain'; IncludeContent = $true }
        $own.Content | Should -BeExactly "POST /echo 127.0.0.1 [] [$(1MB)]"
        $reference.Content | Should -BeExactly $own.Content
    }

    It 'reads a 20 MB body, larger than the stream window it gives, over <Name>' -ForEach @(
        @{ Name = 'TLS'; Base = 'tls' }
        @{ Name = 'clear text'; Base = 'clear' }
    ) {
        $base = if ($Base -eq 'tls') { $tls } else { $clear }
        $own, $reference = Invoke-Both @{ Uri = "$base/big"; SkipCertificateCheck = $true; Count = 3; ThrottleLimit = 3 }
        foreach ($r in @($own) + @($reference)) {
            $r.Success | Should -BeTrue
            $r.BytesReceived | Should -Be $bigBytes
        }
    }

    It 'counts no body for HEAD, follows a redirect, and reports a 404' {
        $head = Invoke-Both @{ Uri = "$clear/big"; Method = 'Head' }
        $head.StatusCode | Should -Be 200, 200
        $head.BytesReceived | Should -Be 0, 0
        $redirected = Invoke-Both @{ Uri = "$clear/redirect"; IncludeContent = $true }
        $redirected.StatusCode | Should -Be 200, 200
        $redirected.Content | Should -Be 'GET /echo 127.0.0.1 [] []', 'GET /echo 127.0.0.1 [] []'
        $missing = Invoke-Both @{ Uri = "$clear/missing" }
        $missing.StatusCode | Should -Be 404, 404
        $missing.Success | Should -Be $false, $false
    }

    It 'goes on on a new connection when nginx ends one with GOAWAY, and nginx processes each request once' {
        $results = Invoke-BoundedRequest -Uri "http://127.0.0.1:$($ports.Limited)/n/{0}" -Count 1000 -ThrottleLimit 20 -HttpVersion 2.0 -TimeoutSec 30
        $results.Count | Should -Be 1000
        @($results | Where-Object { -not $_.Success }).Count | Should -Be 0
        # Streams above the GOAWAY's last one were not processed: they go out again, each send an attempt.
        ($results | Measure-Object Attempts -Sum).Sum | Should -BeGreaterOrEqual 1000
        # nginx writes its log line when a request ends; wait for all of them without a fixed sleep.
        Wait-Until { @(Get-Content "$dir/limited.log" -ErrorAction Ignore).Count -ge 1000 } -TimeoutSec 20
        $logged = @(Get-Content "$dir/limited.log")
        $logged.Count | Should -Be 1000
        @($logged | ForEach-Object { ($_ -split ' ')[1] } | Sort-Object -Unique).Count | Should -Be 1000
    }

    It 'keeps to nginx''s limit of one stream per connection over <Name>: none refused, none failed' -ForEach @(
        @{ Name = 'TLS'; Scheme = 'https'; Port = 'OneStreamTls'; Case = 'tls' }
        @{ Name = 'clear text'; Scheme = 'http'; Port = 'OneStream'; Case = 'clear' }
    ) {
        $results = Invoke-BoundedRequest -Uri "$($Scheme)://127.0.0.1:$($ports[$Port])/$Case/{0}" -Count 200 -ThrottleLimit 8 -HttpVersion 2.0 -TimeoutSec 30 -SkipCertificateCheck 3>$null
        @($results | Where-Object { $_.Success -and $_.BytesReceived -eq 3 }).Count | Should -Be 200
        # Waiting for a stream is not a send: each request went on the wire once, and nginx processed each once.
        ($results | Measure-Object Attempts -Sum).Sum | Should -Be 200
        $mine = { @(Get-Content "$dir/one.log" -ErrorAction Ignore | Where-Object { $_ -like "* /$Case/*" }) }
        Wait-Until { (& $mine).Count -ge 200 } -TimeoutSec 20
        @(& $mine | ForEach-Object { ($_ -split ' ')[1] } | Sort-Object -Unique).Count | Should -Be 200
    }

    It 'opens <Expected> connection(s) for 20 requests at 5 in flight <Name>' -ForEach @(
        @{ Name = 'keeping them alive'; Switch = $false; Expected = 1; Case = 'alive' }
        @{ Name = 'with -DisableKeepAlive'; Switch = $true; Expected = 20; Case = 'single' }
    ) {
        $r = Invoke-BoundedRequest -Uri "$tls/conn/$Case/{0}" -Count 20 -ThrottleLimit 5 -HttpVersion 2.0 -SkipCertificateCheck -DisableKeepAlive:$Switch 3>$null
        @($r | Where-Object Success).Count | Should -Be 20
        # nginx logs "<connection number> <uri>" as each request ends.
        $mine = { @(Get-Content "$dir/conn.log" -ErrorAction Ignore | Where-Object { $_ -like "* /conn/$Case/*" }) }
        Wait-Until { (& $mine).Count -ge 20 } -TimeoutSec 20
        $logged = & $mine
        @($logged | ForEach-Object { ($_ -split '/')[-1] } | Sort-Object { [int]$_ }) | Should -Be @(0..19)
        @($logged | ForEach-Object { ($_ -split ' ')[0] } | Sort-Object -Unique).Count | Should -Be $Expected
    }

    It 'verifies the server certificate unless told not to' {
        $checked = Invoke-Both @{ Uri = "$tls/" }
        $checked.ErrorKind | Should -Be 'Tls', 'Tls'
    }

    It 'fails the TLS handshake when the server does not offer h2 by ALPN' {
        # nginx answers an ALPN list without a protocol it serves with a fatal alert (no_application_protocol).
        $r = Invoke-Both @{ Uri = "https://127.0.0.1:$($ports.Http11Only)/"; SkipCertificateCheck = $true }
        $r.Success | Should -Be $false, $false
        $r.ErrorKind | Should -Be 'Tls', 'Tls'
    }

    It 'connects where -ConnectTo says while the name stays in SNI and :authority' {
        $own, $reference = Invoke-Both @{
            Uri = "https://h2.example.test:$($ports.Tls)/echo"; SkipCertificateCheck = $true; IncludeContent = $true
            ConnectTo = @{ "h2.example.test:$($ports.Tls)" = "127.0.0.1:$($ports.Tls)" }
        }
        $own.Content | Should -BeExactly 'GET /echo h2.example.test [] []'
        $reference.Content | Should -BeExactly $own.Content
    }

    It 'speaks HTTP/2 over -UnixSocket' {
        $own, $reference = Invoke-Both @{ Uri = 'http://localhost/echo'; UnixSocket = $socket; IncludeContent = $true }
        $own.Content | Should -BeExactly 'GET /echo localhost [] []'
        $reference.Content | Should -BeExactly $own.Content
    }

    It 'runs <Count> requests at <Limit> in flight (nginx allows 128 streams on a connection)' -ForEach @(
        @{ Count = 2000; Limit = 64 }
        @{ Count = 500; Limit = 300 }
    ) {
        $summary = Invoke-BoundedRequest -Uri "$tls/item/{0}" -Count $Count -ThrottleLimit $Limit -HttpVersion 2.0 -SkipCertificateCheck -Summary 3>$null
        $summary.Count | Should -Be $Count
        $summary.Succeeded | Should -Be $Count
        $summary.BytesReceived | Should -Be (4 * $Count)
    }
}
