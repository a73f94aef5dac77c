<#
.SYNOPSIS
    What -Check costs: runs without checks, with a status check and with a JSON check in turn inside one pwsh,
    against the same JSON answer of nginx, 64 in flight; prints one JSON line per run.
.DESCRIPTION
    The runs of a round follow each other in one process (each in a runspace of its own), rotating which goes
    first, so that no process start, JIT warm-up or slow minute of the machine falls on one side only. Without
    -Url it starts the bench's nginx itself (bench/BenchCommon.ps1) and stops it at the end. Invoke-Benchmark.ps1
    reads the lines into the rows CheckNone, CheckStatus and CheckJson.
#>
param([string] $Module = (Join-Path $PSScriptRoot '../output/LoadTest/LoadTest.psd1'), [string] $Url, [long] $Count = 1000000, [int] $ThrottleLimit = 64, [int] $Rounds = 3)
$ErrorActionPreference = 'Stop'
$self = [Diagnostics.Process]::GetCurrentProcess()
$contenders = [ordered]@{
    none   = $null
    status = @{ StatusCode = 200 }
    json   = @{ Json = @{ '/status' = 'ok' } }
}

function Invoke-Run([string] $Name, [long] $Requests = $Count) {
    $ps = [PowerShell]::Create()
    try {
        $null = $ps.AddCommand('Import-Module').AddArgument($Module).Invoke()
        $ps.Commands.Clear()
        $null = $ps.AddCommand('Invoke-BoundedRequest').AddParameter('Uri', $Url).AddParameter('Count', $Requests).
            AddParameter('ThrottleLimit', $ThrottleLimit).AddParameter('Summary')
        if ($contenders[$Name]) { $null = $ps.AddParameter('Check', $contenders[$Name]) }
        $self.Refresh()
        $cpu = $self.TotalProcessorTime
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $summary = $ps.Invoke()[0]
        $clock.Stop()
        $self.Refresh()
        [ordered]@{
            check = $Name; count = $Requests; ok = $summary.Succeeded; seconds = $clock.Elapsed.TotalSeconds
            cpuSeconds = ($self.TotalProcessorTime - $cpu).TotalSeconds; peakRssMB = $self.PeakWorkingSet64 / 1MB
            checksPassed = ($summary.Checks | Measure-Object -Property Passed -Sum).Sum
        }
    }
    finally {
        $ps.Dispose()
    }
}

$nginx = $null
if (-not $Url) {
    . (Join-Path $PSScriptRoot 'BenchCommon.ps1')
    $work = Join-Path ([IO.Path]::GetTempPath()) "loadtest-checkcost-$PID"
    $nginx = Start-Nginx $work
    $Url = "http://127.0.0.1:$($nginx.Port)/json/{0}"
}
try {
    # A warm-up of each, not reported: the first run of a process pays for the JIT.
    foreach ($name in $contenders.Keys) { $null = Invoke-Run $name ([Math]::Max(1000, [long]($Count / 10))) }
    $names = @($contenders.Keys)
    foreach ($round in 1..$Rounds) {
        # Each round starts with the next contender, so that none always runs first.
        foreach ($i in 0..($names.Count - 1)) {
            $run = Invoke-Run $names[($round - 1 + $i) % $names.Count]
            $run.round = $round
            $run | ConvertTo-Json -Compress
        }
    }
}
finally {
    if ($nginx) { Stop-Nginx $nginx; Remove-Item $work -Recurse -Force -ErrorAction Ignore }
}
