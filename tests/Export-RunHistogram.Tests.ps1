# The .hgrm percentile distribution, as HdrHistogram's OutputPercentileDistribution writes it, in milliseconds.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $server = Start-TestServer -MaxDelayMs 30
    $base = $server.Uri.ToString()


    # P99 is 20.015 (the top of 20 ms's bucket), and every percentile from 98.1 to 99.5 is that too.
    $known = New-KnownSummary @(@{ Count = 980; Ms = 5 }, @{ Count = 15; Ms = 20 }, @{ Count = 5; Ms = 100 })
    $run = Invoke-BoundedRequest -Uri "${base}h/{0}" -Count 1000 -ThrottleLimit 20 -Summary

    # The rows of an .hgrm file: Value (ms), Percentile (0 to 1), TotalCount.
    function Read-Rows($Path) {
        foreach ($line in Get-Content $Path) {
            if ($line -match '^\s+(?<v>\d+\.\d{3}) (?<p>[01]\.\d{12})\s+(?<n>\d+)(\s+\d+\.\d{2})?$') {
                [pscustomobject]@{ Value = [double]$Matches.v; Percentile = [double]$Matches.p; TotalCount = [long]$Matches.n }
            }
        }
    }
}

AfterAll {
    $server | Stop-TestServer
}

Describe 'Export-RunHistogram' {
    It 'writes the header, the rows and the three footer lines of the .hgrm format' {
        $path = Join-Path $TestDrive 'known.hgrm'
        $known | Export-RunHistogram -Path $path
        $lines = Get-Content $path
        $lines[0] | Should -BeExactly '       Value     Percentile TotalCount 1/(1-Percentile)'
        $lines[1] | Should -BeExactly ''
        $lines[2] | Should -BeExactly '       5.003 0.000000000000        980           1.00'
        $rows = @(Read-Rows $path)
        $rows.Count | Should -Be ($lines.Count - 5)
        $rows[-1].Percentile | Should -Be 1
        $rows[-1].TotalCount | Should -Be 1000
        $lines[-3] | Should -BeExactly ('#[Mean    = {0,12:F3}, StdDeviation   = {1,12:F3}]' -f $known.MeanMs, $known.StdDevMs)
        $lines[-2] | Should -BeExactly '#[Max     =      100.031, Total count    =         1000]'
        $lines[-1] | Should -BeExactly '#[Buckets =           22, SubBuckets     =         2048]'
    }

    It 'agrees with the summary''s P99Ms at the rows around the 99th percentile' {
        $path = Join-Path $TestDrive 'p99.hgrm'
        $known | Export-RunHistogram $path
        $rows = @(Read-Rows $path)
        $known.P99Ms | Should -Be 20.015
        $nearest = $rows | Sort-Object { [Math]::Abs($_.Percentile - 0.99) } | Select-Object -First 2 | Sort-Object Percentile
        $nearest.Percentile | Should -Be @(0.9890625, 0.990625)
        $nearest.Value | Should -Be @($known.P99Ms, $known.P99Ms)
    }

    It 'brackets the P99Ms of a real run between the rows either side of 0.99' {
        $path = Join-Path $TestDrive 'run.hgrm'
        $run | Export-RunHistogram $path
        $rows = @(Read-Rows $path)
        $below = $rows | Where-Object Percentile -LT 0.99 | Select-Object -Last 1
        $above = $rows | Where-Object Percentile -GE 0.99 | Select-Object -First 1
        $below.Value | Should -BeLessOrEqual $run.P99Ms
        $above.Value | Should -BeGreaterOrEqual $run.P99Ms
        $rows[-1].Value | Should -Be $run.MaxMs
        $rows[-1].TotalCount | Should -Be 1000
    }

    It 'adds several summaries into one distribution, as Merge-RunSummary does' {
        $path = Join-Path $TestDrive 'two.hgrm'
        $known, $run | Export-RunHistogram $path
        $merged = $known, $run | Merge-RunSummary
        (Get-Content $path)[-2] | Should -BeExactly ('#[Max     = {0,12:F3}, Total count    = {1,12}]' -f $merged.MaxMs, 2000)
        $expected = Join-Path $TestDrive 'merged.hgrm'
        $merged | Export-RunHistogram $expected
        Get-Content $path -Raw | Should -BeExactly (Get-Content $expected -Raw)
    }

    It 'writes the corrected histogram with -Corrected' {
        $copy = $known | ConvertTo-Json -Depth 5 | ConvertFrom-Json
        $copy.CorrectedHistogram = $run.Histogram
        $path = Join-Path $TestDrive 'corrected.hgrm'
        $copy | Export-RunHistogram $path -Corrected
        (Get-Content $path)[-2] | Should -BeExactly ('#[Max     = {0,12:F3}, Total count    = {1,12}]' -f $run.MaxMs, 1000)
    }

    It 'writes the same file from a copy read back with Import-Clixml' {
        $xml = Join-Path $TestDrive 'run.xml'
        $run | Export-Clixml $xml
        Import-Clixml $xml | Export-RunHistogram (Join-Path $TestDrive 'copy.hgrm')
        $run | Export-RunHistogram (Join-Path $TestDrive 'live.hgrm')
        Get-Content (Join-Path $TestDrive 'copy.hgrm') -Raw | Should -BeExactly (Get-Content (Join-Path $TestDrive 'live.hgrm') -Raw)
    }

    It 'writes finer rows with a larger -TicksPerHalfDistance' {
        $known | Export-RunHistogram (Join-Path $TestDrive 'five.hgrm')
        $known | Export-RunHistogram (Join-Path $TestDrive 'ten.hgrm') -TicksPerHalfDistance 10
        @(Read-Rows (Join-Path $TestDrive 'five.hgrm')).Count | Should -Be 41
        @(Read-Rows (Join-Path $TestDrive 'ten.hgrm')).Count | Should -Be 80
    }

    It 'writes numbers with a dot whatever the culture' {
        $culture = [cultureinfo]::CurrentCulture
        try {
            [cultureinfo]::CurrentCulture = 'de-DE'
            $known | Export-RunHistogram (Join-Path $TestDrive 'de.hgrm')
        }
        finally {
            [cultureinfo]::CurrentCulture = $culture
        }
        (Get-Content (Join-Path $TestDrive 'de.hgrm'))[2] | Should -BeExactly '       5.003 0.000000000000        980           1.00'
    }

    It 'writes the file''s FileInfo with -PassThru, and nothing without' {
        $path = Join-Path $TestDrive 'pass.hgrm'
        $out = $known | Export-RunHistogram $path -PassThru
        $out | Should -BeOfType 'System.IO.FileInfo'
        $out.FullName | Should -Be $path
        @($known | Export-RunHistogram $path).Count | Should -Be 0
    }

    It 'skips input that is not a summary with InvalidSummary, and writes no file from none' {
        $path = Join-Path $TestDrive 'none.hgrm'
        'text' | Export-RunHistogram $path -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.FullyQualifiedErrorId | Should -Be 'InvalidSummary,LoadTest.Commands.ExportRunHistogramCommand'
        Test-Path $path | Should -BeFalse
    }

    It 'stops with HistogramWriteFailed when the file cannot be written' {
        { $known | Export-RunHistogram (Join-Path $TestDrive 'missing/x.hgrm') } | Should -Throw -ErrorId 'HistogramWriteFailed,LoadTest.Commands.ExportRunHistogramCommand'
    }
}
