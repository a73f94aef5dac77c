# Shared by the demo and the benchmark suite.

# The best any client can do against a server that answers after a uniform 0..MaxDelayMs delay, with
# ThrottleLimit requests in flight: Little's law gives the steady rate (limit / mean delay); this
# simulation adds the tail of the last wave to give the best possible run time.
function Get-IdealElapsedSeconds {
    param([long] $Count, [int] $ThrottleLimit, [int] $MaxDelayMs, [int] $Runs = 5)
    $random = [Random]::new(1)
    $total = 0.0
    for ($run = 0; $run -lt $Runs; $run++) {
        $finish = [System.Collections.Generic.PriorityQueue[double, double]]::new()
        $slots = [Math]::Min($Count, $ThrottleLimit)
        for ($i = 0; $i -lt $slots; $i++) {
            $t = $random.Next(0, $MaxDelayMs + 1) / 1000.0
            $finish.Enqueue($t, $t)
        }
        for ($i = $slots; $i -lt $Count; $i++) {
            $now = $finish.Dequeue()
            $t = $now + $random.Next(0, $MaxDelayMs + 1) / 1000.0
            $finish.Enqueue($t, $t)
        }
        $last = 0.0
        while ($finish.Count -gt 0) { $last = $finish.Dequeue() }
        $total += $last
    }
    return $total / $Runs
}

# The pwsh running this script, as a command line for a child process: under `dotnet pwsh` it is dotnet and
# pwsh.dll, otherwise the pwsh executable.
function Get-PwshCommand {
    $process = [Environment]::ProcessPath
    if ((Split-Path $process -Leaf) -match '^dotnet(\.exe)?$') {
        return @($process, (Join-Path $PSHOME 'pwsh.dll'))
    }
    return @($process)
}

# A TCP port on 127.0.0.1 that nothing listens on right now.
function Get-FreePort {
    $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $l.Start(); try { $l.LocalEndpoint.Port } finally { $l.Stop() }
}

# nginx on 127.0.0.1 answering `Hello, World!` (and a small JSON document under /json/, for -Check): plain http on Port, HTTP/2 in clear text on H2cPort, and https with HTTP/1.1 and HTTP/2 on TlsPort,
# with a self-signed certificate made now by openssl (clients skip its check).
function Start-Nginx([string] $WorkDirectory) {
    $port = Get-FreePort
    $tlsPort = Get-FreePort
    $h2cPort = Get-FreePort
    $dir = Join-Path $WorkDirectory 'nginx'
    New-Item -ItemType Directory -Path $dir -Force | Out-Null
    $key = Join-Path $dir 'key.pem'
    $cert = Join-Path $dir 'cert.pem'
    & openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=127.0.0.1 -keyout $key -out $cert 2>&1 | Out-Null
    if ($LASTEXITCODE -ne 0) { throw 'openssl could not make the certificate.' }
    @"
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 20000; }
http {
    access_log off;
    keepalive_requests 100000000;
    server {
        listen 127.0.0.1:$port;
        location / { default_type text/plain; return 200 "Hello, World!"; }
        location /json/ { default_type application/json; return 200 '{"status":"ok","id":42,"name":"Ada","tags":["a","b"],"nested":{"x":null,"flag":true}}'; }
    }
    server {
        listen 127.0.0.1:$h2cPort http2;
        location / { default_type text/plain; return 200 "Hello, World!"; }
    }
    server {
        listen 127.0.0.1:$tlsPort ssl http2;
        ssl_certificate $cert;
        ssl_certificate_key $key;
        location / { default_type text/plain; return 200 "Hello, World!"; }
    }
}
"@ | Set-Content (Join-Path $dir 'nginx.conf')
    & /usr/sbin/nginx -c (Join-Path $dir 'nginx.conf') -p $dir
    if ($LASTEXITCODE -ne 0) { throw 'nginx did not start.' }
    [pscustomobject]@{ Port = $port; TlsPort = $tlsPort; H2cPort = $h2cPort; PidFile = (Join-Path $dir 'nginx.pid'); Config = (Join-Path $dir 'nginx.conf'); Prefix = $dir }
}

# Stops nginx by its own signal: killing the master (Stop-Process sends SIGKILL) leaves its workers behind.
function Stop-Nginx($Nginx) {
    if (-not (Test-Path $Nginx.PidFile)) { return }
    & /usr/sbin/nginx -c $Nginx.Config -p $Nginx.Prefix -s stop 2>&1 | Out-Null
    $deadline = [DateTime]::UtcNow.AddSeconds(10)
    while ((Test-Path $Nginx.PidFile) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
}

# Samples this process's resident memory every few seconds from a thread of its own, while a long run
# holds the pipeline thread. Stop-RssSampler returns the samples (Seconds, RssMB).
function Start-RssSampler([int] $EverySeconds) {
    $samples = [System.Collections.Concurrent.ConcurrentQueue[object]]::new()
    $state = [hashtable]::Synchronized(@{ Running = $true })
    $job = Start-ThreadJob -ArgumentList $samples, $state, $EverySeconds -ScriptBlock {
        param($Samples, $State, $Every)
        $clock = [Diagnostics.Stopwatch]::StartNew()
        while ($State.Running) {
            $p = [Diagnostics.Process]::GetCurrentProcess()
            $Samples.Enqueue([pscustomobject]@{ Seconds = [Math]::Round($clock.Elapsed.TotalSeconds); RssMB = [Math]::Round($p.WorkingSet64 / 1MB) })
            Start-Sleep -Seconds $Every
        }
    }
    [pscustomobject]@{ Samples = $samples; State = $state; Job = $job }
}

function Stop-RssSampler($Sampler) {
    $Sampler.State.Running = $false
    $Sampler.Job | Wait-Job -Timeout 30 | Remove-Job -Force
    @($Sampler.Samples)
}
