# Where connections go: -ConnectTo, -UnixSocket, -Proxy with -ProxyCredential, -NoProxy. Each option through both
# transports (-Transport Auto: LoadTest's own HTTP/1.1 client for plain http; -Transport HttpClient), with the same
# results and the same requests on the wire. Every server here listens on 127.0.0.1 or on a socket file, and a
# name such as api.example.test is only ever mapped or handed to a loopback proxy: nothing resolves it.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $secretText = 'pr0xy-5ecret-Wq42'
    $proxyCredential = [pscredential]::new('loadtest', (ConvertTo-SecureString $secretText -AsPlainText -Force))
    $basicToken = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("loadtest:$secretText"))
    $basic = "Basic $basicToken"
    $certificate = New-TestCertificate 'api.example.test'

    # The results of one run through each transport, in index order: @{ Auto = ...; HttpClient = ... }.
    function Invoke-BothTransports {
        param([hashtable] $Params)
        $runs = @{}
        foreach ($transport in 'Auto', 'HttpClient') {
            $runs[$transport] = @(Invoke-BoundedRequest @Params -Transport $transport -IncludeContent | Sort-Object Index)
        }
        $runs
    }

    # Both transports gave the same results, request by request.
    function Assert-SameResults {
        param([hashtable] $Runs)
        $Runs.Auto.Count | Should -Be $Runs.HttpClient.Count
        for ($i = 0; $i -lt $Runs.Auto.Count; $i++) {
            $a = $Runs.Auto[$i]
            $b = $Runs.HttpClient[$i]
            foreach ($name in 'Index', 'Uri', 'StatusCode', 'Success', 'ErrorKind', 'Attempts', 'BytesReceived', 'Content') {
                $a.$name | Should -Be $b.$name -Because "$name of request $i"
            }
        }
    }

    # The request lines and one field of the heads a recording server kept, sorted.
    function Get-Line {
        param($Server, [int] $Line = 0)
        @($Server.Heads | ForEach-Object { ($_ -split "`r`n")[$Line] } | Sort-Object)
    }

    function Get-Field {
        param($Server, [string] $Name)
        @($Server.Heads | ForEach-Object { ($_ -split "`r`n") -like "${Name}: *" } | ForEach-Object { $_.Substring($Name.Length + 2) })
    }

    function New-SocketPath {
        Join-Path ([IO.Path]::GetTempPath()) "loadtest-$PID-$([guid]::NewGuid().ToString('N').Substring(0, 8)).sock"
    }
}

Describe '-ConnectTo' {
    BeforeEach {
        $server = Start-RecordingServer
    }

    AfterEach {
        $server.Dispose()
    }

    It 'sends to the mapped node and keeps the URI''s Host, on both transports alike' {
        $runs = Invoke-BothTransports @{ Uri = 'http://api.example.test:8080/item/{0}'; Count = 5; ThrottleLimit = 2; ConnectTo = @{ 'api.example.test:8080' = "127.0.0.1:$($server.Port)" } }
        Assert-SameResults $runs
        foreach ($r in $runs.Auto + $runs.HttpClient) {
            $r.StatusCode | Should -Be 200 -Because $r.Error
            $r.Attempts | Should -Be 1
            $r.Content | Should -BeExactly 'ok'
        }
        Get-Line $server | Should -Be (0..4 + 0..4 | Sort-Object | ForEach-Object { "GET /item/$_ HTTP/1.1" })
        Get-Field $server 'Host' | Should -Be (@('api.example.test:8080') * 10)
    }

    It 'takes strings host:port=host:port, and host names in any case' {
        $runs = Invoke-BothTransports @{ Uri = 'http://api.example.test/a'; Count = 2; ConnectTo = "API.Example.TEST:80=127.0.0.1:$($server.Port)", 'other.example.test:443=[::1]:1' }
        Assert-SameResults $runs
        @($runs.Auto + $runs.HttpClient | Where-Object StatusCode -EQ 200).Count | Should -Be 4
        Get-Field $server 'Host' | Should -Be (@('api.example.test') * 4)
    }

    It 'leaves a host and port it does not name alone' {
        $runs = Invoke-BothTransports @{ Uri = "http://127.0.0.1:$($server.Port)/direct"; Count = 2; ConnectTo = @{ 'api.example.test:80' = '127.0.0.1:1' } }
        Assert-SameResults $runs
        @($runs.Auto + $runs.HttpClient | Where-Object StatusCode -EQ 200).Count | Should -Be 4
        Get-Field $server 'Host' | Should -Be (@("127.0.0.1:$($server.Port)") * 4)
    }

    It 'reports a mapped node that refuses as ConnectionRefused, on both transports alike' {
        $runs = Invoke-BothTransports @{ Uri = 'http://api.example.test/{0}'; Count = 3; ConnectTo = @{ 'api.example.test:80' = "127.0.0.1:$(Get-FreePort)" } }
        Assert-SameResults $runs
        @($runs.Auto.ErrorKind + $runs.HttpClient.ErrorKind | Sort-Object -Unique) | Should -Be @('ConnectionRefused')
    }

    It 'keeps the server name (SNI) and Host of an https URI' {
        $tls = Start-RecordingServer -Certificate $certificate
        try {
            $runs = Invoke-BothTransports @{ Uri = 'https://api.example.test/secure/{0}'; Count = 2; SkipCertificateCheck = $true; ConnectTo = @{ 'api.example.test:443' = "127.0.0.1:$($tls.Port)" } }
            Assert-SameResults $runs
            @($runs.Auto + $runs.HttpClient | Where-Object StatusCode -EQ 200).Count | Should -Be 4
            @($tls.ServerNames | Sort-Object -Unique) | Should -Be @('api.example.test')
            Get-Field $tls 'Host' | Should -Be (@('api.example.test') * 4)
        }
        finally {
            $tls.Dispose()
        }
    }
}

Describe 'Attempts over TLS' {
    It 'counts each https request once, although a TLS handshake runs for the request that asked for its connection' {
        $tls = Start-RecordingServer -Certificate $certificate
        try {
            foreach ($run in 1..4) {
                $r = @(Invoke-BoundedRequest -Uri "https://127.0.0.1:$($tls.Port)/h/{0}" -Count 4 -ThrottleLimit 4 -SkipCertificateCheck -WarningAction SilentlyContinue)
                ($r | Measure-Object Attempts -Sum).Sum | Should -Be 4 -Because "run $run"
            }
            $tls.Heads.Count | Should -Be 16
        }
        finally {
            $tls.Dispose()
        }
    }
}

Describe '-UnixSocket' {
    BeforeEach {
        $path = New-SocketPath
        $server = Start-RecordingServer -UnixSocket $path
    }

    AfterEach {
        $server.Dispose()
    }

    It 'sends every request over the socket, with Host and path from the URI, on both transports alike' {
        $runs = Invoke-BothTransports @{ Uri = 'http://api.example.test/u/{0}?q=1'; Count = 5; ThrottleLimit = 2; UnixSocket = $path }
        Assert-SameResults $runs
        foreach ($r in $runs.Auto + $runs.HttpClient) {
            $r.StatusCode | Should -Be 200 -Because $r.Error
            $r.Attempts | Should -Be 1
        }
        Get-Line $server | Should -Be (0..4 + 0..4 | Sort-Object | ForEach-Object { "GET /u/$_`?q=1 HTTP/1.1" })
        Get-Field $server 'Host' | Should -Be (@('api.example.test') * 10)
    }

    It 'sends a body over the socket' {
        $runs = Invoke-BothTransports @{ Uri = 'http://localhost/post'; Method = 'POST'; Body = 'payload'; ContentType = 'text/plain'; UnixSocket = $path }
        Assert-SameResults $runs
        $runs.Auto[0].StatusCode | Should -Be 200
        Get-Field $server 'Content-Length' | Should -Be @('7', '7')
    }

    It 'takes a path relative to the current location' {
        Push-Location (Split-Path $path)
        try {
            $r = Invoke-BoundedRequest -Uri 'http://localhost/rel' -UnixSocket (Split-Path $path -Leaf)
        }
        finally {
            Pop-Location
        }
        $r.StatusCode | Should -Be 200 -Because $r.Error
    }

    It 'speaks TLS over the socket with the URI''s server name' {
        $tlsPath = New-SocketPath
        $tls = Start-RecordingServer -UnixSocket $tlsPath -Certificate $certificate
        try {
            $runs = Invoke-BothTransports @{ Uri = 'https://api.example.test/s'; UnixSocket = $tlsPath; SkipCertificateCheck = $true }
            Assert-SameResults $runs
            $runs.Auto[0].StatusCode | Should -Be 200 -Because $runs.Auto[0].Error
            @($tls.ServerNames | Sort-Object -Unique) | Should -Be @('api.example.test')
        }
        finally {
            $tls.Dispose()
        }
    }
}

Describe 'Socket loops' {
    # On Linux LoadTest's own clients run their sockets on epoll loops of their own; -SocketEngine DotNet puts
    # them on .NET's socket engine, the path every other platform takes.
    BeforeAll {
        # Runs $Script in a child pwsh whose Invoke-BoundedRequest runs on the socket engine $Engine; returns its
        # output as JSON.
        function Invoke-Child([string] $Engine, [string] $Script) {
            $command = Get-PwshCommand
            $text = & $command[0] @($command | Select-Object -Skip 1) -NoProfile -NonInteractive -Command "Import-Module '$ModuleManifest'; `$PSDefaultParameterValues['Invoke-BoundedRequest:SocketEngine'] = '$Engine'; $Script | ConvertTo-Json -Depth 3 -Compress"
            $LASTEXITCODE | Should -Be 0 -Because ($text -join "`n")
            $text | ConvertFrom-Json
        }
    }

    BeforeEach {
        Skip-UnlessPlatform -Supported $IsLinux -Because 'not Linux: the loops are epoll''s, and threads are counted in /proc'
    }

    It 'runs http, https and a Unix socket on the loops, and on .NET''s socket engine with -SocketEngine DotNet, alike' {
        $plain = Start-RecordingServer
        $secure = Start-RecordingServer -Certificate $certificate
        $path = New-SocketPath
        $unix = Start-RecordingServer -UnixSocket $path
        try {
            $script = "`$r = @(Invoke-BoundedRequest -Uri 'http://127.0.0.1:$($plain.Port)/p/{0}' -Count 20 -ThrottleLimit 4) + " +
                "@(Invoke-BoundedRequest -Uri 'https://127.0.0.1:$($secure.Port)/s/{0}' -Count 20 -ThrottleLimit 4 -SkipCertificateCheck 3>`$null) + " +
                "@(Invoke-BoundedRequest -Uri 'http://localhost/u/{0}' -Count 20 -ThrottleLimit 4 -UnixSocket '$path'); " +
                "[pscustomobject]@{ Ok = @(`$r | Where-Object StatusCode -eq 200).Count; Attempts = (`$r | Measure-Object Attempts -Sum).Sum; " +
                "Loops = @(Get-ChildItem /proc/`$PID/task | Where-Object { (Get-Content (Join-Path `$_.FullName comm)) -eq 'LoadTest socket' }).Count }"
            $onLoops = Invoke-Child 'Loop' $script
            $onDotNet = Invoke-Child 'DotNet' $script
            $onLoops.Ok | Should -Be 60
            $onDotNet.Ok | Should -Be 60
            $onLoops.Attempts | Should -Be 60
            $onDotNet.Attempts | Should -Be 60
            $onLoops.Loops | Should -BeGreaterThan 0
            $onDotNet.Loops | Should -Be 0
            # Each server saw every request once: 20 from each child.
            foreach ($server in $plain, $secure, $unix) { $server.Heads.Count | Should -Be 40 }
        }
        finally {
            $plain.Dispose(); $secure.Dispose(); $unix.Dispose()
        }
    }

    It 'names the socket engine in -Verbose: <Expected>' -ForEach @(
        @{ Parameters = @{}; Expected = 'socket engine Loop (1 epoll loop)' }
        @{ Parameters = @{ SocketEngine = 'Loop' }; Expected = 'socket engine Loop (1 epoll loop)' }
        @{ Parameters = @{ SocketEngine = 'DotNet' }; Expected = 'socket engine DotNet' }
        @{ Parameters = @{ SocketEngine = 'Loop'; Transport = 'HttpClient' }; Expected = 'socket engine DotNet (HttpClient)' }
    ) {
        $server = Start-RecordingServer
        try {
            $verbose = @(Invoke-BoundedRequest -Uri "http://127.0.0.1:$($server.Port)/v" @Parameters -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            $starting = @($verbose | Where-Object Message -Like 'Starting *')
            $starting.Count | Should -Be 1
            $loops = [Math]::Max(1, [Math]::Floor([Environment]::ProcessorCount / 2))
            $starting[0].Message | Should -BeLike "*, $($Expected -replace '\(1 epoll loop\)', "($loops epoll loop$(if ($loops -gt 1) { 's' }))"), output *"
        }
        finally {
            $server.Dispose()
        }
    }

    It 'sends a body larger than the socket buffers to a server that reads late, whole, on both transports' {
        # The server waits before it reads, so the send fills the socket's buffers and must wait for the loop.
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $job = Start-ThreadJob -ArgumentList $listener -ScriptBlock {
            param($Listener)
            foreach ($round in 1..2) {
                $client = $Listener.AcceptTcpClient()
                $stream = $client.GetStream()
                $stream.ReadTimeout = 60000
                Start-Sleep -Milliseconds 500
                $buffer = [byte[]]::new(65536)
                $head = ''
                while (-not $head.Contains("`r`n`r`n")) { $n = $stream.Read($buffer, 0, 1); $head += [char]$buffer[0] }
                $length = [long]([regex]::Match($head, '(?i)content-length: *(\d+)').Groups[1].Value)
                $hash = [System.Security.Cryptography.IncrementalHash]::CreateHash('SHA256')
                $left = $length
                while ($left -gt 0) {
                    $n = $stream.Read($buffer, 0, [math]::Min($buffer.Length, $left))
                    if ($n -le 0) { break }
                    $hash.AppendData($buffer, 0, $n)
                    $left -= $n
                }
                $text = "$($length - $left) $([Convert]::ToHexString($hash.GetHashAndReset()))"
                $answer = [Text.Encoding]::ASCII.GetBytes("HTTP/1.1 200 OK`r`nContent-Length: $($text.Length)`r`nConnection: close`r`n`r`n$text")
                $stream.Write($answer, 0, $answer.Length)
                $client.Close()
            }
        }
        try {
            $body = [byte[]]::new(16MB)
            [System.Random]::new(7).NextBytes($body)
            $expected = "$($body.Length) $([Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData($body)))"
            foreach ($transport in 'Auto', 'HttpClient') {
                $r = Invoke-BoundedRequest -Uri "http://127.0.0.1:$($listener.LocalEndpoint.Port)/upload" -Method Post -Body $body -Transport $transport -IncludeContent -TimeoutSec 60
                $r.StatusCode | Should -Be 200 -Because $r.Error
                $r.Content | Should -Be $expected -Because $transport
            }
        }
        finally {
            $listener.Stop()
            $job | Wait-Job -Timeout 30 | Remove-Job -Force
        }
    }

    It 'waits for a Unix socket server whose backlog is full, and times out, rather than sending on a connection never made' {
        # The server listens with a backlog of 1 and accepts nothing: a connect beyond the backlog would block.
        $path = New-SocketPath
        $listener = [System.Net.Sockets.Socket]::new([System.Net.Sockets.AddressFamily]::Unix, [System.Net.Sockets.SocketType]::Stream, [System.Net.Sockets.ProtocolType]::Unspecified)
        try {
            $listener.Bind([System.Net.Sockets.UnixDomainSocketEndPoint]::new($path))
            $listener.Listen(1)
            $results = @(Invoke-BoundedRequest -Uri 'http://localhost/b/{0}' -UnixSocket $path -Count 6 -ThrottleLimit 6 -TimeoutSec 2)
            $results.Count | Should -Be 6
            $kinds = ($results | Group-Object ErrorKind -NoElement | ForEach-Object { "$($_.Name): $($_.Count)" }) -join '; '
            @($results | Where-Object ErrorKind -EQ 'Timeout').Count | Should -Be 6 -Because $kinds
        }
        finally {
            $listener.Dispose()
            Remove-Item $path -ErrorAction Ignore
        }
    }

    It 'closes every socket it opened: the client holds no more descriptors after 2,000 connections than before' {
        # The client runs in a child process, so that the server's own sockets are not counted with its.
        $server = Start-RecordingServer
        try {
            $script = "`$null = Invoke-BoundedRequest -Uri 'http://127.0.0.1:$($server.Port)/warm'; `$before = @(Get-ChildItem /proc/`$PID/fd).Count; " +
                "`$s = Invoke-BoundedRequest -Uri 'http://127.0.0.1:$($server.Port)/c/{0}' -Count 2000 -ThrottleLimit 50 -DisableKeepAlive -Summary; " +
                "[pscustomobject]@{ Ok = `$s.Succeeded; Before = `$before; After = @(Get-ChildItem /proc/`$PID/fd).Count }"
            $run = Invoke-Child 'Loop' $script
            $run.Ok | Should -Be 2000
            # A socket left open per connection would be 2,000 more; the runtime opens a few of its own meanwhile.
            $run.After | Should -BeLessOrEqual ($run.Before + 50)
        }
        finally {
            $server.Dispose()
        }
    }

    It 'stops its loop threads when the module is removed: Remove-Module and Import-Module 50 times leave no thread or descriptor' {
        $script = {
            $module = (Get-Module LoadTest).Path
            function Get-LoopCount { @(Get-ChildItem /proc/$PID/task | Where-Object { (Get-Content (Join-Path $_.FullName comm)) -eq 'LoadTest socket' }).Count }
            function Get-DescriptorCount { @(Get-ChildItem /proc/$PID/fd).Count }
            $server = Start-TestServer
            $null = Invoke-BoundedRequest -Uri "$($server.Uri)item/{0}" -Count 10 -ThrottleLimit 2
            $while = Get-LoopCount
            $server | Stop-TestServer
            Remove-Module LoadTest
            $before = Get-DescriptorCount
            $ok = 0
            foreach ($i in 1..50) {
                Import-Module $module
                $server = Start-TestServer
                $ok += @(Invoke-BoundedRequest -Uri "$($server.Uri)item/{0}" -Count 10 -ThrottleLimit 2 -SocketEngine Loop | Where-Object Success).Count
                $server | Stop-TestServer
                Remove-Module LoadTest
            }
            [pscustomobject]@{ While = $while; Ok = $ok; Loops = Get-LoopCount; Before = $before; After = Get-DescriptorCount }
        }
        $run = Invoke-Child 'Loop' "& { $script }"
        $run.While | Should -BeGreaterThan 0
        $run.Ok | Should -Be 500
        $run.Loops | Should -Be 0
        # Each import's loop held a thread, an epoll and an eventfd: 100 descriptors if they stayed. The runtime may open a few of its own.
        $run.After | Should -BeLessOrEqual ($run.Before + 5)
    }

    It 'fails the connections of a loop that fails, with the reason, and goes on on .NET''s sockets without taking pwsh down' {
        $script = {
            function Get-LoopCount { @(Get-ChildItem /proc/$PID/task | Where-Object { (Get-Content (Join-Path $_.FullName comm)) -eq 'LoadTest socket' }).Count }
            $server = Start-TestServer
            $null = Invoke-BoundedRequest -Uri "$($server.Uri)item/{0}" -Count 2
            # Four POSTs (never sent twice by themselves) wait on the loops for an answer 30 s away.
            $background = [PowerShell]::Create()
            $null = $background.AddCommand('Import-Module').AddArgument((Get-Module LoadTest).Path).AddStatement().AddCommand('Invoke-BoundedRequest').AddParameters(@{
                    Uri = "$($server.Uri)delay/30000"; Method = 'Post'; Body = 'x'; Count = 4; ThrottleLimit = 4; TimeoutSec = 60; SocketEngine = 'Loop' })
            $pending = $background.BeginInvoke()
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            while ($server.ActiveRequests -lt 4 -and $clock.Elapsed.TotalSeconds -lt 30) { Start-Sleep -Milliseconds 20 }
            # What an epoll_wait that cannot go on does: the loop fails (here by its own method, called through reflection).
            $type = [AppDomain]::CurrentDomain.GetAssemblies().Where({ $_.GetName().Name -eq 'LoadTest' })[0].GetType('LoadTest.Wire.Connections.SocketLoop', $true)
            foreach ($loop in $type.GetField('s_loops', 'NonPublic,Static').GetValue($null)) {
                $null = $type.GetMethod('Fail', [System.Reflection.BindingFlags]'NonPublic,Instance').Invoke($loop, @('a test broke it'))
            }
            $broken = @($background.EndInvoke($pending))
            $stoppedLoops = Get-LoopCount
            $after = @(Invoke-BoundedRequest -Uri "$($server.Uri)item/{0}" -Count 10 -ThrottleLimit 2 -Verbose 4>&1)
            $server | Stop-TestServer
            [pscustomobject]@{
                Broken = $broken.Count; BrokenKinds = @($broken | ForEach-Object ErrorKind | Sort-Object -Unique); BrokenErrors = @($broken | ForEach-Object Error | Sort-Object -Unique)
                Waited = $clock.Elapsed.TotalSeconds; Loops = $stoppedLoops
                Ok = @($after | Where-Object { $_ -is [LoadTest.RequestResult] -and $_.Success }).Count
                Verbose = @($after | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message | Where-Object { $_ -like 'Starting *' })
            }
        }
        $run = Invoke-Child 'Auto' "& { $script }"
        $run.Broken | Should -Be 4
        $run.BrokenKinds | Should -Be 'ConnectionClosed'
        $run.BrokenErrors | Should -Be "LoadTest's socket loop failed (a test broke it); its connections are closed, and new connections use .NET's sockets."
        $run.Waited | Should -BeLessThan 30 -Because 'the four requests failed when the loop did, not after their answer or timeout'
        $run.Loops | Should -Be 0
        $run.Ok | Should -Be 10
        $run.Verbose | Should -BeLike "*, socket engine DotNet (LoadTest's socket loop failed (a test broke it);*"
    }

    It 'keeps serving other connections while a TLS handshake''s certificate check waits on a download' {
        # The server's certificate lacks its issuer, which the chain build then downloads from the address in
        # the certificate (AIA): a listener that takes the connection and never answers (.NET waits 15 s).
        # With one loop, a check on the loop's thread would hold up every other connection until then.
        $script = {
            # The download must come to the listener, not go through a proxy the environment names.
            Remove-Item Env:HTTP_PROXY, Env:http_proxy, Env:ALL_PROXY, Env:all_proxy -ErrorAction Ignore
            $hang = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
            $hang.Start()
            $download = $hang.AcceptTcpClientAsync()
            function New-Key { [System.Security.Cryptography.RSA]::Create(2048) }
            function New-Request([string] $Name, $Key) { [System.Security.Cryptography.X509Certificates.CertificateRequest]::new($Name, $Key, 'SHA256', [System.Security.Cryptography.RSASignaturePadding]::Pkcs1) }
            $now = [DateTimeOffset]::UtcNow
            $rootKey = New-Key; $rootRequest = New-Request 'CN=LoadTest test root' $rootKey
            $rootRequest.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
            $root = $rootRequest.CreateSelfSigned($now.AddDays(-1), $now.AddDays(30))
            $issuerKey = New-Key; $issuerRequest = New-Request 'CN=LoadTest test issuer' $issuerKey
            $issuerRequest.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
            $issuer = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::CopyWithPrivateKey($issuerRequest.Create($root, $now.AddDays(-1), $now.AddDays(29), [byte[]](1, 2, 3, 4)), $issuerKey)
            $leafKey = New-Key; $leafRequest = New-Request 'CN=127.0.0.1' $leafKey
            $leafRequest.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509AuthorityInformationAccessExtension]::new($null, [string[]]@("http://127.0.0.1:$($hang.LocalEndpoint.Port)/issuer.cer"), $false))
            $leaf = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::CopyWithPrivateKey($leafRequest.Create($issuer, $now.AddDays(-1), $now.AddDays(28), [byte[]](5, 6, 7, 8)), $leafKey)
            $leaf = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($leaf.Export('Pfx'), [string]$null, 'Exportable')

            # One TLS handshake, served in a runspace of its own.
            $tls = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
            $tls.Start()
            $server = [PowerShell]::Create().AddScript({
                    param($Listener, $Certificate)
                    $client = $Listener.AcceptTcpClient()
                    $stream = [System.Net.Security.SslStream]::new($client.GetStream())
                    # Offline: the server itself must not go looking for the issuer it does not have.
                    $options = [System.Net.Security.SslServerAuthenticationOptions]@{
                        ServerCertificateContext = [System.Net.Security.SslStreamCertificateContext]::Create($Certificate, $null, $true)
                    }
                    try { $stream.AuthenticateAsServerAsync($options, [Threading.CancellationToken]::None).Wait() } catch { }
                }).AddArgument($tls).AddArgument($leaf)
            $served = $server.BeginInvoke()

            $background = [PowerShell]::Create()
            $null = $background.AddCommand('Import-Module').AddArgument((Get-Module LoadTest).Path).AddStatement().
                AddCommand('Invoke-BoundedRequest').AddParameter('Uri', "https://127.0.0.1:$($tls.LocalEndpoint.Port)/").AddParameter('TimeoutSec', 120)
            $pending = $background.BeginInvoke()
            if (-not $download.Wait(60000)) { throw 'The certificate check never asked for its download.' }

            $plain = Start-TestServer
            $others = Invoke-BoundedRequest -Uri "$($plain.Uri)item/{0}" -Count 200 -ThrottleLimit 4 -TimeoutSec 120 -Summary
            $stillChecking = -not $pending.IsCompleted
            $download.Result.Dispose()
            $hang.Stop()
            $answer = $background.EndInvoke($pending)
            $plain | Stop-TestServer
            $null = $served.AsyncWaitHandle.WaitOne(10000)
            [pscustomobject]@{ Others = $others.Succeeded; StillChecking = $stillChecking; Answer = "$($answer.ErrorKind)" }
        }
        $run = Invoke-Child 'Loop' "& { $script }"
        $run.Others | Should -Be 200
        $run.StillChecking | Should -BeTrue -Because 'the 200 other requests finish while the download still waits'
        $run.Answer | Should -Be 'Tls'
    }
}

Describe '-Proxy' {
    BeforeEach {
        $proxy = Start-RecordingServer -ProxyAuthorization $basic
        $proxyUri = "http://127.0.0.1:$($proxy.Port)/"
    }

    AfterEach {
        $proxy.Dispose()
    }

    It 'sends plain http to the proxy in absolute form, Proxy-Authorization up front: one request on the wire each' {
        $runs = Invoke-BothTransports @{ Uri = 'http://api.example.test/p/{0}'; Count = 5; ThrottleLimit = 2; Proxy = $proxyUri; ProxyCredential = $proxyCredential }
        Assert-SameResults $runs
        foreach ($r in $runs.Auto + $runs.HttpClient) {
            $r.StatusCode | Should -Be 200 -Because $r.Error
            $r.Attempts | Should -Be 1
        }
        Get-Line $proxy | Should -Be (0..4 + 0..4 | Sort-Object | ForEach-Object { "GET http://api.example.test/p/$_ HTTP/1.1" })
        Get-Field $proxy 'Proxy-Authorization' | Should -Be (@($basic) * 10)
        Get-Field $proxy 'Host' | Should -Be (@('api.example.test') * 10)
    }

    It 'reports the proxy''s 407 as the answer when no -ProxyCredential is given' {
        $runs = Invoke-BothTransports @{ Uri = 'http://api.example.test/p/{0}'; Count = 3; Proxy = $proxyUri }
        Assert-SameResults $runs
        foreach ($r in $runs.Auto + $runs.HttpClient) {
            $r.StatusCode | Should -Be 407
            $r.ErrorKind | Should -Be 'HttpError'
            $r.Attempts | Should -Be 1
        }
        $proxy.Heads.Count | Should -Be 6
        Get-Field $proxy 'Proxy-Authorization' | Should -BeNullOrEmpty
    }

    It 'gives the proxy''s 407 as the answer to refused credentials, each request on the wire once' {
        $wrong = [pscredential]::new('loadtest', (ConvertTo-SecureString 'not-the-password' -AsPlainText -Force))
        $runs = Invoke-BothTransports @{ Uri = 'http://api.example.test/w/{0}'; Count = 3; ThrottleLimit = 1; Proxy = $proxyUri; ProxyCredential = $wrong }
        Assert-SameResults $runs
        foreach ($r in $runs.Auto + $runs.HttpClient) {
            $r.StatusCode | Should -Be 407
            $r.Attempts | Should -Be 1
        }
        $proxy.Heads.Count | Should -Be 6
    }

    It 'opens a CONNECT tunnel for https, answering the proxy''s challenge with -ProxyCredential' {
        $runs = Invoke-BothTransports @{ Uri = 'https://api.example.test/t'; Proxy = $proxyUri; ProxyCredential = $proxyCredential; TimeoutSec = 20 }
        Assert-SameResults $runs
        $runs.Auto[0].StatusCode | Should -Be 0
        $runs.Auto[0].Success | Should -BeFalse
        $runs.Auto[0].Error | Should -Match '403'
        Get-Line $proxy | Should -Be (@('CONNECT api.example.test:443 HTTP/1.1') * 4)
        Get-Field $proxy 'Proxy-Authorization' | Should -Be (@($basic) * 2)
    }

    It 'sends through a proxy on a Unix socket with -UnixSocket' {
        $path = New-SocketPath
        $socketProxy = Start-RecordingServer -UnixSocket $path
        try {
            $runs = Invoke-BothTransports @{ Uri = 'http://api.example.test/via-socket'; Proxy = 'http://proxy.example.test:3128/'; UnixSocket = $path }
            Assert-SameResults $runs
            $runs.Auto[0].StatusCode | Should -Be 200 -Because $runs.Auto[0].Error
            Get-Line $socketProxy | Should -Be (@('GET http://api.example.test/via-socket HTTP/1.1') * 2)
        }
        finally {
            $socketProxy.Dispose()
        }
    }

    It 'goes direct with -NoProxy although HTTP_PROXY names a proxy, and through HTTP_PROXY without it' {
        $target = Start-RecordingServer
        try {
            $pwsh = Get-PwshCommand
            $script = "Import-Module '$ModuleManifest'; foreach (`$t in 'Auto', 'HttpClient') { " +
                "(Invoke-BoundedRequest -Uri ('http://127.0.0.1:$($target.Port)/env/' + `$t) -Transport `$t).StatusCode; " +
                "(Invoke-BoundedRequest -Uri ('http://127.0.0.1:$($target.Port)/direct/' + `$t) -Transport `$t -NoProxy).StatusCode }"
            $saved = $env:HTTP_PROXY, $env:NO_PROXY
            $env:HTTP_PROXY = "http://127.0.0.1:$($proxy.Port)"
            $env:NO_PROXY = $null
            try {
                $codes = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $script
            }
            finally {
                $env:HTTP_PROXY, $env:NO_PROXY = $saved
            }
            $codes | Should -Be @('407', '200', '407', '200')
            Get-Line $proxy | Should -Be @("GET http://127.0.0.1:$($target.Port)/env/Auto HTTP/1.1", "GET http://127.0.0.1:$($target.Port)/env/HttpClient HTTP/1.1")
            Get-Line $target | Should -Be @('GET /direct/Auto HTTP/1.1', 'GET /direct/HttpClient HTTP/1.1')
        }
        finally {
            $target.Dispose()
        }
    }

    It 'never shows the proxy password in results, verbose text, errors or progress' {
        $ps = New-ModulePowerShell
        try {
            $script = {
                param($Proxy, $Credential, $Closed)
                'http://api.example.test/a', 'https://api.example.test/b', '/relative' |
                    Invoke-BoundedRequest -Proxy $Proxy -ProxyCredential $Credential -IncludeHeaders -IncludeContent -Verbose -Summary -Output All -ErrorAction Continue *>&1 |
                    Out-String -Width 1000
                Invoke-BoundedRequest -Uri 'http://api.example.test/c' -Proxy $Closed -ProxyCredential $Credential | ConvertTo-Json -Depth 5
                try { Invoke-BoundedRequest -Uri 'http://x/' -Proxy $Proxy -ProxyCredential $Credential -NoProxy } catch { $_ | Format-List * -Force | Out-String -Width 1000 }
            }
            $null = $ps.AddScript($script).AddArgument($proxyUri).AddArgument($proxyCredential).AddArgument("http://127.0.0.1:$(Get-FreePort)/")
            $text = ($ps.Invoke() | Out-String -Width 1000)
            $text | Should -Match ([regex]::Escape("through $proxyUri"))
            $text | Should -Match 'ConnectionRefused'
            $text | Should -Match 'ProxyConflict'
            $proxy.Heads.Count | Should -BeGreaterThan 0
            @($ps.Streams.Progress).Count | Should -BeGreaterThan 0
            $streams = $text + ($ps.Streams.Progress | ForEach-Object { $_.Activity, $_.StatusDescription, $_.CurrentOperation } | Out-String) + ($ps.Streams.Error | Out-String -Width 1000)
            $streams | Should -Not -Match $secretText
            $streams | Should -Not -Match ([regex]::Escape($basicToken))
        }
        finally {
            $ps.Dispose()
        }
    }
}

Describe 'Setup errors' {
    It 'refuses a socket file that does not exist (UnixSocketNotFound), before any request' {
        $missing = New-SocketPath
        { Invoke-BoundedRequest -Uri 'http://localhost/' -UnixSocket $missing } |
            Should -Throw -ErrorId 'UnixSocketNotFound,LoadTest.Commands.InvokeBoundedRequestCommand' -ExpectedMessage "*'$missing' does not exist*"
    }

    It 'refuses a directory as -UnixSocket (UnixSocketNotFound)' {
        { Invoke-BoundedRequest -Uri 'http://localhost/' -UnixSocket ([IO.Path]::GetTempPath()) } |
            Should -Throw -ErrorId 'UnixSocketNotFound,LoadTest.Commands.InvokeBoundedRequestCommand'
    }

    It 'refuses the -ConnectTo mapping <Mapping> (InvalidConnectTo)' -TestCases @(
        @{ Mapping = 'a.test:80=b.test'; Message = "*'b.test' (where 'a.test:80' goes) is not a host and port*" }
        @{ Mapping = 'a.test=b.test:80'; Message = "*'a.test' is not a host and port*" }
        @{ Mapping = 'a.test:0=b.test:80'; Message = "*'a.test:0' is not*" }
        @{ Mapping = 'a.test:80=b.test:65536'; Message = "*'b.test:65536'*" }
        @{ Mapping = '::1:80=b.test:80'; Message = "*'::1:80' is not*" }
        @{ Mapping = 'user@a.test:80=b.test:80'; Message = "*'user@a.test:80' is not*" }
        @{ Mapping = 'a.test:80'; Message = "*'a.test:80' is not 'host:port=host:port'*" }
        @{ Mapping = 'a.test:80=b.test:80=c.test:80'; Message = "*is not 'host:port=host:port'*" }
    ) {
        { Invoke-BoundedRequest -Uri 'http://localhost/' -ConnectTo $Mapping } |
            Should -Throw -ErrorId 'InvalidConnectTo,LoadTest.Commands.InvokeBoundedRequestCommand' -ExpectedMessage $Message
    }

    It 'refuses a hashtable entry that is not host:port, and one host mapped to two nodes (InvalidConnectTo)' {
        { Invoke-BoundedRequest -Uri 'http://localhost/' -ConnectTo @{ 'a.test:80' = 80 } } |
            Should -Throw -ErrorId 'InvalidConnectTo,LoadTest.Commands.InvokeBoundedRequestCommand'
        { Invoke-BoundedRequest -Uri 'http://localhost/' -ConnectTo @{ 'a.test:80' = '127.0.0.1:1' }, 'A.test:80=127.0.0.1:2' } |
            Should -Throw -ErrorId 'InvalidConnectTo,LoadTest.Commands.InvokeBoundedRequestCommand' -ExpectedMessage '*mapped twice*'
    }

    It 'refuses -ConnectTo with -UnixSocket (InvalidConnectTo)' {
        $path = New-SocketPath
        $server = Start-RecordingServer -UnixSocket $path
        try {
            { Invoke-BoundedRequest -Uri 'http://localhost/' -UnixSocket $path -ConnectTo 'localhost:80=127.0.0.1:1' } |
                Should -Throw -ErrorId 'InvalidConnectTo,LoadTest.Commands.InvokeBoundedRequestCommand'
            $server.Heads.Count | Should -Be 0
        }
        finally {
            $server.Dispose()
        }
    }

    It 'refuses -Proxy <Proxy> (InvalidProxy)' -TestCases @(
        @{ Proxy = 'ftp://127.0.0.1:21/' }
        @{ Proxy = '127.0.0.1:3128' }
    ) {
        { Invoke-BoundedRequest -Uri 'http://localhost/' -Proxy $Proxy } |
            Should -Throw -ErrorId 'InvalidProxy,LoadTest.Commands.InvokeBoundedRequestCommand'
    }

    It 'refuses a password inside -Proxy without showing it (InvalidProxy)' {
        $err = $null
        try { Invoke-BoundedRequest -Uri 'http://localhost/' -Proxy "http://user:$secretText@127.0.0.1:1/" } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'InvalidProxy,LoadTest.Commands.InvokeBoundedRequestCommand'
        ($err | Format-List * -Force | Out-String -Width 1000) + "$($err.TargetObject)" | Should -Not -Match $secretText
    }

    It 'refuses -Proxy with -NoProxy (ProxyConflict) and -ProxyCredential without -Proxy (ProxyCredentialWithoutProxy)' {
        { Invoke-BoundedRequest -Uri 'http://localhost/' -Proxy 'http://127.0.0.1:1/' -NoProxy } |
            Should -Throw -ErrorId 'ProxyConflict,LoadTest.Commands.InvokeBoundedRequestCommand'
        { Invoke-BoundedRequest -Uri 'http://localhost/' -ProxyCredential $proxyCredential } |
            Should -Throw -ErrorId 'ProxyCredentialWithoutProxy,LoadTest.Commands.InvokeBoundedRequestCommand'
    }
}
