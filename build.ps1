#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests and demonstrates the LoadTest module.
.DESCRIPTION
    Build  compiles src/LoadTest and writes an importable module to output/LoadTest.
    Test   builds, then runs the Pester tests in a child pwsh; the last line is "N passed, N failed".
    Demo   builds, then reproduces the seed experiment (10,000 requests, 1000 in flight, 0-3 s server).
    Clean  removes output/ and the build folders.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Demo', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$script:Root = $PSScriptRoot
$script:Manifest = Join-Path $Root 'LoadTest.psd1'
$script:Output = Join-Path $Root 'output'
$script:ModuleOutput = Join-Path $Output 'LoadTest'
$script:PesterVersion = '5.7.1'
$script:TestTimeout = [TimeSpan]::FromMinutes(30)

function Invoke-Native {
    param([string] $FilePath, [string[]] $ArgumentList)
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) {
        throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE."
    }
}

# The pwsh running this script, as a command line for a child process (under `dotnet pwsh` it is dotnet + pwsh.dll).
function Get-PwshCommand {
    $process = [Environment]::ProcessPath
    if ((Split-Path $process -Leaf) -match '^dotnet(\.exe)?$') {
        return @($process, (Join-Path $PSHOME 'pwsh.dll'))
    }
    return @($process)
}

function Invoke-ChildPwsh {
    param([string[]] $ArgumentList, [TimeSpan] $Timeout)
    $command = @(Get-PwshCommand)
    $arguments = @($command | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive') + $ArgumentList
    $process = Start-Process -FilePath $command[0] -ArgumentList $arguments -NoNewWindow -PassThru
    if (-not $process.WaitForExit([int]$Timeout.TotalMilliseconds)) {
        $process.Kill($true)
        throw "The child pwsh did not finish within $Timeout and was stopped."
    }
    return $process.ExitCode
}

function Invoke-BuildTask {
    $version = (Import-PowerShellDataFile $Manifest).ModuleVersion
    $publish = Join-Path $Output 'publish'
    Write-Host "Building LoadTest $version ($Configuration)"
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/LoadTest/LoadTest.csproj'), '-c', $Configuration,
        '-o', $publish, "-p:Version=$version", '--nologo', '-v', 'quiet')

    if (Test-Path $ModuleOutput) {
        Remove-Item $ModuleOutput -Recurse -Force
    }
    New-Item -ItemType Directory -Path $ModuleOutput | Out-Null
    # Everything the module needs at run time; System.Management.Automation comes from pwsh itself.
    Get-ChildItem $publish -Filter '*.dll' |
        Where-Object Name -NE 'System.Management.Automation.dll' |
        Copy-Item -Destination $ModuleOutput
    Copy-Item (Join-Path $publish 'LoadTest.Format.ps1xml'), $Manifest -Destination $ModuleOutput
    Write-Host "Module written to $ModuleOutput"
}

function Get-PesterManifest {
    Invoke-Native dotnet @('restore', (Join-Path $Root 'tests/TestTools.csproj'), '--nologo', '-v', 'quiet')
    $packages = $env:NUGET_PACKAGES
    if (-not $packages) {
        $line = dotnet nuget locals global-packages --list
        $packages = ($line -replace '^global-packages:\s*', '').Trim()
    }
    $path = Join-Path $packages "pester/$PesterVersion/tools/Pester.psd1"
    if (-not (Test-Path $path)) {
        throw "Pester $PesterVersion was not found at $path after dotnet restore."
    }
    return $path
}

function Invoke-TestTask {
    Invoke-BuildTask
    $pester = Get-PesterManifest
    $resultsDir = Join-Path $Output 'TestResults'
    New-Item -ItemType Directory -Path $resultsDir -Force | Out-Null
    $totalsFile = Join-Path $resultsDir 'totals.json'
    Remove-Item $totalsFile -ErrorAction Ignore

    # Pester runs in a child pwsh, so this process never loads (and locks) the module it just built.
    $runner = {
        param($PesterPath, $TestsPath, $ResultsDir, $TotalsFile)
        $ErrorActionPreference = 'Stop'
        Import-Module $PesterPath
        $config = New-PesterConfiguration
        $config.Run.Path = $TestsPath
        $config.Run.PassThru = $true
        $config.Output.Verbosity = 'Detailed'
        $config.TestResult.Enabled = $true
        $config.TestResult.OutputPath = Join-Path $ResultsDir 'testResults.xml'
        $result = Invoke-Pester -Configuration $config
        $failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
        @{ Passed = $result.PassedCount; Failed = $failed } | ConvertTo-Json | Set-Content $TotalsFile
    }
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes(
            "& { $runner } '$pester' '$(Join-Path $Root 'tests')' '$resultsDir' '$totalsFile'"))
    $exitCode = Invoke-ChildPwsh -ArgumentList @('-OutputFormat', 'Text', '-EncodedCommand', $encoded) -Timeout $TestTimeout

    $passed = 0
    $failed = 1
    if (Test-Path $totalsFile) {
        $totals = Get-Content $totalsFile -Raw | ConvertFrom-Json
        $passed = $totals.Passed
        $failed = $totals.Failed
    }
    else {
        Write-Host "Pester did not report totals (child pwsh exit code $exitCode)."
    }
    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0) {
        exit 1
    }
}

function Invoke-DemoTask {
    Invoke-BuildTask
    $demo = Join-Path $Root 'bench/SeedDemo.ps1'
    $exitCode = Invoke-ChildPwsh -ArgumentList @('-File', $demo, '-ModulePath', $ModuleOutput) -Timeout ([TimeSpan]::FromMinutes(10))
    if ($exitCode -ne 0) {
        exit $exitCode
    }
}

function Invoke-CleanTask {
    foreach ($path in @($Output, (Join-Path $Root 'src/LoadTest/bin'), (Join-Path $Root 'src/LoadTest/obj'),
            (Join-Path $Root 'tests/bin'), (Join-Path $Root 'tests/obj'))) {
        if (Test-Path $path) {
            Remove-Item $path -Recurse -Force
        }
    }
}

switch ($Task) {
    'Build' { Invoke-BuildTask }
    'Test' { Invoke-TestTask }
    'Demo' { Invoke-DemoTask }
    'Clean' { Invoke-CleanTask }
}
