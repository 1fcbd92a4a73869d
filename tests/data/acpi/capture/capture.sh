#!/bin/sh
# Rebuilds an ACPI fixture folder: boots acpidump.efi under QEMU + OVMF and turns its hex dump into files.
# Usage: capture.sh NAME "QEMU MACHINE OPTIONS"   e.g. capture.sh q35 "-machine q35"
#        capture.sh --log SERIAL_LOG NAME          convert a log captured elsewhere (another hypervisor)
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
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

# MACHINE_OPTS is a list of options.
# shellcheck disable=SC2086
"$HERE/../../capture-boot" "$HERE/acpidump.c" "$WORK/serial.log" $MACHINE_OPTS

convert "$WORK/serial.log" "$HERE/../$NAME" "ACPI tables as OVMF presented them under: qemu-system-x86_64 \
$MACHINE_OPTS -accel tcg -nographic -no-reboot -net none (default memory)
# $(qemu-system-x86_64 --version | head -n 1); OVMF: $(basename "$OVMF_CODE") from Debian \
$(dpkg-query -W -f '${Version}' ovmf 2>/dev/null || echo '?')"
