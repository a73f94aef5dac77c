BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
}

Describe 'Stop-TestServer' {
    It 'stops a server from the pipeline and frees its port' {
        $s = Start-TestServer
        $port = $s.Port
        $s | Stop-TestServer

        $s.IsRunning | Should -BeFalse
        (Invoke-BoundedRequest -Uri "http://127.0.0.1:$port/").ErrorKind | Should -Be 'ConnectionRefused'
        $again = Start-TestServer -Port $port
        try {
            $again.Port | Should -Be $port
            (Invoke-BoundedRequest -Uri $again.Uri).StatusCode | Should -Be 200
        }
        finally {
            $again | Stop-TestServer
        }
    }

    It 'answers 503 to requests in progress: each gets a failed result' {
        $s = Start-TestServer -MinDelayMs 60000
        $ps = New-ModulePowerShell
        try {
            $null = $ps.AddCommand('Invoke-BoundedRequest').AddParameter('Uri', "$($s.Uri){0}").
                AddParameter('Count', 10).AddParameter('ThrottleLimit', 10)
            $async = $ps.BeginInvoke()
            Wait-Until { $s.ActiveRequests -eq 10 }
            $s | Stop-TestServer
            $results = $ps.EndInvoke($async)
            $results.Count | Should -Be 10
            @($results | Where-Object Success).Count | Should -Be 0
            @($results | Where-Object StatusCode -EQ 503).Count | Should -Be 10
            ($results.Index | Sort-Object) -join ',' | Should -Be ((0..9) -join ',')
            $s.ActiveRequests | Should -Be 0
        }
        finally {
            $ps.Dispose()
        }
    }

    It 'does nothing to a server already stopped: no error, no output, and other servers go on' {
        $s = Start-TestServer
        $other = Start-TestServer
        try {
            $s | Stop-TestServer
            $out = $s | Stop-TestServer -ErrorVariable err
            $err.Count | Should -Be 0
            @($out).Count | Should -Be 0
            $s.IsRunning | Should -BeFalse
            (Invoke-BoundedRequest -Uri "http://127.0.0.1:$($s.Port)/").ErrorKind | Should -Be 'ConnectionRefused'
            ($s | Stop-TestServer -PassThru).Id | Should -Be $s.Id
            $other.IsRunning | Should -BeTrue
            (Invoke-BoundedRequest -Uri $other.Uri).StatusCode | Should -Be 200
            @(Get-TestServer).Id | Should -Be @($other.Id)
        }
        finally {
            $other | Stop-TestServer
        }
    }

    It 'writes the stopped servers with -PassThru' {
        $s = Start-TestServer
        $out = $s | Stop-TestServer -PassThru
        $out.Id | Should -Be $s.Id
        $out.IsRunning | Should -BeFalse
    }

    It 'stops every server of the session with -All, and none of another session' {
        $other = New-ModulePowerShell
        try {
            $foreign = $other.AddCommand('Start-TestServer').Invoke()[0]
            $a = Start-TestServer
            $b = Start-TestServer
            Stop-TestServer -All
            $a.IsRunning | Should -BeFalse
            $b.IsRunning | Should -BeFalse
            @(Get-TestServer).Count | Should -Be 0
            $foreign.IsRunning | Should -BeTrue
        }
        finally {
            $other.Commands.Clear()
            $null = $other.AddCommand('Stop-TestServer').AddParameter('All').Invoke()
            $other.Dispose()
        }
    }

    It 'stops the servers of a session when it removes the module' {
        $ps = New-ModulePowerShell
        try {
            $s = $ps.AddCommand('Start-TestServer').Invoke()[0]
            $s.IsRunning | Should -BeTrue
            $ps.Commands.Clear()
            $null = $ps.AddCommand('Remove-Module').AddArgument('LoadTest').Invoke()
            $s.IsRunning | Should -BeFalse
        }
        finally {
            $ps.Dispose()
        }
    }
}
