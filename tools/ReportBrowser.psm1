# Opens LoadTest's HTML reports in a real browser (Debian's chromium, headless): the DOM after the page's scripts
# ran, a screenshot, and whether the page tried to reach the network. Used by tests/Export-RunReport.Tests.ps1 and
# to make the README's screenshot (docs/images/report.png), so that both come from the same code path.
Set-StrictMode -Version Latest

# Installs Debian's chromium when it is missing (apt-get update first: a fresh machine's package lists are empty).
function Install-Chromium {
    if (Get-Command chromium -CommandType Application -ErrorAction Ignore) {
        return
    }
    foreach ($arguments in @(@('update'), @('install', '-y', '--no-install-recommends', 'chromium'))) {
        & apt-get -o DPkg::Lock::Timeout=600 -q @arguments | Out-Null
        if ($LASTEXITCODE -ne 0) {
            throw "apt-get $($arguments -join ' ') failed with exit code $LASTEXITCODE."
        }
    }
}

function New-UserDataDirectory {
    (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "loadtest-chromium-$([Guid]::NewGuid().ToString('N'))")).FullName
}

# Headless, a fresh profile, as little background traffic as the flags allow, and whatever remains (Chromium's
# updater and account checks) sent to a proxy on a closed loopback port, so nothing leaves the machine.
function Get-ChromiumArgument([string] $UserData) {
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start()
    $closedPort = $listener.LocalEndpoint.Port
    $listener.Stop()
    @(
        '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', "--user-data-dir=$UserData",
        '--no-first-run', '--no-default-browser-check', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--disable-extensions', '--disable-default-apps', '--metrics-recording-only', '--disable-breakpad',
        '--disable-features=OptimizationHints,MediaRouter,Translate,NetworkTimeServiceQuerying',
        "--proxy-server=http://127.0.0.1:$closedPort", '--proxy-bypass-list=<-loopback>'
    )
}

function Start-Chromium([string[]] $Arguments) {
    $start = [Diagnostics.ProcessStartInfo]::new('chromium')
    foreach ($argument in $Arguments) { $start.ArgumentList.Add($argument) }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    [Diagnostics.Process]::Start($start)
}

# Runs headless chromium on a local HTML file and returns the DOM after its scripts ran, or with -Screenshot writes
# a PNG of the page instead.
function Invoke-HeadlessChromium {
    param(
        [Parameter(Mandatory)] [string] $Path,
        [string] $Screenshot,
        [int] $Width = 1200,
        [int] $Height = 2700,
        [int] $TimeoutSec = 120
    )
    $userData = New-UserDataDirectory
    $arguments = @(Get-ChromiumArgument $userData) + @("--window-size=$Width,$Height", '--virtual-time-budget=10000')
    $arguments += if ($Screenshot) { "--screenshot=$Screenshot" } else { '--dump-dom' }
    $arguments += [Uri]::new((Resolve-Path -LiteralPath $Path).ProviderPath).AbsoluteUri
    $process = Start-Chromium $arguments
    try {
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSec * 1000)) {
            $process.Kill($true)
            throw "chromium did not finish within $TimeoutSec s on $Path."
        }
        [pscustomobject]@{ ExitCode = $process.ExitCode; Dom = $stdout.Result; Log = $stderr.Result }
    }
    finally {
        $process.Dispose()
        Remove-Item -LiteralPath $userData -Recurse -Force -ErrorAction Ignore
    }
}

# What the report's script left in the DOM: how many charts it drew, each chart's series and points, and the text
# of its error box (errors, console errors, blocked requests), empty when nothing went wrong.
function Get-ReportRendering {
    param([Parameter(Mandatory)] [string] $Dom)
    $body = [regex]::Match($Dom, '<body([^>]*)>').Groups[1].Value
    $charts = foreach ($match in [regex]::Matches($Dom, '<section class="chart" id="([^"]+)" data-series="(\d+)" data-points="(\d+)">(.*?)</section>', 'Singleline')) {
        [pscustomobject]@{
            Id = $match.Groups[1].Value
            Series = [int]$match.Groups[2].Value
            Points = [int]$match.Groups[3].Value
            Canvases = [regex]::Matches($match.Groups[4].Value, '<canvas ').Count
        }
    }
    [pscustomobject]@{
        Ready = $body -match 'data-ready="true"'
        ChartCount = if ($body -match 'data-charts="(\d+)"') { [int]$Matches[1] } else { 0 }
        Charts = @($charts)
        Errors = [Net.WebUtility]::HtmlDecode([regex]::Match($Dom, '<pre id="errors"[^>]*>(.*?)</pre>', 'Singleline').Groups[1].Value)
    }
}

# Opens a local HTML file in headless chromium under the DevTools protocol and returns every request the page made
# (Network.requestWillBeSent of its own target: the file itself, and anything it tried to fetch, blocked or not),
# its console errors and uncaught exceptions, and the value of -Expression evaluated after the load event.
function Watch-ChromiumPage {
    param(
        [Parameter(Mandatory)] [string] $Path,
        [string] $Expression = 'document.title',
        [int] $TimeoutSec = 120
    )
    $userData = New-UserDataDirectory
    $process = Start-Chromium (@(Get-ChromiumArgument $userData) + @('--remote-debugging-port=0', 'about:blank'))
    $socket = [Net.WebSockets.ClientWebSocket]::new()
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    try {
        # Chromium writes its port and browser endpoint here once it listens.
        $portFile = Join-Path $userData 'DevToolsActivePort'
        while (-not ((Test-Path $portFile) -and @(Get-Content $portFile).Count -ge 2)) {
            if ([DateTime]::UtcNow -gt $deadline -or $process.HasExited) { throw "chromium did not open its DevTools port." }
            Start-Sleep -Milliseconds 50
        }
        $port, $endpoint = @(Get-Content $portFile)
        $socket.ConnectAsync([Uri]"ws://127.0.0.1:$port$endpoint", [Threading.CancellationToken]::None).Wait()
        $session = [pscustomobject]@{ Socket = $socket; NextId = 0; Deadline = $deadline; Events = [Collections.Generic.List[object]]::new() }

        $target = (Invoke-DevTools $session 'Target.createTarget' @{ url = 'about:blank' }).targetId
        $sessionId = (Invoke-DevTools $session 'Target.attachToTarget' @{ targetId = $target; flatten = $true }).sessionId
        foreach ($domain in 'Network', 'Runtime', 'Log', 'Page') {
            $null = Invoke-DevTools $session "$domain.enable" @{} $sessionId
        }
        $url = [Uri]::new((Resolve-Path -LiteralPath $Path).ProviderPath).AbsoluteUri
        $null = Invoke-DevTools $session 'Page.navigate' @{ url = $url } $sessionId
        while (-not ($session.Events | Where-Object { $_.method -eq 'Page.loadEventFired' -and $_.sessionId -eq $sessionId })) {
            Receive-DevTools $session | Out-Null
        }
        $evaluated = (Invoke-DevTools $session 'Runtime.evaluate' @{ expression = $Expression; returnByValue = $true } $sessionId).result
        $value = if ($evaluated.PSObject.Properties['value']) { $evaluated.value } else { $null }
        $null = Invoke-DevTools $session 'Browser.close' @{}

        $mine = @($session.Events | Where-Object { $_.PSObject.Properties['sessionId'] -and $_.sessionId -eq $sessionId })
        [pscustomobject]@{
            Url = $url
            Requests = @($mine | Where-Object method -EQ 'Network.requestWillBeSent' | ForEach-Object { $_.params.request.url })
            Errors = @($mine | ForEach-Object { Get-DevToolsError $_ } | Where-Object { $_ })
            Value = $value
        }
    }
    finally {
        $socket.Dispose()
        if (-not $process.WaitForExit(10000)) { $process.Kill($true) }
        $process.Dispose()
        Remove-Item -LiteralPath $userData -Recurse -Force -ErrorAction Ignore
    }
}

# The text of an uncaught exception, a console error or an error logged by the browser (a blocked load); else nothing.
function Get-DevToolsError($Event) {
    # Event shapes vary by kind: read them loosely.
    Set-StrictMode -Off
    switch ($Event.method) {
        'Runtime.exceptionThrown' { $details = $Event.params.exceptionDetails; if ($details.exception.description) { $details.exception.description } else { $details.text } }
        'Runtime.consoleAPICalled' { if ($Event.params.type -in 'error', 'assert') { ($Event.params.args | ForEach-Object { if ($null -ne $_.value) { $_.value } else { $_.description } }) -join ' ' } }
        'Log.entryAdded' { if ($Event.params.entry.level -eq 'error') { $Event.params.entry.text } }
    }
}

# Sends one DevTools command and returns its result, keeping the events that arrive meanwhile.
function Invoke-DevTools($Session, [string] $Method, [hashtable] $Params, [string] $SessionId) {
    $id = ++$Session.NextId
    $message = @{ id = $id; method = $Method; params = $Params }
    if ($SessionId) { $message.sessionId = $SessionId }
    $bytes = [Text.Encoding]::UTF8.GetBytes(($message | ConvertTo-Json -Depth 5 -Compress))
    $Session.Socket.SendAsync([ArraySegment[byte]]::new($bytes), 'Text', $true, [Threading.CancellationToken]::None).Wait()
    while ($true) {
        $reply = Receive-DevTools $Session
        if ($reply.PSObject.Properties['id'] -and $reply.id -eq $id) {
            if ($reply.PSObject.Properties['error']) { throw "DevTools $Method failed: $($reply.error.message)" }
            return $reply.result
        }
    }
}

# Reads one whole message (events are kept in the session), within the session's deadline.
function Receive-DevTools($Session) {
    $buffer = [byte[]]::new(65536)
    $text = [IO.MemoryStream]::new()
    do {
        $left = $Session.Deadline - [DateTime]::UtcNow
        if ($left -le [TimeSpan]::Zero) { throw 'The page did not finish loading in time.' }
        $receive = $Session.Socket.ReceiveAsync([ArraySegment[byte]]::new($buffer), [Threading.CancellationToken]::None)
        if (-not $receive.Wait($left)) { throw 'The page did not finish loading in time.' }
        $text.Write($buffer, 0, $receive.Result.Count)
    } until ($receive.Result.EndOfMessage)
    $message = [Text.Encoding]::UTF8.GetString($text.ToArray()) | ConvertFrom-Json
    if ($message.PSObject.Properties['method']) { $Session.Events.Add($message) }
    $message
}

Export-ModuleMember -Function Install-Chromium, Invoke-HeadlessChromium, Get-ReportRendering, Watch-ChromiumPage
