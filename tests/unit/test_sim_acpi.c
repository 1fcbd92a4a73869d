/* The simulated firmware's ACPI tables: well formed, describing the configured clocks, broken on demand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "acpi.h"
#include "counter.h"
#include "scenario.h"
#include "sim_helpers.h"

static uint8_t byte_sum(const uint8_t *bytes, uint64_t length)
{
	uint8_t sum = 0;
	for (uint64_t i = 0; i < length; i++)
		sum = (uint8_t)(sum + bytes[i]);
	return sum;
}

static uint64_t le(const uint8_t *bytes, unsigned width)
{
	uint64_t v = 0;
	for (unsigned i = width; i-- > 0;)
		v = v << 8 | bytes[i];
	return v;
}

/* A table's header through phys_map, then all of it, checksummed. */
static const uint8_t *checked_table(uint64_t phys, const char *signature)
{
	const uint8_t *header = m->phys_map(m, phys, 36);
	assert_non_null(header);
	if (memcmp(header, signature, 4))
		fail_msg("table at 0x%llx is \"%.4s\", expected \"%s\"", (unsigned long long)phys, header, signature);
	uint32_t length = (uint32_t)le(header + 4, 4);
	const uint8_t *whole = m->phys_map(m, phys, length);
	assert_non_null(whole);
	if (byte_sum(whole, length))
		fail_msg("%s checksum: the %u bytes sum to 0x%02x, not 0", signature, length, byte_sum(whole, length));
	return whole;
}

static void test_synthesized_tables_are_well_formed_and_checksummed(void **state)
{
	(void)state;
	start();
	const uint8_t *rsdp = m->phys_map(m, m->acpi_rsdp, 36);
	assert_non_null(rsdp);
	assert_memory_equal(rsdp, "RSD PTR ", 8);
	assert_int_equal(rsdp[15], 2);
	assert_int_equal(byte_sum(rsdp, 20), 0);
	assert_int_equal(le(rsdp + 20, 4), 36);
	assert_int_equal(byte_sum(rsdp, 36), 0);

	const uint8_t *xsdt = checked_table(le(rsdp + 24, 8), "XSDT");
	const uint8_t *rsdt = checked_table(le(rsdp + 16, 4), "RSDT");
	static const char *const expected[] = {"FACP", "HPET", "APIC"};
	uint32_t entries = ((uint32_t)le(xsdt + 4, 4) - 36) / 8;
	assert_int_equal(entries, 3);
	assert_int_equal((le(rsdt + 4, 4) - 36) / 4, 3);
	for (uint32_t i = 0; i < entries; i++) {
		assert_int_equal(le(xsdt + 36 + 8 * i, 8), le(rsdt + 36 + 4 * i, 4));
		/* NOLINTNEXTLINE(clang-analyzer-core.CallAndMessage): entries is asserted to be 3; cmocka 1.1 does not mark a failed assertion as not returning */
		checked_table(le(xsdt + 36 + 8 * i, 8), expected[i]);
	}
	const uint8_t *fadt = checked_table(le(xsdt + 36, 8), "FACP");
	assert_true(le(fadt + 4, 4) >= 244); /* an ACPI 2.0+ FADT, with X_PM_TMR_BLK */
	assert_true(fadt[8] >= 5);
	assert_null(m->phys_map(m, 0x1000, 4));
	assert_null(m->phys_map(m, m->acpi_rsdp, 1u << 20));
}

struct discovery_case {
	const char *what;
	uint16_t pm_port;
	uint8_t pm_bits;
	bool hpet;
	uint8_t hpet_bits, hpet_timers;
	uint64_t lapic_base;
	uint8_t century;
};

static const struct discovery_case discoveries[] = {
	{"q35-like defaults", 0x608, 24, true, 64, 3, 0xFEE00000, 0x32},
	{"Hyper-V Gen2-like: 32-bit PM timer, no HPET", 0x408, 32, false, 0, 0, 0xFEE00000, 0x32},
	{"bhyve-like: 32-bit HPET with 8 timers, no century", 0x408, 32, true, 32, 8, 0xFEE00000, 0},
	{"relocated LAPIC", 0xB008, 32, true, 64, 3, 0xFEC80000, 0x48},
};

static void test_acpi_discover_finds_the_configured_clocks(void **state)
{
	(void)state;
	struct acpi_info info;
	for (size_t i = 0; i < sizeof(discoveries) / sizeof(discoveries[0]); i++) {
		const struct discovery_case *c = &discoveries[i];
		print_message("    %s\n", c->what); /* names the case a failing assertion below belongs to */
		reset_config(NULL);
		config.clocks.pm_timer.port = c->pm_port;
		config.clocks.pm_timer.bits = c->pm_bits;
		config.clocks.hpet.present = c->hpet;
		config.clocks.hpet.counter_bits = c->hpet_bits;
		config.clocks.hpet.timers = c->hpet_timers;
		config.clocks.lapic.base = c->lapic_base;
		config.clocks.rtc.century_index = c->century;
		start();
		acpi_discover(m, &info);
		assert_true(info.rsdp_found);
		assert_int_equal(info.root, ACPI_ROOT_XSDT);
		assert_true(info.pm_timer.present);
		assert_int_equal(info.pm_timer.port, c->pm_port);
		assert_int_equal(info.pm_timer.width_bits, c->pm_bits);
		assert_int_equal(info.pm_timer.port_field, ACPI_PM_PORT_X_PM_TMR_BLK);
		assert_int_equal(info.hpet.present, c->hpet);
		assert_int_equal(info.madt.lapic_base, c->lapic_base);
		assert_int_equal(info.madt.lapic_enabled, 1);
		assert_int_equal(info.rtc_century_index, c->century);
		assert_memory_equal(info.oem_id, "BOCHS ", 6);
		if (c->hpet) {
			assert_int_equal(info.hpet.base, 0xFED00000ull);
			assert_int_equal(info.hpet.counter_64bit, c->hpet_bits == 64);
			assert_int_equal(info.hpet.comparators_field, c->hpet_timers - 1);
			assert_int_equal(info.hpet.pci_vendor_id, 0x8086);
		}
		/* Well-formed tables, and the HPET table is optional: no complaint at all. */
		assert_int_equal(info.problem_count, 0);
	}
}

struct acpi_fault_case {
	uint32_t fault;
	const char *table, *reason;
};

static const struct acpi_fault_case acpi_faults[] = {
	{SIM_ACPI_FADT_BAD_CHECKSUM, "FACP", "checksum mismatch"},
	{SIM_ACPI_NO_FADT, "FACP", "table absent"},
	{SIM_ACPI_ZERO_PM_PORT, "FACP", "PM timer port is zero"},
	{SIM_ACPI_NO_RSDP, "RSDP", "table absent"},
};

static void check_fault_seen(const struct acpi_fault_case *c, bool fixture)
{
	struct acpi_info info;
	acpi_discover(m, &info);
	assert_false(info.pm_timer.present);
	for (unsigned p = 0; p < info.problem_count; p++)
		if (!strcmp(info.problems[p].table, c->table) && !strcmp(info.problems[p].reason, c->reason))
			return;
	fail_msg("%s fault %s: acpi_discover did not report \"%s: %s\"", fixture ? "fixture" : "synthesized", c->reason,
		 c->table, c->reason);
}

static void test_acpi_faults_are_problems_to_acpi_discover(void **state)
{
	(void)state;
	char error[256];
	for (size_t i = 0; i < sizeof(acpi_faults) / sizeof(acpi_faults[0]); i++) {
		reset_config(NULL);
		config.acpi.faults = acpi_faults[i].fault;
		start();
		check_fault_seen(&acpi_faults[i], false);

		if (!scenario_load_string("{\"schema\": \"tscprobe-scenario/1\", \"acpi\": \"q35\"}", &config, error,
					  sizeof(error)))
			fail_msg("%s", error);
		config.acpi.faults = acpi_faults[i].fault;
		start();
		check_fault_seen(&acpi_faults[i], true);
	}
}

static void test_q35_fixture_agrees_with_the_default_clocks(void **state)
{
	(void)state;
	char error[256];
	struct acpi_info info;
	if (!scenario_load_string("{\"schema\": \"tscprobe-scenario/1\", \"acpi\": \"q35\"}", &config, error,
				  sizeof(error)))
		fail_msg("%s", error);
	assert_true(config.acpi.use_fixture);
	assert_string_equal(config.acpi.fixture.name, "q35");
	start();
	assert_int_equal(m->acpi_rsdp, 0x777d014);
	acpi_discover(m, &info);
	assert_int_equal(info.problem_count, 0);
	assert_int_equal(info.pm_timer.port, config.clocks.pm_timer.port);
	assert_int_equal(info.pm_timer.width_bits, config.clocks.pm_timer.bits);
	assert_int_equal(info.hpet.base, config.clocks.hpet.base);
	assert_int_equal(info.madt.lapic_base, config.clocks.lapic.base);
	assert_int_equal(info.rtc_century_index, config.clocks.rtc.century_index);
	assert_true(info.waet.present);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_synthesized_tables_are_well_formed_and_checksummed, reset_config),
		cmocka_unit_test_setup(test_acpi_discover_finds_the_configured_clocks, reset_config),
		cmocka_unit_test_setup(test_acpi_faults_are_problems_to_acpi_discover, reset_config),
		cmocka_unit_test_setup(test_q35_fixture_agrees_with_the_default_clocks, reset_config),
	};
	return cmocka_run_group_tests_name("sim_acpi", tests, NULL, NULL);
}
