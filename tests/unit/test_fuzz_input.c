/* The fuzz inputs' codec (fuzz/machine_input.c): a seed made from a fixture gives the fuzz target the machine the
 * fixture describes, and arbitrary bytes decode within the simulator's limits. */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "acpi.h"
#include "machine_input.h"
#include "report.h"
#include "scenario.h"
#include "testdata.h"

#define SEED_BYTES 32768
#define ERROR_BYTES 512

static const char *const ACPI_FIXTURES[] = {"acpi/q35", "acpi/pc", "acpi/q35-nohpet"};
static const char *const SCENARIOS[] = {"scenarios/kvm-hyperv.json", "scenarios/vmware.json",
					"scenarios/garbage-max-leaf.json", "scenarios/qemu-tcg.json"};

static struct sim_config fixture, decoded;
static struct sim sim;
static uint8_t seed[SEED_BYTES];

static void discover(const struct sim_config *c, struct acpi_info *out)
{
	sim_init(&sim, c);
	acpi_discover(&sim.machine, out);
}

static void test_an_acpi_seed_discovers_what_its_fixture_does(void **state)
{
	char error[ERROR_BYTES];
	static struct acpi_info expected, actual;
	(void)state;

	for (size_t i = 0; i < sizeof(ACPI_FIXTURES) / sizeof(ACPI_FIXTURES[0]); i++) {
		sim_config_defaults(&fixture);
		if (!sim_acpi_load_fixture(&fixture, testdata_path(ACPI_FIXTURES[i]), error, sizeof(error)))
			fail_msg("%s", error);
		size_t length = fuzz_acpi_encode(&fixture, seed, sizeof(seed));
		assert_true(length > FUZZ_ACPI_HEADER_BYTES);

		sim_config_defaults(&decoded);
		fuzz_acpi_decode(seed, length, &decoded);
		discover(&fixture, &expected);
		discover(&decoded, &actual);
		assert_true(expected.pm_timer.present);
		assert_int_equal(actual.problem_count, expected.problem_count);
		assert_memory_equal(&actual, &expected, sizeof(actual));
	}
}

/* FADT CENTURY, ACPI 6.5 §5.2.9: a field whose change shows whether the FADT was parsed. */
#define FADT_CENTURY 108
#define CHANGED_CENTURY_INDEX 0x33

static bool has_problem(const struct acpi_info *info, const char *table, const char *reason)
{
	for (unsigned i = 0; i < info->problem_count; i++)
		if (!strcmp(info->problems[i].table, table) && !strcmp(info->problems[i].reason, reason))
			return true;
	return false;
}

static void test_a_mutated_table_reaches_its_parser_unless_checksums_are_kept(void **state)
{
	char error[ERROR_BYTES];
	static struct acpi_info info;
	(void)state;

	sim_config_defaults(&fixture);
	if (!sim_acpi_load_fixture(&fixture, testdata_path("acpi/q35"), error, sizeof(error)))
		fail_msg("%s", error);
	size_t length = fuzz_acpi_encode(&fixture, seed, sizeof(seed));
	uint8_t *fadt = memmem(seed, length, "FACP", 4);
	assert_non_null(fadt);
	assert_int_not_equal(fadt[FADT_CENTURY], CHANGED_CENTURY_INDEX);
	fadt[FADT_CENTURY] = CHANGED_CENTURY_INDEX;

	fuzz_acpi_decode(seed, length, &decoded);
	discover(&decoded, &info);
	assert_int_equal(info.rtc_century_index, CHANGED_CENTURY_INDEX);
	assert_false(has_problem(&info, "FACP", "checksum mismatch"));

	seed[0] |= FUZZ_ACPI_KEEP_CHECKSUMS;
	fuzz_acpi_decode(seed, length, &decoded);
	discover(&decoded, &info);
	assert_int_equal(info.rtc_century_index, 0);
	assert_true(has_problem(&info, "FACP", "checksum mismatch"));
}

/* The inventory of a machine, as the probe reads it: what a CPUID seed must reproduce. */
static void inventory(const struct sim_config *c, struct report *out)
{
	sim_init(&sim, c);
	probe_inventory(&sim.machine, "test", out);
}

static void test_a_cpuid_seed_reads_as_its_scenario(void **state)
{
	char error[ERROR_BYTES];
	static struct report expected, actual;
	(void)state;

	for (size_t i = 0; i < sizeof(SCENARIOS) / sizeof(SCENARIOS[0]); i++) {
		if (!scenario_load_file(testdata_path(SCENARIOS[i]), &fixture, error, sizeof(error)))
			fail_msg("%s", error);
		size_t length = fuzz_cpuid_encode(&fixture, seed, sizeof(seed));
		assert_int_equal(length, FUZZ_CPUID_HEADER_BYTES + fixture.cpuid_count * FUZZ_CPUID_RECORD_BYTES);

		sim_config_defaults(&decoded);
		fuzz_cpuid_decode(seed, length, &decoded);
		assert_int_equal(decoded.out_of_range, fixture.out_of_range);
		inventory(&fixture, &expected);
		inventory(&decoded, &actual);
		assert_true(expected.platform.hv.count > 0);
		assert_memory_equal(&actual.platform.cpu, &expected.platform.cpu, sizeof(actual.platform.cpu));
		assert_memory_equal(&actual.platform.hv, &expected.platform.hv, sizeof(actual.platform.hv));
	}
}

static void test_arbitrary_bytes_decode_within_the_simulators_limits(void **state)
{
	(void)state;
	/* Regions claiming 64 KiB each, far past what the simulator holds. */
	memset(seed, 0xff, sizeof(seed));
	sim_config_defaults(&decoded);
	fuzz_acpi_decode(seed, sizeof(seed), &decoded);
	assert_true(decoded.acpi.fixture.used <= SIM_ACPI_MAX_BYTES);
	assert_true(decoded.acpi.fixture.table_count <= SIM_ACPI_MAX_TABLES);

	/* More distinct leaves than the table holds: the first SIM_MAX_CPUID stay. */
	for (size_t at = FUZZ_CPUID_HEADER_BYTES; at + FUZZ_CPUID_RECORD_BYTES <= sizeof(seed);
	     at += FUZZ_CPUID_RECORD_BYTES)
		memcpy(seed + at, &at, sizeof(at));
	fuzz_cpuid_decode(seed, sizeof(seed), &decoded);
	assert_int_equal(decoded.cpuid_count, SIM_MAX_CPUID);
	assert_int_equal(decoded.out_of_range, SIM_OUT_OF_RANGE_AMD);
	assert_int_equal(decoded.cpuid[0].leaf, FUZZ_CPUID_HEADER_BYTES); /* the first record says where it starts */

	/* Too short for a record or an RSDP address: an empty table, no memory. */
	fuzz_cpuid_decode(seed, FUZZ_CPUID_RECORD_BYTES, &decoded);
	assert_int_equal(decoded.cpuid_count, 0);
	fuzz_acpi_decode(seed, FUZZ_ACPI_HEADER_BYTES - 1, &decoded);
	assert_int_equal(decoded.acpi.fixture.table_count, 0);
	assert_true(decoded.acpi.use_fixture);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_an_acpi_seed_discovers_what_its_fixture_does),
		cmocka_unit_test(test_a_mutated_table_reaches_its_parser_unless_checksums_are_kept),
		cmocka_unit_test(test_a_cpuid_seed_reads_as_its_scenario),
		cmocka_unit_test(test_arbitrary_bytes_decode_within_the_simulators_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
