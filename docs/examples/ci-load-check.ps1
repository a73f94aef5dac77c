<#
.SYNOPSIS
    A CI job's load check: run, assert thresholds, exit 0 when they hold and 1 when they do not.
.DESCRIPTION
    Point -Uri at a service on this machine (loopback), or leave it out to start LoadTest's own test
    server. In a CI job: pwsh -NonInteractive -File docs/examples/ci-load-check.ps1 -Uri http://127.0.0.1:8080/health
.EXAMPLE
    pwsh -File ./docs/examples/ci-load-check.ps1 -Count 5000 -MaxP99Ms 250
#>
param(
    # A URI on this machine; {0} becomes the request index.
    [string] $Uri,
    [long] $Count = 2000,
    [int] $ThrottleLimit = 50,
    [double] $MaxErrorRate = 0.01,
    [double] $MaxP99Ms = 500,
    [double] $MinRequestsPerSecond = 0,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../output/LoadTest')
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$server = $null
if (-not $Uri) {
    $server = Start-TestServer -MaxDelayMs 20
    $Uri = "$($server.Uri)health/{0}"
}

try {
    # The error budget stops a run that is clearly failing early (ten times the allowed rate); the thresholds
    # judge the whole run. [double] 1: with an int first argument, PowerShell picks Math.Min(int, int).
    $summary = Invoke-BoundedRequest -Uri $Uri -Count $Count -ThrottleLimit $ThrottleLimit -Summary `
        -MaxErrorRate ([Math]::Min([double] 1, $MaxErrorRate * 10)) -ErrorRateMinimumCount 100 `
        -ErrorAction SilentlyContinue -ErrorVariable stoppedEarly
    $summary | Out-String | Write-Host
    if ($stoppedEarly) {
        throw $stoppedEarly[0]
    }
    $null = $summary | Assert-RunSummary -MaxErrorRate $MaxErrorRate -MaxP99Ms $MaxP99Ms -MinRequestsPerSecond $MinRequestsPerSecond
    Write-Host "Load check passed: $summary"
    exit 0
}
catch {
    Write-Host "Load check failed: $($_.Exception.Message)"
    exit 1
}
finally {
    if ($server) {
        $server | Stop-TestServer
    }
}
