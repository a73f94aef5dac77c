# The examples under docs/examples run exactly as a CI job runs them: a child pwsh, judged by its exit code.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script = Join-Path $PSScriptRoot '../docs/examples/ci-load-check.ps1'
    $server = Start-TestServer
    function Invoke-Example([string[]] $Arguments) {
        $process = [Environment]::ProcessPath
        [string[]] $prefix = if ((Split-Path $process -Leaf) -match '^dotnet') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }
        $output = & $process @prefix -NoProfile -NonInteractive -File $script -ModulePath (Split-Path $ModuleManifest) @Arguments 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Text = ($output | Out-String) }
    }
}

AfterAll {
    $server | Stop-TestServer
}

Describe 'docs/examples/ci-load-check.ps1' {
    It 'passes a healthy service with a few errors, and prints the summary' {
        # flaky/1: about 1 % of answers are 500s, under the 5 % allowed.
        $run = Invoke-Example @('-Uri', "$($server.Uri)flaky/1?i={0}", '-Count', '2000', '-MaxErrorRate', '0.05')
        $run.Text | Should -Match 'Load check passed'
        $run.Text | Should -Match 'Count\s+: 2000|2000 requests'
        $run.ExitCode | Should -Be 0
    }

    It 'fails a broken service, and still prints the summary' {
        $run = Invoke-Example @('-Uri', "$($server.Uri)flaky/60?i={0}", '-Count', '2000', '-MaxErrorRate', '0.05')
        $run.Text | Should -Match 'Load check failed'
        $run.Text | Should -Match 'Error budget spent|ErrorRate'
        $run.Text | Should -Match 'Errors\s+: HttpError: \d+'
        $run.ExitCode | Should -Be 1
    }
}
