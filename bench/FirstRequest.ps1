# pwsh start, module import and one request (its JIT included), for timing the start-up from outside (GNU time).
param([Parameter(Mandatory)] [string]$Module, [string]$Uri, [int]$Count = 1)
Import-Module $Module
$s = Invoke-BoundedRequest -Uri $Uri -Count $Count -ThrottleLimit 64 -SkipCertificateCheck -Summary -WarningAction Ignore
if ($s.Succeeded -ne $Count) { exit 3 }
