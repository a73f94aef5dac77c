# Load-testing features of Invoke-BoundedRequest: summary, output modes, schedule, retries, request options.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $server = Start-TestServer
    $base = $server.Uri.ToString()

    # The value at a percentile the way HdrHistogram defines it: the smallest value with at least that share of counts at or below it.
    function Get-ExactPercentile([double[]] $Sorted, [double] $Percentile) {
        $rank = [Math]::Max(1, [Math]::Ceiling($Percentile / 100 * $Sorted.Count))
        $Sorted[$rank - 1]
    }
}

AfterAll {
    $server | Stop-TestServer
}

Describe 'Invoke-BoundedRequest -Summary' {
    It 'writes one RunSummary and no results by default' {
        $out = @(Invoke-BoundedRequest -Uri "${base}s/{0}" -Count 200 -ThrottleLimit 20 -Summary)
        $out.Count | Should -Be 1
        $s = $out[0]
        $s | Should -BeOfType 'LoadTest.RunSummary'
        $s.Count | Should -Be 200
        $s.Succeeded | Should -Be 200
        $s.Failed | Should -Be 0
        $s.Retries | Should -Be 0
        $s.ThrottleLimit | Should -Be 20
        $s.BytesReceived | Should -Be (200 * 13)
        $s.StatusCodeCounts[200] | Should -Be 200
        $s.ErrorKindCounts.Count | Should -Be 0
        $s.IsPartial | Should -BeFalse
        $s.ElapsedSeconds | Should -BeGreaterThan 0
        $s.RequestsPerSecond | Should -BeGreaterThan 0
        [Math]::Abs($s.RequestsPerSecond - 200 / $s.ElapsedSeconds) | Should -BeLessThan 0.001
    }

    It 'has percentiles equal, within the histogram precision, to those of the results of the same run' {
        $urls = 1..100 | ForEach-Object { "${base}delay/$($_ * 5)" }
        $results = @($urls | Invoke-BoundedRequest -ThrottleLimit 100 -Summary -Output All -SummaryVariable s)
        $results.Count | Should -Be 100
        $s.Count | Should -Be 100
        $sorted = [double[]]($results.ElapsedMs | Sort-Object)
        foreach ($p in @(@{ N = 'P50Ms'; P = 50 }, @{ N = 'P90Ms'; P = 90 }, @{ N = 'P95Ms'; P = 95 },
                @{ N = 'P99Ms'; P = 99 }, @{ N = 'P999Ms'; P = 99.9 }, @{ N = 'MaxMs'; P = 100 })) {
            $exact = Get-ExactPercentile $sorted $p.P
            # 3 significant digits: a bucket is at most 0.1 % wide; values are recorded in whole microseconds.
            [Math]::Abs($s.($p.N) - $exact) | Should -BeLessOrEqual ($exact * 0.001 + 0.002) -Because $p.N
        }
        [Math]::Abs($s.MinMs - $sorted[0]) | Should -BeLessOrEqual ($sorted[0] * 0.001 + 0.002)
        $mean = ($sorted | Measure-Object -Average).Average
        [Math]::Abs($s.MeanMs - $mean) | Should -BeLessOrEqual ($mean * 0.001 + 0.002)
        # The known delays (5..500 ms) show through.
        $s.P50Ms | Should -BeGreaterOrEqual 250
        $s.MaxMs | Should -BeGreaterOrEqual 500
        $s.MinMs | Should -BeGreaterOrEqual 5
    }

    It 'counts status codes and error kinds exactly as the results of the same run' {
        $closed = Get-FreePort
        $urls = @(
            @("${base}status/200") * 5
            @("${base}status/404") * 3
            @("${base}status/503") * 2
            @("http://127.0.0.1:$closed/") * 2
        )
        $results = @($urls | Invoke-BoundedRequest -Summary -Output All -ThrottleLimit 4 -SummaryVariable s)

        $s.Count | Should -Be 12
        $s.Succeeded | Should -Be 5
        $s.Failed | Should -Be 7
        $s.StatusCodeCounts.Keys | Sort-Object | Should -Be @(200, 404, 503)
        $s.StatusCodeCounts[200] | Should -Be 5
        $s.StatusCodeCounts[404] | Should -Be 3
        $s.StatusCodeCounts[503] | Should -Be 2
        $s.ErrorKindCounts.Keys | Sort-Object | Should -Be @('ConnectionRefused', 'HttpError')
        $s.ErrorKindCounts['HttpError'] | Should -Be 5
        $s.ErrorKindCounts['ConnectionRefused'] | Should -Be 2
        foreach ($group in $results | Group-Object StatusCode | Where-Object Name -NE '0') {
            $s.StatusCodeCounts[[int]$group.Name] | Should -Be $group.Count
        }
        foreach ($group in $results | Where-Object { -not $_.Success } | Group-Object ErrorKind) {
            $s.ErrorKindCounts[$group.Name] | Should -Be $group.Count
        }
    }

    It 'carries its histogram as a string that decodes to the same counts' {
        $s = Invoke-BoundedRequest -Uri "${base}h/{0}" -Count 300 -Summary
        $s.Histogram | Should -BeOfType [string]
        # HdrHistogram lives in the module's own load context, where PowerShell's type names do not reach.
        $context = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -EQ 'LoadTest.Dependencies'
        $hdr = $context.Assemblies | Where-Object { $_.GetName().Name -eq 'HdrHistogram' }
        $encoding = $hdr.GetType('HdrHistogram.HistogramEncoding')
        $byteBuffer = $hdr.GetType('HdrHistogram.Utilities.ByteBuffer')
        $bytes = [Convert]::FromBase64String($s.Histogram)
        $h = $encoding::DecodeFromCompressedByteBuffer($byteBuffer::Allocate($bytes), 3600000000)
        $h.TotalCount | Should -Be 300
        $h.GetValueAtPercentile(50) / 1000.0 | Should -Be $s.P50Ms
        [Convert]::FromBase64String($s.CorrectedHistogram).Length | Should -BeGreaterThan 0
    }

    It 'loads HdrHistogram only into the module''s own load context' {
        $null = Invoke-BoundedRequest -Uri "${base}alc" -Summary
        $loaded = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'HdrHistogram' }
        @($loaded).Count | Should -Be 1
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($loaded[0]).Name | Should -Be 'LoadTest.Dependencies'
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext([LoadTest.RunSummary].Assembly).Name | Should -Be 'Default'
    }

    It 'converts a summary to clean JSON and back' {
        $s = "${base}status/200", "${base}status/500" | Invoke-BoundedRequest -Summary
        $json = $s | ConvertTo-Json -Depth 5
        $json | Should -Not -Match 'PSTypeNames|PSComputerName|System\.Collections'
        $back = $json | ConvertFrom-Json
        $back.Count | Should -Be 2
        $back.Failed | Should -Be 1
        $back.StatusCodeCounts.'200' | Should -Be 1
        $back.StatusCodeCounts.'500' | Should -Be 1
        $back.ErrorKindCounts.HttpError | Should -Be 1
        $back.P50Ms | Should -Be $s.P50Ms
        $back.Histogram | Should -BeExactly $s.Histogram
        $back.CorrectedLatency.P99Ms | Should -Be $s.CorrectedLatency.P99Ms
    }

    It 'has a one-line ToString with count, failures, rate and P50/P99' {
        $s = Invoke-BoundedRequest -Uri "${base}status/500" -Count 4 -Summary
        $text = $s.ToString()
        $text | Should -Match '^4 requests, 4 failed, [\d.]+ req/s, P50 [\d.]+ ms, P99 [\d.]+ ms$'
    }

    It 'shows as a readable list by default' {
        $s = Invoke-BoundedRequest -Uri "${base}v/{0}" -Count 10 -Summary
        $text = $s | Out-String -Width 200
        $text | Should -Match 'Requests\s+: 10 \(10 succeeded, 0 failed, 0 retries\)'
        $text | Should -Match 'StatusCodes\s+: 200: 10'
        $text | Should -Match 'Percentiles \(ms\)\s+: p50 '
    }
}

Describe 'Invoke-BoundedRequest -Output' {
    BeforeAll {
        $mixed = @("${base}status/200", "${base}status/500", "${base}status/200", "${base}status/404")
    }

    It 'streams only the failures with -Output Failed' {
        $out = $mixed | Invoke-BoundedRequest -Output Failed
        @($out).Count | Should -Be 2
        ($out.StatusCode | Sort-Object) | Should -Be @(404, 500)
    }

    It 'streams only the failures with -Output Failed -Summary; the summary goes to the information stream and -SummaryVariable' {
        $out = $mixed | Invoke-BoundedRequest -Output Failed -Summary -SummaryVariable s -InformationVariable info
        @($out).Count | Should -Be 2
        @($out | Where-Object { $_ -is [LoadTest.RequestResult] }).Count | Should -Be 2
        $s.Count | Should -Be 4
        $info.Count | Should -Be 1
        $info[0].Tags | Should -Be 'RunSummary'
        $info[0].MessageData.Count | Should -Be 4
    }

    It 'writes one type per stream, so Export-Csv of the results and Merge-RunSummary of the file count right' {
        $file = Join-Path $TestDrive 'results.csv'
        $mixed | Invoke-BoundedRequest -Output All -Summary -SummaryVariable s | Export-Csv $file
        $back = Import-Csv $file
        $back.Count | Should -Be 4
        ($back | Merge-RunSummary).Count | Should -Be 4
        $s.Count | Should -Be 4
    }

    It 'writes nothing with -Output None, yet sends every request' {
        $before = $server.RequestCount
        $out = $mixed | Invoke-BoundedRequest -Output None
        @($out).Count | Should -Be 0
        $server.RequestCount - $before | Should -Be 4
    }
}

Describe 'Invoke-BoundedRequest schedule: -RequestsPerSecond and -Duration' {
    It 'sends the 400 requests of the schedule in about 2 s with -RequestsPerSecond 200 -Duration 2' {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $s = Invoke-BoundedRequest -Uri "${base}rate/{0}" -RequestsPerSecond 200 -Duration 2 -ThrottleLimit 50 -Summary
        $clock.Stop()
        # The schedule has requests due at 0, 5, ..., 1995 ms; all are sent, even if some start late.
        $s.Count | Should -Be 400
        $s.TargetRequestsPerSecond | Should -Be 200
        $clock.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 1.9
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 5
    }

    It 'lets -Count end the run first when it is smaller' {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $results = Invoke-BoundedRequest -Uri "${base}c/{0}" -Count 10 -Duration 60
        $clock.Stop()
        $results.Count | Should -Be 10
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 30
    }

    It 'lets -Duration end the run first, finishing the requests in flight' {
        $own = Start-TestServer
        try {
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $s = Invoke-BoundedRequest -Uri "$($own.Uri)delay/300" -Count 1000000 -Duration 1 -ThrottleLimit 5 -Summary
            $clock.Stop()
            # Starts stop after 1 s; the last ones started then still finish (300 ms each).
            $s.Count | Should -BeGreaterOrEqual 5
            $s.Count | Should -BeLessOrEqual 25
            $s.Failed | Should -Be 0
            $own.RequestCount | Should -Be $s.Count
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 10
        }
        finally {
            $own | Stop-TestServer
        }
    }

    It 'takes -Duration as seconds or as a TimeSpan' {
        $a = Invoke-BoundedRequest -Uri "${base}d/{0}" -Duration 0.3 -RequestsPerSecond 20 -Summary
        $b = Invoke-BoundedRequest -Uri "${base}d/{0}" -Duration ([TimeSpan]::FromMilliseconds(300)) -RequestsPerSecond 20 -Summary
        $a.Count | Should -Be 6
        $b.Count | Should -Be 6
    }

    It 'rejects a zero -Duration with InvalidDuration and a bad one at binding' {
        { Invoke-BoundedRequest -Uri "${base}x" -Duration 0 } |
            Should -Throw -ErrorId 'InvalidDuration,LoadTest.Commands.InvokeBoundedRequestCommand'
        { Invoke-BoundedRequest -Uri "${base}x" -Duration 'soon' } |
            Should -Throw -ErrorId 'ParameterArgumentTransformationError,LoadTest.Commands.InvokeBoundedRequestCommand'
    }

    It 'measures the corrected latency from the scheduled start when the server falls behind' {
        # One slot, a 200 ms server and a schedule of one request every 50 ms: each request starts later than planned.
        $results = Invoke-BoundedRequest -Uri "${base}delay/200?i={0}" -Count 5 -RequestsPerSecond 20 -ThrottleLimit 1 |
            Sort-Object Index
        $results.Count | Should -Be 5
        $results[0].CorrectedElapsedMs | Should -BeLessThan ($results[0].ElapsedMs + 50)
        # Request 4 was due at 200 ms and could start only after four 200 ms requests: at least 600 ms late.
        $results[4].CorrectedElapsedMs | Should -BeGreaterOrEqual ($results[4].ElapsedMs + 590)
        foreach ($r in $results) { $r.CorrectedElapsedMs | Should -BeGreaterOrEqual $r.ElapsedMs }
    }

    It 'reports both latency views in the summary' {
        $s = Invoke-BoundedRequest -Uri "${base}delay/200?i={0}" -Count 5 -RequestsPerSecond 20 -ThrottleLimit 1 -Summary
        $s.CorrectedLatency.MaxMs | Should -BeGreaterOrEqual ($s.MaxMs + 590)
        $s.CorrectedLatency.P50Ms | Should -BeGreaterThan $s.P50Ms
    }

    It 'has the corrected latency equal to ElapsedMs without a schedule' {
        $r = Invoke-BoundedRequest -Uri "${base}delay/10"
        $r.CorrectedElapsedMs | Should -Be $r.ElapsedMs
    }
}

Describe 'Invoke-BoundedRequest retries' {
    It 'turns a 50 % flaky route into all successes, with Attempts above 1 for some' {
        $results = @(Invoke-BoundedRequest -Uri "${base}flaky/50?i={0}" -Count 100 -ThrottleLimit 10 -MaximumRetryCount 40 -RetryIntervalSec 0 -Summary -Output All -SummaryVariable s)
        @($results | Where-Object Success).Count | Should -Be 100
        @($results | Where-Object Attempts -GT 1).Count | Should -BeGreaterThan 0
        $s.Retries | Should -Be (($results | Measure-Object Attempts -Sum).Sum - 100)
        $s.Failed | Should -Be 0
    }

    It 'honours a Retry-After of 1 s' {
        $r = Invoke-BoundedRequest -Uri "${base}status/503?retryAfter=1" -MaximumRetryCount 1 -RetryIntervalSec 0
        $r.Attempts | Should -Be 2
        $r.StatusCode | Should -Be 503
        $r.Success | Should -BeFalse
        $r.ElapsedMs | Should -BeGreaterOrEqual 1000
        $r.ElapsedMs | Should -BeLessThan 5000
    }

    It 'retries transport failures' {
        $r = Invoke-BoundedRequest -Uri "http://127.0.0.1:$(Get-FreePort)/" -MaximumRetryCount 2 -RetryIntervalSec 0
        $r.Attempts | Should -Be 3
        $r.ErrorKind | Should -Be 'ConnectionRefused'
    }

    It 'retries only the configured status codes' {
        (Invoke-BoundedRequest -Uri "${base}status/404" -MaximumRetryCount 2 -RetryIntervalSec 0).Attempts | Should -Be 1
        (Invoke-BoundedRequest -Uri "${base}status/404" -MaximumRetryCount 2 -RetryIntervalSec 0 -RetryStatusCode 404).Attempts | Should -Be 3
        (Invoke-BoundedRequest -Uri "${base}status/503" -MaximumRetryCount 2 -RetryIntervalSec 0 -RetryStatusCode 404).Attempts | Should -Be 1
        (Invoke-BoundedRequest -Uri "${base}status/408" -MaximumRetryCount 1 -RetryIntervalSec 0).Attempts | Should -Be 2
        (Invoke-BoundedRequest -Uri "${base}status/429" -MaximumRetryCount 1 -RetryIntervalSec 0).Attempts | Should -Be 2
    }

    It 'backs off exponentially: 0.2 s then 0.4 s, each with up to half taken off as jitter' {
        $r = Invoke-BoundedRequest -Uri "${base}status/500" -MaximumRetryCount 2 -RetryIntervalSec 0.2
        $r.Attempts | Should -Be 3
        $r.ElapsedMs | Should -BeGreaterOrEqual 300
        $r.ElapsedMs | Should -BeLessThan 5000
    }

    It 'does not send more than ThrottleLimit requests at once while retrying' {
        $own = Start-TestServer
        try {
            $null = Invoke-BoundedRequest -Uri "$($own.Uri)flaky/50?i={0}" -Count 200 -ThrottleLimit 3 -MaximumRetryCount 40 -RetryIntervalSec 0 -Output None
            $own.PeakConcurrency | Should -BeLessOrEqual 3
            $own.RequestCount | Should -BeGreaterThan 200
        }
        finally {
            $own | Stop-TestServer
        }
    }
}

Describe 'Invoke-BoundedRequest request and response options' {
    It 'sends -Cookie given as a string or a hashtable' {
        $a = Invoke-BoundedRequest -Uri "${base}echo" -Cookie 'a=1; b=two' -IncludeContent | ForEach-Object { $_.Content | ConvertFrom-Json }
        $a.cookies.a | Should -Be '1'
        $a.cookies.b | Should -Be 'two'
        $b = Invoke-BoundedRequest -Uri "${base}echo" -Cookie @{ session = 'xyz' } -IncludeContent | ForEach-Object { $_.Content | ConvertFrom-Json }
        $b.headers.Cookie | Should -Be 'session=xyz'
    }

    It 'keeps cookies the server sets with -KeepCookies, and only then' {
        $urls = "${base}cookie/set/sid/abc123", "${base}echo"
        $kept = $urls | Invoke-BoundedRequest -KeepCookies -IncludeContent -ThrottleLimit 1 | Sort-Object Index
        ($kept[1].Content | ConvertFrom-Json).cookies.sid | Should -Be 'abc123'
        $notKept = $urls | Invoke-BoundedRequest -IncludeContent -ThrottleLimit 1 | Sort-Object Index
        ($notKept[1].Content | ConvertFrom-Json).headers.PSObject.Properties.Name | Should -Not -Contain 'Cookie'
    }

    It 'round-trips headers, method and body through /echo' {
        $r = Invoke-BoundedRequest -Uri "${base}echo" -Method PUT -Headers @{ 'X-Test' = 'abc'; 'X-Multi' = @('1', '2') } -Body 'payload' -ContentType 'text/x-test' -IncludeContent
        $echo = $r.Content | ConvertFrom-Json
        $echo.method | Should -Be 'PUT'
        $echo.headers.'X-Test' | Should -Be 'abc'
        $echo.headers.'X-Multi' | Should -Be '1, 2'
        $echo.headers.'Content-Type' | Should -Be 'text/x-test'
        $echo.body | Should -Be 'payload'
    }

    It 'puts response headers on the result with -IncludeHeaders, and none without' {
        $r = Invoke-BoundedRequest -Uri "${base}status/503?retryAfter=7" -IncludeHeaders
        $r.Headers['Retry-After'] | Should -Be '7'
        $r.Headers['content-type'] | Should -BeLike 'text/plain*'
        (Invoke-BoundedRequest -Uri "${base}echo").Headers | Should -BeNullOrEmpty
    }

    It 'keeps at most -MaximumContentBytes of the body and still counts all of it' {
        $r = Invoke-BoundedRequest -Uri "${base}bytes/100000" -IncludeContent -MaximumContentBytes 1000
        $r.BytesReceived | Should -Be 100000
        $r.Content.Length | Should -Be 1000
        $r.Content | Should -Be ('x' * 1000)
        (Invoke-BoundedRequest -Uri "${base}bytes/100000").Content | Should -BeNullOrEmpty
    }

    It 'decides success with -SuccessStatusCode' {
        (Invoke-BoundedRequest -Uri "${base}status/404" -SuccessStatusCode 404).Success | Should -BeTrue
        $r = Invoke-BoundedRequest -Uri "${base}status/200" -SuccessStatusCode 201, 404
        $r.Success | Should -BeFalse
        $r.ErrorKind | Should -Be 'HttpError'
    }

    It 'sends the -HttpVersion asked for' {
        ((Invoke-BoundedRequest -Uri "${base}echo" -IncludeContent).Content | ConvertFrom-Json).protocolVersion | Should -Be '1.1'
        ((Invoke-BoundedRequest -Uri "${base}echo" -HttpVersion 1.0 -IncludeContent).Content | ConvertFrom-Json).protocolVersion | Should -Be '1.0'
    }

    It 'reports a server without HTTP/2 as a Protocol failure for -HttpVersion 2.0' {
        $r = Invoke-BoundedRequest -Uri "${base}echo" -HttpVersion 2.0 -TimeoutSec 10
        $r.Success | Should -BeFalse
        $r.StatusCode | Should -Be 0
        $r.ErrorKind | Should -Be 'Protocol'
    }

    It 'refuses -HttpVersion 3.0 where the platform has no QUIC' {
        Skip-UnlessPlatform -Supported (-not [System.Net.Quic.QuicConnection]::IsSupported) -Because 'QUIC is supported here, and this test is for a platform without it'
        { Invoke-BoundedRequest -Uri "${base}echo" -HttpVersion 3.0 } |
            Should -Throw -ErrorId 'HttpVersionNotSupported,LoadTest.Commands.InvokeBoundedRequestCommand'
    }

    It 'opens a new connection per request with -DisableKeepAlive' {
        $reused = Invoke-BoundedRequest -Uri "${base}echo?i={0}" -Count 10 -ThrottleLimit 1 -IncludeContent
        @($reused | ForEach-Object { ($_.Content | ConvertFrom-Json).remotePort } | Sort-Object -Unique).Count | Should -Be 1
        $fresh = Invoke-BoundedRequest -Uri "${base}echo?i={0}" -Count 10 -ThrottleLimit 1 -IncludeContent -DisableKeepAlive
        @($fresh | ForEach-Object { ($_.Content | ConvertFrom-Json).remotePort } | Sort-Object -Unique).Count | Should -Be 10
    }

    It 'uses at most -MaxConnections connections' {
        $own = Start-TestServer
        try {
            $results = Invoke-BoundedRequest -Uri "$($own.Uri)delay/100?i={0}" -Count 12 -ThrottleLimit 10 -MaxConnections 2
            @($results | Where-Object Success).Count | Should -Be 12
            $own.PeakConcurrency | Should -Be 2
        }
        finally {
            $own | Stop-TestServer
        }
    }

    It 'says what it does with -Verbose: the settings at the start and the totals at the end' {
        $null = Invoke-BoundedRequest -Uri "${base}verbose/{0}" -Count 3 -Verbose 4>&1 | Tee-Object -Variable all
        $verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $verbose.Count | Should -Be 2
        $verbose[0].Message | Should -BeLike 'Starting 3 requests to *ThrottleLimit 64*'
        $verbose[1].Message | Should -BeLike 'Finished: 3 requests, 0 failed, in *'
    }
}

Describe 'Invoke-BoundedRequest progress' {
    It 'writes progress while running, with the count done and the rate' {
        $ps = New-ModulePowerShell
        try {
            $null = $ps.AddCommand('Invoke-BoundedRequest').AddParameter('Uri', "${base}delay/100?i={0}").
                AddParameter('Count', 20).AddParameter('ThrottleLimit', 2).AddParameter('Output', 'None')
            $null = $ps.Invoke()
            $progress = @($ps.Streams.Progress)
            $progress.Count | Should -BeGreaterOrEqual 2
            $progress[0].Activity | Should -Be 'Invoke-BoundedRequest'
            $progress[0].StatusDescription | Should -Match '^[\d,]+ / 20 done, [\d,]+ req/s, \d+ in flight, 0 failed$'
            $progress[-1].RecordType | Should -Be 'Completed'
        }
        finally {
            $ps.Dispose()
        }
    }

    It 'shows the rate against the planned rate of the same window, P50 and P99 of the last interval, and failures by kind' {
        $ps = New-ModulePowerShell
        try {
            $null = $ps.AddCommand('Invoke-BoundedRequest').AddParameter('Uri', "${base}flaky/50?i={0}").
                AddParameter('Count', 60).AddParameter('RequestsPerSecond', 20).AddParameter('Interval', 0.25).AddParameter('Summary')
            $summary = $ps.Invoke()
            $lines = @($ps.Streams.Progress | Where-Object RecordType -EQ 'Processing' | ForEach-Object StatusDescription)
            $lines.Count | Should -BeGreaterOrEqual 4
            $lines | ForEach-Object { $_ | Should -Match '^[\d,]+ / 60 done, [\d,]+ req/s \(planned 20\)' }
            $late = $lines[-1]
            $late | Should -Match ', P50 [\d.,]+ ms, P99 [\d.,]+ ms, \d+ in flight, \d+ failed'
            $summary[0].Failed | Should -BeGreaterThan 0
            @($lines | Where-Object { $_ -match 'failed \(HttpError \d+\)$' }).Count | Should -BeGreaterThan 0
        }
        finally {
            $ps.Dispose()
        }
    }

    It 'shows done against planned so far under -Duration, and a closed model''s in-flight target' {
        $ps = New-ModulePowerShell
        try {
            $null = $ps.AddCommand('Invoke-BoundedRequest').AddParameter('Uri', "${base}delay/20?i={0}").
                AddParameter('RequestsPerSecond', 40).AddParameter('Duration', 1.5).AddParameter('Output', 'None')
            $null = $ps.Invoke()
            $lines = @($ps.Streams.Progress | Where-Object RecordType -EQ 'Processing' | ForEach-Object StatusDescription)
            $lines.Count | Should -BeGreaterOrEqual 3
            $lines | ForEach-Object { $_ | Should -Match '^[\d,]+ done / [\d,]+ planned so far, [\d,]+ req/s \(planned 40\), \d+ in flight, 0 failed$' }
        }
        finally {
            $ps.Dispose()
        }

        $ps = New-ModulePowerShell
        try {
            $null = $ps.AddCommand('Invoke-BoundedRequest').AddParameter('Uri', "${base}delay/20?i={0}").AddParameter('Output', 'None').
                AddParameter('Stage', @(@{ Duration = '1s'; ThrottleLimit = 4 }, @{ Duration = '1s'; ThrottleLimit = 4 }))
            $null = $ps.Invoke()
            $lines = @($ps.Streams.Progress | Where-Object RecordType -EQ 'Processing' | ForEach-Object StatusDescription)
            $lines.Count | Should -BeGreaterOrEqual 3
            $lines | ForEach-Object { $_ | Should -Match '^[\d,]+ done, [\d,]+ req/s, \d+ in flight \(target [0-4]\), 0 failed$' }
            $lines[-1] | Should -Match 'in flight \(target 4\)'
        }
        finally {
            $ps.Dispose()
        }
    }

    It 'writes no progress under $ProgressPreference = SilentlyContinue' {
        $ps = New-ModulePowerShell
        try {
            $null = $ps.AddScript('$ProgressPreference = "SilentlyContinue"').AddStatement().
                AddCommand('Invoke-BoundedRequest').AddParameter('Uri', "${base}delay/100?i={0}").
                AddParameter('Count', 20).AddParameter('ThrottleLimit', 2).AddParameter('Output', 'None')
            $null = $ps.Invoke()
            $ps.Streams.Progress.Count | Should -Be 0
        }
        finally {
            $ps.Dispose()
        }
    }
}
