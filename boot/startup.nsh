@echo -off
# tscprobe: the UEFI shell runs this when the firmware drops to it (no boot option worked).
# Run the probe from the first file system that holds it: \tscprobe\ beside \EFI\BOOT\BOOTX64.EFI.
for %i run (0 15)
  if exist fs%i:\tscprobe then
    if exist fs%i:\EFI\BOOT\BOOTX64.EFI then
      fs%i:
      \EFI\BOOT\BOOTX64.EFI
      exit /b
    endif
  endif
endfor
echo tscprobe: no file system holds both \EFI\BOOT\BOOTX64.EFI and \tscprobe
