# One LoadTest contender run for the benchmark suite; prints one JSON line.
param(
    [string] $Module,
    [string] $Url,
    [long] $Count,
    [int] $ThrottleLimit,
    [ValidateSet('Summary', 'Measure')] [string] $Mode = 'Summary',
    # With -Mode Summary: also save the summary here (Export-Clixml), for merging.
    [string] $SummaryPath,
    # For https against the bench's self-signed nginx, and HTTP/2.
    [switch] $SkipCertificateCheck,
    [string] $HttpVersion = '1.1',
    [string] $Transport = 'Auto',
    # Auto, Loop or DotNet; passed on only when not Auto, so that builds without -SocketEngine still run.
    [string] $SocketEngine = 'Auto'
)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$self = [Diagnostics.Process]::GetCurrentProcess()
$cpu = $self.TotalProcessorTime
$clock = [Diagnostics.Stopwatch]::StartNew()
switch ($Mode) {
    'Summary' {
        $engine = if ($SocketEngine -ne 'Auto') { @{ SocketEngine = $SocketEngine } } else { @{} }
        $summary = Invoke-BoundedRequest -Uri $Url -Count $Count -ThrottleLimit $ThrottleLimit -Summary -SkipCertificateCheck:$SkipCertificateCheck -HttpVersion $HttpVersion -Transport $Transport @engine 3>$null
        $ok = $summary.Succeeded
        if ($SummaryPath) { $summary | Export-Clixml $SummaryPath }
    }
    'Measure' { $ok = (Invoke-BoundedRequest -Uri $Url -Count $Count -ThrottleLimit $ThrottleLimit | Measure-Object -Property ElapsedMs -Average).Count }
}
$clock.Stop()
$self.Refresh()
[ordered]@{
    count = $Count; ok = $ok; seconds = $clock.Elapsed.TotalSeconds
    cpuSeconds = ($self.TotalProcessorTime - $cpu).TotalSeconds
} | ConvertTo-Json -Compress
