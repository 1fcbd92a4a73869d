# tscprobe: one flat Makefile. core/ compiles twice (build/efi for the app, build/host for tools and tests).
.DEFAULT_GOAL := all
SHELL := /bin/bash

VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo unknown)
BUILD := build

CORE_SRC := $(wildcard core/*.c)
EFI_SRC := $(wildcard efi/*.c)
# tools/: the CLI's main.c and shared host plumbing, sim/ (the simulated machine), report/ (reading and
# rendering reports), cli/ (one file per command). Each folder is on the include path: header names are unique.
TOOLS_DIRS := tools tools/sim tools/report tools/cli
TOOLS_INC := $(patsubst %,-I%,$(TOOLS_DIRS))
TOOLS_SRC := $(filter-out tools/main.c,$(wildcard $(patsubst %,%/*.c,$(TOOLS_DIRS))))
TEST_SRC := $(wildcard tests/unit/test_*.c)
# Helpers that several test binaries link: the simulated machine's (tests/unit/test_sim_*.c), and the accuracy
# checks' upper bounds.
TEST_HELPER_SRC := tests/unit/sim_helpers.c tests/unit/accuracy.c tests/unit/fixture_memory.c

# ---- EFI app -------------------------------------------------------------
EFI_INC := /usr/include/efi
EFI_LIB := /usr/lib
EFI_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -I$(EFI_INC) -I$(EFI_INC)/x86_64 -Icore -Iefi -MMD -MP
# No hosted libc: core/ brings its own printf, libefi its memset/memcpy.
EFI_CFLAGS += -ffreestanding -fshort-wchar
# Position-independent: gnu-efi's crt0 relocates the image itself at start.
EFI_CFLAGS += -fpic
# Firmware has no stack-guard symbol.
EFI_CFLAGS += -fno-stack-protector
# Firmware interrupt handlers run on our stack, below the stack pointer.
EFI_CFLAGS += -mno-red-zone
# Firmware calls are direct ms_abi calls, no uefi_call_wrapper.
EFI_CFLAGS += -DGNU_EFI_USE_MS_ABI -maccumulate-outgoing-args
EFI_CFLAGS += -DTSCPROBE_VERSION='"$(VERSION)"'
EFI_LDFLAGS := -nostdlib -znocombreloc -T $(EFI_LIB)/elf_x86_64_efi.lds -shared -Bsymbolic -L$(EFI_LIB)
EFI_OBJ := $(patsubst %.c,$(BUILD)/efi/%.o,$(CORE_SRC) $(EFI_SRC))

# Quiet by default; `make V=1` shows the commands.
Q := $(if $(V),,@)

$(BUILD)/efi/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC efi   $<")
	$(Q)$(CC) $(EFI_CFLAGS) -c $< -o $@

$(BUILD)/efi/tscprobe.so: $(EFI_OBJ)
	$(Q)$(LD) $(EFI_LDFLAGS) $(EFI_LIB)/crt0-efi-x86_64.o $^ -o $@ -lefi -lgnuefi $(shell $(CC) -print-libgcc-file-name)

$(BUILD)/tscprobe.efi: $(BUILD)/efi/tscprobe.so
	@$(if $(Q),echo "  EFI      $@")
	$(Q)objcopy -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela -j .reloc -j .sbat \
		--target=efi-app-x86_64 $< $@

# The version lives in one object per build, and in the app's SBAT entry; rebuild them when git describe changes.
$(BUILD)/.version: FORCE
	@mkdir -p $(BUILD); echo '$(VERSION)' | cmp -s - $@ || echo '$(VERSION)' > $@
$(BUILD)/efi/efi/main.o $(BUILD)/efi/efi/sbat.o $(BUILD)/host/tools/main.o $(BUILD)/host/tools/cli/sim.o: $(BUILD)/.version
FORCE:

# ---- host CLI and unit tests -------------------------------------------------
HOST_PKGS := jansson
# ASan and UBSan everywhere but in the plain build (valgrind cannot run sanitized binaries).
HOST_SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
HOST_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -O1 -g -Icore $(TOOLS_INC) $(HOST_SANITIZE) \
	-DTSCPROBE_VERSION='"$(VERSION)"' -MMD -MP \
	$(shell pkg-config --cflags $(HOST_PKGS) 2>/dev/null)
HOST_LDLIBS := $(shell pkg-config --libs $(HOST_PKGS) 2>/dev/null) -lm
HOST_OBJ := $(patsubst %.c,$(BUILD)/host/%.o,$(CORE_SRC) $(TOOLS_SRC))

$(BUILD)/host/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC host  $<")
	$(Q)$(CC) $(HOST_CFLAGS) -c $< -o $@

$(BUILD)/tscprobe: $(BUILD)/host/tools/main.o $(HOST_OBJ)
	@$(if $(Q),echo "  LD       $@")
	$(Q)$(CC) $(HOST_CFLAGS) $^ -o $@ $(HOST_LDLIBS)

# The host CLI without sanitizers, for valgrind: the same rules, run with BUILD=$(BUILD)/plain.
PLAIN_CLI := $(BUILD)/plain/tscprobe
$(PLAIN_CLI): FORCE
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/plain HOST_SANITIZE= $@

TEST_BIN := $(patsubst tests/unit/%.c,$(BUILD)/host/tests/%,$(TEST_SRC))
$(BUILD)/host/tests/%: $(BUILD)/host/tests/unit/%.o $(HOST_OBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD       $@")
	$(Q)$(CC) $(HOST_CFLAGS) $^ -o $@ $(HOST_LDLIBS) -lcmocka
$(filter $(BUILD)/host/tests/test_sim_%,$(TEST_BIN)): $(BUILD)/host/tests/unit/sim_helpers.o
$(patsubst %,$(BUILD)/host/tests/test_%,calib faults scenarios watch): $(BUILD)/host/tests/unit/accuracy.o
$(patsubst %,$(BUILD)/host/tests/test_%,acpi smbios): $(BUILD)/host/tests/unit/fixture_memory.o

# ---- static analysis (make lint) ---------------------------------------------------
# cppcheck and clang-tidy over every C file of core/, efi/, tools/ and tests/unit/; any finding fails.
# Configuration: .clang-tidy (efi/.clang-tidy adds to it) and .cppcheck-suppressions, each exclusion
# with its reason. A stamp per file and check: a second run checks only what changed (a header: all).
LINT_DIR := $(BUILD)/lint
LINT_HEADERS := $(wildcard core/*.h efi/*.h $(patsubst %,%/*.h,$(TOOLS_DIRS)) tests/unit/*.h)
LINT_HOST_SRC := tools/main.c $(TOOLS_SRC) $(TEST_SRC)
LINT_HOST_SRC += $(TEST_HELPER_SRC)
# core/ has no #if, so one pass stands for both builds: with the app's flags, freestanding.
LINT_EFI_SRC := $(CORE_SRC) $(EFI_SRC)
# The compilers' own flags, less dependency files, sanitizers and what clang does not know.
# -Ifuzz: tests/unit/test_fuzz_input.c tests the fuzz inputs' codec.
TIDY_FLAGS_host := $(filter-out -MMD -MP $(HOST_SANITIZE),$(HOST_CFLAGS)) -Ifuzz
TIDY_FLAGS_efi := $(filter-out -MMD -MP -maccumulate-outgoing-args,$(EFI_CFLAGS))
# cppcheck reads no system header (its own libraries know libc and POSIX); GNU-EFI's it must read,
# and they test the compiler, so it is told gcc's.
CPPCHECK_FLAGS := --std=c11 --enable=warning,style,performance,portability --error-exitcode=1 --quiet \
	--inline-suppr --suppressions-list=.cppcheck-suppressions --template='{file}:{line}: {severity}: {message} [{id}]'
CPPCHECK_FLAGS_host := -Icore $(TOOLS_INC) -Ifuzz -D_DEFAULT_SOURCE -DTSCPROBE_VERSION='"lint"' --library=posix
CPPCHECK_FLAGS_efi := -I$(EFI_INC) -I$(EFI_INC)/x86_64 -Icore -Iefi -D__x86_64__ -D__GNUC__=12 -D__GNUC_MINOR__=2 \
	-DGNU_EFI_USE_MS_ABI -DTSCPROBE_VERSION='"lint"'
CPPCHECK_SRC_host := $(CORE_SRC) $(LINT_HOST_SRC)
CPPCHECK_SRC_efi := $(EFI_SRC)
LINT_STAMPS := $(patsubst %.c,$(LINT_DIR)/host/%.tidy,$(LINT_HOST_SRC)) \
	$(patsubst %.c,$(LINT_DIR)/efi/%.tidy,$(LINT_EFI_SRC)) $(LINT_DIR)/host.cppcheck $(LINT_DIR)/efi.cppcheck

# One rule per build, host and efi.
define LINT_RULES
$(LINT_DIR)/$(1)/%.tidy: %.c .clang-tidy efi/.clang-tidy $(LINT_HEADERS)
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  TIDY $(1)  $$<")
	$$(Q)set -o pipefail; clang-tidy --quiet $$< -- $$(TIDY_FLAGS_$(1)) 2>&1 | sed '/^[0-9]* warnings* generated\.$$$$/d'
	@touch $$@

$(LINT_DIR)/$(1).cppcheck: $$(CPPCHECK_SRC_$(1)) .cppcheck-suppressions $(LINT_HEADERS)
	@mkdir -p $(LINT_DIR)/cppcheck-$(1)
	@$$(if $$(Q),echo "  CPPCHECK $(1)")
	$$(Q)cppcheck $$(CPPCHECK_FLAGS) $$(CPPCHECK_FLAGS_$(1)) --cppcheck-build-dir=$(LINT_DIR)/cppcheck-$(1) \
		$$(CPPCHECK_SRC_$(1)) && touch $$@
endef
$(foreach build,host efi,$(eval $(call LINT_RULES,$(build))))

# ---- fuzzing (fuzz/, docs/testing.md) -----------------------------------------------
# One clang libFuzzer target per parser, fuzz/fuzz_NAME.c, over the production core/ and tools/ sources compiled
# once more with coverage, ASan and UBSan (any undefined behaviour stops the run, as a crash). Where the target runs
# a whole simulated probe per input, a parse-only fuzz/fuzz_NAME_parse.c beside it calls the parser alone, for depth.
FUZZ_CC := clang-14
FUZZ_TARGETS := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_SHARED := fuzz/machine_input.c fuzz/machine_run.c fuzz/report_check.c fuzz/parse_machine.c fuzz/paravirt_input.c \
	fuzz/json_arena.c
FUZZ_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -O1 -g -Icore $(TOOLS_INC) -Ifuzz -Itests/unit \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	-DTSCPROBE_VERSION='"$(VERSION)"' -MMD -MP $(shell pkg-config --cflags $(HOST_PKGS) 2>/dev/null)
FUZZ_OBJ := $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(CORE_SRC) $(TOOLS_SRC) $(FUZZ_SHARED))
FUZZ_BIN := $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_TARGETS))
# Objects kept between builds (make would delete them as intermediates of the pattern rule).
.SECONDARY: $(FUZZ_OBJ) $(patsubst %,$(BUILD)/fuzz/obj/fuzz/fuzz_%.o,$(FUZZ_TARGETS))
# Seed inputs made from tests/data by fuzz/seeds.c (built like the host tools): ACPI captures, scenarios' CPUID.
FUZZ_SEEDS := $(BUILD)/fuzz/seeds
FUZZ_SEEDS_TOOL := $(BUILD)/fuzz/fuzz-seeds
ACPI_FIXTURES := $(patsubst %/layout,%,$(wildcard tests/data/acpi/*/layout))
SCENARIOS := $(wildcard tests/data/scenarios/*.json)
# Seconds each target runs under `make fuzz`.
FUZZ_SECONDS ?= 60

$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC fuzz  $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@
$(BUILD)/fuzz/obj/tools/cli/sim.o: $(BUILD)/.version

$(BUILD)/fuzz/fuzz_%: $(BUILD)/fuzz/obj/fuzz/fuzz_%.o $(FUZZ_OBJ)
	@$(if $(Q),echo "  LD fuzz  $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $^ -o $@ $(HOST_LDLIBS)

# The fuzz inputs' codec has its unit test (tests/unit/test_fuzz_input.c).
$(BUILD)/host/tests/test_fuzz_input: $(BUILD)/host/fuzz/machine_input.o
$(BUILD)/host/tests/unit/test_fuzz_input.o: HOST_CFLAGS += -Ifuzz

$(FUZZ_SEEDS_TOOL): $(BUILD)/host/fuzz/seeds.o $(BUILD)/host/fuzz/machine_input.o $(HOST_OBJ)
	@$(if $(Q),echo "  LD       $@")
	$(Q)$(CC) $(HOST_CFLAGS) $^ -o $@ $(HOST_LDLIBS)

# Each seed folder is made whole, then renamed into place: never half-written.
$(FUZZ_SEEDS)/acpi: $(FUZZ_SEEDS_TOOL) $(wildcard tests/data/acpi/*/*)
$(FUZZ_SEEDS)/acpi: FUZZ_SEED_FIXTURES := $(ACPI_FIXTURES)
$(FUZZ_SEEDS)/cpuid: $(FUZZ_SEEDS_TOOL) $(SCENARIOS) $(wildcard tests/data/acpi/*/*)
$(FUZZ_SEEDS)/cpuid: FUZZ_SEED_FIXTURES := $(SCENARIOS)
$(FUZZ_SEEDS)/%:
	@$(if $(Q),echo "  SEEDS    $@")
	$(Q)rm -rf $@ $@.tmp && mkdir -p $@.tmp && $(FUZZ_SEEDS_TOOL) $* $@.tmp $(FUZZ_SEED_FIXTURES) && mv $@.tmp $@

# The report reader's small seeds: each fixture report cut into one report per section (fuzz/report-sections).
$(FUZZ_SEEDS)/report-sections: fuzz/report-sections $(wildcard tests/data/reports/*.json)
	@$(if $(Q),echo "  SEEDS    $@")
	$(Q)rm -rf $@ $@.tmp && fuzz/report-sections $@.tmp $(filter %.json,$^) && mv $@.tmp $@

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BIN) $(FUZZ_SEEDS)/acpi $(FUZZ_SEEDS)/cpuid $(FUZZ_SEEDS)/report-sections

# Every target for FUZZ_SECONDS, one after the other, then a table of executions, coverage and crashes.
fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@fuzz/run --fuzz $(FUZZ_SECONDS)

# ---- boot media (boot/) ---------------------------------------------------------------
# One set of media in IMAGE_DIR, built from IMAGE_EFI; `make sign` builds a signed set in build/signed.
IMAGE_EFI := $(BUILD)/tscprobe.efi
IMAGE_DIR := $(BUILD)
# GPT disk with one FAT32 EFI system partition (62 MiB): room for some 2,500 runs of about 24 KB.
IMAGE := $(IMAGE_DIR)/tscprobe.img
IMAGE_MIB := 64
IMAGE_ISO := $(IMAGE_DIR)/tscprobe.iso
# Writable FAT volume for the reports of a boot from the read-only ISO.
IMAGE_DATA := $(IMAGE_DIR)/tscprobe-data.img
IMAGE_DATA_MIB := 16
# The disk converted by qemu-img for Hyper-V Gen2, VMware and VirtualBox, each in the variant its
# hypervisor attaches as it is and writes to (reports land on it): dynamic VHDX with 1 MiB blocks
# (the least the format allows, so the file stays small); monolithicSparse VMDK, one growable file
# that Workstation, Player and Fusion attach directly and ESXi imports with vmkfstools -i
# (streamOptimized is read-only, for OVF import only); dynamic VDI. Converted under the final
# name: a monolithicSparse VMDK names its own file inside.
IMAGE_CONVERTED := $(IMAGE_DIR)/tscprobe.vhdx $(IMAGE_DIR)/tscprobe.vmdk $(IMAGE_DIR)/tscprobe.vdi
IMAGE_OPTIONS_vhdx := subformat=dynamic,block_size=1M
IMAGE_OPTIONS_vmdk := subformat=monolithicSparse
IMAGE_OPTIONS_vdi := static=off
IMAGE_SUMS := $(IMAGE_DIR)/SHA256SUMS

$(IMAGE): $(IMAGE_EFI) boot/make-esp boot/make-fat boot/startup.nsh
	@$(if $(Q),echo "  IMAGE    $@")
	$(Q)boot/make-esp $< $@ $(IMAGE_MIB)

$(IMAGE_ISO): $(IMAGE_EFI) boot/make-iso boot/make-fat boot/startup.nsh
	@$(if $(Q),echo "  ISO      $@")
	$(Q)boot/make-iso $< $@

$(IMAGE_DATA): boot/make-fat
	@$(if $(Q),echo "  DATA     $@")
	$(Q)boot/make-fat $@ $$(($(IMAGE_DATA_MIB) * 1024))

$(IMAGE_CONVERTED): $(IMAGE_DIR)/tscprobe.%: $(IMAGE)
	@$(if $(Q),echo "  CONVERT  $@")
	$(Q)qemu-img convert -f raw -O $* -o $(IMAGE_OPTIONS_$*) $< $@ || { rm -f $@; exit 1; }

$(IMAGE_SUMS): $(IMAGE_EFI) $(IMAGE) $(IMAGE_ISO) $(IMAGE_CONVERTED) $(IMAGE_DATA)
	@$(if $(Q),echo "  SUMS     $@")
	$(Q)cd $(IMAGE_DIR) && sha256sum $(notdir $^) >SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS

# ---- targets ----------------------------------------------------------------------
.PHONY: all image run test unit deps bench clean lint
all: $(BUILD)/tscprobe.efi $(BUILD)/tscprobe
image: $(IMAGE)

# Every medium for every hypervisor, with their checksums (docs/hypervisors/).
.PHONY: images sign
images: deps
	@$(MAKE) --no-print-directory $(IMAGE_SUMS)

# The same media with BOOTX64.EFI signed by your own key, for Secure Boot (docs/hypervisors/secure-boot.md).
SIGNED_DIR := $(BUILD)/signed
sign: deps
	@[[ -n "$(KEY)" && -n "$(CERT)" ]] || { echo "make sign: needs KEY=key.pem CERT=cert.pem (a PEM private key and its certificate, the one enrolled in the firmware's db); see docs/hypervisors/secure-boot.md" >&2; exit 2; }
	@$(MAKE) --no-print-directory $(IMAGE_EFI)
	@mkdir -p $(SIGNED_DIR)
	sbsign --key "$(KEY)" --cert "$(CERT)" --output $(SIGNED_DIR)/tscprobe.efi $(IMAGE_EFI)
	sbverify --cert "$(CERT)" $(SIGNED_DIR)/tscprobe.efi
	@$(MAKE) --no-print-directory IMAGE_DIR=$(SIGNED_DIR) IMAGE_EFI=$(SIGNED_DIR)/tscprobe.efi $(SIGNED_DIR)/SHA256SUMS
	@echo "signed media in $(SIGNED_DIR)/"

deps:
	@ci/install-deps

# Installs what is missing first, so a fresh machine needs no manual step.
# APP_ARGS go to the app (\tscprobe\options.txt); RUN_ARGS to ci/qemu-run (--machine pc, --no-hpet, ...).
APP_ARGS ?= --countdown 0
run: deps
	@$(MAKE) --no-print-directory all image
	ci/qemu-run --app-args "$(APP_ARGS)" $(RUN_ARGS)

unit: $(TEST_BIN)

# Every check at once on every core (CI has two); `make lint` alone is enough, no -j needed.
.PHONY: lint-checks
lint:
	@$(MAKE) --no-print-directory -j$(shell nproc) --keep-going lint-checks
lint-checks: $(LINT_STAMPS) layers format-check

# The C style is .clang-format's (Debian 12's clang-format 14): `make format` applies it, lint checks it.
FORMAT_SRC = $(shell git ls-files '*.c' '*.h' 2>/dev/null || find core efi tools tests fuzz -name '*.[ch]')
.PHONY: format format-check
format:
	clang-format -i $(FORMAT_SRC)
format-check:
	@clang-format --dry-run --Werror $(FORMAT_SRC) && echo "PASS format (.clang-format)"

# No dependency cycle in core/ (read from its objects' symbols) and no include across layers.
.PHONY: layers
layers: $(patsubst %.c,$(BUILD)/host/%.o,$(CORE_SRC))
	@tests/check-layers $^

# The ISO and the data disk are for the matrix's CD rows (ci/matrix).
test: deps
	@$(MAKE) --no-print-directory all image unit fuzz-build $(PLAIN_CLI) $(IMAGE_ISO) $(IMAGE_DATA)
	@tests/run-all $(TEST_BIN)

# Reliability at scale (docs/testing.md), too long for make test, which runs short variants of the first two:
# power cuts inside the file-writing phase, boots in a row on one volume, and the QEMU matrix three times
# beside two CPU-bound processes.
CUTS ?= 60
BOOTS ?= 100
.PHONY: power-cut boots soak
power-cut: deps
	@$(MAKE) --no-print-directory all image
	tests/qemu/power-cut --cuts $(CUTS)
boots: deps
	@$(MAKE) --no-print-directory all image
	tests/qemu/history --boots $(BOOTS)
soak: deps
	@$(MAKE) --no-print-directory all image $(IMAGE_ISO) $(IMAGE_DATA)
	tests/qemu/soak --runs 3 --hogs 2

# Calibration error against truth: under QEMU -icount (1 GHz) and under plain TCG against the host's TSC
# (BENCH_WINDOWS, BENCH_LANES="icount host", BENCH_MODES="default quick"); tables, not a pass/fail test.
bench: deps
	@$(MAKE) --no-print-directory all image
	BENCH_LANES="$(BENCH_LANES)" BENCH_MODES="$(BENCH_MODES)" ci/bench-calibration $(BENCH_WINDOWS)

# The README's drift chart: VirtualBox 5.0's KVM provider watched for 5 min in the simulator (not part of test).
DOCS_SCENARIO := tests/data/scenarios/virtualbox-5.0-kvm.json
DOCS_CSV := $(BUILD)/docs/vb.csv
DOCS_DRIFT := docs/images/drift.svg
.PHONY: docs
docs: $(DOCS_DRIFT)

$(DOCS_CSV): $(BUILD)/tscprobe $(DOCS_SCENARIO)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  SIM      $@")
	$(Q)$(BUILD)/tscprobe sim $(DOCS_SCENARIO) --window 0.2 --edge-window 2 --no-idle --watch 5m --csv $@ \
		--json $(BUILD)/docs/vb.json --text $(BUILD)/docs/vb.txt

$(DOCS_DRIFT): $(DOCS_CSV) $(BUILD)/tscprobe
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  PLOT     $@")
	$(Q)$(BUILD)/tscprobe plot $< -o $@ --title "VirtualBox 5.0, KVM provider: every clock against the ACPI PM timer for 5 min"

# The README's compare chart: the VirtualBox providers, VMware, Hyper-V and KVM in the simulator (not part of test).
COMPARE_SCENARIOS := virtualbox-5.0-kvm virtualbox-minimal virtualbox-hyperv vmware hyperv-gen2 kvm
DOCS_COMPARE_REPORTS := $(patsubst %,$(BUILD)/docs/%.json,$(COMPARE_SCENARIOS))
DOCS_COMPARE := docs/images/compare.svg
docs: $(DOCS_COMPARE)

$(BUILD)/docs/%.json: tests/data/scenarios/%.json $(BUILD)/tscprobe
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  SIM      $@")
	$(Q)$(BUILD)/tscprobe sim $< --json $@ >/dev/null

$(DOCS_COMPARE): $(DOCS_COMPARE_REPORTS) $(BUILD)/tscprobe
	@$(if $(Q),echo "  COMPARE  $@")
	$(Q)$(BUILD)/tscprobe compare $(DOCS_COMPARE_REPORTS) --format svg -o $@ \
		--title "Six simulated hypervisors: each TSC frequency claim against the measured TSC, and the TSC in idle"

# The compare tests' inputs (tscprobe sim of the same scenarios), rewritten when the report writer changes,
# and their golden outputs, rewritten when a renderer changes: both for review in the diff (docs/compare.md).
COMPARE_DATA := tests/data/compare
.PHONY: compare-reports compare-golden
compare-reports: $(BUILD)/tscprobe
	@for s in $(COMPARE_SCENARIOS); do \
		echo "  SIM      $(COMPARE_DATA)/sim-$$s.json"; \
		$(BUILD)/tscprobe sim tests/data/scenarios/$$s.json --json $(COMPARE_DATA)/sim-$$s.json >/dev/null || exit 1; \
	done

compare-golden: $(BUILD)/host/tests/test_compare
	TSCPROBE_UPDATE_GOLDEN=1 $(BUILD)/host/tests/test_compare

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
