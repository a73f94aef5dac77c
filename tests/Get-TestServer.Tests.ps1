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
