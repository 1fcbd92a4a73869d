/* Unit tests for core/acpi.c over ACPI tables captured from QEMU + OVMF, intact and deliberately broken. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture_memory.h"
#include "acpi.h"

/* Corruption rows start from the intact-q35 expectations (Q35_ALL_FOUND) and override what they break. */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Winitializer-overrides"
#else
#pragma GCC diagnostic ignored "-Woverride-init"
#endif

/* Byte offsets written by the corruptions below; taken from the specs independently of core/acpi.c. */
#define SDT_LENGTH 4 /* ACPI 6.5 §5.2.6 */
#define SDT_CHECKSUM 9
#define SDT_HEADER_BYTES 36
#define RSDP_CHECKSUM 8 /* ACPI 6.5 §5.2.5.3 */
#define RSDP_REVISION 15
#define RSDP_V1_BYTES 20
#define RSDP_XSDT_ADDRESS 24
#define RSDP_EXTENDED_CHECKSUM 32
#define RSDP_V2_BYTES 36
#define FADT_PM_TMR_BLK 76 /* ACPI 6.5 §5.2.9 */
#define FADT_FLAGS 112
#define FADT_TMR_VAL_EXT (1u << 8)
#define FADT_X_PM_TMR_BLK 208 /* Generic Address Structure: space id, 3 bytes, 64-bit address */
#define GAS_ADDRESS 4
#define GAS_SYSTEM_MEMORY 0
#define HPET_BASE_ADDRESS 40 /* IA-PC HPET 1.0a §3.2.4 */
#define MADT_FIRST_ENTRY 44  /* ACPI 6.5 §5.2.12 */
#define MADT_LAPIC_OVERRIDE_TYPE 5
#define MADT_LAPIC_OVERRIDE_BYTES 12

/* Addresses no fixture occupies: OVMF under QEMU's default 128 MiB put every table near 0x7770000. */
#define UNMAPPED_ADDRESS 0x40000000u
#define SPARE_ADDRESS 0x10000000u

#define MAX_REGIONS 16

/* A machine whose only ability is phys_map over fixture bytes; any other call would crash, on purpose. */
struct fake_machine {
	struct machine m;
	struct region regions[MAX_REGIONS];
	unsigned count;
};

static const void *fake_phys_map(struct machine *m, uint64_t phys, uint64_t length)
{
	struct fake_machine *fx = m->ctx;
	for (unsigned i = 0; i < fx->count; i++) {
		const void *view = region_view(&fx->regions[i], phys, length);
		if (view)
			return view;
	}
	return NULL;
}

static struct region *fake_add_region(struct fake_machine *fx, uint64_t phys, size_t length)
{
	assert_true(fx->count < MAX_REGIONS);
	struct region *r = &fx->regions[fx->count++];
	r->phys = phys;
	r->length = length;
	r->bytes = calloc(1, length ? length : 1);
	assert_non_null(r->bytes);
	return r;
}

/* The fixture of the running test: freed by its teardown, also when an assertion ends the test early. */
static struct fake_machine *loaded;

static int free_loaded_fixture(void **state)
{
	(void)state;
	if (loaded) {
		for (unsigned i = 0; i < loaded->count; i++)
			free(loaded->regions[i].bytes);
		free(loaded);
		loaded = NULL;
	}
	return 0;
}

static void read_file(const char *path, uint8_t **bytes, size_t *length)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open fixture %s (set TSCPROBE_TESTDATA to the tests/data folder)", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long size = ftell(f);
	assert_true(size >= 0);
	rewind(f);
	*bytes = malloc(size ? (size_t)size : 1);
	assert_non_null(*bytes);
	assert_int_equal(fread(*bytes, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	*length = (size_t)size;
}

/* Loads tests/data/acpi/<machine>/layout: "0xADDRESS file" lines, '#' comments; rsdp.bin is the RSDP. */
static struct fake_machine *fixture_load(const char *machine)
{
	char dir[512], path[1024], line[512];
	FILE *layout = fixture_layout_open("acpi", machine, dir, sizeof dir);

	struct fake_machine *fx = calloc(1, sizeof *fx);
	assert_non_null(fx);
	loaded = fx;
	fx->m.kind = "test";
	fx->m.phys_map = fake_phys_map;
	fx->m.ctx = fx;
	while (fgets(line, sizeof line, layout)) {
		uint64_t phys;
		char file[256];
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%" SCNx64 " %255s", &phys, file) != 2)
			fail_msg("%s: malformed line: %s", path, line);
		assert_true(fx->count < MAX_REGIONS);
		struct region *r = &fx->regions[fx->count++];
		r->phys = phys;
		snprintf(path, sizeof path, "%s/%s", dir, file);
		read_file(path, &r->bytes, &r->length);
		if (strcmp(file, "rsdp.bin") == 0)
			fx->m.acpi_rsdp = phys;
	}
	fclose(layout);
	if (fx->m.acpi_rsdp == 0)
		fail_msg("%s/layout lists no rsdp.bin", dir);
	return fx;
}

/* The region holding the table with this signature ("RSD PTR " for the RSDP). */
static struct region *table(struct fake_machine *fx, const char *signature)
{
	size_t n = strlen(signature);
	for (unsigned i = 0; i < fx->count; i++)
		if (fx->regions[i].length >= n && memcmp(fx->regions[i].bytes, signature, n) == 0)
			return &fx->regions[i];
	fail_msg("fixture has no %s table", signature);
	return NULL;
}

/* Makes a modified table valid again, over its stated length when it fits in the region. */
static void sdt_fix_checksum(struct region *r)
{
	size_t stated = (size_t)get_le(r, SDT_LENGTH, 4);
	fwtable_set_checksum(r->bytes, stated <= r->length ? stated : r->length, SDT_CHECKSUM);
}

static void rsdp_fix_checksums(struct region *rsdp)
{
	fwtable_set_checksum(rsdp->bytes, RSDP_V1_BYTES, RSDP_CHECKSUM);
	fwtable_set_checksum(rsdp->bytes, RSDP_V2_BYTES, RSDP_EXTENDED_CHECKSUM);
}

static void region_resize(struct region *r, size_t length)
{
	r->bytes = realloc(r->bytes, length);
	assert_non_null(r->bytes);
	if (length > r->length)
		memset(r->bytes + r->length, 0, length - r->length);
	r->length = length;
}

/* Index of the XSDT entry pointing at table `signature`. */
static size_t xsdt_entry_of(struct fake_machine *fx, const char *signature)
{
	struct region *xsdt = table(fx, "XSDT");
	uint64_t target = table(fx, signature)->phys;
	size_t entries = (get_le(xsdt, SDT_LENGTH, 4) - SDT_HEADER_BYTES) / 8;
	for (size_t i = 0; i < entries; i++)
		if (get_le(xsdt, SDT_HEADER_BYTES + 8 * i, 8) == target)
			return i;
	fail_msg("XSDT does not list %s", signature);
	return 0;
}

/* ---- running discovery and checking what it found ---- */

static void print_problems(const struct acpi_info *info)
{
	print_message("  %u problem(s), %u dropped:\n", info->problem_count, info->problems_dropped);
	for (unsigned i = 0; i < info->problem_count; i++)
		print_message("    %s: %s\n", info->problems[i].table, info->problems[i].reason);
}

static bool has_problem(const struct acpi_info *info, const char *table_name, const char *reason)
{
	for (unsigned i = 0; i < info->problem_count; i++)
		if (strcmp(info->problems[i].table, table_name) == 0 && strcmp(info->problems[i].reason, reason) == 0)
			return true;
	return false;
}

static void expect_problem(const struct acpi_info *info, const char *table_name, const char *reason)
{
	if (!has_problem(info, table_name, reason)) {
		print_problems(info);
		fail_msg("expected the problem \"%s: %s\" to be reported", table_name, reason);
	}
}

static void expect_problem_count(const struct acpi_info *info, unsigned count)
{
	if (info->problem_count != count) {
		print_problems(info);
		fail_msg("expected %u problem(s), got %u", count, info->problem_count);
	}
}

#define EXPECT_EQ(what, actual, expected)                                                               \
	do {                                                                                            \
		uint64_t actual_ = (uint64_t)(actual), expected_ = (uint64_t)(expected);                \
		if (actual_ != expected_)                                                               \
			fail_msg("%s: got %#" PRIx64 ", expected %#" PRIx64, what, actual_, expected_); \
	} while (0)

/* ---- the real tables: what QEMU 7.2 + OVMF present ---- */

struct machine_case {
	const char *machine;
	uint16_t pm_port;
	enum acpi_pm_port_field pm_port_field;
	uint8_t century_index;
	bool hpet_present;
	uint32_t hpet_block_id;
	const char *only_problem_table; /* NULL: no problem at all */
	const char *only_problem_reason;
};

static const struct machine_case MACHINE_CASES[] = {
	{.machine = "q35",
	 .pm_port = 0x608,
	 .pm_port_field = ACPI_PM_PORT_X_PM_TMR_BLK,
	 .century_index = 0x32,
	 .hpet_present = true,
	 .hpet_block_id = 0x8086a201},
	/* A revision 1 FADT of the ACPI 1.0 size, 116 bytes: it has no X_PM_TMR_BLK. */
	{.machine = "pc",
	 .pm_port = 0xb008,
	 .pm_port_field = ACPI_PM_PORT_PM_TMR_BLK,
	 .century_index = 0x32,
	 .hpet_present = true,
	 .hpet_block_id = 0x8086a201},
	{.machine = "q35-nohpet",
	 .pm_port = 0x608,
	 .pm_port_field = ACPI_PM_PORT_X_PM_TMR_BLK,
	 .century_index = 0x32,
	 .hpet_present = false}, /* an optional table: its absence is not a problem */
};

static void real_machine_tables_are_read_as_the_firmware_states_them(void **state)
{
	const struct machine_case *c = *state;
	struct fake_machine *fx = fixture_load(c->machine);
	struct acpi_info info;
	acpi_discover(&fx->m, &info);

	assert_true(info.rsdp_found);
	EXPECT_EQ("RSDP revision (ACPI 2.0+)", info.rsdp_revision, 2);
	assert_string_equal(info.oem_id, "BOCHS ");
	EXPECT_EQ("root table is the XSDT", info.root, ACPI_ROOT_XSDT);
	EXPECT_EQ("XSDT address from the RSDP", info.root_address, table(fx, "XSDT")->phys);

	assert_true(info.pm_timer.present);
	EXPECT_EQ("PM timer port", info.pm_timer.port, c->pm_port);
	EXPECT_EQ("PM timer width (TMR_VAL_EXT clear: 24 bits)", info.pm_timer.width_bits, 24);
	EXPECT_EQ("FADT field the PM port came from", info.pm_timer.port_field, c->pm_port_field);
	EXPECT_EQ("RTC century CMOS index", info.rtc_century_index, c->century_index);

	EXPECT_EQ("HPET present", info.hpet.present, c->hpet_present);
	if (c->hpet_present) {
		EXPECT_EQ("HPET base", info.hpet.base, 0xFED00000u);
		EXPECT_EQ("HPET event timer block id", info.hpet.event_timer_block_id, c->hpet_block_id);
		EXPECT_EQ("HPET hardware revision", info.hpet.hardware_rev_id, 1);
		EXPECT_EQ("HPET comparators field (3 timers, stated as the last one)", info.hpet.comparators_field, 2);
		EXPECT_EQ("HPET 64-bit counter", info.hpet.counter_64bit, true);
		EXPECT_EQ("HPET legacy replacement capable", info.hpet.legacy_replacement, true);
		EXPECT_EQ("HPET PCI vendor (Intel)", info.hpet.pci_vendor_id, 0x8086);
		EXPECT_EQ("HPET number", info.hpet.hpet_number, 0);
		EXPECT_EQ("HPET minimum tick (QEMU states none)", info.hpet.min_tick, 0);
	}

	assert_true(info.madt.present);
	EXPECT_EQ("local APIC base", info.madt.lapic_base, 0xFEE00000u);
	EXPECT_EQ("local APIC base overridden", info.madt.lapic_base_overridden, false);
	EXPECT_EQ("Processor Local APIC entries (QEMU default: 1 CPU)", info.madt.lapic_entries, 1);
	EXPECT_EQ("enabled local APICs", info.madt.lapic_enabled, 1);

	assert_true(info.waet.present);
	EXPECT_EQ("WAET: QEMU claims a single PM timer read is reliable", info.waet.pm_timer_good, true);
	EXPECT_EQ("WAET: QEMU does not claim an RTC without the register C read", info.waet.rtc_good, false);

	if (c->only_problem_table) {
		expect_problem(&info, c->only_problem_table, c->only_problem_reason);
		expect_problem_count(&info, 1);
	} else {
		expect_problem_count(&info, 0);
	}
	EXPECT_EQ("problems dropped", info.problems_dropped, 0);
}

/* ---- the same tables, broken on purpose ---- */

struct corruption_case {
	void (*corrupt)(struct fake_machine *fx);
	const char *problem_table; /* this problem must be among those reported; NULL: no problem at all */
	const char *problem_reason;
	enum acpi_root root;
	bool pm_present;
	uint16_t pm_port;
	uint8_t pm_width_bits;
	enum acpi_pm_port_field pm_port_field;
	bool hpet_present;
	bool madt_present;
	void (*also_check)(const struct acpi_info *info, struct fake_machine *fx); /* case-specific, or NULL */
};

static void flip_a_fadt_byte(struct fake_machine *fx)
{
	table(fx, "FACP")->bytes[FADT_PM_TMR_BLK + 1] ^= 0x01;
}

static void cut_hpet_short_in_memory(struct fake_machine *fx)
{
	table(fx, "HPET")->length = 40;
}

static void shrink_hpet_length_below_its_fields(struct fake_machine *fx)
{
	struct region *hpet = table(fx, "HPET");
	put_le(hpet, SDT_LENGTH, 4, HPET_BASE_ADDRESS);
	sdt_fix_checksum(hpet);
}

static void shrink_madt_length_below_header(struct fake_machine *fx)
{
	struct region *madt = table(fx, "APIC");
	put_le(madt, SDT_LENGTH, 4, 20);
	sdt_fix_checksum(madt);
}

/* 100 bytes reach PM_TMR_BLK and PM_TMR_LEN but not CENTURY (108) or Flags (112). */
static void shrink_fadt_to_100_bytes(struct fake_machine *fx)
{
	struct region *fadt = table(fx, "FACP");
	put_le(fadt, SDT_LENGTH, 4, 100);
	sdt_fix_checksum(fadt);
}

static void drop_fadt_from_xsdt(struct fake_machine *fx)
{
	struct region *xsdt = table(fx, "XSDT");
	size_t victim = xsdt_entry_of(fx, "FACP");
	size_t length = (size_t)get_le(xsdt, SDT_LENGTH, 4);
	size_t at = SDT_HEADER_BYTES + 8 * victim;
	memmove(xsdt->bytes + at, xsdt->bytes + at + 8, length - at - 8);
	put_le(xsdt, SDT_LENGTH, 4, length - 8);
	sdt_fix_checksum(xsdt);
}

static void zero_both_pm_timer_ports(struct fake_machine *fx)
{
	struct region *fadt = table(fx, "FACP");
	put_le(fadt, FADT_PM_TMR_BLK, 4, 0);
	put_le(fadt, FADT_X_PM_TMR_BLK + GAS_ADDRESS, 8, 0);
	sdt_fix_checksum(fadt);
}

static void zero_x_pm_tmr_blk_only(struct fake_machine *fx)
{
	struct region *fadt = table(fx, "FACP");
	put_le(fadt, FADT_X_PM_TMR_BLK + GAS_ADDRESS, 8, 0);
	sdt_fix_checksum(fadt);
}

static void move_x_pm_tmr_blk_to_memory_space(struct fake_machine *fx)
{
	struct region *fadt = table(fx, "FACP");
	fadt->bytes[FADT_X_PM_TMR_BLK] = GAS_SYSTEM_MEMORY;
	sdt_fix_checksum(fadt);
}

static void make_pm_tmr_blk_disagree_with_x(struct fake_machine *fx)
{
	struct region *fadt = table(fx, "FACP");
	put_le(fadt, FADT_PM_TMR_BLK, 4, 0xb008);
	sdt_fix_checksum(fadt);
}

static void set_tmr_val_ext(struct fake_machine *fx)
{
	struct region *fadt = table(fx, "FACP");
	put_le(fadt, FADT_FLAGS, 4, get_le(fadt, FADT_FLAGS, 4) | FADT_TMR_VAL_EXT);
	sdt_fix_checksum(fadt);
}

static void point_rsdp_xsdt_at_unmapped_memory(struct fake_machine *fx)
{
	struct region *rsdp = table(fx, "RSD PTR ");
	put_le(rsdp, RSDP_XSDT_ADDRESS, 8, UNMAPPED_ADDRESS);
	rsdp_fix_checksums(rsdp);
}

static void zero_rsdp_xsdt_address(struct fake_machine *fx)
{
	struct region *rsdp = table(fx, "RSD PTR ");
	put_le(rsdp, RSDP_XSDT_ADDRESS, 8, 0);
	rsdp_fix_checksums(rsdp);
}

static void point_rsdp_xsdt_at_the_fadt(struct fake_machine *fx)
{
	struct region *rsdp = table(fx, "RSD PTR ");
	put_le(rsdp, RSDP_XSDT_ADDRESS, 8, table(fx, "FACP")->phys);
	rsdp_fix_checksums(rsdp);
}

static void point_xsdt_hpet_entry_at_unmapped_memory(struct fake_machine *fx)
{
	struct region *xsdt = table(fx, "XSDT");
	put_le(xsdt, SDT_HEADER_BYTES + 8 * xsdt_entry_of(fx, "HPET"), 8, UNMAPPED_ADDRESS);
	sdt_fix_checksum(xsdt);
}

static void flip_an_xsdt_byte(struct fake_machine *fx)
{
	table(fx, "XSDT")->bytes[SDT_HEADER_BYTES] ^= 0x01;
}

static void make_rsdp_revision_0(struct fake_machine *fx)
{
	struct region *rsdp = table(fx, "RSD PTR ");
	rsdp->bytes[RSDP_REVISION] = 0;
	rsdp_fix_checksums(rsdp);
}

static void break_rsdp_v1_checksum(struct fake_machine *fx)
{
	table(fx, "RSD PTR ")->bytes[RSDP_CHECKSUM] ^= 0x01;
}

static void break_rsdp_extended_checksum(struct fake_machine *fx)
{
	table(fx, "RSD PTR ")->bytes[RSDP_EXTENDED_CHECKSUM] ^= 0x01;
}

static void forget_the_rsdp(struct fake_machine *fx)
{
	fx->m.acpi_rsdp = 0;
}

/* 4 million entries: 32 MB that neither fit in memory here nor would be sane to checksum. */
static void claim_millions_of_xsdt_entries(struct fake_machine *fx)
{
	struct region *xsdt = table(fx, "XSDT");
	put_le(xsdt, SDT_LENGTH, 4, SDT_HEADER_BYTES + 8u * 4000000u);
	sdt_fix_checksum(xsdt);
}

/* A valid, mapped XSDT of 1000 entries, each pointing at the FADT. */
static void build_xsdt_of_1000_fadt_entries(struct fake_machine *fx)
{
	const size_t entries = 1000;
	const struct region *old = table(fx, "XSDT");
	struct region *xsdt = fake_add_region(fx, SPARE_ADDRESS, SDT_HEADER_BYTES + 8 * entries);
	memcpy(xsdt->bytes, old->bytes, SDT_HEADER_BYTES);
	put_le(xsdt, SDT_LENGTH, 4, xsdt->length);
	for (size_t i = 0; i < entries; i++)
		put_le(xsdt, SDT_HEADER_BYTES + 8 * i, 8, table(fx, "FACP")->phys);
	sdt_fix_checksum(xsdt);
	struct region *rsdp = table(fx, "RSD PTR ");
	put_le(rsdp, RSDP_XSDT_ADDRESS, 8, SPARE_ADDRESS);
	rsdp_fix_checksums(rsdp);
}

static void list_fadt_twice(struct fake_machine *fx)
{
	struct region *xsdt = table(fx, "XSDT");
	size_t length = (size_t)get_le(xsdt, SDT_LENGTH, 4);
	region_resize(xsdt, length + 8);
	put_le(xsdt, length, 8, table(fx, "FACP")->phys);
	put_le(xsdt, SDT_LENGTH, 4, length + 8);
	sdt_fix_checksum(xsdt);
}

static void append_lapic_address_override(struct fake_machine *fx)
{
	struct region *madt = table(fx, "APIC");
	size_t length = (size_t)get_le(madt, SDT_LENGTH, 4);
	region_resize(madt, length + MADT_LAPIC_OVERRIDE_BYTES);
	madt->bytes[length] = MADT_LAPIC_OVERRIDE_TYPE;
	madt->bytes[length + 1] = MADT_LAPIC_OVERRIDE_BYTES;
	put_le(madt, length + 4, 8, 0x0000000800000000u);
	put_le(madt, SDT_LENGTH, 4, length + MADT_LAPIC_OVERRIDE_BYTES);
	sdt_fix_checksum(madt);
}

/* An entry of length 0 would make a naive walk spin forever on it. */
static void zero_first_madt_entry_length(struct fake_machine *fx)
{
	struct region *madt = table(fx, "APIC");
	madt->bytes[MADT_FIRST_ENTRY + 1] = 0;
	sdt_fix_checksum(madt);
}

static void move_hpet_base_to_io_space(struct fake_machine *fx)
{
	struct region *hpet = table(fx, "HPET");
	hpet->bytes[HPET_BASE_ADDRESS] = 1;
	sdt_fix_checksum(hpet);
}

static void check_rsdt_was_used_at_its_address(const struct acpi_info *info, struct fake_machine *fx)
{
	EXPECT_EQ("root address is the RSDT's", info->root_address, table(fx, "RSDT")->phys);
}

static void check_rsdp_revision_0_is_reported(const struct acpi_info *info, struct fake_machine *fx)
{
	EXPECT_EQ("RSDP revision", info->rsdp_revision, 0);
	check_rsdt_was_used_at_its_address(info, fx);
}

static void check_no_rsdp_means_nothing_found(const struct acpi_info *info, struct fake_machine *fx)
{
	(void)fx;
	EXPECT_EQ("RSDP found", info->rsdp_found, false);
	EXPECT_EQ("problems", info->problem_count, 1);
}

static void check_problems_are_capped_and_counted(const struct acpi_info *info, struct fake_machine *fx)
{
	(void)fx;
	/* "too many entries", 255 duplicates of the first FADT, then APIC absent (HPET is optional): 257 problems. */
	EXPECT_EQ("problems kept", info->problem_count, ACPI_MAX_PROBLEMS);
	EXPECT_EQ("problems dropped", info->problems_dropped, 257 - ACPI_MAX_PROBLEMS);
}

static void check_fadt_was_parsed_once(const struct acpi_info *info, struct fake_machine *fx)
{
	(void)fx;
	expect_problem_count(info, 1);
}

static void check_override_replaces_the_32bit_base(const struct acpi_info *info, struct fake_machine *fx)
{
	(void)fx;
	EXPECT_EQ("local APIC base from the override entry", info->madt.lapic_base, 0x0000000800000000u);
	EXPECT_EQ("local APIC base overridden", info->madt.lapic_base_overridden, true);
	EXPECT_EQ("Processor Local APIC entries still counted", info->madt.lapic_entries, 1);
}

static void check_madt_walk_stopped_at_the_bad_entry(const struct acpi_info *info, struct fake_machine *fx)
{
	(void)fx;
	EXPECT_EQ("local APIC base from the fixed part", info->madt.lapic_base, 0xFEE00000u);
	EXPECT_EQ("Processor Local APIC entries before the bad one", info->madt.lapic_entries, 0);
}

static void check_short_fadt_has_no_century(const struct acpi_info *info, struct fake_machine *fx)
{
	(void)fx;
	EXPECT_EQ("RTC century index unknown", info->rtc_century_index, 0);
	expect_problem(info, "FACP", "too short for Flags, assuming a 24-bit timer");
}

/* What an intact q35 yields, for the cases that break something beside the point. */
#define Q35_ALL_FOUND                                                                      \
	.root = ACPI_ROOT_XSDT, .pm_present = true, .pm_port = 0x608, .pm_width_bits = 24, \
	.pm_port_field = ACPI_PM_PORT_X_PM_TMR_BLK, .hpet_present = true, .madt_present = true

#define CORRUPTION(title, ...)                                                                   \
	{                                                                                        \
		.name = title, .test_func = broken_tables_are_reported_and_skipped,              \
		.teardown_func = free_loaded_fixture, .initial_state = &(struct corruption_case) \
		{                                                                                \
			__VA_ARGS__                                                              \
		}                                                                                \
	}

static void broken_tables_are_reported_and_skipped(void **state)
{
	const struct corruption_case *c = *state;
	struct fake_machine *fx = fixture_load("q35");
	c->corrupt(fx);
	struct acpi_info info;
	acpi_discover(&fx->m, &info);

	if (c->problem_table)
		expect_problem(&info, c->problem_table, c->problem_reason);
	else
		expect_problem_count(&info, 0);
	EXPECT_EQ("root table used (0 none, 1 XSDT, 2 RSDT)", info.root, c->root);
	EXPECT_EQ("PM timer present", info.pm_timer.present, c->pm_present);
	if (c->pm_present) {
		EXPECT_EQ("PM timer port", info.pm_timer.port, c->pm_port);
		EXPECT_EQ("PM timer width", info.pm_timer.width_bits, c->pm_width_bits);
		EXPECT_EQ("FADT field the PM port came from", info.pm_timer.port_field, c->pm_port_field);
	}
	EXPECT_EQ("HPET present", info.hpet.present, c->hpet_present);
	EXPECT_EQ("MADT present", info.madt.present, c->madt_present);
	if (c->also_check)
		c->also_check(&info, fx);
}

#define MACHINE(title, index)                                                                           \
	{                                                                                               \
		.name = (title), .test_func = real_machine_tables_are_read_as_the_firmware_states_them, \
		.teardown_func = free_loaded_fixture, .initial_state = (void *)&MACHINE_CASES[(index)]  \
	}

int main(void)
{
	const struct CMUnitTest tests[] = {
		MACHINE("q35: PM timer 0x608 (24-bit, from X_PM_TMR_BLK), HPET at 0xFED00000, LAPIC 0xFEE00000, century 0x32",
			0),
		MACHINE("pc: 116-byte revision 1 FADT gives PM timer 0xb008 from PM_TMR_BLK", 1),
		MACHINE("q35,hpet=off: HPET absent, and no problem reported for an optional table", 2),

		CORRUPTION("FADT with a bad checksum is skipped: no PM timer, other tables still found",
			   .corrupt = flip_a_fadt_byte, .problem_table = "FACP", .problem_reason = "checksum mismatch",
			   .root = ACPI_ROOT_XSDT, .hpet_present = true, .madt_present = true),
		CORRUPTION("HPET cut short in memory (header says 56 bytes, 40 mapped) is skipped",
			   .corrupt = cut_hpet_short_in_memory, .problem_table = "HPET",
			   .problem_reason = "length past mapped memory", Q35_ALL_FOUND, .hpet_present = false),
		CORRUPTION("HPET whose valid length stops before its base address is skipped",
			   .corrupt = shrink_hpet_length_below_its_fields, .problem_table = "HPET",
			   .problem_reason = "too short for its fixed fields", Q35_ALL_FOUND, .hpet_present = false),
		CORRUPTION("MADT whose length is shorter than the 36-byte header is skipped",
			   .corrupt = shrink_madt_length_below_header, .problem_table = "APIC",
			   .problem_reason = "length shorter than header", Q35_ALL_FOUND, .madt_present = false),
		CORRUPTION("100-byte FADT: PM_TMR_BLK read, CENTURY and Flags beyond its end are not",
			   .corrupt = shrink_fadt_to_100_bytes, .problem_table = "FACP",
			   .problem_reason = "too short for CENTURY", Q35_ALL_FOUND,
			   .pm_port_field = ACPI_PM_PORT_PM_TMR_BLK, .also_check = check_short_fadt_has_no_century),
		CORRUPTION("XSDT without a FADT: \"FACP: table absent\", no PM timer", .corrupt = drop_fadt_from_xsdt,
			   .problem_table = "FACP", .problem_reason = "table absent", .root = ACPI_ROOT_XSDT,
			   .hpet_present = true, .madt_present = true),
		CORRUPTION("FADT with PM_TMR_BLK and X_PM_TMR_BLK both zero: no PM timer",
			   .corrupt = zero_both_pm_timer_ports, .problem_table = "FACP",
			   .problem_reason = "PM timer port is zero", .root = ACPI_ROOT_XSDT, .hpet_present = true,
			   .madt_present = true),
		CORRUPTION("FADT with X_PM_TMR_BLK zero falls back to PM_TMR_BLK", .corrupt = zero_x_pm_tmr_blk_only,
			   .problem_table = NULL, Q35_ALL_FOUND, .pm_port_field = ACPI_PM_PORT_PM_TMR_BLK),
		CORRUPTION("X_PM_TMR_BLK in system memory space is reported; PM_TMR_BLK is used",
			   .corrupt = move_x_pm_tmr_blk_to_memory_space, .problem_table = "FACP",
			   .problem_reason = "X_PM_TMR_BLK not in system I/O space", Q35_ALL_FOUND,
			   .pm_port_field = ACPI_PM_PORT_PM_TMR_BLK),
		CORRUPTION("PM_TMR_BLK disagreeing with X_PM_TMR_BLK is reported; X_PM_TMR_BLK wins",
			   .corrupt = make_pm_tmr_blk_disagree_with_x, .problem_table = "FACP",
			   .problem_reason = "X_PM_TMR_BLK and PM_TMR_BLK disagree", Q35_ALL_FOUND),
		CORRUPTION("FADT flag TMR_VAL_EXT (bit 8) makes the PM timer 32 bits wide", .corrupt = set_tmr_val_ext,
			   .problem_table = NULL, Q35_ALL_FOUND, .pm_width_bits = 32),
		CORRUPTION("RSDP pointing the XSDT at unmapped memory: RSDT used, everything found",
			   .corrupt = point_rsdp_xsdt_at_unmapped_memory, .problem_table = "XSDT",
			   .problem_reason = "table unmapped", Q35_ALL_FOUND, .root = ACPI_ROOT_RSDT,
			   .also_check = check_rsdt_was_used_at_its_address),
		CORRUPTION("ACPI 2.0 RSDP without an XSDT address: \"XSDT: table absent\", RSDT used",
			   .corrupt = zero_rsdp_xsdt_address, .problem_table = "XSDT", .problem_reason = "table absent",
			   Q35_ALL_FOUND, .root = ACPI_ROOT_RSDT, .also_check = check_rsdt_was_used_at_its_address),
		CORRUPTION("RSDP pointing the XSDT at a FADT: signature mismatch, RSDT used",
			   .corrupt = point_rsdp_xsdt_at_the_fadt, .problem_table = "XSDT",
			   .problem_reason = "signature mismatch", Q35_ALL_FOUND, .root = ACPI_ROOT_RSDT),
		CORRUPTION("XSDT with a bad checksum is not walked: RSDT used", .corrupt = flip_an_xsdt_byte,
			   .problem_table = "XSDT", .problem_reason = "checksum mismatch", Q35_ALL_FOUND,
			   .root = ACPI_ROOT_RSDT),
		CORRUPTION("XSDT entry pointing at unmapped memory is reported; that table is absent",
			   .corrupt = point_xsdt_hpet_entry_at_unmapped_memory, .problem_table = "XSDT",
			   .problem_reason = "entry points to unmapped memory", Q35_ALL_FOUND, .hpet_present = false),
		CORRUPTION("RSDP revision 0 (ACPI 1.0) is followed through the RSDT", .corrupt = make_rsdp_revision_0,
			   .problem_table = NULL, Q35_ALL_FOUND, .root = ACPI_ROOT_RSDT,
			   .also_check = check_rsdp_revision_0_is_reported),
		CORRUPTION("RSDP with a bad 20-byte checksum is not trusted: nothing found",
			   .corrupt = break_rsdp_v1_checksum, .problem_table = "RSDP",
			   .problem_reason = "checksum mismatch", .root = ACPI_ROOT_NONE),
		CORRUPTION("RSDP with a bad extended checksum: its XSDT address is not trusted, RSDT used",
			   .corrupt = break_rsdp_extended_checksum, .problem_table = "RSDP",
			   .problem_reason = "extended checksum mismatch", Q35_ALL_FOUND, .root = ACPI_ROOT_RSDT),
		CORRUPTION("no RSDP from firmware: \"RSDP: table absent\", nothing found", .corrupt = forget_the_rsdp,
			   .problem_table = "RSDP", .problem_reason = "table absent", .root = ACPI_ROOT_NONE,
			   .also_check = check_no_rsdp_means_nothing_found),
		CORRUPTION("XSDT claiming 4 million entries is rejected before any walk: RSDT used",
			   .corrupt = claim_millions_of_xsdt_entries, .problem_table = "XSDT",
			   .problem_reason = "length beyond sanity limit", Q35_ALL_FOUND, .root = ACPI_ROOT_RSDT),
		CORRUPTION("valid XSDT of 1000 entries: walk stops at 256, problems capped at 16 and counted",
			   .corrupt = build_xsdt_of_1000_fadt_entries, .problem_table = "XSDT",
			   .problem_reason = "too many entries, rest ignored", .root = ACPI_ROOT_XSDT,
			   .pm_present = true, .pm_port = 0x608, .pm_width_bits = 24,
			   .pm_port_field = ACPI_PM_PORT_X_PM_TMR_BLK,
			   .also_check = check_problems_are_capped_and_counted),
		CORRUPTION("FADT listed twice: the first is used, the second reported", .corrupt = list_fadt_twice,
			   .problem_table = "FACP", .problem_reason = "duplicate table ignored", Q35_ALL_FOUND,
			   .also_check = check_fadt_was_parsed_once),
		CORRUPTION("MADT Local APIC Address Override (type 5) replaces the 32-bit base",
			   .corrupt = append_lapic_address_override, .problem_table = NULL, Q35_ALL_FOUND,
			   .also_check = check_override_replaces_the_32bit_base),
		CORRUPTION("MADT entry of length 0 stops the walk instead of spinning",
			   .corrupt = zero_first_madt_entry_length, .problem_table = "APIC",
			   .problem_reason = "entry length below 2", Q35_ALL_FOUND,
			   .also_check = check_madt_walk_stopped_at_the_bad_entry),
		CORRUPTION("HPET base in I/O space is reported and not used", .corrupt = move_hpet_base_to_io_space,
			   .problem_table = "HPET", .problem_reason = "HPET base not in system memory", Q35_ALL_FOUND,
			   .hpet_present = false),
	};
	return cmocka_run_group_tests_name("acpi", tests, NULL, NULL);
}
