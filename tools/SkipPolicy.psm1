# The test suite's skip convention, read from a Pester 5 run: a test may skip in CI only when its platform cannot
# run it, and it says so with a skip reason that starts with "Platform:". Tests write such reasons with
# Skip-UnlessPlatform (tests/common.ps1); build.ps1 Test counts every other skip as a failure when $env:CI is 'true'.
# Tested by tests/SkipPolicy.Tests.ps1.

Set-StrictMode -Version Latest

$script:PlatformPrefix = 'Platform:'

<#
.SYNOPSIS
    Lists the skipped tests of a Pester 5 run (Invoke-Pester -PassThru): each one's path, its skip reason, and
    whether that reason is a platform the test cannot run on.
.DESCRIPTION
    Set-ItResult -Skipped -Because <reason> ends the test with an ErrorRecord whose ErrorId is PesterTestSkipped and
    whose message is "is skipped, because <reason>"; that is where the reason is read from. A test skipped with -Skip
    (on It, Context or Describe) has no reason, so it is never a platform skip.
#>
function Get-SkippedTest {
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param([Parameter(Mandatory)] $Result)
    foreach ($test in $Result.Skipped) {
        $reason = ''
        foreach ($record in @($test.ErrorRecord)) {
            if ($record.FullyQualifiedErrorId -eq 'PesterTestSkipped' -and $record.Exception.Message -match '^is skipped, because (?<reason>.*)$') {
                $reason = $Matches['reason']
                break
            }
        }
        [pscustomobject]@{
            Test = $test.ExpandedPath
            Reason = $reason
            IsPlatform = $reason.StartsWith($PlatformPrefix, [StringComparison]::Ordinal)
        }
    }
}

Export-ModuleMember -Function Get-SkippedTest
