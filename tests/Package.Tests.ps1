# The module installs like any other: published to a file-system repository, saved from it, imported and used.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $manifest = Import-PowerShellDataFile $ModuleManifest
}

Describe 'The module package' {
    It 'has the manifest fields a gallery needs' {
        $manifest.Description | Should -Not -BeNullOrEmpty
        $manifest.Author | Should -Not -BeNullOrEmpty
        $manifest.PrivateData.PSData.Tags | Should -Contain 'load-testing'
        $manifest.PrivateData.PSData.ProjectUri | Should -Not -BeNullOrEmpty
        $manifest.PrivateData.PSData.LicenseUri | Should -Not -BeNullOrEmpty
        $manifest.CmdletsToExport | Should -Be @('Invoke-BoundedRequest', 'Start-TestServer', 'Stop-TestServer', 'Get-TestServer', 'Assert-RunSummary', 'Merge-RunSummary', 'Export-RunResult', 'Compare-RunSummary', 'Export-RunHistogram', 'Show-RunHistogram', 'Find-MaxRate', 'Export-RunReport')
    }

    It 'publishes with Publish-PSResource, saves from the repository, and runs from the saved copy in a fresh pwsh' {
        $repoPath = Join-Path $TestDrive 'repo'
        $scratch = Join-Path $TestDrive 'scratch'
        New-Item -ItemType Directory $repoPath, $scratch | Out-Null
        $name = "LoadTest-Test-$([Guid]::NewGuid().ToString('N'))"
        Register-PSResourceRepository -Name $name -Uri $repoPath -Trusted
        try {
            Publish-PSResource -Path (Split-Path $ModuleManifest) -Repository $name -SkipDependenciesCheck
            (Get-ChildItem $repoPath -Filter '*.nupkg').Name | Should -Be "LoadTest.$($manifest.ModuleVersion).nupkg"
            (Find-PSResource -Name LoadTest -Repository $name).Version.ToString() | Should -Be $manifest.ModuleVersion
            Save-PSResource -Name LoadTest -Repository $name -Path $scratch -TrustRepository
        }
        finally {
            Unregister-PSResourceRepository -Name $name
        }

        $installed = Join-Path $scratch "LoadTest/$($manifest.ModuleVersion)/LoadTest.psd1"
        Test-Path $installed | Should -BeTrue
        Test-Path (Join-Path $scratch "LoadTest/$($manifest.ModuleVersion)/dependencies/HdrHistogram.dll") | Should -BeTrue
        Test-Path (Join-Path $scratch "LoadTest/$($manifest.ModuleVersion)/dependencies/Prometheus.NetStandard.dll") | Should -BeTrue
        # The runtime's own copy serves the LoadTest Meter and prometheus-net alike: one shipped here would split them.
        Test-Path (Join-Path $scratch "LoadTest/$($manifest.ModuleVersion)/dependencies/System.Diagnostics.DiagnosticSource.dll") | Should -BeFalse
        $pwsh = @(Get-PwshCommand)
        $script = "Import-Module '$installed'; `$s = Start-TestServer; `$r = Invoke-BoundedRequest -Uri `$s.Uri -Summary; `$s | Stop-TestServer; '{0}|{1}|{2}' -f (Get-Module LoadTest).ModuleBase, `$r.Count, `$r.StatusCodeCounts['200']"
        $out = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $script
        $base, $count, $ok = ($out | Select-Object -Last 1) -split '\|'
        $base | Should -Be (Split-Path $installed)
        $count | Should -Be '1'
        $ok | Should -Be '1'
    }
}
