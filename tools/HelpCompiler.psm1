# The help compiler: PlatyPS markdown (docs/<culture>/) to what Get-Help reads, without PlatyPS.
# It reads the PlatyPS v1 markdown schema (schema 2.0.0) with Markdig, which ships with pwsh, and writes the MAML
# PlatyPS's New-ExternalHelp writes: one <command:command> per cmdlet page, and plain text for about topics.
# Used by build.ps1 (Invoke-DocsTask); tested by tests/HelpCompiler.Tests.ps1.

Set-StrictMode -Version Latest

function ConvertTo-XmlText([string] $Text) { [System.Security.SecurityElement]::Escape($Text) }

# Markdown inline syntax to the plain text help shows: `code`, **bold**, [text](link).
function ConvertTo-PlainText([string] $Markdown) {
    $text = $Markdown -replace '\[([^\]]+)\]\([^)]*\)', '$1' -replace '\*\*([^*]+)\*\*', '$1' -replace '`([^`]*)`', '$1'
    ($text -split '\r?\n' | ForEach-Object Trim | Where-Object { $_ }) -join ' '
}

# The key: value pairs of the front matter (the block between the two --- lines at the top).
function Get-FrontMatter([string] $Markdown) {
    $values = @{}
    if ($Markdown -match '(?s)^---\r?\n(?<yaml>.*?)\r?\n---\r?\n') {
        foreach ($line in $Matches['yaml'] -split '\r?\n') {
            if ($line -match '^([^:]+):\s*(.*)$') { $values[$Matches[1].Trim()] = $Matches[2].Trim() }
        }
    }
    return $values
}

# The markdown split into sections: H2 name -> list of blocks, each @{ Kind; Level; Text; Info; Source }.
# A list becomes one Para block per item, so that each item is shown once, on a line of its own.
function Get-MarkdownSections([string] $Markdown) {
    $body = $Markdown -replace '(?s)^---\r?\n.*?\r?\n---\r?\n', ''
    $document = [Markdig.Markdown]::Parse($body)
    $sections = [ordered]@{}
    $current = $null
    # Blocks are tested with if, never with switch: switch enumerates a container block (a list, a quote) and
    # would run once per child.
    foreach ($block in $document) {
        $source = $body.Substring($block.Span.Start, $block.Span.Length)
        if ($block -is [Markdig.Syntax.HeadingBlock] -and $block.Level -le 2) {
            $current = ($source -replace '^#+\s*', '').Trim()
            $sections[$current] = [System.Collections.Generic.List[object]]::new()
            continue
        }
        if ($null -eq $current) { continue }
        $blocks = $sections[$current]
        if ($block -is [Markdig.Syntax.HeadingBlock]) {
            $blocks.Add(@{ Kind = 'Heading'; Level = $block.Level; Text = ($source -replace '^#+\s*', '').Trim(); Source = $source })
        }
        elseif ($block -is [Markdig.Syntax.FencedCodeBlock]) {
            $blocks.Add(@{ Kind = 'Code'; Info = "$($block.Info)"; Text = $block.Lines.ToString().TrimEnd(); Source = $source })
        }
        elseif ($block -is [Markdig.Syntax.ListBlock]) {
            $number = 0
            if ($block.IsOrdered -and -not [int]::TryParse("$($block.OrderedStart)", [ref]$number)) { $number = 1 }
            foreach ($item in $block) {
                $itemSource = $body.Substring($item.Span.Start, $item.Span.Length)
                $marker = if ($block.IsOrdered) { "$number. " } else { '- ' }
                $number++
                $text = ConvertTo-PlainText ($itemSource -replace '^\s*(?:[-*+]|\d+[.)])\s*', '')
                $blocks.Add(@{ Kind = 'Para'; Text = $marker + $text; Source = $itemSource })
            }
        }
        else {
            $blocks.Add(@{ Kind = 'Para'; Text = ConvertTo-PlainText $source; Source = $source })
        }
    }
    return $sections
}

function ConvertTo-MamlParas($Blocks) {
    ($Blocks | Where-Object { $_.Kind -eq 'Para' } | ForEach-Object { "<maml:para>$(ConvertTo-XmlText $_.Text)</maml:para>" }) -join ''
}

# Splits a section into its H3 subsections: list of @{ Title; Blocks }.
function Get-Subsections($Blocks) {
    $list = [System.Collections.Generic.List[object]]::new()
    foreach ($b in $Blocks) {
        if ($b.Kind -eq 'Heading' -and $b.Level -eq 3) {
            $list.Add(@{ Title = $b.Text; Blocks = [System.Collections.Generic.List[object]]::new() })
        }
        elseif ($list.Count -gt 0) {
            $list[$list.Count - 1].Blocks.Add($b)
        }
    }
    return $list
}

# The key: value lines of one yaml block of a parameter.
function ConvertFrom-ParameterYaml([string] $Text) {
    $yaml = @{}
    foreach ($line in $Text -split '\r?\n') {
        if ($line -match '^([^:]+):\s*(.*)$') { $yaml[$Matches[1].Trim()] = $Matches[2].Trim() }
    }
    return $yaml
}

function Test-InParameterSet($Yaml, [string] $SetName) {
    $sets = "$($Yaml['Parameter Sets'])"
    return $SetName -eq '__AllParameterSets' -or -not $sets -or $sets -eq '(All)' -or ($sets -split ',\s*') -contains $SetName
}

function Format-MamlParameter([string] $Name, [string] $Description, $Yaml) {
    $pipeline = if ($Yaml['Accept pipeline input']) { $Yaml['Accept pipeline input'] } else { 'False' }
    $aliases = if ($Yaml['Aliases']) { $Yaml['Aliases'] } else { 'none' }
    $required = "$($Yaml['Required'])".ToLowerInvariant() -eq 'true'
    $position = if ($Yaml['Position'] -and $Yaml['Position'] -ne 'Named') { $Yaml['Position'] } else { 'named' }
    $type = ConvertTo-XmlText $Yaml['Type']
    $isSwitch = $Yaml['Type'] -eq 'SwitchParameter'
    "<command:parameter required=`"$("$required".ToLowerInvariant())`" variableLength=`"true`" globbing=`"false`" pipelineInput=`"$pipeline`" position=`"$position`" aliases=`"$aliases`">" +
    "<maml:name>$Name</maml:name><maml:description>$Description</maml:description>" +
    $(if (-not $isSwitch) { "<command:parameterValue required=`"true`" variableLength=`"false`">$type</command:parameterValue>" }) +
    "<dev:type><maml:name>$type</maml:name><maml:uri /></dev:type>" +
    "<dev:defaultValue>$(ConvertTo-XmlText $Yaml['Default value'])</dev:defaultValue></command:parameter>"
}

<#
.SYNOPSIS
    Converts one cmdlet page (PlatyPS markdown) to its MAML <command:command> element.
.DESCRIPTION
    A parameter whose attributes differ between parameter sets has one yaml block per distinct set of attributes,
    as in PlatyPS: each syntax item takes the block of its own set, and the parameters section takes the first.
    Each syntax item lists its parameters in the order of the page's SYNTAX code block. The front matter's
    "online version" becomes the first related link, which Get-Help -Online opens.
#>
function ConvertTo-MamlCommand {
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory, ValueFromPipeline)] [string] $Markdown)
    process {
        $frontMatter = Get-FrontMatter $Markdown
        $sections = Get-MarkdownSections $Markdown
        $name = @($sections.Keys)[0]
        $verb, $noun = $name -split '-', 2
        $parameters = foreach ($sub in Get-Subsections $sections['PARAMETERS']) {
            if ($sub.Title -eq 'CommonParameters') { continue }
            $yamlBlocks = @($sub.Blocks | Where-Object { $_.Kind -eq 'Code' } | ForEach-Object { ConvertFrom-ParameterYaml $_.Text })
            if ($yamlBlocks.Count -eq 0) { $yamlBlocks = @(@{}) }
            @{ Name = $sub.Title.TrimStart('-'); Description = ConvertTo-MamlParas $sub.Blocks; Yaml = $yamlBlocks }
        }

        $syntaxSets = @(Get-Subsections $sections['SYNTAX'])
        if ($syntaxSets.Count -eq 0) {
            $syntaxSets = @(@{ Title = '__AllParameterSets'; Blocks = @($sections['SYNTAX']) })
        }
        $syntax = foreach ($set in $syntaxSets) {
            $setName = $set.Title -replace '\s*\(Default\)$', ''
            $line = ($set.Blocks | Where-Object { $_ -and $_.Kind -eq 'Code' } | Select-Object -First 1).Text
            # Not $order.Count: a parameter named Count would answer it.
            $order = @{}
            $next = 0
            foreach ($m in [regex]::Matches("$line", '(?<![\w-])-(\w+)')) {
                if (-not $order.ContainsKey($m.Groups[1].Value)) { $order[$m.Groups[1].Value] = $next++ }
            }
            $members = foreach ($p in $parameters) {
                $yaml = $p.Yaml | Where-Object { Test-InParameterSet $_ $setName } | Select-Object -First 1
                if ($yaml) { @{ Name = $p.Name; Description = $p.Description; Yaml = $yaml } }
            }
            $members = $members | Sort-Object -Stable `
                { if ($order.ContainsKey($_.Name)) { $order[$_.Name] } else { [int]::MaxValue } },
                { if ($_.Yaml['Position'] -match '^\d+$') { [int]$_.Yaml['Position'] } else { [int]::MaxValue } },
                { $_.Yaml['Required'] -ne 'True' }
            "<command:syntaxItem><maml:name>$name</maml:name>$(($members | ForEach-Object { Format-MamlParameter $_.Name $_.Description $_.Yaml }) -join '')</command:syntaxItem>"
        }
        $parameterList = ($parameters | ForEach-Object { Format-MamlParameter $_.Name $_.Description $_.Yaml[0] }) -join ''

        $typeList = {
            param($Section, $Element)
            foreach ($sub in Get-Subsections $sections[$Section]) {
                "<command:$Element><dev:type><maml:name>$(ConvertTo-XmlText $sub.Title)</maml:name></dev:type><maml:description>$(ConvertTo-MamlParas $sub.Blocks)</maml:description></command:$Element>"
            }
        }
        $examples = foreach ($example in Get-Subsections $sections['EXAMPLES']) {
            $code = ($example.Blocks | Where-Object { $_.Kind -eq 'Code' } | ForEach-Object Text) -join "`n"
            $remarks = ConvertTo-MamlParas $example.Blocks
            "<command:example><maml:title>-------------------------- $(ConvertTo-XmlText $example.Title) --------------------------</maml:title>" +
            "<dev:code>$(ConvertTo-XmlText $code)</dev:code><dev:remarks>$remarks</dev:remarks></command:example>"
        }
        $links = @(
            if ($frontMatter['online version']) {
                "<maml:navigationLink><maml:linkText>Online Version:</maml:linkText><maml:uri>$(ConvertTo-XmlText $frontMatter['online version'])</maml:uri></maml:navigationLink>"
            }
            foreach ($b in $sections['RELATED LINKS'] | Where-Object { $_.Kind -eq 'Para' }) {
                # Only an absolute link is a URI Get-Help can open; a link to a sibling page is shown as its text.
                $target = if ($b.Source -match '^\s*\[[^\]]*\]\((?<uri>https?://[^)\s]+)\)\s*$') { $Matches['uri'] } else { '' }
                $uri = if ($target) { "<maml:uri>$(ConvertTo-XmlText $target)</maml:uri>" } else { '<maml:uri />' }
                "<maml:navigationLink><maml:linkText>$(ConvertTo-XmlText $b.Text)</maml:linkText>$uri</maml:navigationLink>"
            }
        )
        @"
<command:command xmlns:maml="http://schemas.microsoft.com/maml/2004/10" xmlns:command="http://schemas.microsoft.com/maml/dev/command/2004/10" xmlns:dev="http://schemas.microsoft.com/maml/dev/2004/10" xmlns:MSHelp="http://msdn.microsoft.com/mshelp">
<command:details><command:name>$name</command:name><command:verb>$verb</command:verb><command:noun>$noun</command:noun><maml:description>$(ConvertTo-MamlParas $sections['SYNOPSIS'])</maml:description></command:details>
<maml:description>$(ConvertTo-MamlParas $sections['DESCRIPTION'])</maml:description>
<command:syntax>$($syntax -join '')</command:syntax>
<command:parameters>$parameterList</command:parameters>
<command:inputTypes>$((& $typeList 'INPUTS' 'inputType') -join '')</command:inputTypes>
<command:returnValues>$((& $typeList 'OUTPUTS' 'returnValue') -join '')</command:returnValues>
<maml:alertSet><maml:alert>$(ConvertTo-MamlParas $sections['NOTES'])</maml:alert></maml:alertSet>
<command:examples>$($examples -join '')</command:examples>
<command:relatedLinks>$($links -join '')</command:relatedLinks>
</command:command>
"@
    }
}

<#
.SYNOPSIS
    Converts cmdlet pages (PlatyPS markdown) to one MAML help file's text, the <Module>.dll-Help.xml Get-Help reads.
#>
function ConvertTo-MamlHelp {
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory, ValueFromPipeline)] [string[]] $Markdown)
    begin { $commands = [System.Collections.Generic.List[string]]::new() }
    process { foreach ($page in $Markdown) { $commands.Add((ConvertTo-MamlCommand $page)) } }
    end {
        '<?xml version="1.0" encoding="utf-8"?>' + "`n" + '<helpItems schema="maml" xmlns="http://msh">' + "`n" +
        ($commands -join "`n") + "`n</helpItems>`n"
    }
}

# The code blocks of a markdown text (fenced or indented, also inside lists and quotes), found by Markdig:
# first line number -> @{ Last = last line number; Lines = the code's lines, as written }.
function Get-CodeBlockLines([string] $Markdown) {
    $blocks = @{}
    foreach ($block in [Markdig.Syntax.MarkdownObjectExtensions]::Descendants([Markdig.Markdown]::Parse($Markdown))) {
        if ($block -isnot [Markdig.Syntax.CodeBlock]) { continue }
        # A position's line number is the count of line feeds before it.
        $last = $Markdown.Substring(0, $block.Span.End).Split("`n").Count - 1
        $lines = @($block.Lines.ToString() -split '\n')
        while ($lines.Count -gt 0 -and -not $lines[-1].Trim()) { $lines = @($lines | Select-Object -SkipLast 1) }
        $blocks[$block.Line] = @{ Last = $last; Lines = $lines }
    }
    return $blocks
}

<#
.SYNOPSIS
    Converts an about topic's markdown to the plain text Get-Help shows (about_<Topic>.help.txt).
.DESCRIPTION
    Get-Help prints an about topic's file as it is, so the text is laid out as PowerShell's own about topics are:
    TOPIC and the topic's name, section titles in capitals at column 0, subsection titles at column 2, prose at
    column 4 (a list item's continuation lines up to column 7), one blank line between blocks. Each code block,
    fenced or indented, is at column 8 and otherwise verbatim (comments, backticks, indentation, blank lines), so
    that it pastes as it is printed; prose never reaches column 8. A paragraph of the short description is one line:
    Get-Help takes the fifth line, the first of the short description, as the topic's synopsis.
#>
function ConvertTo-AboutText {
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory, ValueFromPipeline)] [string] $Markdown)
    process {
        $source = $Markdown -replace '\r\n?', "`n"
        $code = Get-CodeBlockLines $source
        $markdownLines = $source -split "`n"
        $text = [System.Collections.Generic.List[string]]::new()
        # One blank line before a block, none at the start, never two outside code.
        $blank = { if ($text.Count -gt 0 -and $text[$text.Count - 1] -ne '') { $text.Add('') } }
        $section = ''
        $paragraphStart = $true
        for ($i = 0; $i -lt $markdownLines.Count; $i++) {
            $line = $markdownLines[$i]
            if ($code.ContainsKey($i)) {
                & $blank
                foreach ($codeLine in $code[$i].Lines) { $text.Add($(if ($codeLine.Trim()) { "        $codeLine" } else { '' })) }
                $text.Add('')
                $i = $code[$i].Last
                $paragraphStart = $true
                continue
            }
            if ($line -match '^#\s+(.*)') { & $blank; $text.Add('TOPIC'); $text.Add("    $($Matches[1].Trim())"); $paragraphStart = $true; continue }
            if ($line -match '^##\s+(.*)') {
                & $blank
                $section = $Matches[1].Trim().ToUpperInvariant()
                $text.Add($section)
                $paragraphStart = $true
                continue
            }
            if ($line -match '^#{3,}\s+(.*)') { & $blank; $text.Add("  $($Matches[1].Trim())"); $paragraphStart = $true; continue }
            if (-not $line.Trim()) { & $blank; $paragraphStart = $true; continue }
            $prose = $line.Trim() -replace '`', ''
            if ($section -eq 'SHORT DESCRIPTION' -and -not $paragraphStart) {
                # One line: Get-Help's synopsis is that line alone.
                $text[$text.Count - 1] += " $prose"
                continue
            }
            # Inline code loses its backticks; indentation is kept up to 3 spaces, below the code's column.
            $indent = [Math]::Min(3, $line.Length - $line.TrimStart().Length)
            $text.Add('    ' + (' ' * $indent) + $prose)
            $paragraphStart = $false
        }
        while ($text.Count -gt 0 -and $text[$text.Count - 1] -eq '') { $text.RemoveAt($text.Count - 1) }
        $text -join [Environment]::NewLine
    }
}

Export-ModuleMember -Function ConvertTo-MamlCommand, ConvertTo-MamlHelp, ConvertTo-AboutText
