#!/usr/bin/env bash
# Boots tscprobe.vdi in a VirtualBox EFI VM once per paravirtualization provider (none, minimal,
# kvm, hyperv), UART1 to a file per run, and collects the four reports with `tscprobe extract`.
# Needs VBoxManage (VirtualBox 6.1 or 7.x) and, for the extraction, the host CLI (make).
# Runs on bash 3.2 (macOS's /bin/bash) and later: no bash 4 construct (tests/boot/bash32-lint checks).
# Usage: boot/virtualbox/run-providers.sh [options] TSCPROBE.vdi   (--help for the options)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PROVIDERS="none minimal kvm hyperv"
REPORT_BEGIN='-----BEGIN TSCPROBE REPORT-----'
# VirtualBox's own name for the TSC rate it gives the guest (CFGM /TM/TSCTicksPerSecond).
TSC_KEY=VBoxInternal/TM/TSCTicksPerSecond
# What VBox.log says when the native-API engine (Hyper-V on a Windows host) ignores TSC_KEY
# (VirtualBox's src/VBox/VMM/VMMR3/TM.cpp, TMR3Init).
NEM_TSC_OVERRIDE='NEM overrides the /TM/TSCTicksPerSecond'
# Extra data that marks a VM as made by this script and names the one disk copy it may delete.
COPY_KEY=tscprobe/run-providers/disk-copy
# After a power-off VirtualBox may hold the VM's session lock a little longer; modifyvm and
# unregistervm fail until it is released. Wait at most this long, polling at POLL_S.
UNLOCK_WAIT_S=30
POLL_S=${TSCPROBE_VBOX_POLL_S:-2}
NL=$'\n'

NAME=tscprobe
OUT=$PWD/tscprobe-virtualbox
TIMEOUT_S=600
REPLACE=
TSC_HZ=
VDI=
FAILED=

usage() {
	cat <<'EOF'
Usage: boot/virtualbox/run-providers.sh [options] TSCPROBE.vdi

Creates a VirtualBox VM (EFI firmware, HPET on, one vCPU, 256 MB, no network)
on a copy of TSCPROBE.vdi, then boots it once per paravirtualization provider:
none, minimal, kvm, hyperv. Each run's serial console (UART1, COM1) goes to a
fresh file; its report is extracted from it. tscprobe powers the VM off after
each run. TSCPROBE.vdi itself is never attached, changed or deleted.

  --name NAME       VM name (default tscprobe)
  --out DIR         where the VM, serial-PROVIDER.log and report-PROVIDER.json
                    go (default ./tscprobe-virtualbox)
  --tsc-hz HZ       set VBoxInternal/TM/TSCTicksPerSecond: VirtualBox then
                    emulates the guest TSC at HZ, except under the native-API
                    engine (Hyper-V enabled on a Windows host), which ignores
                    it; the script says so when VBox.log shows it
  --timeout SEC     give up on a run after SEC seconds (default 600)
  --replace         remove an existing VM of that name first. Only the disk
                    copy this script made is deleted; any other disk or DVD
                    attached to that VM is detached and left as it is
  --help            this text

Environment: TSCPROBE, the host CLI (default build/tscprobe, else tscprobe on PATH).
EOF
}

say() { printf 'run-providers: %s\n' "$*"; }
die() {
	say "error: $*" >&2
	exit 1
}

# VBoxManage with its status checked: a failure ends the script with one line naming the call
# (VBoxManage has printed its own reason above it).
vbox() {
	local status=0
	VBoxManage "$@" || status=$?
	((status == 0)) || die "VBoxManage $* failed (status $status)"
}

parse_args() {
	local dir
	while (($#)); do
		case $1 in
		--name | --out | --tsc-hz | --timeout)
			(($# >= 2)) || die "$1 needs a value"
			case $1 in
			--name) NAME=$2 ;;
			--out) OUT=$2 ;;
			--tsc-hz) TSC_HZ=$2 ;;
			--timeout) TIMEOUT_S=$2 ;;
			*) die "option $1 not handled" ;;
			esac
			shift 2
			;;
		--replace)
			REPLACE=1
			shift
			;;
		--help | -h)
			usage
			exit 0
			;;
		-*) die "unknown option $1 (see --help)" ;;
		*)
			[[ -z $VDI ]] || die "one VDI only"
			VDI=$1
			shift
			;;
		esac
	done
	[[ -n $VDI ]] || die "no VDI given (see --help); make images builds build/tscprobe.vdi"
	[[ -f $VDI ]] || die "no file $VDI"
	[[ -z $TSC_HZ ]] || require_count "$TSC_HZ" "--tsc-hz needs a frequency in Hz"
	require_count "$TIMEOUT_S" "--timeout needs seconds"
	command -v VBoxManage >/dev/null || die "VBoxManage not found: install VirtualBox, or put it on PATH"
	mkdir -p "$OUT" || die "cannot create $OUT"
	OUT=$(cd "$OUT" && pwd)
	dir=$(dirname "$VDI")
	dir=$(cd "$dir" && pwd)
	VDI=$dir/${VDI##*/}
}

# require_count VALUE MESSAGE: VALUE must be a positive decimal number, else die with MESSAGE.
require_count() {
	case $1 in
	'' | 0* | *[!0-9]*) die "$2" ;;
	*) ;;
	esac
}

# The host CLI, or nothing (the serial logs are then kept for a later `tscprobe extract`).
host_cli() {
	if [[ -n ${TSCPROBE:-} ]]; then
		echo "$TSCPROBE"
	elif [[ -x $ROOT/build/tscprobe ]]; then
		echo "$ROOT/build/tscprobe"
	else
		command -v tscprobe || true
	fi
}

# EXISTS=1 when a VM named NAME is registered. VBoxManage's exit status alone does not tell
# "no such VM" from a broken installation: `list vms` does, one '"NAME" {UUID}' line per VM.
find_vm() {
	local vms
	vms=$(VBoxManage list vms) || die "VBoxManage list vms failed: is VirtualBox working?"
	EXISTS=
	case $vms in
	*"\"$NAME\" {"*) EXISTS=1 ;;
	*) ;;
	esac
}

# The VM's machine-readable description (showvminfo --machinereadable) into INFO, each line
# after a newline, and from it STATE (VMState), BUSY=1 unless the VM rests (off, aborted, saved),
# and LOCKED=1 while a session holds the VM: showvminfo prints a SessionName line only then
# (VirtualBox's src/VBox/Frontends/VBoxManage/VBoxManageInfo.cpp).
read_info() {
	local info
	info=$(VBoxManage showvminfo "$NAME" --machinereadable) ||
		die "VBoxManage showvminfo $NAME --machinereadable failed"
	INFO=$NL$info
	STATE=$(printf '%s\n' "$INFO" | sed -n 's/^VMState="\(.*\)"$/\1/p')
	case $STATE in
	poweroff | aborted | abortedsaved | saved | teleported) BUSY= ;;
	*) BUSY=1 ;;
	esac
	case $INFO in
	*"${NL}SessionName="*) LOCKED=1 ;;
	*) LOCKED= ;;
	esac
}

# Wait (bounded) until the VM rests and no session holds its lock.
wait_unlocked() {
	local deadline=$((SECONDS + UNLOCK_WAIT_S)) checks=0 max_checks=$((UNLOCK_WAIT_S * 4))
	while :; do
		read_info
		[[ -n $BUSY || -n $LOCKED ]] || return 0
		checks=$((checks + 1))
		if ((SECONDS >= deadline || checks >= max_checks)); then
			die "VM $NAME still locked by a session after $UNLOCK_WAIT_S s ($checks checks): close the VirtualBox window that holds it, or wait and run again"
		fi
		sleep "$POLL_S"
	done
}

# The media attached to the VM, one "CONTROLLER<TAB>PORT<TAB>DEVICE<TAB>PATH" line each, from
# INFO's '"CONTROLLER-PORT-DEVICE"="PATH"' lines (empty drives and UUID lines left out).
attached_media() {
	printf '%s\n' "$INFO" | sed -n 's/^"\(.*\)-\([0-9][0-9]*\)-\([0-9][0-9]*\)"="\(.*\)"$/\1	\2	\3	\4/p' |
		awk -F '\t' '$1 !~ /-ImageUUID$/ && $4 != "none" && $4 != "emptydrive"'
}

# Remove an existing VM of NAME (with --replace). `unregistervm --delete` deletes every hard disk
# still attached (VBoxManageMisc.cpp: CleanupMode_DetachAllReturnHardDisksOnly, then Delete), so
# every medium but the disk copy this script made for that VM is detached first.
remove_old_vm() {
	local copy controller port device path media
	find_vm
	[[ -n $EXISTS ]] || return 0
	[[ -n $REPLACE ]] || die "a VM named $NAME exists: pass --replace to remove it (its disks other than this script's copy are kept), or --name"
	read_info
	case $INFO in
	*"${NL}SnapshotName="*) die "VM $NAME has snapshots; this script will not remove it: remove it yourself, or use --name" ;;
	*) ;;
	esac
	if [[ -n $BUSY ]]; then
		say "powering off the running VM $NAME"
		vbox controlvm "$NAME" poweroff
	fi
	wait_unlocked
	copy=$(VBoxManage getextradata "$NAME" "$COPY_KEY" | sed -n 's/^Value: //p') ||
		die "VBoxManage getextradata $NAME failed"
	media=$(attached_media)
	while IFS='	' read -r controller port device path; do
		[[ -n $controller ]] || continue
		if [[ -n $copy && $path == "$copy" ]]; then
			continue
		fi
		say "detaching $path from $NAME (not this script's copy: kept)"
		vbox storageattach "$NAME" --storagectl "$controller" --port "$port" --device "$device" --medium none
	done <<<"$media"
	say "removing VM $NAME${copy:+ and its disk copy $copy}"
	vbox unregistervm "$NAME" --delete
}

# An EFI VM with an HPET on a copy of the VDI in the VM's folder: reports of every run accumulate
# on the copy. VirtualBox VMs have no HPET unless it is enabled (or the chipset is ICH9);
# `--hpet` is the 6.1/7.0 spelling, which 7.1 keeps beside `--x86-hpet`.
create_vm() {
	local dir=$OUT/$NAME disk=$OUT/$NAME/tscprobe.vdi
	[[ $VDI != "$disk" ]] || die "give the original VDI, not the copy in $dir"
	[[ ! -e $dir/$NAME.vbox ]] || die "$dir/$NAME.vbox exists but no VM $NAME is registered: remove $dir, or use --out or --name"
	[[ ! -e $disk ]] || die "$disk exists (left by an earlier VM): remove it, or use --out or --name"
	say "creating VM $NAME in $dir"
	vbox createvm --name "$NAME" --ostype Other_64 --basefolder "$OUT" --register
	vbox modifyvm "$NAME" --firmware efi64 --memory 256 --cpus 1 --hpet on --nic1 none \
		--boot1 disk --boot2 none --boot3 none --boot4 none
	vbox storagectl "$NAME" --name SATA --add sata --controller IntelAhci --portcount 1
	cp "$VDI" "$disk" || die "cannot copy $VDI to $disk"
	# A VDI carries a UUID that VirtualBox registers: give the copy its own.
	vbox internalcommands sethduuid "$disk"
	vbox setextradata "$NAME" "$COPY_KEY" "$disk"
	vbox storageattach "$NAME" --storagectl SATA --port 0 --device 0 --type hdd --medium "$disk"
	if [[ -n $TSC_HZ ]]; then
		say "guest TSC emulated at $TSC_HZ Hz ($TSC_KEY)"
		vbox setextradata "$NAME" "$TSC_KEY" "$TSC_HZ"
	fi
}

# Boot once with provider $1, the serial log into a fresh OUT/serial-$1.log. A run that does not
# end within TIMEOUT_S is powered off and counted as failed; a VBoxManage failure ends the script.
run_provider() {
	local provider=$1 log=$OUT/serial-$1.log start=$SECONDS checks=0
	wait_unlocked
	rm -f "$log" || die "cannot remove the old $log"
	[[ ! -e $log ]] || die "cannot remove the old $log"
	vbox modifyvm "$NAME" --paravirtprovider "$provider" --uart1 0x3F8 4 --uartmode1 file "$log"
	say "run with --paravirtprovider $provider: booting (headless)"
	vbox startvm "$NAME" --type headless
	while :; do
		read_info
		[[ -n $BUSY ]] || break
		checks=$((checks + 1))
		# The cap stops the loop even if SECONDS were wrong; at least one second per check.
		if ((SECONDS - start >= TIMEOUT_S || checks >= TIMEOUT_S)); then
			say "$provider: no power-off within $TIMEOUT_S s; powering it off"
			vbox controlvm "$NAME" poweroff
			wait_unlocked
			FAILED="$FAILED $provider"
			return 0
		fi
		sleep "$POLL_S"
	done
	say "$provider: VM $STATE after $((SECONDS - start)) s"
	check_tsc_override
	extract_report "$provider"
}

# With --tsc-hz: say so when VirtualBox ignored the rate (VBox.log of the last run).
check_tsc_override() {
	local log
	[[ -n $TSC_HZ ]] || return 0
	if ! log=$(VBoxManage showvminfo "$NAME" --log 0); then
		say "warning: could not read VBox.log to check that --tsc-hz took effect (showvminfo --log 0)"
		return 0
	fi
	if grep -qF -- "$NEM_TSC_OVERRIDE" <<<"$log"; then
		say "warning: VBox.log says '$NEM_TSC_OVERRIDE': the native-API engine ran this VM and --tsc-hz had no effect (see docs/hypervisors/virtualbox.md)"
	fi
}

# The report of run $1 into OUT/report-$1.json, and its verdicts on the terminal.
extract_report() {
	local provider=$1 log=$OUT/serial-$1.log report=$OUT/report-$1.json verdicts
	if ! grep -qaF -- "$REPORT_BEGIN" "$log" 2>/dev/null; then
		say "$provider: no report in $log"
		FAILED="$FAILED $provider"
		return 0
	fi
	if [[ -z $CLI ]]; then
		say "$provider: report in $log (no host CLI here to extract it: tscprobe extract $log)"
		return 0
	fi
	if ! "$CLI" extract "$log" -o "$report" || ! verdicts=$("$CLI" show "$report"); then
		say "$provider: $CLI could not extract or show the report of $log"
		FAILED="$FAILED $provider"
		return 0
	fi
	say "$provider: $report"
	printf '%s\n' "$verdicts" | sed -n '/^Verdicts/,/^$/p'
}

main() {
	local provider
	parse_args "$@"
	CLI=$(host_cli)
	[[ -n $CLI ]] || say "no host CLI (build it with make, or set TSCPROBE): serial logs only"
	remove_old_vm
	create_vm
	for provider in $PROVIDERS; do
		run_provider "$provider"
	done
	say "serial logs and reports in $OUT; the VM's disk copy holds \\tscprobe\\run-0001..0004"
	[[ -z $FAILED ]] || die "no report for:$FAILED"
}

main "$@"
