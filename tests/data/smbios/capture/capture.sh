#!/bin/sh
# Rebuilds an SMBIOS fixture folder: boots smbiosdump.efi under QEMU + OVMF and turns its hex dump into
# dmidecode --dump-bin files (convert.py).
# Usage: capture.sh NAME "QEMU OPTIONS"   e.g. capture.sh q35-64 "-machine q35,smbios-entry-point-type=64"
#        capture.sh --log SERIAL_LOG NAME  convert a log captured elsewhere (another hypervisor)
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if [ "$1" = "--log" ]; then
	"$HERE/convert.py" "$2" "$HERE/../$3" "SMBIOS converted from the serial log $(basename "$2")"
	exit 0
fi
NAME=$1
QEMU_OPTS=$2

# QEMU_OPTS is a list of options, some with spaces inside a value ("innotek GmbH"): eval keeps its quoting.
eval "set -- $QEMU_OPTS"
"$HERE/../../capture-boot" "$HERE/smbiosdump.c" "$WORK/serial.log" "$@"

"$HERE/convert.py" "$WORK/serial.log" "$HERE/../$NAME" "SMBIOS as OVMF presented it under: qemu-system-x86_64 \
$QEMU_OPTS -accel tcg -nographic -no-reboot -net none (default memory)
# $(qemu-system-x86_64 --version | head -n 1); OVMF: $(basename "$OVMF_CODE") from Debian \
$(dpkg-query -W -f '${Version}' ovmf 2>/dev/null || echo '?')"
