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
