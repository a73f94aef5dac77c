<#
.SYNOPSIS
    The seed's headline: 10^8 requests in one Invoke-BoundedRequest -Summary run against nginx on
    127.0.0.1, with the process's RSS sampled every 10 s. Writes bench/HUNDRED-MILLION.md.
    Takes about half an hour of both cores here. Run after a build: dotnet pwsh ./bench/HundredMillion.ps1
    With -Https the run goes to nginx's https port (its self-signed certificate is not checked) and the
    record is bench/HUNDRED-MILLION-HTTPS.md.
#>
param([string] $ModulePath = (Join-Path $PSScriptRoot '../output/LoadTest'), [long] $Count = 100000000, [int] $ThrottleLimit = 64, [int] $SampleSeconds = 10, [switch] $Https)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
Import-Module $ModulePath
$work = Join-Path ([IO.Path]::GetTempPath()) "loadtest-1e8-$PID"
New-Item -ItemType Directory -Path $work -Force | Out-Null
$nginx = Start-Nginx $work
$sampler = Start-RssSampler $SampleSeconds
$self = [Diagnostics.Process]::GetCurrentProcess()
$cpu = $self.TotalProcessorTime
try {
    # The failures go down the pipeline and are dropped; the summary comes by -SummaryVariable.
    $target = if ($Https) { "https://127.0.0.1:$($nginx.TlsPort)/item/{0}" } else { "http://127.0.0.1:$($nginx.Port)/item/{0}" }
    Invoke-BoundedRequest -Uri $target -Count $Count -ThrottleLimit $ThrottleLimit -Summary -Output Failed -SummaryVariable summary -SkipCertificateCheck:$Https 3>$null 6>$null |
        Out-Null
}
finally {
    $samples = Stop-RssSampler $sampler
    Stop-Nginx $nginx
}
$self.Refresh()
$rss = @($samples | ForEach-Object RssMB)
$tenth = [Math]::Max(1, [int]($rss.Count / 10))
$lines = @(
    "# $(if ($Count -eq 100000000) { '10^8' } else { '{0:N0}' -f $Count }) requests in one run$(if ($Https) { ', over https' })"
    ''
    "Run started $($summary.StartTime.ToUniversalTime().ToString('yyyy-MM-dd HH:mm')) UTC: ``Invoke-BoundedRequest -Count $('{0:N0}' -f $Count) -ThrottleLimit $ThrottleLimit -Summary -Output Failed$(if ($Https) { ' -SkipCertificateCheck' })`` against nginx on $target (both on this machine's $([Environment]::ProcessorCount) cores$(if ($env:DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS -eq '1') { ', DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1' }))."
    ''
    '| measure | value |'
    '|---|---:|'
    "| requests / succeeded / failed | $('{0:N0}' -f $summary.Count) / $('{0:N0}' -f $summary.Succeeded) / $('{0:N0}' -f $summary.Failed) |"
    "| elapsed | $([TimeSpan]::FromSeconds($summary.ElapsedSeconds).ToString('hh\:mm\:ss')) |"
    "| rate | $('{0:N0}' -f $summary.RequestsPerSecond) req/s |"
    "| CPU per request | $('{0:N1}' -f (($self.TotalProcessorTime - $cpu).TotalMilliseconds * 1000 / $summary.Count)) us |"
    "| latency P50 / P99 / P99.9 / max | $('{0:N3}' -f $summary.P50Ms) / $('{0:N3}' -f $summary.P99Ms) / $('{0:N3}' -f $summary.P999Ms) / $('{0:N3}' -f $summary.MaxMs) ms |"
    "| RSS: first tenth of the run (max) / last tenth (max) / whole run (max) | $(($rss | Select-Object -First $tenth | Measure-Object -Maximum).Maximum) / $(($rss | Select-Object -Last $tenth | Measure-Object -Maximum).Maximum) / $(($rss | Measure-Object -Maximum).Maximum) MB |"
    ''
    "RSS every $SampleSeconds s (MB): $($rss -join ', ')"
)
$lines | Set-Content (Join-Path $PSScriptRoot $(if ($Https) { 'HUNDRED-MILLION-HTTPS.md' } else { 'HUNDRED-MILLION.md' }))
$lines | Write-Host
Remove-Item $work -Recurse -Force -ErrorAction Ignore
