# Thresholds on a summary, and the example CI script that uses them.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $server = Start-TestServer
    $base = $server.Uri.ToString()
}

AfterAll {
    $server | Stop-TestServer
}

Describe 'Assert-RunSummary' {
    BeforeAll {
        # Every request takes at least 200 ms, so P99 is at least 200.
        $slow = Invoke-BoundedRequest -Uri "${base}delay/200?i={0}" -Count 20 -ThrottleLimit 20 -Summary
    }

    It 'passes the summary on when every condition holds' {
        $out = $slow | Assert-RunSummary -MaxP99Ms 60000 -MaxErrorRate 0 -MinCount 20 -AllowedStatusCode 200
        $out | Should -BeOfType 'LoadTest.RunSummary'
        $out.Count | Should -Be 20
    }

    It 'fails with ThresholdFailed, naming the measured value and the limit' {
        $err = $null
        try { $slow | Assert-RunSummary -MaxP99Ms 100 -MaxErrorRate 0.5 } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'ThresholdFailed,LoadTest.Commands.AssertRunSummaryCommand'
        $err.CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $err.Exception.Message -match '^1 of 2 thresholds failed: P99Ms is (\d+\.?\d*), limit <= 100\.$' | Should -BeTrue
        [double]$Matches[1] | Should -Be ([Math]::Round($slow.P99Ms, 3))
    }

    It 'lists every failed condition' {
        $err = $null
        try { $slow | Assert-RunSummary -MaxP50Ms 1 -MaxLatencyMs 1 -MinRequestsPerSecond 1000000 -MinCount 21 } catch { $err = $_ }
        $err.Exception.Message | Should -BeLike '4 of 4 thresholds failed: P50Ms is *, limit <= 1; MaxMs is *, limit <= 1; RequestsPerSecond is *, limit >= 1000000; Count is 20, limit >= 21.'
    }

    It 'counts responses outside -AllowedStatusCode' {
        $mixed = "${base}status/200", "${base}status/500", "${base}status/500", "${base}status/404" | Invoke-BoundedRequest -Summary
        $err = $null
        try { $mixed | Assert-RunSummary -AllowedStatusCode 200, 404 } catch { $err = $_ }
        $err.Exception.Message | Should -Be '1 of 1 thresholds failed: UnexpectedStatusCodes is 2, limit <= 0.'
        ($mixed | Assert-RunSummary -AllowedStatusCode 200, 404, 500).Count | Should -Be 4
    }

    It 'writes a report object per condition with -Report, and no error' {
        $report = $slow | Assert-RunSummary -MaxP99Ms 100 -MaxErrorCount 0 -Report
        $report.Count | Should -Be 2
        $report[0] | Should -BeOfType 'LoadTest.ThresholdResult'
        $report[0].Name | Should -Be 'ErrorCount'
        $report[0].Passed | Should -BeTrue
        $report[1].Name | Should -Be 'P99Ms'
        $report[1].Limit | Should -Be 100
        $report[1].Measured | Should -Be $slow.P99Ms
        $report[1].Passed | Should -BeFalse
        $report[1].Condition | Should -Be 'P99Ms <= 100'
        ($report | Out-String -Width 120) | Should -Match 'Name\s+Limit\s+Measured\s+Passed'
        ($report | Out-String -Width 120) | Should -Match 'P99Ms\s+<= 100\.000'
    }

    It 'checks a summary that went through Export-Clixml and Import-Clixml' {
        $path = Join-Path $TestDrive 'summary.xml'
        $slow | Export-Clixml $path
        $copy = Import-Clixml $path
        ($copy | Assert-RunSummary -MaxP99Ms 60000 -AllowedStatusCode 200 -Report).Passed | Should -Be @($true, $true)
        { $copy | Assert-RunSummary -MaxP99Ms 100 } | Should -Throw -ErrorId 'ThresholdFailed,LoadTest.Commands.AssertRunSummaryCommand'
    }

    It 'checks a summary that went through JSON' {
        $copy = $slow | ConvertTo-Json -Depth 5 | ConvertFrom-Json
        ($copy | Assert-RunSummary -MaxP99Ms 60000 -AllowedStatusCode 200 -MinCount 20 -Report).Passed | Should -Be @($true, $true, $true)
        ($copy | Assert-RunSummary -AllowedStatusCode 500 -Report).Measured | Should -Be 20
    }

    It 'judges corrected latency under its own names, and the plain latency under the plain ones' {
        # 4 slots for 20 req/s of 200 ms requests: requests wait for a slot, so the corrected latency is well above the plain.
        $waited = Invoke-BoundedRequest -Uri "${base}delay/200?i={0}" -RequestsPerSecond 40 -Duration 1 -ThrottleLimit 4 -Summary -WarningAction SilentlyContinue
        $waited.CorrectedLatency.P99Ms | Should -BeGreaterThan ($waited.P99Ms + 100)
        $limit = [Math]::Ceiling($waited.P99Ms) + 50
        $out = $waited | Assert-RunSummary -MaxP99Ms $limit -MaxLatencyMs 60000
        $out.Count | Should -Be $waited.Count
        $err = $null
        try { $waited | Assert-RunSummary -MaxCorrectedP99Ms $limit } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'ThresholdFailed,LoadTest.Commands.AssertRunSummaryCommand'
        $err.Exception.Message -match '^1 of 1 thresholds failed: CorrectedP99Ms is ([\d.]+), limit <= ' | Should -BeTrue
        [double]$Matches[1] | Should -Be ([Math]::Round($waited.CorrectedLatency.P99Ms, 3))
        # The same verdicts from a copy read back from JSON: measured from its corrected histogram.
        $copy = $waited | ConvertTo-Json -Depth 6 | ConvertFrom-Json
        $report = $copy | Assert-RunSummary -MaxCorrectedP50Ms 1e6 -MaxCorrectedP90Ms 1e6 -MaxCorrectedP95Ms 1e6 -MaxCorrectedP99Ms $limit -MaxCorrectedP999Ms 1e6 -MaxCorrectedLatencyMs 1e6 -Report
        $report.Name | Should -Be @('CorrectedP50Ms', 'CorrectedP90Ms', 'CorrectedP95Ms', 'CorrectedP99Ms', 'CorrectedP999Ms', 'CorrectedMaxMs')
        ($report | Where-Object Name -EQ 'CorrectedP99Ms').Passed | Should -BeFalse
        ($report | Where-Object Name -EQ 'CorrectedMaxMs').Measured | Should -Be ([Math]::Round($waited.CorrectedLatency.MaxMs, 3))
        # Without a schedule, the corrected latency is the plain one.
        ($slow | Assert-RunSummary -MaxCorrectedP99Ms 1e6 -Report).Measured | Should -Be $slow.P99Ms
    }

    It 'takes -MaxErrorRate as a fraction or a percentage, and refuses a bare number above 1 as ambiguous' {
        ($slow | Assert-RunSummary -MaxErrorRate '5%' -Report).Limit | Should -Be 0.05
        ($slow | Assert-RunSummary -MaxErrorRate 0.05 -Report).Limit | Should -Be 0.05
        { $slow | Assert-RunSummary -MaxErrorRate 5 } |
            Should -Throw -ErrorId 'ParameterArgumentTransformationError,LoadTest.Commands.AssertRunSummaryCommand' -ExpectedMessage "*5 is ambiguous as a share: 5 % or 500 %? Give a percentage with its sign, such as '5%', or a fraction from 0 to 1, such as 0.05*"
        # The same rule in the commands that run: Invoke-BoundedRequest and Find-MaxRate.
        { Invoke-BoundedRequest -Uri "${base}x" -MaxErrorRate 5 } |
            Should -Throw -ErrorId 'ParameterArgumentTransformationError,LoadTest.Commands.InvokeBoundedRequestCommand' -ExpectedMessage '*ambiguous*'
        { Find-MaxRate -Uri "${base}x" -Precision 5 } |
            Should -Throw -ErrorId 'ParameterArgumentTransformationError,LoadTest.Commands.FindMaxRateCommand' -ExpectedMessage '*ambiguous*'
    }

    It 'rejects input that is not a summary with InvalidSummary, and a call without conditions with NoThresholds' {
        'not a summary' | Assert-RunSummary -MaxP99Ms 1 -ErrorVariable bad -ErrorAction SilentlyContinue
        $bad[0].FullyQualifiedErrorId | Should -Be 'InvalidSummary,LoadTest.Commands.AssertRunSummaryCommand'
        { $slow | Assert-RunSummary } | Should -Throw -ErrorId 'NoThresholds,LoadTest.Commands.AssertRunSummaryCommand'
    }
}

Describe 'The example CI script, docs/examples/ci-load-check.ps1' {
    It 'exits 0 on a healthy service, and 1 with the error budget''s message on a failing one' {
        $script = Join-Path $PSScriptRoot '../docs/examples/ci-load-check.ps1'
        $pwsh = @(Get-PwshCommand)
        [string[]] $prefix = @($pwsh | Select-Object -Skip 1)
        $healthy = Start-Process $pwsh[0] -ArgumentList ($prefix + @('-NoProfile', '-NonInteractive', '-File', $script, '-ModulePath', (Split-Path $ModuleManifest), '-Count', '300')) -Wait -PassThru -RedirectStandardOutput (Join-Path $TestDrive 'ok.txt')
        $healthy.ExitCode | Should -Be 0 -Because (Get-Content (Join-Path $TestDrive 'ok.txt') -Raw)
        $failing = Start-Process $pwsh[0] -ArgumentList ($prefix + @('-NoProfile', '-NonInteractive', '-File', $script, '-ModulePath', (Split-Path $ModuleManifest), '-Count', '300', '-Uri', "${base}status/500?i={0}")) -Wait -PassThru -RedirectStandardOutput (Join-Path $TestDrive 'bad.txt')
        $failing.ExitCode | Should -Be 1
        Get-Content (Join-Path $TestDrive 'bad.txt') -Raw | Should -Match 'Load check failed: The run stopped early\. Error budget spent'
    }
}
