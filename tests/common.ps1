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
