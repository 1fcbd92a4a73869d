/* The simulated local APIC timer against the SDM, read through the machine interface alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lapic.h"
#include "sim_helpers.h"

static const struct lapic_divide_case {
	unsigned divide;
	uint32_t bits; /* SDM 11.5.4 divide configuration */
} lapic_divides[] = {{1, 0xB}, {2, 0x0}, {4, 0x1}, {16, 0x3}, {32, 0x8}, {128, 0xA}};

static void test_lapic_current_count_falls_at_bus_clock_over_divide(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(lapic_divides) / sizeof(lapic_divides[0]); i++) {
		reset_config(NULL);
		start();
		lapic_set(LAPIC_DIVIDE_CONFIG, lapic_divides[i].bits);
		lapic_set(LAPIC_LVT_TIMER, LVT_MASKED);
		lapic_set(LAPIC_INITIAL_COUNT, 0xFFFFFFFFu);
		advance(PS_PER_MS);
		uint32_t fallen = 0xFFFFFFFFu - lapic(LAPIC_CURRENT_COUNT);
		uint32_t expected = 1000000 / lapic_divides[i].divide; /* 1 ms of a 1 GHz bus */
		if (fallen + 1 < expected || fallen > expected)
			fail_msg("divide by %u: fell %u in 1 ms, expected %u", lapic_divides[i].divide, fallen,
				 expected);
	}
}

static void test_lapic_periodic_reloads_and_one_shot_stops_at_zero(void **state)
{
	(void)state;
	start();
	lapic_set(LAPIC_DIVIDE_CONFIG, 0xB);
	lapic_set(LAPIC_LVT_TIMER, LVT_MASKED | (LVT_MODE_PERIODIC << LVT_MODE_SHIFT));
	lapic_set(LAPIC_INITIAL_COUNT, 1000000);
	advance(2500 *
		PS_PER_US); /* 2,500,000 ticks: two periods of initial + 1 ticks (0 is a count too), then 499,998 */
	assert_int_equal(lapic(LAPIC_CURRENT_COUNT), 1000000 - 499998);

	lapic_set(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_set(LAPIC_INITIAL_COUNT, 1000000);
	advance(2500 * PS_PER_US);
	assert_int_equal(lapic(LAPIC_CURRENT_COUNT), 0);
	assert_int_equal(lapic(LAPIC_INITIAL_COUNT), 1000000);

	lapic_set(LAPIC_LVT_TIMER, LVT_MASKED | (LVT_MODE_TSC_DEADLINE << LVT_MODE_SHIFT));
	lapic_set(LAPIC_INITIAL_COUNT, 5); /* ignored in TSC-deadline mode */
	assert_int_equal(lapic(LAPIC_INITIAL_COUNT), 1000000);
	assert_int_equal(lapic(LAPIC_CURRENT_COUNT), 0);
}

static void test_firmware_tick_runs_from_power_on_as_configured(void **state)
{
	(void)state;
	config.clocks.lapic.firmware_tick = (struct sim_lapic_tick){
		.present = true, .mode = 1, .initial_count = 10000000, .divide = 1, .vector = 0x20};
	start();
	assert_int_equal(lapic(LAPIC_LVT_TIMER), 0x00020020); /* as OVMF leaves it under QEMU */
	assert_int_equal(lapic(LAPIC_DIVIDE_CONFIG), 0xB);
	advance(25 * PS_PER_MS); /* 25,000,000 ticks: two periods of 10,000,001, then 4,999,998 */
	assert_int_equal(lapic(LAPIC_CURRENT_COUNT), 10000000 - 4999998);
	assert_int_equal(sim.lapic.initial_count, 10000000);
}

static void test_lapic_identity_registers_and_apic_base_msr(void **state)
{
	(void)state;
	uint64_t apic_base;
	start();
	assert_int_equal(lapic(LAPIC_VERSION), 0x00050014);
	assert_int_equal(lapic(LAPIC_LVT_TIMER), LVT_MASKED); /* SDM 11.4.7.1: masked after reset */
	assert_int_equal(m->rdmsr(m, MSR_IA32_APIC_BASE, &apic_base), ACCESS_OK);
	assert_int_equal(apic_base, 0xFEE00900ull); /* base, enabled (bit 11), bootstrap processor (bit 8) */
	assert_int_equal(m->mmio_read(m, config.clocks.lapic.base + LAPIC_VERSION, 8), ~0ull); /* 32-bit only */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_lapic_current_count_falls_at_bus_clock_over_divide, reset_config),
		cmocka_unit_test_setup(test_lapic_periodic_reloads_and_one_shot_stops_at_zero, reset_config),
		cmocka_unit_test_setup(test_firmware_tick_runs_from_power_on_as_configured, reset_config),
		cmocka_unit_test_setup(test_lapic_identity_registers_and_apic_base_msr, reset_config),
	};
	return cmocka_run_group_tests_name("sim_lapic", tests, NULL, NULL);
}
