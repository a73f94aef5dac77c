# tools/HelpCompiler.psm1: PlatyPS markdown to the MAML and about text Get-Help reads.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../tools/HelpCompiler.psm1') -Force

    # A small cmdlet page in the PlatyPS schema: lists in the description, a parameter description and the notes,
    # a parameter that is optional in one set and required in the other, an online version and related links.
    $page = @'
---
external help file: Demo-Help.xml
Module Name: Demo
online version: https://example.invalid/docs/Get-Demo.md
schema: 2.0.0
---

# Get-Demo

## SYNOPSIS
Gets a demo & its <parts>.

## SYNTAX

### Name (Default)
```
Get-Demo [-Name] <string> [-Count <long>] [-Force] [<CommonParameters>]
```

### Id
```
Get-Demo -Id <int> -Count <long> [<CommonParameters>]
```

## DESCRIPTION
`Get-Demo` gets a demo. Routes:

- `/alpha`: the first route;
- `/beta`: the second route,
  on two lines;
- **/gamma**: the [third](https://example.invalid/gamma) route.

Steps:

1. open
2. close

## EXAMPLES

### Example 1: One demo
```powershell
Get-Demo -Name x
```

Gets the demo x.

### Example 2: Code as written
```powershell
# A COMMENT IN CAPITALS, THEN A COMMAND ON TWO LINES
Get-Demo -Name `
    'x <&>'   # indented, after a line that ends in a backtick

## not a heading
```

Runs as written.

## PARAMETERS

### -Count
How many. Kinds:

- small
- large

```yaml
Type: Int64
Parameter Sets: Name
Aliases: 

Required: False
Position: Named
Default value: 1
Accept pipeline input: False
Accept wildcard characters: False
```

```yaml
Type: Int64
Parameter Sets: Id
Aliases: 

Required: True
Position: Named
Default value: None
Accept pipeline input: False
Accept wildcard characters: False
```

### -Force
Forces it.

```yaml
Type: SwitchParameter
Parameter Sets: Name
Aliases: 

Required: False
Position: Named
Default value: False
Accept pipeline input: False
Accept wildcard characters: False
```

### -Id
The id.

```yaml
Type: Int32
Parameter Sets: Id
Aliases: 

Required: True
Position: Named
Default value: None
Accept pipeline input: False
Accept wildcard characters: False
```

### -Name
The name.

```yaml
Type: String
Parameter Sets: Name
Aliases: DemoName

Required: True
Position: 0
Default value: None
Accept pipeline input: True (ByValue)
Accept wildcard characters: False
```

### CommonParameters
This cmdlet supports the common parameters.

## INPUTS

### System.String

## OUTPUTS

### Demo.Item
A demo.

## NOTES
- note one
- note two

## RELATED LINKS
[Set-Demo](Set-Demo.md)

[The project](https://example.invalid/project)
'@

    # Example 2's code, which every form of the help must keep as it is.
    $exampleCode = @(
        '# A COMMENT IN CAPITALS, THEN A COMMAND ON TWO LINES'
        'Get-Demo -Name `'
        "    'x <&>'   # indented, after a line that ends in a backtick"
        ''
        '## not a heading'
    ) -join "`n"

    function Get-MamlNamespaces([xml] $Document) {
        $namespaces = [System.Xml.XmlNamespaceManager]::new($Document.NameTable)
        $namespaces.AddNamespace('maml', 'http://schemas.microsoft.com/maml/2004/10')
        $namespaces.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
        $namespaces.AddNamespace('dev', 'http://schemas.microsoft.com/maml/dev/2004/10')
        return , $namespaces
    }

    $xml = [xml](ConvertTo-MamlHelp $page)
    $ns = Get-MamlNamespaces $xml
    $command = $xml.SelectSingleNode('//command:command', $ns)

    function Get-Paras([string] $XPath) {
        @($command.SelectNodes("$XPath/maml:para", $ns) | ForEach-Object InnerText)
    }
}

Describe 'ConvertTo-MamlHelp' {
    It 'writes one helpItems document with one command per page' {
        $xml.DocumentElement.LocalName | Should -Be 'helpItems'
        $xml.DocumentElement.GetAttribute('schema') | Should -Be 'maml'
        @($xml.SelectNodes('//command:command', $ns)).Count | Should -Be 1
        $command.SelectSingleNode('command:details/command:name', $ns).InnerText | Should -Be 'Get-Demo'
        $command.SelectSingleNode('command:details/command:verb', $ns).InnerText | Should -Be 'Get'
        $command.SelectSingleNode('command:details/command:noun', $ns).InnerText | Should -Be 'Demo'
    }

    It 'writes each item of a list in the description exactly once, as a paragraph of its own' {
        Get-Paras 'maml:description' | Should -Be @(
            'Get-Demo gets a demo. Routes:'
            '- /alpha: the first route;'
            '- /beta: the second route, on two lines;'
            '- /gamma: the third route.'
            'Steps:'
            '1. open'
            '2. close'
        )
        foreach ($item in '/alpha', '/beta', '/gamma', 'open', 'close') {
            [regex]::Matches($xml.OuterXml, [regex]::Escape($item)).Count | Should -Be 1 -Because "$item is one list item"
        }
    }

    It 'writes a list once in any section: a parameter description and the notes' {
        $count = $command.SelectSingleNode("command:parameters/command:parameter[maml:name='Count']", $ns)
        @($count.SelectNodes('maml:description/maml:para', $ns) | ForEach-Object InnerText) | Should -Be @('How many. Kinds:', '- small', '- large')
        Get-Paras 'maml:alertSet/maml:alert' | Should -Be @('- note one', '- note two')
    }

    It 'escapes text for XML and keeps the synopsis' {
        Get-Paras 'command:details/maml:description' | Should -Be @('Gets a demo & its <parts>.')
    }

    It 'takes each parameter set''s own yaml block for its syntax item, and the first one for the parameters section' {
        $items = @($command.SelectNodes('command:syntax/command:syntaxItem', $ns))
        $items.Count | Should -Be 2
        $byName = @($items[0].SelectNodes('command:parameter', $ns))
        $byId = @($items[1].SelectNodes('command:parameter', $ns))
        ($byName | ForEach-Object { "$($_.name)=$($_.required)" }) -join ' ' | Should -Be 'Name=true Count=false Force=false'
        ($byId | ForEach-Object { "$($_.name)=$($_.required)" }) -join ' ' | Should -Be 'Id=true Count=true'
        $byName[0].position | Should -Be '0'
        $byName[1].position | Should -Be 'named'
        $count = $command.SelectSingleNode("command:parameters/command:parameter[maml:name='Count']", $ns)
        $count.required | Should -Be 'false'
        $count.SelectSingleNode('dev:defaultValue', $ns).InnerText | Should -Be '1'
        @($command.SelectNodes('command:parameters/command:parameter', $ns)).Count | Should -Be 4
    }

    It 'writes the type, aliases and pipeline input of a parameter, and no value for a switch' {
        $name = $command.SelectSingleNode("command:parameters/command:parameter[maml:name='Name']", $ns)
        $name.aliases | Should -Be 'DemoName'
        $name.pipelineInput | Should -Be 'True (ByValue)'
        $name.SelectSingleNode('command:parameterValue', $ns).InnerText | Should -Be 'String'
        $force = $command.SelectSingleNode("command:parameters/command:parameter[maml:name='Force']", $ns)
        $force.aliases | Should -Be 'none'
        $force.SelectSingleNode('command:parameterValue', $ns) | Should -BeNullOrEmpty
        $force.SelectSingleNode('dev:type/maml:name', $ns).InnerText | Should -Be 'SwitchParameter'
    }

    It 'makes the online version the first related link, then the page''s links, with a URI only when absolute' {
        $links = @($command.SelectNodes('command:relatedLinks/maml:navigationLink', $ns) |
                ForEach-Object { "$($_.SelectSingleNode('maml:linkText', $ns).InnerText)|$($_.SelectSingleNode('maml:uri', $ns).InnerText)" })
        $links | Should -Be @(
            'Online Version:|https://example.invalid/docs/Get-Demo.md'
            'Set-Demo|'
            'The project|https://example.invalid/project'
        )
    }

    It 'writes examples, inputs and outputs' {
        $example = $command.SelectSingleNode('command:examples/command:example', $ns)
        $example.SelectSingleNode('maml:title', $ns).InnerText | Should -Be '-------------------------- Example 1: One demo --------------------------'
        $example.SelectSingleNode('dev:code', $ns).InnerText | Should -Be 'Get-Demo -Name x'
        $example.SelectSingleNode('dev:remarks/maml:para', $ns).InnerText | Should -Be 'Gets the demo x.'
        $command.SelectSingleNode('command:inputTypes/command:inputType/dev:type/maml:name', $ns).InnerText | Should -Be 'System.String'
        $command.SelectSingleNode('command:returnValues/command:returnValue/dev:type/maml:name', $ns).InnerText | Should -Be 'Demo.Item'
        $command.SelectSingleNode('command:returnValues/command:returnValue/maml:description/maml:para', $ns).InnerText | Should -Be 'A demo.'
    }

    It 'writes an example''s code as it is: comments, backticks, indentation and blank lines' {
        $examples = @($command.SelectNodes('command:examples/command:example', $ns))
        $examples.Count | Should -Be 2
        $examples[1].SelectSingleNode('dev:code', $ns).InnerText | Should -BeExactly $exampleCode
        $examples[1].SelectSingleNode('dev:remarks/maml:para', $ns).InnerText | Should -Be 'Runs as written.'
    }

    It 'is read by Get-Help: each list item once, -Count optional in one syntax and required in the other, code as written' {
        $module = Join-Path $TestDrive 'Demo'
        New-Item -ItemType Directory (Join-Path $module 'en-US') -Force | Out-Null
        Set-Content (Join-Path $module 'en-US/Demo-Help.xml') -Value (ConvertTo-MamlHelp $page) -Encoding utf8NoBOM
        Set-Content (Join-Path $module 'Demo.psm1') -Value @'
# .ExternalHelp Demo-Help.xml
function Get-Demo {
    [CmdletBinding(DefaultParameterSetName = 'Name')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ParameterSetName = 'Name')] [Alias('DemoName')] [string] $Name,
        [Parameter(ParameterSetName = 'Name')] [Parameter(Mandatory, ParameterSetName = 'Id')] [long] $Count = 1,
        [Parameter(ParameterSetName = 'Name')] [switch] $Force,
        [Parameter(Mandatory, ParameterSetName = 'Id')] [int] $Id
    )
}
'@
        Import-Module (Join-Path $module 'Demo.psm1') -Force
        try {
            $text = Get-Help Get-Demo -Full | Out-String -Width 4000
            foreach ($item in '- /alpha: the first route;', '- /beta: the second route, on two lines;', '- /gamma: the third route.') {
                [regex]::Matches($text, [regex]::Escape($item)).Count | Should -Be 1 -Because "$item is one list item"
            }
            $text | Should -Match 'Get-Demo \[-Name\] <String> \[-Count <Int64>\] \[-Force\]'
            $text | Should -Match 'Get-Demo -Id <Int32> -Count <Int64>'
            (Get-Help Get-Demo).relatedLinks.navigationLink[0].uri | Should -Be 'https://example.invalid/docs/Get-Demo.md'
            # Get-Help -Examples prints the code at column 4, each line as written.
            $printed = ((Get-Help Get-Demo -Examples | Out-String -Width 4000) -split '\r?\n' | ForEach-Object TrimEnd) -join "`n"
            $printed | Should -MatchExactly ([regex]::Escape((($exampleCode -split "`n" | ForEach-Object { "    $_".TrimEnd() }) -join "`n")))
        }
        finally {
            Remove-Module Demo
        }
    }
}

Describe 'ConvertTo-MamlCommand' {
    It 'takes a page whose SYNTAX has no set heading as one set of all parameters' {
        $single = $page -replace '(?ms)^## SYNTAX.*?(?=^## DESCRIPTION)', "## SYNTAX`n`n``````n Get-Demo [-Name] <string> [-Id <int>] [-Count <long>] [-Force]`n```````n`n"
        $one = [xml]("<helpItems xmlns=`"http://msh`">$(ConvertTo-MamlCommand $single)</helpItems>")
        $oneNs = Get-MamlNamespaces $one
        $items = @($one.SelectNodes('//command:syntax/command:syntaxItem', $oneNs))
        $items.Count | Should -Be 1
        (@($items[0].SelectNodes('command:parameter', $oneNs)) | ForEach-Object name) -join ' ' | Should -Be 'Name Id Count Force'
    }
}

Describe 'ConvertTo-AboutText' {
    BeforeAll {
        $about = @'
# about_Demo

## Short description
Says `hello`
on two lines.

## Long description
Text with `code`.

- an item
  continued
      too far in

### A detail
```powershell
# A COMMENT, NOT A TOPIC
Get-Demo -Name `
    x

## NOT A SECTION
```

    Get-Demo -Indented `
        -Twice

'@
        $text = ConvertTo-AboutText $about
    }

    It 'lays the text out as PowerShell''s about topics: titles at columns 0 and 2, prose at 4, code at 8 as written' {
        $text -split '\r?\n' | Should -BeExactly @(
            'TOPIC'
            '    about_Demo'
            ''
            'SHORT DESCRIPTION'
            '    Says hello on two lines.'
            ''
            'LONG DESCRIPTION'
            '    Text with code.'
            ''
            '    - an item'
            '      continued'
            '       too far in'
            ''
            '  A detail'
            ''
            '        # A COMMENT, NOT A TOPIC'
            '        Get-Demo -Name `'
            '            x'
            ''
            '        ## NOT A SECTION'
            ''
            '        Get-Demo -Indented `'
            '            -Twice'
        )
    }

    It 'is read by Get-Help as it is, the short description as the synopsis' {
        $module = Join-Path $TestDrive 'AboutDemo'
        New-Item -ItemType Directory (Join-Path $module 'en-US') -Force | Out-Null
        Set-Content (Join-Path $module 'en-US/about_AboutDemo.help.txt') -Value $text -Encoding utf8NoBOM
        Set-Content (Join-Path $module 'AboutDemo.psm1') -Value 'function Get-AboutDemo { }'
        Import-Module (Join-Path $module 'AboutDemo.psm1') -Force
        try {
            $help = Get-Help about_AboutDemo
            $help.Synopsis | Should -Be 'Says hello on two lines.'
            "$help".TrimEnd() | Should -BeExactly $text
        }
        finally {
            Remove-Module AboutDemo
        }
    }
}
