<#
.SYNOPSIS
    A PowerShell script with one mistake of each kind ps1-lint knows, for tests/boot/run.
.PARAMETER Ghost
    Documents a parameter that does not exist.
#>
param(
    [string] $Path,
    [int] $Unused
)

function Do-Things {
    Get-ChildItem $Path | % { $_.Name }
    gci $Path | ? { $_.Length -gt 0 }
    fsutil sparse setflag "$Path" 0
    if ($Path -eq $null) { return }
    try { Remove-Item $Path } catch { }
    Write-Host 'naïve'
}
Do-Things
