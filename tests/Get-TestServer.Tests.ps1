BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
}

Describe 'Get-TestServer' {
    BeforeEach {
        Stop-TestServer -All
    }

    It 'lists the running servers of the session in start order' {
        $a = Start-TestServer
        $b = Start-TestServer
        try {
            $listed = @(Get-TestServer)
            $listed.Id | Should -Be @($a.Id, $b.Id)
            $a | Stop-TestServer
            @(Get-TestServer).Id | Should -Be @($b.Id)
        }
        finally {
            Stop-TestServer -All
        }
    }

    It 'returns nothing when no server runs' {
        @(Get-TestServer).Count | Should -Be 0
    }

    It 'finds a server by -Id and reports an unknown Id with TestServerNotFound' {
        $a = Start-TestServer
        try {
            (Get-TestServer -Id $a.Id).Port | Should -Be $a.Port
            $found = Get-TestServer -Id $a.Id, 987654 -ErrorVariable err -ErrorAction SilentlyContinue
            @($found).Count | Should -Be 1
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -Be 'TestServerNotFound,LoadTest.Commands.GetTestServerCommand'
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }
        finally {
            Stop-TestServer -All
        }
    }
}

Describe 'Get-TestServer table' {
    It 'shows what each server received beside what it answered' {
        $a = Start-TestServer
        try {
            $null = Invoke-BoundedRequest -Uri "$($a.Uri)hang" -TimeoutSec 1 -DisableKeepAlive
            $null = Invoke-BoundedRequest -Uri "$($a.Uri){0}" -Count 2 -ThrottleLimit 1
            $lines = (Get-TestServer -Id $a.Id | Format-Table | Out-String -Width 200) -split '\r?\n' | Where-Object { $_.Trim() }
            $lines[0] | Should -Match '\bReceived\s+Requests\s+Active\b'
            $lines[2] | Should -Match "^\s*$($a.Id)\s+$([regex]::Escape($a.Uri.ToString()))\s+True\s+0-0\s+3\s+2\s+1\s+2\s*$"
        }
        finally {
            $a | Stop-TestServer
        }
    }
}

Describe 'Get-TestServer -Id completion' {
    BeforeEach {
        Stop-TestServer -All
    }

    It 'offers the Ids of the servers running in this session, not of another session' {
        $other = New-ModulePowerShell
        $a = Start-TestServer
        $b = Start-TestServer
        try {
            $foreign = $other.AddCommand('Start-TestServer').Invoke()[0]
            $line = 'Get-TestServer -Id '
            $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
            $completion.CompletionMatches.CompletionText | Should -Be @("$($a.Id)", "$($b.Id)")
            $completion.CompletionMatches.ToolTip | Should -Be @($a.Uri.ToString(), $b.Uri.ToString())
            $completion.CompletionMatches.CompletionText | Should -Not -Contain "$($foreign.Id)"
        }
        finally {
            Stop-TestServer -All
            $other.Commands.Clear()
            $null = $other.AddCommand('Stop-TestServer').AddParameter('All').Invoke()
            $other.Dispose()
        }
    }

    It 'offers only the Ids that start with what was typed, and none once the server stopped' {
        $a = Start-TestServer
        $b = Start-TestServer
        try {
            $line = "Get-TestServer -Id $($b.Id)"
            $completion = [System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null)
            $completion.CompletionMatches.CompletionText | Should -Be @("$($b.Id)")

            $b | Stop-TestServer
            $completion = [System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null)
            @($completion.CompletionMatches | Where-Object CompletionText -EQ "$($b.Id)").Count | Should -Be 0
        }
        finally {
            Stop-TestServer -All
        }
    }
}
