#Requires -Version 7.4
<#
.SYNOPSIS
    How closely each build starts scheduled requests on time, and what its clock costs in CPU: the start lag
    (actual start minus scheduled start) at several rates, side by side, against the bundled test server.
.DESCRIPTION
    The test server runs in a process of its own (bench/TestServerHost.ps1), so the CPU measured is the client's.
    Each build runs in its own child pwsh, round-robin, once per round and rate: a short warm-up, then
    -RequestsPerSecond for -Seconds with every result kept. The lag is read from the results (CorrectedElapsedMs
    minus ElapsedMs), which every build writes, so an old build is measured the same way as a new one. CPU is the
    child's processor time over the run alone. Prints a markdown table of the medians over the rounds.

    To measure an older commit, build it in a folder of its own (git worktree add --detach <dir> <commit>; then
    ./build.ps1 Build there) and pass its output/LoadTest folder, as bench/Compare-Builds.ps1 does.
.EXAMPLE
    ./bench/StartLag.ps1 -Build ([ordered]@{ before = '/tmp/old/output/LoadTest'; after = './output/LoadTest' })
#>
param(
    [Parameter(Mandatory)] [System.Collections.Specialized.OrderedDictionary] $Build,
    [double[]] $Rate = @(100, 1000, 10000),
    [double] $Seconds = 5,
    [int] $ThrottleLimit = 256,
    [int] $Rounds = 3
)

$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$work = Join-Path ([IO.Path]::GetTempPath()) "loadtest-startlag-$PID"
New-Item -ItemType Directory -Path $work -Force | Out-Null
$pwsh = @(Get-PwshCommand)
$portFile = Join-Path $work 'port'
$stopFile = Join-Path $work 'stop'
$firstModule = (Resolve-Path @($Build.Values)[0]).Path
$host_ = Start-Process -FilePath $pwsh[0] -ArgumentList (@($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-File', (Join-Path $PSScriptRoot 'TestServerHost.ps1'), '-Module', $firstModule, '-PortFile', $portFile, '-StopFile', $stopFile)) -PassThru
$deadline = [DateTime]::UtcNow.AddSeconds(60)
while (-not (Test-Path $portFile) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
$port = [int](Get-Content $portFile)
$uri = "http://127.0.0.1:$port/lag/{0}"

# The child: warm up, run, then the lag percentiles in µs from the results, and the run's CPU.
$child = @'
param($Module, $Uri, $Rate, $Seconds, $ThrottleLimit)
Import-Module $Module
$null = Invoke-BoundedRequest -Uri $Uri -Count 3000 -ThrottleLimit 16 -Summary
$process = [Diagnostics.Process]::GetCurrentProcess()
$cpu = $process.TotalProcessorTime
$results = Invoke-BoundedRequest -Uri $Uri -RequestsPerSecond $Rate -Duration ([TimeSpan]::FromSeconds($Seconds)) -ThrottleLimit $ThrottleLimit -WarningAction SilentlyContinue
$process.Refresh()
$cpuSeconds = ($process.TotalProcessorTime - $cpu).TotalSeconds
$lag = [double[]]::new($results.Count); $raw = [double[]]::new($results.Count); $corrected = [double[]]::new($results.Count)
for ($i = 0; $i -lt $results.Count; $i++) {
    $raw[$i] = $results[$i].ElapsedMs; $corrected[$i] = $results[$i].CorrectedElapsedMs
    $lag[$i] = [Math]::Max(0.0, $corrected[$i] - $raw[$i]) * 1000
}
[Array]::Sort($lag); [Array]::Sort($raw); [Array]::Sort($corrected)
function At([double[]] $sorted, [double] $p) { $sorted[[Math]::Min($sorted.Count - 1, [int][Math]::Ceiling($sorted.Count * $p / 100) - 1)] }
[pscustomobject]@{
    Requests = $results.Count; LagP50Us = At $lag 50; LagP99Us = At $lag 99; LagP999Us = At $lag 99.9; LagMaxUs = $lag[-1]
    LateOver1Ms = @($lag | Where-Object { $_ -gt 1000 }).Count; RawP50Ms = At $raw 50; CorrectedP50Ms = At $corrected 50; CpuSeconds = $cpuSeconds
} | ConvertTo-Json -Compress
'@
$childFile = Join-Path $work 'child.ps1'
Set-Content -Path $childFile -Value $child

$measured = [System.Collections.Generic.List[object]]::new()
try {
    foreach ($round in 1..$Rounds) {
        foreach ($r in $Rate) {
            foreach ($name in $Build.Keys) {
                $module = (Resolve-Path $Build[$name]).Path
                $json = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $childFile -Module $module -Uri $uri -Rate $r -Seconds $Seconds -ThrottleLimit $ThrottleLimit
                $row = $json | Select-Object -Last 1 | ConvertFrom-Json -ErrorAction SilentlyContinue
                if ($null -eq $row -or $row.Requests -eq 0) { throw "The run of $name at $r req/s failed: $($json -join "`n")" }
                $row | Add-Member -NotePropertyMembers @{ Build = $name; Rate = $r; Round = $round; Load = (Get-Content /proc/loadavg).Split(' ')[0] }
                $measured.Add($row)
                Write-Host ('round {0} {1,6} req/s {2,-8} lag P50 {3,8:N1} P99 {4,9:N1} max {5,9:N1} us, late {6,5}, raw P50 {7:N3} corrected P50 {8:N3} ms, CPU {9:N2} s (load {10})' -f
                    $round, $r, $name, $row.LagP50Us, $row.LagP99Us, $row.LagMaxUs, $row.LateOver1Ms, $row.RawP50Ms, $row.CorrectedP50Ms, $row.CpuSeconds, $row.Load)
            }
        }
    }
}
finally {
    New-Item -ItemType File -Path $stopFile -Force | Out-Null
    $null = $host_.WaitForExit(10000)
}

function Get-Median([double[]] $Values) { $s = $Values | Sort-Object; $s[[int][Math]::Floor(($s.Count - 1) / 2)] }
''
"Start lag over $Seconds s per run, medians of $Rounds rounds; the machine's load average was $((($measured.Load | ForEach-Object { [double]$_ }) | Measure-Object -Minimum -Maximum) | ForEach-Object { '{0}-{1}' -f $_.Minimum, $_.Maximum }) during the runs."
''
'| req/s | build | lag P50 µs | lag P99 µs | lag P99.9 µs | lag max µs | late (> 1 ms) | raw P50 ms | corrected P50 ms | CPU s per run | CPU µs per request |'
'|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
foreach ($r in $Rate) {
    foreach ($name in $Build.Keys) {
        $rows = @($measured | Where-Object { $_.Build -eq $name -and $_.Rate -eq $r })
        $cpu = Get-Median $rows.CpuSeconds
        '| {0:N0} | {1} | {2:N1} | {3:N1} | {4:N1} | {5:N1} | {6:N0} | {7:N3} | {8:N3} | {9:N2} | {10:N1} |' -f $r, $name,
            (Get-Median $rows.LagP50Us), (Get-Median $rows.LagP99Us), (Get-Median $rows.LagP999Us), (Get-Median $rows.LagMaxUs),
            (Get-Median $rows.LateOver1Ms), (Get-Median $rows.RawP50Ms), (Get-Median $rows.CorrectedP50Ms), $cpu, ($cpu * 1e6 / (Get-Median $rows.Requests))
    }
}
Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
