# shellcheck shell=bash
# Helpers for the tests that boot one volume again and again (tests/qemu/power-cut, tests/qemu/history):
# its EFI system partition, the report files on it, fsck.fat's findings, boots through ci/qemu-run and the
# host times of serial lines. Sourced; the caller sets ROOT, APP_ARGS and BOOT_TIMEOUT_S.
: "${ROOT:?}" "${APP_ARGS:?}" "${BOOT_TIMEOUT_S:?}"
export MTOOLS_SKIP_CHECK=1
REPORT_END='-----END TSCPROBE REPORT-----'

# The first and last sector of the image's EFI system partition (its first partition).
esp_sectors() { sgdisk -i 1 "$1" | awk '/^First sector:/ { first = $3 } /^Last sector:/ { last = $3 } END { print first, last }'; }

# The mtools address of the image's EFI system partition.
esp_of() {
	local first last
	read -r first last < <(esp_sectors "$1")
	printf '%s@@%d' "$1" $((first * 512))
}

# Copy \tscprobe\ of DISK into DIR (left empty when there is no such folder). One file at a time: mcopy
# stops a wildcard copy at the first file it cannot read (an entry over freed clusters, as a cut
# delete leaves) and skips the rest.
files_of() {
	local disk=$1 dir=$2 esp file
	rm -rf "$dir"
	mkdir -p "$dir"
	esp=$(esp_of "$disk")
	while IFS= read -r file; do
		mcopy -n -i "$esp" "$file" "$dir/" 2>/dev/null || true
	done < <(mdir -b -i "$esp" ::/tscprobe 2>/dev/null | tr -d '\r')
}

# fsck.fat -n over the ESP of DISK: its findings, one per line, into FILE; empty when the volume is sound.
fsck_findings() {
	local disk=$1 file=$2 first last
	read -r first last < <(esp_sectors "$disk")
	dd if="$disk" of="$file.part" bs=512 skip="$first" count=$((last - first + 1)) status=none
	# Each finding on one line: a path line joins the lines indented below it.
	fsck.fat -n "$file.part" 2>&1 |
		grep -vE '^fsck\.fat [0-9]|^Checking we can access|[0-9]+ files?, [0-9]+/[0-9]+ clusters$|^Leaving filesystem unchanged|^$' |
		awk '/^  / && n { last = last " " substr($0, 3); next } { if (n) print last; last = $0; n = 1 } END { if (n) print last }' >"$file" || true
	rm -f "$file.part"
}

# Boot DISK through ci/qemu-run into DIR (the guest runs on DIR/disk.img, a copy); its output in DIR.log.
# More ci/qemu-run options may follow.
boot() {
	local disk=$1 dir=$2
	rm -rf "$dir"
	"$ROOT/ci/qemu-run" --image "$disk" --out "$dir" --quiet --accel tcg --timeout "$BOOT_TIMEOUT_S" \
		--app-args "$APP_ARGS" "${@:3}" >"$dir.log" 2>&1
}

# The QEMU process booting DIR/disk.img (not the timeout wrapping it), once it runs.
qemu_pid_of() { pgrep -f "^[^ ]*qemu-system-x86_64 .*file=$1/disk.img" | head -n 1; }

# For each PATTERN, the time (EPOCHREALTIME) at which the serial log in DIR first holds a line with it,
# one per line, while process PID (the boot) lives; lines are read as they are written (tail follows
# with inotify). Stops after the last pattern; prints no more when the boot ends first.
times_of_lines() {
	local dir=$1 pid=$2 line wait
	shift 2
	local -a patterns=("$@")
	for ((wait = 0; wait < BOOT_TIMEOUT_S * 20; wait++)); do
		[[ -f $dir/serial.log ]] || ! kill -0 "$pid" 2>/dev/null && break
		sleep 0.05
	done
	while IFS= read -r line && ((${#patterns[@]})); do
		if [[ $line == *"${patterns[0]}"* ]]; then
			echo "$EPOCHREALTIME"
			patterns=("${patterns[@]:1}")
		fi
	done < <(tail -n +1 -F --pid="$pid" "$dir/serial.log" 2>/dev/null)
}

# Boot DISK into DIR and print the seconds of its write phase: from the END marker to "Report files:".
# Returns the boot's status (1 when the phase could not be timed). More ci/qemu-run options may follow.
timed_boot() {
	local disk=$1 dir=$2 status=0
	local -a times
	boot "$disk" "$dir" "${@:3}" &
	local boot_pid=$!
	mapfile -t times < <(times_of_lines "$dir" "$boot_pid" "$REPORT_END" "Report files:")
	wait "$boot_pid" || status=$?
	((${#times[@]} == 2)) || return $((status ? status : 1))
	awk -v start="${times[0]}" -v end="${times[1]}" 'BEGIN { printf "%.6f\n", end - start }'
	return "$status"
}

same() { [[ -f $1 && -f $2 ]] && cmp -s "$1" "$2"; }
# JSON reports are compared as data: the serial copy is extracted from the log, the file written raw.
same_json() { [[ -f $1 && -f $2 ]] && cmp -s <(jq -S . "$1" 2>&1) <(jq -S . "$2" 2>&1); }
# Whole as the app tests it (core/history.c): the JSON parses and ends "\n}\n"; the text ends "\n".
whole_json() { [[ -s $1 ]] && jq -e .schema "$1" >/dev/null 2>&1 && [[ $(tail -c 3 "$1" | od -An -c | tr -d ' ') == '\n}\n' ]]; }
whole_text() { [[ -s $1 && $(tail -c 1 "$1" | od -An -c | tr -d ' ') == '\n' ]]; }
# The temporaries in DIR (*.new, *.old: the app writes every file as NAME.new and sets the one it
# replaces aside as NAME.old), space-separated.
temporaries_in() {
	local file names=
	for file in "$1"/*.new "$1"/*.old; do [[ -f $file ]] && names+="${file##*/} "; done
	echo "$names"
}
