<#
.SYNOPSIS
    What a flow costs: a 3-step flow against single requests at the same in-flight count, against nginx, in one
    pwsh, round-robin (every other round in reverse order), with the median of the round-by-round ratios.
.DESCRIPTION
    Both sides send the same number of requests (-Count single requests; -Count / 3 iterations of three steps).
    The flow templates its URIs and body from #{iteration} and from a value its first step extracts with a
    regex, so the ratio includes building each step's request and the extraction. Writes bench/FLOWS.md.
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../output/LoadTest'),
    [long] $Count = 999999,
    [int] $ThrottleLimit = 64,
    [int] $Rounds = 3
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
Import-Module (Resolve-Path $ModulePath).Path
$work = Join-Path ([IO.Path]::GetTempPath()) "loadtest-flowcost-$PID"
$nginx = Start-Nginx $work
$self = [Diagnostics.Process]::GetCurrentProcess()
$base = "http://127.0.0.1:$($nginx.Port)"
$flow = @(
    @{ Name = 'login'; Method = 'POST'; Uri = '/login?u=#{iteration}'; Body = '{"user":"u#{iteration}"}'; ContentType = 'application/json'; Extract = @{ word = 'regex:(World)' } }
    @{ Name = 'create'; Method = 'POST'; Uri = '/items'; Headers = @{ 'X-Word' = '#{word}' }; Body = '{"name":"#{word}-#{iteration}"}'; ContentType = 'application/json' }
    @{ Name = 'read'; Uri = '/items/#{iteration}' }
)

function Measure-Side([string] $Side) {
    $self.Refresh()
    $cpu = $self.TotalProcessorTime
    $summary = if ($Side -eq 'single') {
        Invoke-BoundedRequest -Uri "$base/item/{0}" -Count $Count -ThrottleLimit $ThrottleLimit -Summary
    }
    else {
        Invoke-BoundedRequest -BaseUri $base -Flow $flow -Count ([long]($Count / 3)) -ThrottleLimit $ThrottleLimit -Summary
    }
    $self.Refresh()
    [pscustomobject]@{
        Side = $Side; Requests = $summary.Count; Failed = $summary.Failed; Seconds = $summary.ElapsedSeconds
        RequestsPerSecond = $summary.RequestsPerSecond
        CpuUsPerRequest = ($self.TotalProcessorTime - $cpu).TotalMilliseconds * 1000 / [Math]::Max(1, $summary.Count)
    }
}

try {
    $null = Measure-Side 'single'
    $null = Measure-Side 'flow'
    $rows = foreach ($round in 1..$Rounds) {
        $order = if ($round % 2) { 'single', 'flow' } else { 'flow', 'single' }
        $pair = @{}
        foreach ($side in $order) { $pair[$side] = Measure-Side $side; $pair[$side] | Add-Member Round $round; $pair[$side] }
        Write-Host ('round {0}: single {1:N0} req/s, flow {2:N0} req/s, ratio {3:N3}' -f $round, $pair.single.RequestsPerSecond, $pair.flow.RequestsPerSecond, ($pair.flow.RequestsPerSecond / $pair.single.RequestsPerSecond))
    }
}
finally {
    Stop-Nginx $nginx
}

$ratios = foreach ($round in 1..$Rounds) {
    $s = $rows | Where-Object { $_.Round -eq $round -and $_.Side -eq 'single' }
    $f = $rows | Where-Object { $_.Round -eq $round -and $_.Side -eq 'flow' }
    $f.RequestsPerSecond / $s.RequestsPerSecond
}
$median = ($ratios | Sort-Object)[[int][Math]::Floor($ratios.Count / 2)]
$table = $rows | ForEach-Object { '| {0} | {1} | {2:N0} | {3} | {4:N0} | {5:N1} |' -f $_.Round, $_.Side, $_.Requests, $_.Failed, $_.RequestsPerSecond, $_.CpuUsPerRequest }
@"
# A 3-step flow against single requests

``bench/FlowCost.ps1`` on $(Get-Date -Format 'yyyy-MM-dd HH:mm'), nginx ``Hello, World!`` on loopback, $ThrottleLimit in flight,
$Count requests a side, $Rounds round-robin rounds in one pwsh (every other round in reverse order).
The flow: POST /login (a regex extraction), POST /items (a header and body from the extracted value), GET /items/#{iteration}.

| round | side | requests | failed | req/s | CPU us/request |
|---|---|---|---|---|---|
$($table -join "`n")

Median of the round-by-round ratios, flow / single: **$('{0:N3}' -f $median)** (target: at least 0.8).
"@ | Set-Content (Join-Path $PSScriptRoot 'FLOWS.md')
Write-Host ('median ratio flow/single: {0:N3}' -f $median)
