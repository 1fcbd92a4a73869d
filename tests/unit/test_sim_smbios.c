/* The simulated firmware's SMBIOS: a scenario's smbios member comes back through core/smbios.c as it was written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host_input.h"
#include "scenario.h"
#include "sim_helpers.h"
#include "smbios.h"
#include "smbios_dump.h"
#include "testdata.h"

/* Every member set, OEM strings included: QEMU dressed as VirtualBox, with a baseboard. */
static const char *const DRESSED_AS_VIRTUALBOX =
	"{\"schema\": \"tscprobe-scenario/1\", \"smbios\": {\"entry\": \"both\", \"bios_vendor\": \"innotek GmbH\", "
	"\"bios_version\": \"VirtualBox\", \"bios_date\": \"12/01/2006\", \"manufacturer\": \"innotek GmbH\", "
	"\"product\": \"VirtualBox\", \"version\": \"1.2\", \"family\": \"Virtual Machine\", "
	"\"board_vendor\": \"Oracle Corporation\", \"board_product\": \"VirtualBox\", "
	"\"chassis_vendor\": \"Oracle Corporation\", \"oem_strings\": [\"vboxVer_5.0.20\", \"vboxRev_106931\"]}}";

static void load_string(const char *json)
{
	char error[256];
	if (!scenario_load_string(json, &config, error, sizeof(error)))
		fail_msg("%s", error);
	start();
}

static void assert_strings_equal(const struct smbios_info *got, const struct smbios_info *want)
{
	for (unsigned i = 0; i < SMBIOS_STRING_COUNT; i++)
		assert_string_equal(smbios_string(got, &smbios_string_defs[i]),
				    smbios_string(want, &smbios_string_defs[i]));
	assert_int_equal(got->oem_string_count, want->oem_string_count);
	for (unsigned i = 0; i < want->oem_string_count; i++)
		assert_string_equal(got->oem_strings[i], want->oem_strings[i]);
}

static void test_every_smbios_member_round_trips_through_the_parser(void **state)
{
	struct smbios_info info;
	(void)state;
	load_string(DRESSED_AS_VIRTUALBOX);

	smbios_discover(m, &info);
	assert_int_equal(info.problem_count, 0);
	assert_true(info.present);
	assert_int_equal(info.entry, SMBIOS_ENTRY_64);
	assert_int_equal(info.major, 3);
	assert_int_equal(info.structure_count, 6); /* types 0, 1, 2, 3, 11 and 127 */
	assert_strings_equal(&info, &config.smbios.strings);

	/* The 32-bit entry point beside it names the same table. */
	m->smbios3_entry = 0;
	smbios_discover(m, &info);
	assert_int_equal(info.problem_count, 0);
	assert_int_equal(info.entry, SMBIOS_ENTRY_32);
	assert_int_equal(info.major, 3);
	assert_strings_equal(&info, &config.smbios.strings);
}

static void test_entry_names_which_entry_points_exist(void **state)
{
	struct smbios_info info;
	(void)state;

	load_string("{\"schema\": \"tscprobe-scenario/1\", \"smbios\": {\"entry\": \"32\", \"product\": \"P\"}}");
	assert_int_equal(m->smbios3_entry, 0);
	smbios_discover(m, &info);
	assert_int_equal(info.entry, SMBIOS_ENTRY_32);
	assert_int_equal(info.major, 2);
	assert_int_equal(info.minor, 8);
	assert_int_equal(info.structure_count, 4); /* no baseboard without its strings, no OEM strings */
	assert_string_equal(info.product, "P");
	assert_string_equal(info.manufacturer, "");

	load_string("{\"schema\": \"tscprobe-scenario/1\", \"smbios\": {\"entry\": \"64\"}}");
	assert_int_equal(m->smbios_entry, 0);
	smbios_discover(m, &info);
	assert_int_equal(info.entry, SMBIOS_ENTRY_64);

	load_string("{\"schema\": \"tscprobe-scenario/1\"}");
	smbios_discover(m, &info);
	assert_false(info.present);
	assert_int_equal(info.problem_count, 0);
}

/* The shipped QEMU scenarios present what the captured firmware does, string for string. */
static void test_shipped_qemu_scenarios_decode_as_their_captures(void **state)
{
	static const struct {
		const char *scenario, *capture;
	} pairs[] = {
		{"qemu-tcg.json", "smbios/q35-32/entry32.bin"},
		{"qemu-tcg-smp2-mwait.json", "smbios/pc-32/entry32.bin"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		char error[256], *bytes;
		size_t length;
		struct smbios_dump dump;
		struct smbios_info captured, simulated;

		if (host_input_read(testdata_path(pairs[i].capture), MIB, &bytes, &length, error, sizeof(error)))
			fail_msg("%s", error);
		smbios_dump_init(&dump, (const uint8_t *)bytes, length);
		smbios_discover(&dump.machine, &captured);
		free(bytes);
		load_scenario(pairs[i].scenario);
		smbios_discover(m, &simulated);
		assert_true(captured.present && simulated.present);
		assert_int_equal(simulated.entry, captured.entry);
		assert_int_equal(simulated.major, captured.major);
		assert_int_equal(simulated.minor, captured.minor);
		assert_strings_equal(&simulated, &captured);
	}
}

static void test_bad_smbios_members_are_one_line_errors_naming_the_field(void **state)
{
	static const struct {
		const char *smbios, *error;
	} cases[] = {
		{"{\"product\": \"P\"}", "smbios.entry"},
		{"{\"entry\": \"16\"}", "smbios.entry"},
		{"{\"entry\": \"32\", \"serial\": \"X\"}", "smbios.serial: unknown member"},
		{"{\"entry\": \"32\", \"product\": \"\\u0007\"}", "smbios.product"},
		{"{\"entry\": \"32\", \"product\": "
		 "\"0123456789012345678901234567890123456789012345678901234567890123\"}",
		 "smbios.product"},
		{"{\"entry\": \"32\", \"oem_strings\": [\"\"]}", "smbios.oem_strings[0]"},
		{"{\"entry\": \"32\", \"oem_strings\": [\"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", \"8\", \"9\"]}",
		 "smbios.oem_strings"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char json[512], error[256];
		snprintf(json, sizeof(json), "{\"schema\": \"tscprobe-scenario/1\", \"smbios\": %s}", cases[i].smbios);
		if (scenario_load_string(json, &config, error, sizeof(error)))
			fail_msg("accepted: %s", cases[i].smbios);
		if (!strstr(error, cases[i].error))
			fail_msg("%s: error \"%s\" does not name %s", cases[i].smbios, error, cases[i].error);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_every_smbios_member_round_trips_through_the_parser, reset_config),
		cmocka_unit_test_setup(test_entry_names_which_entry_points_exist, reset_config),
		cmocka_unit_test_setup(test_shipped_qemu_scenarios_decode_as_their_captures, reset_config),
		cmocka_unit_test_setup(test_bad_smbios_members_are_one_line_errors_naming_the_field, reset_config),
	};
	return cmocka_run_group_tests_name("sim_smbios", tests, NULL, NULL);
}
