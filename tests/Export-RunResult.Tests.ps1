# JSON lines of results: one compact object per line, plain values, streamed.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $server = Start-TestServer -MaxDelayMs 10
}

AfterAll {
    $server | Stop-TestServer
}

Describe 'Export-RunResult' {
    It 'writes one object per line for every result, with names, UTC times in milliseconds and headers as an object' {
        $path = Join-Path $TestDrive 'r.jsonl'
        $results = Invoke-BoundedRequest -Uri "$($server.Uri)status/{0}" -Count 1 -StartIndex 503 -IncludeHeaders |
            Export-RunResult $path -PassThru
        $more = Invoke-BoundedRequest -Uri "$($server.Uri)x/{0}" -Count 199 -ThrottleLimit 16 | Export-RunResult $path -Append -PassThru
        $lines = Get-Content $path
        $lines.Count | Should -Be 200
        $first = $lines[0] | ConvertFrom-Json -AsHashtable
        $first.StatusCode | Should -Be 503
        $first.ErrorKind | Should -BeExactly 'HttpError'
        $first.Error | Should -BeLike 'Response status code 503*'
        $first.Headers | Should -BeOfType [hashtable]
        $first.Headers.Keys | Should -Contain 'Content-Length'
        $lines[0] | Should -Match '"StartTime":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"'
        $expected = $results[0].StartTime.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", [cultureinfo]::InvariantCulture)
        $lines[0] | Should -BeLike "*`"StartTime`":`"$expected`"*"
        $objects = $lines | ConvertFrom-Json
        ($objects.Index | Sort-Object -Unique).Count | Should -Be 200
        @($objects | Where-Object ErrorKind -EQ 'None').Count | Should -Be 199
        $more.Count | Should -Be 199
        $lines | ForEach-Object { $_ | Should -Not -Match "`n" }
    }

    It 'replaces the file without -Append, and passes nothing on without -PassThru' {
        $path = Join-Path $TestDrive 'replace.jsonl'
        Set-Content $path 'old'
        $out = Invoke-BoundedRequest -Uri "$($server.Uri)y/{0}" -Count 3 | Export-RunResult $path
        @($out).Count | Should -Be 0
        (Get-Content $path).Count | Should -Be 3
        Get-Content $path | Should -Not -Contain 'old'
    }

    It 'reports an input that is not a result with NotARequestResult, and writes the rest' {
        $path = Join-Path $TestDrive 'mixed.jsonl'
        $r = Invoke-BoundedRequest -Uri "$($server.Uri)z"
        $r, 'text', $r | Export-RunResult $path -ErrorVariable bad -ErrorAction SilentlyContinue
        $bad.Count | Should -Be 1
        $bad[0].FullyQualifiedErrorId | Should -Be 'NotARequestResult,LoadTest.Commands.ExportRunResultCommand'
        (Get-Content $path).Count | Should -Be 2
    }

    It 'fails with ResultWriteFailed when the file cannot be written' {
        $path = Join-Path $TestDrive 'no/such/folder/r.jsonl'
        { Invoke-BoundedRequest -Uri "$($server.Uri)w" | Export-RunResult $path } |
            Should -Throw -ErrorId 'ResultWriteFailed,LoadTest.Commands.ExportRunResultCommand'
    }
}
