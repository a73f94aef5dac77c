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
