#!/usr/bin/env bash
# Boots tscprobe.vdi in a VirtualBox EFI VM once per paravirtualization provider (none, minimal,
# kvm, hyperv), UART1 to a file per run, and collects the four reports with `tscprobe extract`.
# Needs VBoxManage (VirtualBox 6.1 or 7.x) and, for the extraction, the host CLI (make).
# Usage: boot/virtualbox/run-providers.sh [options] TSCPROBE.vdi   (--help for the options)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PROVIDERS=(none minimal kvm hyperv)
REPORT_BEGIN='-----BEGIN TSCPROBE REPORT-----'
# VirtualBox's own name for the TSC rate it gives the guest (CFGM /TM/TSCTicksPerSecond).
TSC_KEY=VBoxInternal/TM/TSCTicksPerSecond

NAME=tscprobe
OUT=$PWD/tscprobe-virtualbox
TIMEOUT_S=600
REPLACE=
TSC_HZ=
VDI=

usage() {
	cat <<'EOF'
Usage: boot/virtualbox/run-providers.sh [options] TSCPROBE.vdi

Creates a VirtualBox VM (EFI firmware, one vCPU, 256 MB, no network) on a copy
of TSCPROBE.vdi, then boots it once per paravirtualization provider: none,
minimal, kvm, hyperv. Each run's serial console (UART1, COM1) goes to a file;
its report is extracted from it. tscprobe powers the VM off after each run.

  --name NAME       VM name (default tscprobe)
  --out DIR         where the VM, serial-PROVIDER.log and report-PROVIDER.json
                    go (default ./tscprobe-virtualbox)
  --tsc-hz HZ       set VBoxInternal/TM/TSCTicksPerSecond: VirtualBox then
                    emulates the guest TSC at exactly HZ
  --timeout SEC     give up on a run after SEC seconds (default 600)
  --replace         delete an existing VM of that name and its disk copy first
  --help            this text

Environment: TSCPROBE, the host CLI (default build/tscprobe, else tscprobe on PATH).
EOF
}

say() { printf 'run-providers: %s\n' "$*"; }
die() { say "error: $*" >&2; exit 1; }

parse_args() {
	while (($#)); do
		case $1 in
		--name | --out | --tsc-hz | --timeout)
			(($# >= 2)) || die "$1 needs a value"
			case $1 in
			--name) NAME=$2 ;;
			--out) OUT=$2 ;;
			--tsc-hz) TSC_HZ=$2 ;;
			--timeout) TIMEOUT_S=$2 ;;
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
	[[ -z $TSC_HZ || $TSC_HZ =~ ^[1-9][0-9]*$ ]] || die "--tsc-hz needs a frequency in Hz"
	[[ $TIMEOUT_S =~ ^[1-9][0-9]*$ ]] || die "--timeout needs seconds"
	command -v VBoxManage >/dev/null || die "VBoxManage not found: install VirtualBox, or put it on PATH"
	mkdir -p "$OUT"
	OUT=$(cd "$OUT" && pwd)
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

vm_exists() { VBoxManage showvminfo "$NAME" >/dev/null 2>&1; }

vm_state() { VBoxManage showvminfo "$NAME" --machinereadable | sed -n 's/^VMState="\(.*\)"$/\1/p'; }

remove_old_vm() {
	vm_exists || return 0
	[[ -n $REPLACE ]] || die "a VM named $NAME exists: pass --replace to delete it (and its disk copy), or --name"
	[[ $(vm_state) != running ]] || VBoxManage controlvm "$NAME" poweroff >/dev/null
	VBoxManage unregistervm "$NAME" --delete >/dev/null
}

# An EFI VM on a copy of the VDI in the VM's folder: reports of every run accumulate on the copy.
create_vm() {
	local disk=$OUT/$NAME/tscprobe.vdi
	say "creating VM $NAME in $OUT/$NAME"
	VBoxManage createvm --name "$NAME" --ostype Other_64 --basefolder "$OUT" --register >/dev/null
	VBoxManage modifyvm "$NAME" --firmware efi64 --memory 256 --cpus 1 --nic1 none \
		--boot1 disk --boot2 none --boot3 none --boot4 none
	VBoxManage storagectl "$NAME" --name SATA --add sata --controller IntelAhci --portcount 1
	cp "$VDI" "$disk"
	# A VDI carries a UUID that VirtualBox registers: give the copy its own.
	VBoxManage internalcommands sethduuid "$disk" >/dev/null
	VBoxManage storageattach "$NAME" --storagectl SATA --port 0 --device 0 --type hdd --medium "$disk"
	if [[ -n $TSC_HZ ]]; then
		say "guest TSC emulated at $TSC_HZ Hz ($TSC_KEY)"
		VBoxManage setextradata "$NAME" "$TSC_KEY" "$TSC_HZ"
	fi
}

# Boot once with provider $1; the serial log goes to OUT/serial-$1.log.
run_provider() {
	local provider=$1 log=$OUT/serial-$1.log deadline=$((SECONDS + TIMEOUT_S)) state
	rm -f "$log"
	VBoxManage modifyvm "$NAME" --paravirtprovider "$provider" --uart1 0x3F8 4 --uartmode1 file "$log"
	say "run with --paravirtprovider $provider: booting (headless)"
	VBoxManage startvm "$NAME" --type headless >/dev/null
	while state=$(vm_state) && [[ $state == @(starting|running|paused|stopping) ]]; do
		if ((SECONDS >= deadline)); then
			VBoxManage controlvm "$NAME" poweroff >/dev/null || true
			say "$provider: no power-off within $TIMEOUT_S s; stopped it"
			return 1
		fi
		sleep 2
	done
	say "$provider: VM $state after $((SECONDS + TIMEOUT_S - deadline)) s"
}

# The report of run $1 into OUT/report-$1.json, and its verdicts on the terminal.
extract_report() {
	local provider=$1 cli=$2 log=$OUT/serial-$1.log report=$OUT/report-$1.json
	if ! grep -qaF -- "$REPORT_BEGIN" "$log" 2>/dev/null; then
		say "$provider: no report in $log"
		return 1
	fi
	if [[ -z $cli ]]; then
		say "$provider: report in $log (no host CLI here to extract it: tscprobe extract $log)"
		return 0
	fi
	"$cli" extract "$log" -o "$report"
	say "$provider: $report"
	"$cli" show "$report" | sed -n '/^Verdicts/,/^$/p'
}

main() {
	local provider cli failed=()
	parse_args "$@"
	cli=$(host_cli)
	[[ -n $cli ]] || say "no host CLI (build it with make, or set TSCPROBE): serial logs only"
	remove_old_vm
	create_vm
	for provider in "${PROVIDERS[@]}"; do
		if ! run_provider "$provider" || ! extract_report "$provider" "$cli"; then
			failed+=("$provider")
		fi
	done
	say "serial logs and reports in $OUT; the VM's disk copy holds \\tscprobe\\run-0001..0004"
	((${#failed[@]} == 0)) || die "no report for: ${failed[*]}"
}

main "$@"
