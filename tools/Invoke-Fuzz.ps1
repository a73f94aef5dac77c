#Requires -Version 7.4
<#
.SYNOPSIS
    Fuzzes LoadTest's wire code with afl++ and SharpFuzz: the HTTP/1.1 head parser and chunked decoder (http1), the
    HPACK decoder (hpack), and the HTTP/2 read loop with its frame dispatch (http2).
.DESCRIPTION
    Publishes tests/LoadTest.Fuzz, instruments the LoadTest.Wire namespaces of its LoadTest.dll with SharpFuzz (the
    repository's dotnet tool), and runs afl-fuzz (Debian's afl++, installed when missing) on each target in turn for
    -Duration, at the lowest priority (nice 19), starting from the seed corpus in tests/LoadTest.Fuzz/corpus/<target>.
    afl-fuzz writes to <Output>/<target> (its queue, crashes, hangs and fuzzer_stats). Each finding is replayed
    through an uninstrumented copy of the harness (<Output>/replay), which prints the exception. The last line per target is its summary; the script's output
    is one object per target (Target, Seconds, Executions, ExecsPerSecond, Paths, Crashes, Hangs, Findings).
    A finding becomes a unit test: copy the input into tests/LoadTest.Fuzz/corpus/<target>, which the unit tests
    replay (CorpusTests), and fix the parser or report it (bench/FUZZ.md).
.PARAMETER Target
    The targets to run, one after the other; the three of the wire code by default. 'canary' fails on purpose on an
    input one byte away from its seed: a run of it shows that findings are caught and reported (tests/Invoke-Fuzz.Tests.ps1).
.PARAMETER Duration
    How long afl-fuzz runs each target.
.PARAMETER Output
    Where afl-fuzz writes; output/fuzz by default.
.PARAMETER Resume
    Goes on from the queue a previous run left in Output instead of the seed corpus.
.PARAMETER Configuration
    Release by default. Debug compiles LoadTest's Debug.Assert lines in: a failed one ends the process, which afl
    counts as a crash (slower, and a check of the asserts under hostile input).
.EXAMPLE
    dotnet pwsh tools/Invoke-Fuzz.ps1 -Target hpack -Duration 01:00:00
#>
[CmdletBinding()]
param(
    [ValidateSet('http1', 'hpack', 'http2', 'canary')]
    [string[]] $Target = @('http1', 'hpack', 'http2'),

    [TimeSpan] $Duration = [TimeSpan]::FromMinutes(10),

    [string] $Output = (Join-Path $PSScriptRoot '../output/fuzz'),

    [switch] $Resume,

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
$harness = Join-Path $root 'tests/LoadTest.Fuzz'
New-Item -ItemType Directory -Path $Output -Force | Out-Null
$Output = (Resolve-Path $Output).Path
$bin = Join-Path $Output 'bin'
# An uninstrumented copy replays findings: instrumented code writes to afl's shared memory, which exists only under afl.
$replay = Join-Path $Output 'replay'

function Invoke-Checked([string] $FilePath, [string[]] $ArgumentList) {
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) {
        throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE."
    }
}

# afl-fuzz's fuzzer_stats: "name : value" lines.
function Read-FuzzerStat([string] $Path) {
    $stats = @{}
    foreach ($line in Get-Content $Path) {
        if ($line -match '^\s*(\w+)\s*:\s*(.*?)\s*$') {
            $stats[$Matches[1]] = $Matches[2]
        }
    }
    return $stats
}

if (-not (Get-Command afl-fuzz -ErrorAction Ignore)) {
    Write-Host 'Installing afl++ (Debian)'
    Invoke-Checked apt-get @('update', '-qq')
    Invoke-Checked apt-get @('install', '-y', '-qq', 'afl++')
}

# LoadTest.csproj embeds uPlot, which the build fetches.
if (-not (Test-Path (Join-Path $root 'src/LoadTest/obj/uplot/uPlot.iife.min.js'))) {
    Invoke-Checked dotnet @('pwsh', '-NoProfile', (Join-Path $root 'build.ps1'), 'Build')
}
# Fresh folders: publish leaves an unchanged (already instrumented) LoadTest.dll in place, which SharpFuzz refuses.
foreach ($folder in $bin, $replay) {
    if (Test-Path $folder) {
        Remove-Item $folder -Recurse -Force
    }
}
Invoke-Checked dotnet @('publish', (Join-Path $harness 'LoadTest.Fuzz.csproj'), '-c', $Configuration, '-o', $bin, '--nologo', '-v', 'quiet')
Copy-Item $bin $replay -Recurse
Push-Location $root
try {
    Invoke-Checked dotnet @('tool', 'restore')
    # Only the wire code is instrumented: coverage of the rest would be noise to afl.
    Invoke-Checked dotnet @('tool', 'run', 'sharpfuzz', (Join-Path $bin 'LoadTest.dll'), 'LoadTest.Wire')
}
finally {
    Pop-Location
}

# SharpFuzz's binary is dotnet, which afl cannot check for instrumentation; the machine is shared, so afl binds to
# no core of its own, and the kernel's core pattern and CPU governor are left as they are.
$aflEnvironment = @{
    AFL_SKIP_BIN_CHECK                    = '1'
    AFL_NO_AFFINITY                       = '1'
    AFL_SKIP_CPUFREQ                      = '1'
    AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES = '1'
    AFL_NO_UI                             = '1'
    AFL_AUTORESUME                        = if ($Resume) { '1' } else { $null }
}
$saved = @{}
foreach ($key in $aflEnvironment.Keys) {
    $saved[$key] = [Environment]::GetEnvironmentVariable($key)
    [Environment]::SetEnvironmentVariable($key, $aflEnvironment[$key])
}

try {
    foreach ($name in $Target) {
        $findings = Join-Path $Output $name
        if (-not $Resume -and (Test-Path $findings)) {
            Remove-Item $findings -Recurse -Force
        }
        $seeds = if ($Resume -and (Test-Path $findings)) { '-' } else { Join-Path $harness "corpus/$name" }
        $log = Join-Path $Output "$name.log"
        $seconds = [int][Math]::Ceiling($Duration.TotalSeconds)
        Write-Host "Fuzzing $name for $Duration (afl-fuzz log: $log)"
        & nice -n 19 afl-fuzz -i $seeds -o $findings -t 5000 -m none -V $seconds -- dotnet (Join-Path $bin 'LoadTest.Fuzz.dll') $name *> $log
        $statsFile = Join-Path $findings 'default/fuzzer_stats'
        if (-not (Test-Path $statsFile)) {
            Get-Content $log -Tail 30 | Write-Host
            throw "afl-fuzz wrote no statistics for $name (exit code $LASTEXITCODE); see $log."
        }

        $stats = Read-FuzzerStat $statsFile
        $crashes = @(Get-ChildItem (Join-Path $findings 'default/crashes') -File -ErrorAction Ignore | Where-Object Name -NE 'README.txt')
        $hangs = @(Get-ChildItem (Join-Path $findings 'default/hangs') -File -ErrorAction Ignore)
        $replayed = @()
        if ($crashes.Count + $hangs.Count -gt 0) {
            # The harness's replay mode prints each input's outcome or the exception it escaped with.
            $inputs = @($crashes | ForEach-Object FullName) + @($hangs | ForEach-Object FullName)
            $replayed = & dotnet (Join-Path $replay 'LoadTest.Fuzz.dll') $name @inputs
            $replayed | Write-Host
        }

        $summary = [pscustomobject]@{
            Target         = $name
            Seconds        = [int]$stats['run_time']
            Executions     = [long]$stats['execs_done']
            ExecsPerSecond = [double]$stats['execs_per_sec']
            Paths          = [int]$stats['corpus_count']
            Crashes        = $crashes.Count
            Hangs          = $hangs.Count
            Findings       = $findings
        }
        Write-Host ("{0}: {1:N0} executions in {2} s ({3:N0}/s), {4} paths, {5} crashes, {6} hangs" -f $name, $summary.Executions,
            $summary.Seconds, $summary.ExecsPerSecond, $summary.Paths, $summary.Crashes, $summary.Hangs)
        $summary
    }
}
finally {
    # The caller's process (a Pester run, say) gets its environment back.
    foreach ($key in $saved.Keys) {
        [Environment]::SetEnvironmentVariable($key, $saved[$key])
    }
}
