# Mergeable summaries: what scale-out over remoting builds on.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $server = Start-TestServer -MaxDelayMs 30
    $base = $server.Uri.ToString()

    function Assert-SameSummary($Actual, $Expected) {
        foreach ($name in 'Count', 'Succeeded', 'Failed', 'Retries', 'BytesReceived', 'MinMs', 'MeanMs', 'StdDevMs',
            'P50Ms', 'P90Ms', 'P95Ms', 'P99Ms', 'P999Ms', 'MaxMs', 'Histogram', 'CorrectedHistogram') {
            $Actual.$name | Should -Be $Expected.$name -Because $name
        }
        ($Actual.StatusCodeCounts.GetEnumerator() | ForEach-Object { "$($_.Key)=$($_.Value)" }) -join ',' |
            Should -Be (($Expected.StatusCodeCounts.GetEnumerator() | ForEach-Object { "$($_.Key)=$($_.Value)" }) -join ',')
        ($Actual.ErrorKindCounts.GetEnumerator() | ForEach-Object { "$($_.Key)=$($_.Value)" }) -join ',' |
            Should -Be (($Expected.ErrorKindCounts.GetEnumerator() | ForEach-Object { "$($_.Key)=$($_.Value)" }) -join ',')
    }
}

AfterAll {
    $server | Stop-TestServer
}

Describe 'Merge-RunSummary' {
    BeforeAll {
        $summaries = [System.Collections.Generic.List[object]]::new()
        $results = [System.Collections.Generic.List[object]]::new()
        foreach ($run in 0..2) {
            $urls = 0..199 | ForEach-Object { if ($_ % 17 -eq 0) { "${base}status/503?r=$run" } else { "${base}run$run/$_" } }
            foreach ($item in $urls | Invoke-BoundedRequest -ThrottleLimit 20 -Summary -Output All -SummaryVariable one) {
                $results.Add($item)
            }
            $summaries.Add($one)
        }
    }

    It 'equals, count for count and percentile for percentile, one summary built from all the results' {
        $summaries.Count | Should -Be 3
        $results.Count | Should -Be 600
        $merged = $summaries | Merge-RunSummary
        $fromResults = $results | Merge-RunSummary
        $merged | Should -BeOfType 'LoadTest.RunSummary'
        $merged.Count | Should -Be 600
        $merged.Failed | Should -Be (3 * 12)
        $merged.StatusCodeCounts['503'] | Should -Be 36
        Assert-SameSummary $merged $fromResults
    }

    It 'merges summaries that went through Export-Clixml and Import-Clixml the same way' {
        $path = Join-Path $TestDrive 'summaries.xml'
        $summaries | Export-Clixml $path
        $copies = Import-Clixml $path
        $copies[0] | Should -Not -BeOfType 'LoadTest.RunSummary'
        Assert-SameSummary ($copies | Merge-RunSummary) ($summaries | Merge-RunSummary)
    }

    It 'merges summaries that went through JSON the same way' {
        $copies = $summaries | ForEach-Object { $_ | ConvertTo-Json -Depth 5 | ConvertFrom-Json }
        Assert-SameSummary ($copies | Merge-RunSummary) ($summaries | Merge-RunSummary)
    }

    It 'merges results read back with Import-Csv the same way' {
        $path = Join-Path $TestDrive 'results.csv'
        $results | Export-Csv $path
        Assert-SameSummary (Import-Csv $path | Merge-RunSummary) ($results | Merge-RunSummary)
    }

    It 'reads results back from CSV with their milliseconds, in UTC, whatever the culture' {
        $path = Join-Path $TestDrive 'results-times.csv'
        $results | Export-Csv $path
        $back = @(Import-Csv $path)
        for ($i = 0; $i -lt 20; $i++) {
            $back[$i].StartTimeUtc | Should -Match '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$'
            $back[$i].StartTimeUtc | Should -Be $results[$i].StartTime.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", [cultureinfo]::InvariantCulture)
            ([datetime]::Parse($back[$i].StartTimeUtc, [cultureinfo]::InvariantCulture, 'AdjustToUniversal') - $results[$i].StartTime.ToUniversalTime()).Duration().TotalMilliseconds | Should -BeLessThan 1
        }
        $results[0] | ConvertTo-Json -Compress | Should -BeLike ('*"StartTimeUtc":"' + $results[0].StartTimeUtc + '"*')
    }

    It 'builds the same time series from results read back with Import-Csv as from the live results' {
        $path = Join-Path $TestDrive 'results-series.csv'
        $results | Export-Csv $path
        $fromCsv = (Import-Csv $path | Merge-RunSummary).TimeSeries
        $live = ($results | Merge-RunSummary).TimeSeries
        @($fromCsv).Count | Should -Be @($live).Count
        for ($i = 0; $i -lt @($live).Count; $i++) {
            $fromCsv[$i].StartTime | Should -Be $live[$i].StartTime
            $fromCsv[$i].Started | Should -Be $live[$i].Started
            $fromCsv[$i].Completed | Should -Be $live[$i].Completed
        }
    }

    It 'merges a summary from a background job (another process)' {
        $job = Start-Job -ScriptBlock {
            param($Module, $Uri)
            Import-Module $Module
            Invoke-BoundedRequest -Uri "$Uri{0}" -Count 150 -Summary
        } -ArgumentList $ModuleManifest, "${base}job/"
        $remote = $job | Wait-Job -Timeout 120 | Receive-Job
        $job | Remove-Job -Force
        $remote.Count | Should -Be 150
        $merged = @($remote) + @($summaries) | Merge-RunSummary
        $merged.Count | Should -Be 750
        $merged.StatusCodeCounts['200'] | Should -Be (150 + 3 * 188)
    }

    It 'spans parallel runs from the earliest start to the latest end' {
        $a = $summaries[0]
        $c = $summaries[2]
        $merged = $summaries | Merge-RunSummary
        $merged.StartTime | Should -Be $a.StartTime
        # Seconds travel as a double: the span agrees to well under a millisecond.
        [Math]::Abs($merged.ElapsedSeconds - ($c.StartTime.AddSeconds($c.ElapsedSeconds) - $a.StartTime).TotalSeconds) | Should -BeLessThan 0.0001
        $merged.RequestsPerSecond | Should -Be (600 / $merged.ElapsedSeconds)
        $merged.ThrottleLimit | Should -Be 60
    }

    It 'rejects what is not a summary or a result with InvalidSummary, and keeps the rest' {
        $broken = $summaries[0] | ConvertTo-Json -Depth 5 | ConvertFrom-Json
        $broken.Histogram = 'not base64!'
        $merged = @('text', $broken, $summaries[1]) | Merge-RunSummary -ErrorVariable bad -ErrorAction SilentlyContinue
        $bad.Count | Should -Be 2
        $bad.FullyQualifiedErrorId | Should -Be @('InvalidSummary,LoadTest.Commands.MergeRunSummaryCommand', 'InvalidSummary,LoadTest.Commands.MergeRunSummaryCommand')
        $merged.Count | Should -Be 200
    }
}
