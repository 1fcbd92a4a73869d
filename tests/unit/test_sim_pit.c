/* The simulated 8254 PIT and port 0x61 against the datasheet, read through the machine interface alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pit.h"
#include "sim_helpers.h"

/* Virtual time for `pulses` CLK pulses, landing half way between two. */
static uint64_t pit_pulses_ps(uint64_t pulses)
{
	return (2 * pulses + 1) * PS_PER_S / (2 * PIT_HZ);
}

static void test_pit_channel2_counts_only_while_its_gate_is_high(void **state)
{
	(void)state;
	start();
	pit_program(0, 0xFFFF);
	uint16_t gated_off = pit_latched();
	advance(PS_PER_MS);
	assert_int_equal(pit_latched(), gated_off);

	m->io_write(m, PORT_61, 1, PORT_61_GATE2);
	uint16_t before = pit_latched();
	advance(PS_PER_MS);
	uint16_t after = pit_latched();
	assert_in_range((uint16_t)(before - after), 1192, 1194); /* 1193.182 pulses in 1 ms */

	m->io_write(m, PORT_61, 1, 0);
	uint16_t held = pit_latched();
	advance(PS_PER_MS);
	assert_int_equal(pit_latched(), held); /* mode 0: a low gate suspends counting */
}

static void test_pit_latch_holds_the_count_until_read(void **state)
{
	(void)state;
	config.clocks.pit.port61 = PORT_61_GATE2;
	start();
	pit_program(2, 0);
	advance(pit_pulses_ps(1000));
	m->io_write(m, PIT_CONTROL_PORT, 1, 0x80);
	advance(10 * PS_PER_MS); /* the counter runs on; the latch does not */
	uint8_t low = (uint8_t)m->io_read(m, PIT_CHANNEL2_PORT, 1);
	uint16_t latched = (uint16_t)(low | m->io_read(m, PIT_CHANNEL2_PORT, 1) << 8);
	assert_int_equal(latched, 65536 - 999);
	assert_int_equal(pit_latched(), (uint16_t)(65536 - 999 - 11932));
}

struct pit_mode_case {
	unsigned mode;
	uint16_t count;
	uint64_t pulses; /* CLK pulses since the count was written; the first loads it */
	uint16_t value;
	bool out_high;
};

static const struct pit_mode_case pit_modes[] = {
	{0, 1000, 1, 1000, false},    {0, 1000, 500, 501, false},  {0, 1000, 1001, 0, true},
	{0, 1000, 1003, 65534, true}, /* mode 0 counts on through 0 and wraps; OUT stays high */
	{2, 1000, 1000, 1, false},    {2, 1000, 1001, 1000, true}, {2, 1000, 1500, 501, true},
	{2, 0, 2, 65535, true}, /* a count of 0 is 65536 */
	{3, 1000, 1, 1000, true},     {3, 1000, 500, 2, true},     {3, 1000, 501, 1000, false},
	{3, 1000, 1001, 1000, true},  {3, 1001, 501, 0, true},     {3, 1001, 502, 1000, false},
};

static void test_pit_modes_0_2_3_count_and_drive_out2_as_the_8254_does(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(pit_modes) / sizeof(pit_modes[0]); i++) {
		const struct pit_mode_case *c = &pit_modes[i];
		reset_config(NULL);
		config.clocks.pit.port61 = PORT_61_GATE2;
		start();
		pit_program(c->mode, c->count);
		advance(pit_pulses_ps(c->pulses));
		uint16_t value = pit_latched();
		bool out_high = m->io_read(m, PORT_61, 1) & PORT_61_OUT2;
		if (value != c->value || out_high != c->out_high)
			fail_msg("mode %u, count %u, after %llu pulses: count %u OUT %d, expected %u OUT %d", c->mode,
				 c->count, (unsigned long long)c->pulses, value, out_high, c->value, c->out_high);
	}
}

static void test_pit_read_back_reports_status_and_count(void **state)
{
	(void)state;
	config.clocks.pit.port61 = PORT_61_GATE2;
	start();
	pit_program(2, 5000);
	advance(pit_pulses_ps(100));
	m->io_write(m, PIT_CONTROL_PORT, 1, 0xC0 | 0x08); /* read-back: count and status of channel 2 */
	uint8_t status = (uint8_t)m->io_read(m, PIT_CHANNEL2_PORT, 1);
	assert_int_equal(status, 0x80 | 0x30 | 2 << 1); /* OUT high, not null, lobyte/hibyte, mode 2, binary */
	uint8_t low = (uint8_t)m->io_read(m, PIT_CHANNEL2_PORT, 1);
	assert_int_equal(low | m->io_read(m, PIT_CHANNEL2_PORT, 1) << 8, 5000 - 99);
}

static void test_port_61_keeps_its_written_bits_and_shows_out2_and_refresh(void **state)
{
	(void)state;
	start();
	assert_int_equal(sim.pit.port61, 0);
	assert_true(m->io_read(m, PORT_61, 1) & PORT_61_OUT2); /* as OVMF leaves it: 0x30 under QEMU */
	m->io_write(m, PORT_61, 1, 0x03);
	assert_int_equal(sim.pit.port61, 0x03);
	assert_int_equal(m->io_read(m, PORT_61, 1) & 0x0F, 0x03);
	uint8_t a = (uint8_t)m->io_read(m, PORT_61, 1);
	advance(15085 * 1000);
	uint8_t b = (uint8_t)m->io_read(m, PORT_61, 1);
	assert_int_not_equal(a & PORT_61_REFRESH, b & PORT_61_REFRESH);
}

static void test_absent_pit_floats_high_and_never_counts(void **state)
{
	(void)state;
	config.clocks.pit.present = false;
	start();
	m->io_write(m, PORT_61, 1, PORT_61_GATE2);
	pit_program(2, 1000);
	assert_int_equal(pit_latched(), 0xFFFF);
	advance(PS_PER_MS);
	assert_int_equal(pit_latched(), 0xFFFF);
	assert_int_equal(m->io_read(m, PORT_61, 1), 0xFF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_pit_channel2_counts_only_while_its_gate_is_high, reset_config),
		cmocka_unit_test_setup(test_pit_latch_holds_the_count_until_read, reset_config),
		cmocka_unit_test_setup(test_pit_modes_0_2_3_count_and_drive_out2_as_the_8254_does, reset_config),
		cmocka_unit_test_setup(test_pit_read_back_reports_status_and_count, reset_config),
		cmocka_unit_test_setup(test_port_61_keeps_its_written_bits_and_shows_out2_and_refresh, reset_config),
		cmocka_unit_test_setup(test_absent_pit_floats_high_and_never_counts, reset_config),
	};
	return cmocka_run_group_tests_name("sim_pit", tests, NULL, NULL);
}
