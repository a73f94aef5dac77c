# Dot-sourced by every test file: imports the built module and defines small helpers.
$script:ModuleManifest = Join-Path $PSScriptRoot '../output/LoadTest/LoadTest.psd1'
if (-not (Test-Path $ModuleManifest)) {
    throw "The module is not built. Run: dotnet pwsh ./build.ps1 Build"
}
Import-Module $ModuleManifest -Force

# A TCP port on 127.0.0.1 that nothing listens on right now.
function Get-FreePort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

# The pwsh running the tests, as a command line for a child process: under `dotnet pwsh` it is dotnet and
# pwsh.dll, otherwise the pwsh executable. Start a child with & $command[0] @($command | Select-Object -Skip 1) ...
function Get-PwshCommand {
    $process = [Environment]::ProcessPath
    if ((Split-Path $process -Leaf) -match '^dotnet(\.exe)?$') {
        return @($process, (Join-Path $PSHOME 'pwsh.dll'))
    }
    return @($process)
}

# Skips the test it is called from (first thing in an It, or in a BeforeEach) when this platform cannot run it:
#     Skip-UnlessPlatform -Supported $IsLinux -Because 'not Linux: reads /proc/net/tcp'
# The reason becomes "Platform: <Because>". That is the only skip a CI run accepts: with $env:CI = 'true',
# build.ps1 Test counts any other skip (another Set-ItResult -Skipped reason, or -Skip on It or Describe) as a
# failure (see tools/SkipPolicy.psm1). Pester drops the word "because" from reasons, so do not write it.
function Skip-UnlessPlatform {
    param(
        [Parameter(Mandatory)] [bool] $Supported,
        [Parameter(Mandatory)] [string] $Because
    )
    if (-not $Supported) {
        Set-ItResult -Skipped -Because "Platform: $Because"
    }
}

# Finds a program a test needs, installing its Debian package when it is missing (CI starts from a machine
# without it, and with no package lists yet). Returns PlatformMissing (this platform cannot run the test:
# not Linux, or no apt-get; $Needs says what the test does there) or SkipReason (the install failed), or neither.
function Find-DebianProgram([string] $Program, [string] $Package, [string] $Needs) {
    if (-not $IsLinux) { return @{ PlatformMissing = "not Linux: $Needs" } }
    if (Test-Path $Program) { return @{} }
    if (-not (Get-Command apt-get -ErrorAction Ignore)) { return @{ PlatformMissing = "no $Program, and no apt-get to install $Package" } }
    $env:DEBIAN_FRONTEND = 'noninteractive'
    $log = [IO.Path]::GetTempFileName()
    & apt-get update *> $log
    if ($LASTEXITCODE -eq 0) { & apt-get install -y -q $Package *>> $log }
    if (Test-Path $Program) { return @{} }
    @{ SkipReason = "$Package is not installed and apt-get could not install it (exit code $LASTEXITCODE): $((Get-Content $log -Tail 5) -join ' | ')" }
}

# Polls a condition with a generous bound; throws when it never holds.
function Wait-Until {
    param([scriptblock] $Condition, [double] $TimeoutSec = 30)
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    while (-not (& $Condition)) {
        if ($clock.Elapsed.TotalSeconds -gt $TimeoutSec) {
            throw "Timed out after $TimeoutSec s waiting for: $Condition"
        }
        Start-Sleep -Milliseconds 20
    }
}

# Runs a script in a fresh PowerShell instance with the module imported, as a user's console would.
function New-ModulePowerShell {
    $ps = [PowerShell]::Create()
    $null = $ps.AddCommand('Import-Module').AddArgument($ModuleManifest).Invoke()
    $ps.Commands.Clear()
    return $ps
}

# Presses Ctrl+C on a command the way a user does: starts $PowerShell (from New-ModulePowerShell, its command
# added) with BeginInvoke, waits until -When holds (it gets the output so far), calls Stop() and times it.
# Returns StopSeconds, State, IsCompleted, Output (what the command wrote before the stop) and Variables (the
# -Variable values read from its runspace after the stop); disposes $PowerShell.
function Measure-Stop {
    param(
        [Parameter(Mandatory)] [powershell] $PowerShell,
        [Parameter(Mandatory)] [scriptblock] $When,
        [object[]] $InputObject,
        [string[]] $Variable = @(),
        [double] $TimeoutSec = 30
    )
    $output = [System.Management.Automation.PSDataCollection[object]]::new()
    $items = $null
    if ($PSBoundParameters.ContainsKey('InputObject')) {
        $items = [System.Management.Automation.PSDataCollection[object]]::new()
        foreach ($item in $InputObject) { $items.Add($item) }
        $items.Complete()
    }
    try {
        # Explicit type arguments: without input they cannot be inferred from $null.
        $async = $PowerShell.BeginInvoke[object, object]($items, $output)
        Wait-Until { & $When $output } -TimeoutSec $TimeoutSec
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $PowerShell.Stop()
        $clock.Stop()
        $values = @{}
        foreach ($name in $Variable) { $values[$name] = $PowerShell.Runspace.SessionStateProxy.GetVariable($name) }
        [pscustomobject]@{
            StopSeconds = $clock.Elapsed.TotalSeconds
            State = $PowerShell.InvocationStateInfo.State
            IsCompleted = $async.IsCompleted
            Output = @($output)
            Variables = $values
        }
    }
    finally {
        $PowerShell.Dispose()
    }
}

# A bare TCP server that answers every request (read up to its blank line) with the next canned response,
# round robin; with -CloseAfterEach it closes the connection after each answer. For HTTP edge cases that
# HttpListener never produces. Stop it with Stop-CannedServer.
function Start-CannedServer {
    param([string[]] $Response, [switch] $CloseAfterEach)
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    $state = [hashtable]::Synchronized(@{ Requests = 0; Connections = 0 })
    $job = Start-ThreadJob -ArgumentList $listener, $Response, $CloseAfterEach.IsPresent, $state -ScriptBlock {
        param($Listener, $Responses, $Close, $State)
        $next = 0
        while ($true) {
            try { $client = $Listener.AcceptTcpClient() } catch { return }
            $State.Connections++
            $stream = $client.GetStream()
            $stream.ReadTimeout = 10000
            try {
                while ($true) {
                    $head = [System.Text.StringBuilder]::new()
                    while (-not $head.ToString().EndsWith("`r`n`r`n")) {
                        $b = $stream.ReadByte()
                        if ($b -lt 0) { throw 'closed' }
                        $null = $head.Append([char]$b)
                    }
                    $State.Requests++
                    $bytes = [System.Text.Encoding]::Latin1.GetBytes($Responses[$next % $Responses.Count])
                    $next++
                    $stream.Write($bytes, 0, $bytes.Length)
                    $stream.Flush()
                    if ($Close) { break }
                }
            }
            catch { }
            $client.Close()
        }
    }
    [pscustomobject]@{ Port = $listener.LocalEndpoint.Port; Uri = "http://127.0.0.1:$($listener.LocalEndpoint.Port)/"; Listener = $listener; Job = $job; State = $state }
}

function Stop-CannedServer($Server) {
    $Server.Listener.Stop()
    $Server.Job | Wait-Job -Timeout 15 | Remove-Job -Force
}

# A summary of known latencies: results made up in groups (@{ Count = 980; Ms = 5 }), the first -Failed of
# them 500s, merged with Merge-RunSummary, so that every percentile is known in advance.
function New-KnownSummary {
    param([hashtable[]] $Group, [int] $Failed = 0)
    $start = [datetime]'2026-01-01T00:00:00'
    $i = 0
    $results = foreach ($g in $Group) {
        foreach ($n in 1..$g.Count) {
            $i++
            [pscustomobject]@{ ElapsedMs = $g.Ms; StatusCode = if ($i -le $Failed) { 500 } else { 200 }; Success = $i -gt $Failed; StartTime = $start }
        }
    }
    $results | Merge-RunSummary
}

# Compiles LoadTestTests.RecordingServer (Start-RecordingServer, New-TestCertificate) once per process.
function Add-RecordingServerType {
    if (-not ('LoadTestTests.RecordingServer' -as [type])) {
        Add-Type -TypeDefinition @'
using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace LoadTestTests
{
    public sealed class RecordingServer : IDisposable
    {
        private readonly Socket _listener;
        private readonly byte[] _response;
        private readonly string _proxyAuthorization;
        private readonly X509Certificate2 _certificate;
        private readonly string _socketPath;
        private int _connections;

        public RecordingServer(EndPoint endPoint, string response, string proxyAuthorization, X509Certificate2 certificate)
        {
            _response = Encoding.Latin1.GetBytes(response);
            _proxyAuthorization = string.IsNullOrEmpty(proxyAuthorization) ? null : proxyAuthorization;
            _certificate = certificate;
            _socketPath = (endPoint as UnixDomainSocketEndPoint) != null ? endPoint.ToString() : null;
            _listener = _socketPath != null
                ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
                : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _listener.Bind(endPoint);
            _listener.Listen(512);
            Port = _socketPath != null ? 0 : ((IPEndPoint)_listener.LocalEndPoint).Port;
            Task.Run(AcceptAsync);
        }

        public int Port { get; private set; }
        public string Uri { get { return "http://127.0.0.1:" + Port + "/"; } }
        public ConcurrentQueue<string> Heads { get; } = new ConcurrentQueue<string>();
        public ConcurrentQueue<string> Requests { get; } = new ConcurrentQueue<string>();
        public ConcurrentQueue<string> ServerNames { get; } = new ConcurrentQueue<string>();
        public int Connections { get { return Volatile.Read(ref _connections); } }

        public static X509Certificate2 NewCertificate(string name)
        {
            using (RSA key = RSA.Create(2048))
            {
                var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                using (X509Certificate2 made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)))
                {
#pragma warning disable SYSLIB0057 // X509CertificateLoader is .NET 9 and later; PowerShell 7.4 runs on .NET 8
                    return new X509Certificate2(made.Export(X509ContentType.Pfx), (string)null, X509KeyStorageFlags.Exportable);
                }
            }
        }

        public void Dispose()
        {
            _listener.Dispose();
            if (_socketPath != null) { File.Delete(_socketPath); }
        }

        private async Task AcceptAsync()
        {
            while (true)
            {
                Socket client;
                try { client = await _listener.AcceptAsync(); } catch { return; }
                Interlocked.Increment(ref _connections);
                _ = Task.Run(() => ServeAsync(client));
            }
        }

        private async Task ServeAsync(Socket client)
        {
            using (var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            using (Stream network = new NetworkStream(client, ownsSocket: true))
            {
                try
                {
                    Stream stream = network;
                    if (_certificate != null)
                    {
                        var tls = new SslStream(network);
                        stream = tls;
                        var options = new SslServerAuthenticationOptions
                        {
                            ServerCertificateSelectionCallback = (sender, name) => { ServerNames.Enqueue(name ?? string.Empty); return _certificate; },
                        };
                        await tls.AuthenticateAsServerAsync(options, cancel.Token);
                    }

                    var pending = new MemoryStream();
                    var buffer = new byte[8192];
                    while (true)
                    {
                        int end;
                        while ((end = IndexOfBlankLine(pending)) < 0)
                        {
                            int read = await stream.ReadAsync(buffer, 0, buffer.Length, cancel.Token);
                            if (read == 0 || pending.Length > 65536) { return; }
                            pending.Write(buffer, 0, read);
                        }

                        byte[] all = pending.ToArray();
                        string head = Encoding.Latin1.GetString(all, 0, end);
                        long length = ContentLength(head);
                        while (all.Length - end - 4 < length)
                        {
                            int read = await stream.ReadAsync(buffer, 0, buffer.Length, cancel.Token);
                            if (read == 0) { return; }
                            pending.Write(buffer, 0, read);
                            all = pending.ToArray();
                        }

                        pending = new MemoryStream();
                        int rest = (int)(all.Length - end - 4 - length);
                        pending.Write(all, all.Length - rest, rest);
                        Heads.Enqueue(head);
                        Requests.Enqueue(Encoding.Latin1.GetString(all, 0, end + 4 + (int)length));
                        byte[] answer = _response;
                        if (_proxyAuthorization != null && (head + "\r\n").IndexOf("\r\nProxy-Authorization: " + _proxyAuthorization + "\r\n", StringComparison.Ordinal) < 0)
                        {
                            answer = Encoding.ASCII.GetBytes("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n");
                        }
                        else if (head.StartsWith("CONNECT ", StringComparison.Ordinal))
                        {
                            answer = Encoding.ASCII.GetBytes("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
                        }

                        await stream.WriteAsync(answer, 0, answer.Length, cancel.Token);
                        await stream.FlushAsync(cancel.Token);
                    }
                }
                catch (Exception)
                {
                }
            }
        }

        private static int IndexOfBlankLine(MemoryStream pending)
        {
            byte[] bytes = pending.GetBuffer();
            for (int i = 0; i + 3 < pending.Length; i++)
            {
                if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') { return i; }
            }
            return -1;
        }

        private static long ContentLength(string head)
        {
            foreach (string line in head.Split("\r\n"))
            {
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) { return long.Parse(line.Substring(15).Trim()); }
            }
            return 0;
        }
    }
}
'@
    }
}

# A raw server that keeps every request it receives, before it answers: its head (request line and fields) in
# Heads, and the whole request as received (head and Content-Length body) in Requests, as Latin-1 text. It
# answers each with -Response, on 127.0.0.1 (a free port) or on a Unix domain socket file (-UnixSocket).
# -Certificate serves TLS and keeps the server name each client asked for (SNI). As a stand-in proxy: a
# CONNECT is refused with 403, and -ProxyAuthorization 'Basic ...' answers 407 with a Basic challenge to any
# request without exactly that field. Each connection is served on its own, for 30 s at most.
# Heads, ServerNames and Connections tell what it saw; Stop it with .Dispose().
function Start-RecordingServer {
    param(
        [string] $Response = "HTTP/1.1 200 OK`r`nContent-Length: 2`r`n`r`nok",
        [string] $UnixSocket,
        [string] $ProxyAuthorization,
        [System.Security.Cryptography.X509Certificates.X509Certificate2] $Certificate
    )
    Add-RecordingServerType
    $endPoint = if ($UnixSocket) { [System.Net.Sockets.UnixDomainSocketEndPoint]::new($UnixSocket) } else { [System.Net.IPEndPoint]::new([System.Net.IPAddress]::Loopback, 0) }
    [LoadTestTests.RecordingServer]::new($endPoint, $Response, $ProxyAuthorization, $Certificate)
}

# A self-signed certificate with its private key, for a TLS Start-RecordingServer.
function New-TestCertificate([string] $Name = 'localhost') {
    Add-RecordingServerType
    [LoadTestTests.RecordingServer]::NewCertificate($Name)
}
