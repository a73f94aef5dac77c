# The time series in every summary: rows that add up to the summary, agree with the results, merge
# exactly, stay bounded, and survive the round trips a summary takes.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $server = Start-TestServer -MaxDelayMs 30

    # The row of the interval a result completed in (UTC ticks, on the interval's boundary).
    function Get-CompletionKey($Result, [long] $IntervalTicks) {
        $end = $Result.StartTime.ToUniversalTime().AddMilliseconds($Result.ElapsedMs).Ticks
        $end - ($end % $IntervalTicks)
    }
}

AfterAll {
    $server | Stop-TestServer
}

Describe 'The time series of a summary' {
    BeforeAll {
        $results = Invoke-BoundedRequest -Uri "$($server.Uri)flaky/10?i={0}" -Count 3000 -ThrottleLimit 16 -RequestsPerSecond 1500 -Interval 0.25 -Output All -Summary -SummaryVariable summary
        $results = @($results | Where-Object { $_ -is [LoadTest.RequestResult] })
        $rows = $summary.TimeSeries
    }

    It 'has rows a quarter second apart, on wall-clock boundaries' {
        $rows.Count | Should -BeGreaterOrEqual 8
        $rows.IntervalSeconds | Sort-Object -Unique | Should -Be 0.25
        foreach ($row in $rows) {
            $row.StartTime.Kind | Should -Be 'Utc'
            $row.StartTime.Ticks % [TimeSpan]::FromMilliseconds(250).Ticks | Should -Be 0
        }
    }

    It 'plans each row''s share of the schedule: the whole rate inside the run, part of it in the first and last rows' {
        $runStart = $summary.StartTime.ToUniversalTime()
        $runEnd = $runStart.AddSeconds(2)
        foreach ($row in $rows) {
            if ($row.StartTime -ge $runStart -and $row.StartTime.AddSeconds(0.25) -le $runEnd) {
                $row.PlannedRequestsPerSecond | Should -Be 1500
            }
            else {
                $row.PlannedRequestsPerSecond | Should -BeLessOrEqual 1500
            }
        }
        # Rates are per second of the time a row covers: the first row covers from the run's start.
        [Math]::Round(($rows | ForEach-Object { $_.PlannedRequestsPerSecond * $_.CoveredSeconds } | Measure-Object -Sum).Sum, 6) | Should -Be $summary.Planned
    }

    It 'begins in the interval the schedule starts in, though the first request starts intervals later' {
        # 60 ms at 0 req/s, then 100 req/s: nothing starts in the first six 10 ms intervals.
        $late = Invoke-BoundedRequest -Uri "$($server.Uri)p/{0}" -Stage @{ Duration = '60ms'; RequestsPerSecond = 0 }, @{ Duration = '100ms'; RequestsPerSecond = 100 }, @{ Duration = '100ms'; RequestsPerSecond = 100 } -Interval 0.01 -Summary
        $start = $late.StartTime.ToUniversalTime()
        $first = $late.TimeSeries[0].StartTime
        $first | Should -BeLessOrEqual $start
        $first.AddSeconds(0.01) | Should -BeGreaterThan $start
        $late.TimeSeries[0..4].Started | Should -Be @(0, 0, 0, 0, 0)
    }

    It 'adds up exactly to the summary''s counts' {
        ($rows | Measure-Object Completed -Sum).Sum | Should -Be $summary.Count
        ($rows | Measure-Object Started -Sum).Sum | Should -Be $summary.Count
        ($rows | Measure-Object Failed -Sum).Sum | Should -Be $summary.Failed
        ($rows | Measure-Object BytesReceived -Sum).Sum | Should -Be $summary.BytesReceived
        $errors = ($rows.ErrorKindCounts | Where-Object { $_ } | ForEach-Object { $_ -split '; ' } | ForEach-Object { [long]($_ -split '=')[1] } | Measure-Object -Sum).Sum
        $errors | Should -Be $summary.Failed
        $rows[-1].InFlight | Should -Be 0
    }

    It 'agrees with the results that completed in each interval' {
        $ticks = [TimeSpan]::FromMilliseconds(250).Ticks
        $groups = $results | Group-Object { Get-CompletionKey $_ $ticks } -AsHashTable
        foreach ($row in $rows | Where-Object Completed -GT 0) {
            $mine = @($groups[$row.StartTime.Ticks])
            $mine.Count | Should -Be $row.Completed
            @($mine | Where-Object { -not $_.Success }).Count | Should -Be $row.Failed
            # HDR histograms keep 3 significant digits: the slowest value agrees within 0.1 %.
            $max = ($mine | Measure-Object ElapsedMs -Maximum).Maximum
            [Math]::Abs($row.MaxMs - $max) | Should -BeLessOrEqual ([Math]::Max(0.002, $max * 0.001))
            $sorted = @($mine.ElapsedMs | Sort-Object)
            $median = $sorted[[Math]::Ceiling($sorted.Count * 0.5) - 1]
            [Math]::Abs($row.P50Ms - $median) | Should -BeLessOrEqual ([Math]::Max(0.002, $median * 0.001))
        }
    }

    It 'writes rows that Export-Csv and Import-Csv keep readable' {
        $file = Join-Path $TestDrive 'series.csv'
        $rows | Export-Csv $file
        $back = Import-Csv $file
        $back.Count | Should -Be $rows.Count
        # The first interval may hold only starts (the run can begin just before a boundary): check a row with answers.
        $i = [array]::FindIndex([object[]]$rows, [Predicate[object]] { param($r) $r.Completed -gt 0 })
        [long]$back[$i].Completed | Should -Be $rows[$i].Completed
        $back[$i].StatusCodeCounts | Should -Be $rows[$i].StatusCodeCounts
        $back[$i].StatusCodeCounts | Should -Match '^(\d{3}=\d+)(; \d{3}=\d+)*$'
    }

    It 'survives Export-Clixml and ConvertTo-Json, merging back to the same rows' {
        $file = Join-Path $TestDrive 'summary.xml'
        $summary | Export-Clixml $file
        $fromXml = Import-Clixml $file | Merge-RunSummary
        $fromJson = $summary | ConvertTo-Json -Depth 6 | ConvertFrom-Json | Merge-RunSummary
        foreach ($back in $fromXml, $fromJson) {
            $back.TimeSeries.Count | Should -Be $rows.Count
            for ($i = 0; $i -lt $rows.Count; $i++) {
                $back.TimeSeries[$i].StartTime | Should -Be $rows[$i].StartTime
                $back.TimeSeries[$i].Completed | Should -Be $rows[$i].Completed
                $back.TimeSeries[$i].P99Ms | Should -Be $rows[$i].P99Ms
                $back.TimeSeries[$i].StatusCodeCounts | Should -Be $rows[$i].StatusCodeCounts
            }
        }
    }
}

Describe 'Time series of runs side by side' {
    It 'merge exactly: each merged row holds the rows of the same interval of every part' {
        $a = Invoke-BoundedRequest -Uri "$($server.Uri)a/{0}" -Count 600 -RequestsPerSecond 400 -Interval 0.5 -Summary
        $b = Invoke-BoundedRequest -Uri "$($server.Uri)b/{0}" -Count 600 -StartIndex 600 -RequestsPerSecond 400 -Interval 0.5 -Summary
        $merged = $a, $b | Merge-RunSummary
        ($merged.TimeSeries | Measure-Object Completed -Sum).Sum | Should -Be 1200
        foreach ($row in $merged.TimeSeries) {
            $parts = @($a.TimeSeries + $b.TimeSeries | Where-Object StartTime -EQ $row.StartTime)
            $row.Completed | Should -Be (($parts | Measure-Object Completed -Sum).Sum)
            $row.MaxMs | Should -Be (($parts | Measure-Object MaxMs -Maximum).Maximum)
        }
    }

    It 'keeps its memory when a run passes 2,000 rows and the interval doubles' {
        # 10 ms rows for 22 s: the rows pass 2,000 at 20 s. Doubling used to bring every merged row's live
        # histograms back (190 KB each) and keep them for reuse: a process of 170 MB went to 850 MB (and on a
        # 70-minute run at 1 s rows, to 1.7 GB). In a child process, so that its peak working set is the run's.
        $script = @"
Import-Module '$ModuleManifest'
`$self = [Diagnostics.Process]::GetCurrentProcess()
`$state = [hashtable]::Synchronized(@{ Running = `$true; Peak = 0L })
`$sampler = Start-ThreadJob -ArgumentList `$self, `$state -ScriptBlock {
    param(`$Process, `$State)
    while (`$State.Running) { `$Process.Refresh(); `$State.Peak = [Math]::Max(`$State.Peak, `$Process.WorkingSet64); Start-Sleep -Milliseconds 100 }
}
`$s = Invoke-BoundedRequest -Uri '$($server.Uri)m/{0}' -Duration 00:00:22 -RequestsPerSecond 500 -Interval 0.01 -Summary 3>`$null
`$state.Running = `$false
`$sampler | Wait-Job | Remove-Job
'{0} {1} {2}' -f `$s.TimeSeries[0].IntervalSeconds, `$s.Failed, [long](`$state.Peak / 1MB)
"@
        $command = Get-PwshCommand
        $out = & $command[0] @($command | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $script
        $interval, $failed, $peakMB = "$(@($out)[-1])".Trim() -split ' '
        $interval | Should -Be '0.02' -Because "the interval doubled ($out)"
        $failed | Should -Be '0'
        [long]$peakMB | Should -BeLessThan 450
    }

    It 'keeps at most 2,000 rows, doubling the interval, and loses no request' {
        # 3,000 one-request summaries a second apart: more seconds than a series keeps rows.
        $one = Invoke-BoundedRequest -Uri "$($server.Uri)one" -Summary
        $row = $one.TimeSeries[0]
        $start = [datetime]::new(2026, 1, 1, 0, 0, 0, [DateTimeKind]::Utc)
        $parts = foreach ($i in 0..2999) {
            $copy = [pscustomobject]@{
                Count = 1; Failed = 0; Retries = 0; BytesReceived = $one.BytesReceived; ThrottleLimit = 1; TargetRequestsPerSecond = 0
                StartTime = $start.AddSeconds($i); Elapsed = [TimeSpan]::FromSeconds(1); StopReason = $null
                StatusCodeCounts = @{ '200' = 1 }; ErrorKindCounts = @{}; P50Ms = $one.P50Ms
                Histogram = $one.Histogram; CorrectedHistogram = $one.CorrectedHistogram
                TimeSeries = @([pscustomobject]@{
                        StartTime = $start.AddSeconds($i); IntervalSeconds = 1; Started = 1; Completed = 1; Failed = 0; BytesReceived = $row.BytesReceived
                        InFlight = 0; PlannedRequestsPerSecond = 0; StatusCodeCounts = '200=1'; ErrorKindCounts = ''; P50Ms = $row.P50Ms
                        Histogram = $row.Histogram; CorrectedHistogram = $row.CorrectedHistogram
                    })
            }
            $copy
        }
        $merged = $parts | Merge-RunSummary
        $merged.Count | Should -Be 3000
        $merged.TimeSeries.Count | Should -Be 1500
        $merged.TimeSeries.IntervalSeconds | Sort-Object -Unique | Should -Be 2
        ($merged.TimeSeries | Measure-Object Completed -Sum).Sum | Should -Be 3000
        ($merged.TimeSeries | Measure-Object Completed -Maximum).Maximum | Should -Be 2
    }
}

Describe 'Rates per second of the time a row covers' {
    BeforeAll {
        # Warm the client and the server first: a cold start (JIT, connections) is not what this measures.
        $null = Invoke-BoundedRequest -Uri "$($server.Uri)warm/{0}" -RequestsPerSecond 300 -Duration 1 -Summary -WarningAction SilentlyContinue
        # Rows of a second: a busy machine that holds the client up for a few milliseconds moves a request or two between rows.
        $held = Invoke-BoundedRequest -Uri "$($server.Uri)held/{0}" -RequestsPerSecond 300 -Duration 10 -Interval 1 -Summary -WarningAction SilentlyContinue
    }

    It 'charts a run held at 300 req/s for 10 s flat: every row within 5 % of 300, the first and the last too' {
        $rows = @($held.TimeSeries)
        $rows.Count | Should -BeGreaterOrEqual 9
        # Ten rows of 1 s, plus a partial row for the last answers, which a busy machine may push into an eleventh second.
        $rows.Count | Should -BeLessOrEqual 12
        foreach ($row in $rows) {
            [Math]::Abs($row.RequestsPerSecond - 300) / 300 | Should -BeLessOrEqual 0.05 -Because "the row at $($row.StartTime.ToString('HH:mm:ss.fff')) covers $($row.CoveredSeconds) s with $($row.Completed) answers"
            # The last row covers to the last answer, which may come a few milliseconds after the plan's end.
            [Math]::Abs($row.PlannedRequestsPerSecond - 300) / 300 | Should -BeLessOrEqual 0.02
        }
        # Only the edges cover less than their interval; the rows between count their rate over a whole one.
        foreach ($row in $rows[2..($rows.Count - 3)]) {
            $row.CoveredSeconds | Should -Be 1
            $row.RequestsPerSecond | Should -Be $row.Completed
        }
        foreach ($edge in $rows[0], $rows[-1]) {
            $edge.CoveredSeconds | Should -BeGreaterThan 0
            $edge.CoveredSeconds | Should -BeLessOrEqual 1
        }
        ($rows | Measure-Object Completed -Sum).Sum | Should -Be $held.Count
        ($rows | Measure-Object CoveredSeconds -Sum).Sum | Should -BeGreaterOrEqual 9.99
    }

    It 'draws the held run flat in Show-RunHistogram -OverTime, its edges included' {
        $lines = $held | Show-RunHistogram -OverTime -Width 80
        $lines[1] | Should -Match '^req/s  (\S+) max '
        $sparks = [regex]::Match($lines[1], '^req/s  (\S+) max ').Groups[1].Value
        $sparks.ToCharArray() | Sort-Object -Unique | Should -Be ([char]0x2588)
    }

    It 'carries the start lag and the late starts of each row, and the summary''s' {
        $held.StartLag.P50Ms | Should -BeGreaterOrEqual 0
        $held.StartLag.MaxMs | Should -BeGreaterOrEqual $held.StartLag.P99Ms
        ($held.TimeSeries | Measure-Object Late -Sum).Sum | Should -Be $held.Late
        foreach ($row in $held.TimeSeries) {
            $row.StartLagMaxMs | Should -BeGreaterOrEqual $row.StartLagP50Ms
            $row.StartLagHistogram | Should -Not -BeNullOrEmpty
        }
    }

    It 'leaves the encoded histograms out of Format-List of a row, and keeps them in JSON and Clixml' {
        $row = $held.TimeSeries[3]
        $text = $row | Format-List | Out-String -Width 200
        $text | Should -Not -Match 'Histogram'
        $text | Should -Match 'StartLagP99Ms'
        $text | Should -Match 'CoveredSeconds'
        ($row | ConvertTo-Json | ConvertFrom-Json).StartLagHistogram | Should -Be $row.StartLagHistogram
        $file = Join-Path $TestDrive 'row.xml'
        $row | Export-Clixml $file
        (Import-Clixml $file).CorrectedHistogram | Should -Be $row.CorrectedHistogram
    }

    It 'gives a short run finer rows by default (a 10 s run some 40), and keeps -Interval when given' {
        $ten = Invoke-BoundedRequest -Uri "$($server.Uri)ten/{0}" -RequestsPerSecond 20 -Duration 10 -Summary -WarningAction SilentlyContinue
        $ten.TimeSeries[0].IntervalSeconds | Should -Be 0.25
        $ten.TimeSeries.Count | Should -BeGreaterOrEqual 39
        $short = Invoke-BoundedRequest -Uri "$($server.Uri)short/{0}" -RequestsPerSecond 100 -Duration 4 -Summary -WarningAction SilentlyContinue
        $short.TimeSeries[0].IntervalSeconds | Should -Be 0.1
        $short.TimeSeries.Count | Should -BeGreaterOrEqual 39
        $given = Invoke-BoundedRequest -Uri "$($server.Uri)given/{0}" -RequestsPerSecond 100 -Duration 2 -Interval 0.5 -Summary -WarningAction SilentlyContinue
        $given.TimeSeries[0].IntervalSeconds | Should -Be 0.5
        # A run whose length is not known keeps 1 s rows.
        (Invoke-BoundedRequest -Uri "$($server.Uri)count/{0}" -Count 20 -Summary).TimeSeries[0].IntervalSeconds | Should -Be 1
    }

    It 'carries a closed model''s in-flight target in its rows, not a planned rate of 0' {
        $closed = Invoke-BoundedRequest -Uri "$($server.Uri)closed/{0}" -Stage @{ Duration = '1s'; ThrottleLimit = 8 }, @{ Duration = '1s'; ThrottleLimit = 8 } -Interval 0.25 -Summary
        $rows = @($closed.TimeSeries)
        $rows.PlannedRequestsPerSecond | Sort-Object -Unique | Should -Be 0
        # The limit ramps from 0 to 8 over the first second (a mean of 1 in its first quarter, 7 in its fourth), then holds.
        $holding = @($rows | Where-Object { ($_.StartTime - $closed.StartTime.ToUniversalTime()).TotalSeconds -ge 1 -and ($_.StartTime - $closed.StartTime.ToUniversalTime()).TotalSeconds -le 1.5 })
        $holding.Count | Should -BeGreaterOrEqual 1
        $holding.PlannedInFlight | Sort-Object -Unique | Should -Be 8
        foreach ($row in $rows) {
            $row.PlannedInFlight | Should -BeGreaterThan 0
            $row.PlannedInFlight | Should -BeLessOrEqual 8
        }
    }
}
