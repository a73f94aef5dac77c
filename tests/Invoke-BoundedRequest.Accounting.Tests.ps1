# What is counted: every request on the wire is an attempt, a run ends when it says, and the summary
# reaches the caller however the run ends.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
}

Describe 'Every request on the wire is counted' {
    # The test server counts every request it reads, also those it then drops or resets on purpose.
    It 'matches the server''s count with the sum of Attempts: <Method> through <Transport> under <Fault>, retries <Retries>' -TestCases @(
        foreach ($transport in 'Auto', 'HttpClient') {
            foreach ($method in 'GET', 'POST') {
                foreach ($fault in 'Drop', 'Reset') {
                    foreach ($retries in 0, 2) {
                        @{ Transport = $transport; Method = $method; Fault = $fault; Retries = $retries }
                    }
                }
            }
        }
    ) {
        $server = Start-TestServer -FaultPercent 10 -FaultKind $Fault
        try {
            $params = @{ Uri = "$($server.Uri)x/{0}"; Count = 600; ThrottleLimit = 8; Method = $Method; Transport = $Transport
                MaximumRetryCount = $Retries; RetryIntervalSec = 0; TimeoutSec = 30 }
            if ($Method -eq 'POST') { $params.Body = 'payload' }
            $results = Invoke-BoundedRequest @params
            $results.Count | Should -Be 600
            $attempts = ($results | Measure-Object Attempts -Sum).Sum
            $server.RequestCount | Should -Be $attempts
            $server.FaultCount | Should -BeGreaterThan 0
            if ($Method -eq 'POST' -and $Retries -eq 0) {
                # A request with a body is never sent twice unless retries were asked for: every fault is a failure.
                @($results | Where-Object Attempts -NE 1).Count | Should -Be 0
                @($results | Where-Object { -not $_.Success }).Count | Should -Be $server.FaultCount
            }
        }
        finally {
            $server | Stop-TestServer
        }
    }

    It 'counts in the summary the attempts the results count' {
        $server = Start-TestServer -FaultPercent 10 -FaultKind Drop
        try {
            $summary = Invoke-BoundedRequest -Uri "$($server.Uri)x/{0}" -Count 500 -ThrottleLimit 8 -Summary
            $summary.Count + $summary.Retries | Should -Be $server.RequestCount
        }
        finally {
            $server | Stop-TestServer
        }
    }
}

Describe 'A run ends when it says' {
    BeforeAll {
        $server = Start-TestServer
    }

    AfterAll {
        $server | Stop-TestServer
    }

    It 'sends nothing after -Duration under a rate it cannot keep, counts late and dropped requests, and warns' {
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $all = Invoke-BoundedRequest -Uri "$($server.Uri)delay/50?i={0}" -RequestsPerSecond 1000 -Duration 2 -ThrottleLimit 4 -Output All -Summary -SummaryVariable summary 3>&1
        $clock.Stop()
        $results = @($all | Where-Object { $_ -is [LoadTest.RequestResult] })
        $warnings = @($all | Where-Object { $_ -is [System.Management.Automation.WarningRecord] })

        # 2 s plus the requests in flight at the end (50 ms each); far from the 25 s the whole schedule would take.
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 6
        $summary.Planned | Should -Be 2000
        $summary.Sent | Should -Be $results.Count
        $summary.Sent + $summary.Dropped | Should -Be 2000
        $summary.Dropped | Should -BeGreaterThan 1000
        $summary.Late | Should -BeGreaterThan 0
        $summary.Late | Should -BeLessOrEqual $summary.Sent
        $last = ($results | Sort-Object StartTime | Select-Object -Last 1).StartTime
        ($last - $summary.StartTime).TotalSeconds | Should -BeLessThan 2
        $warnings.Count | Should -Be 1
        $warnings[0].Message | Should -BeLike ("The schedule of 1000 req/s was not kept: of 2,000 planned requests, {0:N0} started more than 1 ms late and {1:N0} were dropped*raise -ThrottleLimit*" -f $summary.Late, $summary.Dropped)
    }

    It 'plans exactly rate x duration and keeps a schedule it can keep, without a warning' {
        $summary = Invoke-BoundedRequest -Uri "$($server.Uri)x/{0}" -RequestsPerSecond 200 -Duration 1.5 -ThrottleLimit 32 -Summary -WarningVariable warned
        $summary.Planned | Should -Be 300
        $summary.Count | Should -Be 300
        $summary.Dropped | Should -Be 0
        # A machine too busy to wake the client on time starts some requests late: that may warn, it never drops.
        @($warned | Where-Object { $_.Message -notlike '*started more than 1 ms late and 0 were dropped*' }).Count | Should -Be 0
    }

    It 'sends every request of a high rate it can keep, the last ones too, without a warning' {
        # Waits end on a coarse timer: the last wait overshoots the end, and the requests due in the end's last
        # milliseconds used to be dropped (and blamed on busy slots). Behind only by the timer, they are sent.
        $all = Invoke-BoundedRequest -Uri "$($server.Uri)x/{0}" -RequestsPerSecond 3000 -Duration 1.5 -ThrottleLimit 512 -Output All -Summary -SummaryVariable summary 3>&1
        $results = @($all | Where-Object { $_ -is [LoadTest.RequestResult] })
        $summary.Planned | Should -Be 4500
        $summary.Dropped | Should -Be 0
        $summary.Sent | Should -Be 4500
        $results.Count | Should -Be 4500
        # As above: a busy machine may start some late (and say so), but nothing is dropped.
        @($all | Where-Object { $_ -is [System.Management.Automation.WarningRecord] -and $_.Message -notlike '*and 0 were dropped*' }).Count | Should -Be 0
        # Nothing starts later than the timer's grain after the end.
        $last = ($results | Measure-Object -Property StartTime -Maximum).Maximum
        ($last - $summary.StartTime).TotalSeconds | Should -BeLessThan 1.55
    }

    It 'tells requests dropped with slots free (a slow input) from requests that waited for a slot' {
        # The input gives a request every 50 ms or slower, against a schedule of one every 10 ms.
        $summary = 1..30 | ForEach-Object { Start-Sleep -Milliseconds 50; "$($server.Uri)slow-input/$_" } |
            Invoke-BoundedRequest -RequestsPerSecond 100 -Duration 1 -ThrottleLimit 16 -Summary -WarningVariable warned 3>$null
        $summary.Planned | Should -Be 100
        $summary.Sent + $summary.Dropped | Should -Be 100
        $summary.Dropped | Should -BeGreaterThan 50
        # The input held requests up past their time: they started late, with every slot free.
        $summary.Late | Should -BeGreaterThan 0
        $summary.StartLag.MaxMs | Should -BeGreaterThan 1
        $warned.Count | Should -Be 1
        $warned[0].Message | Should -BeLike ("*{0:N0} started more than 1 ms late and {1:N0} were dropped*Slots were free, so the client itself fell behind*" -f $summary.Late, $summary.Dropped)
        $warned[0].Message | Should -Not -BeLike '*raise -ThrottleLimit*'
    }

    It 'ends at -Duration under an endless pipeline input: the commands before it stop, its summary and the script go on' {
        $made = [ref] 0
        # Bounded only so that a failure ends too: without the stop, all 3,000,000 items would be read.
        $summary = & { while ($made.Value -lt 3000000) { $made.Value++; "$($server.Uri)endless/$($made.Value)" } } |
            Invoke-BoundedRequest -Duration 1 -Summary -WarningVariable warned
        $after = 'the next statement ran'
        $summary.Count | Should -BeGreaterThan 0
        $summary.Failed | Should -Be 0
        $warned.Count | Should -Be 0
        # Read, but not sent: the items in the run's input queue when the end came.
        $made.Value - $summary.Count | Should -BeLessThan 5000
        $after | Should -Be 'the next statement ran'
    }

    It 'takes no item after -Duration from a slow pipeline input, stops it, and names the first item not sent' {
        # One item every 100 ms or slower for 40 items, against a run of 1 s.
        $before = $server.RequestCount
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $all = 1..40 | ForEach-Object { "$($server.Uri)slow-feed/$_"; Start-Sleep -Milliseconds 100 } |
            Invoke-BoundedRequest -Duration 1 -Verbose 4>&1
        $clock.Stop()
        $results = @($all | Where-Object { $_ -is [LoadTest.RequestResult] })
        $unsent = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like '*were not sent*' })
        $results.Count | Should -BeGreaterThan 0
        $results.Count | Should -BeLessThan 40
        $server.RequestCount - $before | Should -Be $results.Count
        # Items go in input order: the first one not sent is at the position after the last one sent.
        $unsent.Count | Should -Be 1
        $unsent[0].Message | Should -Be "The run took no more input; items from position $($results.Count) on were not sent."
        # The producer was stopped at the end, not read to its last item (4 s).
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 3.5
    }

    It 'does not send an item that a silent pipeline input gives only after -Duration' {
        $before = $server.RequestCount
        $results = @(& { "$($server.Uri)silent/a"; Start-Sleep -Seconds 2; "$($server.Uri)silent/b" } |
            Invoke-BoundedRequest -Duration 0.5 -Summary -Output All -SummaryVariable summary)
        $results.Count | Should -Be 1
        $results[0].Uri | Should -Be "$($server.Uri)silent/a"
        $summary.Count | Should -Be 1
        $server.RequestCount - $before | Should -Be 1
    }

    It 'sends no retry after -Duration: the last attempt before the end is the result' {
        $before = $server.RequestCount
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $results = @(Invoke-BoundedRequest -Uri "$($server.Uri)status/503?i={0}" -Duration 0.5 -RequestsPerSecond 4 -MaximumRetryCount 3 -RetryIntervalSec 1)
        $clock.Stop()
        $results.Count | Should -Be 2
        $results.Attempts | Should -Be 1, 1
        $results.StatusCode | Should -Be 503, 503
        $server.RequestCount - $before | Should -Be 2
        # Retries a second apart would have taken the run to 7 s.
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 3
    }

    It 'caps the plan at -Count' {
        $summary = Invoke-BoundedRequest -Uri "$($server.Uri)x/{0}" -Count 50 -RequestsPerSecond 500 -Duration 10 -Summary
        $summary.Planned | Should -Be 50
        $summary.Count | Should -Be 50
    }
}

Describe 'The summary survives every way a run can end' {
    BeforeAll {
        $server = Start-TestServer -MaxDelayMs 20
    }

    AfterAll {
        $server | Stop-TestServer
    }

    It 'reaches the assignment when the error budget stops the run, which still fails visibly' {
        $summary = Invoke-BoundedRequest -Uri "$($server.Uri)status/500?i={0}" -Count 10000 -ThrottleLimit 2 -MaxErrorCount 3 -Summary -ErrorVariable failed -ErrorAction SilentlyContinue
        $ok = $?
        $ok | Should -BeFalse
        $summary | Should -BeOfType [LoadTest.RunSummary]
        $summary.IsPartial | Should -BeTrue
        $summary.Failed | Should -BeGreaterOrEqual 4
        $summary.Failed | Should -BeLessOrEqual 5
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -Be 'ErrorBudgetExceeded,LoadTest.Commands.InvokeBoundedRequestCommand'
    }

    It 'is terminating under -ErrorAction Stop' {
        { Invoke-BoundedRequest -Uri "$($server.Uri)status/500?i={0}" -Count 10000 -ThrottleLimit 2 -MaxErrorCount 3 -Summary -ErrorAction Stop } |
            Should -Throw -ErrorId 'ErrorBudgetExceeded,LoadTest.Commands.InvokeBoundedRequestCommand'
    }

    It 'fills -SummaryVariable, partial and with every answered request counted, when Select-Object -First stops the pipeline' {
        $before = $server.RequestCount
        $first = Invoke-BoundedRequest -Uri "$($server.Uri)first/{0}" -Count 100000 -ThrottleLimit 8 -SummaryVariable summary | Select-Object -First 3
        $sent = $server.RequestCount - $before
        $first.Count | Should -Be 3
        $summary | Should -BeOfType [LoadTest.RunSummary]
        $summary.IsPartial | Should -BeTrue
        $summary.StopReason -match '^The run was stopped when its pipeline stopped \(Select-Object -First after it, or an error in another command\) before it finished; (\d+) requests in flight then were cancelled \((\d+) attempts\) and are not counted\.$' | Should -BeTrue
        $cancelled = [int]$Matches[1]
        $cancelled | Should -BeLessOrEqual 8
        # Every answered request is counted, those the pipeline never took too; the server read those and at
        # most the cancelled ones.
        $summary.Count | Should -BeGreaterOrEqual 3
        $sent | Should -BeGreaterOrEqual $summary.Count
        $sent | Should -BeLessOrEqual ($summary.Count + $cancelled)
    }

    It 'counts the answered results that waited for room when a slow pipeline is stopped by Select-Object -First' {
        # The command after the run takes a result every 2 ms or slower: the result buffer fills, and workers wait
        # with answered results in hand when the stop comes.
        $before = $server.RequestCount
        $first = Invoke-BoundedRequest -Uri "$($server.Uri)slow-reader/{0}" -Count 100000 -ThrottleLimit 20 -SummaryVariable summary |
            ForEach-Object { Start-Sleep -Milliseconds 2; $_ } | Select-Object -First 100
        $sent = $server.RequestCount - $before
        $first.Count | Should -Be 100
        $summary.StopReason -match '(\d+) requests in flight then were cancelled \((\d+) attempts\)' | Should -BeTrue
        $cancelled = [int]$Matches[2]
        $sent | Should -BeGreaterOrEqual $summary.Count
        $sent | Should -BeLessOrEqual ($summary.Count + $cancelled)
    }

    It 'fills -SummaryVariable when Select-Object -First stops a run fed by the pipeline' {
        $made = [ref] 0
        $first = & { while ($made.Value -lt 100000) { $made.Value++; "$($server.Uri)first-fed/$($made.Value)" } } |
            Invoke-BoundedRequest -Duration 30 -ThrottleLimit 8 -SummaryVariable summary | Select-Object -First 3
        $first.Count | Should -Be 3
        $summary.IsPartial | Should -BeTrue
        $summary.Count | Should -BeGreaterOrEqual 3
        $made.Value | Should -BeLessThan 100000
    }

    It 'shows the partial summary on the console after Ctrl+C' -Skip:($IsWindows) {
        # A real console process and a real SIGINT, as a user's Ctrl+C.
        $module = (Resolve-Path $ModuleManifest).Path
        $command = "Import-Module '$module'; Invoke-BoundedRequest -Uri '$($server.Uri)x/{0}' -Count 1000000 -ThrottleLimit 8 -Summary; 'not reached'"
        $process = [Environment]::ProcessPath
        $start = [System.Diagnostics.ProcessStartInfo]::new($process)
        if ((Split-Path $process -Leaf) -match '^dotnet') { $start.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
        foreach ($a in '-NoProfile', '-Command', $command) { $start.ArgumentList.Add($a) }
        $start.RedirectStandardOutput = $true
        $before = $server.RequestCount
        $child = [System.Diagnostics.Process]::Start($start)
        try {
            Wait-Until { $server.RequestCount -ge $before + 200 } -TimeoutSec 60
            $output = $child.StandardOutput.ReadToEndAsync()
            # A busy machine may deliver the first signal before the console has its handler: press again, as a user would.
            foreach ($press in 1..6) {
                & kill -INT $child.Id
                if ($child.WaitForExit(10000)) { break }
            }
            $child.HasExited | Should -BeTrue
            $text = $output.Result
            $text | Should -Match '(\d+) requests, 0 failed, .* req/s \(partial: The run was stopped \(Ctrl\+C\) before it finished; \d+ requests in flight then were cancelled \(\d+ attempts\) and are not counted\.\)'
            $text | Should -Match 'Latency \(ms\): P50 '
            $text | Should -Not -Match 'not reached'
        }
        finally {
            if (-not $child.HasExited) { $child.Kill($true) }
        }
    }
}
