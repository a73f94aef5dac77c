# One run in this process, after a warm-up of 2000: rate, process CPU and GC-allocated bytes per request, GC counts.
# Used for profiles (perf record around it) and for CPU per request without the pwsh start; see bench/NOTES.md.
param([Parameter(Mandatory)] [string]$Module, [string]$Uri, [long]$Count=300000)
Import-Module $Module
$null = Invoke-BoundedRequest -Uri $Uri -Count 2000 -ThrottleLimit 64 -SkipCertificateCheck -Summary
[GC]::Collect()
$a0 = [GC]::GetTotalAllocatedBytes($true)
$p = [Diagnostics.Process]::GetCurrentProcess(); $c0 = $p.TotalProcessorTime
$sw = [Diagnostics.Stopwatch]::StartNew()
$s = Invoke-BoundedRequest -Uri $Uri -Count $Count -ThrottleLimit 64 -SkipCertificateCheck -Summary
$sw.Stop(); $p.Refresh(); $c1 = $p.TotalProcessorTime
$a1 = [GC]::GetTotalAllocatedBytes($true)
"{0} n={1} ok={2} req/s={3:N0} cpu_us/req={4:N2} alloc_B/req={5:N1} gen0={6} gen2={7}" -f $Uri, $Count, $s.Succeeded, ($Count/$sw.Elapsed.TotalSeconds), (($c1-$c0).TotalMilliseconds*1000/$Count), (($a1-$a0)/$Count), [GC]::CollectionCount(0), [GC]::CollectionCount(2)
