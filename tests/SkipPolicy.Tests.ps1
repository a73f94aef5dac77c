# tools/SkipPolicy.psm1 and Skip-UnlessPlatform: which skips a CI run accepts, read from a real Pester run.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $common = Join-Path $PSScriptRoot 'common.ps1'
    $policy = Join-Path $PSScriptRoot '../tools/SkipPolicy.psm1'
    $pester = Join-Path (Get-Module Pester).ModuleBase 'Pester.psd1'

    # Every way a test can skip, in a test file of its own.
    $fixture = Join-Path $TestDrive 'Fixture.Tests.ps1'
    Set-Content $fixture -Value @"
BeforeAll { . '$common' }
Describe 'Fixture' {
    It 'passes' { 1 | Should -Be 1 }
    It 'needs another platform' {
        Skip-UnlessPlatform -Supported `$false -Because 'not Plan 9: reads /net'
        throw 'not reached'
    }
    It 'runs on a supported platform' {
        Skip-UnlessPlatform -Supported `$true -Because 'never shown'
        2 | Should -Be 2
    }
    It 'lacks a tool' { Set-ItResult -Skipped -Because 'sshd is missing' }
    It 'is switched off' -Skip { throw 'not reached' }
}
Describe 'A block switched off' -Skip {
    It 'is inside it' { throw 'not reached' }
}
"@
    # Pester does not run inside Pester: the fixture runs in a child pwsh.
    $script = "Import-Module '$pester'; Import-Module '$policy'; " +
        "`$r = Invoke-Pester -Path '$fixture' -PassThru -Output None; " +
        "@{ Passed = `$r.PassedCount; Failed = `$r.FailedCount; Skipped = @(Get-SkippedTest `$r) } | ConvertTo-Json -Depth 3"
    $pwsh = @(Get-PwshCommand)
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script))
    $json = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -EncodedCommand $encoded
    $run = $json | Out-String | ConvertFrom-Json
}

Describe 'Get-SkippedTest' {
    It 'lists every skipped test and nothing else' {
        $run.Passed | Should -Be 2
        $run.Failed | Should -Be 0
        @($run.Skipped).Count | Should -Be 4
        $run.Skipped.Test | Should -Be @('Fixture.needs another platform', 'Fixture.lacks a tool', 'Fixture.is switched off', 'A block switched off.is inside it')
    }

    It 'reads the Skip-UnlessPlatform reason as a platform skip, with "Platform:" before the text given' {
        $skip = $run.Skipped | Where-Object Test -EQ 'Fixture.needs another platform'
        $skip.Reason | Should -BeExactly 'Platform: not Plan 9: reads /net'
        $skip.IsPlatform | Should -BeTrue
    }

    It 'reads any other Set-ItResult reason as a skip CI does not accept' {
        $skip = $run.Skipped | Where-Object Test -EQ 'Fixture.lacks a tool'
        $skip.Reason | Should -BeExactly 'sshd is missing'
        $skip.IsPlatform | Should -BeFalse
    }

    It 'gives a test skipped with -Skip, on It or on Describe, no reason, so CI does not accept it' {
        foreach ($name in 'Fixture.is switched off', 'A block switched off.is inside it') {
            $skip = $run.Skipped | Where-Object Test -EQ $name
            $skip.Reason | Should -BeExactly '' -Because $name
            $skip.IsPlatform | Should -BeFalse -Because $name
        }
    }
}
