# One run shared by several processes, run here side by side: -ExecutionSegment (each share's requests, plan,
# rate and in-flight limit), -ReportInterval (a run's reports while it runs) and -StartAt. The same shares over
# real sessions are in Invoke-BoundedRequest.Remoting.Tests.ps1.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $server = Start-TestServer
    $thirds = '0:1/3', '1/3:2/3', '2/3:1'
}

AfterAll {
    $server | Stop-TestServer
}

Describe 'Invoke-BoundedRequest -ExecutionSegment' {
    It 'gives share i of n the requests whose number leaves i divided by n: together exactly the run''s' {
        $indexes = foreach ($segment in $thirds) {
            $results = Invoke-BoundedRequest -Uri "$($server.Uri)share/{0}" -Count 10 -StartIndex 5 -ExecutionSegment $segment
            ($results.Index | Sort-Object) -join ','
        }
        $indexes | Should -Be '5,8,11,14', '6,9,12', '7,10,13'
    }

    It 'shares a rate schedule exactly: the shares'' plans add up to the run''s, each at its part of the rate' {
        # 100 req/s for 1.05 s plans 105 requests: 35 each.
        $shares = foreach ($segment in $thirds) { Invoke-BoundedRequest -Uri "$($server.Uri)rate" -RequestsPerSecond 100 -Duration 1.05 -ExecutionSegment $segment -Summary }
        $shares.Planned | Should -Be 35, 35, 35
        $shares.Sent | Should -Be 35, 35, 35
        $shares | ForEach-Object { [math]::Round($_.TargetRequestsPerSecond, 9) } | Should -Be 33.333333333, 33.333333333, 33.333333333
        $merged = $shares | Merge-RunSummary
        $merged.Planned | Should -Be 105
        # Made one after another here, the shares' merge plans 105 requests over the time all three took (side by side,
        # as sessions run them, the same plan over one share's time is the run's 100 req/s: see the remoting tests).
        [Math]::Abs($merged.TargetRequestsPerSecond - 105 / $merged.ElapsedSeconds) | Should -BeLessThan 1
        # A count that ends the run first: 100 requests, 34 + 33 + 33.
        $counted = foreach ($segment in $thirds) { Invoke-BoundedRequest -Uri "$($server.Uri)rate" -Count 100 -RequestsPerSecond 400 -ExecutionSegment $segment -Summary }
        $counted.Planned | Should -Be 34, 33, 33
        $counted.Sent | Should -Be 34, 33, 33
    }

    It 'spreads each share over the whole schedule: share 2 of 3 starts its requests at the run''s request 1, due at 1/rate' {
        $results = Invoke-BoundedRequest -Uri "$($server.Uri)due/{0}" -Count 3 -RequestsPerSecond 10 -ExecutionSegment '1/3:2/3' -Output All -SummaryVariable share
        # Run requests 1 (due at 0.1 s), nothing else: the share holds one of the three.
        $results.Index | Should -Be 1
        $share.Planned | Should -Be 1
        ($results.StartTime - $share.StartTime).TotalMilliseconds | Should -BeGreaterOrEqual 99
    }

    It 'shares an in-flight stage: the shares'' limits add up to the stage''s' {
        $shares = foreach ($segment in $thirds) { Invoke-BoundedRequest -Uri "$($server.Uri)slots" -Stage @{ Duration = '300ms'; ThrottleLimit = 10 } -ExecutionSegment $segment -Summary }
        $shares.ThrottleLimit | Should -Be 4, 3, 3
    }

    It 'takes k6''s notation, and refuses a share that is not one of equal shares: <Segment>' -ForEach @(
        @{ Segment = '0:2/3' }
        @{ Segment = '1/4:3/4' }
        @{ Segment = '2/3:1/3' }
        @{ Segment = 'half' }
        @{ Segment = '0:3/2' }
    ) {
        $before = $server.RequestCount
        $e = { Invoke-BoundedRequest -Uri "$($server.Uri)bad" -Count 5 -ExecutionSegment $Segment } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -Be 'InvalidExecutionSegment,LoadTest.Commands.InvokeBoundedRequestCommand'
        $e.Exception.Message | Should -BeLike "-ExecutionSegment '$Segment' *"
        $server.RequestCount | Should -Be $before
    }

    It 'runs the whole run for 0:1, and share 1 of 2 for 1/2:1' {
        (Invoke-BoundedRequest -Uri "$($server.Uri)whole/{0}" -Count 4 -ExecutionSegment '0:1').Index | Sort-Object | Should -Be 0, 1, 2, 3
        (Invoke-BoundedRequest -Uri "$($server.Uri)half/{0}" -Count 4 -ExecutionSegment '1/2:1').Index | Sort-Object | Should -Be 1, 3
    }
}

Describe 'Invoke-BoundedRequest -ReportInterval' {
    It 'reports at once, each interval and at the end; the final report is the run''s summary, and the rows as last reported are its time series' {
        $summary = Invoke-BoundedRequest -Uri "$($server.Uri)report" -Count 40 -RequestsPerSecond 40 -ReportInterval 0.25 -Summary -InformationVariable info
        $reports = @($info | Where-Object { $_.Tags -contains 'LoadTest.RunReport' } | ForEach-Object { $_.MessageData | ConvertFrom-Json -DateKind String })
        $reports.Count | Should -BeGreaterOrEqual 5
        $reports.Sequence | Should -Be (0..($reports.Count - 1))
        # The first comes as the run starts, before the first interval is over; the counts only grow.
        $reports[0].RunSeconds | Should -BeLessThan 0.25
        $counts = $reports | ForEach-Object { $_.Count }
        ($counts | Sort-Object) -join ',' | Should -Be ($counts -join ',')
        @($reports | Where-Object Final).Count | Should -Be 1
        $reports[-1].Final | Should -BeTrue
        $reports[-1].Count | Should -Be 40
        $reports[-1].Planned | Should -Be 40
        $reports[-1].Histogram | Should -Be $summary.Histogram
        $rows = @{}
        foreach ($row in $reports.TimeSeries) { $rows[[datetime]::Parse($row.StartTime, $null, 'RoundtripKind')] = $row }
        $rows.Count | Should -Be $summary.TimeSeries.Count
        ($rows.Values | Measure-Object Completed -Sum).Sum | Should -Be 40
        foreach ($row in $summary.TimeSeries) { $rows[$row.StartTime].Completed | Should -Be $row.Completed }
    }
}

Describe 'Invoke-BoundedRequest -StartAt' {
    It 'waits until then to start' {
        $at = (Get-Date).AddSeconds(1.5)
        $summary = Invoke-BoundedRequest -Uri "$($server.Uri)later" -Count 2 -StartAt $at -Summary
        ($summary.StartTime - $at).TotalMilliseconds | Should -BeGreaterOrEqual -20
        $summary.Count | Should -Be 2
    }

    It 'ends at once, without a request, on Ctrl+C while it waits' {
        $before = $server.RequestCount
        $ps = New-ModulePowerShell
        $null = $ps.AddCommand('Invoke-BoundedRequest').AddParameters(@{ Uri = "$($server.Uri)never"; Count = 5; StartAt = (Get-Date).AddMinutes(5) })
        $stop = Measure-Stop -PowerShell $ps -When { $true }
        $stop.StopSeconds | Should -BeLessThan 5
        $server.RequestCount | Should -Be $before
    }
}
