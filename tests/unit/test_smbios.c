/* Unit tests for core/smbios.c over SMBIOS captured from QEMU + OVMF, intact and deliberately broken. */
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
#include "smbios.h"

/* Byte offsets the corruptions write, taken from DSP0134 3.7 independently of core/smbios_tables.h. */
#define EP32_CHECKSUM 0x04 /* §5.2.1 */
#define EP32_LENGTH 0x05
#define EP32_INTERMEDIATE 0x10
#define EP32_INTERMEDIATE_CHECKSUM 0x15
#define EP32_INTERMEDIATE_BYTES 0x0F
#define EP32_TABLE_LENGTH 0x16
#define EP32_TABLE_ADDRESS 0x18
#define EP32_STRUCTURE_COUNT 0x1C
#define EP64_CHECKSUM 0x05 /* §5.2.2 */
#define EP64_LENGTH 0x06
#define EP64_TABLE_MAX_SIZE 0x0C
#define EP64_TABLE_ADDRESS 0x10
#define STRUCTURE_LENGTH 1       /* §6.1.2 */
#define SYSTEM_PRODUCT_NAME 0x05 /* §7.2: type 1's product name string number */
#define DUMP_TABLE_OFFSET 32     /* dmidecode --dump-bin puts the table here */

/* An address no fixture occupies: OVMF under QEMU's default 128 MiB put every table near 0x7520000. */
#define UNMAPPED_ADDRESS 0x40000000u

/* A range of fake physical memory. */
/* A fixture served as the firmware placed it: each entry point and its table at their physical addresses. */
struct fake_machine {
	struct machine m;
	struct region entry64, table64, entry32, table32;
};

static const void *fake_phys_map(struct machine *m, uint64_t phys, uint64_t length)
{
	struct fake_machine *fx = m->ctx;
	const struct region *regions[] = {&fx->entry64, &fx->table64, &fx->entry32, &fx->table32};
	for (unsigned i = 0; i < 4; i++) {
		const void *view = region_view(regions[i], phys, length);
		if (view)
			return view;
	}
	return NULL;
}

/* The fixture of the running test: freed by its teardown, also when an assertion ends the test early. */
static struct fake_machine *loaded;

static int free_loaded_fixture(void **state)
{
	(void)state;
	if (loaded) {
		free(loaded->entry64.bytes);
		free(loaded->table64.bytes);
		free(loaded->entry32.bytes);
		free(loaded->table32.bytes);
		free(loaded);
		loaded = NULL;
	}
	return 0;
}

/* Makes a modified entry point valid again: both checksums of a 32-bit one, the one of a 64-bit one. */
static void entry32_fix_checksums(struct region *e)
{
	fwtable_set_checksum(e->bytes + EP32_INTERMEDIATE, EP32_INTERMEDIATE_BYTES,
			     EP32_INTERMEDIATE_CHECKSUM - EP32_INTERMEDIATE);
	fwtable_set_checksum(e->bytes, e->bytes[EP32_LENGTH], EP32_CHECKSUM);
}

static void entry64_fix_checksum(struct region *e)
{
	fwtable_set_checksum(e->bytes, e->bytes[EP64_LENGTH], EP64_CHECKSUM);
}

/* One dump file split back into the entry point (its table address restored) and the table, at their addresses. */
static void load_dump(const char *path, unsigned bits, uint64_t entry_phys, uint64_t table_phys, struct region *entry,
		      struct region *table)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open fixture %s (set TSCPROBE_TESTDATA to the tests/data folder)", path);
	uint8_t bytes[65536 + DUMP_TABLE_OFFSET];
	size_t length = fread(bytes, 1, sizeof bytes, f);
	fclose(f);
	assert_true(length > DUMP_TABLE_OFFSET);
	size_t entry_length = bytes[bits == 64 ? EP64_LENGTH : EP32_LENGTH];
	*entry = (struct region){entry_phys, malloc(entry_length), entry_length};
	*table = (struct region){table_phys, malloc(length - DUMP_TABLE_OFFSET), length - DUMP_TABLE_OFFSET};
	assert_non_null(entry->bytes);
	assert_non_null(table->bytes);
	memcpy(entry->bytes, bytes, entry_length);
	memcpy(table->bytes, bytes + DUMP_TABLE_OFFSET, table->length);
	if (bits == 64) {
		put_le(entry, EP64_TABLE_ADDRESS, 8, table_phys);
		entry64_fix_checksum(entry);
	} else {
		put_le(entry, EP32_TABLE_ADDRESS, 4, table_phys);
		entry32_fix_checksums(entry);
	}
}

/* Loads tests/data/smbios/<name>/layout: "BITS 0xENTRY 0xTABLE FILE" lines, '#' comments. */
static struct fake_machine *fixture_load(const char *name)
{
	char dir[512], path[1024], line[512];
	FILE *layout = fixture_layout_open("smbios", name, dir, sizeof dir);

	struct fake_machine *fx = calloc(1, sizeof *fx);
	assert_non_null(fx);
	loaded = fx;
	fx->m.kind = "test";
	fx->m.phys_map = fake_phys_map;
	fx->m.ctx = fx;
	while (fgets(line, sizeof line, layout)) {
		unsigned bits;
		uint64_t entry_phys, table_phys;
		char file[256];
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%u %" SCNx64 " %" SCNx64 " %255s", &bits, &entry_phys, &table_phys, file) != 4)
			fail_msg("%s: malformed line: %s", path, line);
		snprintf(path, sizeof path, "%s/%s", dir, file);
		if (bits == 64) {
			load_dump(path, 64, entry_phys, table_phys, &fx->entry64, &fx->table64);
			fx->m.smbios3_entry = entry_phys;
		} else {
			load_dump(path, 32, entry_phys, table_phys, &fx->entry32, &fx->table32);
			fx->m.smbios_entry = entry_phys;
		}
	}
	fclose(layout);
	return fx;
}

/* Offset of the first structure of this type in a table, walked with the test's own reading of §6.1.2. */
static size_t structure_offset(const struct region *table, uint8_t type)
{
	size_t at = 0;
	for (unsigned n = 0; n < 256 && at + 4 <= table->length; n++) {
		if (table->bytes[at] == type)
			return at;
		at += table->bytes[at + STRUCTURE_LENGTH];
		while (at + 1 < table->length && (table->bytes[at] || table->bytes[at + 1]))
			at++;
		at += 2;
	}
	fail_msg("fixture has no type %u structure", type);
	return 0;
}

/* ---- running discovery and checking what it found ---- */

static void print_problems(const struct smbios_info *info)
{
	print_message("  %u problem(s), %u dropped:\n", info->problem_count, info->problems_dropped);
	for (unsigned i = 0; i < info->problem_count; i++)
		print_message("    %s\n", info->problems[i]);
}

static void expect_problem(const struct smbios_info *info, const char *problem)
{
	for (unsigned i = 0; i < info->problem_count; i++)
		if (strcmp(info->problems[i], problem) == 0)
			return;
	print_problems(info);
	fail_msg("expected the problem \"%s\" to be reported", problem);
}

static void expect_problem_count(const struct smbios_info *info, unsigned count)
{
	if (info->problem_count != count) {
		print_problems(info);
		fail_msg("expected %u problem(s), got %u", count, info->problem_count);
	}
}

/* ---- the real tables: what QEMU 7.2 + OVMF present ---- */

struct fixture_case {
	const char *name;
	enum smbios_entry_kind entry;
	uint8_t major, minor;
	unsigned structures;
	const char *bios_vendor, *manufacturer, *product, *version, *family;
	const char *oem_strings[SMBIOS_MAX_OEM_STRINGS];
};

#define OVMF "EFI Development Kit II / OVMF"
#define Q35 "Standard PC (Q35 + ICH9, 2009)"
#define PC "Standard PC (i440FX + PIIX, 1996)"

static const struct fixture_case FIXTURE_CASES[] = {
	/* With a 64-bit entry point QEMU states SMBIOS 3.0; OVMF publishes a 32-bit one beside it, preferred less. */
	{"q35-64", SMBIOS_ENTRY_64, 3, 0, 9, OVMF, "QEMU", Q35, "pc-q35-7.2", "", {NULL}},
	{"q35-32", SMBIOS_ENTRY_32, 2, 8, 9, OVMF, "QEMU", Q35, "pc-q35-7.2", "", {NULL}},
	{"pc-64", SMBIOS_ENTRY_64, 3, 0, 9, OVMF, "QEMU", PC, "pc-i440fx-7.2", "", {NULL}},
	{"pc-32", SMBIOS_ENTRY_32, 2, 8, 9, OVMF, "QEMU", PC, "pc-i440fx-7.2", "", {NULL}},
	/* QEMU dressed as VirtualBox 5.0.20 with -smbios type=0, 1 and 11. */
	{"q35-vbox",
	 SMBIOS_ENTRY_32,
	 2,
	 8,
	 10,
	 "innotek GmbH",
	 "innotek GmbH",
	 "VirtualBox",
	 "1.2",
	 "Virtual Machine",
	 {"vboxVer_5.0.20", "vboxRev_106931", NULL}},
};

static void fixture_decodes_to_the_strings_dmidecode_shows(void **state)
{
	const struct fixture_case *c = *state;
	struct fake_machine *fx = fixture_load(c->name);
	struct smbios_info info;
	smbios_discover(&fx->m, &info);

	expect_problem_count(&info, 0);
	assert_true(info.present);
	assert_int_equal(info.entry, c->entry);
	assert_int_equal(info.major, c->major);
	assert_int_equal(info.minor, c->minor);
	assert_int_equal(info.structure_count, c->structures);
	assert_int_equal(info.table_address, c->entry == SMBIOS_ENTRY_64 ? fx->table64.phys : fx->table32.phys);
	assert_string_equal(info.bios_vendor, c->bios_vendor);
	assert_string_equal(info.manufacturer, c->manufacturer);
	assert_string_equal(info.product, c->product);
	assert_string_equal(info.version, c->version);
	assert_string_equal(info.family, c->family);
	assert_string_equal(info.board_vendor, ""); /* QEMU builds no type 2 unless told to */
	assert_string_equal(info.chassis_vendor, "QEMU");
	unsigned oem = 0;
	while (oem < SMBIOS_MAX_OEM_STRINGS && c->oem_strings[oem])
		oem++;
	assert_int_equal(info.oem_string_count, oem);
	for (unsigned i = 0; i < oem; i++)
		assert_string_equal(info.oem_strings[i], c->oem_strings[i]);
}

/* ---- which entry point is used ---- */

static void the_64_bit_entry_point_is_preferred_the_32_bit_one_is_the_fallback(void **state)
{
	(void)state;
	struct fake_machine *fx = fixture_load("q35-64");
	struct smbios_info info;

	smbios_discover(&fx->m, &info);
	assert_int_equal(info.entry, SMBIOS_ENTRY_64);

	fx->m.smbios3_entry = 0;
	smbios_discover(&fx->m, &info);
	assert_int_equal(info.entry, SMBIOS_ENTRY_32);
	expect_problem_count(&info, 0);

	/* A broken 64-bit entry point is named, and the 32-bit one serves. */
	fx->m.smbios3_entry = fx->entry64.phys;
	fx->entry64.bytes[0] = 'X';
	smbios_discover(&fx->m, &info);
	assert_true(info.present);
	assert_int_equal(info.entry, SMBIOS_ENTRY_32);
	assert_string_equal(info.product, Q35);
	expect_problem(&info, "_SM3_ entry point: anchor mismatch");
	expect_problem_count(&info, 1);
}

static void no_entry_point_is_absence_not_a_problem(void **state)
{
	(void)state;
	struct fake_machine *fx = fixture_load("q35-32");
	struct smbios_info info;
	fx->m.smbios_entry = 0;
	smbios_discover(&fx->m, &info);
	assert_false(info.present);
	assert_int_equal(info.entry, SMBIOS_ENTRY_NONE);
	expect_problem_count(&info, 0);
}

/* ---- corruptions, each derived from a real fixture: a named problem, no table used, no crash ---- */

struct corruption {
	const char *name;
	const char *fixture; /* q35-32: a 32-bit entry point alone; q35-64 with its 32-bit one dropped */
	void (*apply)(struct fake_machine *fx);
	const char *problem;
	bool table_used; /* a bad string spoils its field, not the table */
};

static void ep32_anchor(struct fake_machine *fx)
{
	fx->entry32.bytes[1] = 'X';
}
static void ep32_checksum(struct fake_machine *fx)
{
	fx->entry32.bytes[EP32_CHECKSUM]++;
}
static void ep32_intermediate_anchor(struct fake_machine *fx)
{
	fx->entry32.bytes[EP32_INTERMEDIATE + 1] = 'X';
	entry32_fix_checksums(&fx->entry32);
}
static void ep32_intermediate_checksum(struct fake_machine *fx)
{
	fx->entry32.bytes[EP32_INTERMEDIATE_CHECKSUM]++;
	fwtable_set_checksum(fx->entry32.bytes, fx->entry32.bytes[EP32_LENGTH], EP32_CHECKSUM);
}
static void ep32_length(struct fake_machine *fx)
{
	fx->entry32.bytes[EP32_LENGTH] = 0x10;
	entry32_fix_checksums(&fx->entry32);
}
static void ep32_table_past_end(struct fake_machine *fx)
{
	put_le(&fx->entry32, EP32_TABLE_LENGTH, 2, fx->table32.length + 1);
	entry32_fix_checksums(&fx->entry32);
}
static void ep32_huge_structure_count(struct fake_machine *fx)
{
	put_le(&fx->entry32, EP32_STRUCTURE_COUNT, 2, 0xFFFF);
	entry32_fix_checksums(&fx->entry32);
}
static void ep32_table_address_zero(struct fake_machine *fx)
{
	put_le(&fx->entry32, EP32_TABLE_ADDRESS, 4, 0);
	entry32_fix_checksums(&fx->entry32);
}
static void ep32_unmapped(struct fake_machine *fx)
{
	fx->m.smbios_entry = UNMAPPED_ADDRESS;
}
static void ep64_checksum(struct fake_machine *fx)
{
	fx->entry64.bytes[EP64_CHECKSUM]++;
}
static void ep64_length(struct fake_machine *fx)
{
	fx->entry64.bytes[EP64_LENGTH] = 0x10;
	entry64_fix_checksum(&fx->entry64);
}
static void ep64_table_max_size_huge(struct fake_machine *fx)
{
	put_le(&fx->entry64, EP64_TABLE_MAX_SIZE, 4, 0xFFFFFFFFu);
	entry64_fix_checksum(&fx->entry64);
}
static void ep64_table_past_end(struct fake_machine *fx)
{
	put_le(&fx->entry64, EP64_TABLE_MAX_SIZE, 4, get_le(&fx->entry64, EP64_TABLE_MAX_SIZE, 4) + 1);
	entry64_fix_checksum(&fx->entry64);
}
static void ep64_table_wraps(struct fake_machine *fx)
{
	put_le(&fx->entry64, EP64_TABLE_ADDRESS, 8, UINT64_MAX - 16);
	entry64_fix_checksum(&fx->entry64);
}
/* The table corruptions below work on whichever table the fixture's one entry point names. */
static struct region *the_table(struct fake_machine *fx)
{
	return fx->m.smbios3_entry ? &fx->table64 : &fx->table32;
}
static void structure_too_short(struct fake_machine *fx)
{
	struct region *t = the_table(fx);
	t->bytes[structure_offset(t, 1) + STRUCTURE_LENGTH] = 3;
}
static void structure_past_end(struct fake_machine *fx)
{
	struct region *t = the_table(fx);
	t->bytes[structure_offset(t, 127) + STRUCTURE_LENGTH] = 0xFF;
}
/* The table's last bytes are the end-of-table structure's two NULs: without them no set ends. */
static void string_set_unterminated(struct fake_machine *fx)
{
	struct region *t = the_table(fx);
	memset(t->bytes + structure_offset(t, 127) + 4, 'x', t->length - structure_offset(t, 127) - 4);
}
static void string_number_out_of_range(struct fake_machine *fx)
{
	struct region *t = the_table(fx);
	t->bytes[structure_offset(t, 1) + SYSTEM_PRODUCT_NAME] = 200;
}
static void non_printable_bytes(struct fake_machine *fx)
{
	struct region *t = the_table(fx);
	size_t at = 0;
	while (at + strlen(Q35) <= t->length && memcmp(t->bytes + at, Q35, strlen(Q35)) != 0)
		at++;
	assert_true(at + strlen(Q35) <= t->length);
	t->bytes[at] = 0x07;
	t->bytes[at + 1] = 0xE9;
}

static const struct corruption CORRUPTIONS[] = {
	{"32-bit anchor", "q35-32", ep32_anchor, "_SM_ entry point: anchor mismatch", false},
	{"32-bit checksum", "q35-32", ep32_checksum, "_SM_ entry point: checksum mismatch", false},
	{"_DMI_ anchor", "q35-32", ep32_intermediate_anchor, "_SM_ entry point: intermediate anchor mismatch", false},
	{"_DMI_ checksum", "q35-32", ep32_intermediate_checksum, "_SM_ entry point: intermediate checksum mismatch",
	 false},
	{"32-bit entry length", "q35-32", ep32_length, "_SM_ entry point: length is neither 0x1F nor 0x1E", false},
	{"32-bit table length past the end", "q35-32", ep32_table_past_end,
	 "_SM_ entry point: table past mapped memory", false},
	{"huge structure count", "q35-32", ep32_huge_structure_count,
	 "_SM_ entry point: structure count exceeds what the table length holds", false},
	{"32-bit table address zero", "q35-32", ep32_table_address_zero, "_SM_ entry point: table address is zero",
	 false},
	{"32-bit entry point unmapped", "q35-32", ep32_unmapped, "_SM_ entry point: unmapped", false},
	{"64-bit checksum", "q35-64", ep64_checksum, "_SM3_ entry point: checksum mismatch", false},
	{"64-bit entry length", "q35-64", ep64_length, "_SM3_ entry point: length shorter than 0x18", false},
	{"64-bit maximum size huge", "q35-64", ep64_table_max_size_huge,
	 "_SM3_ entry point: table length beyond sanity limit", false},
	{"64-bit table past the end", "q35-64", ep64_table_past_end, "_SM3_ entry point: table past mapped memory",
	 false},
	{"64-bit table wraps", "q35-64", ep64_table_wraps, "_SM3_ entry point: table wraps the address space", false},
	{"structure length below 4", "q35-32", structure_too_short, "table: structure length below 4", false},
	{"structure past the end (64-bit)", "q35-64", structure_past_end, "table: structure past the table end", false},
	{"string set unterminated", "q35-32", string_set_unterminated,
	 "table: string set not terminated within the table", false},
	{"string set unterminated (64-bit)", "q35-64", string_set_unterminated,
	 "table: string set not terminated within the table", false},
	{"string number out of range", "q35-32", string_number_out_of_range,
	 "product: string number past the structure's string set", true},
	{"non-printable bytes", "q35-64", non_printable_bytes, "product: non-printable bytes replaced by '?'", true},
};

static void corruption_is_named_and_never_crashes(void **state)
{
	const struct corruption *c = *state;
	struct fake_machine *fx = fixture_load(c->fixture);
	if (fx->m.smbios3_entry)
		fx->m.smbios_entry = 0; /* no fallback to hide what the 64-bit corruption does */
	c->apply(fx);
	struct smbios_info info;
	smbios_discover(&fx->m, &info);

	expect_problem(&info, c->problem);
	expect_problem_count(&info, 1);
	assert_int_equal(info.present, c->table_used);
	if (!c->table_used) {
		assert_int_equal(info.entry, SMBIOS_ENTRY_NONE);
		assert_string_equal(info.product, "");
		assert_int_equal(info.table_length, 0);
		return;
	}
	assert_string_equal(info.manufacturer, "QEMU");
	char replaced[] = Q35;
	replaced[0] = replaced[1] = '?';
	assert_string_equal(info.product, c->apply == string_number_out_of_range ? "" : replaced);
}

/* Every byte of the entry point and the table set to each of a few values: whatever comes back, never a crash. */
static void every_byte_changed_never_crashes(void **state)
{
	(void)state;
	static const uint8_t values[] = {0x00, 0x01, 0x04, 0x7F, 0x80, 0xFF};
	struct fake_machine *fx = fixture_load("q35-64");
	struct region *regions[] = {&fx->entry64, &fx->table64, &fx->entry32, &fx->table32};
	for (unsigned r = 0; r < 4; r++)
		for (size_t at = 0; at < regions[r]->length; at++)
			for (unsigned v = 0; v < sizeof values; v++) {
				uint8_t kept = regions[r]->bytes[at];
				regions[r]->bytes[at] = values[v];
				struct smbios_info info;
				smbios_discover(&fx->m, &info);
				assert_true(info.problem_count <= SMBIOS_MAX_PROBLEMS);
				assert_true(info.oem_string_count <= SMBIOS_MAX_OEM_STRINGS);
				assert_true(info.present || info.entry == SMBIOS_ENTRY_NONE);
				regions[r]->bytes[at] = kept;
			}
}

#define CASE_TEST(fn, name_, data_)                                                       \
	{                                                                                 \
		.name = (name_), .test_func = (fn), .teardown_func = free_loaded_fixture, \
		.initial_state = (void *)(data_)                                          \
	}

int main(void)
{
	struct CMUnitTest tests[64];
	size_t n = 0;

	for (size_t i = 0; i < sizeof FIXTURE_CASES / sizeof FIXTURE_CASES[0]; i++)
		tests[n++] = (struct CMUnitTest)CASE_TEST(fixture_decodes_to_the_strings_dmidecode_shows,
							  FIXTURE_CASES[i].name, &FIXTURE_CASES[i]);
	for (size_t i = 0; i < sizeof CORRUPTIONS / sizeof CORRUPTIONS[0]; i++)
		tests[n++] = (struct CMUnitTest)CASE_TEST(corruption_is_named_and_never_crashes, CORRUPTIONS[i].name,
							  &CORRUPTIONS[i]);
	tests[n++] = (struct CMUnitTest)CASE_TEST(the_64_bit_entry_point_is_preferred_the_32_bit_one_is_the_fallback,
						  "64-bit preferred, 32-bit fallback", NULL);
	tests[n++] = (struct CMUnitTest)CASE_TEST(no_entry_point_is_absence_not_a_problem, "no entry point", NULL);
	tests[n++] = (struct CMUnitTest)CASE_TEST(every_byte_changed_never_crashes, "every byte changed", NULL);
	assert_true(n <= sizeof tests / sizeof tests[0]);
	return _cmocka_run_group_tests("smbios", tests, n, NULL, NULL);
}
