/* The simulated ACPI PM timer against the ACPI specification, read through the machine interface alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "counter.h"
#include "sim_helpers.h"

static const unsigned pm_widths[] = {24, 32};

static void test_pm_timer_advances_3579545_ticks_per_virtual_second(void **state)
{
	(void)state;
	for (size_t w = 0; w < 2; w++) {
		reset_config(NULL);
		config.clocks.pm_timer.bits = (uint8_t)pm_widths[w];
		start();
		uint64_t modulus = counter_modulus(pm_widths[w]);
		for (unsigned second = 0; second < 10; second++) {
			uint32_t before = m->io_read(m, config.clocks.pm_timer.port, 4);
			advance(PS_PER_S);
			uint32_t after = m->io_read(m, config.clocks.pm_timer.port, 4);
			uint64_t ticks = counter_delta(before, after, modulus);
			if (ticks + 1 < ACPI_PM_HZ || ticks > ACPI_PM_HZ + 1)
				fail_msg("%u-bit PM timer: %llu ticks in second %u, expected 3579545 +/- 1",
					 pm_widths[w], (unsigned long long)ticks, second);
			if (after >= modulus)
				fail_msg("%u-bit PM timer read 0x%x: bits above the width must read 0", pm_widths[w],
					 after);
		}
	}
}

static void test_pm_timer_wraps_at_its_width(void **state)
{
	(void)state;
	for (size_t w = 0; w < 2; w++) {
		reset_config(NULL);
		config.clocks.pm_timer.bits = (uint8_t)pm_widths[w];
		start();
		uint64_t modulus = counter_modulus(pm_widths[w]);
		/* 100 ticks before the wrap, then 200 ticks on */
		advance((uint64_t)((unsigned __int128)(modulus - 100) * PS_PER_S / ACPI_PM_HZ) + 1);
		uint32_t before = m->io_read(m, config.clocks.pm_timer.port, 4);
		advance(200 * PS_PER_S / ACPI_PM_HZ);
		uint32_t after = m->io_read(m, config.clocks.pm_timer.port, 4);
		assert_in_range(before, modulus - 101, modulus - 99);
		assert_in_range(after, 98, 101);
	}
}

static void test_pm_timer_byte_reads_return_bytes_of_the_register(void **state)
{
	(void)state;
	start();
	advance(PS_PER_S);
	uint32_t whole = m->io_read(m, config.clocks.pm_timer.port, 4);
	assert_int_equal(m->io_read(m, config.clocks.pm_timer.port + 1, 1), (whole >> 8) & 0xFF);
	assert_int_equal(m->io_read(m, config.clocks.pm_timer.port, 2), whole & 0xFFFF);
}

static void test_pm_timer_faults(void **state)
{
	(void)state;
	config.clocks.pm_timer.fault = SIM_PM_TIMER_STUCK;
	start();
	uint32_t first = m->io_read(m, config.clocks.pm_timer.port, 4);
	advance(3 * PS_PER_S);
	assert_int_equal(m->io_read(m, config.clocks.pm_timer.port, 4), first);

	reset_config(NULL);
	config.clocks.pm_timer.fault = SIM_PM_TIMER_BACKWARDS;
	config.clocks.pm_timer.fault_at_ps = PS_PER_S;
	start();
	advance(PS_PER_S - PS_PER_MS);
	uint32_t before = m->io_read(m, config.clocks.pm_timer.port, 4);
	advance(2 * PS_PER_MS);
	uint32_t after = m->io_read(m, config.clocks.pm_timer.port, 4);
	/* 2 ms is 7159 ticks forward, the step 3000 back */
	assert_int_equal(counter_delta(before, after, counter_modulus(24)), 7159 - 3000);
	advance(PS_PER_MS);
	assert_true(m->io_read(m, config.clocks.pm_timer.port, 4) > after); /* once only */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_pm_timer_advances_3579545_ticks_per_virtual_second, reset_config),
		cmocka_unit_test_setup(test_pm_timer_wraps_at_its_width, reset_config),
		cmocka_unit_test_setup(test_pm_timer_byte_reads_return_bytes_of_the_register, reset_config),
		cmocka_unit_test_setup(test_pm_timer_faults, reset_config),
	};
	return cmocka_run_group_tests_name("sim_pmtimer", tests, NULL, NULL);
}
