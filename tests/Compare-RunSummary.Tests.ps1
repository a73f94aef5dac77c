# Baseline against candidate: one row per measure, regressions as errors, and a JUnit report for CI.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $server = Start-TestServer
    $base = $server.Uri.ToString()

    # A summary of known latencies: -Count requests of -Ms each (in groups), the first -Failed of them failed,
    # all started at one instant, so the run lasts as long as its slowest request.

    # 980 at 5 ms, 15 at 20 ms, 5 at 100 ms: P50 and P90 5.003, P99 20.015, P99.9 and max 100.031 (HDR bucket tops).
    $baseline = New-KnownSummary @(@{ Count = 980; Ms = 5 }, @{ Count = 15; Ms = 20 }, @{ Count = 5; Ms = 100 }) -Failed 5
    # The same but the 15 take 30 ms (P99 30.015) and 20 failed.
    $candidate = New-KnownSummary @(@{ Count = 980; Ms = 5 }, @{ Count = 15; Ms = 30 }, @{ Count = 5; Ms = 100 }) -Failed 20
    # Twice as slow at the top: the run lasts 200 ms, so half the rate.
    $slower = New-KnownSummary @(@{ Count = 980; Ms = 5 }, @{ Count = 15; Ms = 20 }, @{ Count = 5; Ms = 200 }) -Failed 5

    $measures = 'RequestsPerSecond', 'ErrorRate', 'P50Ms', 'P90Ms', 'P99Ms', 'P999Ms', 'MaxMs',
        'CorrectedP50Ms', 'CorrectedP90Ms', 'CorrectedP99Ms', 'CorrectedP999Ms', 'CorrectedMaxMs'
    $fqid = 'RegressionDetected,LoadTest.Commands.CompareRunSummaryCommand'
}

AfterAll {
    $server | Stop-TestServer
}

Describe 'Compare-RunSummary' {
    It 'builds its test summaries as intended' {
        $baseline.P99Ms | Should -Be 20.015
        $candidate.P99Ms | Should -Be 30.015
        $baseline.MaxMs | Should -Be 100.031
        $slower.MaxMs | Should -Be 200.063
        $baseline.Failed, $candidate.Failed | Should -Be @(5, 20)
        $baseline.RequestsPerSecond | Should -BeGreaterThan (1.9 * $slower.RequestsPerSecond)
    }

    It 'writes one row per measure in a fixed order, values from the histograms, none judged without tolerances' {
        $rows = Compare-RunSummary -Baseline $baseline -Candidate $candidate -ErrorVariable errors
        $errors.Count | Should -Be 0
        $rows.Count | Should -Be 12
        $rows[0] | Should -BeOfType 'LoadTest.SummaryComparison'
        $rows.Measure | Should -Be $measures
        $rows.Verdict | Sort-Object -Unique | Should -Be 'NotChecked'
        $rows.Passed | Sort-Object -Unique | Should -Be $true
        $p99 = $rows | Where-Object Measure -EQ 'P99Ms'
        $p99.Baseline | Should -Be 20.015
        $p99.Candidate | Should -Be 30.015
        $p99.Difference | Should -Be (30.015 - 20.015)
        $p99.Ratio | Should -Be (30.015 / 20.015)
        $p99.Unit | Should -Be 'ms'
        $p99.Limit | Should -BeNullOrEmpty
        $p99.Tolerance | Should -BeNullOrEmpty
        ($rows | Where-Object Measure -EQ 'CorrectedP99Ms').Candidate | Should -Be 30.015
        ($rows | Where-Object Measure -EQ 'P50Ms').Baseline | Should -Be 5.003
        ($rows | Where-Object Measure -EQ 'P999Ms').Baseline | Should -Be 100.031
        ($rows | Where-Object Measure -EQ 'MaxMs').Candidate | Should -Be 100.031
        $rate = $rows | Where-Object Measure -EQ 'ErrorRate'
        $rate.Baseline, $rate.Candidate, $rate.Unit | Should -Be @(0.005, 0.02, 'share')
        ($rows | Where-Object Measure -EQ 'RequestsPerSecond').Baseline | Should -Be $baseline.RequestsPerSecond
    }

    It 'reads a tolerance as a percentage or a fraction: <Given> is <Fraction>' -ForEach @(
        @{ Given = '10%'; Fraction = 0.1 }
        @{ Given = '2.5 %'; Fraction = 0.025 }
        @{ Given = 0.1; Fraction = 0.1 }
        @{ Given = '0.5'; Fraction = 0.5 }
        @{ Given = 1; Fraction = 1 }
    ) {
        $row = Compare-RunSummary $baseline $baseline -MaxP99Increase $Given | Where-Object Measure -EQ 'P99Ms'
        $row.Tolerance | Should -Be $Fraction
        $row.Limit | Should -Be (20.015 * (1 + $Fraction))
        $row.Verdict | Should -Be 'Passed'
    }

    It 'rejects a tolerance that is not a number or is negative' {
        { Compare-RunSummary $baseline $candidate -MaxP99Increase 'ten' } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,LoadTest.Commands.CompareRunSummaryCommand'
        { Compare-RunSummary $baseline $candidate -MaxP50Increase '-5%' } | Should -Throw -ErrorId 'ParameterArgumentValidationError,LoadTest.Commands.CompareRunSummaryCommand'
    }

    It 'writes one RegressionDetected error per measure past its limit, naming measured value and limit' {
        $rows = Compare-RunSummary $baseline $candidate -MaxP50Increase 10% -MaxP99Increase 10% -ErrorVariable errors -ErrorAction SilentlyContinue
        $rows.Count | Should -Be 12
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be $fqid
        $errors[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $errors[0].TargetObject.Measure | Should -Be 'P99Ms'
        $errors[0].Exception.Message | Should -Be 'Regression: P99Ms is 30.015 against 20.015 in the baseline (+49.96 %), limit <= 22.017 (baseline + 10 %).'
        $p99 = $rows | Where-Object Measure -EQ 'P99Ms'
        $p99.Verdict | Should -Be 'Regressed'
        $p99.Passed | Should -BeFalse
        ($rows | Where-Object Measure -EQ 'P50Ms').Verdict | Should -Be 'Passed'
        # One run without a schedule: the corrected latency equals the plain one and is not judged twice.
        ($rows | Where-Object Measure -EQ 'CorrectedP99Ms').Verdict | Should -Be 'NotChecked'
        ($rows | Where-Object Measure -EQ 'CorrectedP99Ms').Description | Should -BeLike '*not checked: neither run had a -RequestsPerSecond schedule*'
    }

    It 'passes when the candidate is within every tolerance' {
        $rows = Compare-RunSummary $baseline $candidate -MaxP99Increase 50% -MaxP50Increase 0 -MaxMaxIncrease 0 -MaxErrorRateIncrease 2% -ErrorVariable errors
        $errors.Count | Should -Be 0
        @($rows | Where-Object Verdict -EQ 'Passed').Measure | Should -Be @('ErrorRate', 'P50Ms', 'P99Ms', 'MaxMs')
    }

    It 'judges the error rate by percentage points: <Given> allows <Limit>' -ForEach @(
        @{ Given = '1%'; Limit = 0.015; Verdict = 'Regressed' }
        @{ Given = '1.5%'; Limit = 0.02; Verdict = 'Passed' }
    ) {
        $row = Compare-RunSummary $baseline $candidate -MaxErrorRateIncrease $Given -ErrorAction SilentlyContinue | Where-Object Measure -EQ 'ErrorRate'
        $row.Limit | Should -Be $Limit
        $row.Verdict | Should -Be $Verdict
    }

    It 'judges the rate by its drop: half the rate regresses past a 10 % tolerance' {
        $rows = Compare-RunSummary $baseline $slower -MaxThroughputDecrease 10% -ErrorVariable errors -ErrorAction SilentlyContinue
        $row = $rows | Where-Object Measure -EQ 'RequestsPerSecond'
        $row.Comparison | Should -Be '>='
        $row.Limit | Should -Be ($baseline.RequestsPerSecond * 0.9)
        $row.Verdict | Should -Be 'Regressed'
        $errors.Count | Should -Be 1
        $errors[0].Exception.Message | Should -BeLike 'Regression: RequestsPerSecond is * against * in the baseline (-*), limit >= * (baseline - 10 %).'
        (Compare-RunSummary $slower $baseline -MaxThroughputDecrease 10% | Where-Object Measure -EQ 'RequestsPerSecond').Verdict | Should -Be 'Passed'
    }

    It 'fails a CI script with -ErrorAction Stop, after writing every row' {
        $err = $null
        try { Compare-RunSummary $baseline $candidate -MaxP99Increase 10% -ErrorAction Stop -OutVariable rows | Out-Null } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be $fqid
        $rows.Count | Should -Be 12
    }

    It 'judges corrected latency by its own tolerance when a run had a -RequestsPerSecond schedule' {
        # A copy of the baseline that ran on a schedule whose corrected latency is the candidate's.
        $scheduled = $baseline | ConvertTo-Json -Depth 5 | ConvertFrom-Json
        $scheduled.TargetRequestsPerSecond = 100
        $scheduled.CorrectedHistogram = $candidate.Histogram
        $rows = Compare-RunSummary $baseline $scheduled -MaxCorrectedP99Increase 10% -ErrorVariable errors -ErrorAction SilentlyContinue
        ($rows | Where-Object Measure -EQ 'P99Ms').Verdict | Should -Be 'NotChecked'
        ($rows | Where-Object Measure -EQ 'CorrectedP99Ms').Verdict | Should -Be 'Regressed'
        ($rows | Where-Object Measure -EQ 'CorrectedP99Ms').Candidate | Should -Be 30.015
        $errors.TargetObject.Measure | Should -Be 'CorrectedP99Ms'

        # -MaxP99Increase judges P99Ms only: one name, one measure.
        $rows = Compare-RunSummary $baseline $scheduled -MaxP99Increase 10% -ErrorVariable errors -ErrorAction SilentlyContinue
        ($rows | Where-Object Measure -EQ 'P99Ms').Verdict | Should -Be 'Passed'
        ($rows | Where-Object Measure -EQ 'CorrectedP99Ms').Verdict | Should -Be 'NotChecked'
        $errors.Count | Should -Be 0
    }

    It 'takes a share as a fraction to 1 or a percentage with its sign, and refuses a bare number above 1 as ambiguous' {
        $rows = Compare-RunSummary $baseline $candidate -MaxP99Increase '150%' -MaxP50Increase 0.5 -ErrorAction SilentlyContinue
        ($rows | Where-Object Measure -EQ 'P99Ms').Tolerance | Should -Be 1.5
        ($rows | Where-Object Measure -EQ 'P50Ms').Tolerance | Should -Be 0.5
        { Compare-RunSummary $baseline $candidate -MaxP99Increase 10 } |
            Should -Throw -ErrorId 'ParameterArgumentTransformationError,LoadTest.Commands.CompareRunSummaryCommand' -ExpectedMessage "*10 is ambiguous as a share: 10 % or 1000 %? Give a percentage with its sign, such as '10%', or a fraction from 0 to 1, such as 0.1*"
        { Compare-RunSummary $baseline $candidate -MaxP99Increase '10' } |
            Should -Throw -ErrorId 'ParameterArgumentTransformationError,LoadTest.Commands.CompareRunSummaryCommand' -ExpectedMessage '*ambiguous*'
    }

    It 'compares copies read back from Export-Clixml and JSON exactly as the live summaries' {
        $path = Join-Path $TestDrive 'baseline.xml'
        $baseline | Export-Clixml $path
        $copyBaseline = Import-Clixml $path
        $copyBaseline | Should -Not -BeOfType 'LoadTest.RunSummary'
        $copyCandidate = $candidate | ConvertTo-Json -Depth 5 | ConvertFrom-Json
        $live = Compare-RunSummary $baseline $candidate -MaxP99Increase 10% -ErrorAction SilentlyContinue
        $copies = $copyCandidate | Compare-RunSummary -Baseline $copyBaseline -MaxP99Increase 10% -ErrorAction SilentlyContinue
        ($copies | ForEach-Object { "$($_.Measure) $($_.Baseline) $($_.Candidate) $($_.Verdict)" }) |
            Should -Be ($live | ForEach-Object { "$($_.Measure) $($_.Baseline) $($_.Candidate) $($_.Verdict)" })
    }

    It 'compares each candidate from the pipeline with the baseline' {
        $rows = $baseline, $candidate, $slower | Compare-RunSummary $baseline -MaxP99Increase 10% -MaxMaxIncrease 10% -ErrorVariable errors -ErrorAction SilentlyContinue
        $rows.Count | Should -Be 36
        $errors.TargetObject.Measure | Should -Be @('P99Ms', 'MaxMs')
        $errors[0].TargetObject.Candidate | Should -Be 30.015
        $errors[1].TargetObject.Candidate | Should -Be 200.063
    }

    It 'stops on a baseline that is not a summary, and skips a candidate that is not one with InvalidSummary' {
        { Compare-RunSummary 'nothing' $candidate } | Should -Throw -ErrorId 'InvalidSummary,LoadTest.Commands.CompareRunSummaryCommand'
        $broken = $candidate | ConvertTo-Json -Depth 5 | ConvertFrom-Json
        $broken.Histogram = 'not base64!'
        $rows = 'text', $broken, $candidate | Compare-RunSummary $baseline -ErrorVariable errors -ErrorAction SilentlyContinue
        $rows.Count | Should -Be 12
        $errors.FullyQualifiedErrorId | Should -Be @('InvalidSummary,LoadTest.Commands.CompareRunSummaryCommand', 'InvalidSummary,LoadTest.Commands.CompareRunSummaryCommand')
        $errors[1].Exception.Message | Should -BeLike "The summary's histogram cannot be read: *"
    }

    It 'shows a table that fits 80 columns' {
        $text = Compare-RunSummary $baseline $candidate -MaxP99Increase 10% -MaxErrorRateIncrease 1% -ErrorAction SilentlyContinue | Out-String -Width 80
        $lines = $text -split '\r?\n' | Where-Object { $_ }
        $lines[0] | Should -Match '^Measure\s+Baseline\s+Candidate\s+Change\s+Limit\s+Verdict$'
        $lines | Where-Object { $_ -match '^P99Ms ' } | Should -Match '^P99Ms\s+20\.015\s+30\.015\s+\+50\.0 %\s+<= 22\.017 Regressed$'
        $lines | Where-Object { $_ -match '^ErrorRate ' } | Should -Match '^ErrorRate\s+0\.50 %\s+2\.00 %\s+\+1\.50 pt\s+<= 1\.50 % Regressed$'
        ($lines | Measure-Object Length -Maximum).Maximum | Should -BeLessOrEqual 80
    }

    It 'finds a real slowdown between two runs against the test server' {
        $fast = Invoke-BoundedRequest -Uri "${base}fast/{0}" -Count 200 -ThrottleLimit 10 -Summary
        $slow = Invoke-BoundedRequest -Uri "${base}delay/60?i={0}" -Count 200 -ThrottleLimit 50 -Summary
        $rows = Compare-RunSummary $fast $slow -MaxP50Increase 10% -MaxErrorRateIncrease 0 -ErrorVariable errors -ErrorAction SilentlyContinue
        ($rows | Where-Object Measure -EQ 'P50Ms').Verdict | Should -Be 'Regressed'
        ($rows | Where-Object Measure -EQ 'P50Ms').Candidate | Should -BeGreaterOrEqual 60
        ($rows | Where-Object Measure -EQ 'ErrorRate').Verdict | Should -Be 'Passed'
        $errors.TargetObject.Measure | Should -Be 'P50Ms'
    }
}

Describe 'Compare-RunSummary -JUnitPath' {
    It 'writes one testsuite with a testcase per measure; a regression is a failure with measured value and limit' {
        $path = Join-Path $TestDrive 'compare.xml'
        $null = Compare-RunSummary $baseline $candidate -MaxP99Increase 10% -MaxP50Increase 10% -MaxErrorRateIncrease 2% -JUnitPath $path -ErrorAction SilentlyContinue
        $xml = [xml](Get-Content $path -Raw)
        $suite = $xml.DocumentElement
        $suite.LocalName | Should -Be 'testsuite'
        $suite.name | Should -Be 'Compare-RunSummary'
        $suite.tests, $suite.failures, $suite.errors, $suite.skipped | Should -Be @('12', '1', '0', '9')
        $cases = @($suite.SelectNodes('testcase'))
        $cases.Count | Should -Be 12
        $cases.name | Should -Be $measures
        $cases.classname | Sort-Object -Unique | Should -Be 'LoadTest.Compare-RunSummary'
        $failed = @($suite.SelectNodes('testcase[failure]'))
        $failed.Count | Should -Be 1
        $failed[0].name | Should -Be 'P99Ms'
        $failed[0].failure.message | Should -Be 'P99Ms is 30.015 against 20.015 in the baseline (+49.96 %), limit <= 22.017 (baseline + 10 %).'
        $failed[0].failure.type | Should -Be 'RegressionDetected'
        @($suite.SelectNodes('testcase[skipped]')).name |
            Should -Be @('RequestsPerSecond', 'P90Ms', 'P999Ms', 'MaxMs', 'CorrectedP50Ms', 'CorrectedP90Ms', 'CorrectedP99Ms', 'CorrectedP999Ms', 'CorrectedMaxMs')
        ($suite.SelectNodes('testcase[@name="P50Ms"]/system-out')[0].InnerText) | Should -Be 'P50Ms is 5.003 against 5.003 in the baseline (0 %), limit <= 5.503 (baseline + 10 %).'
    }

    It 'writes the report before -ErrorAction Stop ends the command' {
        $path = Join-Path $TestDrive 'stop.xml'
        { Compare-RunSummary $baseline $candidate -MaxP99Increase 10% -JUnitPath $path -ErrorAction Stop } | Should -Throw -ErrorId $fqid
        ([xml](Get-Content $path -Raw)).testsuite.failures | Should -Be '1'
    }

    It 'gives each of several candidates a class name of its own' {
        $path = Join-Path $TestDrive 'several.xml'
        $null = $candidate, $baseline | Compare-RunSummary $baseline -MaxP99Increase 10% -JUnitPath $path -ErrorAction SilentlyContinue
        $suite = ([xml](Get-Content $path -Raw)).testsuite
        $suite.tests, $suite.failures | Should -Be @('24', '1')
        @($suite.testcase | Where-Object classname -EQ 'LoadTest.Compare-RunSummary.Summary1').Count | Should -Be 12
        @($suite.testcase | Where-Object classname -EQ 'LoadTest.Compare-RunSummary.Summary2').Count | Should -Be 12
        ($suite.testcase | Where-Object { $_.failure }).classname | Should -Be 'LoadTest.Compare-RunSummary.Summary1'
    }

    It 'stops with JUnitWriteFailed when the file cannot be written' {
        $path = Join-Path $TestDrive 'no-such-folder/report.xml'
        { Compare-RunSummary $baseline $candidate -JUnitPath $path } | Should -Throw -ErrorId 'JUnitWriteFailed,LoadTest.Commands.CompareRunSummaryCommand'
    }
}
