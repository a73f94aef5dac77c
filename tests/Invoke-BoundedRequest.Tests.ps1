BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $server = Start-TestServer
    $base = $server.Uri.ToString()
}

AfterAll {
    $server | Stop-TestServer
}

Describe 'Invoke-BoundedRequest with -Count' {
    It 'sends exactly Count requests with distinct indexes, all answered by the server' {
        $before = $server.RequestCount
        $results = Invoke-BoundedRequest -Uri "${base}item/{0}" -Count 1000 -ThrottleLimit 32

        $results.Count | Should -Be 1000
        ($results.Index | Sort-Object -Unique).Count | Should -Be 1000
        ($results.Index | Measure-Object -Minimum -Maximum).Minimum | Should -Be 0
        ($results.Index | Measure-Object -Minimum -Maximum).Maximum | Should -Be 999
        @($results | Where-Object { -not $_.Success }).Count | Should -Be 0
        @($results | Where-Object StatusCode -NE 200).Count | Should -Be 0
        ($results | Measure-Object BytesReceived -Sum).Sum | Should -Be (1000 * 'Hello, World!'.Length)
        $server.RequestCount - $before | Should -Be 1000
    }

    It 'replaces every {0} with the request index' {
        $results = Invoke-BoundedRequest -Uri "${base}a/{0}/b/{0}?q={0}" -Count 25
        foreach ($r in $results) {
            $r.Uri.OriginalString | Should -BeExactly "${base}a/$($r.Index)/b/$($r.Index)?q=$($r.Index)"
        }
        ($results.Index | Sort-Object) -join ',' | Should -Be ((0..24) -join ',')
    }

    It 'takes -Url and -Concurrency as aliases of -Uri and -ThrottleLimit' {
        $own = Start-TestServer -MinDelayMs 100
        try {
            $results = Invoke-BoundedRequest -Url "$($own.Uri){0}" -Count 6 -Concurrency 3
            $results.Count | Should -Be 6
            $own.PeakConcurrency | Should -Be 3
        }
        finally {
            $own | Stop-TestServer
        }
    }

    It 'requests the URI once without -Count' {
        $results = @(Invoke-BoundedRequest -Uri "${base}once")
        $results.Count | Should -Be 1
        $results[0].Index | Should -Be 0
        $results[0].Method | Should -Be 'GET'
        $results[0].StatusCode | Should -Be 200
        $results[0].ErrorKind | Should -Be 'None'
        $results[0].Error | Should -BeNullOrEmpty
    }

    It 'never has more than ThrottleLimit requests in flight, and reaches it' {
        $own = Start-TestServer
        try {
            $results = Invoke-BoundedRequest -Uri "$($own.Uri)delay/200" -Count 28 -ThrottleLimit 7
            $results.Count | Should -Be 28
            $own.PeakConcurrency | Should -Be 7
            $own.RequestCount | Should -Be 28
        }
        finally {
            $own | Stop-TestServer
        }
    }

    It 'writes results that Measure-Object can aggregate' {
        $results = @(Invoke-BoundedRequest -Uri "${base}delay/50" -Count 20 -ThrottleLimit 10)
        $stats = $results | Measure-Object -Property ElapsedMs -Average -Maximum -Minimum -Sum
        $elapsed = [double[]]$results.ElapsedMs
        $stats.Count | Should -Be 20
        $stats.Minimum | Should -BeGreaterOrEqual 49
        $stats.Minimum | Should -Be ([System.Linq.Enumerable]::Min($elapsed))
        $stats.Maximum | Should -Be ([System.Linq.Enumerable]::Max($elapsed))
        $stats.Sum | Should -Be ([System.Linq.Enumerable]::Sum($elapsed))
        $stats.Average | Should -Be ($stats.Sum / 20)
    }

    It 'gives flat columns through Export-Csv and back' {
        $path = Join-Path $TestDrive 'results.csv'
        $results = Invoke-BoundedRequest -Uri "${base}csv/{0}" -Count 10
        $results | Export-Csv -Path $path
        $rows = Import-Csv -Path $path

        $rows.Count | Should -Be 10
        $rows[0].PSObject.Properties.Name | Should -Be @('Index', 'Method', 'Uri', 'StatusCode', 'Success',
            'ElapsedMs', 'CorrectedElapsedMs', 'Attempts', 'BytesReceived', 'StartTime', 'StartTimeUtc', 'ErrorKind', 'Error',
            'Headers', 'Content', 'Step')
        ($rows.Index | Sort-Object { [int]$_ }) -join ',' | Should -Be ((0..9) -join ',')
        foreach ($row in $rows) {
            $row.Uri | Should -BeExactly "${base}csv/$($row.Index)"
            $row.StatusCode | Should -Be '200'
            $row.Success | Should -Be 'True'
        }
    }
}

Describe 'Invoke-BoundedRequest -StartIndex' {
    It 'lets runs share out one range of indexes without overlap' {
        $first = Invoke-BoundedRequest -Uri "${base}shard/{0}" -Count 50 -StartIndex 0
        $second = Invoke-BoundedRequest -Uri "${base}shard/{0}" -Count 50 -StartIndex 50
        $all = @($first) + @($second)
        ($all.Index | Sort-Object -Unique) -join ',' | Should -Be ((0..99) -join ',')
        foreach ($r in $all) { $r.Uri.AbsolutePath | Should -Be "/shard/$($r.Index)" }
    }
}

Describe 'Invoke-BoundedRequest failures are results' {
    It 'reports a 500 as a failed result with StatusCode 500' {
        $r = Invoke-BoundedRequest -Uri "${base}status/500"
        $r.Success | Should -BeFalse
        $r.StatusCode | Should -Be 500
        $r.ErrorKind | Should -Be 'HttpError'
        $r.Error | Should -BeLike '*500*'
    }

    It 'counts 3xx as success and 4xx as failure' {
        $results = Invoke-BoundedRequest -Uri "${base}status/304" -MaximumRedirection 0
        $results.StatusCode | Should -Be 304
        $results.Success | Should -BeTrue
        $r404 = Invoke-BoundedRequest -Uri "${base}status/404"
        $r404.Success | Should -BeFalse
        $r404.ErrorKind | Should -Be 'HttpError'
    }

    It 'reports ConnectionRefused for a closed port' {
        $port = Get-FreePort
        $results = Invoke-BoundedRequest -Uri "http://127.0.0.1:$port/x/{0}" -Count 3
        $results.Count | Should -Be 3
        foreach ($r in $results) {
            $r.Success | Should -BeFalse
            $r.StatusCode | Should -Be 0
            $r.ErrorKind | Should -Be 'ConnectionRefused'
            $r.Error | Should -Not -BeNullOrEmpty
        }
    }

    It 'reports Timeout after about -TimeoutSec' {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $r = Invoke-BoundedRequest -Uri "${base}delay/5000" -TimeoutSec 1
        $clock.Stop()
        $r.Success | Should -BeFalse
        $r.StatusCode | Should -Be 0
        $r.ErrorKind | Should -Be 'Timeout'
        $r.ElapsedMs | Should -BeGreaterOrEqual 950
        $r.ElapsedMs | Should -BeLessThan 4000
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 4.5
    }
}

Describe 'Invoke-BoundedRequest with pipeline input' {
    It 'takes URI strings and System.Uri objects, indexed by input position' {
        $results = "${base}p/0", [uri]"${base}p/1", "${base}p/2" | Invoke-BoundedRequest
        $results.Count | Should -Be 3
        foreach ($r in $results) {
            $r.Uri.AbsoluteUri | Should -BeExactly "${base}p/$($r.Index)"
            $r.StatusCode | Should -Be 200
        }
    }

    It 'takes Import-Csv rows with a per-row Method' {
        $path = Join-Path $TestDrive 'targets.csv'
        @(
            [pscustomobject]@{ Uri = "${base}row/0"; Method = 'GET' }
            [pscustomobject]@{ Uri = "${base}row/1"; Method = 'POST' }
            [pscustomobject]@{ Uri = "${base}row/2"; Method = 'put' }
            [pscustomobject]@{ Uri = "${base}row/3"; Method = '' }
        ) | Export-Csv -Path $path
        $before = $server.RequestCount

        $results = Import-Csv $path | Invoke-BoundedRequest -ThrottleLimit 2 | Sort-Object Index

        $results.Count | Should -Be 4
        $results.Method | Should -Be @('GET', 'POST', 'PUT', 'GET')
        $results.StatusCode | Should -Be @(200, 200, 200, 200)
        $server.RequestCount - $before | Should -Be 4
    }

    It 'takes hashtables with Uri, Method, Body, Headers and ContentType' {
        $items = @(
            @{ Uri = "${base}h/0"; Method = 'POST'; Body = '{"a":1}'; ContentType = 'application/json'; Headers = @{ 'X-Row' = '0' } }
            @{ Uri = "${base}h/1"; Headers = '{"X-Row":"1"}' }
        )
        $results = $items | Invoke-BoundedRequest | Sort-Object Index
        $results.Count | Should -Be 2
        $results[0].Method | Should -Be 'POST'
        $results.Success | Should -Be @($true, $true)
    }

    It 'reads the pipeline lazily: a long input is consumed with bounded look-ahead' {
        $script:produced = 0
        $script:consumed = 0
        $results = 1..300 | ForEach-Object { $script:produced++; "${base}lazy/$_" } |
            Invoke-BoundedRequest -ThrottleLimit 4 |
            ForEach-Object -Begin { $script:maxAhead = 0 } -Process {
                $script:consumed++
                $ahead = $script:produced - $script:consumed
                if ($ahead -gt $script:maxAhead) { $script:maxAhead = $ahead }
                $_
            }
        $results.Count | Should -Be 300
        # Taken from the input and not yet written out: the item being handed in (1), queued input (4), in flight
        # (4) and results waiting (at most the result buffer, 256).
        $script:maxAhead | Should -BeLessOrEqual (1 + 4 + 4 + 256)
    }

    It 'writes an error for each bad item, with a specific ErrorId, and still sends the good ones' {
        $items = @(
            "${base}good/0"
            'relative/path'
            $null
            'ftp://127.0.0.1/file'
            ''
            [pscustomobject]@{ Name = 'no uri here' }
            [pscustomobject]@{ Uri = "${base}good/6"; Method = 'BAD METHOD' }
            @{ Uri = "${base}good/7"; Headers = @{ 'Bad Header' = 'x' } }
            @{ Uri = "${base}good/8"; Body = @{ a = 1 } }
            @{ Uri = "${base}good/9"; Headers = 42 }
            'http://[::1'
            [pscustomobject]@{ Uri = "${base}good/11"; Method = 'DELETE' }
        )
        $results = $items | Invoke-BoundedRequest -ErrorVariable bad -ErrorAction SilentlyContinue | Sort-Object Index

        $results.Index | Should -Be @(0, 11)
        $results.Method | Should -Be @('GET', 'DELETE')
        $bad.Count | Should -Be 10
        $bad.FullyQualifiedErrorId | Should -Be @(
            'InvalidUri,LoadTest.Commands.InvokeBoundedRequestCommand'
            'NullInput,LoadTest.Commands.InvokeBoundedRequestCommand'
            'UnsupportedUriScheme,LoadTest.Commands.InvokeBoundedRequestCommand'
            'InvalidUri,LoadTest.Commands.InvokeBoundedRequestCommand'
            'MissingUri,LoadTest.Commands.InvokeBoundedRequestCommand'
            'InvalidMethod,LoadTest.Commands.InvokeBoundedRequestCommand'
            'InvalidHeader,LoadTest.Commands.InvokeBoundedRequestCommand'
            'UnsupportedBodyType,LoadTest.Commands.InvokeBoundedRequestCommand'
            'UnsupportedHeadersType,LoadTest.Commands.InvokeBoundedRequestCommand'
            'InvalidUri,LoadTest.Commands.InvokeBoundedRequestCommand'
        )
        $bad[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $bad[4].CategoryInfo.Category | Should -Be 'InvalidData'
        $bad[7].CategoryInfo.Category | Should -Be 'InvalidType'
        $bad[0].TargetObject | Should -Be 'relative/path'
    }
}

Describe 'Invoke-BoundedRequest setup errors' {
    It 'stops with <Id> for <Case>' -TestCases @(
        @{ Case = 'a relative -Uri'; Id = 'InvalidUri'; Category = 'InvalidArgument'; Params = @{ Uri = 'item/{0}' } }
        @{ Case = 'an empty -Uri'; Id = 'InvalidUri'; Category = 'InvalidArgument'; Params = @{ Uri = '' } }
        @{ Case = 'an ftp -Uri'; Id = 'UnsupportedUriScheme'; Category = 'InvalidArgument'; Params = @{ Uri = 'ftp://127.0.0.1/' } }
        @{ Case = 'a bad -Method'; Id = 'InvalidMethod'; Category = 'InvalidArgument'; Params = @{ Uri = 'http://127.0.0.1/'; Method = 'GE T' } }
        @{ Case = 'a bad header name'; Id = 'InvalidHeader'; Category = 'InvalidArgument'; Params = @{ Uri = 'http://127.0.0.1/'; Headers = @{ 'a b' = '1' } } }
        @{ Case = 'a header value with a line break'; Id = 'InvalidHeader'; Category = 'InvalidArgument'; Params = @{ Uri = 'http://127.0.0.1/'; Headers = @{ 'X-A' = "1`r`nX-B: 2" } } }
        @{ Case = 'a hashtable -Body'; Id = 'UnsupportedBodyType'; Category = 'InvalidType'; Params = @{ Uri = 'http://127.0.0.1/'; Body = @{ a = 1 } } }
    ) {
        $err = $null
        try {
            Invoke-BoundedRequest @Params
        }
        catch {
            $err = $_
        }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Be "$Id,LoadTest.Commands.InvokeBoundedRequestCommand"
        $err.CategoryInfo.Category | Should -Be $Category
    }

    It 'rejects -ThrottleLimit <Value> at binding' -TestCases @(@{ Value = 0 }, @{ Value = 100001 }) {
        { Invoke-BoundedRequest -Uri "${base}x" -ThrottleLimit $Value } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,LoadTest.Commands.InvokeBoundedRequestCommand'
    }

    It 'rejects -Count 0 and a negative -TimeoutSec at binding' {
        { Invoke-BoundedRequest -Uri "${base}x" -Count 0 } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,LoadTest.Commands.InvokeBoundedRequestCommand'
        { Invoke-BoundedRequest -Uri "${base}x" -TimeoutSec -1 } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,LoadTest.Commands.InvokeBoundedRequestCommand'
    }

    It 'sends nothing when setup fails' {
        $before = $server.RequestCount
        { Invoke-BoundedRequest -Uri "${base}x/{0}" -Count 10 -Method 'GE T' } |
            Should -Throw -ErrorId 'InvalidMethod,LoadTest.Commands.InvokeBoundedRequestCommand'
        $server.RequestCount | Should -Be $before
    }
}

Describe 'Invoke-BoundedRequest stopped with Ctrl+C' {
    It 'returns within 2 s, keeps the results that completed, and cancels the rest' {
        $slow = Start-TestServer
        try {
            $fast = 0..9 | ForEach-Object { "$($slow.Uri)delay/0?i=$_" }
            $hanging = 10..59 | ForEach-Object { "$($slow.Uri)delay/60000?i=$_" }
            $ps = New-ModulePowerShell
            $null = $ps.AddCommand('Invoke-BoundedRequest').AddParameter('ThrottleLimit', 20)
            $stop = Measure-Stop $ps -InputObject ($fast + $hanging) -When { param($Output) $slow.ActiveRequests -eq 20 -and $Output.Count -eq 10 }

            $stop.StopSeconds | Should -BeLessThan 2
            $stop.State | Should -Be 'Stopped'
            $stop.IsCompleted | Should -BeTrue
            # The ten fast requests completed before the stop; they were written, the hanging ones were not.
            $stop.Output.Count | Should -Be 10
            ($stop.Output.Index | Sort-Object) -join ',' | Should -Be ((0..9) -join ',')
            $slow.RequestCount | Should -Be 10
        }
        finally {
            $slow | Stop-TestServer
        }
    }

    It 'leaves the session able to run again' {
        $r = Invoke-BoundedRequest -Uri "${base}again/{0}" -Count 5
        $r.Count | Should -Be 5
    }
}
