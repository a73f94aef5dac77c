# The help of every exported cmdlet: complete in Get-Help, in step with the cmdlets, and its examples run.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $commands = Get-Command -Module LoadTest -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } }
    $docs = Join-Path $PSScriptRoot '../docs/en-US'
    $examples = foreach ($page in Get-ChildItem $docs -Filter '*-*.md') {
        $text = Get-Content $page.FullName -Raw
        $examplesPart = ($text -split '(?m)^## EXAMPLES\s*$')[1] -split '(?m)^## PARAMETERS\s*$' | Select-Object -First 1
        $n = 0
        foreach ($m in [regex]::Matches($examplesPart, '(?ms)^### (?<title>[^\r\n]+)\r?\n```powershell\r?\n(?<code>.*?)^```')) {
            $n++
            @{ Page = $page.BaseName; Title = $m.Groups['title'].Value; Code = $m.Groups['code'].Value }
        }
    }

    # about_LoadTest's examples sit in its sections, after the prose: each is named by its section.
    $about = Get-Content (Join-Path $docs 'about_LoadTest.help.md') -Raw
    foreach ($section in [regex]::Matches($about, '(?ms)^##+ (?<title>[^\r\n]+)\r?\n(?<body>.*?)(?=^##|\z)')) {
        foreach ($m in [regex]::Matches($section.Groups['body'].Value, '(?ms)^```powershell\r?\n(?<code>.*?)^```')) {
            $examples += @{ Page = 'about_LoadTest'; Title = $section.Groups['title'].Value; Code = $m.Groups['code'].Value }
        }
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
    It 'shows -Count as optional with -Uri and required with -Session' {
        (Get-Help Invoke-BoundedRequest -Parameter Count).Required | Should -Be 'false'
        $syntax = (Get-Help Invoke-BoundedRequest | Out-String -Width 4000) -split '\r?\n' | Where-Object { $_ -match '^\s*Invoke-BoundedRequest \[-Uri\]' }
        @($syntax).Count | Should -Be 2
        @($syntax | Where-Object { $_ -notmatch '-Session' -and $_ -match '\[-Count <Int64>\]' }).Count | Should -Be 1
        @($syntax | Where-Object { $_ -match '-Session <PSSession\[\]>' -and $_ -match ' -Count <Int64> ' }).Count | Should -Be 1
    }
}

Describe 'about_LoadTest' {
    It 'is shown by Get-Help' {
        $text = Get-Help about_LoadTest | Out-String
        $text | Should -Match 'Little''s law'
        $text | Should -Match 'coordinated omission'
    }

    It 'has a runnable example in each section on <_>' -ForEach 'Stages and ramps', 'Late and dropped', 'The time series', 'Finding the capacity' {
        $about = Get-Content (Join-Path $docs 'about_LoadTest.help.md') -Raw
        $section = [regex]::Match($about, '(?ms)^### ' + [regex]::Escape($_) + '\r?\n(?<body>.*?)(?=^##|\z)').Groups['body'].Value
        $section | Should -Match '(?m)^```powershell' -Because 'the example tests run every powershell block of about_LoadTest'
    }
}

Describe 'Example "<Title>" of <Page>' -ForEach $examples {
    It 'runs against the test server without error' {
        $ps = New-ModulePowerShell
        try {
            $null = $ps.AddScript($Code)
            $output = $ps.Invoke()
            $ps.HadErrors | Should -BeFalse -Because (($ps.Streams.Error | ForEach-Object ToString) -join '; ')
            $ps.InvocationStateInfo.State | Should -Be 'Completed'
            @($output).Count | Should -BeGreaterThan 0 -Because 'every example shows something'
        }
        finally {
            $ps.Commands.Clear()
            $null = $ps.AddScript('Stop-TestServer -All').Invoke()
            $ps.Dispose()
        }
    }
}
