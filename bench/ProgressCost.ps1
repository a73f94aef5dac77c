# The progress bar's cost: runs with progress on and off in turn inside one pwsh (each in a runspace, whose
# Progress stream takes the records), so that no process start or JIT warm-up falls on one side only.
# Prints one JSON line per run.
param([string] $Module, [string] $Url, [long] $Count, [int] $ThrottleLimit = 64, [int] $Rounds = 8)
$ErrorActionPreference = 'Stop'
$self = [Diagnostics.Process]::GetCurrentProcess()

function Invoke-Run([bool] $Progress) {
    $ps = [PowerShell]::Create()
    try {
        $null = $ps.AddCommand('Import-Module').AddArgument($Module).Invoke()
        $ps.Commands.Clear()
        $preference = if ($Progress) { 'Continue' } else { 'SilentlyContinue' }
        $null = $ps.AddScript("`$ProgressPreference = '$preference'").AddStatement().
            AddCommand('Invoke-BoundedRequest').AddParameter('Uri', $Url).AddParameter('Count', $Count).
            AddParameter('ThrottleLimit', $ThrottleLimit).AddParameter('Summary')
        $self.Refresh()
        $cpu = $self.TotalProcessorTime
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $summary = $ps.Invoke()[0]
        $clock.Stop()
        $self.Refresh()
        [ordered]@{
            progress = $Progress; count = $Count; ok = $summary.Succeeded; seconds = $clock.Elapsed.TotalSeconds
            cpuSeconds = ($self.TotalProcessorTime - $cpu).TotalSeconds; progressRecords = $ps.Streams.Progress.Count
            peakRssMB = $self.PeakWorkingSet64 / 1MB
        }
    }
    finally {
        $ps.Dispose()
    }
}

$null = Invoke-Run $false
foreach ($round in 1..$Rounds) {
    # Every other round starts with progress off, so that neither side always runs first.
    $order = if ($round % 2) { $true, $false } else { $false, $true }
    foreach ($progress in $order) {
        $run = Invoke-Run $progress
        $run.round = $round
        $run | ConvertTo-Json -Compress
    }
}
