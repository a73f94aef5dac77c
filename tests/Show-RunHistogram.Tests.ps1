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
