# tscprobe: one flat Makefile. core/ compiles twice (build/efi for the app, build/host for tools and tests).
.DEFAULT_GOAL := all
SHELL := /bin/bash

VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo unknown)
BUILD := build

CORE_SRC := $(wildcard core/*.c)
EFI_SRC := $(wildcard efi/*.c)
TOOLS_SRC := $(filter-out tools/main.c,$(wildcard tools/*.c))
TEST_SRC := $(wildcard tests/unit/test_*.c)

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
	$(Q)objcopy -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela -j .reloc \
		--target=efi-app-x86_64 $< $@

# The version lives in one object per build; rebuild it when git describe changes.
$(BUILD)/.version: FORCE
	@mkdir -p $(BUILD); echo '$(VERSION)' | cmp -s - $@ || echo '$(VERSION)' > $@
$(BUILD)/efi/efi/main.o $(BUILD)/host/tools/main.o: $(BUILD)/.version
FORCE:

# ---- host CLI and unit tests -------------------------------------------------
HOST_PKGS := jansson
HOST_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -O1 -g -Icore -Itools \
	-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
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

TEST_BIN := $(patsubst tests/unit/%.c,$(BUILD)/host/tests/%,$(TEST_SRC))
$(BUILD)/host/tests/%: $(BUILD)/host/tests/unit/%.o $(HOST_OBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD       $@")
	$(Q)$(CC) $(HOST_CFLAGS) $^ -o $@ $(HOST_LDLIBS) -lcmocka

# ---- image ---------------------------------------------------------------------
IMAGE := $(BUILD)/tscprobe.img
IMAGE_MIB := 32
$(IMAGE): $(BUILD)/tscprobe.efi boot/make-esp
	@$(if $(Q),echo "  IMAGE    $@")
	$(Q)boot/make-esp $< $@ $(IMAGE_MIB)

# ---- targets ----------------------------------------------------------------------
.PHONY: all image run test unit deps bench clean
all: $(BUILD)/tscprobe.efi $(BUILD)/tscprobe
image: $(IMAGE)

deps:
	@ci/install-deps

# Installs what is missing first, so a fresh machine needs no manual step.
# APP_ARGS go to the app (\tscprobe\options.txt); RUN_ARGS to ci/qemu-run (--machine pc, --no-hpet, ...).
APP_ARGS ?= --countdown 0
run: deps
	@$(MAKE) --no-print-directory all image
	ci/qemu-run --app-args "$(APP_ARGS)" $(RUN_ARGS)

unit: $(TEST_BIN)

test: deps
	@$(MAKE) --no-print-directory all image unit
	@tests/run-all $(TEST_BIN)

# Calibration error against truth under QEMU -icount; a table, not a pass/fail test.
bench: deps
	@$(MAKE) --no-print-directory all image
	ci/bench-calibration $(BENCH_WINDOWS)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
