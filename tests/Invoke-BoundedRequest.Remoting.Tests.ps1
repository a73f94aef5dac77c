# Fan-out over PowerShell remoting: real SSH sessions to 127.0.0.1, served by an sshd this test starts, and a
# test server in this process that counts what it receives (the ground truth the merged summary is held to).
# Linux only: it runs Debian's OpenSSH server (installed with apt-get when it is missing), ssh-keygen, chmod and kill.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $server = Start-TestServer -MaxDelayMs 20
    # A list, so that a test can replace a session it broke in place (Repair-Sessions).
    $sessions = [System.Collections.Generic.List[System.Management.Automation.Runspaces.PSSession]]::new()
    $sshdPid = $null
    $sshd = '/usr/sbin/sshd'
    $found = Find-DebianProgram $sshd 'openssh-server' 'runs an OpenSSH server with ssh-keygen and chmod'
    $platformMissing = $found.PlatformMissing
    $skipReason = $found.SkipReason
    $modulePath = Split-Path $ModuleManifest
    $version = (Import-PowerShellDataFile $ModuleManifest).ModuleVersion
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
        $options = @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR' }
        try {
            Wait-Until { Test-Path (Join-Path $dir 'sshd.pid') } -TimeoutSec 20
            $sshdPid = [int](Get-Content (Join-Path $dir 'sshd.pid'))
            foreach ($n in 1..3) {
                $sessions.Add((New-PSSession -HostName 127.0.0.1 -Port $port -UserName root -KeyFilePath (Join-Path $dir 'client_key') -Options $options -ErrorAction Stop))
            }
        }
        catch {
            $skipReason = "SSH remoting to 127.0.0.1 could not start: $_ $(Get-Content (Join-Path $dir 'sshd.log') -Raw -ErrorAction Ignore)"
        }
    }

    function New-LoopbackSession {
        New-PSSession -HostName 127.0.0.1 -Port $port -UserName root -KeyFilePath (Join-Path $dir 'client_key') -Options $options -ErrorAction Stop
    }

    # The process behind each session (Invoke-Command over several sessions answers in whatever order they finish).
    function Get-SessionPid($Session) { Invoke-Command -Session $Session { $PID } }

    # Replaces a session whose process a test killed or froze: the next tests get three working ones again.
    function Repair-Sessions {
        for ($i = 0; $i -lt $sessions.Count; $i++) {
            if ($sessions[$i].State -ne 'Opened') {
                $sessions[$i] | Remove-PSSession
                $sessions[$i] = New-LoopbackSession
            }
        }
    }

    # Runs one fan-out (with the module built here) in its own runspace with a bound, so that a run that waits for a dead session fails the test
    # instead of holding the suite; returns its output, errors, -SummaryVariable and how long it took.
    function Invoke-Bounded([hashtable] $Parameters, [double] $TimeoutSec = 120) {
        $ps = New-ModulePowerShell
        $null = $ps.AddCommand('Invoke-BoundedRequest').AddParameters($Parameters).AddParameter('RemoteModule', $modulePath).AddParameter('SummaryVariable', 'fleet')
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $async = $ps.BeginInvoke()
        try {
            if (-not $async.AsyncWaitHandle.WaitOne([timespan]::FromSeconds($TimeoutSec))) {
                throw "Invoke-BoundedRequest -Session did not return within $TimeoutSec s."
            }
            $output = $ps.EndInvoke($async)
            [pscustomobject]@{
                Seconds = $clock.Elapsed.TotalSeconds
                Output = @($output)
                Errors = @($ps.Streams.Error)
                Progress = @($ps.Streams.Progress)
                Variable = $ps.Runspace.SessionStateProxy.GetVariable('fleet')
            }
        }
        finally {
            $ps.Dispose()
        }
    }

    # Requests the test server received since $Before, once those it is still answering are done.
    function Get-Received([long] $Before) {
        Wait-Until { $server.ActiveRequests -eq 0 }
        $server.RequestCount - $Before
    }
}

AfterAll {
    if ($sessions.Count) { $sessions | Remove-PSSession }
    if ($sshdPid) { Stop-Process -Id $sshdPid -Force -ErrorAction Ignore }
    $server | Stop-TestServer
}

Describe 'Invoke-BoundedRequest -Session over SSH on loopback' {
    BeforeEach {
        if ($platformMissing) { Skip-UnlessPlatform -Supported $false -Because $platformMissing }
        if ($skipReason) { Set-ItResult -Skipped -Because $skipReason }
        # A share stopped by the test before may still be winding down in its session.
        if ($sessions.Count) { Wait-Until { @($sessions | Where-Object Availability -EQ 'Busy').Count -eq 0 } }
    }

    It 'opens three separate remote pwsh processes' {
        $pids = Invoke-Command -Session $sessions { $PID }
        ($pids | Sort-Object -Unique).Count | Should -Be 3
        $pids | Should -Not -Contain $PID
    }

    It 'shares -Count out over the sessions, runs remotely and merges exactly; -ThrottleLimit holds for each session' {
        $before = $server.RequestCount
        $merged = Invoke-BoundedRequest -Session $sessions -Uri "$($server.Uri)fan/{0}" -Count 3001 -ThrottleLimit 16 -RemoteModule $modulePath -SummaryVariable fleet
        $merged | Should -BeOfType 'LoadTest.RunSummary'
        $merged.Count | Should -Be 3001
        $merged.Succeeded | Should -Be 3001
        $merged.StatusCodeCounts['200'] | Should -Be 3001
        $merged.ThrottleLimit | Should -Be 48
        $merged.IsPartial | Should -BeFalse
        Get-Received $before | Should -Be 3001
        # -SummaryVariable holds the same merged summary.
        $fleet | Should -Be $merged
        ($merged.TimeSeries | Measure-Object Completed -Sum).Sum | Should -Be 3001
    }

    It 'takes -Check to every session and merges the check counts exactly' {
        # /json/{i} answers {"status":"<i>"}: the indexes that end in 0 pass, 301 of 0..3000.
        $merged = Invoke-BoundedRequest -Session $sessions -Uri "$($server.Uri)json/{0}" -Count 3001 -ThrottleLimit 16 -RemoteModule $modulePath `
            -Check @{ StatusCode = 200; JsonMatches = @{ '/status' = '0$' } }
        $merged.Count | Should -Be 3001
        @($merged.Checks | ForEach-Object { '{0}={1}/{2}' -f $_.Name, $_.Passed, $_.Failed }) | Should -Be @('StatusCode 200=3001/0', 'JsonMatches /status 0$=301/2700')
        $merged.ErrorKindCounts['CheckFailed'] | Should -Be 2700
    }

    It 'gives every session its own share of the indexes: together exactly the run''s' {
        $out = Invoke-BoundedRequest -Session $sessions -Uri "$($server.Uri)range/{0}" -Count 100 -StartIndex 1000 -Output All -RemoteModule $modulePath -InformationVariable info
        $results = @($out | Where-Object { $_.PSObject.Properties['ElapsedMs'] })
        # With the results in the pipeline, the merged summary goes to the information stream, not among them.
        @($out).Count | Should -Be 100
        $summary = $info.MessageData | Where-Object { $_ -is [LoadTest.RunSummary] }
        $results.Count | Should -Be 100
        ($results.Index | Sort-Object) -join ',' | Should -Be ((1000..1099) -join ',')
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

    It 'holds one global rate over the sessions: -RequestsPerSecond and -Duration describe the whole run, without -Count' {
        $before = $server.RequestCount
        $merged = Invoke-BoundedRequest -Session $sessions -Uri "$($server.Uri)rate/{0}" -RequestsPerSecond 150 -Duration 6 -RemoteModule $modulePath
        $received = Get-Received $before
        $merged.TargetRequestsPerSecond | Should -Be 150
        $merged.Planned | Should -Be 900
        $merged.Sent + $merged.Dropped | Should -Be 900
        $received | Should -Be $merged.Sent
        # The global rate held within 5 %: the sessions together, not each, run at 150 req/s.
        $merged.Sent | Should -BeGreaterOrEqual (900 * 0.95)
        $merged.RequestsPerSecond | Should -BeGreaterOrEqual (150 * 0.95)
        $merged.RequestsPerSecond | Should -BeLessOrEqual (150 * 1.05)
        ($merged.TimeSeries | Measure-Object PlannedRequestsPerSecond -Sum).Sum | Should -BeGreaterOrEqual (900 * 0.999)
    }

    It 'runs -Count at the global rate: three sessions take as long as one would' {
        $merged = Invoke-BoundedRequest -Session $sessions -Uri "$($server.Uri)count-rate/{0}" -Count 300 -RequestsPerSecond 100 -RemoteModule $modulePath
        $merged.Count | Should -Be 300
        $merged.Planned | Should -Be 300
        $merged.TargetRequestsPerSecond | Should -Be 100
        # Request 299 is due at 2.99 s on the one schedule: at 300 req/s (a rate per session) it would be 1 s.
        $merged.ElapsedSeconds | Should -BeGreaterOrEqual 2.9
    }

    It 'shares rate stages out without -Count or -Duration' {
        $before = $server.RequestCount
        $merged = Invoke-BoundedRequest -Session $sessions -Uri "$($server.Uri)stage/{0}" -Stage @{ Duration = '2s'; RequestsPerSecond = 150 }, @{ Duration = '2s'; RequestsPerSecond = 150 } -RemoteModule $modulePath
        # 0 to 150 req/s over 2 s, then 150 for 2 s: 150 + 300 requests.
        $merged.Planned | Should -Be 450
        $merged.Stages.ToString() | Should -Be '2s to 150 req/s, 2s to 150 req/s'
        $merged.Sent + $merged.Dropped | Should -Be 450
        $merged.Sent | Should -BeGreaterOrEqual (450 * 0.95)
        Get-Received $before | Should -Be $merged.Sent
    }

    It 'names each session''s own warnings, and gives the caller''s warnings once' {
        # One slot per session against 20 ms answers cannot hold 100 req/s a session: each share warns that it fell behind.
        $merged = Invoke-BoundedRequest -Session $sessions -Uri "$($server.Uri)delay/20?i={0}" -RequestsPerSecond 300 -Duration 2 -ThrottleLimit 1 -SkipCertificateCheck -RemoteModule $modulePath -WarningVariable warned 3>$null
        @($warned | Where-Object Message -EQ '-SkipCertificateCheck: TLS certificates are not verified for this run.').Count | Should -Be 1
        $named = @($warned | Where-Object Message -Like 'Session * (127.0.0.1): The schedule of 300 req/s was not kept: of 200 planned requests,*')
        $named.Count | Should -Be 3
        @($named.Message -replace '^Session (\S+) .*$', '$1' | Sort-Object -Unique).Count | Should -Be 3
        $merged.Planned | Should -Be 600
        $merged.Dropped | Should -BeGreaterThan 0
        $merged.Sent + $merged.Dropped | Should -Be 600
    }

    It 'refuses a session that runs another LoadTest version, naming both versions, before any request' {
        $fake = Join-Path $TestDrive 'fake/LoadTest'
        New-Item -ItemType Directory $fake -Force | Out-Null
        'function Invoke-BoundedRequest { }' | Set-Content (Join-Path $fake 'LoadTest.psm1')
        "@{ ModuleVersion = '0.0.1'; RootModule = 'LoadTest.psm1'; FunctionsToExport = 'Invoke-BoundedRequest' }" | Set-Content (Join-Path $fake 'LoadTest.psd1')
        $fresh = New-LoopbackSession
        try {
            # The fake module is the one on the session's module path; the session has imported no LoadTest yet.
            Invoke-Command -Session $fresh { param($Path) $env:PSModulePath = "$Path$([IO.Path]::PathSeparator)$env:PSModulePath" } -ArgumentList (Split-Path $fake)
            $before = $server.RequestCount
            $e = { Invoke-BoundedRequest -Session (@($sessions) + $fresh) -Uri "$($server.Uri)version/{0}" -Count 40 } | Should -Throw -PassThru
            $e.FullyQualifiedErrorId | Should -Be 'RemoteModuleVersionMismatch,LoadTest.Commands.InvokeBoundedRequestCommand'
            $e.Exception.Message | Should -BeLike "Session $($fresh.Name) (127.0.0.1) runs LoadTest 0.0.1, this session LoadTest $version*No request was sent*"
            $server.RequestCount | Should -Be $before
        }
        finally {
            $fresh | Remove-PSSession
        }
    }

    It 'refuses a session that cannot import the module, before any request' {
        # A fresh session has not imported the module; the three others have, in the tests above.
        $fresh = New-LoopbackSession
        try {
            $before = $server.RequestCount
            $e = { Invoke-BoundedRequest -Session (@($sessions) + $fresh) -Uri "$($server.Uri)bad/{0}" -Count 40 -RemoteModule '/nonexistent/LoadTest' } | Should -Throw -PassThru
            $e.FullyQualifiedErrorId | Should -Be 'RemoteModuleNotImported,LoadTest.Commands.InvokeBoundedRequestCommand'
            $e.Exception.Message | Should -BeLike "Session $($fresh.Name) (127.0.0.1) could not import LoadTest ('/nonexistent/LoadTest'): *"
            $server.RequestCount | Should -Be $before
        }
        finally {
            $fresh | Remove-PSSession
        }
    }

    It 'reports a session whose share fails at its start by that session, and merges the others' {
        # A relative -UnixSocket is resolved where each session stands: two stand where the socket is, one does not.
        $socketDir = Join-Path $TestDrive 'sock'
        New-Item -ItemType Directory $socketDir -Force | Out-Null
        $socketServer = Start-RecordingServer -UnixSocket (Join-Path $socketDir 's.sock')
        try {
            Invoke-Command -Session $sessions[0], $sessions[2] { param($Path) Set-Location $Path } -ArgumentList $socketDir
            Invoke-Command -Session $sessions[1] { Set-Location / }
            $run = Invoke-Bounded @{ Session = $sessions; Uri = 'http://localhost/u/{0}'; Count = 30; UnixSocket = 's.sock'; RequestsPerSecond = 100 }
            $run.Errors.Count | Should -Be 1
            $run.Errors[0].FullyQualifiedErrorId | Should -Be 'UnixSocketNotFound,LoadTest.Commands.InvokeBoundedRequestCommand'
            "$($run.Errors[0])" | Should -BeLike "Session $($sessions[1].Name) (127.0.0.1): -UnixSocket 's.sock' does not exist*"
            $run.Output.Count | Should -Be 1
            $merged = $run.Output[0]
            $merged.Count | Should -Be 20
            $socketServer.Requests.Count | Should -Be 20
            $merged.Planned | Should -Be 30
            $merged.Dropped | Should -Be 10
            $merged.Unreported | Should -Be 0
            $merged.IsPartial | Should -BeTrue
            $merged.StopReason | Should -BeLike "Session $($sessions[1].Name) (127.0.0.1) did not run its share (failed: *); its 10 planned requests are counted as dropped."
            $run.Variable.Count | Should -Be 20
        }
        finally {
            Invoke-Command -Session $sessions { Set-Location ~ }
            $socketServer.Dispose()
        }
    }

    It 'keeps the merged summary in -SummaryVariable after Ctrl+C, partial, and returns at once' {
        $before = $server.RequestCount
        $ps = New-ModulePowerShell
        $null = $ps.AddCommand('Invoke-BoundedRequest').AddParameters(@{ Session = $sessions; Uri = "$($server.Uri)stop/{0}"; RequestsPerSecond = 100; Duration = 60; SummaryVariable = 'fleet' })
        # Stopped once the sessions have sent two seconds' worth and reported at least once.
        $stop = Measure-Stop -PowerShell $ps -When { $server.RequestCount - $before -ge 200 } -Variable fleet
        $stop.StopSeconds | Should -BeLessThan 5
        $fleet = $stop.Variables.fleet
        $fleet | Should -BeOfType 'LoadTest.RunSummary'
        $fleet.IsPartial | Should -BeTrue
        $fleet.StopReason | Should -BeLike 'The run was stopped (Ctrl+C*) before it finished; each session''s numbers are those of its last report*'
        $fleet.Planned | Should -Be 6000
        $fleet.Count | Should -BeGreaterThan 0
        # What the sessions sent after their last reports is at most what Unreported says.
        (Get-Received $before) - $fleet.Sent | Should -BeLessOrEqual ($fleet.Unreported)
    }

    It 'keeps a killed session''s last report: the merged Sent is within one report of what the server saw' {
        $victim = $sessions[1]
        $victimPid = Get-SessionPid $victim
        $before = $server.RequestCount
        # Killed (SIGKILL) once the fleet has sent about two seconds' worth.
        $killer = Start-ThreadJob { param($Server, $At, $Id) while ($Server.RequestCount -lt $At) { Start-Sleep -Milliseconds 10 }; Stop-Process -Id $Id -Force } -ArgumentList $server, ($before + 300), $victimPid
        try {
            $run = Invoke-Bounded @{ Session = $sessions; Uri = "$($server.Uri)kill/{0}"; RequestsPerSecond = 150; Duration = 6 }
        }
        finally {
            $killer | Wait-Job -Timeout 60 | Remove-Job -Force
        }
        $received = Get-Received $before
        $merged = $run.Output[0]
        $run.Errors.FullyQualifiedErrorId | Should -Be 'RemoteSessionLost,LoadTest.Commands.InvokeBoundedRequestCommand'
        $merged.IsPartial | Should -BeTrue
        $merged.StopReason | Should -BeLike "Session $($victim.Name) (127.0.0.1) was lost (died: *) * s after its last report, which counted * requests; its * unsent planned requests are counted as dropped, of which up to * may have been sent since."
        # The whole plan stays: what the dead session did not report is dropped.
        $merged.Planned | Should -Be 900
        $merged.Sent + $merged.Dropped | Should -Be 900
        # Its unreported requests: at most what one report interval at its 50 req/s (and a tick) holds, and never more than Unreported.
        $unseen = $received - $merged.Sent
        $unseen | Should -BeGreaterOrEqual 0
        $unseen | Should -BeLessOrEqual $merged.Unreported
        $unseen | Should -BeLessOrEqual (50 * 1.5)
        $run.Variable.Count | Should -Be $merged.Count
        # The progress bar follows the whole fleet, and says when a session is lost.
        $live = @($run.Progress | Where-Object RecordType -EQ 'Processing').StatusDescription
        @($live -like '* done, * req/s (target 150), * in flight, * failed; sessions: 3 running of 3').Count | Should -BeGreaterThan 0
        @($live -like '* done, * req/s (target 150), * in flight, * failed; sessions: 2 running of 3, 1 lost').Count | Should -BeGreaterThan 0
        Repair-Sessions
    }

    It 'declares a frozen session lost within the bound, and does not wait for it' {
        $victim = $sessions[2]
        $victimPid = Get-SessionPid $victim
        $before = $server.RequestCount
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        # Frozen (SIGSTOP) once the fleet has sent about two seconds' worth; its connection stays open.
        $freezer = Start-ThreadJob { param($Server, $At, $Id, $Clock) while ($Server.RequestCount -lt $At) { Start-Sleep -Milliseconds 10 }; kill -STOP $Id; $Clock.Elapsed.TotalSeconds } -ArgumentList $server, ($before + 300), $victimPid, $clock
        try {
            $run = Invoke-Bounded @{ Session = $sessions; Uri = "$($server.Uri)freeze/{0}"; RequestsPerSecond = 150; Duration = 4 }
            $returned = $clock.Elapsed.TotalSeconds
            $frozenAt = $freezer | Wait-Job -Timeout 60 | Receive-Job
        }
        finally {
            $freezer | Remove-Job -Force
            kill -CONT $victimPid
            Stop-Process -Id $victimPid -Force -ErrorAction Ignore
        }
        $merged = $run.Output[0]
        $run.Errors.FullyQualifiedErrorId | Should -Be 'RemoteSessionLost,LoadTest.Commands.InvokeBoundedRequestCommand'
        "$($run.Errors[0])" | Should -BeLike "Session $($victim.Name) (127.0.0.1) sent no report for 5 s*declared lost and not waited for*"
        $merged.StopReason | Should -BeLike "Session $($victim.Name) (127.0.0.1) was lost (no report for 5 s*"
        # Lost at most 5 s after its last report, which came at most a report interval (and a tick) before it froze.
        $returned - $frozenAt | Should -BeLessOrEqual (5 + 1.5 + 2)
        $merged.Planned | Should -Be 600
        $merged.Sent + $merged.Dropped | Should -Be 600
        (Get-Received $before) - $merged.Sent | Should -BeLessOrEqual $merged.Unreported
        $run.Variable.IsPartial | Should -BeTrue
        Repair-Sessions
    }
}
