# The HTML report: one self-contained file, opened in a real browser (headless chromium), every chart drawn,
# nothing fetched, small enough for the longest runs, and clear errors for bad input.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module (Join-Path $PSScriptRoot '../tools/ReportBrowser.psm1') -Force
    Install-Chromium
    $server = Start-TestServer -MaxDelayMs 20

    # A scheduled run with failures (so every chart has something to draw, the corrected latency too), and a plain one.
    $scheduled = Invoke-BoundedRequest -Uri "$($server.Uri)flaky/10?i={0}" -Count 1500 -ThrottleLimit 32 -RequestsPerSecond 1000 -Interval 0.25 -Summary -WarningAction SilentlyContinue
    $plain = Invoke-BoundedRequest -Uri "$($server.Uri)p/{0}" -Count 1000 -ThrottleLimit 16 -Interval 0.25 -Summary
    $verdicts = $scheduled | Assert-RunSummary -MaxErrorRate 0.5 -MaxP99Ms 0.001 -Report
    # A run in two stages: up to 100 req/s over 1 s, then down to 0 over 1 s.
    $staged = Invoke-BoundedRequest -Uri "$($server.Uri)p/{0}" -Stage @{ Duration = '1s'; RequestsPerSecond = 100 }, @{ Duration = '1s'; RequestsPerSecond = 0 } -Interval 0.25 -Summary

    # The JSON the page charts, as it is in the file.
    function Get-ReportData([string] $Path) {
        [regex]::Match((Get-Content $Path -Raw), '<script type="application/json" id="report-data">(.*?)</script>', 'Singleline').Groups[1].Value
    }

    function Get-Chart($Rendering, [string] $Id) { $Rendering.Charts | Where-Object Id -EQ $Id }
}

AfterAll {
    $server | Stop-TestServer
}

Describe 'Export-RunReport in a browser' {
    It 'draws every chart of a run, with data and without errors, and saves a screenshot' {
        $path = Join-Path $TestDrive 'one.html'
        $file = $scheduled | Export-RunReport $path -Threshold $verdicts -PassThru
        $file | Should -BeOfType 'System.IO.FileInfo'
        $file.FullName | Should -Be $path

        $page = Invoke-HeadlessChromium -Path $path
        $rendering = Get-ReportRendering $page.Dom
        $rendering.Errors | Should -BeNullOrEmpty
        $rendering.Ready | Should -BeTrue
        $rendering.ChartCount | Should -Be 6
        $rendering.Charts.Id | Should -Be @('chart-rate', 'chart-latency', 'chart-corrected', 'chart-failures', 'chart-status', 'chart-percentiles')
        foreach ($chart in $rendering.Charts) {
            $chart.Canvases | Should -Be 1 -Because "$($chart.Id) is drawn on a canvas"
            $chart.Series | Should -BeGreaterThan 0
            $chart.Points | Should -BeGreaterThan 0 -Because "$($chart.Id) has data"
        }
        # Achieved and planned; P50, P90, P99, Max; one error kind (HttpError); 200 and 503; plain and corrected.
        (Get-Chart $rendering 'chart-rate').Series | Should -Be 2
        (Get-Chart $rendering 'chart-latency').Series | Should -Be 4
        (Get-Chart $rendering 'chart-failures').Series | Should -Be 1
        (Get-Chart $rendering 'chart-status').Series | Should -Be 2
        (Get-Chart $rendering 'chart-percentiles').Series | Should -Be 2

        $png = Join-Path $TestDrive 'one.png'
        $shot = Invoke-HeadlessChromium -Path $path -Screenshot $png
        $shot.ExitCode | Should -Be 0
        $bytes = [IO.File]::ReadAllBytes($png)
        $bytes[0..3] | Should -Be @(0x89, 0x50, 0x4E, 0x47)
        $bytes.Length | Should -BeGreaterThan 50KB
    }

    It 'overlays two runs in every chart, each under its label' {
        $path = Join-Path $TestDrive 'two.html'
        $scheduled, $plain | Export-RunReport $path -Label 'baseline', 'candidate' -Title 'Baseline & candidate'
        $rendering = Get-ReportRendering (Invoke-HeadlessChromium -Path $path).Dom
        $rendering.Errors | Should -BeNullOrEmpty
        $rendering.ChartCount | Should -Be 6
        # The candidate adds its achieved rate, its 4 latency lines, its 200s and its distribution; it has no failures
        # and no schedule, so no corrected lines.
        (Get-Chart $rendering 'chart-rate').Series | Should -Be 3
        (Get-Chart $rendering 'chart-latency').Series | Should -Be 8
        (Get-Chart $rendering 'chart-corrected').Series | Should -Be 4
        (Get-Chart $rendering 'chart-failures').Series | Should -Be 1
        (Get-Chart $rendering 'chart-status').Series | Should -Be 3
        (Get-Chart $rendering 'chart-percentiles').Series | Should -Be 3
        $html = Get-Content $path -Raw
        $html | Should -Match '<title>Baseline &amp; candidate</title>'
        $html | Should -Match '<thead><tr><th></th><th>baseline</th><th>candidate</th></tr></thead>'
        $data = Get-ReportData $path | ConvertFrom-Json
        $data.runs.label | Should -Be @('baseline', 'candidate')
    }

    It 'shows the names in the legend at rest, as a screenshot sees it, and no "Time: -"' {
        $path = Join-Path $TestDrive 'legend.html'
        $scheduled, $plain | Export-RunReport $path -Label 'baseline', 'candidate'
        $dom = (Invoke-HeadlessChromium -Path $path).Dom
        # Every chart's plot is at rest: its legend's values (and the time's entry) are hidden by the page's style.
        [regex]::Matches($dom, '<div class="uplot[^"]*\bidle\b').Count | Should -Be 6
        $dom | Should -Match '<div class="u-label">baseline P99</div>'
        $dom | Should -Match '<div class="u-label">candidate achieved</div>'
        (Get-Content $path -Raw) | Should -Match '\.uplot\.idle \.u-legend \.u-value, \.uplot\.idle \.u-legend \.u-series:first-child \{ display: none; \}'
    }

    It 'keeps a report of many runs readable: a colour per run, and P50 and P99 only' {
        $path = Join-Path $TestDrive 'many.html'
        $plain, $plain, $plain, $plain, $plain, $scheduled | Export-RunReport $path
        $rendering = Get-ReportRendering (Invoke-HeadlessChromium -Path $path).Dom
        $rendering.Errors | Should -BeNullOrEmpty
        $rendering.ChartCount | Should -Be 6
        # Six runs: P50 and P99 of each, not 24 lines; achieved for each and planned for the scheduled one.
        (Get-Chart $rendering 'chart-latency').Series | Should -Be 12
        (Get-Chart $rendering 'chart-corrected').Series | Should -Be 2
        (Get-Chart $rendering 'chart-rate').Series | Should -Be 7
    }

    It 'shows Compare-RunSummary''s verdicts at the top of a baseline-against-candidate report' {
        $rows = Compare-RunSummary $plain $scheduled -MaxP99Increase '1%' -MaxThroughputDecrease '99%' -ErrorAction SilentlyContinue
        $path = Join-Path $TestDrive 'compare.html'
        $plain, $scheduled | Export-RunReport $path -Label 'baseline', 'candidate' -Comparison $rows
        $html = Get-Content $path -Raw
        $regressed = @($rows | Where-Object Verdict -EQ 'Regressed').Count
        $checked = @($rows | Where-Object Verdict -NE 'NotChecked').Count
        $checked | Should -Be 2
        $html | Should -Match ('<h2 id="comparison" class="verdict-(passed|failed)">Against the baseline: ' + $(if ($regressed) { "$regressed of 2 measures checked regressed" } else { 'no regression in 2 measures checked' }) + '</h2>')
        $p99 = $rows | Where-Object Measure -EQ 'P99Ms'
        $html | Should -Match ('<tr><td>P99Ms \(ms\)</td><td class="num">{0}</td><td class="num">{1}</td><td class="num">[+-]?[\d.]+ %</td><td class="num">&lt;= {2}</td><td class="verdict-(passed|failed)">' -f
            [regex]::Escape($p99.Baseline.ToString('0.###', [cultureinfo]::InvariantCulture)), [regex]::Escape($p99.Candidate.ToString('0.###', [cultureinfo]::InvariantCulture)), [regex]::Escape($p99.Limit.ToString('0.###', [cultureinfo]::InvariantCulture)))
        $html | Should -Match '<tr><td>CorrectedP50Ms \(ms\)</td>.*<td>not checked</td></tr>'
        # Rows read back from a file make the same table.
        $file = Join-Path $TestDrive 'rows.xml'
        $rows | Export-Clixml $file
        $again = Join-Path $TestDrive 'compare-xml.html'
        $plain, $scheduled | Export-RunReport $again -Label 'baseline', 'candidate' -Comparison (Import-Clixml $file)
        [regex]::Match((Get-Content $again -Raw), '<table class="comparison">.*?</table>', 'Singleline').Value | Should -Be ([regex]::Match($html, '<table class="comparison">.*?</table>', 'Singleline').Value)
        { $plain | Export-RunReport $path -Comparison ([pscustomobject]@{ Name = 'x' }) } | Should -Throw -ErrorId 'InvalidComparison,LoadTest.Commands.ExportRunReportCommand'
    }

    It 'marks the stages of a staged run on the rate chart, each at its place on the time axis and labelled with its target' {
        $staged.Stages.ToString() | Should -Be '1s to 100 req/s, 1s to 0 req/s'
        $path = Join-Path $TestDrive 'stages.html'
        $staged, $plain | Export-RunReport $path -Label 'staged', 'plain'
        $dom = (Invoke-HeadlessChromium -Path $path).Dom
        (Get-ReportRendering $dom).Errors | Should -BeNullOrEmpty
        # Only the rate chart has stage bands, and only the staged run's.
        [regex]::Matches($dom, 'class="stages"').Count | Should -Be 1
        $rate = [regex]::Match($dom, '<section class="chart" id="chart-rate".*?</section>', 'Singleline').Value
        $layer = [regex]::Match($rate, '<div class="stages" data-x-min="([-\d.e]+)" data-x-max="([-\d.e]+)" data-width="(\d+)">')
        $layer.Success | Should -BeTrue
        $min, $max, $width = [double]$layer.Groups[1].Value, [double]$layer.Groups[2].Value, [double]$layer.Groups[3].Value
        $bands = [regex]::Matches($rate, '<div class="stage[^"]*" data-start="([\d.]+)" data-end="([\d.]+)" style="left: ([\d.]+)px; width: ([\d.]+)px;"><span>([^<]+)</span>')
        $bands.Count | Should -Be 2
        $bands | ForEach-Object { $_.Groups[5].Value } | Should -Be @('staged to 100 req/s', 'staged to 0 req/s')

        # The schedule starts at the summary's StartTime; the time axis at its first row.
        $offset = ($staged.StartTime.ToUniversalTime() - $staged.TimeSeries[0].StartTime.ToUniversalTime()).TotalSeconds
        $offset | Should -BeGreaterOrEqual 0
        for ($i = 0; $i -lt 2; $i++) {
            $start, $end = [double]$bands[$i].Groups[1].Value, [double]$bands[$i].Groups[2].Value
            $start | Should -BeGreaterOrEqual ($offset + $i - 0.001)
            $start | Should -BeLessOrEqual ($offset + $i + 0.001)
            ($end - $start) | Should -BeGreaterOrEqual 0.998
            ($end - $start) | Should -BeLessOrEqual 1.002
            # In pixels: where the drawn x scale puts those seconds (a band is cut where the data ends).
            $from, $to = [Math]::Max($start, $min), [Math]::Min($end, $max)
            $left = ($from - $min) / ($max - $min) * $width
            [double]$bands[$i].Groups[3].Value | Should -BeGreaterOrEqual ($left - 1)
            [double]$bands[$i].Groups[3].Value | Should -BeLessOrEqual ($left + 1)
            [double]$bands[$i].Groups[4].Value | Should -BeGreaterOrEqual (($to - $from) / ($max - $min) * $width - 1)
            [double]$bands[$i].Groups[4].Value | Should -BeLessOrEqual (($to - $from) / ($max - $min) * $width + 1)
        }
        # The first band starts inside the plot, a visible distance from its left edge.
        [double]$bands[0].Groups[3].Value | Should -BeGreaterThan 0
    }

    It 'makes no request: the browser sees the page load itself and nothing else' {
        $path = Join-Path $TestDrive 'offline.html'
        $scheduled, $plain | Export-RunReport $path
        $page = Watch-ChromiumPage -Path $path -Expression 'document.body.dataset.ready'
        $page.Value | Should -Be 'true'
        $page.Errors | Should -BeNullOrEmpty
        $page.Requests | Should -Be @($page.Url)

        # The same watch sees a request the page's policy blocks: add an image from elsewhere to a copy.
        $probe = Join-Path $TestDrive 'probe.html'
        (Get-Content $path -Raw) -replace '<main id="charts"></main>', '<main id="charts"></main><img src="https://cdn.example.invalid/x.png">' |
            Set-Content $probe -NoNewline
        $blocked = Watch-ChromiumPage -Path $probe -Expression 'document.getElementById("errors").textContent'
        $blocked.Requests | Should -Be @($blocked.Url, 'https://cdn.example.invalid/x.png')
        $blocked.Value | Should -Match 'Blocked by the page''s policy: img-src https://cdn.example.invalid/x.png'
    }

    It 'holds its scripts and styles inline, under a policy that allows only them' {
        $path = Join-Path $TestDrive 'policy.html'
        $scheduled | Export-RunReport $path
        $html = Get-Content $path -Raw
        $html | Should -Not -Match '(?i)<(script|img|link|iframe|source|video|audio)\b[^>]*\b(src|href)\s*='
        $html | Should -Not -Match '(?i)url\(|@import'
        $html | Should -Not -Match '(?i)(src|href)\s*=\s*[''"]?https?://'
        $policy = [regex]::Match($html, '<meta http-equiv="Content-Security-Policy" content="([^"]+)">').Groups[1].Value
        $policy | Should -Match "^default-src 'none'; script-src 'sha256-[^']+' 'sha256-[^']+'; style-src 'sha256-[^']+'; base-uri 'none'; form-action 'none'$"
        # Each inline script and style is allowed by its hash, and nothing else is.
        $sha = [Security.Cryptography.SHA256]::Create()
        $inline = [regex]::Matches($html, '<(script|style)>(.*?)</\1>', 'Singleline')
        $inline.Count | Should -Be 3
        foreach ($block in $inline) {
            $hash = [Convert]::ToBase64String($sha.ComputeHash([Text.Encoding]::UTF8.GetBytes($block.Groups[2].Value)))
            $policy | Should -BeLike "*'sha256-$hash'*"
        }
        $html | Should -Match 'https://github.com/leeoniya/uPlot \(v1\.6\.32\)'
        $html | Should -Match 'Copyright \(c\) 2022 Leon Sorokin'
    }
}

Describe 'Export-RunReport content' {
    It 'shows what was run and the verdicts' {
        $path = Join-Path $TestDrive 'header.html'
        $scheduled | Export-RunReport $path -Threshold $verdicts
        $html = Get-Content $path -Raw
        $count = $scheduled.Count.ToString('N0', [cultureinfo]::InvariantCulture)
        $html | Should -Match "<tr><th>Requests</th><td>$count</td></tr>"
        $html | Should -Match '<tr><th>Throttle limit</th><td>32</td></tr>'
        $html | Should -Match '<tr><th>Planned rate</th><td>1,000.0 req/s</td></tr>'
        $html | Should -Match "<tr><th>Failures</th><td>HttpError: $($scheduled.Failed.ToString('N0', [cultureinfo]::InvariantCulture))</td></tr>"
        $html | Should -Match '<tr><th>Corrected latency \(ms\)</th><td>P50 [\d.]+, P90 [\d.]+, P99 [\d.]+, P99\.9 [\d.]+, Max [\d.]+</td></tr>'
        $html | Should -Match ([regex]::Escape("by LoadTest $((Get-Module LoadTest).Version) on $([Environment]::MachineName) (") + '.*' + [regex]::Escape("$([Environment]::ProcessorCount) cores"))
        $html | Should -Match '<h2 id="verdicts" class="verdict-failed">1 of 2 thresholds failed</h2>'
        $html | Should -Match '<tr><td>ErrorRate &lt;= 0.5</td><td>[\d.]+</td><td class="verdict-passed">passed</td></tr>'
        $html | Should -Match '<tr><td>P99Ms &lt;= 0.001</td><td>[\d.]+</td><td class="verdict-failed">FAILED</td></tr>'
    }

    It 'shows a summary''s Target and Stages when it has them' {
        $copy = $plain | ConvertTo-Json -Depth 6 | ConvertFrom-Json
        # Set the target to text that must be encoded, and the stages as a summary of an older version kept them: as text.
        $copy.Target = 'http://127.0.0.1/<api>'
        $copy.Stages = '10s to 100 req/s, 30s to 500 req/s'
        $path = Join-Path $TestDrive 'target.html'
        $copy | Export-RunReport $path
        $html = Get-Content $path -Raw
        $html | Should -Match '<tr><th>Target</th><td>http://127.0.0.1/&lt;api&gt;</td></tr>'
        $html | Should -Match '<tr><th>Stages</th><td>10s to 100 req/s, 30s to 500 req/s</td></tr>'
    }

    It 'places stages from the Stages text and StartTime, each schedule of a merge from the same start, and skips text it cannot read' {
        $copy = $staged | ConvertTo-Json -Depth 6 | ConvertFrom-Json
        $path = Join-Path $TestDrive 'stages-json.html'
        $copy | Export-RunReport $path
        $live = Join-Path $TestDrive 'stages-live.html'
        $staged | Export-RunReport $live
        Get-ReportData $path | Should -BeExactly (Get-ReportData $live)

        $offset = [Math]::Round(($staged.StartTime.ToUniversalTime() - $staged.TimeSeries[0].StartTime.ToUniversalTime()).TotalSeconds, 3)
        $copy.Stages = '1s to 100 req/s, 1s to 0 req/s; 500ms to 4 in flight, 1m to 0 in flight, 1h30m to 2.5 req/s'
        $copy | Export-RunReport $path
        $stages = (Get-ReportData $path | ConvertFrom-Json).runs[0].stages
        $stages.target | Should -Be @('to 100 req/s', 'to 0 req/s', 'to 4 in flight', 'to 0 in flight', 'to 2.5 req/s')
        # Compared to the ms: the page's seconds and these sums round differently in the last binary digit.
        $stages.start | ForEach-Object { [Math]::Round($_, 3) } | Should -Be (@($offset, ($offset + 1), $offset, ($offset + 0.5), ($offset + 60.5)) | ForEach-Object { [Math]::Round($_, 3) })
        $stages.end | ForEach-Object { [Math]::Round($_, 3) } | Should -Be (@(($offset + 1), ($offset + 2), ($offset + 0.5), ($offset + 60.5), ($offset + 5460.5)) | ForEach-Object { [Math]::Round($_, 3) })

        $copy.Stages = '10s@100, 30s@500'
        $copy | Export-RunReport $path
        (Get-ReportData $path | ConvertFrom-Json).runs[0].PSObject.Properties.Name | Should -Not -Contain 'stages'
    }

    It 'draws the same data from a summary read back from Clixml or JSON' {
        $live = Join-Path $TestDrive 'live.html'
        $scheduled | Export-RunReport $live
        $xml = Join-Path $TestDrive 'summary.xml'
        $scheduled | Export-Clixml $xml
        $fromXml = Join-Path $TestDrive 'xml.html'
        Import-Clixml $xml | Export-RunReport $fromXml
        $fromJson = Join-Path $TestDrive 'json.html'
        $scheduled | ConvertTo-Json -Depth 6 | ConvertFrom-Json | Export-RunReport $fromJson
        $expected = Get-ReportData $live
        $expected.Length | Should -BeGreaterThan 1000
        Get-ReportData $fromXml | Should -BeExactly $expected
        Get-ReportData $fromJson | Should -BeExactly $expected
    }

    It 'plots the distribution as HdrHistogram does: 1/(1-p) against the latency, ending at the slowest request' {
        $known = New-KnownSummary @(@{ Count = 980; Ms = 5 }, @{ Count = 15; Ms = 20 }, @{ Count = 5; Ms = 100 })
        $path = Join-Path $TestDrive 'known.html'
        $known | Export-RunReport $path
        $hdr = (Get-ReportData $path | ConvertFrom-Json).runs[0].hdr
        # HdrHistogram's reporting points, 5 per halving of the distance to 100 %: 0 %, 10 %, 20 % ... 50 %, 55 % ...
        $hdr.x[0..2] | Should -Be @(1, 1.111, 1.25)
        $hdr.x[5] | Should -Be 2
        $hdr.raw[0] | Should -Be 5.003
        for ($i = 1; $i -lt $hdr.x.Count; $i++) { $hdr.x[$i] | Should -BeGreaterThan $hdr.x[$i - 1] }
        # 99 % is 1/(1-0.99) = 100: the 20 ms requests; the last point is the slowest, at the request count.
        $hdr.raw[[array]::FindIndex([double[]]$hdr.x, [Predicate[double]] { param($x) $x -ge 100 })] | Should -Be 20.015
        $hdr.x[-1] | Should -Be 1000
        $hdr.raw[-1] | Should -Be 100.031
    }

    It 'stays under 2 MB for a run of 10^8 requests: 2,000 rows with failures, status codes and a schedule' {
        $known = New-KnownSummary @(@{ Count = 1000; Ms = 5 })
        $random = [Random]::new(16)
        $start = [datetime]::new(2026, 1, 1, 0, 0, 0, [DateTimeKind]::Utc)
        $ms = { [Math]::Round(1 + $random.NextDouble() * 250, 3) }
        $rows = foreach ($i in 0..1999) {
            $completed = 50000 + $random.Next(-5000, 5000)
            $failed = $random.Next(0, 300)
            [pscustomobject]@{
                StartTime = $start.AddSeconds($i); IntervalSeconds = 1; Started = $completed; Completed = $completed; Failed = $failed
                BytesReceived = 13 * $completed; InFlight = 64; PlannedRequestsPerSecond = 50000
                StatusCodeCounts = "200=$($completed - $failed); 500=$([int]($failed / 2)); 503=$($failed - [int]($failed / 2))"
                ErrorKindCounts = "HttpError=$($failed - 3); Timeout=2; ConnectionReset=1"
                P50Ms = & $ms; P90Ms = & $ms; P99Ms = & $ms; MaxMs = & $ms
                CorrectedP50Ms = & $ms; CorrectedP90Ms = & $ms; CorrectedP99Ms = & $ms; CorrectedMaxMs = & $ms
            }
        }
        $summary = [pscustomobject]@{
            Count = 100000000; Failed = 300000; Retries = 0; ElapsedSeconds = 2000; RequestsPerSecond = 50000; BytesReceived = 1300000000
            ThrottleLimit = 64; TargetRequestsPerSecond = 50000; Planned = 100000000; Late = 0; Dropped = 0; StartTime = $start
            StatusCodeCounts = @{ '200' = 99700000; '500' = 150000; '503' = 150000 }; ErrorKindCounts = @{ HttpError = 300000 }
            P50Ms = $known.P50Ms; Histogram = $known.Histogram; CorrectedHistogram = $known.CorrectedHistogram; TimeSeries = @($rows)
        }
        $path = Join-Path $TestDrive 'large.html'
        $summary | Export-RunReport $path
        (Get-Item $path).Length | Should -BeLessThan 2MB

        $rendering = Get-ReportRendering (Invoke-HeadlessChromium -Path $path).Dom
        $rendering.Errors | Should -BeNullOrEmpty
        $rendering.ChartCount | Should -Be 6
        (Get-Chart $rendering 'chart-latency').Points | Should -Be 8000
        (Get-Chart $rendering 'chart-failures').Series | Should -Be 3
        (Get-Chart $rendering 'chart-status').Points | Should -Be 6000
    }
}

Describe 'Export-RunReport input' {
    It 'writes one run per summary and an InvalidSummary error per other input' {
        $path = Join-Path $TestDrive 'mixed.html'
        'text', $plain, [pscustomobject]@{ Count = 3 } | Export-RunReport $path -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems.Count | Should -Be 2
        $problems.FullyQualifiedErrorId | Should -Be @('InvalidSummary,LoadTest.Commands.ExportRunReportCommand', 'InvalidSummary,LoadTest.Commands.ExportRunReportCommand')
        (Get-ReportData $path | ConvertFrom-Json).runs.label | Should -Be 'Run 1'
    }

    It 'writes no file and a NoSummary error when no summary came' {
        $path = Join-Path $TestDrive 'none.html'
        @() | Export-RunReport $path -ErrorVariable problems -ErrorAction SilentlyContinue
        'text' | Export-RunReport $path -ErrorVariable more -ErrorAction SilentlyContinue
        $problems.FullyQualifiedErrorId | Should -Be 'NoSummary,LoadTest.Commands.ExportRunReportCommand'
        $more.FullyQualifiedErrorId | Should -Be @('InvalidSummary,LoadTest.Commands.ExportRunReportCommand', 'NoSummary,LoadTest.Commands.ExportRunReportCommand')
        Test-Path $path | Should -BeFalse
    }

    It 'stops with ReportWriteFailed when the file cannot be written' {
        { $plain | Export-RunReport (Join-Path $TestDrive 'missing/folder/report.html') } |
            Should -Throw -ErrorId 'ReportWriteFailed,LoadTest.Commands.ExportRunReportCommand'
        { $plain | Export-RunReport $TestDrive } | Should -Throw -ErrorId 'ReportWriteFailed,LoadTest.Commands.ExportRunReportCommand'
    }

    It 'stops with InvalidThreshold for a -Threshold that is not a verdict, and takes verdicts read back from a file' {
        $path = Join-Path $TestDrive 'verdicts.html'
        { $plain | Export-RunReport $path -Threshold 'fast' } | Should -Throw -ErrorId 'InvalidThreshold,LoadTest.Commands.ExportRunReportCommand'
        $xml = Join-Path $TestDrive 'verdicts.xml'
        $verdicts | Export-Clixml $xml
        $plain | Export-RunReport $path -Threshold (Import-Clixml $xml)
        Get-Content $path -Raw | Should -Match '<h2 id="verdicts" class="verdict-failed">1 of 2 thresholds failed</h2>'
    }

    It 'names runs from -Label in order, and the rest Run N' {
        $path = Join-Path $TestDrive 'labels.html'
        $plain, $plain, $plain | Export-RunReport $path -Label 'first'
        (Get-ReportData $path | ConvertFrom-Json).runs.label | Should -Be @('first', 'Run 2', 'Run 3')
    }
}
