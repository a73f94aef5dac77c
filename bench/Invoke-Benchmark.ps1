<#
.SYNOPSIS
    The benchmark suite: LoadTest side by side with its peers on this machine, as ratios measured in one run.
.DESCRIPTION
    Starts everything it needs on 127.0.0.1 (nginx, LoadTest's test server) and stops it afterwards;
    installs missing Debian packages (nginx-light, wrk, nghttp2-client for h2load, openssl, python3-aiohttp,
    time) and says so. Runs one
    thing at a time, repeats each measurement (3 times, 1 with -Quick) and reports the median. Writes
    bench/RESULTS.md and the raw measurements to bench/results/.
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../output/LoadTest'),
    [switch] $Quick,

    # Only write RESULTS.md again from a raw data file of an earlier run.
    [string] $ReportFrom
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
trap { Write-Host "Benchmark failed: $_`n$($_.ScriptStackTrace)"; break }

$repeats = if ($Quick) { 1 } else { 3 }
# Throughput runs of a million requests last about as long as wrk's 8 s (or longer), so that the ratios
# compare steady states rather than one client's warm-up (JIT, opening connections) with another's.
$n = if ($Quick) { @{ Throughput = 100000; Parallel = 1000; Python = 20000; Seed = 10000; SeedWide = 20000; SeedGen0 = 5000; Memory = 100000; WrkSeconds = 4 } }
else { @{ Throughput = 1000000; Parallel = 3000; Python = 50000; Seed = 100000; SeedWide = 100000; SeedGen0 = 30000; Memory = 1000000; WrkSeconds = 8 } }
# The GC's gen0 budget (set by the runtime from the L3 cache size) is most of what a run adds to the
# process; the seed is also run with a 4 MB budget, to show how much.
$smallGen0 = '0x400000'
$work = Join-Path ([IO.Path]::GetTempPath()) "loadtest-bench-$PID"
New-Item -ItemType Directory -Path $work -Force | Out-Null
$rawDir = Join-Path $PSScriptRoot 'results'
New-Item -ItemType Directory -Path $rawDir -Force | Out-Null
$module = (Resolve-Path $ModulePath).Path
$pwshCommand = @(Get-PwshCommand)
$raw = [System.Collections.Generic.List[object]]::new()

function Install-Missing {
    $missing = @()
    if (-not (Get-Command nginx -ErrorAction Ignore) -and -not (Test-Path /usr/sbin/nginx)) { $missing += 'nginx-light' }
    if (-not (Get-Command wrk -ErrorAction Ignore)) { $missing += 'wrk' }
    if (-not (Get-Command h2load -ErrorAction Ignore)) { $missing += 'nghttp2-client' }
    if (-not (Get-Command openssl -ErrorAction Ignore)) { $missing += 'openssl' }
    if (-not (Test-Path /usr/bin/time)) { $missing += 'time' }
    & /usr/bin/python3 -c 'import aiohttp' 2>$null
    if ($LASTEXITCODE -ne 0) { $missing += 'python3-aiohttp' }
    if ($missing) {
        Write-Host "Installing from Debian: $($missing -join ', ')"
        $env:DEBIAN_FRONTEND = 'noninteractive'
        & apt-get update -q | Out-Null
        & apt-get install -y -q @missing | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "apt-get install $($missing -join ' ') failed." }
    }
}

# Runs a command under GNU time; returns wall and CPU seconds, peak RSS and the last line it printed.
function Invoke-Measured([string[]] $Command) {
    $timeFile = Join-Path $work 'time.txt'
    $output = & /usr/bin/time -f '%e %U %S %M' -o $timeFile @Command 2>&1
    if ($LASTEXITCODE -ne 0) { throw "'$($Command -join ' ')' failed: $($output | Select-Object -Last 5)" }
    $wall, $user, $system, $rss = (Get-Content $timeFile | Select-Object -Last 1) -split ' '
    [pscustomobject]@{
        Wall = [double]$wall; Cpu = [double]$user + [double]$system; RssMB = [double]$rss / 1024
        Line = ($output | Where-Object { "$_" -match '^\{' } | Select-Object -Last 1)
        Output = $output
    }
}

function Start-TestServerProcess([int] $MaxDelayMs) {
    $portFile = Join-Path $work "server-$MaxDelayMs.port"
    $stopFile = Join-Path $work "server-$MaxDelayMs.stop"
    Remove-Item $portFile, $stopFile -ErrorAction Ignore
    $arguments = @($pwshCommand | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'TestServerHost.ps1'),
        '-Module', $module, '-MaxDelayMs', $MaxDelayMs, '-PortFile', $portFile, '-StopFile', $stopFile)
    $process = Start-Process -FilePath $pwshCommand[0] -ArgumentList $arguments -PassThru
    $clock = [Diagnostics.Stopwatch]::StartNew()
    while (-not (Test-Path $portFile) -or -not (Get-Content $portFile)) {
        if ($clock.Elapsed.TotalSeconds -gt 60) { throw 'The test server process did not start.' }
        Start-Sleep -Milliseconds 100
    }
    [pscustomobject]@{ Port = [int](Get-Content $portFile); StopFile = $stopFile; Process = $process }
}

function Stop-TestServerProcess($Server) {
    New-Item -ItemType File -Path $Server.StopFile -Force | Out-Null
    if (-not $Server.Process.WaitForExit(30000)) { $Server.Process.Kill() }
}

# One run's row: added to the raw data and printed as it lands. $Extra: the progress records a progress run wrote.
function Add-RunRow([string] $Key, [string] $Scenario, [string] $Name, [int] $Round, [double] $Count, [double] $Ok, [double] $Seconds, [double] $CpuSeconds, [double] $RssMB, $Extra) {
    $row = [pscustomobject]@{
        Key = $Key; Scenario = $Scenario; Contender = $Name; Run = $Round; Count = $Count; Ok = $Ok
        Seconds = $Seconds; RequestsPerSecond = $Count / $Seconds; CpuMicrosPerRequest = 1e6 * $CpuSeconds / $Count; PeakRssMB = $RssMB
        Extra = $Extra
    }
    $raw.Add($row)
    $records = if ($null -ne $Extra) { ", $Extra progress records" } else { '' }
    Write-Host ('  {0,-34} {1,10:N0} req/s  {2,6:N1} us/req  {3,6:N0} MB  ({4:N0} ok of {5:N0}{6})' -f $Name, $row.RequestsPerSecond, $row.CpuMicrosPerRequest, $RssMB, $Ok, $Count, $records)
    $row
}

# Runs each contender $repeats times, round-robin (one run of each per round), so that the machine's
# slow and fast minutes fall on every contender alike; records every run and keeps each one's median.
function Measure-Interleaved([object[]] $Contenders, [int] $Rounds = $repeats) {
    $runs = @{}
    foreach ($i in 1..$Rounds) {
        # Every other round runs in reverse, so that no contender always follows the same neighbour.
        $order = if ($i % 2) { $Contenders } else { $Contenders[($Contenders.Count - 1)..0] }
        foreach ($c in $order) {
            $m = & $c.Run
            $data = if ($m.Line) { $m.Line | ConvertFrom-Json } else { $null }
            $count = if ($data) { [double]$data.count } else { [double]$m.Count }
            $seconds = if ($data) { [double]$data.seconds } else { $m.Wall }
            $cpu = if ($data -and $data.cpuSeconds) { [double]$data.cpuSeconds } else { $m.Cpu }
            $ok = if ($data) { [double]$data.ok } else { $count }
            $row = Add-RunRow $c.Key $c.Scenario $c.Name $i $count $ok $seconds $cpu $m.RssMB
            if (-not $runs.ContainsKey($c.Key)) { $runs[$c.Key] = [System.Collections.Generic.List[object]]::new() }
            $runs[$c.Key].Add($row)
        }
    }
    foreach ($c in $Contenders) { $results[$c.Key] = Get-Median $runs[$c.Key] }
}

function Measure-ProgressCost([string] $Url, [long] $Count, [int] $Rounds) {
    $m = Invoke-Measured ($pwshCommand + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'ProgressCost.ps1'),
            '-Module', $module, '-Url', $Url, '-Count', $Count, '-Rounds', $Rounds))
    $runs = @{ ProgressOn = [System.Collections.Generic.List[object]]::new(); ProgressOff = [System.Collections.Generic.List[object]]::new() }
    foreach ($data in ($m.Output | Where-Object { "$_" -match '^\{' } | ForEach-Object { $_ | ConvertFrom-Json })) {
        $key = if ($data.progress) { 'ProgressOn' } else { 'ProgressOff' }
        $name = "LoadTest -Summary, progress $(if ($data.progress) { 'on' } else { 'off' }) (in one process)"
        $runs[$key].Add((Add-RunRow $key 'nginx' $name $data.round $data.count $data.ok $data.seconds $data.cpuSeconds $data.peakRssMB $data.progressRecords))
    }
    foreach ($key in $runs.Keys) { $results[$key] = Get-Median $runs[$key] }
}

# The Prometheus endpoint's cost (bench/MetricsCost.ps1): -MetricsPort scraped every second against no endpoint, in one process.
function Measure-MetricsCost([string] $Url, [long] $Count, [int] $Rounds) {
    $m = Invoke-Measured ($pwshCommand + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'MetricsCost.ps1'),
            '-Module', $module, '-Url', $Url, '-Count', $Count, '-Rounds', $Rounds, '-Port', (Get-FreePort)))
    $runs = @{ MetricsOn = [System.Collections.Generic.List[object]]::new(); MetricsOff = [System.Collections.Generic.List[object]]::new() }
    foreach ($data in ($m.Output | Where-Object { "$_" -match '^\{' } | ForEach-Object { $_ | ConvertFrom-Json })) {
        $key = if ($data.metrics) { 'MetricsOn' } else { 'MetricsOff' }
        $name = "LoadTest -Summary, $(if ($data.metrics) { '-MetricsPort scraped every second' } else { 'no metrics endpoint' }) (in one process)"
        $runs[$key].Add((Add-RunRow $key 'nginx' $name $data.round $data.count $data.ok $data.seconds $data.cpuSeconds $data.peakRssMB $null))
    }
    foreach ($key in $runs.Keys) { $results[$key] = Get-Median $runs[$key] }
}

# What -Check costs: no check, a status check and a JSON check in turn in one process (bench/CheckCost.ps1),
# against nginx's small JSON answer, so that the pairs are not minutes apart.
function Measure-CheckCost([string] $Url, [long] $Count, [int] $Rounds) {
    $m = Invoke-Measured ($pwshCommand + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'CheckCost.ps1'),
            '-Module', $module, '-Url', $Url, '-Count', $Count, '-Rounds', $Rounds))
    $names = @{ none = 'CheckNone'; status = 'CheckStatus'; json = 'CheckJson' }
    $labels = @{ none = 'no -Check'; status = "-Check @{ StatusCode = 200 }"; json = "-Check @{ Json = @{ '/status' = 'ok' } }" }
    $runs = @{}
    foreach ($data in ($m.Output | Where-Object { "$_" -match '^\{' } | ForEach-Object { $_ | ConvertFrom-Json })) {
        $key = $names[$data.check]
        if (-not $runs.ContainsKey($key)) { $runs[$key] = [System.Collections.Generic.List[object]]::new() }
        $runs[$key].Add((Add-RunRow $key 'nginx json' "LoadTest -Summary, $($labels[$data.check]) (in one process)" $data.round $data.count $data.ok $data.seconds $data.cpuSeconds $data.peakRssMB))
    }
    foreach ($key in $runs.Keys) { $results[$key] = Get-Median $runs[$key] }
}

function Measure-Contender([string] $Key, [string] $Name, [string] $Scenario, [scriptblock] $Run) {
    Measure-Interleaved @(@{ Key = $Key; Name = $Name; Scenario = $Scenario; Run = $Run })
}

function Get-Median($Runs) {
    $sorted = @($Runs | Sort-Object RequestsPerSecond)
    $sorted[[int][Math]::Floor(($sorted.Count - 1) / 2)]
}

# -DotNetSockets runs the client with -SocketEngine DotNet: LoadTest's clients then use .NET's socket engine
# instead of their own epoll loops (see about_LoadTest, "Going faster"), to show what the loops give.
function Invoke-LoadTestClient([string] $Url, [long] $Count, [int] $Limit, [string] $Mode, [string] $Gen0Size, [string[]] $Extra = @(), [switch] $DotNetSockets) {
    if ($Gen0Size) { $env:DOTNET_GCgen0size = $Gen0Size }
    if ($DotNetSockets) { $Extra += @('-SocketEngine', 'DotNet') }
    try {
        Invoke-Measured ($pwshCommand + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'LoadTestClient.ps1'),
                '-Module', $module, '-Url', $Url, '-Count', $Count, '-ThrottleLimit', $Limit, '-Mode', $Mode) + $Extra)
    }
    finally { Remove-Item Env:DOTNET_GCgen0size -ErrorAction Ignore }
}

function Invoke-Wrk([string] $Url, [int] $Connections, [int] $Seconds) {
    $m = Invoke-Measured @('wrk', '-t2', "-c$Connections", "-d${Seconds}s", $Url)
    $requests = [double](($m.Output | Select-String '(\d+) requests in').Matches[0].Groups[1].Value)
    $duration = [double](($m.Output | Select-String 'requests in ([\d.]+)s').Matches[0].Groups[1].Value)
    [pscustomobject]@{
        Line = (@{ count = $requests; ok = $requests; seconds = $duration; cpuSeconds = $m.Cpu } | ConvertTo-Json -Compress)
        Cpu = $m.Cpu; RssMB = $m.RssMB; Wall = $duration
    }
}

# h2load (nghttp2-client) over HTTP/2: $Connections connections, $Streams streams each.
function Invoke-H2load([string] $Url, [long] $Count, [int] $Connections, [int] $Streams) {
    $m = Invoke-Measured @('h2load', "-c$Connections", "-m$Streams", '-n', $Count, $Url)
    $seconds = [double](($m.Output | Select-String 'finished in ([\d.]+)s').Matches[0].Groups[1].Value)
    $succeeded = [double](($m.Output | Select-String '(\d+) succeeded').Matches[0].Groups[1].Value)
    [pscustomobject]@{
        Line = (@{ count = $Count; ok = $succeeded; seconds = $seconds; cpuSeconds = $m.Cpu } | ConvertTo-Json -Compress)
        Cpu = $m.Cpu; RssMB = $m.RssMB; Wall = $seconds
    }
}

$results = [ordered]@{}
if ($ReportFrom) {
    $recorded = Get-Content $ReportFrom -Raw | ConvertFrom-Json
    foreach ($group in $recorded | Where-Object { $_.PSObject.Properties['Key'] } | Group-Object Key) {
        $results[$group.Name] = if ($group.Name -like 'Rate*') { $group.Group[0].Row } else { Get-Median $group.Group }
    }
    $results.FirstRequestSeconds = ($recorded | Where-Object { $_.PSObject.Properties['Key'] -and $_.Key -eq 'FirstRequest' } | Select-Object -First 1).Seconds
    $started = Get-Item $ReportFrom | ForEach-Object LastWriteTime
}
else {
    Install-Missing
    Write-Host "Building the raw .NET client"
    & dotnet build (Join-Path $PSScriptRoot 'RawClient/RawClient.csproj') -c Release -o (Join-Path $work 'rawclient') --nologo -v quiet | Out-Null
    if ($LASTEXITCODE -ne 0) { throw 'Building bench/RawClient failed.' }
    $rawClient = Join-Path $work 'rawclient/RawClient.dll'

    $started = Get-Date
    $nginx = Start-Nginx $work
    try {
        $url = "http://127.0.0.1:$($nginx.Port)/"
        Write-Host "Throughput against nginx at $url, 64 in flight, $($n.Throughput) requests"
        Measure-Interleaved @(
            @{ Key = 'Wrk'; Name = 'wrk -t2 -c64'; Scenario = 'nginx'; Run = { Invoke-Wrk $url 64 $n.WrkSeconds } }
            @{ Key = 'Socket'; Name = 'minimal .NET socket loop'; Scenario = 'nginx'; Run = { Invoke-Measured @('dotnet', $rawClient, $url, $n.Throughput, 64, 'socket') } }
            @{ Key = 'Raw'; Name = 'raw .NET HttpClient client'; Scenario = 'nginx'; Run = { Invoke-Measured @('dotnet', $rawClient, $url, $n.Throughput, 64) } }
            @{ Key = 'Summary'; Name = 'LoadTest -Summary'; Scenario = 'nginx'; Run = { Invoke-LoadTestClient "${url}item/{0}" $n.Throughput 64 'Summary' } }
            @{ Key = 'Measure'; Name = 'LoadTest into Measure-Object'; Scenario = 'nginx'; Run = { Invoke-LoadTestClient "${url}item/{0}" $n.Throughput 64 'Measure' } }
            @{ Key = 'Inline'; Name = "LoadTest -Summary on .NET's socket engine"; Scenario = 'nginx'; Run = { Invoke-LoadTestClient "${url}item/{0}" $n.Throughput 64 'Summary' -DotNetSockets } }
        )

        # https, HTTP/1.1: the self-signed certificate is not checked by any contender.
        $tlsUrl = "https://127.0.0.1:$($nginx.TlsPort)/"
        $skip = @('-SkipCertificateCheck')
        Write-Host "https (HTTP/1.1) against nginx at $tlsUrl, 64 in flight, $($n.Throughput) requests"
        Measure-Interleaved @(
            @{ Key = 'TlsWrk'; Name = 'wrk -t2 -c64'; Scenario = 'nginx https'; Run = { Invoke-Wrk $tlsUrl 64 $n.WrkSeconds } }
            @{ Key = 'TlsRaw'; Name = 'raw .NET HttpClient client'; Scenario = 'nginx https'; Run = { Invoke-Measured @('dotnet', $rawClient, $tlsUrl, $n.Throughput, 64) } }
            @{ Key = 'TlsSummary'; Name = 'LoadTest -Summary'; Scenario = 'nginx https'; Run = { Invoke-LoadTestClient "${tlsUrl}item/{0}" $n.Throughput 64 'Summary' -Extra $skip } }
            @{ Key = 'TlsInline'; Name = "LoadTest -Summary on .NET's socket engine"; Scenario = 'nginx https'; Run = { Invoke-LoadTestClient "${tlsUrl}item/{0}" $n.Throughput 64 'Summary' -Extra $skip -DotNetSockets } }
        )

        # HTTP/2 over TLS: h2load with 8 connections of 8 streams; LoadTest and HttpClient at 64 in flight,
        # on one connection (HttpClient's default) and spread over 8 (the raw client with 8 HttpClients).
        Write-Host "HTTP/2 against nginx at $tlsUrl, 64 in flight, $($n.Throughput) requests"
        Measure-Interleaved @(
            @{ Key = 'H2load'; Name = 'h2load -c8 -m8'; Scenario = 'nginx h2'; Run = { Invoke-H2load $tlsUrl $n.Throughput 8 8 } }
            @{ Key = 'H2Raw'; Name = 'raw .NET HttpClient client, HTTP/2, 1 connection'; Scenario = 'nginx h2'; Run = { Invoke-Measured @('dotnet', $rawClient, $tlsUrl, $n.Throughput, 64, 'h2') } }
            @{ Key = 'H2Raw8'; Name = 'raw .NET HttpClient client, HTTP/2, 8 connections'; Scenario = 'nginx h2'; Run = { Invoke-Measured @('dotnet', $rawClient, $tlsUrl, $n.Throughput, 64, 'h2x8') } }
            @{ Key = 'H2Summary'; Name = 'LoadTest -Summary -HttpVersion 2.0'; Scenario = 'nginx h2'; Run = { Invoke-LoadTestClient "${tlsUrl}item/{0}" $n.Throughput 64 'Summary' -Extra ($skip + @('-HttpVersion', '2.0')) } }
            @{ Key = 'H2Inline'; Name = "LoadTest -Summary -HttpVersion 2.0 on .NET's socket engine"; Scenario = 'nginx h2'; Run = { Invoke-LoadTestClient "${tlsUrl}item/{0}" $n.Throughput 64 'Summary' -Extra ($skip + @('-HttpVersion', '2.0')) -DotNetSockets } }
            @{ Key = 'H2HttpClient'; Name = 'LoadTest -Summary -HttpVersion 2.0 -Transport HttpClient'; Scenario = 'nginx h2'; Run = { Invoke-LoadTestClient "${tlsUrl}item/{0}" $n.Throughput 64 'Summary' -Extra ($skip + @('-HttpVersion', '2.0', '-Transport', 'HttpClient')) } }
        )

        # HTTP/2 in clear text (prior knowledge, as gRPC and service meshes inside a cluster speak it).
        $h2cUrl = "http://127.0.0.1:$($nginx.H2cPort)/"
        Write-Host "HTTP/2 in clear text against nginx at $h2cUrl, 64 in flight, $($n.Throughput) requests"
        Measure-Interleaved @(
            @{ Key = 'H2cLoad'; Name = 'h2load -c8 -m8'; Scenario = 'nginx h2c'; Run = { Invoke-H2load $h2cUrl $n.Throughput 8 8 } }
            @{ Key = 'H2cSummary'; Name = 'LoadTest -Summary -HttpVersion 2.0'; Scenario = 'nginx h2c'; Run = { Invoke-LoadTestClient "${h2cUrl}item/{0}" $n.Throughput 64 'Summary' -Extra @('-HttpVersion', '2.0') } }
        )
        # The progress bar's cost is a few percent at most, inside the noise of runs in separate processes minutes
        # apart: on and off run in turn in one process instead, in shorter runs and more rounds.
        Measure-ProgressCost "${url}item/{0}" ([long]($n.Throughput * 3 / 10)) ($repeats * 3)
        Write-Host "Metrics endpoint on and off against nginx, 64 in flight, $($n.Throughput) requests a run, in one process"
        Measure-MetricsCost "${url}item/{0}" $n.Throughput $repeats
        Write-Host "-Check against nginx's JSON at ${url}json/, 64 in flight, $($n.Throughput) requests a run, in one process"
        Measure-CheckCost "${url}json/{0}" $n.Throughput $repeats
        Measure-Contender 'Python' 'Python aiohttp limited_as_completed' 'nginx' { Invoke-Measured @('/usr/bin/python3', (Join-Path $PSScriptRoot 'seed_client.py'), "${url}item/{}", $n.Python, 64) }
        Measure-Contender 'Parallel' 'ForEach-Object -Parallel + IWR' 'nginx' {
            Invoke-Measured ($pwshCommand + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'ParallelIwrClient.ps1'), '-Url', "${url}item/{0}", '-Count', $n.Parallel, '-ThrottleLimit', 64))
        }

        Write-Host 'Memory: peak RSS of the whole pwsh process, 10x the requests'
        $small = [long]($n.Memory / 10)
        Measure-Interleaved @(
            @{ Key = 'MemSummarySmall'; Name = "LoadTest -Summary, $small"; Scenario = 'memory'; Run = { Invoke-LoadTestClient "${url}m/{0}" $small 64 'Summary' } }
            @{ Key = 'MemSummaryLarge'; Name = "LoadTest -Summary, $($n.Memory)"; Scenario = 'memory'; Run = { Invoke-LoadTestClient "${url}m/{0}" $n.Memory 64 'Summary' } }
            @{ Key = 'MemMeasureSmall'; Name = "LoadTest into Measure-Object, $small"; Scenario = 'memory'; Run = { Invoke-LoadTestClient "${url}m/{0}" $small 64 'Measure' } }
            @{ Key = 'MemMeasureLarge'; Name = "LoadTest into Measure-Object, $($n.Memory)"; Scenario = 'memory'; Run = { Invoke-LoadTestClient "${url}m/{0}" $n.Memory 64 'Measure' } }
        )

        Write-Host 'Import-Module and the first request'
        $firstRuns = foreach ($i in 1..3) {
            $line = & $pwshCommand[0] @($pwshCommand | Select-Object -Skip 1) -NoProfile -NonInteractive -Command "`$c = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$module'; `$null = Invoke-BoundedRequest -Uri '$url'; `$c.Elapsed.TotalSeconds"
            [double]($line | Select-Object -Last 1)
        }
        $results.FirstRequestSeconds = ($firstRuns | Sort-Object)[1]
        $raw.Add([pscustomobject]@{ Key = 'FirstRequest'; Scenario = 'startup'; Contender = 'Import-Module + first request'; Seconds = $results.FirstRequestSeconds })
    }
    finally {
        Stop-Nginx $nginx
    }

    Write-Host 'Start-TestServer (zero delay, in its own pwsh, warmed up for 3 s) driven by wrk'
    $zero = Start-TestServerProcess 0
    try {
        # Warmed up first: its first seconds are spent compiling (tiered JIT), and the row is its steady rate.
        $null = Invoke-Wrk "http://127.0.0.1:$($zero.Port)/" 64 3
        Measure-Contender 'ServerWrk' 'wrk -> Start-TestServer' 'test server' { Invoke-Wrk "http://127.0.0.1:$($zero.Port)/" 64 $n.WrkSeconds }
    }
    finally { Stop-TestServerProcess $zero }

    Write-Host "The seed: 0-3 s server, $($n.Seed) requests at 1000 in flight, $($n.SeedWide) at 10,000"
    $seed = Start-TestServerProcess 3000
    try {
        Measure-Contender 'Seed' 'LoadTest -Summary, 1000 in flight' 'seed' { Invoke-LoadTestClient "http://127.0.0.1:$($seed.Port)/item/{0}" $n.Seed 1000 'Summary' }
        Measure-Contender 'SeedWide' 'LoadTest -Summary, 10,000 in flight' 'seed' { Invoke-LoadTestClient "http://127.0.0.1:$($seed.Port)/item/{0}" $n.SeedWide 10000 'Summary' }
        Measure-Contender 'SeedGen0' 'LoadTest -Summary, 1000 in flight, DOTNET_GCgen0size 4 MB' 'seed' { Invoke-LoadTestClient "http://127.0.0.1:$($seed.Port)/item/{0}" $n.SeedGen0 1000 'Summary' $smallGen0 }
    }
    finally { Stop-TestServerProcess $seed }

    Write-Host 'Rate accuracy: 10,000 req/s held and ramped from 0, against the test server in the same process'
    $accuracy = & $pwshCommand[0] @($pwshCommand | Select-Object -Skip 1) -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'RateAccuracy.ps1') `
        -Module (Join-Path $module 'LoadTest.psd1') -Seconds $(if ($Quick) { 3 } else { 10 }) -AsJson
    foreach ($row in ($accuracy | Select-Object -Last 1 | ConvertFrom-Json)) {
        $raw.Add([pscustomobject]@{ Key = "Rate$($row.Run)"; Scenario = 'rate accuracy'; Contender = "10,000 req/s, $($row.Run)"; Row = $row })
        $results["Rate$($row.Run)"] = $row
    }
}

$idealSeed = Get-IdealElapsedSeconds -Count $n.Seed -ThrottleLimit 1000 -MaxDelayMs 3000 -Runs 3
$idealWide = Get-IdealElapsedSeconds -Count $n.SeedWide -ThrottleLimit 10000 -MaxDelayMs 3000 -Runs 3

if (-not $ReportFrom) {
    $raw | ConvertTo-Json -Depth 3 | Set-Content (Join-Path $rawDir ("{0:yyyy-MM-dd}-{1}.json" -f $started, $(if ($Quick) { 'quick' } else { 'full' })))
}

$rate = { param($r) $r.RequestsPerSecond }
# A ratio of two contenders of one interleaved set: the median of each round's ratio, since the two runs of a
# round are minutes apart at most while the machine's speed drifts over the whole run.
$paired = {
    param([string] $A, [string] $B, [string] $Property = 'RequestsPerSecond')
    $ratios = foreach ($run in ($raw | Where-Object Key -EQ $A)) {
        $other = $raw | Where-Object { $_.Key -eq $B -and $_.Run -eq $run.Run } | Select-Object -First 1
        $run.$Property / $other.$Property
    }
    $sorted = @($ratios | Sort-Object)
    $sorted[[int][Math]::Floor(($sorted.Count - 1) / 2)]
}
foreach ($key in 'Wrk', 'Socket', 'Raw', 'Summary', 'Measure', 'Inline', 'TlsWrk', 'TlsInline', 'TlsRaw', 'TlsSummary', 'H2load', 'H2Raw', 'H2Raw8', 'H2Summary', 'H2Inline', 'H2HttpClient', 'H2cLoad', 'H2cSummary', 'ProgressOn', 'ProgressOff', 'CheckNone', 'CheckStatus', 'CheckJson', 'Python', 'Parallel', 'MemSummarySmall', 'MemSummaryLarge', 'MemMeasureSmall', 'MemMeasureLarge', 'ServerWrk', 'Seed', 'SeedWide') {
    if (-not $results.Contains($key)) { throw "The benchmark has no measurement '$key'." }
}
$check = { param($ok) if ($ok) { 'met' } else { '**not met**' } }
$targets = @(
    @{ M = 'req/s vs nginx, -Summary, vs the raw .NET client'; T = '>= 0.8x'; V = (& $paired Summary Raw); Ok = { param($v) $v -ge 0.8 } }
    @{ M = 'req/s vs nginx, into Measure-Object, vs the raw .NET client'; T = '>= 0.6x'; V = (& $paired Measure Raw); Ok = { param($v) $v -ge 0.6 } }
    @{ M = "seed server, 1000 in flight, $($n.Seed) requests: ideal time / time"; T = '>= 97 %'; V = $idealSeed / $results.Seed.Seconds; Ok = { param($v) $v -ge 0.97 } }
    @{ M = "seed server, 10,000 in flight, $($n.SeedWide) requests: ideal time / time"; T = '>= 90 %'; V = $idealWide / $results.SeedWide.Seconds; Ok = { param($v) $v -ge 0.90 } }
    @{ M = 'peak RSS growth, 10x requests, -Summary'; T = '< 10 %'; V = $results.MemSummaryLarge.PeakRssMB / $results.MemSummarySmall.PeakRssMB - 1; Ok = { param($v) $v -lt 0.10 } }
    @{ M = 'peak RSS growth, 10x requests, into Measure-Object'; T = '< 10 %'; V = $results.MemMeasureLarge.PeakRssMB / $results.MemMeasureSmall.PeakRssMB - 1; Ok = { param($v) $v -lt 0.10 } }
    @{ M = 'peak RSS at ThrottleLimit 1000 (MB)'; T = '< 150'; V = $results.Seed.PeakRssMB; Ok = { param($v) $v -lt 150 } }
    @{ M = 'req/s vs nginx, -Summary, vs the minimal socket loop'; T = '>= 0.85x'; V = (& $paired Summary Socket); Ok = { param($v) $v -ge 0.85 } }
    @{ M = 'req/s vs nginx, -Summary, vs wrk'; T = '>= 0.8x'; V = (& $paired Summary Wrk); Ok = { param($v) $v -ge 0.8 } }
    @{ M = "req/s vs nginx, -Summary, vs the same on .NET's socket engine"; T = '-'; V = (& $paired Summary Inline); Ok = { param($v) $true } }
    @{ M = 'req/s vs nginx, into Measure-Object, vs -Summary'; T = '>= 0.8x'; V = (& $paired Measure Summary); Ok = { param($v) $v -ge 0.8 } }
    @{ M = 'CPU per request, -Summary (us)'; T = '<= 11'; V = $results.Summary.CpuMicrosPerRequest; Ok = { param($v) $v -le 11 } }
    @{ M = "CPU per request, -Summary, vs wrk's"; T = '-'; V = $results.Summary.CpuMicrosPerRequest / $results.Wrk.CpuMicrosPerRequest; Ok = { param($v) $true } }
    @{ M = 'req/s vs nginx https, -Summary, vs wrk'; T = '>= 0.75x'; V = (& $paired TlsSummary TlsWrk); Ok = { param($v) $v -ge 0.75 } }
    @{ M = 'req/s vs nginx https, -Summary, vs the raw .NET client'; T = '>= 1.3x'; V = (& $paired TlsSummary TlsRaw); Ok = { param($v) $v -ge 1.3 } }
    @{ M = "req/s vs nginx https, -Summary, vs the same on .NET's socket engine"; T = '-'; V = (& $paired TlsSummary TlsInline); Ok = { param($v) $true } }
    @{ M = 'CPU per request, https, -Summary (us)'; T = '<= 14'; V = $results.TlsSummary.CpuMicrosPerRequest; Ok = { param($v) $v -le 14 } }
    @{ M = "CPU per request, https, -Summary, vs wrk's"; T = '-'; V = $results.TlsSummary.CpuMicrosPerRequest / $results.TlsWrk.CpuMicrosPerRequest; Ok = { param($v) $true } }
    @{ M = 'req/s vs nginx HTTP/2, -Summary, vs h2load'; T = '>= 0.7x'; V = (& $paired H2Summary H2load); Ok = { param($v) $v -ge 0.7 } }
    @{ M = "req/s vs nginx HTTP/2, -Summary, vs the same on .NET's socket engine"; T = '-'; V = (& $paired H2Summary H2Inline); Ok = { param($v) $true } }
    @{ M = 'req/s vs nginx HTTP/2, -Summary, vs the same run through HttpClient (-Transport HttpClient)'; T = '-'; V = (& $paired H2Summary H2HttpClient); Ok = { param($v) $true } }
    @{ M = 'req/s vs nginx HTTP/2 in clear text, -Summary, vs h2load'; T = '>= 0.7x'; V = (& $paired H2cSummary H2cLoad); Ok = { param($v) $v -ge 0.7 } }
    @{ M = 'Start-TestServer zero-delay req/s, driven by wrk (warmed up)'; T = '>= 30,000'; V = (& $rate $results.ServerWrk); Ok = { param($v) $v -ge 30000 } }
    @{ M = 'Import-Module + first request (s)'; T = '< 0.5'; V = $results.FirstRequestSeconds; Ok = { param($v) $v -lt 0.5 } }
    @{ M = 'rate accuracy at 10,000 req/s held: worst second vs its plan'; T = '<= 2 %'; V = $results.Ratehold.WorstDeviation; Ok = { param($v) $v -le 0.02 } }
    @{ M = 'rate accuracy, ramp 0 to 10,000 req/s: worst second vs its plan'; T = '<= 2 %'; V = $results.Rateramp.WorstDeviation; Ok = { param($v) $v -le 0.02 } }
    # What the bar costs is CPU: the rate of two runs a few seconds apart moves by up to 20 % here with the machine.
    @{ M = 'progress bar cost: CPU per request added with progress on'; T = '< 2 %'; V = (& $paired ProgressOn ProgressOff CpuMicrosPerRequest) - 1; Ok = { param($v) $v -lt 0.02 } }
    @{ M = 'progress bar: req/s lost with progress on'; T = '-'; V = 1 - (& $paired ProgressOn ProgressOff); Ok = { param($v) $true } }
    @{ M = 'req/s lost with a JSON check (-Check Json), 64 in flight'; T = '<= 10 %'; V = 1 - (& $paired CheckJson CheckNone); Ok = { param($v) $v -le 0.10 } }
    @{ M = 'req/s lost with a status check (-Check StatusCode)'; T = '-'; V = 1 - (& $paired CheckStatus CheckNone); Ok = { param($v) $true } }
    @{ M = 'check cost: CPU per request added by a JSON check'; T = '-'; V = (& $paired CheckJson CheckNone CpuMicrosPerRequest) - 1; Ok = { param($v) $true } }
)
if ($results.Contains('MetricsOn')) {
    $targets += @(
        @{ M = 'metrics endpoint: req/s, -MetricsPort scraped every second, vs without'; T = '>= 0.97x'; V = (& $paired MetricsOn MetricsOff); Ok = { param($v) $v -ge 0.97 } }
        @{ M = 'metrics endpoint: CPU per request, -MetricsPort scraped every second, vs without'; T = '-'; V = (& $paired MetricsOn MetricsOff CpuMicrosPerRequest); Ok = { param($v) $true } }
    )
}

$lines = [System.Collections.Generic.List[string]]::new()
$lines.Add('# Benchmark results')
$lines.Add('')
$memoryGiB = [double]((Get-Content /proc/meminfo -TotalCount 1) -replace '\D', '') / 1MB
$debian = Get-Content /etc/debian_version -ErrorAction Ignore
$wrkVersion = (& wrk -v 2>&1 | Select-Object -First 1) -replace ' \[.*', ''
$nginxVersion = (& /usr/sbin/nginx -v 2>&1 | Out-String).Trim() -replace '.*: ', ''
$mode = if ($Quick) { ' -Quick' } else { '' }
$lines.Add("Run $($started.ToUniversalTime().ToString('yyyy-MM-dd HH:mm')) UTC with ``./build.ps1 Bench$mode`` ($repeats run(s) per measurement, $($repeats * 3) for the progress pair in one process, round-robin with every other round reversed, median shown; a target that compares two contenders takes the median of their ratios round by round).")
$lines.Add("Machine: $([Environment]::ProcessorCount) cores, $([Math]::Round($memoryGiB)) GiB, Debian $debian; pwsh $($PSVersionTable.PSVersion), .NET $([Environment]::Version); $wrkVersion; $nginxVersion.")
$lines.Add('Client and server share the 2 cores, so absolute numbers move from run to run; compare ratios within one run.')
$lines.Add('Raw data: `bench/results/`.')
$lines.Add('')
$lines.Add('## Contenders against nginx (`Hello, World!`, 64 in flight)')
$lines.Add('')
$lines.Add('| contender | requests | req/s | vs raw .NET | vs wrk | CPU us/request | peak RSS MB |')
$lines.Add('|---|---:|---:|---:|---:|---:|---:|')
foreach ($key in 'Wrk', 'Socket', 'Raw', 'Summary', 'Measure', 'Inline', 'ProgressOn', 'ProgressOff', 'MetricsOn', 'MetricsOff', 'CheckNone', 'CheckStatus', 'CheckJson', 'Python', 'Parallel') {
    if (-not $results.Contains($key)) { continue }
    $r = $results[$key]
    $lines.Add(('| {0} | {1:N0} | {2:N0} | {3:N2} | {4:N2} | {5:N1} | {6:N0} |' -f $r.Contender, $r.Count, $r.RequestsPerSecond,
            ($r.RequestsPerSecond / $results.Raw.RequestsPerSecond), ($r.RequestsPerSecond / $results.Wrk.RequestsPerSecond), $r.CpuMicrosPerRequest, $r.PeakRssMB))
}
$lines.Add('')
$lines.Add('wrk''s CPU and RSS are its own process; every other row is the whole client process (pwsh with the module, or python, or dotnet).')
$lines.Add('')
$lines.Add('## https and HTTP/2 against the same nginx (self-signed certificate made at bench time, 64 in flight)')
$lines.Add('')
$lines.Add('| contender | protocol | requests | req/s | vs raw .NET (same protocol) | vs wrk / h2load | CPU us/request | peak RSS MB |')
$lines.Add('|---|---|---:|---:|---:|---:|---:|---:|')
foreach ($row in @(
        @{ Key = 'TlsWrk'; Protocol = 'https, HTTP/1.1'; Raw = 'TlsRaw'; Peer = 'TlsWrk' }, @{ Key = 'TlsRaw'; Protocol = 'https, HTTP/1.1'; Raw = 'TlsRaw'; Peer = 'TlsWrk' },
        @{ Key = 'TlsSummary'; Protocol = 'https, HTTP/1.1'; Raw = 'TlsRaw'; Peer = 'TlsWrk' }, @{ Key = 'TlsInline'; Protocol = 'https, HTTP/1.1'; Raw = 'TlsRaw'; Peer = 'TlsWrk' },
        @{ Key = 'H2load'; Protocol = 'HTTP/2'; Raw = 'H2Raw'; Peer = 'H2load' }, @{ Key = 'H2Raw'; Protocol = 'HTTP/2'; Raw = 'H2Raw'; Peer = 'H2load' },
        @{ Key = 'H2Raw8'; Protocol = 'HTTP/2'; Raw = 'H2Raw'; Peer = 'H2load' }, @{ Key = 'H2Summary'; Protocol = 'HTTP/2'; Raw = 'H2Raw'; Peer = 'H2load' },
        @{ Key = 'H2Inline'; Protocol = 'HTTP/2'; Raw = 'H2Raw'; Peer = 'H2load' }, @{ Key = 'H2HttpClient'; Protocol = 'HTTP/2'; Raw = 'H2Raw'; Peer = 'H2load' },
        @{ Key = 'H2cLoad'; Protocol = 'HTTP/2, clear text'; Raw = 'H2Raw'; Peer = 'H2cLoad' }, @{ Key = 'H2cSummary'; Protocol = 'HTTP/2, clear text'; Raw = 'H2Raw'; Peer = 'H2cLoad' })) {
    $r = $results[$row.Key]
    $lines.Add(('| {0} | {1} | {2:N0} | {3:N0} | {4:N2} | {5:N2} | {6:N1} | {7:N0} |' -f $r.Contender, $row.Protocol, $r.Count, $r.RequestsPerSecond,
            ($r.RequestsPerSecond / $results[$row.Raw].RequestsPerSecond), ($r.RequestsPerSecond / $results[$row.Peer].RequestsPerSecond), $r.CpuMicrosPerRequest, $r.PeakRssMB))
}
$lines.Add('')
$lines.Add('## Targets')
$lines.Add('')
$lines.Add('| measure | target | measured | |')
$lines.Add('|---|---|---:|---|')
foreach ($t in $targets) {
    $value = if ($t.M -match 'growth|progress|ideal|accuracy|lost|cost') { '{0:P1}' -f $t.V } elseif ($t.M -match 'vs ') { '{0:N2}x' -f $t.V } else { '{0:N2}' -f $t.V }
    $verdict = if ($t.T -eq '-') { 'for comparison' } else { & $check (& $t.Ok $t.V) }
    $lines.Add("| $($t.M) | $($t.T) | $value | $verdict |")
}
$lines.Add('')
$lines.Add('## Memory and the seed')
$lines.Add('')
$lines.Add('| run | requests | req/s | seconds | peak RSS MB |')
$lines.Add('|---|---:|---:|---:|---:|')
foreach ($key in 'MemSummarySmall', 'MemSummaryLarge', 'MemMeasureSmall', 'MemMeasureLarge', 'Seed', 'SeedGen0', 'SeedWide', 'ServerWrk') {
    if (-not $results.Contains($key)) { continue }
    $r = $results[$key]
    $lines.Add(('| {0} | {1:N0} | {2:N0} | {3:N1} | {4:N0} |' -f $r.Contender, $r.Count, $r.RequestsPerSecond, $r.Seconds, $r.PeakRssMB))
}
$lines.Add('')
$lines.Add(('Seed ideal run time (Little''s law with the last wave''s tail, simulated): {0:N1} s for {1:N0} requests at 1000 in flight, {2:N1} s for {3:N0} at 10,000.' -f $idealSeed, $n.Seed, $idealWide, $n.SeedWide))
$lines.Add('')
$lines.Add('## Rate accuracy (the test server in the same process, -ThrottleLimit 256)')
$lines.Add('')
$lines.Add('Per second of the run, the requests started (the time series'' `Started`) against those the schedule planned in that second; seconds with less than a tenth of the rate planned (the start of the ramp) are not judged.')
$lines.Add('')
$lines.Add('| run | planned | sent | late | dropped | seconds judged | worst second | corrected P99 ms |')
$lines.Add('|---|---:|---:|---:|---:|---:|---:|---:|')
foreach ($key in 'Ratehold', 'Rateramp') {
    $r = $results[$key]
    $lines.Add(('| {0} | {1:N0} | {2:N0} | {3:N0} | {4:N0} | {5} | {6:P2} | {7:N2} |' -f $r.Run, $r.Planned, $r.Sent, $r.Late, $r.Dropped, $r.JudgedSeconds, $r.WorstDeviation, $r.CorrectedP99Ms))
}
$notes = Join-Path $PSScriptRoot 'NOTES.md'
if (Test-Path $notes) {
    $lines.Add('')
    foreach ($line in Get-Content $notes) { $lines.Add($line) }
}
$lines | Set-Content (Join-Path $PSScriptRoot 'RESULTS.md')
Write-Host "Wrote $(Join-Path $PSScriptRoot 'RESULTS.md')"
Remove-Item $work -Recurse -Force -ErrorAction Ignore
