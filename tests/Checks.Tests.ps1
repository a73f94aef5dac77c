# -Check: responses judged by their content, counted per check in the summary, gated by Assert-RunSummary.
# Most tests run against tests/checks_server.py, a small JSON API on python3's standard library (see its
# routes there), so that what is judged is not only the bundled server's answers.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $python = Get-Command python3 -ErrorAction Ignore
    if (-not $python) { throw 'python3 is needed for tests/checks_server.py' }
    $start = [System.Diagnostics.ProcessStartInfo]::new($python.Source)
    $start.ArgumentList.Add((Join-Path $PSScriptRoot 'checks_server.py'))
    $start.ArgumentList.Add('0')
    $start.RedirectStandardOutput = $true
    $start.UseShellExecute = $false
    $script:api = [System.Diagnostics.Process]::Start($start)
    $portLine = $api.StandardOutput.ReadLineAsync()
    if (-not $portLine.Wait([TimeSpan]::FromSeconds(30))) { throw 'checks_server.py did not start within 30 s' }
    $script:base = "http://127.0.0.1:$($portLine.Result)/"
    $script:server = Start-TestServer

    # The ErrorRecord a command stops with (null when it did not stop).
    function Get-StopError([scriptblock] $Command) {
        try { & $Command; $null } catch { $_ }
    }
}

AfterAll {
    if ($api -and -not $api.HasExited) { $api.Kill() }
    $server | Stop-TestServer
}

Describe 'Checks judge each response' {
    It 'counts every check for every response, exactly, and fails the responses whose body says error' {
        # /mixed/{i} says "error" when i % 4 == 0: 25 of 100.
        $s = Invoke-BoundedRequest -Uri "${base}mixed/{0}" -Count 100 -ThrottleLimit 8 -Summary `
            -Check @{ StatusCode = 200; Json = @{ '/status' = 'ok' } }
        $s.Count | Should -Be 100
        $s.Failed | Should -Be 25
        $s.ErrorKindCounts['CheckFailed'] | Should -Be 25
        $s.StatusCodeCounts['200'] | Should -Be 100
        @($s.Checks).Count | Should -Be 2
        $s.Checks[0].Name | Should -Be 'StatusCode 200'
        $s.Checks[0].Passed | Should -Be 100
        $s.Checks[0].Failed | Should -Be 0
        $s.Checks[1].Name | Should -Be 'Json /status == ok'
        $s.Checks[1].Passed | Should -Be 75
        $s.Checks[1].Failed | Should -Be 25
        $s.Checks[1].PassRate | Should -Be 0.75
        $s.CheckPassRate | Should -Be (175 / 200)
        $s.ToText() | Should -Match 'Checks: 175 of 200 passed \(87\.5 %\)'
        $s.ToText() | Should -Match 'FAIL Json /status == ok: 75 passed, 25 failed'
    }

    It 'makes a failed check a CheckFailed result that names the check and shows what was seen, and keeps no body' {
        $results = @(Invoke-BoundedRequest -Uri "${base}error" -Count 3 -Check @{ Json = @{ '/status' = 'ok' } })
        $results.Count | Should -Be 3
        foreach ($r in $results) {
            $r.Success | Should -BeFalse
            $r.StatusCode | Should -Be 200
            $r.ErrorKind | Should -Be 'CheckFailed'
            $r.Error | Should -BeExactly "Check 'Json /status == ok' failed: /status was `"error`"."
            $r.Content | Should -BeNullOrEmpty
            $r.Headers | Should -BeNullOrEmpty
            $r.BytesReceived | Should -Be 19
        }
    }

    It 'keeps the body on the result with -IncludeContent only' {
        $r = Invoke-BoundedRequest -Uri "${base}error" -Check @{ BodyContains = 'ok' } -IncludeContent
        $r.ErrorKind | Should -Be 'CheckFailed'
        $r.Content | Should -BeExactly '{"status": "error"}'
    }

    It 'passes every kind of check on a response that has what they ask for' {
        $check = @{
            StatusCode   = '200-299'
            MaxMs        = 60000
            Header       = @{ 'Content-Type' = '^application/json$'; 'x-api-version' = '^2$' }
            HeaderExists = 'ETag'
            BodyContains = '"name": "Ada"', '"id": 42'
            BodyMatches  = '"price":\s*9\.5'
            Json         = @{
                '/id' = 42; '/price' = '9.50'; '/name' = 'Ada'; '/a~1b' = 1; '/m~0n' = 2; '/nested/x' = $null
                '/nested/flag' = $true; '/tags' = '["a", "b"]'; '/nested/list/0/id' = 7; '/nested' = '{"list":[{"id":7}],"flag":true,"x":null}'
            }
            JsonExists   = '/nested/x', '/tags/1', ''
            JsonMatches  = @{ '/id' = '^\d+$'; '/nested/flag' = '^true$' }
        }
        $s = Invoke-BoundedRequest -Uri "${base}ok" -Count 20 -Check $check -Summary
        $s.Failed | Should -Be 0
        @($s.Checks.Name) | Should -Be @(
            'StatusCode 200-299', 'MaxMs 60000', 'Header Content-Type ^application/json$', 'Header x-api-version ^2$', 'HeaderExists ETag',
            'BodyContains "name": "Ada"', 'BodyContains "id": 42', 'BodyMatches "price":\s*9\.5',
            'Json /a~1b == 1', 'Json /id == 42', 'Json /m~0n == 2', 'Json /name == Ada', 'Json /nested == {"list":[{"id":7}],"flag":true,"x":null}',
            'Json /nested/flag == true', 'Json /nested/list/0/id == 7', 'Json /nested/x == null', 'Json /price == 9.50', 'Json /tags == ["a", "b"]',
            'JsonExists /nested/x', 'JsonExists /tags/1', 'JsonExists ',
            'JsonMatches /id ^\d+$', 'JsonMatches /nested/flag ^true$')
        foreach ($c in $s.Checks) {
            "$($c.Name): $($c.Passed)/$($c.Failed)" | Should -Be "$($c.Name): 20/0"
        }
    }

    It 'says what <Case> saw' -TestCases @(
        @{ Case = 'StatusCode'; Path = 'ok'; Check = @{ StatusCode = 201, 204 }; Error = "Check 'StatusCode 201,204' failed: the status was 200." }
        @{ Case = 'HeaderExists'; Path = 'ok'; Check = @{ HeaderExists = 'X-Missing' }; Error = "Check 'HeaderExists X-Missing' failed: there was no X-Missing header." }
        @{ Case = 'Header'; Path = 'ok'; Check = @{ Header = @{ 'X-Api-Version' = '^3$' } }; Error = "Check 'Header X-Api-Version ^3$' failed: X-Api-Version was `"2`"." }
        @{ Case = 'Json on a number'; Path = 'ok'; Check = @{ Json = @{ '/id' = 43 } }; Error = "Check 'Json /id == 43' failed: /id was 42." }
        @{ Case = 'Json on a missing value'; Path = 'error'; Check = @{ Json = @{ '/id' = 1 } }; Error = "Check 'Json /id == 1' failed: there was no /id in {`"status`": `"error`"}." }
        @{ Case = 'JsonExists past an array end'; Path = 'ok'; Check = @{ JsonExists = '/tags/2' }; Error = "Check 'JsonExists /tags/2' failed: there was no /tags/2 in {`"status`": `"ok`", `"id`": 42, `"price`": 9.5, `"name`": `"Ada`", `"tags`": [`"a`", `"b`"], `"...." }
        @{ Case = 'JsonMatches'; Path = 'ok'; Check = @{ JsonMatches = @{ '/name' = '^B' } }; Error = "Check 'JsonMatches /name ^B' failed: /name was `"Ada`"." }
        @{ Case = 'BodyContains'; Path = 'text'; Check = @{ BodyContains = 'nope' }; Error = "Check 'BodyContains nope' failed: the body was `"hello world`"." }
        @{ Case = 'BodyMatches'; Path = 'text'; Check = @{ BodyMatches = '^x' }; Error = "Check 'BodyMatches ^x' failed: the body was `"hello world`"." }
        @{ Case = 'Json on a body that is not JSON'; Path = 'notjson'; Check = @{ Json = @{ '/status' = 'ok' } }; Error = "Check 'Json /status == ok' failed: the body is not JSON ('<' is an invalid start of a value. LineNumber: 0 | BytePositionInLine: 0): `"<html> <body>Service unavailable</body> </html>`"." }
        @{ Case = 'two failed checks'; Path = 'error'; Check = @{ StatusCode = 204; JsonExists = '/id'; BodyContains = 'ok' }; Error = "Check 'StatusCode 204' failed: the status was 200. (2 more checks failed)" }
    ) {
        $r = Invoke-BoundedRequest -Uri "$base$Path" -Check $Check
        $r.ErrorKind | Should -Be 'CheckFailed'
        $r.Error | Should -BeExactly $Error
    }

    It 'shows at most 80 characters of a long body, on one line' {
        $r = Invoke-BoundedRequest -Uri "${base}big" -Check @{ BodyContains = 'nope' }
        $r.Error | Should -Match '^Check ''BodyContains nope'' failed: the body was (".*")\.$'
        $excerpt = [regex]::Match($r.Error, 'the body was (".*")\.$').Groups[1].Value
        $excerpt.Length | Should -Be 80
        $excerpt | Should -BeExactly ('"{"filler": "' + ('x' * 63) + '..."')
    }

    It 'judges the time a response took with MaxMs' {
        $r = Invoke-BoundedRequest -Uri "$($server.Uri)delay/50" -Check @{ MaxMs = 10 }
        $r.ErrorKind | Should -Be 'CheckFailed'
        $r.Error | Should -Match '^Check ''MaxMs 10'' failed: it took \d+(\.\d+)? ms\.$'
        [double]($r.Error -replace '^.*took ([\d.]+) ms\.$', '$1') | Should -BeGreaterOrEqual 50
    }

    It 'reads only -MaximumContentBytes of the body: a JSON body cut short is not JSON' {
        $cut = Invoke-BoundedRequest -Uri "${base}big" -Check @{ Json = @{ '/status' = 'ok' } } -MaximumContentBytes 100
        $cut.ErrorKind | Should -Be 'CheckFailed'
        $cut.Error | Should -BeLike "Check 'Json /status == ok' failed: the body is not JSON in its first 100 bytes, all that is read of it: `"{`"filler`": `"xxx*"
        $cut.BytesReceived | Should -BeGreaterThan 20000
        $whole = Invoke-BoundedRequest -Uri "${base}big" -Check @{ Json = @{ '/status' = 'ok' } }
        $whole.Success | Should -BeTrue
    }

    It 'finds a JSON value that lies before the bytes read end, and reads no further' {
        # /ok's body starts {"status": "ok", "id": 42, ...: its first 20 bytes hold /status but not /name.
        $r = Invoke-BoundedRequest -Uri "${base}ok" -Check @{ Json = @{ '/status' = 'ok' } } -MaximumContentBytes 20
        $r.Success | Should -BeTrue
        $r = Invoke-BoundedRequest -Uri "${base}ok" -Check @{ Json = @{ '/name' = 'Ada' } } -MaximumContentBytes 20
        $r.Error | Should -BeLike "Check 'Json /name == Ada' failed: the body is not JSON in its first 20 bytes, all that is read of it: *"
    }

    It 'reads headers for header checks without -IncludeHeaders, and keeps them only with it (<Transport>)' -TestCases @(
        @{ Transport = 'Auto' }, @{ Transport = 'HttpClient' }
    ) {
        $check = @{ Header = @{ 'Content-Type' = '^application/json' }; HeaderExists = 'etag'; Json = @{ '/status' = 'ok' } }
        $plain = Invoke-BoundedRequest -Uri "${base}ok" -Check $check -Transport $Transport
        $plain.Success | Should -BeTrue
        $plain.Headers | Should -BeNullOrEmpty
        $with = Invoke-BoundedRequest -Uri "${base}ok" -Check $check -Transport $Transport -IncludeHeaders
        $with.Success | Should -BeTrue
        $with.Headers['X-Api-Version'] | Should -Be '2'
        $bad = Invoke-BoundedRequest -Uri "${base}error" -Check $check -Transport $Transport
        $bad.Error | Should -BeExactly "Check 'HeaderExists etag' failed: there was no etag header. (1 more check failed)"
    }

    It 'judges a response that failed by its status too, but leaves it an HttpError' {
        $s = Invoke-BoundedRequest -Uri "${base}status/503" -Count 4 -Check @{ StatusCode = 200; Json = @{ '/status' = 'ok' } } -Summary
        $s.ErrorKindCounts['HttpError'] | Should -Be 4
        $s.ErrorKindCounts.ContainsKey('CheckFailed') | Should -BeFalse
        $s.Checks[0].Name | Should -Be 'StatusCode 200'
        $s.Checks[0].Failed | Should -Be 4
        $s.Checks[1].Passed | Should -Be 4
    }

    It 'fails a status that -SuccessStatusCode accepts but the StatusCode check does not, as CheckFailed' {
        $r = Invoke-BoundedRequest -Uri "${base}status/404" -SuccessStatusCode (200..499) -Check @{ StatusCode = '200-299' }
        $r.ErrorKind | Should -Be 'CheckFailed'
        $r.Error | Should -BeExactly "Check 'StatusCode 200-299' failed: the status was 404."
    }

    It 'judges the last answer of a redirect, on the bundled server''s /json route' {
        $to = [uri]::EscapeDataString("$($server.Uri)json/ok")
        $r = Invoke-BoundedRequest -Uri "$($server.Uri)redirect?to=$to" -Check @{ Json = @{ '/status' = 'ok' } } -IncludeContent
        $r.Success | Should -BeTrue
        $r.StatusCode | Should -Be 200
        $r.Content | Should -BeExactly '{"status":"ok"}'
        $e = Invoke-BoundedRequest -Uri "$($server.Uri)json/error" -Check @{ Json = @{ '/status' = 'ok' } }
        $e.Error | Should -BeExactly "Check 'Json /status == ok' failed: /status was `"error`"."
    }

    It 'counts no check for a request that got no response' {
        $port = Get-FreePort
        $s = Invoke-BoundedRequest -Uri "http://127.0.0.1:$port/" -Count 3 -Check @{ StatusCode = 200 } -Summary -TimeoutSec 5
        $s.ErrorKindCounts['ConnectionRefused'] | Should -Be 3
        $s.Checks[0].Name | Should -Be 'StatusCode 200'
        $s.Checks[0].Count | Should -Be 0
    }

    It 'takes -Check in Find-MaxRate, whose steps fail on failed checks' {
        $result = Find-MaxRate -Uri "$($server.Uri)json/error" -Check @{ Json = @{ '/status' = 'ok' } } -StartRate 20 -MaxRate 20 -StepDuration '0.5s' -WarmUp 0 -MaxSteps 1
        $result.Steps.Count | Should -Be 1
        $result.Steps[0].Passed | Should -BeFalse
        $result.Steps[0].ErrorRate | Should -Be 1
    }
}

Describe 'Check counts merge exactly' {
    BeforeAll {
        $check = @{ StatusCode = 200; Json = @{ '/status' = 'ok' }; BodyContains = 'ok' }
        $script:whole = Invoke-BoundedRequest -Uri "${base}mixed/{0}" -Count 100 -Check $check -Summary
        $first = Invoke-BoundedRequest -Uri "${base}mixed/{0}" -Count 37 -Check $check -Summary
        $second = Invoke-BoundedRequest -Uri "${base}mixed/{0}" -StartIndex 37 -Count 63 -Check $check -Summary
        $script:parts = @($first, $second)
        function Get-CheckText($summary) { @($summary.Checks | ForEach-Object { '{0}={1}/{2}' -f $_.Name, $_.Passed, $_.Failed }) }
    }

    It 'merges the check counts of two runs to those of one run over the same requests' {
        $merged = $parts | Merge-RunSummary
        Get-CheckText $merged | Should -Be (Get-CheckText $whole)
        Get-CheckText $whole | Should -Be @('StatusCode 200=100/0', 'BodyContains ok=75/25', 'Json /status == ok=75/25')
        $merged.CheckPassRate | Should -Be $whole.CheckPassRate
    }

    It 'merges copies back from Export-Clixml and ConvertTo-Json (default depth and deeper), and writes them to CSV as JSON' {
        $xml = Join-Path $TestDrive 'parts.xml'
        $parts | Export-Clixml $xml
        Get-CheckText (Import-Clixml $xml | Merge-RunSummary) | Should -Be (Get-CheckText $whole)
        Get-CheckText ($parts | ForEach-Object { $_ | ConvertTo-Json -WarningAction Ignore | ConvertFrom-Json } | Merge-RunSummary) | Should -Be (Get-CheckText $whole)
        Get-CheckText ($parts | ForEach-Object { $_ | ConvertTo-Json -Depth 5 | ConvertFrom-Json } | Merge-RunSummary) | Should -Be (Get-CheckText $whole)
        $csv = Join-Path $TestDrive 'whole.csv'
        $whole | Export-Csv $csv
        $column = (Import-Csv $csv).Checks | ConvertFrom-Json
        @($column | ForEach-Object { '{0}={1}/{2}' -f $_.Name, $_.Passed, $_.Failed }) | Should -Be (Get-CheckText $whole)
    }

    It 'shows the checks in the HTML report' {
        $path = Join-Path $TestDrive 'report.html'
        $whole | Export-RunReport -Path $path
        $html = Get-Content $path -Raw
        $html | Should -Match '<h2 id="checks">Checks</h2>'
        $html | Should -Match '<tr><td>Json /status == ok</td><td class="verdict-failed">75 % \(75 passed, 25 failed\)</td></tr>'
        $html | Should -Match '<tr><td>StatusCode 200</td><td class="verdict-passed">100 % \(100 passed, 0 failed\)</td></tr>'
    }
}

Describe 'Assert-RunSummary gates on checks' {
    BeforeAll {
        $script:s = Invoke-BoundedRequest -Uri "${base}mixed/{0}" -Count 40 -Check @{ StatusCode = 200; Json = @{ '/status' = 'ok' } } -Summary
        $script:plain = Invoke-BoundedRequest -Uri "${base}ok" -Count 5 -Summary
    }

    It 'passes a summary whose checks pass often enough' {
        $s | Assert-RunSummary -MinCheckPassRate 0.875 | Should -Be $s
        $s | Assert-RunSummary -MinCheckPassRateByName @{ 'StatusCode 200' = 1; 'Json*' = 0.75 } | Should -Be $s
    }

    It 'fails one whose checks do not, with ThresholdFailed' {
        $err = Get-StopError { $s | Assert-RunSummary -MinCheckPassRate 0.9 }
        $err.FullyQualifiedErrorId | Should -Be 'ThresholdFailed,LoadTest.Commands.AssertRunSummaryCommand'
        $err.Exception.Message | Should -BeExactly '1 of 1 thresholds failed: CheckPassRate is 0.875, limit >= 0.9.'
        $err = Get-StopError { $s | Assert-RunSummary -MinCheckPassRateByName @{ 'StatusCode 200' = 1; 'Json /status == ok' = 0.8 } }
        $err.FullyQualifiedErrorId | Should -Be 'ThresholdFailed,LoadTest.Commands.AssertRunSummaryCommand'
        $err.Exception.Message | Should -BeExactly '1 of 2 thresholds failed: CheckPassRate[Json /status == ok] is 0.75, limit >= 0.8.'
    }

    It 'reports each condition, and measures 0 for a name that matches no check and for a summary without checks' {
        $report = @($s | Assert-RunSummary -MinCheckPassRate 0.5 -MinCheckPassRateByName @{ 'Json /status == ok' = 0.5; 'Nothing*' = 0.1 } -Report)
        @($report | ForEach-Object { '{0} {1} {2}' -f $_.Name, $_.Measured, $_.Passed }) | Should -Be @(
            'CheckPassRate 0.875 True', 'CheckPassRate[Json /status == ok] 0.75 True', 'CheckPassRate[Nothing*] 0 False')
        $err = Get-StopError { $plain | Assert-RunSummary -MinCheckPassRate 0.5 }
        $err.Exception.Message | Should -BeExactly '1 of 1 thresholds failed: CheckPassRate is 0, limit >= 0.5.'
    }

    It 'gates a copy back from Export-Clixml and JSON the same way' {
        $xml = Join-Path $TestDrive 's.xml'
        $s | Export-Clixml $xml
        (Import-Clixml $xml | Assert-RunSummary -MinCheckPassRate 0.5 -MinCheckPassRateByName @{ 'Json*' = 0.75 } -Report).Measured | Should -Be @(0.875, 0.75)
        ($s | ConvertTo-Json | ConvertFrom-Json | Assert-RunSummary -MinCheckPassRate 0.5 -Report).Measured | Should -Be 0.875
    }

    It 'writes a JUnit case per check condition' {
        $junit = Join-Path $TestDrive 'checks.xml'
        $null = Get-StopError { $s | Assert-RunSummary -MinCheckPassRate 0.9 -MinCheckPassRateByName @{ 'StatusCode 200' = 1 } -JUnitPath $junit }
        [xml] $xml = Get-Content $junit -Raw
        $xml.testsuite.tests | Should -Be '2'
        $xml.testsuite.failures | Should -Be '1'
        $cases = @($xml.testsuite.testcase)
        $cases[0].name | Should -Be 'CheckPassRate >= 0.9'
        $cases[0].failure.type | Should -Be 'ThresholdFailed'
        $cases[0].failure.message | Should -Be 'CheckPassRate is 0.875, limit >= 0.9'
        $cases[1].name | Should -Be 'CheckPassRate[StatusCode 200] >= 1'
        $cases[1].'system-out' | Should -Be 'CheckPassRate[StatusCode 200] is 1, limit >= 1'
    }

    It 'refuses a per-check rate that is not a fraction, with InvalidCheckPassRate' -TestCases @(
        @{ Rates = @{ 'StatusCode 200' = 1.5 } }, @{ Rates = @{ 'StatusCode 200' = 'high' } }, @{ Rates = @{ '' = 0.5 } }
    ) {
        $err = Get-StopError { $s | Assert-RunSummary -MinCheckPassRateByName $Rates }
        $err.FullyQualifiedErrorId | Should -Be 'InvalidCheckPassRate,LoadTest.Commands.AssertRunSummaryCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'A -Check that cannot work is refused before any request' {
    It 'refuses <Case> with <Id>' -TestCases @(
        @{ Case = 'an unknown key'; Id = 'UnknownCheckKey'; Check = @{ Status = 200 } }
        @{ Case = 'an empty hashtable'; Id = 'InvalidCheck'; Check = @{} }
        @{ Case = 'a key given twice'; Id = 'InvalidCheck'; Check = ([System.Collections.Generic.Dictionary[string, object]]::new() | ForEach-Object { $_.Add('MaxMs', 1); $_.Add('maxms', 2); $_ }) }
        @{ Case = 'more than 64 checks'; Id = 'InvalidCheck'; Check = @{ BodyContains = @(1..65 | ForEach-Object { "t$_" }) } }
        @{ Case = 'a status code below 100'; Id = 'InvalidCheckStatusCode'; Check = @{ StatusCode = 99 } }
        @{ Case = 'a status code that is text'; Id = 'InvalidCheckStatusCode'; Check = @{ StatusCode = 'ok' } }
        @{ Case = 'a backwards range'; Id = 'InvalidCheckStatusCode'; Check = @{ StatusCode = '299-200' } }
        @{ Case = 'no status code'; Id = 'InvalidCheckStatusCode'; Check = @{ StatusCode = @() } }
        @{ Case = 'a bad body regex'; Id = 'InvalidCheckPattern'; Check = @{ BodyMatches = '(' } }
        @{ Case = 'a bad JSON regex'; Id = 'InvalidCheckPattern'; Check = @{ JsonMatches = @{ '/id' = '[' } } }
        @{ Case = 'a bad header regex'; Id = 'InvalidCheckPattern'; Check = @{ Header = @{ 'X-A' = '*' } } }
        @{ Case = 'a pointer without its slash'; Id = 'InvalidJsonPointer'; Check = @{ Json = @{ 'status' = 'ok' } } }
        @{ Case = 'a pointer with a bad escape'; Id = 'InvalidJsonPointer'; Check = @{ Json = @{ '/a~2' = 'ok' } } }
        @{ Case = 'a pointer ending in ~'; Id = 'InvalidJsonPointer'; Check = @{ JsonExists = '/a~' } }
        @{ Case = 'a bad JsonMatches pointer'; Id = 'InvalidJsonPointer'; Check = @{ JsonMatches = @{ 'id' = '^1$' } } }
        @{ Case = 'Json that is not a hashtable'; Id = 'InvalidCheckValue'; Check = @{ Json = 'ok' } }
        @{ Case = 'a Json value that is a hashtable'; Id = 'InvalidCheckValue'; Check = @{ Json = @{ '/a' = @{ b = 1 } } } }
        @{ Case = 'MaxMs 0'; Id = 'InvalidCheckValue'; Check = @{ MaxMs = 0 } }
        @{ Case = 'MaxMs as a word'; Id = 'InvalidCheckValue'; Check = @{ MaxMs = 'soon' } }
        @{ Case = 'an empty BodyContains'; Id = 'InvalidCheckValue'; Check = @{ BodyContains = '' } }
        @{ Case = 'a hashtable BodyContains'; Id = 'InvalidCheckValue'; Check = @{ BodyContains = @{ a = 1 } } }
        @{ Case = 'a header name with a space'; Id = 'InvalidCheckValue'; Check = @{ HeaderExists = 'Bad Name' } }
        @{ Case = 'an empty regex'; Id = 'InvalidCheckValue'; Check = @{ BodyMatches = '' } }
        @{ Case = 'Header that is not a hashtable'; Id = 'InvalidCheckValue'; Check = @{ Header = 'ETag' } }
    ) {
        $before = $server.RequestCount
        $err = Get-StopError { Invoke-BoundedRequest -Uri "$($server.Uri)json/ok" -Count 3 -Check $Check }
        $err.FullyQualifiedErrorId | Should -Be "$Id,LoadTest.Commands.InvokeBoundedRequestCommand"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $server.RequestCount | Should -Be $before
    }

    It 'refuses a bad -Check in Find-MaxRate too' {
        $err = Get-StopError { Find-MaxRate -Uri "$($server.Uri)json/ok" -Check @{ Json = @{ 'status' = 'ok' } } -WarmUp 0 -MaxSteps 1 -StepDuration '0.5s' }
        $err.FullyQualifiedErrorId | Should -Be 'InvalidJsonPointer,LoadTest.Commands.FindMaxRateCommand'
    }
}
