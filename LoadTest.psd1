@{
    RootModule           = 'LoadTest.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f0c8a51-3d0e-4b8e-9a57-2f1c4d7e9b30'
    Author               = 'LoadTest developers'
    CompanyName          = 'LoadTest'
    Copyright            = '(c) LoadTest developers. MIT License.'
    Description          = 'Millions of HTTP requests with bounded concurrency and bounded memory, every result a typed object in the pipeline. Includes a local test server.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('LoadTest.Format.ps1xml')
    TypesToProcess       = @('LoadTest.Types.ps1xml')
    CmdletsToExport      = @(
        'Invoke-BoundedRequest'
        'Start-TestServer'
        'Stop-TestServer'
        'Get-TestServer'
        'Assert-RunSummary'
        'Merge-RunSummary'
        'Export-RunResult'
        'Compare-RunSummary'
        'Export-RunHistogram'
        'Show-RunHistogram'
        'Find-MaxRate'
        'Export-RunReport'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('http', 'load-testing', 'benchmark', 'concurrency', 'PSEdition_Core')
            LicenseUri = 'https://example.invalid/LoadTest/LICENSE'
            ProjectUri = 'https://example.invalid/LoadTest'
        }
    }
}
