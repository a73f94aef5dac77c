# The Prometheus endpoint's cost: runs with -MetricsPort (scraped every second, as a Prometheus at a 1 s interval
# would) and without, in turn inside one pwsh, so that no process start or JIT warm-up falls on one side only.
# Each run's rate is its summary's (the run itself: the wait for a final scrape after it is not counted); its CPU
# is the process's over the whole command, scraper included. Prints one JSON line per run.
param([string] $Module, [string] $Url, [long] $Count, [int] $ThrottleLimit = 64, [int] $Rounds = 3, [int] $Port = 19464)
$ErrorActionPreference = 'Stop'
$self = [Diagnostics.Process]::GetCurrentProcess()

# A scraper on a thread of its own: GET /metrics every second, until stopped.
$scraper = {
    param($Port, $Stop, $Counter)
    $client = [System.Net.Http.HttpClient]::new()
    while (-not $Stop.WaitOne(1000)) {
        try { $null = $client.GetStringAsync("http://127.0.0.1:$Port/metrics").GetAwaiter().GetResult(); $Counter.Value++ } catch { }
    }
    $client.Dispose()
}

function Invoke-Run([bool] $Metrics) {
    $ps = [PowerShell]::Create()
    $stop = [System.Threading.ManualResetEvent]::new($false)
    $scrapes = [ref]0
    $scrapeShell = $null
    try {
        $null = $ps.AddCommand('Import-Module').AddArgument($Module).Invoke()
        $ps.Commands.Clear()
        $null = $ps.AddCommand('Invoke-BoundedRequest').AddParameter('Uri', $Url).AddParameter('Count', $Count).
            AddParameter('ThrottleLimit', $ThrottleLimit).AddParameter('Summary')
        if ($Metrics) {
            $null = $ps.AddParameter('MetricsPort', $Port)
            $scrapeShell = [PowerShell]::Create().AddScript($scraper).AddArgument($Port).AddArgument($stop).AddArgument($scrapes)
            $null = $scrapeShell.BeginInvoke()
        }
        $self.Refresh()
        $cpu = $self.TotalProcessorTime
        $summary = $ps.Invoke()[0]
        $self.Refresh()
        [ordered]@{
            metrics = $Metrics; count = $summary.Count; ok = $summary.Succeeded; seconds = $summary.ElapsedSeconds
            cpuSeconds = ($self.TotalProcessorTime - $cpu).TotalSeconds; scrapes = $scrapes.Value
            peakRssMB = $self.PeakWorkingSet64 / 1MB
        }
    }
    finally {
        $null = $stop.Set()
        if ($scrapeShell) { $scrapeShell.Stop(); $scrapeShell.Dispose() }
        $stop.Dispose()
        $ps.Dispose()
    }
}

$null = Invoke-Run $false
foreach ($round in 1..$Rounds) {
    # Every other round starts with the endpoint off, so that neither side always runs first.
    $order = if ($round % 2) { $true, $false } else { $false, $true }
    foreach ($metrics in $order) {
        $run = Invoke-Run $metrics
        $run.round = $round
        $run | ConvertTo-Json -Compress
    }
}
