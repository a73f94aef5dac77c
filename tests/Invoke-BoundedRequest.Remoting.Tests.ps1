# Fan-out over PowerShell remoting: real SSH sessions to 127.0.0.1, served by an sshd this test starts.
# Linux only: it runs Debian's OpenSSH server (installed with apt-get when it is missing), ssh-keygen and chmod.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $server = Start-TestServer -MaxDelayMs 20
    $sessions = @()
    $sshdPid = $null
    $sshd = '/usr/sbin/sshd'
    $found = Find-DebianProgram $sshd 'openssh-server' 'runs an OpenSSH server with ssh-keygen and chmod'
    $platformMissing = $found.PlatformMissing
    $skipReason = $found.SkipReason
    if (-not $platformMissing -and -not $skipReason) {
        $dir = Join-Path $TestDrive 'ssh'
        New-Item -ItemType Directory $dir | Out-Null
        & ssh-keygen -q -t ed25519 -N '' -f (Join-Path $dir 'host_key')
        & ssh-keygen -q -t ed25519 -N '' -f (Join-Path $dir 'client_key')
        Copy-Item (Join-Path $dir 'client_key.pub') (Join-Path $dir 'authorized_keys')
        chmod 600 (Join-Path $dir 'authorized_keys') (Join-Path $dir 'client_key') (Join-Path $dir 'host_key')
        $port = Get-FreePort
        $subsystem = (Get-PwshCommand) -join ' '
        @(
            "Port $port"
            'ListenAddress 127.0.0.1'
            "HostKey $(Join-Path $dir 'host_key')"
            "PidFile $(Join-Path $dir 'sshd.pid')"
            "AuthorizedKeysFile $(Join-Path $dir 'authorized_keys')"
            'PasswordAuthentication no'
            'KbdInteractiveAuthentication no'
            'PermitRootLogin prohibit-password'
            'UsePAM no'
            'StrictModes no'
            "Subsystem powershell $subsystem -sshs -NoLogo -NoProfile"
        ) | Set-Content (Join-Path $dir 'sshd_config')
        New-Item -ItemType Directory /run/sshd -Force | Out-Null
        & $sshd -f (Join-Path $dir 'sshd_config') -E (Join-Path $dir 'sshd.log')
        try {
            Wait-Until { Test-Path (Join-Path $dir 'sshd.pid') } -TimeoutSec 20
            $sshdPid = [int](Get-Content (Join-Path $dir 'sshd.pid'))
            $options = @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR' }
            $sessions = 1..3 | ForEach-Object {
                New-PSSession -HostName 127.0.0.1 -Port $port -UserName root -KeyFilePath (Join-Path $dir 'client_key') -Options $options -ErrorAction Stop
            }
        }
        catch {
            $skipReason = "SSH remoting to 127.0.0.1 could not start: $_ $(Get-Content (Join-Path $dir 'sshd.log') -Raw -ErrorAction Ignore)"
        }
    }
    $modulePath = Split-Path $ModuleManifest
}

AfterAll {
    if ($sessions) { $sessions | Remove-PSSession }
    if ($sshdPid) { Stop-Process -Id $sshdPid -Force -ErrorAction Ignore }
    $server | Stop-TestServer
}

Describe 'Invoke-BoundedRequest -Session over SSH on loopback' {
    BeforeEach {
        if ($platformMissing) { Skip-UnlessPlatform -Supported $false -Because $platformMissing }
        if ($skipReason) { Set-ItResult -Skipped -Because $skipReason }
    }

    It 'opens three separate remote pwsh processes' {
        $pids = Invoke-Command -Session $sessions { $PID }
        ($pids | Sort-Object -Unique).Count | Should -Be 3
        $pids | Should -Not -Contain $PID
    }

    It 'splits -Count over the sessions, runs remotely and merges the summaries exactly' {
        $before = $server.RequestCount
        $merged = Invoke-BoundedRequest -Session $sessions -Uri "$($server.Uri)fan/{0}" -Count 3001 -ThrottleLimit 16 -RemoteModule $modulePath
        $merged | Should -BeOfType 'LoadTest.RunSummary'
        $merged.Count | Should -Be 3001
        $merged.Succeeded | Should -Be 3001
        $merged.StatusCodeCounts['200'] | Should -Be 3001
        $merged.ThrottleLimit | Should -Be 48
        $server.RequestCount - $before | Should -Be 3001
    }

    It 'takes -Check to every session and merges the check counts exactly' {
        # /json/{i} answers {"status":"<i>"}: the indexes that end in 0 pass, 301 of 0..3000.
        $merged = Invoke-BoundedRequest -Session $sessions -Uri "$($server.Uri)json/{0}" -Count 3001 -ThrottleLimit 16 -RemoteModule $modulePath `
            -Check @{ StatusCode = 200; JsonMatches = @{ '/status' = '0$' } }
        $merged.Count | Should -Be 3001
        @($merged.Checks | ForEach-Object { '{0}={1}/{2}' -f $_.Name, $_.Passed, $_.Failed }) | Should -Be @('StatusCode 200=3001/0', 'JsonMatches /status 0$=301/2700')
        $merged.ErrorKindCounts['CheckFailed'] | Should -Be 2700
    }

    It 'gives every session its own range of indexes' {
        $out = Invoke-BoundedRequest -Session $sessions -Uri "$($server.Uri)range/{0}" -Count 100 -StartIndex 1000 -Output All -RemoteModule $modulePath -InformationVariable info
        $results = @($out | Where-Object { $_.PSObject.Properties['ElapsedMs'] })
        # With the results in the pipeline, the merged summary goes to the information stream, not among them.
        @($out).Count | Should -Be 100
        $summary = $info.MessageData | Where-Object { $_ -is [LoadTest.RunSummary] }
        $results.Count | Should -Be 100
        ($results.Index | Sort-Object -Unique) -join ',' | Should -Be ((1000..1099) -join ',')
        $summary.Count | Should -Be 100
    }

    It 'matches the merge of the same summaries fetched by hand with Invoke-Command' {
        $summaries = Invoke-Command -Session $sessions -ScriptBlock {
            param($Module, $Uri)
            Import-Module $Module
            Invoke-BoundedRequest -Uri $Uri -Count 200 -Summary
        } -ArgumentList $modulePath, "$($server.Uri)manual/{0}"
        $summaries.Count | Should -Be 3
        $merged = $summaries | Merge-RunSummary
        $merged.Count | Should -Be 600
        # A percentile of the union lies between that percentile of the parts.
        $merged.P99Ms | Should -BeGreaterOrEqual (($summaries.P99Ms | Measure-Object -Minimum).Minimum)
        $merged.P99Ms | Should -BeLessOrEqual (($summaries.P99Ms | Measure-Object -Maximum).Maximum)
        $merged.MaxMs | Should -Be (($summaries.MaxMs | Measure-Object -Maximum).Maximum)
    }

    It 'reports a session that cannot import the module as an error, and merges the others as a partial summary' {
        # A fresh session has not imported the module; the three others have, in the tests above.
        $fresh = New-PSSession -HostName 127.0.0.1 -Port $port -UserName root -KeyFilePath (Join-Path $dir 'client_key') -Options $options
        try {
            $out = Invoke-BoundedRequest -Session (@($sessions) + $fresh) -Uri "$($server.Uri)bad/{0}" -Count 40 -RemoteModule '/nonexistent/LoadTest' -ErrorVariable bad -ErrorAction SilentlyContinue
            $bad.Count | Should -Be 1
            $bad[0].FullyQualifiedErrorId | Should -BeLike 'Modules_ModuleNotFound,*'
            @($out).Count | Should -Be 1
            $out.Count | Should -Be 30
            $out.IsPartial | Should -BeTrue
            $out.StopReason | Should -BeLike "Session $($fresh.Name) (127.0.0.1) failed: *"
        }
        finally {
            $fresh | Remove-PSSession
        }
    }
}
