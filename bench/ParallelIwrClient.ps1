# The PowerShell way today: ForEach-Object -Parallel with Invoke-WebRequest; prints one JSON line.
param([string] $Url, [long] $Count, [int] $ThrottleLimit)
$self = [Diagnostics.Process]::GetCurrentProcess()
$cpu = $self.TotalProcessorTime
$clock = [Diagnostics.Stopwatch]::StartNew()
$ok = (1..$Count | ForEach-Object -ThrottleLimit $ThrottleLimit -Parallel {
        (Invoke-WebRequest -Uri ($using:Url -f $_) -NoProxy).StatusCode
    } | Where-Object { $_ -eq 200 }).Count
$clock.Stop()
$self.Refresh()
[ordered]@{ count = $Count; ok = $ok; seconds = $clock.Elapsed.TotalSeconds; cpuSeconds = ($self.TotalProcessorTime - $cpu).TotalSeconds } |
    ConvertTo-Json -Compress
