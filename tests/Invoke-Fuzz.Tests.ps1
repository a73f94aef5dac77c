# tools/Invoke-Fuzz.ps1, the fuzzing of the wire code (bench/FUZZ.md), checked end to end on its canary target: a
# target that fails on purpose for a chunk size above 0xffff, one inserted digit away from its seed. The run publishes
# the harness, instruments LoadTest.dll with SharpFuzz, runs Debian's afl++ (installed when missing) for 30 s, and
# must catch that finding and report it.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $found = Find-DebianProgram '/usr/bin/afl-fuzz' 'afl++' 'runs Debian''s afl++'
}

Describe 'Invoke-Fuzz' {
    It 'catches the canary target''s planted finding through afl++ and SharpFuzz, and reports it' {
        if ($found.PlatformMissing) { Skip-UnlessPlatform -Supported $false -Because $found.PlatformMissing }
        if ($found.SkipReason) { Set-ItResult -Skipped -Because $found.SkipReason }

        $output = Join-Path $TestDrive 'fuzz'
        $summary = & (Join-Path $PSScriptRoot '../tools/Invoke-Fuzz.ps1') -Target canary -Duration '00:00:30' -Output $output 6> $null
        $summary.Target | Should -Be 'canary'
        $summary.Hangs | Should -Be 0
        $summary.Crashes | Should -BeGreaterOrEqual 1
        $stats = Get-Content (Join-Path $output 'canary/default/fuzzer_stats') | Where-Object { $_ -match '^execs_done\s*:' }
        $stats | Should -Be ('execs_done        : {0}' -f $summary.Executions)

        # Every crash afl kept is the planted finding when the harness replays it.
        $crashes = @(Get-ChildItem (Join-Path $output 'canary/default/crashes') -File | Where-Object Name -NE 'README.txt')
        $replayed = & dotnet (Join-Path $output 'replay/LoadTest.Fuzz.dll') canary @($crashes | ForEach-Object FullName)
        $LASTEXITCODE | Should -Be 1
        @($replayed | Where-Object { $_ -match ': FINDING System.InvalidOperationException: The canary''s planted finding\.' }).Count | Should -Be $crashes.Count
    }
}
