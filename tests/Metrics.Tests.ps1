# Live metrics: the LoadTest Meter as a MeterListener sees it, the Prometheus endpoint (-MetricsPort) scraped by a
# real Prometheus (Debian's package, installed when missing, started here on loopback), its lifetime around a run,
# and the Grafana dashboard in docs/grafana checked against the names the endpoint serves.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    if (-not ('LoadTestTests.MeterRecorder' -as [type])) {
        Add-Type -Path (Join-Path $PSScriptRoot 'MeterRecorder.cs')
    }
    $dashboardPath = Join-Path $PSScriptRoot '../docs/grafana/loadtest-dashboard.json'

    # GETs the endpoint until it answers (the run starts it a moment after the command does); the body, or $null.
    function Get-Exposition([int] $Port, [double] $TimeoutSec = 30) {
        $client = [System.Net.Http.HttpClient]::new()
        try {
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            while ($clock.Elapsed.TotalSeconds -lt $TimeoutSec) {
                try { return $client.GetStringAsync("http://127.0.0.1:$Port/metrics").GetAwaiter().GetResult() }
                catch { Start-Sleep -Milliseconds 50 }
            }
            return $null
        }
        finally { $client.Dispose() }
    }

    # The metric names an exposition declares (# TYPE lines), with a histogram's _bucket, _sum and _count series.
    function Get-ServedName([string] $Exposition) {
        foreach ($line in $Exposition -split "`n") {
            if ($line -match '^# TYPE (\S+) (\S+)') {
                $Matches[1]
                if ($Matches[2] -eq 'histogram') { "$($Matches[1])_bucket"; "$($Matches[1])_sum"; "$($Matches[1])_count" }
            }
        }
    }

    # Starts Invoke-BoundedRequest in a runspace of its own (so that this one can scrape meanwhile); returns the
    # PowerShell and its pending result.
    function Start-Run([hashtable] $Parameters) {
        $ps = New-ModulePowerShell
        $null = $ps.AddCommand('Invoke-BoundedRequest').AddParameters($Parameters)
        [pscustomobject]@{ PowerShell = $ps; Pending = $ps.BeginInvoke() }
    }

    function Test-PortFree([int] $Port) {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Any, $Port)
        try { $listener.Start(); $true } catch { $false } finally { $listener.Stop() }
    }
}

Describe 'The LoadTest Meter' {
    BeforeAll {
        $server = Start-TestServer -FaultPercent 20 -FaultKind Status503, Reset
    }
    AfterAll {
        $server | Stop-TestServer
    }

    It 'records every counted result in its instruments, tagged by status code and error kind, as a MeterListener sees them' {
        $run = "meter-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        $recorder = [LoadTestTests.MeterRecorder]::new($run)
        try {
            $summary = Invoke-BoundedRequest -Uri $server.Uri -Count 1500 -RequestsPerSecond 1000 -ThrottleLimit 16 -MetricsRun $run -Summary
        }
        finally {
            $recorder.Dispose()
        }

        $summary.Count | Should -Be 1500
        $summary.Failed | Should -BeGreaterThan 0
        $recorder.Meters.Keys | Should -Be @("LoadTest $((Import-PowerShellDataFile $ModuleManifest).ModuleVersion) host=$([Environment]::MachineName);run=$run")
        @($recorder.Published | Sort-Object) | Should -Be @(
            'loadtest.checks [{check}]', 'loadtest.received [By]', 'loadtest.request.corrected_duration [s]', 'loadtest.request.duration [s]',
            'loadtest.requests [{request}]', 'loadtest.requests.dropped [{request}]', 'loadtest.requests.in_flight [{request}]',
            'loadtest.requests.late [{request}]', 'loadtest.requests.planned [{request}]', 'loadtest.schedule.rate [{request}/s]')
        # The run's end disposes its meter: every instrument is completed for its listeners.
        @($recorder.Completed | Sort-Object) | Should -Be @($recorder.Published | ForEach-Object { ($_ -split ' ')[0] } | Sort-Object)

        $byKind = $recorder.SumBy('loadtest.requests', 'error_kind')
        $byKind['None'] | Should -Be $summary.Succeeded
        $failures = @{}
        foreach ($kind in $byKind.Keys) { if ($kind -ne 'None') { $failures[$kind] = [long]$byKind[$kind] } }
        ($failures.Keys | Sort-Object) | Should -Be @($summary.ErrorKindCounts.Keys | Sort-Object)
        foreach ($kind in $failures.Keys) { $failures[$kind] | Should -Be $summary.ErrorKindCounts[$kind] -Because $kind }
        $byStatus = $recorder.SumBy('loadtest.requests', 'status_code')
        foreach ($status in $summary.StatusCodeCounts.Keys) { $byStatus[$status] | Should -Be $summary.StatusCodeCounts[$status] -Because "status $status" }
        ($byStatus.Values | Measure-Object -Sum).Sum | Should -Be $summary.Count

        $recorder.Counts['loadtest.request.duration'] | Should -Be $summary.Count
        $recorder.Counts['loadtest.request.corrected_duration'] | Should -Be $summary.Count
        # The mean from the summary's HDR histogram (3 significant digits) against the exact sum recorded.
        $recorder.SumBy('loadtest.request.duration', 'none')[''] / $summary.Count * 1000 | Should -BeGreaterOrEqual ($summary.MeanMs * 0.99)
        $recorder.SumBy('loadtest.request.duration', 'none')[''] / $summary.Count * 1000 | Should -BeLessOrEqual ($summary.MeanMs * 1.01)
        $recorder.SumBy('loadtest.received', 'none')[''] | Should -Be $summary.BytesReceived

        $recorder.Highest['loadtest.schedule.rate'] | Should -Be 1000
        $recorder.Highest['loadtest.requests.in_flight'] | Should -BeGreaterThan 0
        $recorder.Highest['loadtest.requests.in_flight'] | Should -BeLessOrEqual 16
        $recorder.Highest['loadtest.requests.planned'] | Should -BeGreaterThan 0
        $recorder.Highest['loadtest.requests.planned'] | Should -BeLessOrEqual 1500
    }

    It 'counts a flow''s requests by step, and its checks by name and result' {
        $run = "flow-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        $flow = @(
            @{ Name = 'home'; Uri = '/'; Check = @{ StatusCode = 200 } }
            @{ Name = 'page'; Uri = '/status/200'; Check = @{ StatusCode = 201 }; ContinueOnFailure = $true }
        )
        $recorder = [LoadTestTests.MeterRecorder]::new($run)
        try {
            $summary = Invoke-BoundedRequest -BaseUri $server.Uri -Flow $flow -Count 40 -ThrottleLimit 4 -MetricsRun $run -Summary -WarningAction Ignore
        }
        finally {
            $recorder.Dispose()
        }
        $bySteps = $recorder.SumBy('loadtest.requests', 'step')
        foreach ($step in $summary.Steps) { $bySteps[$step.Name] | Should -Be $step.Count -Because "step $($step.Name)" }
        $bySteps['home'] | Should -BeGreaterThan 0
        $checks = $recorder.SumBy('loadtest.checks', 'check')
        foreach ($check in $summary.Checks) { $checks[$check.Name] | Should -Be ($check.Passed + $check.Failed) -Because $check.Name }
        $results = $recorder.SumBy('loadtest.checks', 'result')
        $results['fail'] | Should -Be ($summary.Checks | Measure-Object -Property Failed -Sum).Sum
        $results['pass'] | Should -Be ($summary.Checks | Measure-Object -Property Passed -Sum).Sum
        $results['fail'] | Should -BeGreaterThan 0
    }

    It 'names each run apart: a new run label for each run unless -MetricsRun gives one' {
        $recorder = [LoadTestTests.MeterRecorder]::new($null)
        try {
            $null = Invoke-BoundedRequest -Uri $server.Uri -Count 2 -Output None
            $null = Invoke-BoundedRequest -Uri $server.Uri -Count 2 -Output None
            $null = Invoke-BoundedRequest -Uri $server.Uri -Count 2 -Output None -MetricsRun 'nightly soak'
        }
        finally {
            $recorder.Dispose()
        }
        $runs = @($recorder.Meters.Keys | ForEach-Object { if ($_ -match ';run=(.*)$') { $Matches[1] } } | Sort-Object)
        $runs.Count | Should -Be 3
        $runs[2] | Should -Be 'nightly soak'
        $runs[0] | Should -Match '^\d{8}T\d{6}Z-[0-9a-f]{4}$'
        $runs[1] | Should -Match '^\d{8}T\d{6}Z-[0-9a-f]{4}$'
        $runs[0] | Should -Not -Be $runs[1]
    }
}

Describe 'The Prometheus endpoint (-MetricsPort)' {
    BeforeAll {
        $server = Start-TestServer
    }
    AfterAll {
        $server | Stop-TestServer
        Remove-Variable -Name LoadTestMetricsPort -Scope Global -ErrorAction Ignore
    }

    It 'serves the run''s metrics while it runs, labelled with run and host, and waits for a final scrape twice the longest interval seen' {
        $port = Get-FreePort
        $run = "served-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $started = Start-Run @{ Uri = $server.Uri; RequestsPerSecond = 50; Duration = [timespan]::FromSeconds(4); MetricsPort = $port; MetricsRun = $run; Summary = $true; Verbose = $true }
        try {
            # Scrapes a moment apart until a request is counted: the wait after the run is then its shortest, 2 s, and no scrape comes.
            $script:text = $null
            Wait-Until { ($script:text = Get-Exposition $port) -match 'loadtest_requests_total\{' } -TimeoutSec 30
            $text = $script:text
            # At least two scrapes, so that the interval between them (not the 60 s after a single one) bounds the wait.
            $null = Get-Exposition $port
            $summary = $started.PowerShell.EndInvoke($started.Pending) | Select-Object -Last 1
            $verbose = @($started.PowerShell.Streams.Verbose | ForEach-Object Message)
        }
        finally { $started.PowerShell.Dispose() }

        # Outside a flow the step label is empty, which Prometheus reads as no label.
        $text | Should -Match "(?m)^loadtest_requests_total\{status_code=""200"",error_kind=""None"",step="""",run=""$run"",host=""$([regex]::Escape([Environment]::MachineName))""\} \d+"
        $text | Should -Match '(?m)^# TYPE loadtest_request_duration_seconds histogram'
        $summary.Count | Should -BeGreaterThan 0
        @($verbose -like 'The endpoint closes without a final scrape (* scrapes during the run).').Count | Should -Be 1
        # 4 s of run and 2 s of wait, on a busy machine; a single scrape would have made it wait 60 s.
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 30
        Test-PortFree $port | Should -BeTrue
    }

    It 'does not wait after a run that nobody scraped, and frees its port' {
        $port = Get-FreePort
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $verbose = Invoke-BoundedRequest -Uri $server.Uri -Count 20 -MetricsPort $port -Output None -Verbose 4>&1
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 10
        ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Contain 'The endpoint closes without a final scrape (0 scrapes during the run).'
        Test-PortFree $port | Should -BeTrue
    }

    It 'refuses a port in use before any request is sent (MetricsPortInUse)' {
        $busy = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Any, 0)
        $busy.Start()
        try {
            $before = $server.RequestCount
            { Invoke-BoundedRequest -Uri $server.Uri -Count 10 -MetricsPort $busy.LocalEndpoint.Port } |
                Should -Throw -ErrorId 'MetricsPortInUse,LoadTest.Commands.InvokeBoundedRequestCommand'
            $server.RequestCount | Should -Be $before
        }
        finally { $busy.Stop() }
    }

    It 'takes the port from $LoadTestMetricsPort when -MetricsPort is not given, and -MetricsPort 0 turns it off' {
        $port = Get-FreePort
        $global:LoadTestMetricsPort = $port
        try {
            $verbose = Invoke-BoundedRequest -Uri $server.Uri -Count 3 -Output None -Verbose 4>&1
            ($verbose | Where-Object Message -Like "Serving the run's metrics at http://*:$port/metrics (run=*").Count | Should -Be 1
            $off = Invoke-BoundedRequest -Uri $server.Uri -Count 3 -Output None -MetricsPort 0 -Verbose 4>&1
            ($off | Where-Object Message -Like "Serving the run's metrics*").Count | Should -Be 0
            $global:LoadTestMetricsPort = 'not a port'
            { Invoke-BoundedRequest -Uri $server.Uri -Count 1 } | Should -Throw -ErrorId 'InvalidMetricsPort,LoadTest.Commands.InvokeBoundedRequestCommand'
        }
        finally { Remove-Variable -Name LoadTestMetricsPort -Scope Global }
    }

    It 'loads prometheus-net in the module''s own load context' {
        $null = Invoke-BoundedRequest -Uri $server.Uri -Count 1 -MetricsPort (Get-FreePort) -Output None
        $prometheus = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Prometheus.NetStandard' }
        @($prometheus).Count | Should -Be 1
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($prometheus).Name | Should -Be 'LoadTest.Dependencies'
    }
}

Describe 'The Grafana dashboard (docs/grafana)' {
    It 'queries only metrics the endpoint serves' {
        $dashboard = Get-Content $dashboardPath -Raw | ConvertFrom-Json -Depth 100
        $dashboard.title | Should -Be 'LoadTest live run'
        # Every query of a panel's targets and of the dashboard's variables.
        $queries = [System.Collections.Generic.List[string]]::new()
        function Find-Query($Node) {
            if ($Node -is [System.Collections.IEnumerable] -and $Node -isnot [string]) { foreach ($item in $Node) { Find-Query $item }; return }
            if ($Node -isnot [pscustomobject]) { return }
            foreach ($property in $Node.PSObject.Properties) {
                if ($property.Name -in 'expr', 'query', 'definition' -and $property.Value -is [string]) { $queries.Add($property.Value) }
                else { Find-Query $property.Value }
            }
        }
        Find-Query $dashboard
        $queried = @($queries | ForEach-Object { [regex]::Matches($_, '\bloadtest_[a-z0-9_]+') } | ForEach-Object Value | Sort-Object -Unique)
        $queried.Count | Should -BeGreaterOrEqual 8

        $server = Start-TestServer
        $port = Get-FreePort
        $started = Start-Run @{ Uri = $server.Uri; RequestsPerSecond = 20; Duration = [timespan]::FromSeconds(2); MetricsPort = $port; Output = 'None' }
        try {
            $served = @(Get-ServedName (Get-Exposition $port))
            # A second scrape keeps the wait after the run short (twice the interval between the two).
            $null = Get-Exposition $port
            $null = $started.PowerShell.EndInvoke($started.Pending)
        }
        finally {
            $started.PowerShell.Dispose()
            $server | Stop-TestServer
        }
        $served.Count | Should -BeGreaterOrEqual 10
        @($queried | Where-Object { $_ -notin $served }) | Should -BeNullOrEmpty
    }
}

Describe 'A real Prometheus scraping a held-rate run' {
    BeforeAll {
        $found = Find-DebianProgram '/usr/bin/prometheus' 'prometheus' 'runs Prometheus (Debian''s package) on loopback'
        $platformMissing = $found.PlatformMissing
        $skipReason = $found.SkipReason
        $prometheus = $null
        if (-not $platformMissing -and -not $skipReason) {
            $server = Start-TestServer -FaultPercent 10 -FaultKind Status503, Reset
            $metricsPort = Get-FreePort
            $prometheusPort = Get-FreePort
            $dir = Join-Path $TestDrive 'prometheus'
            New-Item -ItemType Directory (Join-Path $dir 'data') -Force | Out-Null
            @(
                'global:'
                '  scrape_interval: 1s'
                '  scrape_timeout: 1s'
                'scrape_configs:'
                '  - job_name: loadtest'
                '    static_configs:'
                "      - targets: ['127.0.0.1:$metricsPort']"
            ) | Set-Content (Join-Path $dir 'prometheus.yml')
            $prometheus = Start-Process -FilePath '/usr/bin/prometheus' -PassThru -RedirectStandardError (Join-Path $dir 'prometheus.log') -ArgumentList @(
                "--config.file=$(Join-Path $dir 'prometheus.yml')", "--storage.tsdb.path=$(Join-Path $dir 'data')",
                "--web.listen-address=127.0.0.1:$prometheusPort")
            $api = "http://127.0.0.1:$prometheusPort"
            try {
                Wait-Until { try { (Invoke-WebRequest "$api/-/ready" -SkipHttpErrorCheck).StatusCode -eq 200 } catch { $false } } -TimeoutSec 60
            }
            catch {
                $skipReason = "Prometheus did not become ready: $(Get-Content (Join-Path $dir 'prometheus.log') -Tail 5)"
            }
        }

        # One number from an instant query (the first series' value), or $null when it has no series.
        function Get-PrometheusValue([string] $Query) {
            $answer = Get-PrometheusSeries $Query
            if ($answer.Count -eq 0) { return $null }
            [double]$answer[0].value[1]
        }
        function Get-PrometheusSeries([string] $Query) {
            $response = Invoke-RestMethod "$api/api/v1/query" -Body @{ query = $Query }
            @($response.data.result)
        }
    }
    AfterAll {
        if ($prometheus) { Stop-Process -Id $prometheus.Id -Force -ErrorAction Ignore }
        if ($server) { $server | Stop-TestServer }
    }
    BeforeEach {
        if ($platformMissing) { Skip-UnlessPlatform -Supported $false -Because $platformMissing }
        if ($skipReason) { Set-ItResult -Skipped -Because $skipReason }
    }

    It 'reads the final counts, failures by kind, and a latency histogram whose count and P99 match the summary' {
        $run = "prom-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        $output = Invoke-BoundedRequest -Uri $server.Uri -RequestsPerSecond 100 -Duration 20 -ThrottleLimit 32 -MetricsPort $metricsPort -MetricsRun $run -Summary -Verbose 4>&1
        $summary = $output | Where-Object { $_ -is [LoadTest.RunSummary] }
        $verbose = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $verbose | Should -Contain 'The final metrics were scraped.'
        $summary.Count | Should -BeGreaterThan 1800
        $summary.Failed | Should -BeGreaterThan 0

        # The endpoint is gone now, so Prometheus has marked the series stale: read each one's last sample.
        $selector = "{run=""$run""}[10m]"
        Wait-Until { (Get-PrometheusValue "sum(last_over_time(loadtest_requests_total$selector))") -eq $summary.Count } -TimeoutSec 30
        (Get-PrometheusValue "sum(last_over_time(loadtest_request_duration_seconds_count$selector))") | Should -Be $summary.Count
        (Get-PrometheusValue "sum(last_over_time(loadtest_request_corrected_duration_seconds_count$selector))") | Should -Be $summary.Count
        (Get-PrometheusValue "sum(last_over_time(loadtest_received_bytes_total$selector))") | Should -Be $summary.BytesReceived
        (Get-PrometheusValue "sum(last_over_time(loadtest_requests_planned_total$selector))") | Should -Be $summary.Planned

        $kinds = @{}
        foreach ($series in Get-PrometheusSeries "sum by (error_kind) (last_over_time(loadtest_requests_total{run=""$run"",error_kind!=""None""}[10m]))") {
            $kinds[$series.metric.error_kind] = [long]$series.value[1]
        }
        ($kinds.Keys | Sort-Object) | Should -Be @($summary.ErrorKindCounts.Keys | Sort-Object)
        foreach ($kind in $kinds.Keys) { $kinds[$kind] | Should -Be $summary.ErrorKindCounts[$kind] -Because $kind }
        foreach ($series in Get-PrometheusSeries "sum by (status_code) (last_over_time(loadtest_requests_total{run=""$run"",status_code!=""0""}[10m]))") {
            [long]$series.value[1] | Should -Be $summary.StatusCodeCounts[$series.metric.status_code] -Because "status $($series.metric.status_code)"
        }

        # histogram_quantile interpolates inside the bucket that holds the 99th percentile: the summary's P99 (from an
        # HDR histogram, within 0.1 %) lies in that same bucket.
        $p99 = Get-PrometheusValue "histogram_quantile(0.99, sum by (le) (last_over_time(loadtest_request_duration_seconds_bucket$selector)))"
        $bounds = @(Get-PrometheusSeries "sum by (le) (last_over_time(loadtest_request_duration_seconds_bucket$selector))" |
            Where-Object { $_.metric.le -ne '+Inf' } | ForEach-Object { [double]$_.metric.le } | Sort-Object)
        $upper = @($bounds | Where-Object { $_ -ge $p99 })[0]
        $lower = @($bounds | Where-Object { $_ -lt $p99 } | Select-Object -Last 1)[0]
        if ($null -eq $lower) { $lower = 0 }
        $summary.P99Ms / 1000 | Should -BeGreaterOrEqual ($lower * 0.999)
        $summary.P99Ms / 1000 | Should -BeLessOrEqual ($upper * 1.001)
        $label = Get-PrometheusSeries "last_over_time(loadtest_requests_total{run=""$run"",error_kind=""None""}[10m])"
        $label[0].metric.host | Should -Be ([Environment]::MachineName)
        $label[0].metric.instance | Should -Be "127.0.0.1:$metricsPort"
    }
}
