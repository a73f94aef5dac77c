# A summary's percentiles as a text chart for the terminal: one line each, bars as long as the latency.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $server = Start-TestServer -MaxDelayMs 30
    $base = $server.Uri.ToString()


    # P50 to P95 5.003, P99 20.015, P99.9 and up 100.031.
    $known = New-KnownSummary @(@{ Count = 980; Ms = 5 }, @{ Count = 15; Ms = 20 }, @{ Count = 5; Ms = 100 })
    $run = Invoke-BoundedRequest -Uri "${base}s/{0}" -Count 1000 -ThrottleLimit 20 -Summary
    $block = [char]0x2588
}

AfterAll {
    $server | Stop-TestServer
}

Describe 'Show-RunHistogram' {
    It 'writes a title and one line per percentile, P50 to Max, bars in proportion to the latency' {
        $lines = $known | Show-RunHistogram
        $lines.Count | Should -Be 9
        $lines[0] | Should -BeOfType 'string'
        $lines[0] | Should -BeExactly 'Latency in ms of 1,000 requests'
        # 80 columns: 9 for the label, 12 for the value, a space, 58 for the longest bar.
        $lines[1] | Should -BeExactly (' P50            5.003 ' + [string]::new($block, 3))
        $lines[5] | Should -BeExactly (' P99           20.015 ' + [string]::new($block, 12))
        $lines[6] | Should -BeExactly (' P99.9        100.031 ' + [string]::new($block, 58))
        $lines[8] | Should -BeExactly (' Max          100.031 ' + [string]::new($block, 58))
        ($lines | ForEach-Object { ($_ -split ' ')[1] }) | Select-Object -Skip 1 |
            Should -Be @('P50', 'P75', 'P90', 'P95', 'P99', 'P99.9', 'P99.99', 'Max')
        ($lines | Measure-Object Length -Maximum).Maximum | Should -Be 80
    }

    It 'fits a real run in 80 columns, its P99 line showing the summary''s P99Ms' {
        $lines = $run | Show-RunHistogram
        $lines.Count | Should -Be 9
        ($lines | Measure-Object Length -Maximum).Maximum | Should -BeLessOrEqual 80
        $p99 = @($lines | Where-Object { $_ -match '^ P99 ' })
        $p99.Count | Should -Be 1
        $p99[0] | Should -Match ('^ P99 +{0} {1}+$' -f [regex]::Escape($run.P99Ms.ToString('0.000', [cultureinfo]::InvariantCulture)), $block)
        $lines[-1] | Should -Match ('^ Max +{0} {1}{{58}}$' -f [regex]::Escape($run.MaxMs.ToString('0.000', [cultureinfo]::InvariantCulture)), $block)
        # Longer latency, longer bar.
        $bars = $lines | Select-Object -Skip 1 | ForEach-Object { ($_ -replace "^[^$block]*", '').Length }
        for ($i = 1; $i -lt $bars.Count; $i++) { $bars[$i] | Should -BeGreaterOrEqual $bars[$i - 1] }
    }

    It 'keeps every line within -Width' {
        $lines = $known | Show-RunHistogram -Width 40
        ($lines | Measure-Object Length -Maximum).Maximum | Should -Be 40
        $lines[-1] | Should -BeExactly (' Max          100.031 ' + [string]::new($block, 18))
        { $known | Show-RunHistogram -Width 20 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,LoadTest.Commands.ShowRunHistogramCommand'
    }

    It 'shows the percentiles asked for' {
        $lines = $known | Show-RunHistogram 50, 99.99, 100
        $lines.Count | Should -Be 4
        $lines[2] | Should -BeExactly (' P99.99       100.031 ' + [string]::new($block, 58))
        $lines[3] | Should -Match '^ Max '
    }

    It 'shows the corrected latency with -Corrected' {
        $copy = $known | ConvertTo-Json -Depth 5 | ConvertFrom-Json
        $copy.CorrectedHistogram = $run.Histogram
        $lines = $copy | Show-RunHistogram -Corrected
        $lines[0] | Should -BeExactly 'Corrected latency in ms of 1,000 requests'
        $lines[5] | Should -Match ('^ P99 +{0} ' -f [regex]::Escape($run.P99Ms.ToString('0.000', [cultureinfo]::InvariantCulture)))
    }

    It 'shows a chart per summary, and skips input that is not one with InvalidSummary' {
        $lines = $known, 'text', $run | Show-RunHistogram -ErrorVariable errors -ErrorAction SilentlyContinue
        $lines.Count | Should -Be 18
        $lines[9] | Should -BeExactly 'Latency in ms of 1,000 requests'
        $errors.FullyQualifiedErrorId | Should -Be 'InvalidSummary,LoadTest.Commands.ShowRunHistogramCommand'
    }
}

Describe 'Show-RunHistogram -OverTime' {
    BeforeAll {
        $spark = [string[]][char[]](0x2581..0x2588)

        # A summary with the rows asked for, 1 s apart: @{ At = 0; Completed = 100; P99Ms = 10 } (At counts intervals).
        function New-SeriesSummary([hashtable[]] $Row, [double] $Interval = 1) {
            $start = [datetime]::new(2026, 1, 1, 0, 0, 0, [DateTimeKind]::Utc)
            $rows = foreach ($r in $Row) {
                [pscustomobject]@{
                    StartTime = $start.AddSeconds($r.At * $Interval); IntervalSeconds = $Interval; Started = $r.Completed; Completed = $r.Completed
                    Failed = 0; P50Ms = $r.P99Ms / 2; P99Ms = $r.P99Ms; CorrectedP99Ms = if ($r.ContainsKey('CorrectedP99Ms')) { $r.CorrectedP99Ms } else { $r.P99Ms }
                    StatusCodeCounts = "200=$($r.Completed)"; ErrorKindCounts = ''
                }
            }
            [pscustomobject]@{
                Count = $known.Count; Failed = 0; P50Ms = $known.P50Ms; Histogram = $known.Histogram; CorrectedHistogram = $known.CorrectedHistogram
                TimeSeries = @($rows)
            }
        }
    }

    It 'draws the rate and the P99 of each interval, eight heights from zero to the highest' {
        $summary = New-SeriesSummary @(1..8 | ForEach-Object { @{ At = $_ - 1; Completed = 100 * $_; P99Ms = 10 * $_ } })
        $lines = $summary | Show-RunHistogram -OverTime
        $lines.Count | Should -Be 3
        $lines[0] | Should -BeExactly 'Rate and P99 over 8 s, 1 s a column'
        $lines[1] | Should -BeExactly ('req/s  ' + ($spark -join '') + ' max 800.0')
        $lines[2] | Should -BeExactly ('P99 ms ' + ($spark -join '') + ' max 80')
    }

    It 'leaves a column blank for an interval in which nothing completed' {
        $summary = New-SeriesSummary @(@{ At = 0; Completed = 50; P99Ms = 4 }, @{ At = 1; Completed = 100; P99Ms = 8 }, @{ At = 3; Completed = 100; P99Ms = 8 })
        $lines = $summary | Show-RunHistogram -OverTime
        $lines[0] | Should -BeExactly 'Rate and P99 over 4 s, 1 s a column'
        $lines[1] | Should -BeExactly ('req/s  ' + $spark[3] + $spark[7] + ' ' + $spark[7] + ' max 100.0')
        $lines[2] | Should -BeExactly ('P99 ms ' + $spark[3] + $spark[7] + ' ' + $spark[7] + ' max 8')
    }

    It 'fits many intervals in -Width: a column holds several, with their mean rate and their highest P99' {
        # 200 intervals alternating 0 and 200 answers: every column of 4 has a mean of 100 req/s.
        $summary = New-SeriesSummary @(0..199 | ForEach-Object { @{ At = $_; Completed = 200 * ($_ % 2); P99Ms = $_ + 1 } })
        $lines = $summary | Show-RunHistogram -OverTime
        # 80 columns: 7 for the label, 10 kept for " max 200.0", 63 left: 4 intervals a column, 50 columns.
        $lines[0] | Should -BeExactly 'Rate and P99 over 3 min 20 s, 4 s a column'
        $lines[1] | Should -BeExactly ('req/s  ' + [string]::new($spark[7], 50) + ' max 100.0')
        $lines[2] | Should -Match ('^P99 ms [{0}]{{50}} max 200$' -f ($spark -join ''))
        $lines[2].Substring(7, 50)[-1] | Should -Be $spark[7]
        ($lines | Measure-Object Length -Maximum).Maximum | Should -BeLessOrEqual 80
        $narrow = $summary | Show-RunHistogram -OverTime -Width 40
        ($narrow | Measure-Object Length -Maximum).Maximum | Should -BeLessOrEqual 40
        # 40 columns: 23 left for the spark, 9 intervals a column, 23 columns (the last holds 2).
        $narrow[0] | Should -BeExactly 'Rate and P99 over 3 min 20 s, 9 s a colu'
        $narrow[1] | Should -Match ('^req/s  [{0}]{{23}} max ' -f ($spark -join ''))
    }

    It 'shows the corrected P99 with -Corrected' {
        $summary = New-SeriesSummary @(@{ At = 0; Completed = 10; P99Ms = 5; CorrectedP99Ms = 50 }, @{ At = 1; Completed = 10; P99Ms = 5; CorrectedP99Ms = 100 })
        $lines = $summary | Show-RunHistogram -OverTime -Corrected
        $lines[0] | Should -BeExactly 'Rate and corrected P99 over 2 s, 1 s a column'
        $lines[2] | Should -BeExactly ('P99 ms ' + $spark[3] + $spark[7] + ' max 100')
    }

    It 'fits a real run in 80 columns, its P99 line topped by the slowest interval''s P99' {
        $lines = $run | Show-RunHistogram -OverTime
        $lines.Count | Should -Be 3
        ($lines | Measure-Object Length -Maximum).Maximum | Should -BeLessOrEqual 80
        $lines[0] | Should -Match '^Rate and P99 over [\d.]+ s, [\d.]+ s a column$'
        $lines[1] | Should -Match ('^req/s  [ {0}]+ max [\d,]+\.\d$' -f ($spark -join ''))
        $top = ($run.TimeSeries | Where-Object Completed -GT 0 | Measure-Object P99Ms -Maximum).Maximum
        $lines[2] | Should -BeLikeExactly ('P99 ms * max ' + $top.ToString('#,0.###', [cultureinfo]::InvariantCulture))
    }

    It 'says so for a summary without a time series, and takes no -Percentile' {
        $summary = New-SeriesSummary @()
        $summary.TimeSeries = @()
        $summary | Show-RunHistogram -OverTime | Should -BeExactly 'Rate and P99: the summary has no time series'
        { $known | Show-RunHistogram -Percentile 50 -OverTime } | Should -Throw -ErrorId 'AmbiguousParameterSet,LoadTest.Commands.ShowRunHistogramCommand'
    }
}
