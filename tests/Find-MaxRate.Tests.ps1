# Find-MaxRate: a capacity search against test servers whose answer is known.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
}

Describe 'Find-MaxRate finds a known capacity' {
    BeforeAll {
        # Sheds (503) every request above 400 per second: at 1 % errors allowed, the capacity is 400 req/s.
        $server = Start-TestServer -CapacityPerSecond 400
        $answer = Find-MaxRate -Uri "$($server.Uri)item/{0}" -StartRate 100 -StepDuration 2 -MaxErrorRate 0.01 -ThrottleLimit 32
    }

    AfterAll {
        $server | Stop-TestServer
    }

    It 'lands within 10 % of the capacity, with the capacity between the highest passing and lowest failing rates' {
        $answer | Should -BeOfType 'LoadTest.CapacityResult'
        $answer.MaxRequestsPerSecond | Should -BeGreaterOrEqual 360
        $answer.MaxRequestsPerSecond | Should -BeLessOrEqual 440
        $answer.LowestFailingRequestsPerSecond | Should -BeGreaterThan $answer.MaxRequestsPerSecond
        $answer.Uncertainty | Should -Be (($answer.LowestFailingRequestsPerSecond - $answer.MaxRequestsPerSecond) / $answer.MaxRequestsPerSecond)
        $answer.Uncertainty | Should -BeLessOrEqual 0.05
        $answer.EndReason | Should -Be 'the answer is within the precision asked for'
        $answer.Objective | Should -Be 'error rate <= 0.01'
        $answer.Target | Should -Be "$($server.Uri)item/{0}"
    }

    It 'doubles from the start rate while steps pass, then bisects' {
        $steps = @($answer.Steps)
        $steps[0].RequestsPerSecond | Should -Be 100
        $steps[1].RequestsPerSecond | Should -Be 200
        $steps[0].Passed | Should -BeTrue
        $steps.Step | Should -Be (1..$steps.Count)
        $failed = @($steps | Where-Object { -not $_.Passed })
        $failed.Count | Should -BeGreaterThan 0
        ($steps | Where-Object Passed | Measure-Object RequestsPerSecond -Maximum).Maximum | Should -Be $answer.MaxRequestsPerSecond
        ($failed | Measure-Object RequestsPerSecond -Minimum).Minimum | Should -Be $answer.LowestFailingRequestsPerSecond
    }

    It 'judges each step by its own summary, and says why a step failed' {
        foreach ($step in $answer.Steps) {
            $step.Summary | Should -BeOfType 'LoadTest.RunSummary'
            $step.Count | Should -Be $step.Summary.Count
            $step.Failed | Should -Be $step.Summary.Failed
            # One name, one meaning: P99Ms is from each request's start, as in every summary.
            $step.P99Ms | Should -Be $step.Summary.P99Ms
            $step.CorrectedP99Ms | Should -Be $step.Summary.CorrectedLatency.P99Ms
            $step.Summary.TargetRequestsPerSecond | Should -Be $step.RequestsPerSecond
            if ($step.Passed) {
                $step.Reason | Should -BeNullOrEmpty
                $step.ErrorRate | Should -BeLessOrEqual 0.01
            }
            else {
                $step.Reason | Should -Match '^(error rate [\d.]+ is over 0\.01|stopped early, \d+ of \d+ requests failed \(error rate [\d.]+, far over 0\.01\))$'
            }
        }
    }

    It 'stops a clearly failing step early, and says so in the objective''s terms, not the early stop''s' {
        # Four times the capacity: three requests in four are shed, far over the 1 % allowed.
        $far = Find-MaxRate -Uri "$($server.Uri)far/{0}" -StartRate 1600 -MaxRate 1600 -MaxSteps 1 -StepDuration 2 -WarmUp 0 -MaxErrorRate 0.01 -ThrottleLimit 32
        $step = $far.Steps[0]
        $step.Passed | Should -BeFalse
        $step.Summary.IsPartial | Should -BeTrue
        $step.Count | Should -BeLessThan 1600
        $step.Summary.StopReason | Should -Match '^Stopped early: \d+ of \d+ requests failed \([\d.]+ ?%\), far over the objective''s error rate of 1\.00 ?%\.$'
        $step.Summary.StopReason | Should -Not -BeLike '*-MaxErrorRate*'
        $step.Reason | Should -Match '^stopped early, \d+ of \d+ requests failed \(error rate [\d.]+, far over 0\.01\)$'
    }
}

Describe 'Find-MaxRate ends the search' {
    BeforeAll {
        $server = Start-TestServer -MinDelayMs 40 -MaxDelayMs 40
    }

    AfterAll {
        $server | Stop-TestServer
    }

    It 'at -MaxRate when every rate passes, with no failing rate' {
        $answer = Find-MaxRate -Uri "$($server.Uri)x/{0}" -StartRate 20 -MaxRate 40 -StepDuration 0.5 -WarmUp 0
        @($answer.Steps).RequestsPerSecond | Should -Be @(20, 40)
        $answer.MaxRequestsPerSecond | Should -Be 40
        $answer.LowestFailingRequestsPerSecond | Should -BeNullOrEmpty
        $answer.Uncertainty | Should -BeNullOrEmpty
        $answer.EndReason | Should -Be 'the highest rate tried (-MaxRate) passed'
    }

    It 'after -MaxSteps, halving while a latency objective fails' {
        $answer = Find-MaxRate -Uri "$($server.Uri)x/{0}" -StartRate 40 -StepDuration 0.5 -MaxP99Ms 20 -MaxSteps 3 -WarmUp 0
        @($answer.Steps).RequestsPerSecond | Should -Be @(40, 20, 10)
        @($answer.Steps | Where-Object Passed).Count | Should -Be 0
        foreach ($step in $answer.Steps) {
            $step.Reason | Should -Match '^P99 [\d.]+ ms is over 20 ms$'
        }
        $answer.MaxRequestsPerSecond | Should -Be 0
        $answer.LowestFailingRequestsPerSecond | Should -Be 10
        $answer.EndReason | Should -Be 'the 3 steps of -MaxSteps were made'
        $answer.Objective | Should -Be 'error rate <= 0.01, P99 <= 20 ms'
    }

    It 'judges -MaxP99Ms on the plain P99 and -MaxCorrectedP99Ms on the corrected one' {
        # 40 ms answers: a P99 of about 40 ms from each request's start passes 100 ms; a corrected P99 objective of 20 ms fails.
        $plain = Find-MaxRate -Uri "$($server.Uri)p/{0}" -StartRate 20 -MaxRate 20 -StepDuration 0.5 -WarmUp 0 -MaxP99Ms 100
        $plain.Steps[0].Passed | Should -BeTrue
        $plain.Objective | Should -Be 'error rate <= 0.01, P99 <= 100 ms'
        $corrected = Find-MaxRate -Uri "$($server.Uri)c/{0}" -StartRate 20 -MaxRate 20 -StepDuration 0.5 -WarmUp 0 -MaxSteps 1 -MaxCorrectedP99Ms 20
        $corrected.Steps[0].Passed | Should -BeFalse
        $corrected.Steps[0].Reason | Should -Match '^corrected P99 [\d.]+ ms is over 20 ms$'
        $corrected.Objective | Should -Be 'error rate <= 0.01, corrected P99 <= 20 ms'
    }

    It 'says "none yet" for the highest passing rate before a step has passed' {
        $ps = New-ModulePowerShell
        try {
            $null = $ps.AddCommand('Find-MaxRate').AddParameter('Uri', "$($server.Uri)n/{0}").AddParameter('StartRate', 20).AddParameter('MaxRate', 40).
                AddParameter('StepDuration', 0.3).AddParameter('WarmUp', 0)
            $null = $ps.Invoke()
            $lines = @($ps.Streams.Progress | Where-Object RecordType -EQ 'Processing' | ForEach-Object StatusDescription)
            $lines[0] | Should -Match '^Step 1: 20 req/s for 0\.3 s; highest passed none yet, lowest failed none yet$'
            $lines[-1] | Should -Match '^Step 2: 40 req/s for 0\.3 s; highest passed 20, lowest failed none yet$'
        }
        finally {
            $ps.Dispose()
        }
    }

    It 'keeps a step that spent its error budget as a failed step, even under -ErrorAction Stop' {
        $shedding = Start-TestServer -CapacityPerSecond 20
        try {
            $answer = Find-MaxRate -Uri "$($shedding.Uri)x/{0}" -StartRate 200 -MaxRate 200 -StepDuration 2 -WarmUp 0 -MaxSteps 1 -ErrorAction Stop
        }
        finally {
            $shedding | Stop-TestServer
        }
        $answer.Steps.Count | Should -Be 1
        $answer.Steps[0].Passed | Should -BeFalse
        $answer.Steps[0].Summary.IsPartial | Should -BeTrue
        $answer.Steps[0].Reason | Should -BeLike 'stopped early, * requests failed (error rate *, far over 0.01)'
        $answer.MaxRequestsPerSecond | Should -Be 0
    }

    It 'passes the request parameters to every step' {
        $answer = Find-MaxRate -Uri "$($server.Uri)status/404?i={0}" -SuccessStatusCode 404 -StartRate 20 -MaxRate 20 -StepDuration 0.5 -WarmUp 0
        $answer.Steps[0].Passed | Should -BeTrue
        $answer.Steps[0].Summary.StatusCodeCounts['404'] | Should -Be $answer.Steps[0].Count
    }
}

Describe 'Find-MaxRate refuses bad input' {
    It 'refuses -MaxRate below -StartRate' {
        { Find-MaxRate -Uri 'http://127.0.0.1:9/x' -StartRate 100 -MaxRate 50 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidCapacitySearch,LoadTest.Commands.FindMaxRateCommand' -ExpectedMessage '*-MaxRate must be at least -StartRate*'
    }

    It 'passes on a step''s setup error, before any request' {
        $err = $null
        try { Find-MaxRate -Uri '/relative' -StepDuration 0.5 -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidUri,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}
