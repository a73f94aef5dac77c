<#
.SYNOPSIS
    Throughput of several builds of the module side by side, round-robin, against one nginx on 127.0.0.1.
.DESCRIPTION
    For a change that must not cost speed: build the commits to compare into their own folders
    (git worktree add --detach <dir> <commit>; ./build.ps1 Build there), then pass their output/LoadTest
    folders. Each round runs every build once with -Summary and once piped to Measure-Object, in a child
    pwsh under GNU time; the medians of the rounds are printed as a markdown table.
.EXAMPLE
    ./bench/Compare-Builds.ps1 -Build @{ before = '/tmp/old/output/LoadTest'; after = './output/LoadTest' }
#>
param(
    [Parameter(Mandatory)] [System.Collections.Specialized.OrderedDictionary] $Build,
    [long] $Count = 300000,
    [int] $ThrottleLimit = 64,
    [int] $Rounds = 3
)

$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$work = Join-Path ([IO.Path]::GetTempPath()) "loadtest-compare-$PID"
New-Item -ItemType Directory -Path $work -Force | Out-Null
$nginx = Start-Nginx $work
$pwsh = @(Get-PwshCommand)
$uri = "http://127.0.0.1:$($nginx.Port)/"
$measured = [System.Collections.Generic.List[object]]::new()
try {
    foreach ($round in 1..$Rounds) {
        foreach ($name in $Build.Keys) {
            $module = (Resolve-Path $Build[$name]).Path
            foreach ($mode in 'Summary', 'Measure-Object') {
                $run = if ($mode -eq 'Summary') {
                    "(Invoke-BoundedRequest -Uri '$uri' -Count $Count -ThrottleLimit $ThrottleLimit -Summary).RequestsPerSecond"
                }
                else {
                    "`$c = [Diagnostics.Stopwatch]::StartNew(); `$n = (Invoke-BoundedRequest -Uri '$uri' -Count $Count -ThrottleLimit $ThrottleLimit | Measure-Object).Count; `$n / `$c.Elapsed.TotalSeconds"
                }
                $timeFile = Join-Path $work 'time.txt'
                $out = & /usr/bin/time -f '%U %S %M' -o $timeFile @pwsh -NoProfile -NonInteractive -Command "Import-Module '$module'; $run"
                $user, $system, $rss = (Get-Content $timeFile | Select-Object -Last 1) -split ' '
                $measured.Add([pscustomobject]@{
                        Build = $name; Mode = $mode; Round = $round; RequestsPerSecond = [double]($out | Select-Object -Last 1)
                        CpuUsPerRequest = ([double]$user + [double]$system) * 1e6 / $Count; RssMB = [double]$rss / 1024
                    })
                Write-Host ("round {0} {1,-10} {2,-14} {3,9:N0} req/s {4,6:N1} us/request" -f $round, $name, $mode, $measured[-1].RequestsPerSecond, $measured[-1].CpuUsPerRequest)
            }
        }
    }
}
finally {
    Stop-Nginx $nginx
}

function Get-Median([double[]] $Values) { $s = $Values | Sort-Object; $s[[int][Math]::Floor(($s.Count - 1) / 2)] }
$first = @($Build.Keys)[0]
"| build | mode | req/s (median) | vs $first | CPU us/request | peak RSS MB |"
'|---|---|---:|---:|---:|---:|'
foreach ($mode in 'Summary', 'Measure-Object') {
    $base = Get-Median ($measured | Where-Object { $_.Build -eq $first -and $_.Mode -eq $mode }).RequestsPerSecond
    foreach ($name in $Build.Keys) {
        $rows = $measured | Where-Object { $_.Build -eq $name -and $_.Mode -eq $mode }
        $rate = Get-Median $rows.RequestsPerSecond
        '| {0} | {1} | {2:N0} | {3:0.00} | {4:0.0} | {5:N0} |' -f $name, $mode, $rate, ($rate / $base), (Get-Median $rows.CpuUsPerRequest), (Get-Median $rows.RssMB)
    }
}
