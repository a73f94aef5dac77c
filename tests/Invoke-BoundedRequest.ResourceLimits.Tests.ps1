# Running out of file descriptors never takes pwsh down: a child pwsh under a low open-file limit runs
# past it, exits 0, and every request still has exactly one result.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $server = Start-TestServer -MinDelayMs 200 -MaxDelayMs 400
    $module = (Resolve-Path $ModuleManifest).Path

    # Runs a script in a child pwsh under `ulimit -n $Limit`; its output lines are returned, its exit code in $LASTEXITCODE.
    function Invoke-UnderLimit([int] $Limit, [string] $Script) {
        $process = [Environment]::ProcessPath
        $pwsh = if ((Split-Path $process -Leaf) -match '^dotnet') { "'$process' '$(Join-Path $PSHOME 'pwsh.dll')'" } else { "'$process'" }
        $file = Join-Path $TestDrive "child-$([guid]::NewGuid().ToString('N')).ps1"
        "Import-Module '$module'`n$Script" | Set-Content $file
        bash -c "ulimit -n $Limit && exec $pwsh -NoProfile -NonInteractive -File '$file'" 2>&1
    }
}

AfterAll {
    $server | Stop-TestServer
}

Describe 'A run past the open-file limit' {
    It 'caps the requests in flight to fit the limit, says so with both numbers, and runs again' -Skip:($IsWindows) {
        $script = @"
foreach (`$round in 1, 2) {
    `$summary = Invoke-BoundedRequest -Uri '$($server.Uri)x/{0}' -Count 600 -ThrottleLimit 600 -TimeoutSec 60 -Summary -WarningVariable warned 3>`$null
    "round `$round count `$(`$summary.Count) failed `$(`$summary.Failed) limit `$(`$summary.ThrottleLimit)"
    "round `$round warning `$warned"
}
"@
        $lines = Invoke-UnderLimit -Limit 300 -Script $script
        $LASTEXITCODE | Should -Be 0 -Because ($lines -join "`n")
        foreach ($round in 1, 2) {
            $line = $lines | Where-Object { $_ -like "round $round count *" }
            $line -match "^round $round count 600 failed 0 limit (\d+)$" | Should -BeTrue -Because $line
            [int]$Matches[1] | Should -BeLessThan 300
            ($lines | Where-Object { $_ -like "round $round warning *" }) |
                Should -BeLike "*600 connections (-ThrottleLimit 600) do not fit this process's open-file limit of 300 (* descriptors open now): this run holds at most $($Matches[1]) requests in flight*ulimit -n*"
        }
    }

    It 'caps twice as hard when the test server runs in the same process' -Skip:($IsWindows) {
        $script = @"
`$own = Start-TestServer -MinDelayMs 100 -MaxDelayMs 200
foreach (`$round in 1, 2) {
    `$summary = Invoke-BoundedRequest -Uri "`$(`$own.Uri)x/{0}" -Count 300 -ThrottleLimit 600 -Summary -WarningVariable warned 3>`$null
    "round `$round count `$(`$summary.Count) failed `$(`$summary.Failed) limit `$(`$summary.ThrottleLimit) peak `$(`$own.PeakConcurrency)"
    "round `$round warning `$warned"
}
`$own | Stop-TestServer
"@
        $lines = Invoke-UnderLimit -Limit 300 -Script $script
        $LASTEXITCODE | Should -Be 0 -Because ($lines -join "`n")
        foreach ($round in 1, 2) {
            $line = $lines | Where-Object { $_ -like "round $round count *" }
            $line -match "^round $round count 300 failed 0 limit (\d+) peak (\d+)$" | Should -BeTrue -Because $line
            [int]$Matches[1] | Should -BeLessThan 150
            # The server's peak covers both rounds; the first round's cap is the larger one.
            if ($round -eq 1) { [int]$Matches[2] | Should -BeLessOrEqual ([int]$Matches[1]) }
            ($lines | Where-Object { $_ -like "round $round warning *" }) | Should -BeLike '*open-file limit of 300*the test server in this process holds the other end*'
        }
    }
}
