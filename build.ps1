#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests and demonstrates the LoadTest module.
.DESCRIPTION
    Build  compiles src/LoadTest, writes an importable module to output/LoadTest, and its help (Docs).
    Docs   turns docs/en-US (PlatyPS markdown) into MAML help and the about topic in output/LoadTest/en-US.
    Test   builds, runs the unit tests (tests/LoadTest.UnitTests, xUnit, always in Debug so that Debug.Assert is
           checked; seconds, no sockets), then the Pester tests in a child pwsh against the module built with
           -Configuration (Release by default); the last line, "N passed, N failed", adds up both. With $env:CI
           'true', a skipped test counts as failed unless its reason starts with "Platform:" (Skip-UnlessPlatform).
    Demo   builds, then reproduces the seed experiment (10,000 requests, 1000 in flight, 0-3 s server).
    Bench  builds, then runs the benchmark suite side by side with wrk, nginx and other clients (-Quick: a smoke run).
    Package builds, then writes output/package/LoadTest.<version>.nupkg with Publish-PSResource (a local repository).
    Clean  removes output/ and the build folders.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Docs', 'Test', 'Demo', 'Bench', 'Package', 'Clean')]
    [string] $Task = 'Build',

    # With Bench: the two-minute smoke version.
    [switch] $Quick,

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
# uPlot, the report's charting library: pinned, checked against the npm registry's dist.integrity, embedded in the dll.
$script:UPlotVersion = '1.6.32'
$script:UPlotIntegrity = 'sha512-KIMVnG68zvu5XXUbC4LQEPnhwOxBuLyW1AHtpm6IKTXImkbLgkMy+jabjLgSLMasNuGGzQm/ep3tOkyTxpiQIw=='

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

# Fetches uPlot's npm tarball once into the user's cache (no node or npm needed), checks it against the pinned
# integrity, and unpacks the two files the report embeds (and the licence) to src/LoadTest/obj/uplot for the csproj.
function Install-UPlotAsset {
    $target = Join-Path $Root 'src/LoadTest/obj/uplot'
    $stamp = Join-Path $target 'integrity.txt'
    if ((Test-Path $stamp) -and (Get-Content $stamp -Raw).Trim() -eq $UPlotIntegrity) {
        return
    }
    $cacheRoot = if ($env:XDG_CACHE_HOME) { $env:XDG_CACHE_HOME } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.cache' }
    $cache = Join-Path $cacheRoot 'LoadTest/npm'
    $tarball = Join-Path $cache "uplot-$UPlotVersion.tgz"
    $sha512 = { param($Path) 'sha512-' + [Convert]::ToBase64String([Security.Cryptography.SHA512]::HashData([IO.File]::ReadAllBytes($Path))) }
    if (-not (Test-Path $tarball) -or (& $sha512 $tarball) -ne $UPlotIntegrity) {
        New-Item -ItemType Directory -Path $cache -Force | Out-Null
        $download = "$tarball.download"
        Write-Host "Fetching uPlot $UPlotVersion from the npm registry"
        Invoke-WebRequest "https://registry.npmjs.org/uplot/-/uplot-$UPlotVersion.tgz" -OutFile $download -UseBasicParsing
        $actual = & $sha512 $download
        if ($actual -ne $UPlotIntegrity) {
            Remove-Item $download
            throw "uplot-$UPlotVersion.tgz does not match its pinned integrity: expected $UPlotIntegrity, got $actual."
        }
        Move-Item $download $tarball -Force
    }

    New-Item -ItemType Directory -Path $target -Force | Out-Null
    $wanted = @{ 'package/dist/uPlot.iife.min.js' = 'uPlot.iife.min.js'; 'package/dist/uPlot.min.css' = 'uPlot.min.css'; 'package/LICENSE' = 'LICENSE' }
    $gzip = [IO.Compression.GZipStream]::new([IO.File]::OpenRead($tarball), [IO.Compression.CompressionMode]::Decompress)
    $reader = [Formats.Tar.TarReader]::new($gzip)
    try {
        while ($entry = $reader.GetNextEntry()) {
            if ($wanted.ContainsKey($entry.Name)) {
                $file = Join-Path $target $wanted[$entry.Name]
                $entry.ExtractToFile($file, $true)
                # npm tarballs date every file 1985: stamp it now, so an incremental build embeds a new version.
                [IO.File]::SetLastWriteTimeUtc($file, [DateTime]::UtcNow)
                $wanted.Remove($entry.Name)
            }
        }
    }
    finally {
        $reader.Dispose()
        $gzip.Dispose()
    }
    if ($wanted.Count -gt 0) {
        throw "uplot-$UPlotVersion.tgz lacks $($wanted.Keys -join ', ')."
    }
    Set-Content -Path $stamp -Value $UPlotIntegrity
}

# Precompiles LoadTest.dll (ReadyToRun) for the .NET that runs this build, so a new pwsh imports it and makes its first
# requests without JIT-compiling the module first: pwsh start, import and one https request took 0.87x the CPU.
# The SDK's PublishReadyToRun compiles a net8.0 library with .NET 8's crossgen2, whose code .NET 10 (pwsh 7.6)
# ignores; so crossgen2 of this runtime's version compiles against this runtime's framework. Any other runtime
# ignores the precompiled code and JIT-compiles the IL, which the dll still holds. Not available: IL only.
function Invoke-ReadyToRun {
    param([string] $Publish, [string] $Target)
    $runtime = [Environment]::Version.ToString(3)
    $rid = [Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
    $project = Join-Path $Output "crossgen/Crossgen.csproj"
    New-Item -ItemType Directory -Path (Split-Path $project) -Force | Out-Null
    Set-Content -Path $project -Value @"
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Microsoft.NETCore.App.Crossgen2.$rid" Version="[$runtime]" /></ItemGroup>
</Project>
"@
    & dotnet restore $project --nologo -v quiet 2>&1 | Out-Null
    $packages = $env:NUGET_PACKAGES
    if (-not $packages) {
        $packages = ((dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
    }
    $crossgen = Join-Path $packages "microsoft.netcore.app.crossgen2.$($rid.ToLowerInvariant())/$runtime/tools/crossgen2"
    if ($LASTEXITCODE -ne 0 -or -not (Test-Path $crossgen)) {
        Write-Warning "crossgen2 $runtime for $rid is not available: LoadTest.dll is IL only (it JIT-compiles at first use)."
        return
    }
    $framework = [Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory()
    $os, $arch = $rid -split '-', 2
    $compiled = Join-Path (Split-Path $project) 'LoadTest.dll'
    $references = @(Get-ChildItem $Publish -Filter '*.dll' | Where-Object Name -NE 'LoadTest.dll' | ForEach-Object { '-r', $_.FullName })
    Invoke-Native $crossgen (@((Join-Path $Publish 'LoadTest.dll'), '-o', $compiled, '-O', '--targetos', $os, '--targetarch', $arch,
            '-r', (Join-Path $framework '*.dll'), '-r', (Join-Path $PSHOME 'System.Management.Automation.dll')) + $references)
    Copy-Item $compiled -Destination $Target -Force
}

function Invoke-BuildTask {
    $version = (Import-PowerShellDataFile $Manifest).ModuleVersion
    Install-UPlotAsset
    $publish = Join-Path $Output 'publish'
    Write-Host "Building LoadTest $version ($Configuration)"
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/LoadTest/LoadTest.csproj'), '-c', $Configuration,
        '-o', $publish, "-p:Version=$version", '--nologo', '-v', 'quiet')

    if (Test-Path $ModuleOutput) {
        Remove-Item $ModuleOutput -Recurse -Force
    }
    New-Item -ItemType Directory -Path $ModuleOutput | Out-Null
    # The module's own dll at the top; third-party ones in dependencies/, where only the module's own load
    # context finds them (see DependencyLoadContext). System.Management.Automation comes from pwsh itself.
    Copy-Item (Join-Path $publish 'LoadTest.dll') -Destination $ModuleOutput
    Invoke-ReadyToRun -Publish $publish -Target (Join-Path $ModuleOutput 'LoadTest.dll')
    $dependencies = New-Item -ItemType Directory -Path (Join-Path $ModuleOutput 'dependencies')
    Get-ChildItem $publish -Filter '*.dll' |
        Where-Object Name -NotIn 'LoadTest.dll', 'System.Management.Automation.dll' |
        Copy-Item -Destination $dependencies
    Copy-Item (Join-Path $publish 'LoadTest.Format.ps1xml'), (Join-Path $publish 'LoadTest.Types.ps1xml'), $Manifest -Destination $ModuleOutput
    Invoke-DocsTask
    Write-Host "Module written to $ModuleOutput"
}

# Help: PlatyPS (Microsoft.PowerShell.PlatyPS) when it is installed; otherwise tools/HelpCompiler.psm1, which reads
# the same markdown schema and writes the same MAML.
function Invoke-DocsTask {
    $source = Join-Path $Root 'docs/en-US'
    $target = Join-Path $ModuleOutput 'en-US'
    New-Item -ItemType Directory -Path $target -Force | Out-Null
    $commandPages = Get-ChildItem $source -Filter '*-*.md'
    Import-Module (Join-Path $Root 'tools/HelpCompiler.psm1') -Force
    $platyPS = Get-Module -ListAvailable Microsoft.PowerShell.PlatyPS | Sort-Object Version -Descending | Select-Object -First 1
    if ($platyPS) {
        Import-Module $platyPS
        $help = $commandPages | ForEach-Object { Import-MarkdownCommandHelp -Path $_.FullName }
        $help | Export-MamlCommandHelp -OutputFolder $target -Force | Out-Null
        # PlatyPS writes into a folder per module; the help file belongs beside the culture folder's other files.
        Get-ChildItem $target -Recurse -Filter 'LoadTest.dll-Help.xml' | Where-Object DirectoryName -NE $target |
            Move-Item -Destination $target -Force
    }
    else {
        $maml = $commandPages | ForEach-Object { Get-Content $_.FullName -Raw } | ConvertTo-MamlHelp
        Set-Content -Path (Join-Path $target 'LoadTest.dll-Help.xml') -Value $maml -Encoding utf8NoBOM
    }
    foreach ($about in Get-ChildItem $source -Filter 'about_*.help.md') {
        $text = ConvertTo-AboutText (Get-Content $about.FullName -Raw)
        Set-Content -Path (Join-Path $target ($about.Name -replace '\.md$', '.txt')) -Value $text -Encoding utf8NoBOM
    }
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

# Lists the skipped tests with their reasons, and returns how many count as failed: in CI ($env:CI is 'true'), every
# skip whose reason is not a platform the test cannot run on (see tools/SkipPolicy.psm1 and Skip-UnlessPlatform).
function Write-SkippedTest([object[]] $Skipped) {
    $inCi = $env:CI -eq 'true'
    $failing = 0
    foreach ($skip in $Skipped) {
        $reason = if ($skip.Reason) { $skip.Reason } else { 'no reason given (-Skip)' }
        if ($inCi -and -not $skip.IsPlatform) {
            $failing++
            Write-Host "FAILED as a skip in CI: $($skip.Test): $reason"
        }
        else {
            Write-Host "Skipped: $($skip.Test): $reason"
        }
    }
    if ($failing -gt 0) {
        Write-Host "$failing skipped tests count as failed: in CI a test may skip only for its platform (a reason starting with 'Platform:')."
    }
    return $failing
}

# Runs the unit tests in Debug (LoadTest's Debug.Assert lines are compiled in, and a failed one fails its test: see
# tests/LoadTest.UnitTests/DebugAssertions.cs) and returns their passed and failed counts, read from the TRX log.
function Invoke-UnitTest([string] $ResultsDir) {
    $trx = Join-Path $ResultsDir 'unit.trx'
    Remove-Item $trx -ErrorAction Ignore
    Write-Host 'Running the unit tests (Debug)'
    & dotnet test (Join-Path $Root 'tests/LoadTest.UnitTests/LoadTest.UnitTests.csproj') -c Debug --nologo -v quiet `
        --logger 'console;verbosity=minimal' --logger 'trx;LogFileName=unit.trx' --results-directory $ResultsDir | Out-Host
    $exitCode = $LASTEXITCODE
    if (-not (Test-Path $trx)) {
        Write-Host "The unit tests did not report results (dotnet test exit code $exitCode)."
        return @{ Passed = 0; Failed = 1 }
    }
    $counters = ([xml](Get-Content $trx -Raw)).TestRun.ResultSummary.Counters
    $failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted + [int]$counters.notExecuted
    # A crash of the test host leaves the counts short: the exit code still fails the run.
    if ($exitCode -ne 0 -and $failed -eq 0) {
        $failed = 1
    }
    Write-Host "Unit tests: $([int]$counters.passed) passed, $failed failed"
    return @{ Passed = [int]$counters.passed; Failed = $failed }
}

function Invoke-TestTask {
    Invoke-BuildTask
    $pester = Get-PesterManifest
    $resultsDir = Join-Path $Output 'TestResults'
    New-Item -ItemType Directory -Path $resultsDir -Force | Out-Null
    $totalsFile = Join-Path $resultsDir 'totals.json'
    Remove-Item $totalsFile -ErrorAction Ignore
    $unit = Invoke-UnitTest $resultsDir

    # Pester runs in a child pwsh, so this process never loads (and locks) the module it just built.
    $runner = {
        param($PesterPath, $TestsPath, $ResultsDir, $TotalsFile, $SkipPolicyPath)
        $ErrorActionPreference = 'Stop'
        Import-Module $PesterPath
        Import-Module $SkipPolicyPath
        $config = New-PesterConfiguration
        $config.Run.Path = $TestsPath
        $config.Run.PassThru = $true
        $config.Output.Verbosity = 'Detailed'
        $config.TestResult.Enabled = $true
        $config.TestResult.OutputPath = Join-Path $ResultsDir 'testResults.xml'
        $result = Invoke-Pester -Configuration $config
        $failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
        $skipped = @(Get-SkippedTest $result)
        @{ Passed = $result.PassedCount; Failed = $failed; Skipped = $skipped } | ConvertTo-Json -Depth 3 | Set-Content $TotalsFile
    }
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes(
            "& { $runner } '$pester' '$(Join-Path $Root 'tests')' '$resultsDir' '$totalsFile' '$(Join-Path $Root 'tools/SkipPolicy.psm1')'"))
    $exitCode = Invoke-ChildPwsh -ArgumentList @('-OutputFormat', 'Text', '-EncodedCommand', $encoded) -Timeout $TestTimeout

    $passed = 0
    $failed = 1
    if (Test-Path $totalsFile) {
        $totals = Get-Content $totalsFile -Raw | ConvertFrom-Json
        $passed = $totals.Passed
        $failed = $totals.Failed
        $failed += Write-SkippedTest @($totals.Skipped)
    }
    else {
        Write-Host "Pester did not report totals (child pwsh exit code $exitCode)."
    }
    $passed += $unit.Passed
    $failed += $unit.Failed
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

function Invoke-BenchTask {
    Invoke-BuildTask
    $arguments = @('-File', (Join-Path $Root 'bench/Invoke-Benchmark.ps1'), '-ModulePath', $ModuleOutput)
    if ($Quick) { $arguments += '-Quick' }
    $exitCode = Invoke-ChildPwsh -ArgumentList $arguments -Timeout ([TimeSpan]::FromHours(2))
    if ($exitCode -ne 0) {
        exit $exitCode
    }
}

function Invoke-PackageTask {
    Invoke-BuildTask
    $package = Join-Path $Output 'package'
    if (Test-Path $package) {
        Remove-Item $package -Recurse -Force
    }
    New-Item -ItemType Directory -Path $package | Out-Null
    # A file-system repository registered just for this publish, so nothing is sent anywhere.
    $repository = "LoadTest-Package-$([Guid]::NewGuid().ToString('N'))"
    Register-PSResourceRepository -Name $repository -Uri $package -Trusted
    try {
        Publish-PSResource -Path $ModuleOutput -Repository $repository -SkipDependenciesCheck
    }
    finally {
        Unregister-PSResourceRepository -Name $repository
    }
    Write-Host "Package written: $((Get-ChildItem $package -Filter '*.nupkg').FullName)"
}

function Invoke-CleanTask {
    foreach ($path in @($Output, (Join-Path $Root 'src/LoadTest/bin'), (Join-Path $Root 'src/LoadTest/obj'),
            (Join-Path $Root 'tests/bin'), (Join-Path $Root 'tests/obj'),
            (Join-Path $Root 'tests/LoadTest.UnitTests/bin'), (Join-Path $Root 'tests/LoadTest.UnitTests/obj'),
            (Join-Path $Root 'tests/LoadTest.Fuzz/bin'), (Join-Path $Root 'tests/LoadTest.Fuzz/obj'))) {
        if (Test-Path $path) {
            Remove-Item $path -Recurse -Force
        }
    }
}

switch ($Task) {
    'Build' { Invoke-BuildTask }
    'Docs' { Invoke-DocsTask }
    'Test' { Invoke-TestTask }
    'Demo' { Invoke-DemoTask }
    'Bench' { Invoke-BenchTask }
    'Package' { Invoke-PackageTask }
    'Clean' { Invoke-CleanTask }
}
