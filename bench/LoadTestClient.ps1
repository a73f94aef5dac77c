# One LoadTest contender run for the benchmark suite; prints one JSON line.
param(
    [string] $Module,
    [string] $Url,
    [long] $Count,
    [int] $ThrottleLimit,
    [ValidateSet('Summary', 'Measure', 'ProgressOn', 'ProgressOff')] [string] $Mode = 'Summary',
    # With -Mode Summary: also save the summary here (Export-Clixml), for merging.
    [string] $SummaryPath,
    # For https against the bench's self-signed nginx, and HTTP/2.
    [switch] $SkipCertificateCheck,
    [string] $HttpVersion = '1.1',
    [string] $Transport = 'Auto'
)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$self = [Diagnostics.Process]::GetCurrentProcess()
if ($Mode -like 'Progress*') {
    # Progress needs a host that takes it: a runspace's Progress stream does, where a redirected console would not.
    $ps = [PowerShell]::Create()
    $null = $ps.AddCommand('Import-Module').AddArgument($Module).Invoke()
    $ps.Commands.Clear()
    $preference = if ($Mode -eq 'ProgressOn') { 'Continue' } else { 'SilentlyContinue' }
    $null = $ps.AddScript("`$ProgressPreference = '$preference'").AddStatement().
        AddCommand('Invoke-BoundedRequest').AddParameter('Uri', $Url).AddParameter('Count', $Count).
        AddParameter('ThrottleLimit', $ThrottleLimit).AddParameter('Summary')
}
$cpu = $self.TotalProcessorTime
$clock = [Diagnostics.Stopwatch]::StartNew()
switch ($Mode) {
    'Summary' {
        $summary = Invoke-BoundedRequest -Uri $Url -Count $Count -ThrottleLimit $ThrottleLimit -Summary -SkipCertificateCheck:$SkipCertificateCheck -HttpVersion $HttpVersion -Transport $Transport 3>$null
        $ok = $summary.Succeeded
        if ($SummaryPath) { $summary | Export-Clixml $SummaryPath }
    }
    'Measure' { $ok = (Invoke-BoundedRequest -Uri $Url -Count $Count -ThrottleLimit $ThrottleLimit | Measure-Object -Property ElapsedMs -Average).Count }
    default { $ok = $ps.Invoke()[0].Succeeded; $progress = $ps.Streams.Progress.Count }
}
$clock.Stop()
$self.Refresh()
[ordered]@{
    count = $Count; ok = $ok; seconds = $clock.Elapsed.TotalSeconds
    cpuSeconds = ($self.TotalProcessorTime - $cpu).TotalSeconds
    progressRecords = if ($Mode -like 'Progress*') { $progress } else { $null }
} | ConvertTo-Json -Compress
