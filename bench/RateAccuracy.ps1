#Requires -Version 7.4
<#
.SYNOPSIS
    How closely a run keeps its rate schedule: 10,000 req/s held, and a ramp from 0 to 10,000 req/s, against the
    bundled test server (in this process). Per second of the run, the requests started against those the schedule
    planned in that second (the time series' Started and PlannedRequestsPerSecond).
.EXAMPLE
    dotnet pwsh bench/RateAccuracy.ps1 -Module output/LoadTest/LoadTest.psd1
#>
param(
    [string] $Module = (Join-Path $PSScriptRoot '../output/LoadTest/LoadTest.psd1'),
    [double] $Rate = 10000,
    [int] $Seconds = 10,
    [int] $ThrottleLimit = 256,
    # For the suite (Invoke-Benchmark.ps1): print only the two summary rows, as JSON.
    [switch] $AsJson
)

$ErrorActionPreference = 'Stop'
Import-Module $Module
$server = Start-TestServer

# Per row: started vs planned in that row; rows where less than a tenth of a second's worth was planned (the
# partial edges of a ramp from 0) are reported but not judged.
function Measure-Rows($Summary, [string] $Name) {
    foreach ($row in $Summary.TimeSeries) {
        $planned = $row.PlannedRequestsPerSecond * $row.IntervalSeconds
        if ($planned -le 0) { continue }
        [pscustomobject]@{
            Run       = $Name
            Second    = $row.StartTime.ToString('HH:mm:ss')
            Planned   = [Math]::Round($planned, 1)
            Started   = $row.Started
            Deviation = ($row.Started - $planned) / $planned
            Judged    = $planned -ge $Rate / 10
        }
    }
}

try {
    # Warm up the JIT, the pool and the server.
    $null = Invoke-BoundedRequest -Uri "$($server.Uri)warm/{0}" -Count 50000 -ThrottleLimit 64 -Summary
    $hold = Invoke-BoundedRequest -Uri "$($server.Uri)hold/{0}" -RequestsPerSecond $Rate -Duration $Seconds -ThrottleLimit $ThrottleLimit -Summary
    $ramp = Invoke-BoundedRequest -Uri "$($server.Uri)ramp/{0}" -Stage @{ Duration = [TimeSpan]::FromSeconds($Seconds); RequestsPerSecond = $Rate } -ThrottleLimit $ThrottleLimit -Summary
    $rows = @(Measure-Rows $hold 'hold') + @(Measure-Rows $ramp 'ramp')
    if (-not $AsJson) {
        $rows | Format-Table Run, Second, Planned, Started, @{ n = 'Deviation'; e = { '{0:P2}' -f $_.Deviation } }, Judged | Out-String | Write-Host
    }

    $verdicts = foreach ($run in @(@{ Name = 'hold'; Summary = $hold }, @{ Name = 'ramp'; Summary = $ramp })) {
        $judged = @($rows | Where-Object { $_.Run -eq $run.Name -and $_.Judged })
        $worst = ($judged | ForEach-Object { [Math]::Abs($_.Deviation) } | Measure-Object -Maximum).Maximum
        [pscustomobject]@{
            Run                = $run.Name
            Planned            = $run.Summary.Planned
            Sent               = $run.Summary.Sent
            Late               = $run.Summary.Late
            Dropped            = $run.Summary.Dropped
            JudgedSeconds      = $judged.Count
            WorstDeviation     = $worst
            WithinTwoPercent   = $worst -le 0.02
            CorrectedP99Ms     = [Math]::Round($run.Summary.CorrectedLatency.P99Ms, 2)
        }
    }
    if ($AsJson) { $verdicts | ConvertTo-Json -Compress } else { $verdicts | Format-List }
}
finally {
    $server | Stop-TestServer
}
