BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
}

Describe 'Start-TestServer' {
    BeforeAll {
        $server = Start-TestServer
    }

    AfterAll {
        $server | Stop-TestServer
    }

    It 'returns a running handle on 127.0.0.1 with a free port' {
        $server | Should -BeOfType 'LoadTest.TestServer'
        $server.IsRunning | Should -BeTrue
        $server.Port | Should -BeGreaterThan 0
        $server.Uri.ToString() | Should -BeExactly "http://127.0.0.1:$($server.Port)/"
        $server.Uri.Host | Should -Be '127.0.0.1'
        $server.RequestCount | Should -Be 0
        $server.ActiveRequests | Should -Be 0
        $server.PeakConcurrency | Should -Be 0
        $server.StartTime | Should -BeLessOrEqual (Get-Date)
    }

    It 'answers any other path with 200 Hello, World!' {
        $response = Invoke-WebRequest -Uri "$($server.Uri)any/path?x=1" -NoProxy
        $response.StatusCode | Should -Be 200
        $response.Content | Should -BeExactly 'Hello, World!'
        $response.Headers['Content-Type'] | Should -BeLike 'text/plain*'
    }

    It 'answers /status/<Code> with that status' -TestCases @(@{ Code = 201 }, @{ Code = 404 }, @{ Code = 500 }, @{ Code = 503 }) {
        $r = Invoke-BoundedRequest -Uri "$($server.Uri)status/$Code"
        $r.StatusCode | Should -Be $Code
    }

    It 'waits the given time on /delay/{ms}' {
        $r = Invoke-BoundedRequest -Uri "$($server.Uri)delay/300"
        $r.StatusCode | Should -Be 200
        $r.ElapsedMs | Should -BeGreaterOrEqual 299
    }

    It 'counts answered requests' {
        $before = $server.RequestCount
        $null = Invoke-BoundedRequest -Uri "$($server.Uri)count/{0}" -Count 50
        $server.RequestCount - $before | Should -Be 50
        $server.ActiveRequests | Should -Be 0
    }

    It 'reads and ignores a request body' {
        $r = Invoke-BoundedRequest -Uri "$($server.Uri)post/{0}" -Count 20 -Method POST -Body ('x' * 100000)
        @($r | Where-Object StatusCode -EQ 200).Count | Should -Be 20
    }
}

Describe 'Start-TestServer delays' {
    It 'delays the default route uniformly between MinDelayMs and MaxDelayMs' {
        $delayed = Start-TestServer -MinDelayMs 100 -MaxDelayMs 300
        try {
            $delayed.MinDelayMs | Should -Be 100
            $delayed.MaxDelayMs | Should -Be 300
            $results = Invoke-BoundedRequest -Uri "$($delayed.Uri){0}" -Count 40 -ThrottleLimit 40
            $results.Count | Should -Be 40
            ($results | Measure-Object ElapsedMs -Minimum).Minimum | Should -BeGreaterOrEqual 99
            # 40 draws from 100-300 ms: all of them in 100-200 ms has probability 2^-40.
            @($results | Where-Object ElapsedMs -GT 200).Count | Should -BeGreaterThan 0
        }
        finally {
            $delayed | Stop-TestServer
        }
    }

    It 'uses MinDelayMs as a fixed delay when MaxDelayMs is not given' {
        $fixed = Start-TestServer -MinDelayMs 150
        try {
            $fixed.MaxDelayMs | Should -Be 150
            (Invoke-BoundedRequest -Uri $fixed.Uri).ElapsedMs | Should -BeGreaterOrEqual 149
        }
        finally {
            $fixed | Stop-TestServer
        }
    }

    It 'holds 1000 concurrent delayed requests' {
        $held = Start-TestServer -MinDelayMs 600000
        $ps = New-ModulePowerShell
        try {
            $null = $ps.AddCommand('Invoke-BoundedRequest').AddParameter('Uri', "$($held.Uri){0}").
                AddParameter('Count', 1000).AddParameter('ThrottleLimit', 1000)
            $async = $ps.BeginInvoke()
            Wait-Until { $held.ActiveRequests -eq 1000 } -TimeoutSec 60
            $held.PeakConcurrency | Should -Be 1000
            $held | Stop-TestServer
            $results = $ps.EndInvoke($async)
            $results.Count | Should -Be 1000
            @($results | Where-Object StatusCode -EQ 503).Count | Should -Be 1000
        }
        finally {
            $ps.Dispose()
            $held | Stop-TestServer
        }
    }

    It 'rejects MaxDelayMs below MinDelayMs with InvalidDelayRange' {
        { Start-TestServer -MinDelayMs 200 -MaxDelayMs 100 } |
            Should -Throw -ErrorId 'InvalidDelayRange,LoadTest.Commands.StartTestServerCommand'
    }
}

Describe 'Start-TestServer ports' {
    It 'runs two servers side by side on different ports' {
        $a = Start-TestServer
        $b = Start-TestServer
        try {
            $a.Port | Should -Not -Be $b.Port
            $a.Id | Should -Not -Be $b.Id
            $null = Invoke-BoundedRequest -Uri "$($a.Uri){0}" -Count 3
            $null = Invoke-BoundedRequest -Uri "$($b.Uri){0}" -Count 5
            $a.RequestCount | Should -Be 3
            $b.RequestCount | Should -Be 5
        }
        finally {
            $a, $b | Stop-TestServer
        }
    }

    It 'starts on a given free port' {
        $port = Get-FreePort
        $s = Start-TestServer -Port $port
        try {
            $s.Port | Should -Be $port
            (Invoke-BoundedRequest -Uri $s.Uri).StatusCode | Should -Be 200
        }
        finally {
            $s | Stop-TestServer
        }
    }

    It 'fails with PortInUse when a test server has the port' {
        $first = Start-TestServer
        try {
            { Start-TestServer -Port $first.Port } |
                Should -Throw -ErrorId 'PortInUse,LoadTest.Commands.StartTestServerCommand'
        }
        finally {
            $first | Stop-TestServer
        }
    }

    It 'fails with PortInUse when another socket has the port' {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        try {
            $err = $null
            try { Start-TestServer -Port $listener.LocalEndpoint.Port } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Be 'PortInUse,LoadTest.Commands.StartTestServerCommand'
            $err.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
            $err.Exception.Message | Should -BeLike "*$($listener.LocalEndpoint.Port)*in use*"
        }
        finally {
            $listener.Stop()
        }
    }
}

Describe 'Start-TestServer accept failures' {
    It 'counts a failed accept, retries it after a growing pause, and serves again' {
        # Running out of descriptors does not make GetContextAsync fail on this runtime (HttpListener retries
        # its own accept), so the test makes the accept fail another way: it stops the handle's HttpListener
        # underneath it, then starts it again. Reached by reflection because no user can do this.
        $s = Start-TestServer
        try {
            $listener = $s.GetType().GetField('_listener', [System.Reflection.BindingFlags]'NonPublic, Instance').GetValue($s)
            $s.AcceptErrorCount | Should -Be 0
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $listener.Stop()
            # Each loop waits 10, 20, 40, 80 ms... between failures: 24 failures of its 4 loops take about
            # 300 ms; loops that spun without a pause would get there in microseconds.
            Wait-Until { $s.AcceptErrorCount -ge 24 } -TimeoutSec 30
            $clock.ElapsedMilliseconds | Should -BeGreaterOrEqual 200
            $s.IsRunning | Should -BeTrue

            $listener.Start()
            $r = Invoke-BoundedRequest -Uri "$($s.Uri)again" -Count 20 -ThrottleLimit 20 -TimeoutSec 30
            @($r | Where-Object StatusCode -EQ 200).Count | Should -Be 20
        }
        finally {
            $stopClock = [System.Diagnostics.Stopwatch]::StartNew()
            $s | Stop-TestServer
            $stopClock.Elapsed.TotalSeconds | Should -BeLessThan 5
        }
        $s.IsRunning | Should -BeFalse
    }

    It 'keeps serving after the process ran out of file descriptors, and still stops' {
        if (-not ($IsLinux -or $IsMacOS)) {
            Set-ItResult -Skipped -Because 'Platform: the test lowers the open-file limit with ulimit, which needs Linux or macOS'
            return
        }

        # The child pwsh runs a server under a limit of 256 open files. First it takes every descriptor but
        # two, so that the server accepts one connection with the last one (the moment HttpListener used to
        # fail for good), and asks on it. Then it frees them all, floods the server with raw connections until
        # descriptors run out again, frees them, and asks once more.
        $child = Join-Path $TestDrive 'exhaust.ps1'
        Set-Content -Path $child -Value @'
param([string] $ModulePath, [int] $Connections)
# Open stderr and load the stack-trace support now: reporting an error later must not need a descriptor.
[Console]::Error.Flush()
$null = [System.Diagnostics.StackTrace]::new($true).ToString()

# Sends a GET on a new raw connection and returns the whole answer (the server closes after it).
function Send-RawGet([int] $Port, [string] $Path, [int] $ReadTimeoutMs = 20000) {
    $client = [System.Net.Sockets.TcpClient]::new()
    try {
        $client.Connect([System.Net.IPAddress]::Loopback, $Port)
        $stream = $client.GetStream()
        $stream.ReadTimeout = $ReadTimeoutMs
        $request = [System.Text.Encoding]::ASCII.GetBytes("GET /$Path HTTP/1.1`r`nHost: 127.0.0.1:$Port`r`nConnection: close`r`n`r`n")
        $stream.Write($request, 0, $request.Length)
        $buffer = [byte[]]::new(4096)
        $total = 0
        while ($total -lt $buffer.Length) {
            $read = $stream.Read($buffer, $total, $buffer.Length - $total)
            if ($read -le 0) { break }
            $total += $read
        }
        return [System.Text.Encoding]::ASCII.GetString($buffer, 0, $total)
    }
    catch {
        return "failed: $($_.Exception.Message)"
    }
    finally {
        $client.Dispose()
    }
}

# Frees the descriptors held by a list of clients, without a cmdlet.
function Close-All($Clients) {
    foreach ($client in $Clients) { $client.Dispose() }
    $Clients.Clear()
}

Import-Module $ModulePath
# Everything the raw client needs is loaded now, against a listener that is not HttpListener and never
# answers (so the read gives up at once).
$plain = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
$plain.Start()
$null = Send-RawGet -Port $plain.LocalEndpoint.Port -Path 'x' -ReadTimeoutMs 1
$plain.Stop()

$server = Start-TestServer
$clients = [System.Collections.Generic.List[System.Net.Sockets.TcpClient]]::new()
$clock = [System.Diagnostics.Stopwatch]::StartNew()

# Only .NET calls while descriptors are out: a cmdlet may need to open a file to load.
$filled = $false
for ($i = 0; $i -lt $Connections -and $clock.Elapsed.TotalSeconds -lt 30; $i++) {
    try { $clients.Add([System.Net.Sockets.TcpClient]::new()) } catch { $filled = $true; break }
}
$clients[0].Dispose(); $clients.RemoveAt(0)
$clients[0].Dispose(); $clients.RemoveAt(0)
$atTheEdge = Send-RawGet -Port $server.Port -Path 'edge'
Close-All $clients

$failed = 0
$held = 0
for ($i = 0; $i -lt $Connections -and $clock.Elapsed.TotalSeconds -lt 60; $i++) {
    try {
        $client = [System.Net.Sockets.TcpClient]::new()
        $clients.Add($client)
        $client.Connect([System.Net.IPAddress]::Loopback, $server.Port)
        $held++
    }
    catch {
        $failed++
    }
}
Close-All $clients
$after = Send-RawGet -Port $server.Port -Path 'after'

$answered = $server.RequestCount
$server | Stop-TestServer
[pscustomobject]@{
    Filled = $filled; AtTheEdge = $atTheEdge; Held = $held; Failed = $failed; After = $after
    Answered = $answered; Running = $server.IsRunning
} | ConvertTo-Json -Compress
'@
        $pwsh = @([Environment]::ProcessPath)
        if ((Split-Path $pwsh[0] -Leaf) -match '^dotnet(\.exe)?$') {
            $pwsh += Join-Path $PSHOME 'pwsh.dll'
        }
        $start = [System.Diagnostics.ProcessStartInfo]::new('bash')
        foreach ($argument in @('-c', 'ulimit -n 256 && exec "$@"', 'bash') + $pwsh +
            @('-NoProfile', '-NonInteractive', '-File', $child, '-ModulePath', $ModuleManifest, '-Connections', '400')) {
            $start.ArgumentList.Add($argument)
        }
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $process = [System.Diagnostics.Process]::Start($start)
        try {
            $stderr = $process.StandardError.ReadToEndAsync()
            $stdout = $process.StandardOutput.ReadToEndAsync()
            $process.WaitForExit(120000) | Should -BeTrue -Because 'the child must finish within two minutes'
            $process.ExitCode | Should -Be 0 -Because $stderr.Result
            $report = $stdout.Result.Trim() -split "`n" | Select-Object -Last 1 | ConvertFrom-Json
        }
        finally {
            if (-not $process.HasExited) { $process.Kill($true) }
            $process.Dispose()
        }

        $report.Filled | Should -BeTrue -Because 'the first phase must have run the process out of descriptors'
        $report.AtTheEdge | Should -Match '^HTTP/1.1 200 OK\r\n'
        $report.AtTheEdge | Should -Match '\r\n\r\nHello, World!$'
        $report.Failed | Should -BeGreaterThan 0 -Because 'the flood must have run the process out of descriptors'
        $report.Held | Should -BeGreaterThan 0
        $report.After | Should -Match '^HTTP/1.1 200 OK\r\n'
        $report.After | Should -Match '\r\n\r\nHello, World!$'
        $report.Answered | Should -Be 2
        $report.Running | Should -BeFalse
    }
}

Describe 'Start-TestServer accounting' {
    BeforeEach {
        $s = Start-TestServer
    }

    AfterEach {
        $s | Stop-TestServer
    }

    It 'starts with every count at 0' {
        $s.ReceivedCount | Should -Be 0
        $s.ReceivedBodyCount | Should -Be 0
        $s.ReceivedBodyBytes | Should -Be 0
        $s.DuplicateBodyCount | Should -Be 0
        $s.AcceptErrorCount | Should -Be 0
    }

    It 'counts every request it receives: answered, dropped, reset, and still unanswered' {
        # No keep-alive: a client may replay a request whose pooled connection was dropped, and this test
        # counts exactly.
        $null = Invoke-BoundedRequest -Uri "$($s.Uri)status/204" -Count 4 -DisableKeepAlive
        $null = Invoke-BoundedRequest -Uri "$($s.Uri)drop" -Count 3 -DisableKeepAlive
        $null = Invoke-BoundedRequest -Uri "$($s.Uri)reset" -Count 2 -DisableKeepAlive
        $hung = Invoke-BoundedRequest -Uri "$($s.Uri)hang" -Count 2 -DisableKeepAlive -TimeoutSec 1
        @($hung | Where-Object Success).Count | Should -Be 0

        $s.ReceivedCount | Should -Be 11
        $s.RequestCount | Should -Be 9
        $s.FaultCount | Should -Be 5
        $s.ActiveRequests | Should -Be 2
        $s.ReceivedBodyCount | Should -Be 0
    }

    It 'counts request bodies, their bytes, and each body that arrived before' {
        $null = Invoke-BoundedRequest -Uri "$($s.Uri)same/{0}" -Count 4 -ThrottleLimit 1 -Method POST -Body 'same body'
        $null = 1..5 | ForEach-Object { @{ Uri = "$($s.Uri)distinct/$_"; Method = 'POST'; Body = "body $_" } } |
            Invoke-BoundedRequest -ThrottleLimit 1
        $null = Invoke-BoundedRequest -Uri "$($s.Uri)no-body" -Count 3

        $s.ReceivedCount | Should -Be 12
        $s.ReceivedBodyCount | Should -Be 9
        $s.ReceivedBodyBytes | Should -Be (4 * 9 + 5 * 6)
        $s.DuplicateBodyCount | Should -Be 3
    }

    It 'tells large bodies apart by every byte, however they arrive' {
        $big = [byte[]]::new(300000)
        [System.Random]::new(42).NextBytes($big)
        $other = $big.Clone()
        $other[$other.Length - 1] = $other[$other.Length - 1] -bxor 1
        $null = Invoke-BoundedRequest -Uri "$($s.Uri)big/{0}" -Count 3 -ThrottleLimit 3 -Method POST -Body $big
        $null = Invoke-BoundedRequest -Uri "$($s.Uri)other" -Method POST -Body $other

        $s.ReceivedBodyCount | Should -Be 4
        $s.ReceivedBodyBytes | Should -Be (4 * 300000)
        $s.DuplicateBodyCount | Should -Be 2
    }

    It 'counts the body of a dropped request, and of one it echoes' {
        $null = Invoke-BoundedRequest -Uri "$($s.Uri)drop" -Method POST -Body 'once' -DisableKeepAlive
        $echo = Invoke-BoundedRequest -Uri "$($s.Uri)echo" -Method POST -Body 'once' -IncludeContent
        ($echo.Content | ConvertFrom-Json).body | Should -BeExactly 'once'

        $s.ReceivedCount | Should -Be 2
        $s.ReceivedBodyCount | Should -Be 2
        $s.ReceivedBodyBytes | Should -Be 8
        $s.DuplicateBodyCount | Should -Be 1
    }
}

Describe 'Start-TestServer -CapacityPerSecond' {
    It 'sheds almost nothing well below its capacity' {
        $s = Start-TestServer -CapacityPerSecond 200
        try {
            $s.CapacityPerSecond | Should -Be 200
            $s.ShedCount | Should -Be 0
            $r = Invoke-BoundedRequest -Uri "$($s.Uri)below/{0}" -RequestsPerSecond 100 -Count 200 -TimeoutSec 30
            $shed = @($r | Where-Object StatusCode -EQ 503).Count
            $shed | Should -Be $s.ShedCount
            @($r | Where-Object StatusCode -EQ 200).Count | Should -Be (200 - $shed)
            # A burst of 20 absorbs a client that falls behind its schedule and catches up.
            $shed | Should -BeLessOrEqual 10
        }
        finally {
            $s | Stop-TestServer
        }
    }

    It 'sheds about half at twice its capacity, at once' {
        $s = Start-TestServer -CapacityPerSecond 200 -MinDelayMs 50
        try {
            $r = Invoke-BoundedRequest -Uri "$($s.Uri)above/{0}" -RequestsPerSecond 400 -Count 800 -ThrottleLimit 64 -TimeoutSec 30
            $r.Count | Should -Be 800
            $shedResults = @($r | Where-Object StatusCode -EQ 503)
            $shedResults.Count | Should -Be $s.ShedCount
            @($r | Where-Object StatusCode -EQ 200).Count | Should -Be (800 - $shedResults.Count)
            # About 2 s at 200/s plus a burst of 20 admitted: near 420, so near 380 (48 %) shed.
            $shedResults.Count | Should -BeGreaterOrEqual 240
            $shedResults.Count | Should -BeLessOrEqual 560
            # Admitted requests wait -MinDelayMs; shed ones are answered without it.
            ($r | Where-Object StatusCode -EQ 200 | Measure-Object ElapsedMs -Minimum).Minimum | Should -BeGreaterOrEqual 49
            @($shedResults | Where-Object ElapsedMs -LT 45).Count | Should -BeGreaterThan ($shedResults.Count / 2)
        }
        finally {
            $s | Stop-TestServer
        }
    }

    It 'limits only the default route' {
        $s = Start-TestServer -CapacityPerSecond 0.1
        try {
            $default = Invoke-BoundedRequest -Uri "$($s.Uri)page/{0}" -Count 3 -ThrottleLimit 1
            ($default | Sort-Object Index).StatusCode -join ',' | Should -Be '200,503,503'
            $other = Invoke-BoundedRequest -Uri "$($s.Uri)status/200?i={0}" -Count 10 -ThrottleLimit 10
            @($other | Where-Object StatusCode -EQ 200).Count | Should -Be 10
            $s.ShedCount | Should -Be 2
            $s.RequestCount | Should -Be 13
        }
        finally {
            $s | Stop-TestServer
        }
    }

    It 'has no limit by default' {
        $s = Start-TestServer
        try {
            $s.CapacityPerSecond | Should -Be 0
            $r = Invoke-BoundedRequest -Uri "$($s.Uri){0}" -Count 300 -ThrottleLimit 64
            @($r | Where-Object StatusCode -EQ 200).Count | Should -Be 300
            $s.ShedCount | Should -Be 0
        }
        finally {
            $s | Stop-TestServer
        }
    }
}
