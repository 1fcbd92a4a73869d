#!/bin/sh
# Rebuilds an ACPI fixture folder: boots acpidump.efi under QEMU + OVMF and turns its hex dump into files.
# Usage: capture.sh NAME "QEMU MACHINE OPTIONS"   e.g. capture.sh q35 "-machine q35"
#        capture.sh --log SERIAL_LOG NAME          convert a log captured elsewhere (another hypervisor)
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
QEMU_TIMEOUT_S=${QEMU_TIMEOUT_S:-120}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# Writes OUT/layout and OUT/*.bin from the @@ACPI-CAPTURE section of LOG; DESCRIPTION heads the layout.
convert() {
	log=$1 out=$2 description=$3
	if ! grep -q '@@ACPI-CAPTURE END' "$log"; then
		echo "capture.sh: no complete dump in $log:" >&2
		tail -n 20 "$log" >&2
		exit 1
	fi
	mkdir -p "$out"
	rm -f "$out"/*.bin "$out/layout"
	{
		echo "# $description"
		echo "# address (hex, physical) and file; the RSDP is rsdp.bin; '#' lines list tables not kept"
	} >"$out/layout"
	tr -d '\r' <"$log" | awk -v out="$out" '
		/^@@ACPI-CAPTURE BEGIN/ { on = 1; next }
		/^@@ACPI-CAPTURE END/   { on = 0; next }
		!on { next }
		/^@@TABLE / {
			sig = $2; addr = tolower($3)
			if (seen[addr]++) { skip = 1; next }
			skip = 0
			file = tolower(sig) ".bin"
			if (used[file]++) file = tolower(sig) "-" addr ".bin"
			printf "0x%s %s\n", addr, file >> (out "/layout")
			hexfile = out "/" file ".hex"
			next
		}
		/^@@OTHER / {
			if (!seen[tolower($3)]++)
				printf "# not kept: %s at 0x%s, %s bytes (via %s)\n", $2, tolower($3), $4, $5 >> (out "/layout")
			next
		}
		/^[0-9a-f]+$/ && !skip { print >> hexfile }
	'
	for hex in "$out"/*.hex; do
		xxd -r -p "$hex" "${hex%.hex}"
		rm "$hex"
	done
	cat "$out/layout"
}

if [ "$1" = "--log" ]; then
	convert "$2" "$HERE/../$3" "ACPI tables converted from the serial log $(basename "$2")"
	exit 0
fi
NAME=$1
MACHINE_OPTS=$2

# GNU-EFI app, built the Debian way (headers in /usr/include/efi, crt0 and linker script in /usr/lib).
gcc -std=c11 -O2 -Wall -Wextra -Werror -fpic -fshort-wchar -mno-red-zone -ffreestanding \
	-fno-stack-protector -DGNU_EFI_USE_MS_ABI -I/usr/include/efi -I/usr/include/efi/x86_64 \
	-c "$HERE/acpidump.c" -o "$WORK/acpidump.o"
ld -nostdlib -znocombreloc -T /usr/lib/elf_x86_64_efi.lds -shared -Bsymbolic \
	/usr/lib/crt0-efi-x86_64.o "$WORK/acpidump.o" -o "$WORK/acpidump.so" -L/usr/lib -lefi -lgnuefi
objcopy -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela -j .reloc \
	--target efi-app-x86_64 "$WORK/acpidump.so" "$WORK/BOOTX64.EFI"

# 64 MiB FAT image, no partition table: OVMF boots \EFI\BOOT\BOOTX64.EFI from it.
dd if=/dev/zero of="$WORK/esp.img" bs=1M count=64 status=none
mformat -i "$WORK/esp.img" -C -t 64 -h 64 -s 32 ::
mmd -i "$WORK/esp.img" ::/EFI ::/EFI/BOOT
mcopy -i "$WORK/esp.img" "$WORK/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI
cp "$OVMF_VARS" "$WORK/vars.fd"

# The app powers the VM off when done; a nonzero exit here is the timeout, judged by the log below.
# shellcheck disable=SC2086 # MACHINE_OPTS is a list of options
timeout "$QEMU_TIMEOUT_S" qemu-system-x86_64 $MACHINE_OPTS -accel tcg -nographic -no-reboot -net none \
	-drive if=pflash,format=raw,readonly=on,file="$OVMF_CODE" \
	-drive if=pflash,format=raw,file="$WORK/vars.fd" \
	-drive format=raw,file="$WORK/esp.img" </dev/null >"$WORK/serial.log" 2>&1 || true

convert "$WORK/serial.log" "$HERE/../$NAME" "ACPI tables as OVMF presented them under: qemu-system-x86_64 \
$MACHINE_OPTS -accel tcg -nographic -no-reboot -net none (default memory)
# $(qemu-system-x86_64 --version | head -n 1); OVMF: $(basename "$OVMF_CODE") from Debian \
$(dpkg-query -W -f '${Version}' ovmf 2>/dev/null || echo '?')"
