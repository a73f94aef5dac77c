# Building requests the way Invoke-WebRequest users expect: User-Agent, -Authentication, {0} templates with
# .NET formats in -Uri and -Body, -InFile, relative URIs refused. Every feature through both transports:
# -Transport Auto (LoadTest's own HTTP/1.1 client for plain http) and -Transport HttpClient.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $server = Start-TestServer
    $base = $server.Uri.ToString()
    $command = 'LoadTest.Commands.InvokeBoundedRequestCommand'
    $secretText = 'tok-5ecret-Zq81'
    $token = ConvertTo-SecureString $secretText -AsPlainText -Force
    $os = [System.Runtime.InteropServices.RuntimeInformation]::OSDescription
    $defaultAgent = "LoadTest/$((Get-Module LoadTest).Version) (PowerShell $($PSVersionTable.PSVersion); $os)"

    # What /echo saw, one parsed object per request, in index order.
    function Get-Echo {
        param([hashtable] $Params, [string] $Transport)
        $results = @(Invoke-BoundedRequest @Params -Transport $Transport -IncludeContent | Sort-Object Index)
        foreach ($r in $results) {
            $r.StatusCode | Should -Be 200 -Because $r.Error
            $r.Content | ConvertFrom-Json
        }
    }

    # Runs a command that must stop before it starts, and returns its error.
    function Get-SetupError([scriptblock] $Script) {
        $err = $null
        try { & $Script } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty -Because 'the command must stop with an error'
        $err
    }
}

AfterAll {
    $server | Stop-TestServer
}

Describe 'User-Agent through <Transport>' -ForEach @(@{ Transport = 'Auto' }, @{ Transport = 'HttpClient' }) {
    It 'sends LoadTest/<version> (PowerShell <version>; <OS>) by default, the same on every request' {
        $echo = Get-Echo @{ Uri = "${base}echo?i={0}"; Count = 20; ThrottleLimit = 4 } $Transport
        $echo.Count | Should -Be 20
        @($echo.headers.'User-Agent' | Sort-Object -Unique) | Should -Be @($defaultAgent)
    }

    It 'sends -UserAgent instead' {
        (Get-Echo @{ Uri = "${base}echo"; UserAgent = 'MyAgent/2.0 (test)' } $Transport).headers.'User-Agent' | Should -BeExactly 'MyAgent/2.0 (test)'
    }

    It 'lets a User-Agent in -Headers win over -UserAgent and the default' {
        (Get-Echo @{ Uri = "${base}echo"; UserAgent = 'Loses/1'; Headers = @{ 'user-agent' = 'Wins/1' } } $Transport).headers.'User-Agent' | Should -BeExactly 'Wins/1'
        (Get-Echo @{ Uri = "${base}echo"; Headers = @{ 'User-Agent' = 'Wins/2' } } $Transport).headers.'User-Agent' | Should -BeExactly 'Wins/2'
    }

    It 'lets a pipeline row''s User-Agent header win for that row only' {
        $rows = @{ Uri = "${base}echo"; Headers = @{ 'User-Agent' = 'Row/1' } }, "${base}echo"
        $echo = $rows | Invoke-BoundedRequest -Transport $Transport -UserAgent 'Run/1' -IncludeContent | Sort-Object Index | ForEach-Object { $_.Content | ConvertFrom-Json }
        $echo.headers.'User-Agent' | Should -Be @('Row/1', 'Run/1')
    }

    It 'sends no User-Agent with -UserAgent ''''' {
        $echo = Get-Echo @{ Uri = "${base}echo"; UserAgent = '' } $Transport
        $echo.headers.PSObject.Properties.Name | Should -Not -Contain 'User-Agent'
    }
}

Describe 'The two transports write the same request' {
    BeforeAll {
        $capture = Start-RecordingServer -Response "HTTP/1.1 200 OK`r`nContent-Length: 0`r`n`r`n"
    }

    AfterAll {
        $capture.Dispose()
    }

    It 'writes byte-identical requests with User-Agent, Authorization and a body template; Auto is the lean client' {
        $params = @{
            Uri = "$($capture.Uri)item/{0:D4}"; Count = 4; StartIndex = 8; ThrottleLimit = 1; Method = 'POST'
            Body = '{{"id":{0}}}'; ContentType = 'application/json'; Headers = @{ 'X-A' = '1' }
            Authentication = 'Bearer'; Token = $token; AllowUnencryptedAuthentication = $true; DisableKeepAlive = $true
        }
        $lean = @(Invoke-BoundedRequest @params)
        $leanSeen = @($capture.Requests.ToArray())
        $capture.Requests.Clear()
        $plain = @(Invoke-BoundedRequest @params -Transport HttpClient)
        $plainSeen = @($capture.Requests.ToArray())
        $capture.Requests.Clear()

        $lean.Count | Should -Be 4
        $plain.Count | Should -Be 4
        $leanSeen.Count | Should -Be 4
        $plainSeen.Count | Should -Be 4
        $port = ([uri]$capture.Uri).Port
        foreach ($i in 8..11) {
            $body = "{`"id`":$i}"
            $request = "POST /item/$('{0:D4}' -f $i) HTTP/1.1`r`nHost: 127.0.0.1:$port`r`nX-A: 1`r`nUser-Agent: $defaultAgent`r`nAuthorization: Bearer $secretText`r`n"
            # The lean client writes Connection: close last, HttpClient among the request headers: so the first run was the lean client's.
            $leanSeen | Should -Contain ($request + "Content-Type: application/json`r`nContent-Length: $($body.Length)`r`nConnection: close`r`n`r`n$body")
            $plainSeen | Should -Contain ($request + "Connection: close`r`nContent-Type: application/json`r`nContent-Length: $($body.Length)`r`n`r`n$body")
        }
    }

    It 'sends what System.Uri makes of a -Uri template, whatever needs escaping or resolving: <Template>' -TestCases @(
        @{ Template = 'item/{0}?q={0}&r=a:b@c,d;e' }
        @{ Template = 'sp ace/{0}' }
        @{ Template = 'a/./b/../c{0}' }
        @{ Template = 'pct/%41%2F{0}' }
        @{ Template = 'frag/{0}#part' }
        @{ Template = 'back\slash/{0}?x=\' }
        @{ Template = 'brace/{{x}}/{0}|' }
        @{ Template = 'caf' + [char]0xE9 + '/{0}' }
        @{ Template = '.well-known/{0}' }
    ) {
        $authority = ([uri]$capture.Uri).Authority
        foreach ($transport in 'Auto', 'HttpClient') {
            # Upper case scheme and host: the Host header is still what System.Uri says.
            $uriTemplate = "HTTP://$($authority.ToUpperInvariant())/$Template"
            $results = @(Invoke-BoundedRequest -Uri $uriTemplate -Count 3 -StartIndex 7 -ThrottleLimit 1 -Transport $transport | Sort-Object Index)
            $seen = @($capture.Requests.ToArray())
            $capture.Requests.Clear()
            $results.Count | Should -Be 3
            $seen.Count | Should -Be 3
            foreach ($i in 0..2) {
                $text = $uriTemplate -f ($i + 7)
                $expected = [uri]::new($text)
                $results[$i].Uri.OriginalString | Should -BeExactly $text
                $results[$i].Uri.AbsoluteUri | Should -BeExactly $expected.AbsoluteUri
                $seen[$i] | Should -BeLike "GET $($expected.PathAndQuery) HTTP/1.1`r`nHost: $($expected.Authority)`r`n*" -Because "$transport sends $text"
            }
        }
    }

    It 'writes the same default request for a GET, with User-Agent and no Content-Length' {
        $null = Invoke-BoundedRequest -Uri "$($capture.Uri)plain"
        $null = Invoke-BoundedRequest -Uri "$($capture.Uri)plain" -Transport HttpClient
        $seen = @($capture.Requests.ToArray())
        $capture.Requests.Clear()
        $seen.Count | Should -Be 2
        $seen[0] | Should -BeExactly "GET /plain HTTP/1.1`r`nHost: 127.0.0.1:$(([uri]$capture.Uri).Port)`r`nUser-Agent: $defaultAgent`r`n`r`n"
        $seen[1] | Should -BeExactly $seen[0]
    }
}

Describe '-Authentication through <Transport>' -ForEach @(@{ Transport = 'Auto' }, @{ Transport = 'HttpClient' }) {
    It 'sends Bearer <token>' {
        $echo = Get-Echo @{ Uri = "${base}echo?i={0}"; Count = 3; Authentication = 'Bearer'; Token = $token; AllowUnencryptedAuthentication = $true } $Transport
        $echo.Count | Should -Be 3
        @($echo.headers.Authorization | Sort-Object -Unique) | Should -Be @("Bearer $secretText")
    }

    It 'sends Basic base64(user:password), the password as UTF-8' {
        $credential = [pscredential]::new('ann', (ConvertTo-SecureString 'pässw0rd:x' -AsPlainText -Force))
        $echo = Get-Echo @{ Uri = "${base}echo"; Authentication = 'Basic'; Credential = $credential; AllowUnencryptedAuthentication = $true } $Transport
        $expected = [Convert]::ToBase64String([System.Text.Encoding]::UTF8.GetBytes('ann:pässw0rd:x'))
        $echo.headers.Authorization | Should -BeExactly "Basic $expected"
    }

    It 'lets an Authorization header in -Headers win, as Invoke-WebRequest does' {
        $echo = Get-Echo @{ Uri = "${base}echo"; Authentication = 'Bearer'; Token = $token; AllowUnencryptedAuthentication = $true; Headers = @{ Authorization = 'Custom abc' } } $Transport
        $echo.headers.Authorization | Should -BeExactly 'Custom abc'
    }

    It 'leaves Authorization behind on a redirect to another origin, and keeps it within the origin' {
        $auth = @{ Authentication = 'Bearer'; Token = $token; AllowUnencryptedAuthentication = $true }
        $away = [uri]::EscapeDataString("http://localhost:$($server.Port)/echo")
        $echo = Get-Echo (@{ Uri = "${base}redirect?to=$away" } + $auth) $Transport
        $echo.headers.Host | Should -Be "localhost:$($server.Port)"
        $echo.headers.PSObject.Properties.Name | Should -Not -Contain 'Authorization'
        $echo.headers.'User-Agent' | Should -Be $defaultAgent

        $echo = Get-Echo (@{ Uri = "${base}redirect?to=%2Fecho" } + $auth) $Transport
        $echo.path | Should -Be '/echo'
        $echo.headers.Authorization | Should -BeExactly "Bearer $secretText"
    }
}

Describe '-Authentication setup errors' {
    It 'stops with <Id> for <Case>, sending nothing' -TestCases @(
        @{ Case = 'Bearer without -Token'; Id = 'AuthenticationTokenNotSupplied'; Params = @{ Authentication = 'Bearer'; AllowUnencryptedAuthentication = $true } }
        @{ Case = 'Bearer with only -Credential'; Id = 'AuthenticationTokenNotSupplied'; Params = @{ Authentication = 'Bearer'; Credential = [pscredential]::new('u', (ConvertTo-SecureString 'tok-5ecret-Zq81' -AsPlainText -Force)); AllowUnencryptedAuthentication = $true } }
        @{ Case = 'Basic without -Credential'; Id = 'AuthenticationCredentialNotSupplied'; Params = @{ Authentication = 'Basic'; Token = (ConvertTo-SecureString 'tok-5ecret-Zq81' -AsPlainText -Force); AllowUnencryptedAuthentication = $true } }
        @{ Case = 'both -Token and -Credential'; Id = 'AuthenticationTokenConflict'; Params = @{ Authentication = 'Basic'; Token = (ConvertTo-SecureString 'tok-5ecret-Zq81' -AsPlainText -Force); Credential = [pscredential]::new('u', (ConvertTo-SecureString 'tok-5ecret-Zq81' -AsPlainText -Force)); AllowUnencryptedAuthentication = $true } }
        @{ Case = '-Token without -Authentication'; Id = 'AuthenticationNotSpecified'; Params = @{ Token = (ConvertTo-SecureString 'tok-5ecret-Zq81' -AsPlainText -Force) } }
        @{ Case = '-Credential with -Authentication None'; Id = 'AuthenticationNotSpecified'; Params = @{ Authentication = 'None'; Credential = [pscredential]::new('u', (ConvertTo-SecureString 'tok-5ecret-Zq81' -AsPlainText -Force)) } }
        @{ Case = 'Bearer over plain http'; Id = 'AllowUnencryptedAuthenticationRequired'; Params = @{ Authentication = 'Bearer'; Token = (ConvertTo-SecureString 'tok-5ecret-Zq81' -AsPlainText -Force) } }
        @{ Case = 'Basic over plain http'; Id = 'AllowUnencryptedAuthenticationRequired'; Params = @{ Authentication = 'basic'; Credential = [pscredential]::new('u', (ConvertTo-SecureString 'tok-5ecret-Zq81' -AsPlainText -Force)) } }
    ) {
        $before = $server.RequestCount
        $err = Get-SetupError { Invoke-BoundedRequest -Uri "${base}echo/{0}" -Count 5 @Params }
        $err.FullyQualifiedErrorId | Should -Be "$Id,$command"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        ($err | Out-String -Width 500) + $err.Exception.Message + "$($err.TargetObject)" | Should -Not -Match $secretText
        $server.RequestCount | Should -Be $before
    }

    It 'refuses each plain http pipeline item with AllowUnencryptedAuthenticationRequired and sends the https one' {
        $before = $server.RequestCount
        $closed = "https://127.0.0.1:$(Get-FreePort)/"
        $results = @("${base}a", @{ Uri = "${base}b" }, $closed) |
            Invoke-BoundedRequest -Authentication Bearer -Token $token -ErrorVariable bad -ErrorAction SilentlyContinue
        $results.Count | Should -Be 1
        $results[0].Index | Should -Be 2
        $results[0].ErrorKind | Should -Be 'ConnectionRefused'
        $bad.Count | Should -Be 2
        $bad.FullyQualifiedErrorId | Should -Be @("AllowUnencryptedAuthenticationRequired,$command", "AllowUnencryptedAuthenticationRequired,$command")
        $server.RequestCount | Should -Be $before
    }

    It 'accepts an https -Uri without -AllowUnencryptedAuthentication' {
        $r = Invoke-BoundedRequest -Uri "https://127.0.0.1:$(Get-FreePort)/{0}" -Count 2 -Authentication Bearer -Token $token
        $r.Count | Should -Be 2
        @($r.ErrorKind | Sort-Object -Unique) | Should -Be @('ConnectionRefused')
    }
}

Describe 'Secrets stay secret' {
    It 'never shows the token in results, verbose text, warnings, errors or progress' {
        $ps = New-ModulePowerShell
        try {
            $script = {
                param($Base, $Token, $Closed)
                $bad = @("${Base}status/200", "${Base}status/503", "${Base}redirect?to=%2Fstatus%2F201", $Closed, '/relative', @{ Uri = "${Base}x"; Headers = @{ 'Bad Header' = 'x' } })
                $bad | Invoke-BoundedRequest -Authentication Bearer -Token $Token -AllowUnencryptedAuthentication -IncludeHeaders `
                    -Verbose -SkipCertificateCheck -Summary -Output All -ErrorAction Continue *>&1 | Out-String -Width 1000
                $bad | Invoke-BoundedRequest -Authentication Bearer -Token $Token -AllowUnencryptedAuthentication -IncludeHeaders -ErrorAction SilentlyContinue |
                    ConvertTo-Json -Depth 5
                try { Invoke-BoundedRequest -Uri "${Base}x" -Authentication Bearer -Token $Token -Verbose *>&1 | Out-String -Width 1000 } catch { $_ | Format-List * -Force | Out-String -Width 1000 }
            }
            $null = $ps.AddScript($script).AddArgument($base).AddArgument($token).AddArgument("http://127.0.0.1:$(Get-FreePort)/")
            $text = ($ps.Invoke() | Out-String -Width 1000)
            $text | Should -Match 'Starting requests from the pipeline'
            $text | Should -Match 'SkipCertificateCheck'
            $text | Should -Match "The URI '/relative' is relative"
            $text | Should -Match "The header 'Bad Header' cannot be sent"
            $text | Should -Match 'ConnectionRefused'
            $text | Should -Match 'AllowUnencryptedAuthenticationRequired'
            $text | Should -Not -Match $secretText
            @($ps.Streams.Progress).Count | Should -BeGreaterThan 0
            ($ps.Streams.Progress | ForEach-Object { $_.Activity, $_.StatusDescription, $_.CurrentOperation } | Out-String) | Should -Not -Match $secretText
            ($ps.Streams.Error | Out-String -Width 1000) | Should -Not -Match $secretText
        }
        finally {
            $ps.Dispose()
        }
    }

    It 'puts no request header on a result: Headers are the response''s' {
        $r = Invoke-BoundedRequest -Uri "${base}status/200" -Authentication Bearer -Token $token -AllowUnencryptedAuthentication -IncludeHeaders
        $r.Headers.Keys | Should -Not -Contain 'Authorization'
        ($r | Format-List * | Out-String -Width 1000) | Should -Not -Match $secretText
    }
}

Describe '{0} templates through <Transport>' -ForEach @(@{ Transport = 'Auto' }, @{ Transport = 'HttpClient' }) {
    It 'formats the index in -Uri with {0:D5}' {
        $echo = Get-Echo @{ Uri = "${base}echo/item/{0:D5}"; Count = 12; StartIndex = 95 } $Transport
        $echo.path | Should -Be (95..106 | ForEach-Object { '/echo/item/{0:D5}' -f $_ })
    }

    It 'formats the index in -Uri with {0:X} and keeps doubled braces as braces' {
        $results = @(Invoke-BoundedRequest -Uri "${base}hex/{0:X}/{{x}}?i={0}" -Count 6 -StartIndex 254 -Transport $Transport | Sort-Object Index)
        $results.Count | Should -Be 6
        $results.StatusCode | Sort-Object -Unique | Should -Be 200
        $results.Uri.AbsolutePath | Should -Be (254..259 | ForEach-Object { '/hex/{0:X}/%7Bx%7D' -f $_ })
        $results.Uri.Query | Should -Be (254..259 | ForEach-Object { "?i=$_" })
    }

    It 'sends a JSON body per index with -Body ''{{"id":{0}}}'', each with its own Content-Length' {
        $echo = Get-Echo @{ Uri = "${base}echo"; Count = 6; StartIndex = 7; Method = 'POST'; Body = '{{"id":{0}}}'; ContentType = 'application/json' } $Transport
        $echo.body | Should -Be (7..12 | ForEach-Object { "{`"id`":$_}" })
        $echo.headers.'Content-Length' | Should -Be (7..12 | ForEach-Object { "{`"id`":$_}".Length })
        $echo.headers.'Content-Type' | Sort-Object -Unique | Should -Be 'application/json'
    }

    It 'formats the body index with {0:D3}, as UTF-8' {
        $echo = Get-Echo @{ Uri = "${base}echo"; Count = 2; Method = 'PUT'; Body = 'é-{0:D3}' } $Transport
        $echo.body | Should -Be @('é-000', 'é-001')
        $echo.headers.'Content-Length' | Should -Be @('6', '6')
    }

    It 'sends a body without {0} as it is, braces and all' {
        (Get-Echo @{ Uri = "${base}echo"; Method = 'POST'; Body = '{"a":{"b":1}}' } $Transport).body | Should -BeExactly '{"a":{"b":1}}'
        (Get-Echo @{ Uri = "${base}echo"; Method = 'POST'; Body = '{{0}}' } $Transport).body | Should -BeExactly '{0}'
    }

    It 'fills a body template with the pipeline position; a row''s own body is sent as it is' {
        $items = "${base}echo", @{ Uri = "${base}echo"; Body = 'own {0}' }, @{ Uri = "${base}echo"; Headers = @{ 'X-Row' = '1' } }
        $echo = $items | Invoke-BoundedRequest -Method POST -Body 'n={0}' -Transport $Transport -IncludeContent | Sort-Object Index | ForEach-Object { $_.Content | ConvertFrom-Json }
        $echo.body | Should -Be @('n=0', 'own {0}', 'n=2')
        $echo[2].headers.'X-Row' | Should -Be '1'
    }
}

Describe '{0} templates' {
    It 'sends a distinct body per request and every request once' {
        $own = Start-TestServer
        try {
            $r = Invoke-BoundedRequest -Uri "$($own.Uri)t/{0}" -Count 200 -ThrottleLimit 16 -Method POST -Body '{{"id":{0},"pad":"{0,8}"}}'
            $r.Count | Should -Be 200
            ($r.Index | Sort-Object -Unique).Count | Should -Be 200
            @($r | Where-Object StatusCode -NE 200).Count | Should -Be 0
            $own.ReceivedBodyCount | Should -Be 200
            $own.DuplicateBodyCount | Should -Be 0
        }
        finally {
            $own | Stop-TestServer
        }
    }

    It 'stops with <Id> for <Case>, sending nothing' -TestCases @(
        @{ Case = 'a -Uri with {1}'; Id = 'InvalidUriTemplate'; Params = @{ Uri = 'http://127.0.0.1:1/x/{1}' } }
        @{ Case = 'a -Uri with {0 unclosed'; Id = 'InvalidUriTemplate'; Params = @{ Uri = 'http://127.0.0.1:1/x/{0' } }
        @{ Case = 'a -Uri with {x}'; Id = 'InvalidUriTemplate'; Params = @{ Uri = 'http://127.0.0.1:1/x/{x}' } }
        @{ Case = 'a -Uri with a lone }'; Id = 'InvalidUriTemplate'; Params = @{ Uri = 'http://127.0.0.1:1/x/}/{0}' } }
        @{ Case = 'a -Uri with a format an integer refuses'; Id = 'InvalidUriTemplate'; Params = @{ Uri = 'http://127.0.0.1:1/x/{0:Q}' } }
        @{ Case = 'a -Uri whose last index makes a bad port'; Id = 'InvalidUri'; Params = @{ Uri = 'http://127.0.0.1:6553{0}/'; Count = 7 } }
        @{ Case = 'a JSON -Body with {0} and single braces'; Id = 'InvalidBodyTemplate'; Params = @{ Uri = 'http://127.0.0.1:1/'; Body = '{"id":{0}}' } }
        @{ Case = 'a -Body template with {1}'; Id = 'InvalidBodyTemplate'; Params = @{ Uri = 'http://127.0.0.1:1/'; Body = '{0}-{1}' } }
        @{ Case = 'a -Body template with {x}'; Id = 'InvalidBodyTemplate'; Params = @{ Uri = 'http://127.0.0.1:1/'; Body = '{0} {x}' } }
        @{ Case = 'a -Body template with a format an integer refuses'; Id = 'InvalidBodyTemplate'; Params = @{ Uri = 'http://127.0.0.1:1/'; Body = '{0:Q}' } }
    ) {
        $before = $server.RequestCount
        $err = Get-SetupError { Invoke-BoundedRequest @Params }
        $err.FullyQualifiedErrorId | Should -Be "$Id,$command"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $server.RequestCount | Should -Be $before
    }

    It 'checks a pipeline run''s -Body template before the first item' {
        $before = $server.RequestCount
        $err = Get-SetupError { "${base}x" | Invoke-BoundedRequest -Body '{"id":{0}}' }
        $err.FullyQualifiedErrorId | Should -Be "InvalidBodyTemplate,$command"
        $server.RequestCount | Should -Be $before
    }
}

Describe '-InFile through <Transport>' -ForEach @(@{ Transport = 'Auto' }, @{ Transport = 'HttpClient' }) {
    It 'sends the file''s bytes on every request, braces not read as a template' {
        $path = Join-Path $TestDrive 'body.json'
        [System.IO.File]::WriteAllText($path, "{`"n`":`"ü {0}`"}`n", [System.Text.UTF8Encoding]::new($false))
        $echo = Get-Echo @{ Uri = "${base}echo?i={0}"; Count = 3; Method = 'POST'; InFile = $path; ContentType = 'application/json' } $Transport
        $echo.body | Should -Be @(1..3 | ForEach-Object { "{`"n`":`"ü {0}`"}`n" })
        $echo.headers.'Content-Length' | Sort-Object -Unique | Should -Be ([System.IO.FileInfo]$path).Length
    }

    It 'finds a relative path from the current PowerShell location, and sends an empty file as Content-Length 0' {
        Push-Location $TestDrive
        try {
            Set-Content -Path 'rel.txt' -Value 'relative' -NoNewline
            $null = New-Item 'empty.bin' -ItemType File -Force
            (Get-Echo @{ Uri = "${base}echo"; Method = 'PUT'; InFile = 'rel.txt' } $Transport).body | Should -BeExactly 'relative'
            $empty = Get-Echo @{ Uri = "${base}echo"; Method = 'PUT'; InFile = './empty.bin' } $Transport
            $empty.body | Should -BeExactly ''
            $empty.headers.'Content-Length' | Should -Be '0'
        }
        finally {
            Pop-Location
        }
    }
}

Describe '-InFile setup errors' {
    BeforeAll {
        $big = Join-Path $TestDrive 'big.bin'
        $stream = [System.IO.File]::Create($big)
        try { $stream.SetLength(64MB + 1) } finally { $stream.Dispose() }
        $small = Join-Path $TestDrive 'small.txt'
        Set-Content -Path $small -Value 'x'
    }

    It 'stops with <Id> (<Category>) for <Case>, sending nothing' -TestCases @(
        @{ Case = 'a missing file'; Id = 'InFileNotFound'; Category = 'ObjectNotFound'; InFile = 'no-such-file.bin' }
        @{ Case = 'a directory'; Id = 'InFileNotFound'; Category = 'ObjectNotFound'; InFile = 'TestDrive:\' }
        @{ Case = 'a path on a drive that does not exist'; Id = 'InFileNotFound'; Category = 'ObjectNotFound'; InFile = 'nosuchdrive:\x.bin' }
        @{ Case = 'a path of another provider'; Id = 'InFileNotFound'; Category = 'ObjectNotFound'; InFile = 'Env:\PATH' }
        @{ Case = 'a file over 64 MB'; Id = 'InFileTooLarge'; Category = 'LimitsExceeded'; InFile = 'big' }
        @{ Case = '-InFile with -Body'; Id = 'BodyConflict'; Category = 'InvalidArgument'; InFile = 'small'; Body = 'x' }
    ) {
        $file = switch ($InFile) { 'big' { $big } 'small' { $small } default { $InFile } }
        $params = @{ Uri = "${base}echo/{0}"; Count = 3; Method = 'POST'; InFile = $file }
        if ($Body) { $params.Body = $Body }
        $before = $server.RequestCount
        $err = Get-SetupError { Invoke-BoundedRequest @params }
        $err.FullyQualifiedErrorId | Should -Be "$Id,$command"
        $err.CategoryInfo.Category | Should -Be $Category
        $server.RequestCount | Should -Be $before
    }
}

Describe 'Relative URIs' {
    It 'stops with InvalidUri for the -Uri <Value>' -TestCases @(
        @{ Value = '/rel' }, @{ Value = 'rel/x' }, @{ Value = '/rel/{0}' }, @{ Value = '{0}' }
    ) {
        $err = Get-SetupError { Invoke-BoundedRequest -Uri $Value -Count 2 }
        $err.FullyQualifiedErrorId | Should -Be "InvalidUri,$command"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match 'is relative'
    }

    It 'writes InvalidUri for each relative pipeline item and sends the others' {
        $items = '/rel', 'rel/x', [uri]::new('/rel2', [UriKind]::RelativeOrAbsolute), [uri]::new('/rel3'), @{ Uri = '/row' }, "${base}ok", 'file:///etc/passwd'
        $results = @($items | Invoke-BoundedRequest -ErrorVariable bad -ErrorAction SilentlyContinue)
        $results.Count | Should -Be 1
        $results[0].Index | Should -Be 5
        $results[0].StatusCode | Should -Be 200
        $bad.FullyQualifiedErrorId | Should -Be @(
            "InvalidUri,$command", "InvalidUri,$command", "InvalidUri,$command", "InvalidUri,$command", "InvalidUri,$command", "UnsupportedUriScheme,$command"
        )
    }
}
