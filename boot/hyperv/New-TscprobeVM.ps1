<#
.SYNOPSIS
    Creates a Hyper-V Generation 2 VM that boots tscprobe.vhdx once and collects its report.

.DESCRIPTION
    Copies the VHDX into OutDir (the download stays untouched; repeated runs add
    run-0002, run-0003 ... to the copy), creates a Generation 2 VM with Secure Boot
    off, no network adapter, no checkpoints (a checkpoint would send the report to
    an .avhdx), one vCPU and static memory, connects COM1 to a named pipe, starts
    it, records the serial console from the pipe into OutDir\serial.log, waits for
    the probe to power the VM off, writes the report between the
    -----BEGIN/END TSCPROBE REPORT----- lines to OutDir\report.json, and copies
    \tscprobe\ out of the VHDX's EFI system partition into OutDir\files.

    Run it in an elevated PowerShell on the Hyper-V host (Windows PowerShell 5.1
    or PowerShell 7, Hyper-V module). Generation 1 VMs boot by BIOS only and
    cannot run tscprobe, a UEFI application.

    Checked: this script was written on Linux, where PowerShell is not available
    (pwsh is not in Debian); tests/boot/ps1-lint reads it statically (help for
    every parameter, strict mode, exit codes of external programs, no aliases,
    ASCII only, brackets and strings). It has not been run by the project's
    tests. See docs/hypervisors/hyper-v.md for the same steps by hand.

.PARAMETER Vhdx
    The tscprobe.vhdx built by `make images`.

.PARAMETER Name
    The VM's name (default tscprobe).

.PARAMETER OutDir
    Where the disk copy, the VM's files, serial.log, report.json and files\ go
    (default .\tscprobe-hyperv).

.PARAMETER PipeName
    The named pipe that COM1 is connected to, \\.\pipe\PipeName (default
    tscprobe-com1). Change it when another VM already uses that pipe.

.PARAMETER MemoryMB
    The VM's static memory in MB (default 512).

.PARAMETER ProcessorCount
    The number of virtual processors (default 1; the probe measures on the first).

.PARAMETER TimeoutSeconds
    How long to wait for the report and the VM's power-off, in seconds (default
    600). After that the VM is left running and the script says so.

.PARAMETER Replace
    Remove an existing VM of the same name first (its disk copy in OutDir is kept).

.EXAMPLE
    .\New-TscprobeVM.ps1 -Vhdx C:\Users\me\Downloads\tscprobe.vhdx
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)] [string] $Vhdx,
    [string] $Name = 'tscprobe',
    [string] $OutDir = (Join-Path (Get-Location) 'tscprobe-hyperv'),
    [string] $PipeName = 'tscprobe-com1',
    [int] $MemoryMB = 512,
    [int] $ProcessorCount = 1,
    [int] $TimeoutSeconds = 600,
    [switch] $Replace
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ReportBegin = '-----BEGIN TSCPROBE REPORT-----'
$ReportEnd = '-----END TSCPROBE REPORT-----'
$EspGptType = '{c12a7328-f81f-11d2-ba4b-00a0c93ec93b}'

# A copy of the VHDX in OutDir, not sparse: Hyper-V refuses sparse virtual disk files.
function Copy-TscprobeDisk {
    $disk = Join-Path $OutDir "$Name.vhdx"
    if (-not (Test-Path $disk)) {
        Copy-Item -Path $Vhdx -Destination $disk
    }
    if ((Get-Item $disk).Attributes -band [IO.FileAttributes]::SparseFile) {
        # An external program: Windows PowerShell 5.1 does not stop when it fails.
        fsutil sparse setflag "$disk" 0 | Out-Null
        if ($LASTEXITCODE -ne 0) {
            throw "fsutil sparse setflag failed (exit code $LASTEXITCODE): Hyper-V refuses a sparse '$disk'."
        }
    }
    return $disk
}

function Remove-TscprobeVM {
    $old = Get-VM -Name $Name -ErrorAction SilentlyContinue
    if (-not $old) { return }
    if (-not $Replace) {
        throw "A VM named '$Name' exists: pass -Replace to remove it, or -Name for another name."
    }
    if ($old.State -ne 'Off') { Stop-VM -Name $Name -TurnOff -Force }
    Remove-VM -Name $Name -Force
}

function New-TscprobeMachine([string] $disk) {
    New-VM -Name $Name -Generation 2 -MemoryStartupBytes ($MemoryMB * 1MB) -VHDPath $disk -Path $OutDir | Out-Null
    Set-VMMemory -VMName $Name -DynamicMemoryEnabled $false
    Set-VMProcessor -VMName $Name -Count $ProcessorCount
    Set-VM -Name $Name -CheckpointType Disabled -AutomaticStopAction TurnOff
    Get-VMNetworkAdapter -VMName $Name | Remove-VMNetworkAdapter
    # Unsigned (or self-signed) BOOTX64.EFI: Hyper-V's db holds Microsoft's keys only.
    Set-VMFirmware -VMName $Name -EnableSecureBoot Off -FirstBootDevice (Get-VMHardDiskDrive -VMName $Name)
    # Generation 2 VMs have COM ports in PowerShell only; tscprobe writes COM1 at 0x3F8.
    Set-VMComPort -VMName $Name -Number 1 -Path "\\.\pipe\$PipeName"
}

# Copy the serial console from the pipe into serial.log until the report's end line,
# the VM closing the pipe, or the deadline.
function Receive-SerialLog([string] $log, [datetime] $deadline) {
    $pipe = New-Object System.IO.Pipes.NamedPipeClientStream('.', $PipeName, [System.IO.Pipes.PipeDirection]::In)
    $pipe.Connect(30000)
    $reader = New-Object System.IO.StreamReader($pipe)
    $writer = New-Object System.IO.StreamWriter($log, $false)
    try {
        while ((Get-Date) -lt $deadline) {
            $read = $reader.ReadLineAsync()
            while (-not $read.Wait(1000)) {
                if ((Get-Date) -ge $deadline) { return }
            }
            $line = $read.Result
            if ($null -eq $line) { return }
            $writer.WriteLine($line)
            Write-Host $line
            if ($line.Trim() -eq $ReportEnd) { return }
        }
    }
    finally {
        $writer.Close()
        $pipe.Dispose()
    }
}

function Wait-TscprobeOff([datetime] $deadline) {
    while ((Get-VM -Name $Name).State -ne 'Off') {
        if ((Get-Date) -ge $deadline) {
            Write-Warning "VM '$Name' is still running; the files are read when it is off (Stop-VM -Name $Name -TurnOff)."
            return $false
        }
        Start-Sleep -Seconds 1
    }
    return $true
}

# The JSON between the last BEGIN/END pair of serial.log, into report.json.
function Save-Report([string] $log, [string] $report) {
    $lines = @(Get-Content -Path $log)
    $begin = -1
    $end = -1
    for ($i = 0; $i -lt $lines.Count; $i++) {
        if ($lines[$i].Trim() -eq $ReportBegin) { $begin = $i }
        if ($lines[$i].Trim() -eq $ReportEnd -and $begin -ge 0) { $end = $i }
    }
    if ($begin -lt 0 -or $end -le $begin) {
        Write-Warning "No complete report in $log."
        return
    }
    $lines[($begin + 1)..($end - 1)] | Set-Content -Path $report -Encoding ascii
    Write-Host "report:     $report"
}

# Mount the VHDX, give its EFI system partition a drive letter, copy \tscprobe\ out.
function Copy-ReportFiles([string] $disk, [string] $files) {
    $mounted = Mount-VHD -Path $disk -Passthru | Get-Disk
    try {
        $esp = @(Get-Partition -DiskNumber $mounted.Number | Where-Object { $_.GptType -eq $EspGptType })
        if ($esp.Count -ne 1) {
            throw "Expected one EFI system partition on $disk, found $($esp.Count)."
        }
        $esp[0] | Add-PartitionAccessPath -AssignDriveLetter
        $letter = (Get-Partition -DiskNumber $mounted.Number -PartitionNumber $esp[0].PartitionNumber).DriveLetter
        if (-not [char]::IsLetter($letter)) {
            throw "Windows gave the EFI system partition of $disk no drive letter."
        }
        # PowerShell keeps its own list of drives: refresh it so that the new letter is usable
        # in this session, and wait (bounded) until the volume answers.
        $ready = (Get-Date).AddSeconds(30)
        while (-not (Test-Path "${letter}:\")) {
            $null = Get-PSDrive -PSProvider FileSystem
            if ((Get-Date) -ge $ready) { throw "Drive ${letter}: did not appear within 30 s." }
            Start-Sleep -Milliseconds 500
        }
        if (Test-Path $files) { Remove-Item -Recurse -Force $files }
        Copy-Item -Recurse -Path "${letter}:\tscprobe" -Destination $files
        Write-Host "files:      $files"
    }
    finally {
        Dismount-VHD -Path $disk
    }
}

New-Item -ItemType Directory -Force -Path $OutDir | Out-Null
$OutDir = (Resolve-Path $OutDir).Path
$disk = Copy-TscprobeDisk
Remove-TscprobeVM
New-TscprobeMachine $disk
$log = Join-Path $OutDir 'serial.log'
$deadline = (Get-Date).AddSeconds($TimeoutSeconds)
Start-VM -Name $Name
Receive-SerialLog $log $deadline
Write-Host "serial log: $log"
Save-Report $log (Join-Path $OutDir 'report.json')
if (Wait-TscprobeOff $deadline) {
    Copy-ReportFiles $disk (Join-Path $OutDir 'files')
}
