#!/bin/sh
# Rebuilds an SMBIOS fixture folder: boots smbiosdump.efi under QEMU + OVMF and turns its hex dump into
# dmidecode --dump-bin files (convert.py).
# Usage: capture.sh NAME "QEMU OPTIONS"   e.g. capture.sh q35-64 "-machine q35,smbios-entry-point-type=64"
#        capture.sh --log SERIAL_LOG NAME  convert a log captured elsewhere (another hypervisor)
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
QEMU_TIMEOUT_S=${QEMU_TIMEOUT_S:-120}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if [ "$1" = "--log" ]; then
	"$HERE/convert.py" "$2" "$HERE/../$3" "SMBIOS converted from the serial log $(basename "$2")"
	exit 0
fi
NAME=$1
QEMU_OPTS=$2

# GNU-EFI app, built the Debian way (headers in /usr/include/efi, crt0 and linker script in /usr/lib).
gcc -std=c11 -O2 -Wall -Wextra -Werror -fpic -fshort-wchar -mno-red-zone -ffreestanding \
	-fno-stack-protector -DGNU_EFI_USE_MS_ABI -I/usr/include/efi -I/usr/include/efi/x86_64 \
	-c "$HERE/smbiosdump.c" -o "$WORK/smbiosdump.o"
ld -nostdlib -znocombreloc -T /usr/lib/elf_x86_64_efi.lds -shared -Bsymbolic \
	/usr/lib/crt0-efi-x86_64.o "$WORK/smbiosdump.o" -o "$WORK/smbiosdump.so" -L/usr/lib -lefi -lgnuefi
objcopy -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela -j .reloc \
	--target efi-app-x86_64 "$WORK/smbiosdump.so" "$WORK/BOOTX64.EFI"

# 64 MiB FAT image, no partition table: OVMF boots \EFI\BOOT\BOOTX64.EFI from it.
dd if=/dev/zero of="$WORK/esp.img" bs=1M count=64 status=none
mformat -i "$WORK/esp.img" -C -t 64 -h 64 -s 32 ::
mmd -i "$WORK/esp.img" ::/EFI ::/EFI/BOOT
mcopy -i "$WORK/esp.img" "$WORK/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI
cp "$OVMF_VARS" "$WORK/vars.fd"

# The app powers the VM off when done; a nonzero exit here is the timeout, judged by the log below.
# QEMU_OPTS is a list of options, some with spaces inside a value ("innotek GmbH"): eval keeps its quoting.
eval "set -- $QEMU_OPTS"
timeout "$QEMU_TIMEOUT_S" qemu-system-x86_64 "$@" -accel tcg -nographic -no-reboot -net none \
	-drive if=pflash,format=raw,readonly=on,file="$OVMF_CODE" \
	-drive if=pflash,format=raw,file="$WORK/vars.fd" \
	-drive format=raw,file="$WORK/esp.img" </dev/null >"$WORK/serial.log" 2>&1 || true

"$HERE/convert.py" "$WORK/serial.log" "$HERE/../$NAME" "SMBIOS as OVMF presented it under: qemu-system-x86_64 \
$QEMU_OPTS -accel tcg -nographic -no-reboot -net none (default memory)
# $(qemu-system-x86_64 --version | head -n 1); OVMF: $(basename "$OVMF_CODE") from Debian \
$(dpkg-query -W -f '${Version}' ovmf 2>/dev/null || echo '?')"
