<#
.SYNOPSIS
    Fan-out bench: Invoke-BoundedRequest -Session over 1, 2, 4 and 8 SSH sessions to this machine (separate pwsh
    processes, an sshd this script starts) against nginx, as one run. Writes bench/SCALEOUT.md.
    Run after a build: dotnet pwsh ./bench/ScaleOut.ps1   (Linux, root: it runs sshd, nginx and kill.)

    1. Closed model: -Count shared out over n sessions at -ThrottleLimit 64 each, next to the same count run here
       without remoting: merged req/s and P99, and the call's wall time.
    2. One rate over 8 sessions: -RequestsPerSecond and -Duration for the whole run; the merged Sent against
       nginx's access log (the ground truth), the rate's error, how far apart the shares started.
    3. One of 8 sessions killed (SIGKILL) mid-run: the merged Sent against the access log, Unreported, Dropped.
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../output/LoadTest'),
    [long] $CountPerSession = 50000,
    [int] $ThrottleLimit = 64,
    [double] $Rate = 4000,
    [int] $Seconds = 15
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$module = (Resolve-Path $ModulePath).Path
Import-Module $module
$work = Join-Path ([IO.Path]::GetTempPath()) "loadtest-scaleout-$PID"
New-Item -ItemType Directory -Path $work -Force | Out-Null

# nginx with two servers: one that logs nothing (throughput), one whose access log (unbuffered) counts every request received.
$nginxDir = Join-Path $work 'nginx'
New-Item -ItemType Directory $nginxDir | Out-Null
$fast = Get-FreePort
$logged = Get-FreePort
$accessLog = Join-Path $nginxDir 'access.log'
@"
worker_processes auto;
pid $nginxDir/nginx.pid;
error_log $nginxDir/error.log;
events { worker_connections 20000; }
http {
    keepalive_requests 100000000;
    server { listen 127.0.0.1:$fast; access_log off; location / { default_type text/plain; return 200 "Hello, World!"; } }
    server { listen 127.0.0.1:$logged; access_log $accessLog; location / { default_type text/plain; return 200 "Hello, World!"; } }
}
"@ | Set-Content (Join-Path $nginxDir 'nginx.conf')
& /usr/sbin/nginx -c (Join-Path $nginxDir 'nginx.conf') -p $nginxDir
if ($LASTEXITCODE -ne 0) { throw 'nginx did not start.' }
function Get-LoggedRequests { if (Test-Path $accessLog) { [IO.File]::ReadAllLines($accessLog).Count } else { 0 } }

# sshd on loopback serving the powershell subsystem, as tests/Invoke-BoundedRequest.Remoting.Tests.ps1 does.
$sshDir = Join-Path $work 'ssh'
New-Item -ItemType Directory $sshDir | Out-Null
& ssh-keygen -q -t ed25519 -N '' -f (Join-Path $sshDir 'host_key')
& ssh-keygen -q -t ed25519 -N '' -f (Join-Path $sshDir 'client_key')
Copy-Item (Join-Path $sshDir 'client_key.pub') (Join-Path $sshDir 'authorized_keys')
chmod 600 (Join-Path $sshDir 'authorized_keys') (Join-Path $sshDir 'client_key') (Join-Path $sshDir 'host_key')
$sshPort = Get-FreePort
@(
    "Port $sshPort", 'ListenAddress 127.0.0.1', "HostKey $sshDir/host_key", "PidFile $sshDir/sshd.pid", "AuthorizedKeysFile $sshDir/authorized_keys",
    'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'PermitRootLogin prohibit-password', 'UsePAM no', 'StrictModes no',
    "Subsystem powershell $((Get-PwshCommand) -join ' ') -sshs -NoLogo -NoProfile", 'MaxSessions 32', 'MaxStartups 32'
) | Set-Content (Join-Path $sshDir 'sshd_config')
New-Item -ItemType Directory /run/sshd -Force | Out-Null
& /usr/sbin/sshd -f (Join-Path $sshDir 'sshd_config') -E (Join-Path $sshDir 'sshd.log')
$deadline = [DateTime]::UtcNow.AddSeconds(20)
while (-not (Test-Path "$sshDir/sshd.pid") -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
$sshdPid = [int](Get-Content "$sshDir/sshd.pid")
$sshOptions = @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR' }
function New-LoopbackSession { New-PSSession -HostName 127.0.0.1 -Port $sshPort -UserName root -KeyFilePath "$sshDir/client_key" -Options $sshOptions }

try {
    $sessions = @(1..8 | ForEach-Object { New-LoopbackSession })
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $null = Invoke-BoundedRequest -Session $sessions -Uri "http://127.0.0.1:$fast/warm/{0}" -Count 80 -RemoteModule $module
    $coldSeconds = $clock.Elapsed.TotalSeconds

    # 1. Closed model, shared out over more and more sessions.
    $clock.Restart()
    $local = Invoke-BoundedRequest -Uri "http://127.0.0.1:$fast/local/{0}" -Count ($CountPerSession * 8) -ThrottleLimit $ThrottleLimit -Summary
    $localWall = $clock.Elapsed.TotalSeconds
    $scaling = foreach ($n in 1, 2, 4, 8) {
        $clock.Restart()
        $merged = Invoke-BoundedRequest -Session $sessions[0..($n - 1)] -Uri "http://127.0.0.1:$fast/closed/{0}" -Count ($CountPerSession * 8) -ThrottleLimit $ThrottleLimit
        [pscustomobject]@{ Sessions = $n; Requests = $merged.Count; Failed = $merged.Failed; Wall = $clock.Elapsed.TotalSeconds; Seconds = $merged.ElapsedSeconds; Rate = $merged.RequestsPerSecond; P99 = $merged.P99Ms }
    }

    # 2. One rate for the whole run over 8 sessions, against nginx's access log.
    $before = Get-LoggedRequests
    $clock.Restart()
    $verbose = $null
    $held = Invoke-BoundedRequest -Session $sessions -Uri "http://127.0.0.1:$logged/rate/{0}" -RequestsPerSecond $Rate -Duration $Seconds -ThrottleLimit $ThrottleLimit -Verbose 4>&1 |
        ForEach-Object { if ($_ -is [System.Management.Automation.VerboseRecord]) { $verbose += @($_.Message) } else { $_ } }
    $heldWall = $clock.Elapsed.TotalSeconds
    Start-Sleep -Seconds 1
    $heldLogged = (Get-LoggedRequests) - $before
    $spread = ($verbose | Where-Object { $_ -like '*started within*' }) -replace '^.*within (\d+) ms.*$', '$1'

    # 3. One of 8 sessions killed mid-run.
    $victim = $sessions[3]
    $victimPid = Invoke-Command -Session $victim { $PID }
    $before = Get-LoggedRequests
    # Killed 40 % into the run (after the preflight and the common start, about a second): a bench may wait by the clock.
    $killer = Start-ThreadJob { param($After, $Id) Start-Sleep -Seconds $After; Stop-Process -Id $Id -Force } -ArgumentList (1 + $Seconds * 0.4), $victimPid
    $clock.Restart()
    $lost = Invoke-BoundedRequest -Session $sessions -Uri "http://127.0.0.1:$logged/kill/{0}" -RequestsPerSecond $Rate -Duration $Seconds -ThrottleLimit $ThrottleLimit -ErrorAction SilentlyContinue
    $lostWall = $clock.Elapsed.TotalSeconds
    $killer | Wait-Job -Timeout 60 | Remove-Job -Force
    Start-Sleep -Seconds 1
    $lostLogged = (Get-LoggedRequests) - $before
}
finally {
    $sessions | Remove-PSSession -ErrorAction Ignore
    Stop-Process -Id $sshdPid -Force -ErrorAction Ignore
    & /usr/sbin/nginx -c (Join-Path $nginxDir 'nginx.conf') -p $nginxDir -s stop 2>&1 | Out-Null
}

$planned = [long]($Rate * $Seconds)
$lines = @(
    '# Scale-out: one run over sessions'
    ''
    "Run $((Get-Date).ToUniversalTime().ToString('yyyy-MM-dd HH:mm')) UTC by bench/ScaleOut.ps1: Invoke-BoundedRequest -Session over SSH sessions to this machine (each a pwsh process of its own, served by an sshd the script starts) against nginx on 127.0.0.1. All of it shares this machine's $([Environment]::ProcessorCount) cores (and other work on it), so more sessions here add contention, not capacity: the point is that the fleet is one run (its shares add up to the plan, its rate is one rate, a lost session is accounted for) and what it costs; on separate machines the rate adds up."
    ''
    "## 1. The same $('{0:N0}' -f ($CountPerSession * 8)) requests, closed model, ThrottleLimit $ThrottleLimit per session"
    ''
    '| where | requests | failed | call wall s | run s | merged req/s | merged P99 ms |'
    '|---|---:|---:|---:|---:|---:|---:|'
    ('| here, no remoting | {0:N0} | {1:N0} | {2:N1} | {3:N1} | {4:N0} | {5:N3} |' -f $local.Count, $local.Failed, $localWall, $local.ElapsedSeconds, $local.RequestsPerSecond, $local.P99Ms)
) + ($scaling | ForEach-Object { '| {0} session{6} | {1:N0} | {2:N0} | {3:N1} | {4:N1} | {5:N0} | {7:N3} |' -f $_.Sessions, $_.Requests, $_.Failed, $_.Wall, $_.Seconds, $_.Rate, $(if ($_.Sessions -gt 1) { 's' }), $_.P99 }) + @(
    ''
    "The call's wall time beyond the run is the preflight (each session says its module version), the common start a moment ahead ($(250 + 50 * 8) ms for 8 sessions) and the last report. The first call on fresh sessions, which import the module, took $('{0:N1}' -f $coldSeconds) s."
    ''
    "## 2. One rate for the whole run: $Rate req/s for $Seconds s over 8 sessions"
    ''
    '| planned | sent (merged) | nginx access log | dropped | late | merged req/s | rate error | shares started within | P99 ms | call wall s |'
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
    ('| {0:N0} | {1:N0} | {2:N0} | {3:N0} | {4:N0} | {5:N1} | {6:N2} % | {7} ms | {8:N3} | {9:N1} |' -f $held.Planned, $held.Sent, $heldLogged, $held.Dropped, $held.Late, $held.RequestsPerSecond, (100 * ($held.RequestsPerSecond - $Rate) / $Rate), $spread, $held.P99Ms, $heldWall)
    ''
    "Planned is the whole run's ($planned = $Rate x $Seconds), TargetRequestsPerSecond $($held.TargetRequestsPerSecond); each session took every eighth request of the one schedule."
    ''
    "## 3. One of 8 sessions killed (SIGKILL) about $('{0:N0}' -f ($Seconds * 0.4)) s into the run"
    ''
    '| planned | sent (merged) | nginx access log | unseen (log - sent) | Unreported (bound) | dropped | sent + dropped | call wall s |'
    '|---:|---:|---:|---:|---:|---:|---:|---:|'
    ('| {0:N0} | {1:N0} | {2:N0} | {3:N0} | {4:N0} | {5:N0} | {6:N0} | {7:N1} |' -f $lost.Planned, $lost.Sent, $lostLogged, ($lostLogged - $lost.Sent), $lost.Unreported, $lost.Dropped, ($lost.Sent + $lost.Dropped), $lostWall)
    ''
    "StopReason: $($lost.StopReason)"
)
$lines | Set-Content (Join-Path $PSScriptRoot 'SCALEOUT.md')
$lines | Write-Host
Remove-Item $work -Recurse -Force -ErrorAction Ignore
