# shellcheck shell=bash
# Helpers the lanes that boot a Linux initramfs under QEMU TCG share (ci/xen-lane; ci/nested-kvm
# can adopt them): Debian packages fetched with apt-get download and unpacked, never installed;
# kernel modules in load order; busybox; cpio layers; the probe's options on its image; the
# report from a serial log. Sourced; the lane sets LANE_NAME, CACHE (with CACHE/debs) and
# EXIT_UNAVAILABLE, and ROOT, first.
: "${LANE_NAME:?}" "${CACHE:?}" "${EXIT_UNAVAILABLE:?}" "${ROOT:?}"
# Set by the helpers for their caller: DEB by fetch_deb, WHY by extract_report, the module
# list by place_module (which reads MODULE_TREE).
DEB=
WHY=
MODULE_TREE=
declare -A MODULES_PLACED=()
declare -a MODULE_FILES=()

say() { printf '%s: %s\n' "$LANE_NAME" "$*"; }
die() { say "error: $*" >&2; exit 1; }
usage_error() { say "$*" >&2; say "see ci/$LANE_NAME --help" >&2; exit 2; }
unavailable() { say "lane unavailable: $*" >&2; exit "$EXIT_UNAVAILABLE"; }
show_path() { printf '%s' "${1#"$PWD"/}"; }

# Seconds since $1 (an $EPOCHREALTIME stamp), one decimal.
seconds_since() {
	local from=${1/[.,]/} now=${EPOCHREALTIME/[.,]/}
	local tenths=$(((now - from) / 100000))
	printf '%d.%d' $((tenths / 10)) $((tenths % 10))
}

as_root() {
	if ((EUID == 0)); then "$@"; else sudo -n "$@"; fi
}

package_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo none; }

# ---- Debian packages, downloaded and unpacked -------------------------------------

refresh_apt_lists() {
	say "apt-get update (apt has no usable package lists)"
	as_root env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get update -q >"$CACHE/apt-update.log" 2>&1 ||
		unavailable "apt-get update failed: $(tail -n 1 "$CACHE/apt-update.log")"
}

# The versioned kernel package linux-image-amd64 pulls in (linux-image-6.1.0-N-amd64).
kernel_package() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9.]*-[0-9]*-amd64\)$/\1/p' | head -n 1
}

# Fill CANDIDATE[package] for every package named, from one apt-cache call; fails when
# apt names no candidate for one of them.
declare -A CANDIDATE=()
read_candidates() {
	local package version
	while read -r package version; do
		[[ $version == "(none)" ]] || CANDIDATE[$package]=$version
	done < <(apt-cache policy "$@" 2>/dev/null |
		awk '/^[^ ].*:$/ { package = substr($0, 1, length($0) - 1) } $1 == "Candidate:" { print package, $2 }')
	for package in "$@"; do
		[[ -n ${CANDIDATE[$package]:-} ]] || return 1
	done
}

# Set DEB to the path of PACKAGE's candidate .deb in CACHE/debs when it is there;
# other versions of the package are removed.
find_cached_deb() {
	local package=$1 deb
	DEB=
	for deb in "$CACHE/debs/${package}_"*.deb; do
		[[ -f $deb ]] || continue
		if [[ -z $DEB && $(dpkg-deb -f "$deb" Version) == "${CANDIDATE[$package]}" ]]; then
			DEB=$deb
		else
			rm -f "$deb"
		fi
	done
	[[ -n $DEB ]]
}

download_deb() {
	say "downloading $1 ${CANDIDATE[$1]} (apt-get download)"
	(cd "$CACHE/debs" && timeout 600 apt-get download -q "$1=${CANDIDATE[$1]}") >"$CACHE/apt-download.log" 2>&1
}

# Set DEB to PACKAGE's candidate .deb, downloading it when it is not cached yet; a failed
# download refreshes the apt lists once (they may name a version gone from the archive).
fetch_deb() {
	local package=$1
	mkdir -p "$CACHE/debs"
	find_cached_deb "$package" && return
	if ! download_deb "$package"; then
		refresh_apt_lists
		if ! { read_candidates "$package" && download_deb "$package"; }; then
			unavailable "apt-get download $package failed: $(grep -m1 '^E:' "$CACHE/apt-download.log" || tail -n 1 "$CACHE/apt-download.log")"
		fi
	fi
	find_cached_deb "$package" || unavailable "apt-get download $package left no .deb of version ${CANDIDATE[$package]}"
}

# ---- initramfs pieces ------------------------------------------------------------

# Append module $1 to MODULE_FILES after the modules it depends on, from modinfo on the
# .ko files under the unpacked kernel tree MODULE_TREE (the caller declares its own
# MODULE_FILES and MODULES_PLACED, local -A, and fills them by calls).
place_module() {
	local name=$1 file dep
	[[ -z ${MODULES_PLACED[$name]:-} ]] || return 0
	MODULES_PLACED[$name]=1
	file=$(find "$MODULE_TREE/lib/modules" \( -name "$name.ko" -o -name "$name.ko.xz" \
		-o -name "${name//-/_}.ko" -o -name "${name//_/-}.ko" \
		-o -name "${name//-/_}.ko.xz" -o -name "${name//_/-}.ko.xz" \) | head -n 1)
	[[ -n $file ]] || die "module $name not found in the kernel package"
	for dep in $(modinfo -F depends "$file" | tr ',' ' '); do
		place_module "$dep"
	done
	MODULE_FILES+=("$file")
}

# Copy module file $1 into directory $2 as NAME.ko, decompressed (busybox insmod may not
# read .ko.xz); prints NAME.
install_module() {
	local file=$1 dir=$2 name
	name=$(basename "$file")
	name=${name%.xz}
	if [[ $file == *.xz ]]; then
		xz -dc "$file" >"$dir/$name"
	else
		cp "$file" "$dir/$name"
	fi
	printf '%s\n' "${name%.ko}"
}

# busybox-static from .deb $1 into root $2, with a link per applet in /bin.
stage_busybox() {
	local deb=$1 root=$2 tree=$CACHE/busybox.tmp applet
	rm -rf "$tree"
	dpkg-deb -x "$deb" "$tree"
	mkdir -p "$root/bin" "$root/usr/bin"
	cp "$tree/bin/busybox" "$root/bin/busybox"
	for applet in $("$root/bin/busybox" --list); do
		[[ $applet == busybox ]] || ln -sf busybox "$root/bin/$applet"
	done
	rm -rf "$tree"
}

# Pack directory $1 as a gzipped newc cpio into $2, every file owned by root.
pack_cpio() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -6 >"$2.tmp"
	mv "$2.tmp" "$2"
}

# ---- the probe's image and its report ------------------------------------------------

# The mtools address of the FAT volume in image $1: the image itself, or the first
# partition of its GPT (as in ci/qemu-run).
fat_volume() {
	local image=$1 entries_lba first_lba
	if [[ $(head -c 520 "$image" | tail -c 8 | tr -d '\0') == "EFI PART" ]]; then
		entries_lba=$(od -An -tu8 -j $((512 + 72)) -N 8 "$image")
		first_lba=$(od -An -tu8 -j $((entries_lba * 512 + 32)) -N 8 "$image")
		printf '%s@@%d' "$image" $((first_lba * 512))
	else
		printf '%s' "$image"
	fi
}

# Write options $2 to \tscprobe\options.txt on image $1 (the option file lands beside it).
write_app_options() {
	local volume options=$1.options.txt
	volume=$(fat_volume "$1")
	printf '%s\n' "$2" >"$options"
	export MTOOLS_SKIP_CHECK=1
	mdir -i "$volume" ::/tscprobe >/dev/null 2>&1 || mmd -i "$volume" ::/tscprobe
	mcopy -o -i "$volume" "$options" ::/tscprobe/options.txt
	rm -f "$options"
}

# How far the guest got, from its serial log $1/serial.log.
app_progress() {
	if grep -qa 'BEGIN TSCPROBE REPORT' "$1/serial.log"; then
		echo "the report had begun"
	elif grep -qai 'tscprobe' "$1/serial.log"; then
		echo "the app had started: last serial line '$(tr -d '\r' <"$1/serial.log" | sed 's/\x1b\[[0-9;=?]*[A-Za-z]//g' | grep -v '^ *$' | tail -n 1)'"
	else
		echo "the firmware never started the app"
	fi
}

# Extract the report from DIR/serial.log into DIR/report.json; on failure sets WHY.
extract_report() {
	local dir=$1
	if ! grep -qaF -- '-----BEGIN TSCPROBE REPORT-----' "$dir/serial.log"; then
		WHY="no report in the serial log"
		return 1
	fi
	if ! "${TSCPROBE:-$ROOT/build/tscprobe}" extract "$dir/serial.log" >"$dir/report.tmp" 2>"$dir/extract.log"; then
		# shellcheck disable=SC2034 # read by the lane that sources this file
		WHY="extract found no complete report: $(tail -n 1 "$dir/extract.log")"
		rm -f "$dir/report.tmp"
		return 1
	fi
	mv "$dir/report.tmp" "$dir/report.json"
	rm -f "$dir/extract.log"
}
