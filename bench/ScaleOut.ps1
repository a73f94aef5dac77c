<#
.SYNOPSIS
    Scale-out bench: 1, 2 and 3 LoadTest workers (separate pwsh processes) against nginx at once, each on
    its own index range, their summaries merged with Merge-RunSummary. Writes bench/SCALEOUT.md.
    Run after a build: dotnet pwsh ./bench/ScaleOut.ps1
#>
param([string] $ModulePath = (Join-Path $PSScriptRoot '../output/LoadTest'), [long] $CountPerWorker = 100000, [int] $ThrottleLimit = 64)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$module = (Resolve-Path $ModulePath).Path
Import-Module $module
$work = Join-Path ([IO.Path]::GetTempPath()) "loadtest-scaleout-$PID"
New-Item -ItemType Directory -Path $work -Force | Out-Null
$pwsh = @(Get-PwshCommand)
$nginx = Start-Nginx $work
$rows = foreach ($workers in 1, 2, 3) {
    try {
        $processes = foreach ($w in 0..($workers - 1)) {
            $arguments = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'LoadTestClient.ps1'),
                '-Module', $module, '-Url', "http://127.0.0.1:$($nginx.Port)/w/{0}", '-Count', $CountPerWorker, '-ThrottleLimit', $ThrottleLimit,
                '-Mode', 'Summary', '-SummaryPath', (Join-Path $work "worker-$workers-$w.xml"))
            Start-Process -FilePath $pwsh[0] -ArgumentList $arguments -PassThru -RedirectStandardOutput (Join-Path $work "worker-$workers-$w.out")
        }
        $processes | ForEach-Object { $_.WaitForExit() }
        $merged = 0..($workers - 1) | ForEach-Object { Import-Clixml (Join-Path $work "worker-$workers-$_.xml") } | Merge-RunSummary
        [pscustomobject]@{ Workers = $workers; Requests = $merged.Count; Failed = $merged.Failed; Seconds = $merged.ElapsedSeconds; RequestsPerSecond = $merged.RequestsPerSecond; P99Ms = $merged.P99Ms }
    }
    catch { throw }
}
Stop-Nginx $nginx
$lines = @(
    '# Scale-out: workers merged'
    ''
    "Run $((Get-Date).ToUniversalTime().ToString('yyyy-MM-dd HH:mm')) UTC: 1, 2 and 3 pwsh processes at once, each $('{0:N0}' -f $CountPerWorker) requests at ThrottleLimit $ThrottleLimit against nginx on 127.0.0.1, summaries merged with Merge-RunSummary (rate = all requests over the span from the first start to the last end). All share this machine's $([Environment]::ProcessorCount) cores with nginx, so more workers here add contention, not capacity: the point is that the merge is exact and cheap; on separate machines the rate adds up."
    ''
    '| workers | requests | failed | seconds | merged req/s | merged P99 ms |'
    '|---:|---:|---:|---:|---:|---:|'
) + ($rows | ForEach-Object { '| {0} | {1:N0} | {2:N0} | {3:N1} | {4:N0} | {5:N3} |' -f $_.Workers, $_.Requests, $_.Failed, $_.Seconds, $_.RequestsPerSecond, $_.P99Ms })
$lines | Set-Content (Join-Path $PSScriptRoot 'SCALEOUT.md')
$lines | Write-Host
Remove-Item $work -Recurse -Force -ErrorAction Ignore
