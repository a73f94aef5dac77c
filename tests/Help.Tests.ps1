# The help of every exported cmdlet: complete in Get-Help, in step with the cmdlets. Every example Get-Help prints
# (each cmdlet's and about_LoadTest's) is taken from its output and runs as pasted against a test server.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $commands = Get-Command -Module LoadTest -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } }

    # Examples are taken from what Get-Help prints in a console of this width, as a user copies them: Get-Help
    # wraps a cmdlet example's lines at the console's width, so an example must fit to paste.
    $width = 120

    # A cmdlet's examples as Get-Help -Examples prints them: a title between rows of dashes (on more than one
    # line when long), a blank line, the code, a blank line, the remarks. Expected is the code the help holds.
    function Get-CmdletExample([string] $Name) {
        $help = @((Get-Help $Name -Examples).Examples.Example)
        $lines = (Get-Help $Name -Examples | Out-String -Width $width) -split '\r?\n'
        $number = 0
        for ($i = 0; $i -lt $lines.Count; $i++) {
            if ($lines[$i] -notmatch '^ {4}-{10,} ') { continue }
            $title = $lines[$i].Substring(4)
            while ($i + 1 -lt $lines.Count -and $lines[$i + 1].Trim()) { $title += $lines[++$i] -replace '^ {4}', '' }
            do { $i++ } while ($i -lt $lines.Count -and -not $lines[$i].Trim())
            $code = [System.Collections.Generic.List[string]]::new()
            while ($i -lt $lines.Count -and $lines[$i].Trim()) { $code.Add($lines[$i++]) }
            $i--
            @{
                Page = $Name
                Title = $title -replace '^-+ | -+\s*$', ''
                Code = $code -join "`n"
                Expected = @($help[$number].Code -split '\r?\n' | ForEach-Object { "    $_" }) -join "`n"
            }
            $number++
        }
    }

    # An about topic's examples as Get-Help prints it: the runs of lines at column 8 (blank lines inside them
    # included), each named by the (sub)section it is in, with (2), (3) for a second and third one there.
    function Get-AboutExample([string] $Name) {
        $lines = (Get-Help $Name | Out-String) -split '\r?\n'
        $title = ''
        $inTitle = 0
        for ($i = 0; $i -lt $lines.Count; $i++) {
            if ($lines[$i] -match '^(?:[A-Z][A-Z ]*|  (\S.*))$') {
                $title = if ($Matches[1]) { $Matches[1] } else { $lines[$i] }
                $inTitle = 0
                continue
            }
            if ($lines[$i] -notmatch '^ {8}') { continue }
            $code = [System.Collections.Generic.List[string]]::new()
            while ($i -lt $lines.Count -and ($lines[$i] -match '^ {8}' -or -not $lines[$i].Trim())) { $code.Add($lines[$i++]) }
            $i--
            while (-not $code[$code.Count - 1].Trim()) { $code.RemoveAt($code.Count - 1) }
            $inTitle++
            $text = $code -join "`n"
            @{ Page = $Name; Title = $(if ($inTitle -gt 1) { "$title ($inTitle)" } else { $title }); Code = $text; Expected = $text }
        }
    }

    # The few examples a test cannot run, each with the reason; each is still parsed.
    $notRun = @{
        'about_LoadTest: Fanning out over remoting' = 'it needs remote machines named load1, load2 and load3'
        'about_LoadTest: Tracing the wire' = 'it needs dotnet-trace, a .NET global tool, and another pwsh to trace'
        'Invoke-BoundedRequest: Example 12: Watch a long run in Prometheus and Grafana' =
            'a 2-minute run that serves Prometheus on the fixed port 9464, to be watched'
    }

    $examples = @(
        foreach ($command in $commands) { Get-CmdletExample $command.Name }
        Get-AboutExample 'about_LoadTest'
    )
    foreach ($example in $examples) {
        $example.Width = $width
        $example.NotRun = $notRun["$($example.Page): $($example.Title)"]
    }
    $notRunFound = foreach ($key in $notRun.Keys) {
        @{ Key = $key; Reason = $notRun[$key]; Found = @($examples | Where-Object { "$($_.Page): $($_.Title)" -eq $key }).Count }
    }
    $aboutSections = foreach ($section in 'Stages and ramps', 'Late and dropped', 'The time series', 'Finding the capacity', 'The HTML report') {
        @{ Section = $section; Count = @($examples | Where-Object { $_.Page -eq 'about_LoadTest' -and $_.Title -eq $section }).Count }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    $docs = Join-Path $PSScriptRoot '../docs/en-US'
}

Describe 'Help for <Name>' -ForEach $commands {
    BeforeAll {
        $help = Get-Help $Name -Full
        $command = Get-Command $Name
        $parameters = $command.Parameters.Values | Where-Object Name -NotIn $common
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "*$Name *[<CommonParameters>]*"
        ($help.Description.Text -join ' ').Length | Should -BeGreaterThan 40
    }

    It 'has at least two examples, each with code and remarks' {
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        foreach ($example in $help.Examples.Example) {
            $example.Code | Should -Not -BeNullOrEmpty
            ($example.Remarks.Text -join '') | Should -Not -BeNullOrEmpty
        }
    }

    It 'documents every parameter with its type and pipeline behaviour' {
        foreach ($p in $parameters) {
            $doc = $help.Parameters.Parameter | Where-Object Name -EQ $p.Name
            $doc | Should -Not -BeNullOrEmpty -Because "-$($p.Name) must be documented"
            ($doc.Description.Text -join '') | Should -Not -BeNullOrEmpty -Because "-$($p.Name) needs a description"
            $doc.Type.Name | Should -Not -BeNullOrEmpty -Because "-$($p.Name) needs a type"
            $byValue = ($p.ParameterSets.Values.ValueFromPipeline) -contains $true
            $byName = ($p.ParameterSets.Values.ValueFromPipelineByPropertyName) -contains $true
            if ($byValue) { $doc.PipelineInput | Should -BeLike '*ByValue*' -Because "-$($p.Name) takes pipeline input" }
            if ($byName) { $doc.PipelineInput | Should -BeLike '*ByPropertyName*' -Because "-$($p.Name) takes input by property name" }
            if (-not ($byValue -or $byName)) { $doc.PipelineInput | Should -Be 'False' }
        }
    }

    It 'has a syntax item per parameter set, each parameter in it required and positioned as in that set' {
        $items = @($help.Syntax.SyntaxItem)
        $items.Count | Should -Be $command.ParameterSets.Count
        foreach ($set in $command.ParameterSets) {
            $members = @($set.Parameters | Where-Object Name -NotIn $common)
            $names = ($members.Name | Sort-Object) -join ','
            $item = @($items | Where-Object { (@($_.Parameter.Name | Sort-Object) -join ',') -eq $names })
            $item.Count | Should -Be 1 -Because "one syntax item has the parameters of the set $($set.Name)"
            foreach ($p in $members) {
                $doc = $item[0].Parameter | Where-Object Name -EQ $p.Name
                $doc.Required | Should -Be "$($p.IsMandatory)".ToLowerInvariant() -Because "-$($p.Name) in the set $($set.Name)"
                $position = if ($p.Position -ge 0) { "$($p.Position)" } else { 'named' }
                $doc.Position | Should -Be $position -Because "the position of -$($p.Name) in the set $($set.Name)"
            }
        }
    }

    It 'opens its docs page with -Online: the first related link is the page''s URI' {
        $links = @($help.RelatedLinks.NavigationLink)
        $links[0].LinkText | Should -Be 'Online Version:'
        $links[0].Uri | Should -Be "https://github.com/loadtest/LoadTest/blob/main/docs/en-US/$Name.md"
    }

    It 'has a docs page that lists exactly the parameters the cmdlet has' {
        $page = Get-Content (Join-Path $docs "$Name.md") -Raw
        $documented = [regex]::Matches($page, '(?m)^### -(\w+)\s*$') | ForEach-Object { $_.Groups[1].Value }
        ($documented | Sort-Object) -join ',' | Should -Be (($parameters.Name | Sort-Object) -join ',')
        foreach ($p in $parameters) {
            $section = [regex]::Match($page, "(?ms)^### -$($p.Name)\s*$.*?^Aliases:[ ]*(?<aliases>[^\r\n]*)$")
            $section.Groups['aliases'].Value.Trim() | Should -Be ($p.Aliases -join ', ') -Because "the aliases of -$($p.Name)"
        }
        $page | Should -Match '(?m)^external help file: LoadTest.dll-Help.xml$'
        $page | Should -Match "(?m)^online version: https://github.com/loadtest/LoadTest/blob/main/docs/en-US/$Name.md$"
        $page | Should -Match '(?m)^Module Name: LoadTest$'
        foreach ($section in 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES') {
            $page | Should -Match "(?m)^## $section\s*$"
        }
    }
}

Describe 'Help for Start-TestServer -Full' {
    It 'shows each route of its list once' {
        $page = Get-Content (Join-Path $docs 'Start-TestServer.md') -Raw
        $description = ($page -split '(?m)^## DESCRIPTION\s*$')[1] -split '(?m)^## ' | Select-Object -First 1
        # Each list item up to its colon: "any path not listed below", "/delay/{ms}", ..., "faults on purpose".
        $routes = [regex]::Matches($description, '(?m)^- ([^:]+):') | ForEach-Object { $_.Groups[1].Value -replace '`', '' }
        @($routes).Count | Should -BeGreaterOrEqual 10
        $text = Get-Help Start-TestServer -Full | Out-String -Width 4000
        foreach ($route in $routes) {
            [regex]::Matches($text, '(?m)^\s*- ' + [regex]::Escape($route) + ':').Count | Should -Be 1 -Because "the route $route is one list item"
        }
    }
}

Describe 'Help for Invoke-BoundedRequest -Count' {
    It 'shows -Count as optional with -Uri and with -Session (-Duration or -Stage can end a fanned-out run too)' {
        (Get-Help Invoke-BoundedRequest -Parameter Count).Required | Should -Be 'false'
        $syntax = (Get-Help Invoke-BoundedRequest | Out-String -Width 4000) -split '\r?\n' | Where-Object { $_ -match '^\s*Invoke-BoundedRequest \[-Uri\]' }
        @($syntax).Count | Should -Be 2
        @($syntax | Where-Object { $_ -notmatch '-Session' -and $_ -match '\[-Count <Int64>\]' }).Count | Should -Be 1
        @($syntax | Where-Object { $_ -match '-Session <PSSession\[\]>' -and $_ -match '\[-Count <Int64>\]' }).Count | Should -Be 1
    }
}

Describe 'about_LoadTest' {
    It 'is shown by Get-Help' {
        $text = Get-Help about_LoadTest | Out-String
        $text | Should -Match 'Little''s law'
        $text | Should -Match 'coordinated omission'
    }

    It 'shows an example in its section on <Section>' -ForEach $aboutSections {
        $Count | Should -BeGreaterOrEqual 1 -Because 'the example tests run every code block Get-Help prints'
    }

    It 'shows its synopsis as Get-Help lists it, the whole short description' {
        (Get-Help about_LoadTest).Synopsis | Should -Match '^How LoadTest sends .* how to read its numbers\.$'
    }
}

Describe 'The examples not run' {
    It 'name an example Get-Help shows: <Key> (<Reason>)' -ForEach $notRunFound {
        $Found | Should -Be 1
    }
}

Describe 'Example "<Title>" of <Page>' -ForEach $examples {
    It 'is printed by Get-Help as written, each line on a line of its own within <Width> columns' {
        $Code | Should -Be $Expected -Because 'Get-Help wraps a line wider than the console, and a blank line ends an example''s code'
        foreach ($line in $Code -split "`n") {
            $line.Length | Should -BeLessOrEqual $Width -Because "the line '$($line.Trim())' is printed on one line"
        }
    }

    It 'parses as PowerShell' {
        $errors = $null
        $null = [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref]$null, [ref]$errors)
        ($errors | ForEach-Object { "$($_.Extent.StartLineNumber): $($_.Message)" }) -join '; ' | Should -BeNullOrEmpty
    }

    # Not a skipped test for an example on the list of those not run: CI counts a skip as a failure.
    if ($NotRun) { return }
    It 'runs as pasted into a console whose $server is a Start-TestServer' {
        $ps = New-ModulePowerShell
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid()))
        $environment = [Environment]::GetEnvironmentVariables()
        try {
            # As installed: a pwsh the example starts finds the module. Files the example writes go to its folder.
            $null = $ps.AddScript('
                Set-Location -LiteralPath $args[0]
                $env:PSModulePath = $args[1] + [IO.Path]::PathSeparator + $env:PSModulePath
                $server = Start-TestServer').AddArgument($folder.FullName).AddArgument((Split-Path (Split-Path $ModuleManifest)))
            $null = $ps.Invoke()
            $ps.Commands.Clear()
            $null = $ps.AddScript($Code)
            $output = [System.Management.Automation.PSDataCollection[object]]::new()
            $async = $ps.BeginInvoke[object, object]($null, $output)
            $finished = $async.AsyncWaitHandle.WaitOne([TimeSpan]::FromMinutes(2))
            if (-not $finished) { $ps.Stop() }
            $finished | Should -BeTrue -Because 'every example finishes within 2 minutes'
            $ps.InvocationStateInfo.Reason | Should -BeNullOrEmpty
            $ps.InvocationStateInfo.State | Should -Be 'Completed'
            $ps.HadErrors | Should -BeFalse -Because (($ps.Streams.Error | ForEach-Object ToString) -join '; ')
            $ps.Runspace.SessionStateProxy.GetVariable('LASTEXITCODE') | Should -BeIn @($null, 0) -Because 'a program the example runs succeeds'
            @($output).Count | Should -BeGreaterThan 0 -Because 'every example shows something'
        }
        finally {
            $ps.Commands.Clear()
            $null = $ps.AddScript('Stop-TestServer -All').Invoke()
            $ps.Dispose()
            # The example ran in this process: its environment variables are undone.
            $now = [Environment]::GetEnvironmentVariables()
            foreach ($name in $now.Keys) { if (-not $environment.Contains($name)) { [Environment]::SetEnvironmentVariable($name, $null) } }
            foreach ($name in $environment.Keys) { if ($now[$name] -cne $environment[$name]) { [Environment]::SetEnvironmentVariable($name, $environment[$name]) } }
        }
    }
}
