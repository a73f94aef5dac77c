<#
.SYNOPSIS
    Reproduces the seed experiment: N requests, at most ThrottleLimit in flight, against a server that
    answers "Hello, World!" after a random 0-3 s delay. Run by `build.ps1 Demo`.
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../output/LoadTest'),
    [int] $Count = 10000,
    [int] $ThrottleLimit = 1000,
    [int] $MaxDelayMs = 3000
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

. (Join-Path $PSScriptRoot 'BenchCommon.ps1')

$server = Start-TestServer -MaxDelayMs $MaxDelayMs
try {
    Write-Host "Seed experiment: $Count requests to $($server.Uri)item/{0}, ThrottleLimit $ThrottleLimit, server delay 0-$MaxDelayMs ms"
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $results = Invoke-BoundedRequest -Uri "$($server.Uri)item/{0}" -Count $Count -ThrottleLimit $ThrottleLimit
    $clock.Stop()

    $elapsed = $clock.Elapsed.TotalSeconds
    $failures = @($results | Where-Object { -not $_.Success }).Count
    $rate = $results.Count / $elapsed
    $idealRate = $ThrottleLimit / ($MaxDelayMs / 2000.0)
    $idealElapsed = Get-IdealElapsedSeconds -Count $Count -ThrottleLimit $ThrottleLimit -MaxDelayMs $MaxDelayMs
    $peakMB = [Math]::Round((Get-Process -Id $PID).PeakWorkingSet64 / 1MB)

    # Steady state: completions after the first wave has turned over and before the last wave drains.
    $runStart = ($results | Measure-Object StartTime -Minimum).Minimum
    $windowStart = $MaxDelayMs / 1000.0
    $windowEnd = $elapsed - $MaxDelayMs / 1000.0
    $inWindow = 0
    foreach ($r in $results) {
        $done = ($r.StartTime - $runStart).TotalSeconds + $r.ElapsedMs / 1000.0
        if ($done -ge $windowStart -and $done -lt $windowEnd) { $inWindow++ }
    }
    $steadyRate = if ($windowEnd -gt $windowStart) { $inWindow / ($windowEnd - $windowStart) } else { $rate }

    [pscustomobject]@{
        Requests              = $results.Count
        Failures              = $failures
        ElapsedSeconds        = [Math]::Round($elapsed, 2)
        RequestsPerSecond     = [Math]::Round($rate, 1)
        SteadyStateRate       = [Math]::Round($steadyRate, 1)
        LittlesLawIdealRate   = [Math]::Round($idealRate, 1)
        SteadyFractionOfIdeal = '{0:P1}' -f ($steadyRate / $idealRate)
        IdealElapsedWithTail  = [Math]::Round($idealElapsed, 2)
        FractionOfIdealTime   = '{0:P1}' -f ($idealElapsed / $elapsed)
        ServerPeakConcurrency = $server.PeakConcurrency
        PeakMemoryMB          = $peakMB
    } | Format-List | Out-Host

    Write-Host 'The same results, as objects: Measure-Object over ElapsedMs'
    $results | Measure-Object -Property ElapsedMs -Average -Minimum -Maximum | Out-Host

    Write-Host 'Grouped by status code'
    $results | Group-Object StatusCode -NoElement | Out-Host

    $csv = Join-Path ([IO.Path]::GetTempPath()) "loadtest-demo-$PID.csv"
    $results | Export-Csv -Path $csv
    Write-Host "Export-Csv wrote $((Get-Item $csv).Length) bytes to $csv; its first rows:"
    Import-Csv $csv | Select-Object -First 3 | Format-Table Index, StatusCode, Success, ElapsedMs, Uri | Out-Host
    Remove-Item $csv

    if ($results.Count -ne $Count -or $failures -ne 0) {
        Write-Error "Expected $Count successful results, got $($results.Count) with $failures failures."
        exit 1
    }
}
finally {
    $server | Stop-TestServer
}
