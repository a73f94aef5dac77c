<#
.SYNOPSIS
    Soak: a million requests against a test server that injects a 1 % fault mix, checking that the count
    is exact and that memory stays flat. Writes bench/SOAK.md. Run: dotnet pwsh ./bench/Soak.ps1
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../output/LoadTest'),
    [long] $Count = 1000000,
    [int] $ThrottleLimit = 64,
    [double] $FaultPercent = 1,
    [int] $SampleSeconds = 5
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
Import-Module $ModulePath
$server = Start-TestServer -FaultPercent $FaultPercent -FaultKind Status503, Drop, Reset
$self = [Diagnostics.Process]::GetCurrentProcess()
$sampler = Start-RssSampler $SampleSeconds
try {
    # With -Output Failed the pipeline carries only the failures; the summary comes by -SummaryVariable.
    $failedSeen = 0
    Invoke-BoundedRequest -Uri "$($server.Uri)soak/{0}" -Count $Count -ThrottleLimit $ThrottleLimit -Summary -Output Failed -SummaryVariable summary 6>$null |
        ForEach-Object { $failedSeen++ }
    $received = $server.ReceivedCount
    $faults = $server.FaultCount
}
finally {
    $samples = Stop-RssSampler $sampler
    $server | Stop-TestServer
}
$self.Refresh()
# Every request on the wire is an attempt: the server's count equals the results plus their retries and replays.
$attempts = $summary.Count + $summary.Retries
$exact = $summary.Count -eq $Count -and $failedSeen -eq $summary.Failed -and $received -eq $attempts
$rss = @($samples | ForEach-Object RssMB)
$half = [int][Math]::Floor($rss.Count / 2)
$firstHalfPeak = ($rss | Select-Object -First ([Math]::Max(1, $half)) | Measure-Object -Maximum).Maximum
$secondHalfPeak = ($rss | Select-Object -Skip $half | Measure-Object -Maximum).Maximum
$lines = @(
    '# Soak'
    ''
    "Run $((Get-Date).ToUniversalTime().ToString('yyyy-MM-dd HH:mm')) UTC: $('{0:N0}' -f $Count) requests, ThrottleLimit $ThrottleLimit, a test server in the same process injecting $FaultPercent % faults (503, dropped and reset connections), summary plus the failed results streamed."
    ''
    '| measure | value |'
    '|---|---:|'
    "| results (summary Count) | $('{0:N0}' -f $summary.Count) |"
    "| failed results streamed / summary Failed | $('{0:N0}' -f $failedSeen) / $('{0:N0}' -f $summary.Failed) |"
    "| requests the server received / attempts counted (Count + Retries) | $('{0:N0}' -f $received) / $('{0:N0}' -f $attempts) |"
    "| connections dropped or reset on purpose / failed requests / replays and retries counted | $('{0:N0}' -f $faults) / $('{0:N0}' -f $summary.Failed) / $('{0:N0}' -f $summary.Retries) |"
    "| count exact | $exact |"
    "| error kinds | $(($summary.ErrorKindCounts.GetEnumerator() | ForEach-Object { "$($_.Key) $($_.Value)" }) -join ', ') |"
    "| elapsed | $('{0:N1}' -f $summary.ElapsedSeconds) s ($('{0:N0}' -f $summary.RequestsPerSecond) req/s) |"
    "| peak RSS, first half / second half of the run | $firstHalfPeak MB / $secondHalfPeak MB |"
    "| peak RSS of the process (VmHWM) | $([Math]::Round($self.PeakWorkingSet64 / 1MB)) MB |"
    ''
    "RSS every $SampleSeconds s (MB): $($rss -join ', ')"
)
$lines | Set-Content (Join-Path $PSScriptRoot 'SOAK.md')
$lines | Write-Host
if (-not $exact) { exit 1 }
