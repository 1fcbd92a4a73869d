/* The simulated HPET against the IA-PC HPET specification, read through the machine interface alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "counter.h"
#include "hpet.h"
#include "sim_helpers.h"

static const uint32_t hpet_periods_fs[] = {
	10000000, /* QEMU: 100 MHz */
	69841279, /* 14.31818 MHz, the ICH rate */
	59604644, /* bhyve: 2^24 Hz */
	16000000, /* Xen: 62.5 MHz */
};

static void test_hpet_counter_is_frozen_until_enable_cnf_then_runs_at_1e15_over_period(void **state)
{
	(void)state;
	for (size_t p = 0; p < sizeof(hpet_periods_fs) / sizeof(hpet_periods_fs[0]); p++) {
		reset_config(NULL);
		config.clocks.hpet.enabled = false;
		config.clocks.hpet.period_fs = config.clocks.hpet.advertised_period_fs = hpet_periods_fs[p];
		start();
		uint64_t halted = hpet(HPET_MAIN_COUNTER, 8);
		advance(PS_PER_S);
		assert_int_equal(hpet(HPET_MAIN_COUNTER, 8), halted);
		assert_int_equal(hpet(HPET_GEN_CONF, 8) & HPET_ENABLE_CNF, 0);

		hpet_set(HPET_GEN_CONF, 8, HPET_ENABLE_CNF);
		uint64_t before = hpet(HPET_MAIN_COUNTER, 8);
		assert_int_equal(before, halted); /* it counts on from where it stood, not from power-on */
		advance(PS_PER_S);
		uint64_t ticks = hpet(HPET_MAIN_COUNTER, 8) - before;
		uint64_t expected = FS_PER_S / hpet_periods_fs[p];
		if (ticks + 1 < expected || ticks > expected + 1)
			fail_msg("period %u fs: %llu ticks per second, expected %llu +/- 1", hpet_periods_fs[p],
				 (unsigned long long)ticks, (unsigned long long)expected);
		assert_int_equal(sim.hpet.gen_conf, HPET_ENABLE_CNF);
	}
}

static void test_hpet_gcap_id_describes_the_configured_block(void **state)
{
	(void)state;
	start();
	uint64_t gcap = hpet(HPET_GCAP_ID, 8);
	assert_int_equal(gcap >> 32, 10000000);          /* COUNTER_CLK_PERIOD */
	assert_int_equal((gcap >> 16) & 0xFFFF, 0x8086); /* VENDOR_ID */
	assert_int_equal((gcap >> 8) & 0x1F, 2);         /* NUM_TIM_CAP: the last timer's number */
	assert_true(gcap & HPET_COUNT_SIZE_CAP);
	assert_true(gcap & HPET_LEG_RT_CAP);
	assert_int_equal(gcap & 0xFF, 1); /* REV_ID */
	assert_int_equal(hpet(HPET_GCAP_ID, 4), gcap & 0xFFFFFFFF);
	assert_int_equal(hpet(HPET_GCAP_ID + 4, 4), gcap >> 32);
}

static void test_hpet_32bit_counter_wraps_at_2_pow_32_and_is_written_only_while_halted(void **state)
{
	(void)state;
	config.clocks.hpet.counter_bits = 32;
	config.clocks.hpet.enabled = false;
	start();
	assert_false(hpet(HPET_GCAP_ID, 8) & HPET_COUNT_SIZE_CAP);
	hpet_set(HPET_MAIN_COUNTER, 4, 0xFFFFFF00u);
	hpet_set(HPET_GEN_CONF, 4, HPET_ENABLE_CNF);
	advance(0x200 * 10000); /* 0x200 ticks of 10 ns */
	assert_int_equal(hpet(HPET_MAIN_COUNTER, 4), 0x100);
	assert_int_equal(hpet(HPET_MAIN_COUNTER + 4, 4), 0); /* no upper half in a 32-bit counter */
	assert_int_equal(hpet(HPET_MAIN_COUNTER, 8), 0x100);

	hpet_set(HPET_MAIN_COUNTER, 4, 0);
	assert_int_equal(sim.trace.hpet_counter_writes_refused, 1);
	assert_int_equal(hpet(HPET_MAIN_COUNTER, 4), 0x100);
}

static void test_hpet_faults(void **state)
{
	(void)state;
	config.clocks.hpet.fault = SIM_HPET_ALL_ONES;
	start();
	assert_int_equal(hpet(HPET_GCAP_ID, 8), ~0ull);
	assert_int_equal(hpet(HPET_MAIN_COUNTER, 4), 0xFFFFFFFFu);

	reset_config(NULL);
	config.clocks.hpet.fault = SIM_HPET_STUCK;
	start();
	uint64_t first = hpet(HPET_MAIN_COUNTER, 8);
	advance(PS_PER_S);
	assert_int_equal(hpet(HPET_MAIN_COUNTER, 8), first);

	reset_config(NULL);
	config.clocks.hpet.advertised_period_fs = 0; /* out of specification: the register lies, the counter runs */
	start();
	assert_int_equal(hpet(HPET_GCAP_ID, 8) >> 32, 0);
	advance(PS_PER_US);
	assert_int_equal(hpet(HPET_MAIN_COUNTER, 8), 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_hpet_counter_is_frozen_until_enable_cnf_then_runs_at_1e15_over_period,
				       reset_config),
		cmocka_unit_test_setup(test_hpet_gcap_id_describes_the_configured_block, reset_config),
		cmocka_unit_test_setup(test_hpet_32bit_counter_wraps_at_2_pow_32_and_is_written_only_while_halted,
				       reset_config),
		cmocka_unit_test_setup(test_hpet_faults, reset_config),
	};
	return cmocka_run_group_tests_name("sim_hpet", tests, NULL, NULL);
}
