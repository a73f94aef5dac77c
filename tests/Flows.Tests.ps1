# Flows: user journeys run as iterations against a token-protected JSON API that the tests start
# (tests/flow_api_server.py: log in, create an item with the token and the session cookie, read it back).
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $port = Get-FreePort
    $python = (Get-Command python3 -ErrorAction Stop).Source
    $apiOutput = [IO.Path]::GetTempFileName()
    $api = Start-Process -FilePath $python -ArgumentList @((Join-Path $PSScriptRoot 'flow_api_server.py'), $port) -PassThru -RedirectStandardOutput $apiOutput
    Wait-Until { (Get-Content $apiOutput -Raw) -match 'ready' }
    $base = "http://127.0.0.1:$port"

    function Get-ApiStats { Invoke-RestMethod "$base/stats" -NoProxy }

    $journey = @(
        @{ Name = 'login'; Method = 'POST'; Uri = '/login'; Body = '{"user":"#{user}"}'; ContentType = 'application/json'; Extract = @{ token = 'json:/token' } }
        @{ Name = 'create'; Method = 'POST'; Uri = '/items'; Headers = @{ Authorization = 'Bearer #{token}' }; Body = '{"name":"n#{iteration}"}'; ContentType = 'application/json'; Check = @{ StatusCode = 201 }; Extract = @{ item = 'header:Location' } }
        @{ Name = 'read'; Uri = '#{item}'; Headers = @{ Authorization = 'Bearer #{token}' }; Check = @{ Json = @{ '/owner' = '#{user}' } } }
    )

    # 20 users; every fifth cannot log in.
    function Get-Users([int] $From = 1, [int] $To = 20) {
        $From..$To | ForEach-Object { [pscustomobject]@{ user = if ($_ % 5 -eq 0) { "bad$_" } else { "u$_" } } }
    }
}

AfterAll {
    if ($api -and -not $api.HasExited) { $api.Kill() }
    Remove-Item $apiOutput -ErrorAction Ignore
}

Describe 'Invoke-BoundedRequest -Flow' {
    It 'runs each data row as one iteration, step by step, and sends what the server then receives exactly' {
        $before = Get-ApiStats
        $results = Get-Users | Invoke-BoundedRequest -BaseUri $base -Flow $journey -ThrottleLimit 4
        $after = Get-ApiStats

        $results.Count | Should -Be 52
        @($results | Where-Object Step -EQ 'login').Count | Should -Be 20
        @($results | Where-Object Step -EQ 'create').Count | Should -Be 16
        @($results | Where-Object Step -EQ 'read').Count | Should -Be 16
        # What the server received for a step equals the sum of that step's attempts.
        ($after.login - $before.login) | Should -Be (($results | Where-Object Step -EQ 'login' | Measure-Object Attempts -Sum).Sum)
        ($after.create - $before.create) | Should -Be (($results | Where-Object Step -EQ 'create' | Measure-Object Attempts -Sum).Sum)
        ($after.read - $before.read) | Should -Be (($results | Where-Object Step -EQ 'read' | Measure-Object Attempts -Sum).Sum)
    }

    It 'carries each user''s extracted token and own session cookie to the later steps' {
        $before = Get-ApiStats
        $results = Get-Users | Invoke-BoundedRequest -BaseUri $base -Flow $journey -ThrottleLimit 8
        $after = Get-ApiStats
        # The server refuses a create without the user's token and its own session cookie, and counts a read of
        # another user's item: none of either.
        ($after.bad_token - $before.bad_token) | Should -Be 0
        ($after.bad_cookie - $before.bad_cookie) | Should -Be 0
        ($after.owner_mismatch - $before.owner_mismatch) | Should -Be 0
        @($results | Where-Object { $_.Step -ne 'login' -and -not $_.Success }).Count | Should -Be 0
        # Each read went to the item its own iteration created.
        $created = @{}
        $results | Where-Object Step -EQ 'create' | ForEach-Object { $created[$_.Index] = $true }
        ($results | Where-Object Step -EQ 'read' | ForEach-Object Index | Sort-Object) -join ',' |
            Should -Be (($created.Keys | Sort-Object) -join ',')
    }

    It 'ends an iteration at a failed login: its other steps are skipped, never sent' {
        $results = Get-Users | Invoke-BoundedRequest -BaseUri $base -Flow $journey -ThrottleLimit 4
        $failed = @($results | Where-Object { -not $_.Success })
        $failed.Count | Should -Be 4
        $failed.Step | Sort-Object -Unique | Should -Be 'login'
        $failed.StatusCode | Sort-Object -Unique | Should -Be 401
        $failedIterations = $failed.Index
        @($results | Where-Object { $_.Index -in $failedIterations -and $_.Step -ne 'login' }).Count | Should -Be 0
    }

    It 'summarises each step, the iterations and the checks exactly' {
        $summary = Get-Users | Invoke-BoundedRequest -BaseUri $base -Flow $journey -ThrottleLimit 4 -Summary
        $summary.Count | Should -Be 52
        $summary.Failed | Should -Be 4
        $summary.Iterations | Should -Be 20
        $summary.IterationsFailed | Should -Be 4
        $summary.Steps.Name -join ',' | Should -Be 'login,create,read'
        ($summary.Steps | ForEach-Object { "$($_.Name):$($_.Count)/$($_.Failed)/$($_.Skipped)" }) -join ' ' |
            Should -Be 'login:20/4/0 create:16/0/4 read:16/0/4'
        $login = $summary.Steps | Where-Object Name -EQ 'login'
        $login.StatusCodeCounts['200'] | Should -Be 16
        $login.StatusCodeCounts['401'] | Should -Be 4
        ($summary.Checks | ForEach-Object { "$($_.Name)=$($_.Passed)/$($_.Failed)" }) -join '; ' |
            Should -Be 'create: StatusCode 201=16/0; read: Json /owner == #{user}=16/0'
        $summary.IterationLatency.P50Ms | Should -BeGreaterThan 0
    }

    It 'rebuilds the per-step numbers from the results themselves (Merge-RunSummary of results, as after Export-Csv)' {
        $results = Get-Users | Invoke-BoundedRequest -BaseUri $base -Flow $journey -ThrottleLimit 4
        $path = Join-Path $TestDrive 'results.csv'
        $results | Export-Csv $path
        foreach ($merged in ($results | Merge-RunSummary), (Import-Csv $path | Merge-RunSummary)) {
            ($merged.Steps | ForEach-Object { "$($_.Name):$($_.Count)/$($_.Failed)" }) -join ' ' | Should -Be 'login:20/4 create:16/0 read:16/0'
        }
    }

    It 'merges per-step summaries of two runs into what one run of all the rows gives' {
        $first = Get-Users 1 10 | Invoke-BoundedRequest -BaseUri $base -Flow $journey -ThrottleLimit 4 -Summary
        $second = Get-Users 11 20 | Invoke-BoundedRequest -BaseUri $base -Flow $journey -ThrottleLimit 4 -Summary
        $path = Join-Path $TestDrive 'second.clixml'
        $second | Export-Clixml $path
        $merged = $first, (Import-Clixml $path) | Merge-RunSummary
        $merged.Iterations | Should -Be 20
        $merged.IterationsFailed | Should -Be 4
        ($merged.Steps | ForEach-Object { "$($_.Name):$($_.Count)/$($_.Failed)/$($_.Skipped)" }) -join ' ' |
            Should -Be 'login:20/4/0 create:16/0/4 read:16/0/4'
        foreach ($name in 'login', 'create', 'read') {
            $one = $first.Steps | Where-Object Name -EQ $name
            $two = $second.Steps | Where-Object Name -EQ $name
            $all = $merged.Steps | Where-Object Name -EQ $name
            $all.Latency.MaxMs | Should -Be ([Math]::Max($one.Latency.MaxMs, $two.Latency.MaxMs))
            $all.StatusCodeCounts.Values | Measure-Object -Sum | ForEach-Object Sum | Should -Be ($one.Count + $two.Count)
            $all.Latency.MinMs | Should -Be ([Math]::Min($one.Latency.MinMs, $two.Latency.MinMs))
        }
    }

    It 'gates one step with Assert-RunSummary -Step, also after Export-Clixml' {
        $summary = Get-Users | Invoke-BoundedRequest -BaseUri $base -Flow $journey -ThrottleLimit 4 -Summary
        $path = Join-Path $TestDrive 'flow.clixml'
        $summary | Export-Clixml $path
        $copy = Import-Clixml $path
        foreach ($candidate in $summary, $copy) {
            $p99 = ($candidate.Steps | Where-Object Name -EQ login).P99Ms
            $report = $candidate | Assert-RunSummary -Step login -MaxErrorRate 0.1 -MinCount 20 -MaxP99Ms 60000 -Report
            ($report | ForEach-Object { "$($_.Name)=$($_.Measured)/$($_.Passed)" }) -join ' ' |
                Should -Be "login: ErrorRate=0.2/False login: P99Ms=$p99/True login: Count=20/True"
            ($candidate | Assert-RunSummary -Step create -MaxErrorRate 0 -MinCount 16).Count | Should -Be 52
            { $candidate | Assert-RunSummary -Step login -MaxErrorRate 0.1 } | Should -Throw -ErrorId 'ThresholdFailed,LoadTest.Commands.AssertRunSummaryCommand'
        }
        $summary | Assert-RunSummary -Step nosuch -MaxErrorRate 0 -ErrorVariable missing -ErrorAction SilentlyContinue
        $missing[0].FullyQualifiedErrorId | Should -Be 'StepNotFound,LoadTest.Commands.AssertRunSummaryCommand'
    }

    It 'runs -Count iterations on the open-model schedule, each with its own #{iteration}' {
        $flow = @(
            @{ Name = 'login'; Method = 'POST'; Uri = '/login'; Body = '{"user":"it#{iteration}"}'; Extract = @{ token = 'json:/token' } }
            @{ Name = 'create'; Method = 'POST'; Uri = '/items'; Headers = @{ Authorization = 'Bearer #{token}' }; Body = '{}'; Check = @{ StatusCode = 201 } }
        )
        $before = Get-ApiStats
        $summary = Invoke-BoundedRequest -BaseUri $base -Flow $flow -Count 30 -RequestsPerSecond 100 -Summary
        $after = Get-ApiStats
        $summary.Iterations | Should -Be 30
        $summary.Planned | Should -Be 30
        $summary.Count | Should -Be 60
        $summary.Failed | Should -Be 0
        (0..29 | ForEach-Object { $after.users."it$_" - [int]$before.users."it$_" } | Measure-Object -Sum).Sum | Should -Be 30
    }

    It 'fails the step whose extraction finds nothing, with ErrorKind ExtractionFailed, and skips the rest' {
        $flow = @(
            @{ Name = 'login'; Method = 'POST'; Uri = '/login'; Body = '{"user":"x#{iteration}"}'; Extract = @{ token = 'json:/missing' } }
            @{ Name = 'create'; Method = 'POST'; Uri = '/items'; Headers = @{ Authorization = 'Bearer #{token}' } }
        )
        $summary = Invoke-BoundedRequest -BaseUri $base -Flow $flow -Count 5 -Summary -Output All -SummaryVariable s |
            Where-Object { -not $_.Success }
        $summary.Count | Should -Be 5
        $summary[0].ErrorKind | Should -Be 'ExtractionFailed'
        $summary[0].Error | Should -Be "Step 'login': the extraction token = json:/missing found nothing in the response."
        ($s.Steps | ForEach-Object { "$($_.Name):$($_.Count)/$($_.Skipped)" }) -join ' ' | Should -Be 'login:5/0 create:0/5'
    }

    It 'waits the think time between steps' {
        $flow = @(
            @{ Name = 'login'; Method = 'POST'; Uri = '/login'; Body = '{"user":"t#{iteration}"}'; ThinkTime = '300ms' }
            @{ Name = 'again'; Method = 'POST'; Uri = '/login'; Body = '{"user":"t#{iteration}"}' }
        )
        $summary = Invoke-BoundedRequest -BaseUri $base -Flow $flow -Count 3 -Summary
        $summary.IterationLatency.MinMs | Should -BeGreaterOrEqual 300
    }

    It 'refuses a data row without a column the flow uses, and runs the others' {
        $rows = [pscustomobject]@{ user = 'u1' }, [pscustomobject]@{ name = 'nobody' }, [pscustomobject]@{ user = 'u2' }
        $results = $rows | Invoke-BoundedRequest -BaseUri $base -Flow $journey -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'FlowVariableNotSet,LoadTest.Commands.InvokeBoundedRequestCommand'
        @($results | Select-Object -ExpandProperty Index -Unique | Sort-Object) -join ',' | Should -Be '0,2'
    }

    It 'refuses <Case> before any request, with ErrorId <ErrorId>' -ForEach @(
        @{ Case = 'a step without a URI'; ErrorId = 'FlowStepWithoutUri'; Flow = @(@{ Name = 'a' }) }
        @{ Case = 'a relative URI without -BaseUri'; ErrorId = 'FlowStepWithoutUri'; Flow = @(@{ Name = 'a'; Uri = '/login' }); NoBase = $true }
        @{ Case = 'an unknown key'; ErrorId = 'UnknownFlowStepKey'; Flow = @(@{ Name = 'a'; Uri = '/x'; Wait = 1 }) }
        @{ Case = 'a malformed extraction'; ErrorId = 'InvalidFlowExtraction'; Flow = @(@{ Name = 'a'; Uri = '/x'; Extract = @{ t = 'xml:/a' } }) }
        @{ Case = 'a malformed JSON pointer'; ErrorId = 'InvalidFlowExtraction'; Flow = @(@{ Name = 'a'; Uri = '/x'; Extract = @{ t = 'json:token' } }) }
        @{ Case = 'a variable used before it is set'; ErrorId = 'FlowVariableNotSet'; Flow = @(@{ Name = 'a'; Uri = '/items/#{item}' }, @{ Name = 'b'; Uri = '/x'; Extract = @{ item = 'header:Location' } }) }
        @{ Case = 'an unclosed variable'; ErrorId = 'InvalidFlow'; Flow = @(@{ Name = 'a'; Uri = '/items/#{item' }) }
        @{ Case = 'two steps of one name'; ErrorId = 'InvalidFlow'; Flow = @(@{ Name = 'a'; Uri = '/x' }, @{ Name = 'a'; Uri = '/y' }) }
        @{ Case = 'a malformed check'; ErrorId = 'UnknownCheckKey'; Flow = @(@{ Name = 'a'; Uri = '/x'; Check = @{ Status = 200 } }) }
    ) {
        $before = (Get-ApiStats).login
        $splat = @{ Flow = $Flow; Count = 3 }
        if (-not $NoBase) { $splat.BaseUri = $base }
        { Invoke-BoundedRequest @splat } | Should -Throw -ErrorId "$ErrorId,LoadTest.Commands.InvokeBoundedRequestCommand"
        (Get-ApiStats).login | Should -Be $before
    }
}
