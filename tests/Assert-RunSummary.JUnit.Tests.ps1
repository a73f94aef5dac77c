# Assert-RunSummary -JUnitPath: the report a CI server reads, one testcase per condition.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $server = Start-TestServer
    $base = $server.Uri.ToString()
    # Every request takes at least 100 ms; 3 of 20 answer 500.
    $urls = 0..19 | ForEach-Object { if ($_ -lt 3) { "${base}status/500?i=$_" } else { "${base}delay/100?i=$_" } }
    $summary = $urls | Invoke-BoundedRequest -ThrottleLimit 20 -Summary
    $fqid = 'ThresholdFailed,LoadTest.Commands.AssertRunSummaryCommand'

    function Read-Suite($Path) { ([xml](Get-Content $Path -Raw)).DocumentElement }
}

AfterAll {
    $server | Stop-TestServer
}

Describe 'Assert-RunSummary -JUnitPath' {
    It 'writes one testsuite with one testcase per condition when all hold, and passes the summary on' {
        $path = Join-Path $TestDrive 'pass.xml'
        $out = $summary | Assert-RunSummary -MaxErrorCount 3 -MinCount 20 -MaxP50Ms 60000 -JUnitPath $path
        $out | Should -BeOfType 'LoadTest.RunSummary'
        $suite = Read-Suite $path
        $suite.LocalName | Should -Be 'testsuite'
        $suite.name | Should -Be 'Assert-RunSummary'
        $suite.tests, $suite.failures, $suite.errors, $suite.skipped | Should -Be @('3', '0', '0', '0')
        $cases = @($suite.SelectNodes('testcase'))
        $cases.Count | Should -Be 3
        $cases.name | Should -Be @('ErrorCount <= 3', 'P50Ms <= 60000', 'Count >= 20')
        $cases.classname | Sort-Object -Unique | Should -Be 'LoadTest.Assert-RunSummary'
        @($suite.SelectNodes('testcase/failure')).Count | Should -Be 0
        $cases[0].'system-out' | Should -Be 'ErrorCount is 3, limit <= 3'
        [Math]::Abs([double]$suite.time - $summary.Elapsed.TotalSeconds) | Should -BeLessOrEqual 0.0005
    }

    It 'marks each failed condition with a failure giving the measured value and the limit, before the error' {
        $path = Join-Path $TestDrive 'fail.xml'
        $err = $null
        try { $summary | Assert-RunSummary -MaxErrorRate 0.1 -MaxP99Ms 50 -MinCount 20 -AllowedStatusCode 200 -JUnitPath $path } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be $fqid
        $suite = Read-Suite $path
        $suite.tests, $suite.failures | Should -Be @('4', '3')
        $failed = @($suite.SelectNodes('testcase[failure]'))
        $failed.name | Should -Be @('ErrorRate <= 0.1', 'P99Ms <= 50', 'UnexpectedStatusCodes <= 0')
        $failed[0].failure.message | Should -Be 'ErrorRate is 0.15, limit <= 0.1'
        $failed[1].failure.message | Should -Be ('P99Ms is {0}, limit <= 50' -f [Math]::Round($summary.P99Ms, 3).ToString([cultureinfo]::InvariantCulture))
        $failed[2].failure.message | Should -Be 'UnexpectedStatusCodes is 3, limit <= 0'
        $failed.failure.type | Sort-Object -Unique | Should -Be 'ThresholdFailed'
        # The same words as the error, which lists the failures joined.
        $err.Exception.Message | Should -Be ('3 of 4 thresholds failed: ' + ($failed.failure.message -join '; ') + '.')
        @($suite.SelectNodes('testcase[not(failure)]')).name | Should -Be 'Count >= 20'
    }

    It 'writes the report with -Report too, and no error' {
        $path = Join-Path $TestDrive 'report.xml'
        $rows = $summary | Assert-RunSummary -MaxErrorRate 0 -Report -JUnitPath $path
        $rows.Passed | Should -Be $false
        (Read-Suite $path).failures | Should -Be '1'
    }

    It 'gives each of several summaries a class name of its own' {
        $path = Join-Path $TestDrive 'several.xml'
        $copy = $summary | ConvertTo-Json -Depth 5 | ConvertFrom-Json
        $null = $summary, $copy | Assert-RunSummary -MinCount 1 -MaxErrorCount 10 -JUnitPath $path
        $suite = Read-Suite $path
        $suite.tests | Should -Be '4'
        $suite.testcase.classname | Should -Be @('LoadTest.Assert-RunSummary.Summary1', 'LoadTest.Assert-RunSummary.Summary1', 'LoadTest.Assert-RunSummary.Summary2', 'LoadTest.Assert-RunSummary.Summary2')
    }

    It 'stops with JUnitWriteFailed when the file cannot be written' {
        $path = Join-Path $TestDrive 'missing/report.xml'
        { $summary | Assert-RunSummary -MinCount 1 -JUnitPath $path } | Should -Throw -ErrorId 'JUnitWriteFailed,LoadTest.Commands.AssertRunSummaryCommand'
    }

    It 'resolves a relative path against the current location' {
        Push-Location $TestDrive
        try { $null = $summary | Assert-RunSummary -MinCount 1 -JUnitPath 'relative.xml' } finally { Pop-Location }
        (Read-Suite (Join-Path $TestDrive 'relative.xml')).tests | Should -Be '1'
    }
}
