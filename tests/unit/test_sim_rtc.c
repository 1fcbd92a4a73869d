/* The simulated CMOS RTC against the MC146818A datasheet, read through the machine interface alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cmos.h"
#include "sim_helpers.h"

/* The next instant, at 10 us resolution, where the seconds register changes; 0 if none within 2 s. */
static uint64_t next_seconds_edge(void)
{
	uint8_t first = cmos(RTC_SECONDS);
	for (unsigned step = 0; step < 200000; step++) {
		advance(10 * PS_PER_US);
		if (cmos(RTC_SECONDS) != first)
			return sim.now_ps;
	}
	return 0;
}

static void test_rtc_seconds_advance_once_per_virtual_second(void **state)
{
	(void)state;
	start();
	uint64_t edge = next_seconds_edge();
	for (unsigned i = 0; i < 5; i++) {
		uint64_t next = next_seconds_edge();
		assert_in_range(next - edge, PS_PER_S - 20 * PS_PER_US, PS_PER_S + 20 * PS_PER_US);
		edge = next;
	}
}

static bool uip_at(uint64_t at_ps)
{
	sim.now_ps = at_ps;
	return cmos(RTC_STATUS_A) & RTC_A_UIP;
}

/* MC146818A: UIP rises 244 us before the update cycle and falls when it ends 1984 us later, with the new time. */
static void test_rtc_uip_is_set_from_244us_before_the_update_until_it_completes(void **state)
{
	(void)state;
	const uint64_t margin = 20 * PS_PER_US;
	start();
	uint64_t edge = next_seconds_edge(), rise = edge - RTC_UPDATE_CYCLE_PS - RTC_UIP_BEFORE_UPDATE_PS;
	assert_false(uip_at(rise - margin));
	assert_true(uip_at(rise + margin));
	assert_true(uip_at(edge - 2 * margin));
	assert_false(uip_at(edge + margin));
	assert_false(uip_at(edge + PS_PER_S / 2));
}

struct rtc_format_case {
	const char *what;
	bool binary, hour_12;
	struct calendar_time start;
	uint8_t seconds, minutes, hours, weekday, day, month, year, century, status_b;
};

static const struct rtc_format_case rtc_formats[] = {
	{"BCD, 24-hour (the PC default)",
	 false,
	 false,
	 {2026, 11, 21, 15, 4, 5, 0},
	 0x05,
	 0x04,
	 0x15,
	 7,
	 0x21,
	 0x11,
	 0x26,
	 0x20,
	 0x02},
	{"binary, 24-hour", true, false, {2026, 11, 21, 15, 4, 5, 0}, 5, 4, 15, 7, 21, 11, 26, 20, 0x06},
	{"BCD, 12-hour: 3 PM",
	 false,
	 true,
	 {2026, 11, 21, 15, 4, 5, 0},
	 0x05,
	 0x04,
	 0x83,
	 7,
	 0x21,
	 0x11,
	 0x26,
	 0x20,
	 0x00},
	{"binary, 12-hour: 3 PM", true, true, {2026, 11, 21, 15, 4, 5, 0}, 5, 4, 0x83, 7, 21, 11, 26, 20, 0x04},
	{"12-hour midnight reads 12 AM",
	 false,
	 true,
	 {2027, 1, 3, 0, 30, 0, 0},
	 0x00,
	 0x30,
	 0x12,
	 1,
	 0x03,
	 0x01,
	 0x27,
	 0x20,
	 0x00},
	{"12-hour noon reads 12 PM",
	 false,
	 true,
	 {2027, 1, 3, 12, 0, 59, 0},
	 0x59,
	 0x00,
	 0x92,
	 1,
	 0x03,
	 0x01,
	 0x27,
	 0x20,
	 0x00},
	{"next century, binary", true, false, {2101, 3, 1, 8, 0, 0, 0}, 0, 0, 8, 3, 1, 3, 1, 21, 0x06},
};

static void test_rtc_registers_in_bcd_binary_12_and_24_hour_with_century(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rtc_formats) / sizeof(rtc_formats[0]); i++) {
		const struct rtc_format_case *c = &rtc_formats[i];
		reset_config(NULL);
		config.clocks.rtc.binary = c->binary;
		config.clocks.rtc.hour_12 = c->hour_12;
		config.clocks.rtc.start = c->start;
		start();
		const uint8_t got[] = {cmos(RTC_SECONDS), cmos(RTC_MINUTES), cmos(RTC_HOURS),
				       cmos(RTC_WEEKDAY), cmos(RTC_DAY),     cmos(RTC_MONTH),
				       cmos(RTC_YEAR),    cmos(0x32),        cmos(RTC_STATUS_B)};
		const uint8_t want[] = {c->seconds, c->minutes, c->hours,   c->weekday, c->day,
					c->month,   c->year,    c->century, c->status_b};
		for (size_t r = 0; r < sizeof(got); r++)
			if (got[r] != want[r])
				fail_msg("%s: register %zu of (sec, min, hour, weekday, day, month, year, century, B) "
					 "reads 0x%02x, expected 0x%02x",
					 c->what, r, got[r], want[r]);
	}
}

static void test_rtc_calendar_rolls_over_leap_day_and_new_century(void **state)
{
	(void)state;
	struct calendar_time t;
	config.clocks.rtc.start = (struct calendar_time){2028, 2, 28, 23, 59, 58, 0};
	start();
	sim_rtc_calendar(&sim, 2 * PS_PER_S + RTC_UPDATE_CYCLE_PS, &t);
	assert_int_equal(t.year, 2028);
	assert_int_equal(t.month, 2);
	assert_int_equal(t.day, 29);
	assert_int_equal(t.hour, 0);
	assert_int_equal(t.second, 0);

	config.clocks.rtc.start = (struct calendar_time){2099, 12, 31, 23, 59, 59, 0};
	start();
	advance(PS_PER_S + RTC_UPDATE_CYCLE_PS);
	assert_int_equal(cmos(RTC_YEAR), 0x00);
	assert_int_equal(cmos(0x32), 0x21);
	assert_int_equal(cmos(RTC_MONTH), 0x01);
	assert_int_equal(cmos(RTC_DAY), 0x01);
}

static void test_rtc_faults(void **state)
{
	(void)state;
	config.clocks.rtc.fault = SIM_RTC_UIP_STUCK;
	start();
	for (unsigned i = 0; i < 30; i++) {
		assert_true(cmos(RTC_STATUS_A) & RTC_A_UIP);
		advance(PS_PER_S / 10);
	}

	reset_config(NULL);
	config.clocks.rtc.fault = SIM_RTC_FROZEN;
	start();
	assert_int_equal(next_seconds_edge(), 0);
	assert_int_equal(cmos(RTC_SECONDS), 0x00);
}

static void test_rtc_index_port_keeps_the_nmi_disable_bit(void **state)
{
	(void)state;
	start();
	m->io_write(m, CMOS_INDEX_PORT, 1, 0x80 | RTC_STATUS_B);
	assert_int_equal(m->io_read(m, CMOS_DATA_PORT, 1), 0x02);
	assert_true(sim.rtc.nmi_disabled);
	assert_int_equal(sim.rtc.index, RTC_STATUS_B);
	assert_int_equal(m->io_read(m, CMOS_INDEX_PORT, 1), 0xFF); /* write-only */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_rtc_seconds_advance_once_per_virtual_second, reset_config),
		cmocka_unit_test_setup(test_rtc_uip_is_set_from_244us_before_the_update_until_it_completes,
				       reset_config),
		cmocka_unit_test_setup(test_rtc_registers_in_bcd_binary_12_and_24_hour_with_century, reset_config),
		cmocka_unit_test_setup(test_rtc_calendar_rolls_over_leap_day_and_new_century, reset_config),
		cmocka_unit_test_setup(test_rtc_faults, reset_config),
		cmocka_unit_test_setup(test_rtc_index_port_keeps_the_nmi_disable_bit, reset_config),
	};
	return cmocka_run_group_tests_name("sim_rtc", tests, NULL, NULL);
}
