# -Stage: rate stages (open model) and ThrottleLimit stages (closed model), ramped linearly; exact plans,
# late and dropped under a too-small limit, nothing sent after the end, and refusals of bad schedules.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $server = Start-TestServer

    # The most requests in flight at once among results, from their start and end times.
    function Get-MostInFlight($Results) {
        $events = foreach ($r in $Results) {
            $start = $r.StartTime.Ticks
            [pscustomobject]@{ At = $start; Step = 1 }
            [pscustomobject]@{ At = $start + [long]($r.ElapsedMs * 10000); Step = -1 }
        }
        $now = 0; $most = 0
        foreach ($e in $events | Sort-Object At, Step) {
            $now += $e.Step
            if ($now -gt $most) { $most = $now }
        }
        $most
    }
}

AfterAll {
    $server | Stop-TestServer
}

Describe 'Rate stages' {
    It 'ramps up, holds and ramps down with exactly the integral of the rate planned and sent' {
        # 0 -> 200 over 1 s (100 requests), 200 for 1 s (200), 200 -> 0 over 1 s (100).
        $stages = @{ Duration = '1s'; RequestsPerSecond = 200 }, @{ Duration = 1; RequestsPerSecond = 200 }, @{ Duration = '1000ms'; RequestsPerSecond = 0 }
        $summary = Invoke-BoundedRequest -Uri "$($server.Uri)x/{0}" -Stage $stages -ThrottleLimit 32 -Summary -Interval 0.5 -WarningVariable warned
        $summary.Planned | Should -Be 400
        # The last request is due 70 ms before the end: sent, even when its wait overshoots on the coarse timer.
        $summary.Sent | Should -Be 400
        $summary.Dropped | Should -Be 0
        $summary.Stages.ToString() | Should -Be '1s to 200 req/s, 1s to 200 req/s, 1s to 0 req/s'
        # The target is the plan over the run's span (400 requests over some 3 s, the last answer a little before the
        # ramp's end), set against the rate achieved over the same span; the peak is the stages' highest rate.
        $summary.TargetRequestsPerSecond | Should -BeGreaterOrEqual (400 / 3)
        $summary.TargetRequestsPerSecond | Should -BeLessOrEqual 145
        [Math]::Abs($summary.RequestsPerSecond - $summary.TargetRequestsPerSecond) / $summary.TargetRequestsPerSecond | Should -BeLessOrEqual 0.02
        $summary.PeakRequestsPerSecond | Should -Be 200
        $summary.Target | Should -Be "$($server.Uri)x/{0}"
        # Each row's planned rate is its share of the plan, per second it covers: they add up to the plan, but for
        # the last fraction of a request planned after the last row with a request in it (the ramp ends at 0).
        $planned = [Math]::Round(($summary.TimeSeries | ForEach-Object { $_.PlannedRequestsPerSecond * $_.CoveredSeconds } | Measure-Object -Sum).Sum, 6)
        $planned | Should -BeGreaterThan 399
        $planned | Should -BeLessOrEqual 400
    }

    It 'starts the first stage from -RequestsPerSecond and follows the line: request n starts when the integral reaches n' {
        # 100 -> 300 over 2 s: rate(t) = 100 + 100 t, requests due by t: 100 t + 50 t^2, 400 in all.
        $results = Invoke-BoundedRequest -Uri "$($server.Uri)x/{0}" -RequestsPerSecond 100 -Stage @{ Duration = '2s'; RequestsPerSecond = 300 } -ThrottleLimit 32 -Summary -Output All -SummaryVariable summary 6>$null
        $summary.Planned | Should -Be 400
        $results.Count + $summary.Dropped | Should -Be 400
        $start = $summary.StartTime
        $late = 0
        foreach ($r in $results) {
            $i = [int]($r.Uri -split '/')[-1]
            $due = (-100 + [Math]::Sqrt(10000 + 200 * $i)) / 100
            $offset = ($r.StartTime - $start).TotalSeconds
            # Never early beyond the timer's granularity (a 4 ms jiffy: .NET timers use the coarse clock on Linux);
            # late only by timer and thread-pool delays.
            $offset | Should -BeGreaterOrEqual ($due - 0.005)
            if ($offset -gt $due + 0.25) { $late++ }
        }
        $late | Should -BeLessThan 20
    }

    It 'counts late and dropped requests under a too-small -ThrottleLimit, sends nothing after the end, and warns with the stages' {
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $all = Invoke-BoundedRequest -Uri "$($server.Uri)delay/50?i={0}" -Stage @{ Duration = '2s'; RequestsPerSecond = 1000 } -ThrottleLimit 4 -Output All -Summary -SummaryVariable summary 3>&1 6>$null
        $clock.Stop()
        $results = @($all | Where-Object { $_ -is [LoadTest.RequestResult] })
        $warnings = @($all | Where-Object { $_ -is [System.Management.Automation.WarningRecord] })
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 6
        $summary.Planned | Should -Be 1000
        $summary.Sent | Should -Be $results.Count
        $summary.Sent + $summary.Dropped | Should -Be 1000
        $summary.Late | Should -BeGreaterThan 0
        ($results | ForEach-Object { ($_.StartTime - $summary.StartTime).TotalSeconds } | Measure-Object -Maximum).Maximum | Should -BeLessThan 2
        $warnings.Count | Should -Be 1
        $warnings[0].Message | Should -BeLike ("The schedule of 2s to 1000 req/s was not kept: of 1,000 planned requests, {0:N0} started more than 1 ms late and {1:N0} were dropped*raise -ThrottleLimit*" -f $summary.Late, $summary.Dropped)
    }

    It 'shows a pause in the schedule as rows of zeros: the time series has a row for every interval' {
        $pause = @{ Duration = '0.5s'; RequestsPerSecond = 100 }, @{ Duration = '10ms'; RequestsPerSecond = 0 }, @{ Duration = '1s'; RequestsPerSecond = 0 },
            @{ Duration = '10ms'; RequestsPerSecond = 100 }, @{ Duration = '0.5s'; RequestsPerSecond = 100 }
        $summary = Invoke-BoundedRequest -Uri "$($server.Uri)x/{0}" -Stage $pause -ThrottleLimit 16 -Summary -Interval 0.25
        $rows = @($summary.TimeSeries)
        for ($i = 1; $i -lt $rows.Count; $i++) {
            ($rows[$i].StartTime - $rows[$i - 1].StartTime).TotalSeconds | Should -Be 0.25
        }
        $quiet = @($rows | Where-Object { $_.Started -eq 0 -and $_.Completed -eq 0 })
        $quiet.Count | Should -BeGreaterOrEqual 2
        foreach ($row in $quiet) {
            $row.InFlight | Should -Be 0
            $row.P99Ms | Should -Be 0
        }
        # Rows wholly inside the pause (0.51 s to 1.51 s after the start) plan nothing; a quiet row at its
        # edges may hold a share of the 10 ms ramps.
        $runStart = $summary.StartTime.ToUniversalTime()
        $inside = @($rows | Where-Object { ($_.StartTime - $runStart).TotalSeconds -ge 0.51 -and ($_.StartTime - $runStart).TotalSeconds + 0.25 -le 1.51 })
        $inside.Count | Should -BeGreaterOrEqual 3
        foreach ($row in $inside) {
            $row.PlannedRequestsPerSecond | Should -Be 0
        }
        ($rows | Measure-Object Started -Sum).Sum | Should -Be $summary.Count
    }

    It 'caps the plan at -Count' {
        $summary = Invoke-BoundedRequest -Uri "$($server.Uri)x/{0}" -Count 30 -Stage @{ Duration = '2s'; RequestsPerSecond = 100 } -Summary
        $summary.Planned | Should -Be 30
        $summary.Count | Should -Be 30
    }
}

Describe 'ThrottleLimit stages' {
    It 'ramps the in-flight limit and never holds more than the stage allows' {
        $results = Invoke-BoundedRequest -Uri "$($server.Uri)delay/40?i={0}" -Stage @{ Duration = '1s'; ThrottleLimit = 6 }, @{ Duration = '1s'; ThrottleLimit = 6 } -Summary -Output All -SummaryVariable summary 6>$null
        $summary.ThrottleLimit | Should -Be 6
        $summary.Planned | Should -Be 0
        Get-MostInFlight $results | Should -Be 6
        # During the ramp (0 -> 6 over the first second) the limit at a request's start was ceil(6 t).
        $early = @($results | Where-Object { ($_.StartTime - $summary.StartTime).TotalSeconds -lt 0.3 })
        Get-MostInFlight $early | Should -BeLessOrEqual 2
        ($results | ForEach-Object { ($_.StartTime - $summary.StartTime).TotalSeconds } | Measure-Object -Maximum).Maximum | Should -BeLessThan 2
    }

    It 'stops starting requests when the limit falls to zero' {
        $summary = Invoke-BoundedRequest -Uri "$($server.Uri)delay/20?i={0}" -Stage @{ Duration = '0.5s'; ThrottleLimit = 4 }, @{ Duration = '0.5s'; ThrottleLimit = 0 }, @{ Duration = '1s'; ThrottleLimit = 0 } -Summary -Interval 0.5
        $summary.Count | Should -BeGreaterThan 10
        $summary.Stages.ToString() | Should -Be '500ms to 4 in flight, 500ms to 0 in flight, 1s to 0 in flight'
        # Nothing starts in the last second, when the limit is 0.
        $runStart = $summary.StartTime.ToUniversalTime()
        $late = @($summary.TimeSeries | Where-Object { ($_.StartTime - $runStart).TotalSeconds -ge 1.0 -and $_.Started -gt 0 })
        $late.Count | Should -Be 0
    }
}

Describe 'Bad schedules are refused before the run starts' {
    It 'refuses <Name>' -ForEach @(
        @{ Name = 'a stage with two targets'; Stage = @{ Duration = '1s'; RequestsPerSecond = 10; ThrottleLimit = 2 }; Match = '*one target*' }
        @{ Name = 'a stage without a target'; Stage = @{ Duration = '1s' }; Match = '*one target*' }
        @{ Name = 'a zero duration'; Stage = @{ Duration = 0; RequestsPerSecond = 10 }; Match = '*longer than zero*' }
        @{ Name = 'mixed models'; Stage = @(@{ Duration = '1s'; RequestsPerSecond = 10 }, @{ Duration = '1s'; ThrottleLimit = 2 }); Match = '*mixes rate stages*' }
        @{ Name = 'a negative rate'; Stage = @{ Duration = '1s'; RequestsPerSecond = -1 }; Match = '*zero or more*' }
        @{ Name = 'a schedule that sends nothing'; Stage = @{ Duration = '1s'; ThrottleLimit = 0 }; Match = '*send nothing*' }
    ) {
        $err = $null
        try { Invoke-BoundedRequest -Uri "$($server.Uri)x" -Stage $Stage -Summary -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidStage,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -BeLike $Match
        $server.ReceivedCount | Should -Be $server.ReceivedCount
    }

    It 'refuses -Stage with -Duration' {
        { Invoke-BoundedRequest -Uri "$($server.Uri)x" -Stage @{ Duration = '1s'; RequestsPerSecond = 10 } -Duration 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidStage,LoadTest.Commands.InvokeBoundedRequestCommand' -ExpectedMessage '*cannot be used together*'
    }

    It 'refuses <Name> while binding' -ForEach @(
        @{ Name = 'an unknown key'; Stage = @{ Duration = '1s'; Rps = 10 }; Match = "*Stage 1: it has a key 'Rps'*" }
        @{ Name = 'a duration that is not one'; Stage = @{ Duration = 'soon'; RequestsPerSecond = 10 }; Match = "*Stage 1: its Duration 'soon' is not a duration*" }
        @{ Name = 'a fractional limit'; Stage = @{ Duration = '1s'; ThrottleLimit = 2.5 }; Match = '*not a whole number*' }
        @{ Name = 'something that is not a stage'; Stage = 'fast'; Match = "*'fast' is not a stage*" }
    ) {
        { Invoke-BoundedRequest -Uri "$($server.Uri)x" -Stage $Stage -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentTransformationError,LoadTest.Commands.InvokeBoundedRequestCommand' -ExpectedMessage $Match
    }

    It 'reads stages from Import-Csv rows and LoadStage objects' {
        $rows = "Duration,RequestsPerSecond`n0.5s,100`n0.5s,100" | ConvertFrom-Csv
        $summary = Invoke-BoundedRequest -Uri "$($server.Uri)x/{0}" -Stage $rows -Summary
        $summary.Planned | Should -Be 75
        $stage = [LoadTest.LoadStage]@{ Duration = [TimeSpan]::FromSeconds(0.5); RequestsPerSecond = 100 }
        (Invoke-BoundedRequest -Uri "$($server.Uri)x/{0}" -Stage $stage -Summary).Planned | Should -Be 25
        # As they come back from remoting (-Session passes -Stage on) or Clixml: their unset target is null.
        $path = Join-Path $TestDrive 'stage.xml'
        $stage | Export-Clixml $path
        (Invoke-BoundedRequest -Uri "$($server.Uri)x/{0}" -Stage (Import-Clixml $path) -Summary).Planned | Should -Be 25
    }
}

Describe 'Stages as data, and targets that say what they mean' {
    BeforeAll {
        # Up to 200 req/s over 0.5 s, then down to 0 over 0.5 s: 100 requests planned over 1 s.
        $ramp = @{ Duration = '500ms'; RequestsPerSecond = 200 }, @{ Duration = '500ms'; RequestsPerSecond = 0 }
        $staged = Invoke-BoundedRequest -Uri "$($server.Uri)data/{0}" -Stage $ramp -Summary -WarningAction SilentlyContinue
    }

    It 'keeps each stage with its start, duration and target' {
        $staged.Stages.Count | Should -Be 2
        $staged.Stages[0] | Should -BeOfType 'LoadTest.RunStage'
        $staged.Stages[0].StartTime | Should -Be $staged.StartTime
        $staged.Stages[1].StartTime | Should -Be $staged.StartTime.AddMilliseconds(500)
        $staged.Stages.Duration | Should -Be @([TimeSpan]::FromMilliseconds(500), [TimeSpan]::FromMilliseconds(500))
        $staged.Stages.RequestsPerSecond | Should -Be @(200, 0)
        $staged.Stages[0].ThrottleLimit | Should -BeNullOrEmpty
        $staged.Stages.ToString() | Should -Be '500ms to 200 req/s, 500ms to 0 req/s'
        ($staged | Format-List | Out-String -Width 200) | Should -Match 'Stages\s+: 500ms to 200 req/s, 500ms to 0 req/s'
    }

    It 'keeps the stages as data through Export-Clixml, ConvertTo-Json and Merge-RunSummary' {
        $file = Join-Path $TestDrive 'staged.xml'
        $staged | Export-Clixml $file
        $copies = (Import-Clixml $file), ($staged | ConvertTo-Json -Depth 6 | ConvertFrom-Json)
        foreach ($copy in $copies) {
            $merged = $copy | Merge-RunSummary
            $merged.Stages.ToString() | Should -Be '500ms to 200 req/s, 500ms to 0 req/s'
            $merged.Stages[1].StartTime.ToUniversalTime() | Should -Be $staged.Stages[1].StartTime.ToUniversalTime()
            $merged.Stages[1].Duration | Should -Be ([TimeSpan]::FromMilliseconds(500))
            $merged.Stages[1].RequestsPerSecond | Should -Be 0
        }
    }

    It 'keeps a schedule run side by side once, and the schedules of runs one after another each' {
        ($staged, $staged | Merge-RunSummary).Stages.Count | Should -Be 2
        $later = Invoke-BoundedRequest -Uri "$($server.Uri)later/{0}" -Stage @{ Duration = '250ms'; RequestsPerSecond = 40 } -Summary -WarningAction SilentlyContinue
        $both = $staged, $later | Merge-RunSummary
        $both.Stages.ToString() | Should -Be '500ms to 200 req/s, 500ms to 0 req/s; 250ms to 40 req/s'
        $both.Stages[2].StartTime | Should -Be $later.StartTime
    }

    It 'shows the plan over the run''s span as its target, and the peak as a peak' {
        # 100 requests planned over 1 s; the last is due some 70 ms before the ramp's end, and the span ends with its
        # answer: the plan's rate over the span is a little over 100 req/s, as the rate achieved over it. The peak is 200.
        $staged.Planned | Should -Be 100
        $staged.TargetRequestsPerSecond | Should -BeGreaterOrEqual 100
        $staged.TargetRequestsPerSecond | Should -BeLessOrEqual 112
        [Math]::Abs($staged.RequestsPerSecond - $staged.TargetRequestsPerSecond) / $staged.TargetRequestsPerSecond | Should -BeLessOrEqual 0.02
        $staged.PeakRequestsPerSecond | Should -Be 200
        ($staged | Format-List | Out-String -Width 200) | Should -Match 'RequestsPerSecond\s+: [\d.,]+ \(planned 1[01]\d\.\d; peak 200\.0\)'
        # A held rate shows that rate, and no peak.
        $held = Invoke-BoundedRequest -Uri "$($server.Uri)held/{0}" -RequestsPerSecond 200 -Duration 1 -Summary -WarningAction SilentlyContinue
        $held.TargetRequestsPerSecond | Should -Be 200
        $held.PeakRequestsPerSecond | Should -Be 200
        ($held | Format-List | Out-String -Width 200) | Should -Match '(?m)RequestsPerSecond\s+: [\d.,]+ \(planned 200\.0\)\s*$' -Because 'a held rate has no peak of its own'
    }

    It 'says what a merge''s target means: runs side by side add up, runs one after another do not' {
        $held = Invoke-BoundedRequest -Uri "$($server.Uri)a/{0}" -RequestsPerSecond 100 -Duration 0.5 -Summary -WarningAction SilentlyContinue
        $next = Invoke-BoundedRequest -Uri "$($server.Uri)b/{0}" -RequestsPerSecond 100 -Duration 0.5 -Summary -WarningAction SilentlyContinue
        # The same run twice is two runs side by side: twice the plan over the same span (which a merge counts to
        # the last answer: a few milliseconds after the plan's end, at most).
        $side = $held, $held | Merge-RunSummary
        $side.TargetRequestsPerSecond | Should -BeLessOrEqual 200
        $side.TargetRequestsPerSecond | Should -BeGreaterThan 196
        $side.PeakRequestsPerSecond | Should -Be 200
        # One after another: the plan of both over the whole span, and a peak of 100, not 200.
        $after = $held, $next | Merge-RunSummary
        $after.PeakRequestsPerSecond | Should -Be 100
        $after.TargetRequestsPerSecond | Should -BeLessThan 100
        $expected = ($held.Planned + $next.Planned) / $after.ElapsedSeconds
        # Within 5 %: the span ends with the last answer, which a busy machine delays.
        [Math]::Abs($after.TargetRequestsPerSecond - $expected) / $expected | Should -BeLessThan 0.05
    }
}
