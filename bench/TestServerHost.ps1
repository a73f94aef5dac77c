# Hosts a LoadTest test server in its own process for the benchmarks; writes its port to -PortFile and
# stops when -StopFile appears (or after -MaxMinutes).
param([string] $Module, [int] $MaxDelayMs = 0, [string] $PortFile, [string] $StopFile, [int] $MaxMinutes = 60)
Import-Module $Module
$server = Start-TestServer -MaxDelayMs $MaxDelayMs
Set-Content -Path $PortFile -Value $server.Port
$deadline = [DateTime]::UtcNow.AddMinutes($MaxMinutes)
while (-not (Test-Path $StopFile) -and [DateTime]::UtcNow -lt $deadline) {
    Start-Sleep -Milliseconds 200
}
$server | Stop-TestServer
