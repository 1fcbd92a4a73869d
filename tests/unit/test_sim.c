/* The simulated machine's devices against their datasheets, read through the machine interface alone. */
#include <dirent.h>
#include "units.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "acpi.h"
#include "cmos.h"
#include "hpet.h"
#include "lapic.h"
#include "pit.h"
#include "counter.h"
#include "scenario.h"
#include "testdata.h"

/* Facts from the specifications that no header of core/ names; registers come from core/hpet.h and core/lapic.h. */
#define RTC_UIP_BEFORE_UPDATE_PS (RTC_UIP_LEAD_US * PS_PER_US)
#define RTC_UPDATE_CYCLE_PS (RTC_UPDATE_CYCLE_US * PS_PER_US)
#define MSR_KVM_WALL_CLOCK 0x11u        /* Linux Documentation/virt/kvm/x86/msr.rst */
#define MSR_KVM_SYSTEM_TIME 0x12u
#define MSR_KVM_WALL_CLOCK_NEW 0x4b564d00u
#define MSR_KVM_SYSTEM_TIME_NEW 0x4b564d01u
#define KVM_FEATURE_CLOCKSOURCE (1u << 0)  /* Documentation/virt/kvm/x86/cpuid.rst */
#define KVM_FEATURE_CLOCKSOURCE2 (1u << 3)
#define PVCLOCK_TSC_STABLE_BIT 1u
#define HV_MSR_TIME_REF_COUNT 0x40000020u /* Hyper-V TLFS; Linux hyperv-tlfs.h */
#define HV_MSR_REFERENCE_TSC 0x40000021u
#define HV_MSR_TSC_FREQUENCY 0x40000022u
#define HV_MSR_APIC_FREQUENCY 0x40000023u
#define HV_MSR_TSC_INVARIANT_CONTROL 0x40000118u
#define HV_INTERFACE_HV1 0x31237648u     /* "Hv#1" in base + 1 EAX */
#define HV_REFERENCE_HZ 10000000ull      /* 100 ns units */
#define VMWARE_MAGIC 0x564D5868u         /* Linux arch/x86/include/asm/vmware.h */
#define VMWARE_PORT 0x5658u
#define VMWARE_CMD_GETHZ 45u
#define PAGE_BYTES 4096u

static struct sim_config config;
static struct sim sim;
static struct machine *m;

/* cmocka 1.1's assert_float_equal compares in float, some 7 digits: too coarse for these figures. */
#define assert_close(got, want, tolerance) assert_close_at((got), (want), (tolerance), #got, __FILE__, __LINE__)
static void assert_close_at(double got, double want, double tolerance, const char *expression, const char *file,
			    int line)
{
	if (fabs(got - want) <= tolerance)
		return;
	print_error("%s is %.17g, expected %.17g within %g\n", expression, got, want, tolerance);
	_fail(file, line);
}

/* Every test starts from the defaults with free accesses, so that virtual time is exactly what the test says. */
static int reset_config(void **state)
{
	(void)state;
	sim_config_defaults(&config);
	struct sim_access_cost *costs[] = {&config.clocks.pm_timer.access, &config.clocks.hpet.access,
					   &config.clocks.rtc.access, &config.clocks.pit.access,
					   &config.clocks.lapic.access};
	for (size_t i = 0; i < sizeof(costs) / sizeof(costs[0]); i++)
		*costs[i] = (struct sim_access_cost){0};
	config.msr_cost_ps = 0;
	return 0;
}

static void start(void)
{
	sim_init(&sim, &config);
	m = &sim.machine;
}

/* A shipped scenario (tests/data/scenarios/name), started. */
static void load_scenario(const char *name)
{
	char relative[128], error[256];
	snprintf(relative, sizeof(relative), "scenarios/%s", name);
	if (!scenario_load_file(testdata_path(relative), &config, error, sizeof(error)))
		fail_msg("%s: %s", name, error);
	start();
}

static void advance(uint64_t ps)
{
	sim.now_ps += ps;
}

static uint8_t cmos(uint8_t index)
{
	m->io_write(m, CMOS_INDEX_PORT, 1, index);
	return (uint8_t)m->io_read(m, CMOS_DATA_PORT, 1);
}

static void pit_program(unsigned mode, uint16_t count)
{
	m->io_write(m, PIT_CONTROL_PORT, 1, 0x80u | 0x30u | mode << 1); /* channel 2, lobyte then hibyte, binary */
	m->io_write(m, PIT_CHANNEL2_PORT, 1, count & 0xFFu);
	m->io_write(m, PIT_CHANNEL2_PORT, 1, count >> 8);
}

static uint16_t pit_latched(void)
{
	m->io_write(m, PIT_CONTROL_PORT, 1, 0x80u); /* channel 2, counter latch command */
	uint8_t low = (uint8_t)m->io_read(m, PIT_CHANNEL2_PORT, 1);
	return (uint16_t)(low | m->io_read(m, PIT_CHANNEL2_PORT, 1) << 8);
}

static uint32_t lapic(uint32_t offset)
{
	return (uint32_t)m->mmio_read(m, config.clocks.lapic.base + offset, 4);
}

static void lapic_set(uint32_t offset, uint32_t value)
{
	m->mmio_write(m, config.clocks.lapic.base + offset, 4, value);
}

static uint64_t hpet(uint32_t offset, unsigned width)
{
	return m->mmio_read(m, config.clocks.hpet.base + offset, width);
}

static void hpet_set(uint32_t offset, unsigned width, uint64_t value)
{
	m->mmio_write(m, config.clocks.hpet.base + offset, width, value);
}

/* ---- ACPI PM timer ------------------------------------------------------------------------------- */

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

/* ---- HPET ---------------------------------------------------------------------------------------- */

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
	assert_int_equal(gcap >> 32, 10000000);               /* COUNTER_CLK_PERIOD */
	assert_int_equal((gcap >> 16) & 0xFFFF, 0x8086);      /* VENDOR_ID */
	assert_int_equal((gcap >> 8) & 0x1F, 2);              /* NUM_TIM_CAP: the last timer's number */
	assert_true(gcap & HPET_COUNT_SIZE_CAP);
	assert_true(gcap & HPET_LEG_RT_CAP);
	assert_int_equal(gcap & 0xFF, 1);                     /* REV_ID */
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

/* ---- RTC ----------------------------------------------------------------------------------------- */

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
	{"BCD, 24-hour (the PC default)", false, false, {2026, 11, 21, 15, 4, 5, 0},
	 0x05, 0x04, 0x15, 7, 0x21, 0x11, 0x26, 0x20, 0x02},
	{"binary, 24-hour", true, false, {2026, 11, 21, 15, 4, 5, 0}, 5, 4, 15, 7, 21, 11, 26, 20, 0x06},
	{"BCD, 12-hour: 3 PM", false, true, {2026, 11, 21, 15, 4, 5, 0},
	 0x05, 0x04, 0x83, 7, 0x21, 0x11, 0x26, 0x20, 0x00},
	{"binary, 12-hour: 3 PM", true, true, {2026, 11, 21, 15, 4, 5, 0}, 5, 4, 0x83, 7, 21, 11, 26, 20, 0x04},
	{"12-hour midnight reads 12 AM", false, true, {2027, 1, 3, 0, 30, 0, 0},
	 0x00, 0x30, 0x12, 1, 0x03, 0x01, 0x27, 0x20, 0x00},
	{"12-hour noon reads 12 PM", false, true, {2027, 1, 3, 12, 0, 59, 0},
	 0x59, 0x00, 0x92, 1, 0x03, 0x01, 0x27, 0x20, 0x00},
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
		const uint8_t got[] = {cmos(RTC_SECONDS), cmos(RTC_MINUTES), cmos(RTC_HOURS), cmos(RTC_WEEKDAY),
				       cmos(RTC_DAY), cmos(RTC_MONTH), cmos(RTC_YEAR), cmos(0x32), cmos(RTC_STATUS_B)};
		const uint8_t want[] = {c->seconds, c->minutes, c->hours, c->weekday, c->day,
					c->month, c->year, c->century, c->status_b};
		for (size_t r = 0; r < sizeof(got); r++)
			if (got[r] != want[r])
				fail_msg("%s: register %zu of (sec, min, hour, weekday, day, month, year, century, B) "
					 "reads 0x%02x, expected 0x%02x", c->what, r, got[r], want[r]);
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

/* ---- PIT ----------------------------------------------------------------------------------------- */

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
	{0, 1000, 1, 1000, false},   {0, 1000, 500, 501, false},   {0, 1000, 1001, 0, true},
	{0, 1000, 1003, 65534, true}, /* mode 0 counts on through 0 and wraps; OUT stays high */
	{2, 1000, 1000, 1, false},   {2, 1000, 1001, 1000, true},  {2, 1000, 1500, 501, true},
	{2, 0, 2, 65535, true},       /* a count of 0 is 65536 */
	{3, 1000, 1, 1000, true},    {3, 1000, 500, 2, true},      {3, 1000, 501, 1000, false},
	{3, 1000, 1001, 1000, true}, {3, 1001, 501, 0, true},      {3, 1001, 502, 1000, false},
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

/* ---- LAPIC timer --------------------------------------------------------------------------------- */

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
	advance(2500 * PS_PER_US); /* 2,500,000 ticks: two periods of initial + 1 ticks (0 is a count too), then 499,998 */
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

/* ---- rates, truth, determinism -------------------------------------------------------------------- */

/* Each device read as an up-counter, for the rate check. */
static uint64_t up_pm_timer(void)
{
	return m->io_read(m, config.clocks.pm_timer.port, 4);
}

static uint64_t up_hpet(void)
{
	return hpet(HPET_MAIN_COUNTER, 8);
}

static uint64_t up_pit(void)
{
	return (65536 - pit_latched()) % 65536; /* mode 2 from 65536 */
}

static uint64_t up_lapic(void)
{
	return 0xFFFFFFFFu - lapic(LAPIC_CURRENT_COUNT); /* periodic from 0xFFFFFFFF, divide by 1 */
}

static uint64_t up_rtc_seconds(void)
{
	return cmos(RTC_SECONDS) + 60u * cmos(RTC_MINUTES) + 3600u * cmos(RTC_HOURS); /* binary mode */
}

static uint64_t up_tsc(void)
{
	return m->rdtsc(m);
}

static uint64_t up_hv_reference_counter(void)
{
	uint64_t value;
	assert_int_equal(m->rdmsr(m, HV_MSR_TIME_REF_COUNT, &value), ACCESS_OK);
	return value;
}

static const struct rate_case {
	const char *device;
	enum sim_clock_id clock;
	double *rate_ppm; /* NULL for the TSC, whose truth is tsc_hz itself */
	uint64_t (*read)(void);
	uint64_t modulus;
	double nominal_hz;
	double *truth_hz;
	uint64_t step_ps, steps;
} rate_cases[] = {
	{"tsc", SIM_CLOCK_TSC, NULL, up_tsc, 0, 2e9, NULL, PS_PER_S, 20},
	{"pm_timer", SIM_CLOCK_PM_TIMER, &config.clocks.pm_timer.rate_ppm, up_pm_timer, 1u << 24, ACPI_PM_HZ,
	 &sim.truth.pm_timer_hz, PS_PER_S, 20},
	{"hpet", SIM_CLOCK_HPET, &config.clocks.hpet.rate_ppm, up_hpet, 0, 1e8, &sim.truth.hpet_hz, PS_PER_S, 20},
	{"pit", SIM_CLOCK_PIT, &config.clocks.pit.rate_ppm, up_pit, 65536, PIT_HZ, &sim.truth.pit_hz, 20 * PS_PER_MS,
	 1000},
	{"lapic", SIM_CLOCK_LAPIC, &config.clocks.lapic.rate_ppm, up_lapic, 0xFFFFFFFFu, 1e9, &sim.truth.lapic_bus_hz,
	 PS_PER_S / 2, 8},
	{"rtc", SIM_CLOCK_RTC, &config.clocks.rtc.rate_ppm, up_rtc_seconds, 86400, 1, &sim.truth.rtc_hz,
	 10 * PS_PER_S, 100},
	{"hv_reference_counter", SIM_CLOCK_HV_REFERENCE_COUNTER, &config.hyperv.reference_counter_rate_ppm,
	 up_hv_reference_counter, 0, HV_REFERENCE_HZ, &sim.truth.hv_reference_counter_hz, PS_PER_S, 20},
};
#define RATE_CASE_COUNT (sizeof(rate_cases) / sizeof(rate_cases[0]))
static const double rate_ppms[] = {0, 250, -1000, 20000};

/* Every clock counting from the start, readable as an up-counter; reads take no virtual time. */
static void start_every_clock_counting(void)
{
	config.rdtsc_cost_ps = 0;
	config.clocks.hpet.enabled = true;
	config.clocks.pit.port61 = PORT_61_GATE2;
	config.clocks.rtc.binary = true;
	config.hyperv.reference_counter = true;
	start();
	pit_program(2, 0);
	lapic_set(LAPIC_DIVIDE_CONFIG, 0xB);
	lapic_set(LAPIC_LVT_TIMER, LVT_MASKED | (LVT_MODE_PERIODIC << LVT_MODE_SHIFT));
	lapic_set(LAPIC_INITIAL_COUNT, 0xFFFFFFFFu);
}

static void test_rates_are_off_by_exactly_rate_ppm_and_truth_says_so(void **state)
{
	(void)state;
	for (size_t i = 0; i < RATE_CASE_COUNT; i++) {
		const struct rate_case *c = &rate_cases[i];
		for (size_t r = 0; c->rate_ppm && r < sizeof(rate_ppms) / sizeof(rate_ppms[0]); r++) {
			reset_config(NULL);
			*c->rate_ppm = rate_ppms[r];
			start_every_clock_counting();

			/* The first reading after a step: the PIT spends its first pulse loading the count. */
			struct counter_unwrap u;
			counter_unwrap_init(&u, c->modulus);
			advance(c->step_ps);
			counter_unwrap(&u, c->read());
			uint64_t ticks = 0;
			for (uint64_t s = 0; s < c->steps; s++) {
				advance(c->step_ps);
				ticks = counter_unwrap(&u, c->read());
			}
			double expected_hz = c->nominal_hz * (1 + rate_ppms[r] / 1e6);
			double expected = expected_hz * (double)(c->step_ps * c->steps) / PS_PER_S;
			if (ticks + 1.5 < expected || ticks > expected + 1.5)
				fail_msg("%s at %+g ppm: %llu ticks, expected %.1f", c->device, rate_ppms[r],
					 (unsigned long long)ticks, expected);
			assert_close(*c->truth_hz, expected_hz, expected_hz * 1e-12);
		}
	}
}

static void test_rtc_host_domain_runs_ahead_of_virtual_time(void **state)
{
	(void)state;
	char error[256];
	assert_true(scenario_load_string("{\"schema\": \"tscprobe-scenario/1\", \"clocks\": {\"rtc\": {\"domain\": "
					 "\"host\", \"binary\": true}}}",
					 &config, error, sizeof(error)));
	assert_close(config.clocks.rtc.rate_ppm, 2000, 0);
	start();
	uint64_t first = up_rtc_seconds();
	advance(1000 * PS_PER_S);
	assert_in_range(up_rtc_seconds() - first, 1001, 1003); /* 1000 s * 1.002 */
}

/* A trace: the value and the virtual time after each of many jittery reads. */
static void jitter_trace(uint64_t seed, uint64_t *trace, unsigned count)
{
	reset_config(NULL);
	config.seed = seed;
	config.clocks.pm_timer.access = (struct sim_access_cost){
		.cost_ps = 1500 * 1000, .jitter_per_million = 100000, .jitter_max_ps = 50 * PS_PER_US};
	start();
	for (unsigned i = 0; i < count; i++) {
		uint64_t value = m->io_read(m, config.clocks.pm_timer.port, 4);
		trace[i] = value << 40 ^ sim.now_ps;
	}
}

static void test_same_seed_same_trace_and_another_seed_other_jitter(void **state)
{
	(void)state;
	enum { READS = 2000 };
	static uint64_t first[READS], again[READS], other[READS];

	jitter_trace(1, first, READS);
	uint64_t events = sim.trace.jitter_events;
	assert_in_range(events, READS / 10 - 60, READS / 10 + 60); /* 10 % of reads */
	jitter_trace(1, again, READS);
	assert_memory_equal(first, again, sizeof(first));
	for (uint64_t seed = 2; seed < 12; seed++) {
		jitter_trace(seed, other, READS);
		if (!memcmp(first, other, sizeof(first)))
			fail_msg("seed %llu gave the same jitter as seed 1", (unsigned long long)seed);
	}
}

static void test_an_access_costs_its_read_cost_and_samples_within_it(void **state)
{
	(void)state;
	config.clocks.pm_timer.access.cost_ps = 2 * PS_PER_US;
	start();
	advance(PS_PER_S);
	uint32_t value = m->io_read(m, config.clocks.pm_timer.port, 4);
	assert_int_equal(sim.now_ps, PS_PER_S + 2 * PS_PER_US);
	assert_int_equal(value, (PS_PER_S + PS_PER_US) * ACPI_PM_HZ / PS_PER_S % (1u << 24)); /* mid-access */
	assert_close(sim_now_seconds(&sim), 1.000002, 1e-12);
}

static void test_unclaimed_ports_and_addresses_float_high(void **state)
{
	(void)state;
	start();
	assert_int_equal(m->io_read(m, 0x80, 1), 0xFF);
	assert_int_equal(m->io_read(m, 0x1234, 4), 0xFFFFFFFFu);
	assert_int_equal(m->mmio_read(m, 0xFEB00000ull, 8), ~0ull);
	assert_int_equal(m->mmio_read(m, 0xFEB00000ull, 4), 0xFFFFFFFFu);
	assert_int_equal(sim.trace.unclaimed_accesses, 4);
}

static void test_firmware_time_reads_the_rtc_calendar(void **state)
{
	(void)state;
	struct calendar_time t;
	start();
	advance(61 * PS_PER_S);
	assert_int_equal(m->firmware_time(m, &t), ACCESS_OK);
	assert_int_equal(t.year, 2026);
	assert_int_equal(t.hour, 12);
	assert_int_equal(t.minute, 1);
	assert_int_equal(t.second, 1);
	assert_int_equal(t.nanosecond, 0);
	assert_int_equal(sim.now_ps, 61 * PS_PER_S + 30 * PS_PER_US); /* GetTime() costs ~30 us */

	config.clocks.uefi_time.present = false;
	start();
	assert_int_equal(m->firmware_time(m, &t), ACCESS_UNSUPPORTED);
}

/* ---- ACPI ---------------------------------------------------------------------------------------- */

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
	fail_msg("%s fault %s: acpi_discover did not report \"%s: %s\"", fixture ? "fixture" : "synthesized",
		 c->reason, c->table, c->reason);
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

/* ---- MSRs ---------------------------------------------------------------------------------------- */

static uint64_t rdmsr_ok(uint32_t msr)
{
	uint64_t value;
	enum access_status status = m->rdmsr(m, msr, &value);
	if (status != ACCESS_OK)
		fail_msg("rdmsr 0x%x faulted (%d)", msr, status);
	return value;
}

static bool msr_exists(uint32_t msr)
{
	uint64_t value;
	return m->rdmsr(m, msr, &value) == ACCESS_OK;
}

static void test_listed_msrs_read_their_value_and_refuse_writes_unless_writable(void **state)
{
	(void)state;
	uint64_t value;
	config.msrs = (struct sim_msr_config){
		.count = 2,
		.entries = {{HV_MSR_TSC_FREQUENCY, 2095078000, false}, {HV_MSR_TSC_INVARIANT_CONTROL, 0, true}}};
	start();
	assert_int_equal(rdmsr_ok(HV_MSR_TSC_FREQUENCY), 2095078000);
	assert_int_equal(m->wrmsr(m, HV_MSR_TSC_FREQUENCY, 1), ACCESS_FAULT_GP);
	assert_int_equal(rdmsr_ok(HV_MSR_TSC_FREQUENCY), 2095078000);

	assert_int_equal(m->wrmsr(m, HV_MSR_TSC_INVARIANT_CONTROL, 1), ACCESS_OK);
	assert_int_equal(rdmsr_ok(HV_MSR_TSC_INVARIANT_CONTROL), 1);
	assert_int_equal(sim.msr_values[1], 1); /* for "left as found" checks */

	assert_int_equal(m->rdmsr(m, 0x40000099, &value), ACCESS_FAULT_GP); /* unlisted: nothing implements it */
	assert_int_equal(value, 0);
}

static void test_msr_faults_win_over_every_other_answer(void **state)
{
	(void)state;
	config.hyperv.tsc_frequency_hz = 2095078000;
	config.hyperv.apic_frequency_hz = 200000000;
	config.msrs = (struct sim_msr_config){.fault_count = 2, .faults = {HV_MSR_APIC_FREQUENCY, MSR_IA32_APIC_BASE}};
	start();
	assert_int_equal(rdmsr_ok(HV_MSR_TSC_FREQUENCY), 2095078000);
	assert_false(msr_exists(HV_MSR_APIC_FREQUENCY)); /* advertised, yet #GP: a hypervisor that lies */
	assert_false(msr_exists(MSR_IA32_APIC_BASE));
}

static void test_every_msr_access_costs_a_vm_exit_and_is_traced(void **state)
{
	(void)state;
	uint64_t value;
	config.msr_cost_ps = PS_PER_US;
	config.msrs = (struct sim_msr_config){.count = 1, .entries = {{0x40000106, 0, true}}};
	start();
	m->rdmsr(m, MSR_IA32_APIC_BASE, &value);
	m->rdmsr(m, 0x40000106, &value);
	m->rdmsr(m, HV_MSR_TIME_REF_COUNT, &value); /* not in this scenario */
	m->wrmsr(m, 0x40000106, 7);
	m->wrmsr(m, MSR_IA32_APIC_BASE, 0);
	assert_int_equal(sim.now_ps, 5 * PS_PER_US);
	assert_int_equal(sim.trace.msr_reads, 3);
	assert_int_equal(sim.trace.msr_writes, 2);
	assert_int_equal(sim.trace.msr_faults, 2);
	assert_int_equal(sim.trace.msr_write_count, 2);
	assert_int_equal(sim.trace.msr_write_log[0].msr, 0x40000106);
	assert_int_equal(sim.trace.msr_write_log[0].value, 7);
	assert_int_equal(sim.trace.msr_write_log[0].status, ACCESS_OK);
	assert_int_equal(sim.trace.msr_write_log[1].msr, MSR_IA32_APIC_BASE);
	assert_int_equal(sim.trace.msr_write_log[1].status, ACCESS_FAULT_GP);
}

/* ---- guest pages --------------------------------------------------------------------------------- */

static void test_guest_pages_are_zeroed_4k_pages_that_phys_map_sees(void **state)
{
	(void)state;
	volatile uint8_t *pages[SIM_GUEST_PAGES];
	uint64_t phys[SIM_GUEST_PAGES], spare;
	start();
	for (unsigned i = 0; i < SIM_GUEST_PAGES; i++) {
		pages[i] = m->page_alloc(m, &phys[i]);
		assert_non_null(pages[i]);
		assert_int_equal(phys[i] % PAGE_BYTES, 0);
		for (unsigned b = 0; b < PAGE_BYTES; b++)
			if (pages[i][b])
				fail_msg("page %u byte %u is 0x%02x, expected a zeroed page", i, b, pages[i][b]);
		assert_ptr_equal(m->phys_map(m, phys[i], PAGE_BYTES), (const void *)pages[i]);
		for (unsigned j = 0; j < i; j++)
			assert_true(phys[i] != phys[j]);
	}
	assert_null(m->page_alloc(m, &spare)); /* a few pages, then none */

	pages[1][100] = 0xA5; /* what the guest writes, phys_map sees */
	assert_int_equal(((const uint8_t *)m->phys_map(m, phys[1] + 100, 1))[0], 0xA5);
	assert_null(m->phys_map(m, phys[1] + PAGE_BYTES - 4, 8)); /* crosses the page's end */
	assert_non_null(m->phys_map(m, m->acpi_rsdp, 20)); /* the ACPI tables stay where they were */

	m->page_free(m, pages[1]);
	assert_null(m->phys_map(m, phys[1], 1));
	volatile uint8_t *again = m->page_alloc(m, &spare);
	assert_int_equal(spare, phys[1]);
	assert_int_equal(again[100], 0); /* zeroed again */
}

/* ---- kvmclock ------------------------------------------------------------------------------------ */

/* struct pvclock_vcpu_time_info (Linux arch/x86/include/asm/pvclock-abi.h). */
struct pvclock_time {
	uint32_t version, pad0;
	uint64_t tsc_timestamp, system_time;
	uint32_t mul;
	int8_t shift;
	uint8_t flags, pad[2];
};

static struct pvclock_time pvclock_page(const volatile void *page)
{
	struct pvclock_time t;
	memcpy(&t, (const void *)page, sizeof(t));
	return t;
}

/* The guest's clock (msr.rst): system_time + ((tsc - tsc_timestamp) shifted by tsc_shift) * mul >> 32. */
static uint64_t pvclock_ns(const struct pvclock_time *t, uint64_t tsc)
{
	uint64_t delta = tsc - t->tsc_timestamp;
	delta = t->shift >= 0 ? delta << t->shift : delta >> -t->shift;
	return t->system_time + (uint64_t)(((unsigned __int128)delta * t->mul) >> 32);
}

/* The rate a guest infers from mul and shift (Linux pvclock_tsc_khz, in Hz). */
static double pvclock_hz(const struct pvclock_time *t)
{
	double hz = 1e9 * 4294967296.0 / t->mul;
	return t->shift >= 0 ? hz / (double)(1u << t->shift) : hz * (double)(1u << -t->shift);
}

/* Allocates a page and points the system-time MSR at it. */
static volatile void *kvmclock_enable(uint32_t msr, uint64_t *phys)
{
	volatile void *page = m->page_alloc(m, phys);
	assert_non_null(page);
	assert_int_equal(m->wrmsr(m, msr, *phys | 1), ACCESS_OK);
	return page;
}

static const struct kvmclock_scale_case {
	const char *host;
	uint64_t claimed_hz;
	uint32_t mul; /* as VirtualBox's gimR3KvmUpdateSystemTime derives them */
	int8_t shift;
} kvmclock_scales[] = {
	{"VirtualBox 5.0 of the motivating case", 3478274491, 0x93330d6c, -1},
	{"KVM on a 2.6 GHz EPYC", 2599984000, 0xc4ec9e30, -1},
	{"exactly 1 GHz: shifted up once", 1000000000, 0x80000000, 1},
	{"700 MHz", 700000000, 0xb6db6db6, 1},
	{"25 GHz", 25000000000, 0xa3d70a3d, -4},
};

static void test_kvmclock_page_holds_the_claimed_rate_as_mul_and_shift(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(kvmclock_scales) / sizeof(kvmclock_scales[0]); i++) {
		const struct kvmclock_scale_case *c = &kvmclock_scales[i];
		uint64_t phys;
		reset_config(NULL);
		config.kvmclock.present = true;
		config.kvmclock.claimed_tsc_hz = c->claimed_hz;
		start();
		advance(3 * PS_PER_S);
		uint64_t tsc_before = m->rdtsc(m), ns_before = sim.now_ps / 1000;
		struct pvclock_time t = pvclock_page(kvmclock_enable(MSR_KVM_SYSTEM_TIME_NEW, &phys));
		uint64_t tsc_after = m->rdtsc(m);
		if (t.mul != c->mul || t.shift != c->shift)
			fail_msg("%s: mul 0x%08x shift %d, expected 0x%08x %d", c->host, t.mul, t.shift, c->mul,
				 c->shift);
		assert_in_range(t.mul, 1u << 31, UINT32_MAX);
		if (fabs(pvclock_hz(&t) / (double)c->claimed_hz - 1) > 1e-9)
			fail_msg("%s: mul and shift imply %.0f Hz, claimed %llu", c->host, pvclock_hz(&t),
				 (unsigned long long)c->claimed_hz);
		assert_int_equal(t.version % 2, 0);
		assert_in_range(t.tsc_timestamp, tsc_before, tsc_after);
		assert_in_range(t.system_time, ns_before, sim.now_ps / 1000);
		assert_int_equal(t.flags & PVCLOCK_TSC_STABLE_BIT, PVCLOCK_TSC_STABLE_BIT);
		assert_int_equal(sim.kvmclock.system_time_msr, phys | 1);
	}
}

/* The motivating case: VirtualBox 5.0's kvm-clock claims 3478.274 MHz of a TSC running at 3400.109 MHz. */
static void test_kvmclock_time_runs_at_the_claimed_rate_against_the_tsc(void **state)
{
	(void)state;
	uint64_t phys;
	load_scenario("virtualbox-5.0-kvm.json");
	struct pvclock_time t = pvclock_page(kvmclock_enable(MSR_KVM_SYSTEM_TIME_NEW, &phys));
	uint64_t tsc0 = m->rdtsc(m), virtual0 = sim.now_ps;
	uint64_t guest0 = pvclock_ns(&t, tsc0);
	advance(300 * PS_PER_S);
	uint64_t tsc1 = m->rdtsc(m);
	double guest_s = (double)(pvclock_ns(&t, tsc1) - guest0) / 1e9;
	double virtual_s = (double)(sim.now_ps - virtual0) / 1e12;

	/*
	 * Against the TSC the guest's clock is exactly the claimed rate, to the scale's rounding (a 32-bit
	 * multiplier of at least 2^31: under one part in 2^31) and a nanosecond truncated at each end ...
	 */
	double claimed_s = (double)(tsc1 - tsc0) / 3478274491.0;
	assert_close(guest_s, claimed_s, claimed_s * 0x1p-31 + 2e-9);
	/* ... so against the truth it loses 6.74 s every 5 minutes (reference F3). */
	assert_close(virtual_s - guest_s, 300 * (1 - 3400109000.0 / 3478274491.0), 1e-6);
	assert_close(virtual_s - guest_s, 6.74, 0.005);
}

static const struct kvmclock_pair_case {
	uint32_t pairs;
	uint32_t msr;
	bool exists;
} kvmclock_pairs[] = {
	{SIM_KVMCLOCK_NEW, MSR_KVM_SYSTEM_TIME_NEW, true},  {SIM_KVMCLOCK_NEW, MSR_KVM_WALL_CLOCK_NEW, true},
	{SIM_KVMCLOCK_NEW, MSR_KVM_SYSTEM_TIME, false},     {SIM_KVMCLOCK_NEW, MSR_KVM_WALL_CLOCK, false},
	{SIM_KVMCLOCK_OLD, MSR_KVM_SYSTEM_TIME_NEW, false}, {SIM_KVMCLOCK_OLD, MSR_KVM_SYSTEM_TIME, true},
	{SIM_KVMCLOCK_OLD, MSR_KVM_WALL_CLOCK, true},
	{SIM_KVMCLOCK_NEW | SIM_KVMCLOCK_OLD, MSR_KVM_SYSTEM_TIME, true},
	{SIM_KVMCLOCK_NEW | SIM_KVMCLOCK_OLD, MSR_KVM_SYSTEM_TIME_NEW, true},
};

static void test_kvmclock_msr_pairs_exist_as_the_scenario_says(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(kvmclock_pairs) / sizeof(kvmclock_pairs[0]); i++) {
		const struct kvmclock_pair_case *c = &kvmclock_pairs[i];
		reset_config(NULL);
		config.kvmclock.present = true;
		config.kvmclock.pairs = c->pairs;
		start();
		if (msr_exists(c->msr) != c->exists)
			fail_msg("pairs 0x%x: MSR 0x%x %s, expected it %s", c->pairs, c->msr,
				 c->exists ? "faults" : "answers", c->exists ? "to answer" : "to fault");
	}
	reset_config(NULL);
	start();
	assert_false(msr_exists(MSR_KVM_SYSTEM_TIME_NEW)); /* no kvmclock in the scenario: no MSRs */
}

static void test_kvmclock_writing_0_disables_it_and_the_page_keeps_its_record(void **state)
{
	(void)state;
	uint64_t phys;
	config.kvmclock.present = true;
	start();
	assert_int_equal(rdmsr_ok(MSR_KVM_SYSTEM_TIME_NEW), 0); /* off at power-on */
	volatile void *page = kvmclock_enable(MSR_KVM_SYSTEM_TIME_NEW, &phys);
	struct pvclock_time enabled = pvclock_page(page);
	assert_int_equal(rdmsr_ok(MSR_KVM_SYSTEM_TIME), phys | 1); /* both pairs share the value */

	assert_int_equal(m->wrmsr(m, MSR_KVM_SYSTEM_TIME_NEW, 0), ACCESS_OK);
	advance(PS_PER_S);
	struct pvclock_time disabled = pvclock_page(page);
	assert_memory_equal(&disabled, &enabled, sizeof(enabled));
	assert_int_equal(sim.kvmclock.system_time_msr, 0);
	assert_int_equal(sim.kvmclock.page_updates, 1);

	assert_int_equal(m->wrmsr(m, MSR_KVM_SYSTEM_TIME, phys | 1), ACCESS_OK); /* again, through the old MSR */
	assert_int_equal(pvclock_page(page).version, 4);
	assert_int_equal(sim.kvmclock.page_updates, 2);
}

static void test_kvmclock_version_stuck_odd_stays_odd(void **state)
{
	(void)state;
	uint64_t phys;
	config.kvmclock.present = true;
	config.kvmclock.fault = SIM_KVMCLOCK_VERSION_STUCK_ODD;
	start();
	volatile void *page = kvmclock_enable(MSR_KVM_SYSTEM_TIME_NEW, &phys);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(pvclock_page(page).version % 2, 1);
		advance(PS_PER_S);
		assert_int_equal(pvclock_page(page).version % 2, 1);
		m->wrmsr(m, MSR_KVM_SYSTEM_TIME_NEW, phys | 1);
	}
}

static void test_kvmclock_wall_clock_holds_the_power_on_time(void **state)
{
	(void)state;
	uint64_t phys;
	uint32_t wall[3]; /* struct pvclock_wall_clock: version, sec, nsec */
	config.kvmclock.present = true;
	start();
	volatile void *page = m->page_alloc(m, &phys);
	advance(5 * PS_PER_S);
	assert_int_equal(m->wrmsr(m, MSR_KVM_WALL_CLOCK_NEW, phys + 64), ACCESS_OK);
	memcpy(wall, (const uint8_t *)page + 64, sizeof(wall));
	assert_int_equal(wall[0] % 2, 0);
	assert_int_equal(wall[1], 1795262400); /* date -u -d '2026-11-21 12:00:00' +%s: the default RTC start */
	assert_int_equal(wall[2], 0);
	assert_int_equal(rdmsr_ok(MSR_KVM_WALL_CLOCK_NEW), phys + 64);
}

static void test_a_clock_page_outside_allocated_memory_is_not_written(void **state)
{
	(void)state;
	config.kvmclock.present = true;
	config.hyperv.reference_tsc_page = true;
	start();
	assert_int_equal(m->wrmsr(m, MSR_KVM_SYSTEM_TIME_NEW, SIM_GUEST_PAGES_BASE | 1), ACCESS_OK); /* not allocated */
	assert_int_equal(m->wrmsr(m, HV_MSR_REFERENCE_TSC, 0x1000 | 1), ACCESS_OK);
	assert_int_equal(sim.trace.unbacked_page_writes, 2);
	assert_int_equal(sim.kvmclock.page_updates, 0);
	assert_int_equal(sim.kvmclock.system_time_msr, SIM_GUEST_PAGES_BASE | 1);
}

/* ---- Hyper-V ------------------------------------------------------------------------------------- */

static const struct hyperv_msr_case {
	const char *setting;
	uint32_t msr;
	bool writable;
} hyperv_msrs[] = {
	{"reference_counter", HV_MSR_TIME_REF_COUNT, false},
	{"reference_tsc_page", HV_MSR_REFERENCE_TSC, true},
	{"tsc_frequency_hz", HV_MSR_TSC_FREQUENCY, false},
	{"apic_frequency_hz", HV_MSR_APIC_FREQUENCY, false},
};

static void hyperv_set_only(const char *setting)
{
	config.hyperv.reference_counter = !strcmp(setting, "reference_counter");
	config.hyperv.reference_tsc_page = !strcmp(setting, "reference_tsc_page");
	config.hyperv.tsc_frequency_hz = strcmp(setting, "tsc_frequency_hz") ? 0 : 2095078000;
	config.hyperv.apic_frequency_hz = strcmp(setting, "apic_frequency_hz") ? 0 : 200000000;
}

static void test_hyperv_msrs_exist_only_where_the_scenario_sets_them(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hyperv_msrs) / sizeof(hyperv_msrs[0]); i++) {
		reset_config(NULL);
		hyperv_set_only(hyperv_msrs[i].setting);
		start();
		for (size_t j = 0; j < sizeof(hyperv_msrs) / sizeof(hyperv_msrs[0]); j++)
			if (msr_exists(hyperv_msrs[j].msr) != (i == j))
				fail_msg("with only hyperv.%s: MSR 0x%x %s", hyperv_msrs[i].setting, hyperv_msrs[j].msr,
					 i == j ? "faults" : "answers");
		/* The reference TSC MSR is read-write; the counter and frequencies are read-only (TLFS). */
		assert_int_equal(m->wrmsr(m, hyperv_msrs[i].msr, 0),
				 hyperv_msrs[i].writable ? ACCESS_OK : ACCESS_FAULT_GP);
	}
	reset_config(NULL);
	config.hyperv.tsc_frequency_hz = 2095078000;
	config.hyperv.apic_frequency_hz = 200000000;
	start();
	assert_int_equal(rdmsr_ok(HV_MSR_TSC_FREQUENCY), 2095078000);
	assert_int_equal(rdmsr_ok(HV_MSR_APIC_FREQUENCY), 200000000);
}

static const double reference_rates_ppm[] = {0, 100, -22472};

static void test_hyperv_reference_counter_counts_100ns_units_at_its_rate(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(reference_rates_ppm) / sizeof(reference_rates_ppm[0]); i++) {
		reset_config(NULL);
		config.hyperv.reference_counter = true;
		config.hyperv.reference_counter_rate_ppm = reference_rates_ppm[i];
		start();
		assert_int_equal(rdmsr_ok(HV_MSR_TIME_REF_COUNT), 0); /* partition reference time starts at 0 */
		advance(PS_PER_S);
		uint64_t before = rdmsr_ok(HV_MSR_TIME_REF_COUNT);
		advance(10 * PS_PER_S);
		uint64_t ticks = rdmsr_ok(HV_MSR_TIME_REF_COUNT) - before;
		double expected = 10 * HV_REFERENCE_HZ * (1 + reference_rates_ppm[i] / 1e6);
		if (fabs((double)ticks - expected) > 1)
			fail_msg("rate %+g ppm: %llu ticks in 10 s, expected %.0f", reference_rates_ppm[i],
				 (unsigned long long)ticks, expected);
		assert_close(sim.truth.hv_reference_counter_hz, expected / 10, 1e-6);
	}
}

/* The TLFS reference TSC page: +0 TscSequence, +8 TscScale, +16 TscOffset. */
struct hv_tsc_page {
	uint32_t sequence, reserved;
	uint64_t scale;
	int64_t offset;
};

static struct hv_tsc_page hv_tsc_page(const volatile void *page)
{
	struct hv_tsc_page p;
	memcpy(&p, (const void *)page, sizeof(p));
	return p;
}

/* ReferenceTime = ((TSC * TscScale) >> 64) + TscOffset. */
static uint64_t hv_page_time(const struct hv_tsc_page *p, uint64_t tsc)
{
	return (uint64_t)(((unsigned __int128)tsc * p->scale) >> 64) + (uint64_t)p->offset;
}

static const struct tsc_page_case {
	const char *what;
	uint64_t claimed_hz; /* of a TSC really at 3400109000 Hz */
} tsc_page_cases[] = {
	{"an honest page", 3400109000},
	{"a page claiming the motivating case's 3478.274 MHz", 3478274491},
};

static void test_hyperv_tsc_page_agrees_with_the_counter_and_runs_at_the_claimed_rate(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(tsc_page_cases) / sizeof(tsc_page_cases[0]); i++) {
		const struct tsc_page_case *c = &tsc_page_cases[i];
		uint64_t phys;
		reset_config(NULL);
		config.tsc_hz = 3400109000;
		config.hyperv.reference_counter = true;
		config.hyperv.reference_tsc_page = true;
		config.hyperv.tsc_page_claimed_hz = c->claimed_hz;
		start();
		advance(7 * PS_PER_S);
		volatile void *page = m->page_alloc(m, &phys);
		assert_int_equal(m->wrmsr(m, HV_MSR_REFERENCE_TSC, phys | 1), ACCESS_OK);
		struct hv_tsc_page p = hv_tsc_page(page);
		assert_int_equal(p.sequence, 1);
		double implied_hz = 1e7 * 18446744073709551616.0 / (double)p.scale; /* 10^7 * 2^64 / TscScale */
		if (fabs(implied_hz / (double)c->claimed_hz - 1) > 1e-9)
			fail_msg("%s: TscScale 0x%llx implies %.0f Hz", c->what, (unsigned long long)p.scale,
				 implied_hz);

		uint64_t counter0 = rdmsr_ok(HV_MSR_TIME_REF_COUNT), page0 = hv_page_time(&p, m->rdtsc(m));
		assert_in_range(page0, counter0 - 1, counter0 + 1); /* in step when written */
		advance(100 * PS_PER_S);
		uint64_t counter = rdmsr_ok(HV_MSR_TIME_REF_COUNT) - counter0;
		uint64_t paged = hv_page_time(&p, m->rdtsc(m)) - page0;
		double expected = (double)counter * 3400109000.0 / (double)c->claimed_hz;
		if (fabs((double)paged - expected) > 2)
			fail_msg("%s: the page advanced %llu in %llu counter ticks, expected %.0f", c->what,
				 (unsigned long long)paged, (unsigned long long)counter, expected);
	}
}

static void test_hyperv_tsc_page_sequence_0_and_disabling(void **state)
{
	(void)state;
	uint64_t phys;
	config.hyperv.reference_tsc_page = true;
	config.hyperv.tsc_page_sequence = 0; /* invalid: the guest must fall back to the reference counter */
	start();
	assert_int_equal(rdmsr_ok(HV_MSR_REFERENCE_TSC), 0); /* off until enabled, as nested-kvm.md read it */
	volatile void *page = m->page_alloc(m, &phys);
	memset((void *)page, 0xEE, 4); /* so that the sequence visibly becomes 0 */
	assert_int_equal(m->wrmsr(m, HV_MSR_REFERENCE_TSC, phys | 1), ACCESS_OK);
	struct hv_tsc_page enabled = hv_tsc_page(page);
	assert_int_equal(enabled.sequence, 0);

	assert_int_equal(m->wrmsr(m, HV_MSR_REFERENCE_TSC, 0), ACCESS_OK);
	advance(PS_PER_S);
	struct hv_tsc_page disabled = hv_tsc_page(page);
	assert_memory_equal(&disabled, &enabled, sizeof(enabled));
	assert_int_equal(sim.hyperv.reference_tsc_msr, 0);
}

/* ---- VMware backdoor ----------------------------------------------------------------------------- */

static struct backdoor_regs gethz(uint32_t magic, uint32_t port)
{
	struct backdoor_regs r = {
		.eax = magic, .ebx = UINT32_MAX, .ecx = VMWARE_CMD_GETHZ, .edx = port, .esi = 1, .edi = 2};
	assert_int_equal(m->vmware_backdoor(m, &r), ACCESS_OK);
	return r;
}

static void test_vmware_backdoor_gethz_returns_the_tsc_and_apic_rates(void **state)
{
	(void)state;
	config.vmware_backdoor =
		(struct sim_vmware_backdoor_config){.present = true, .tsc_hz = 5000000001, .apic_hz = 66000000};
	start();
	struct backdoor_regs r = gethz(VMWARE_MAGIC, VMWARE_PORT);
	assert_int_equal(r.eax, (uint32_t)5000000001); /* TSC Hz, bits 31:0 */
	assert_int_equal(r.ebx, 1);                    /* bits 63:32: not 0xFFFFFFFF, so no failure */
	assert_int_equal(r.ecx, 66000000);             /* APIC bus Hz */
	assert_int_equal(r.esi, 1);
	assert_int_equal(sim.trace.backdoor_calls, 1);

	config.vmware_backdoor = (struct sim_vmware_backdoor_config){.present = true}; /* honest by default */
	start();
	r = gethz(VMWARE_MAGIC, VMWARE_PORT);
	assert_int_equal((uint64_t)r.ebx << 32 | r.eax, config.tsc_hz);
	assert_int_equal(r.ecx, config.clocks.lapic.bus_hz);
}

static const struct unclaimed_backdoor_case {
	const char *what;
	bool present;
	uint32_t magic, port;
} unclaimed_backdoors[] = {
	{"no backdoor in the scenario", false, VMWARE_MAGIC, VMWARE_PORT},
	{"another magic number", true, 0x12345678, VMWARE_PORT},
	{"another port", true, VMWARE_MAGIC, 0x5659},
};

static void test_without_the_backdoor_its_port_reads_as_unclaimed(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(unclaimed_backdoors) / sizeof(unclaimed_backdoors[0]); i++) {
		const struct unclaimed_backdoor_case *c = &unclaimed_backdoors[i];
		reset_config(NULL);
		config.vmware_backdoor.present = c->present;
		start();
		struct backdoor_regs r = gethz(c->magic, c->port);
		if (r.eax != UINT32_MAX || r.ebx != UINT32_MAX || r.ecx != VMWARE_CMD_GETHZ || r.edx != c->port)
			fail_msg("%s: eax 0x%x ebx 0x%x ecx 0x%x edx 0x%x, expected an unclaimed port: eax all "
				 "ones, the rest as loaded",
				 c->what, r.eax, r.ebx, r.ecx, r.edx);
		assert_int_equal(sim.trace.unclaimed_accesses, 1);
	}
}

/* ---- idle states ----------------------------------------------------------------------------------- */

#define CPUID_1_ECX_MONITOR (1u << 3) /* SDM Vol. 2A CPUID: MONITOR/MWAIT */
#define MWAIT_HINT_C1 0x00u           /* SDM: EAX[7:4] the target C-state - 1, EAX[3:0] the sub-state */
#define MWAIT_HINT_C2 0x10u
#define MWAIT_HINT_C3 0x20u
#define DEFAULT_WAKE_INTERVAL_PS (10 * PS_PER_MS) /* docs/scenario-format.md, "idle" */
#define DEFAULT_WAKE_LATENCY_PS (20 * PS_PER_US)
#define OVMF_TICK_INITIAL_COUNT 10000000u /* qemu-tcg.json: a 100 Hz tick on a 1 GHz APIC bus */

static void advertise_monitor(void)
{
	struct cpuid_regs leaf1 = {.ecx = CPUID_1_ECX_MONITOR};
	assert_true(sim_config_set_cpuid(&config, 1, 0, &leaf1));
}

static void add_idle_state(enum idle_method method, uint32_t hint, double tsc_rate, double lapic_rate)
{
	assert_true(config.idle.state_count < SIM_MAX_IDLE_STATES);
	config.idle.states[config.idle.state_count++] =
		(struct sim_idle_state){.method = method, .hint = hint, .tsc_rate = tsc_rate, .lapic_rate = lapic_rate};
}

static void add_ovmf_tick(void)
{
	config.clocks.lapic.firmware_tick = (struct sim_lapic_tick){
		.present = true, .mode = 1, .initial_count = OVMF_TICK_INITIAL_COUNT, .divide = 1, .vector = 0x20};
}

static void test_idle_defaults_hlt_runs_until_the_next_10ms_interrupt_then_20us_more(void **state)
{
	(void)state;
	char error[256];
	assert_true(scenario_load_string("{\"schema\": \"tscprobe-scenario/1\"}", &config, error, sizeof(error)));
	assert_int_equal(config.idle.wake_interval_ps, 0); /* 0: from the firmware tick, else 10 ms */
	assert_int_equal(config.idle.wake_latency_ps, DEFAULT_WAKE_LATENCY_PS);
	assert_false(config.idle.mwait_faults);
	assert_int_equal(config.idle.state_count, 0);
	start();
	assert_int_equal(sim.truth.wake_interval_ps, DEFAULT_WAKE_INTERVAL_PS);
	assert_string_equal(m->idle_wake_source, "the simulated platform's periodic interrupt (every 10000 us)");

	advance(3 * PS_PER_MS);
	assert_int_equal(m->idle(m, IDLE_HLT, 0), ACCESS_OK);
	assert_int_equal(sim.now_ps, DEFAULT_WAKE_INTERVAL_PS + DEFAULT_WAKE_LATENCY_PS);
	sim.now_ps = 2 * DEFAULT_WAKE_INTERVAL_PS; /* exactly at an interrupt: sleeps until the next one */
	assert_int_equal(m->idle(m, IDLE_HLT, 0), ACCESS_OK);
	assert_int_equal(sim.now_ps, 3 * DEFAULT_WAKE_INTERVAL_PS + DEFAULT_WAKE_LATENCY_PS);

	assert_int_equal(sim.trace.idle_calls, 2);
	assert_int_equal(sim.trace.idle_hlt_calls, 2);
	assert_int_equal(sim.trace.idle_mwait_calls, 0);
	assert_int_equal(sim.trace.idle_wakes, 2);
	assert_int_equal(sim.trace.idle_faults, 0);
	assert_int_equal(sim.trace.idle_ps, 7 * PS_PER_MS + 10 * PS_PER_MS + 2 * DEFAULT_WAKE_LATENCY_PS);
	assert_int_equal(sim.trace.idle_log_count, 2);
	const struct sim_idle_record *first = &sim.trace.idle_log[0];
	assert_int_equal(first->method, IDLE_HLT);
	assert_int_equal(first->status, ACCESS_OK);
	assert_int_equal(first->start_ps, 3 * PS_PER_MS);
	assert_int_equal(first->wake_ps, DEFAULT_WAKE_INTERVAL_PS);
	assert_int_equal(first->end_ps, DEFAULT_WAKE_INTERVAL_PS + DEFAULT_WAKE_LATENCY_PS);
	assert_int_equal(first->tsc_lost_ps + first->lapic_lost_ps, 0); /* HLT runs both by default */
	assert_int_equal(sim.truth.tsc_idle_lost_ps + sim.truth.lapic_idle_lost_ps, 0);
}

static void test_the_wake_interval_is_the_scenarios_else_the_firmware_ticks(void **state)
{
	(void)state;
	config.idle.wake_interval_ps = 250 * PS_PER_US;
	config.idle.wake_latency_ps = 0;
	add_ovmf_tick();
	start();
	assert_string_equal(m->idle_wake_source, "the simulated platform's periodic interrupt (every 250 us)");
	assert_int_equal(m->idle(m, IDLE_HLT, 0), ACCESS_OK);
	assert_int_equal(sim.now_ps, 250 * PS_PER_US);

	/* initial count + 1 ticks of a 1 GHz bus: the CPU wakes as the tick reloads its initial count */
	reset_config(NULL);
	add_ovmf_tick();
	start();
	uint64_t tick_ps = (OVMF_TICK_INITIAL_COUNT + 1ull) * 1000;
	assert_int_equal(sim.truth.wake_interval_ps, tick_ps);
	assert_string_equal(m->idle_wake_source, "the simulated platform's periodic interrupt (every 10000.001 us)");
	advance(25 * PS_PER_MS);
	assert_int_equal(m->idle(m, IDLE_HLT, 0), ACCESS_OK);
	assert_int_equal(sim.now_ps, 3 * tick_ps + DEFAULT_WAKE_LATENCY_PS);
	assert_int_equal(lapic(LAPIC_CURRENT_COUNT), OVMF_TICK_INITIAL_COUNT - 20000); /* 20 us of 1 GHz since */

	/* A tick that fires no periodic interrupt, or no LAPIC at all: the 10 ms default. */
	for (unsigned variant = 0; variant < 3; variant++) {
		reset_config(NULL);
		add_ovmf_tick();
		config.clocks.lapic.firmware_tick.masked = variant == 0;
		config.clocks.lapic.firmware_tick.mode = variant == 1 ? 0 : 1;
		config.clocks.lapic.present = variant != 2;
		start();
		assert_int_equal(sim.truth.wake_interval_ps, DEFAULT_WAKE_INTERVAL_PS);
	}
}

static uint64_t hv_reference_counter(void)
{
	uint64_t value;
	assert_int_equal(m->rdmsr(m, HV_MSR_TIME_REF_COUNT, &value), ACCESS_OK);
	return value;
}

/* Ticks of a hz clock over ps, rounded down, and whether measured is that within the one tick reads can lose. */
static bool within_a_tick(uint64_t measured, double hz, uint64_t ps)
{
	double expected = hz * (double)ps / PS_PER_S;
	return measured + 1 >= expected && measured <= expected + 1;
}

static const struct idle_rate_case {
	double tsc_rate, lapic_rate;
} idle_rates[] = {{1, 1}, {0, 0}, {0.5, 1}, {1, 0.25}, {0, 0.5}};

static void test_tsc_and_lapic_lose_exactly_what_the_state_takes_while_other_clocks_keep_virtual_time(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(idle_rates) / sizeof(idle_rates[0]); i++) {
		const struct idle_rate_case *c = &idle_rates[i];
		reset_config(NULL);
		advertise_monitor();
		add_idle_state(IDLE_MWAIT, MWAIT_HINT_C3, c->tsc_rate, c->lapic_rate);
		config.rdtsc_cost_ps = 0;
		config.clocks.hpet.enabled = true;
		config.hyperv.reference_counter = true;
		start();
		lapic_set(LAPIC_DIVIDE_CONFIG, 0xB);
		lapic_set(LAPIC_LVT_TIMER, LVT_MASKED | (LVT_MODE_PERIODIC << LVT_MODE_SHIFT));
		lapic_set(LAPIC_INITIAL_COUNT, 0xFFFFFFFFu);
		advance(PS_PER_MS + 1234567);

		uint64_t start_ps = sim.now_ps, tsc = m->rdtsc(m), timer = up_lapic(), pm = up_pm_timer(),
			 hpet_count = up_hpet(), reference = hv_reference_counter();
		assert_int_equal(m->idle(m, IDLE_MWAIT, MWAIT_HINT_C3), ACCESS_OK);
		uint64_t asleep_ps = DEFAULT_WAKE_INTERVAL_PS - start_ps, elapsed_ps = sim.now_ps - start_ps;
		uint64_t tsc_lost = asleep_ps - (uint64_t)llround((double)asleep_ps * c->tsc_rate);
		uint64_t lapic_lost = asleep_ps - (uint64_t)llround((double)asleep_ps * c->lapic_rate);

		assert_int_equal(elapsed_ps, asleep_ps + DEFAULT_WAKE_LATENCY_PS);
		assert_int_equal(sim.truth.tsc_idle_lost_ps, tsc_lost);
		assert_int_equal(sim.truth.lapic_idle_lost_ps, lapic_lost);
		assert_int_equal(sim.trace.idle_log[0].tsc_lost_ps, tsc_lost);
		assert_int_equal(sim.trace.idle_log[0].lapic_lost_ps, lapic_lost);
		struct {
			const char *clock;
			uint64_t ticks;
			double hz;
			uint64_t counted_ps;
		} seen[] = {
			{"tsc", m->rdtsc(m) - tsc, (double)config.tsc_hz, elapsed_ps - tsc_lost},
			{"lapic", up_lapic() - timer, 1e9, elapsed_ps - lapic_lost},
			{"pm_timer", (up_pm_timer() - pm) & 0xFFFFFFu, ACPI_PM_HZ, elapsed_ps},
			{"hpet", up_hpet() - hpet_count, 1e8, elapsed_ps},
			{"hv_reference_counter", hv_reference_counter() - reference, HV_REFERENCE_HZ, elapsed_ps},
		};
		for (size_t k = 0; k < sizeof(seen) / sizeof(seen[0]); k++)
			if (!within_a_tick(seen[k].ticks, seen[k].hz, seen[k].counted_ps))
				fail_msg("tsc x%g, lapic x%g: %s counted %llu ticks, expected %.1f", c->tsc_rate,
					 c->lapic_rate, seen[k].clock, (unsigned long long)seen[k].ticks,
					 seen[k].hz * (double)seen[k].counted_ps / PS_PER_S);
	}
}

static void test_mwait_raises_ud_without_monitor_and_where_the_scenario_makes_it_fault(void **state)
{
	(void)state;
	start(); /* no CPUID leaf 1 at all: MONITOR not advertised */
	advance(PS_PER_MS);
	assert_int_equal(m->idle(m, IDLE_MWAIT, MWAIT_HINT_C1), ACCESS_FAULT_UD);
	assert_int_equal(sim.now_ps, PS_PER_MS); /* a fault sleeps not at all */
	assert_int_equal(sim.trace.idle_calls, 1);
	assert_int_equal(sim.trace.idle_mwait_calls, 1);
	assert_int_equal(sim.trace.idle_faults, 1);
	assert_int_equal(sim.trace.idle_wakes, 0);
	assert_int_equal(sim.trace.idle_log[0].status, ACCESS_FAULT_UD);
	assert_int_equal(sim.trace.idle_log[0].end_ps, PS_PER_MS);
	assert_int_equal(m->idle(m, IDLE_HLT, 0), ACCESS_OK); /* HLT needs no CPUID bit */

	reset_config(NULL);
	advertise_monitor();
	config.idle.mwait_faults = true;
	start();
	assert_int_equal(m->idle(m, IDLE_MWAIT, MWAIT_HINT_C1), ACCESS_FAULT_UD);

	reset_config(NULL);
	advertise_monitor();
	start();
	assert_int_equal(m->idle(m, IDLE_MWAIT, MWAIT_HINT_C1), ACCESS_OK);

	load_scenario("qemu-tcg.json"); /* qemu64 has no MONITOR */
	assert_int_equal(m->idle(m, IDLE_MWAIT, MWAIT_HINT_C1), ACCESS_FAULT_UD);
	assert_int_equal(m->idle(m, IDLE_HLT, 0), ACCESS_OK);
}

/* QEMU TCG with two vCPUs, KVM's NOP emulation: the call returns after the instruction, no interrupt awaited. */
static void test_mwait_or_hlt_that_returns_at_once_sleeps_not_at_all(void **state)
{
	(void)state;
	static const uint64_t at_once_ps = 200000; /* tools/sim_idle.c: TCG's pause, 0.2 us */
	advertise_monitor();
	add_idle_state(IDLE_MWAIT, MWAIT_HINT_C1, SIM_IDLE_STOPS, SIM_IDLE_STOPS); /* never reached: it does not sleep */
	config.idle.mwait_returns_at_once = true;
	start();
	advance(PS_PER_MS);
	assert_int_equal(m->idle(m, IDLE_MWAIT, MWAIT_HINT_C1), ACCESS_OK);
	assert_int_equal(sim.now_ps, PS_PER_MS + at_once_ps);
	assert_int_equal(m->idle(m, IDLE_MWAIT, 0x10), ACCESS_OK); /* every hint */
	assert_int_equal(sim.now_ps, PS_PER_MS + 2 * at_once_ps);
	assert_int_equal(sim.trace.idle_at_once, 2);
	assert_int_equal(sim.trace.idle_wakes, 0);
	assert_int_equal(sim.trace.idle_ps, 0);
	assert_int_equal(sim.truth.tsc_idle_lost_ps + sim.truth.lapic_idle_lost_ps, 0);
	const struct sim_idle_record *first = &sim.trace.idle_log[0];
	assert_int_equal(first->status, ACCESS_OK);
	assert_int_equal(first->wake_ps, first->start_ps);
	assert_int_equal(first->end_ps, first->start_ps + at_once_ps);
	assert_int_equal(m->idle(m, IDLE_HLT, 0), ACCESS_OK); /* HLT still sleeps until the interrupt */
	assert_int_equal(sim.now_ps, DEFAULT_WAKE_INTERVAL_PS + DEFAULT_WAKE_LATENCY_PS);
	assert_int_equal(sim.trace.idle_wakes, 1);

	reset_config(NULL);
	config.idle.hlt_returns_at_once = true;
	start();
	assert_int_equal(m->idle(m, IDLE_HLT, 0), ACCESS_OK);
	assert_int_equal(sim.now_ps, at_once_ps);
	assert_int_equal(sim.trace.idle_at_once, 1);
	assert_int_equal(m->idle(m, IDLE_MWAIT, MWAIT_HINT_C1), ACCESS_FAULT_UD); /* no MONITOR: still #UD */
}

static void test_an_unlisted_mwait_hint_runs_both_clocks_as_c1(void **state)
{
	(void)state;
	static const uint32_t unlisted[] = {MWAIT_HINT_C1, 0x11, MWAIT_HINT_C3, 0xF0};
	advertise_monitor();
	add_idle_state(IDLE_MWAIT, MWAIT_HINT_C2, SIM_IDLE_STOPS, SIM_IDLE_STOPS);
	start();
	for (size_t i = 0; i < sizeof(unlisted) / sizeof(unlisted[0]); i++)
		assert_int_equal(m->idle(m, IDLE_MWAIT, unlisted[i]), ACCESS_OK);
	assert_int_equal(sim.trace.idle_wakes, 4);
	assert_int_equal(sim.truth.tsc_idle_lost_ps + sim.truth.lapic_idle_lost_ps, 0);
	assert_int_equal(m->idle(m, IDLE_MWAIT, MWAIT_HINT_C2), ACCESS_OK); /* the hint matches EAX exactly */
	assert_int_not_equal(sim.truth.tsc_idle_lost_ps, 0);
}

/* The interrupt comes from the host whatever the guest's LAPIC count does: a stopped timer never hangs an idle. */
static void test_wakes_keep_coming_when_the_lapic_timer_stops(void **state)
{
	(void)state;
	enum { IDLES = 1000 };
	advertise_monitor();
	add_ovmf_tick(); /* the very timer that stops is the one that sets the wake interval */
	add_idle_state(IDLE_MWAIT, MWAIT_HINT_C2, SIM_IDLE_STOPS, SIM_IDLE_STOPS);
	start();
	uint64_t interval = sim.truth.wake_interval_ps;
	for (unsigned i = 0; i < IDLES; i++)
		assert_int_equal(m->idle(m, IDLE_MWAIT, MWAIT_HINT_C2), ACCESS_OK);
	assert_int_equal(sim.trace.idle_wakes, IDLES);
	assert_int_equal(sim.now_ps, IDLES * interval + DEFAULT_WAKE_LATENCY_PS);
	/* Both clocks counted only the wake latencies: the first idle sleeps from 0, the rest from a latency past. */
	uint64_t lost = IDLES * interval - (IDLES - 1) * DEFAULT_WAKE_LATENCY_PS;
	assert_int_equal(sim.truth.tsc_idle_lost_ps, lost);
	assert_int_equal(sim.truth.lapic_idle_lost_ps, lost);
	uint64_t timer_ticks = IDLES * DEFAULT_WAKE_LATENCY_PS / 1000; /* 1 GHz */
	assert_int_equal(lapic(LAPIC_CURRENT_COUNT),
			 OVMF_TICK_INITIAL_COUNT - timer_ticks % (OVMF_TICK_INITIAL_COUNT + 1ull));
	assert_int_equal(m->rdtsc(m), (IDLES * DEFAULT_WAKE_LATENCY_PS + config.rdtsc_cost_ps) * 2 / 1000); /* 2 GHz */
}

enum { TRACED_IDLES = 40 };

/* Idles between jittery PM timer reads, so that each starts at a moment the seed decides. */
static void idle_trace(uint64_t seed, struct sim_idle_record *log)
{
	reset_config(NULL);
	config.seed = seed;
	config.clocks.pm_timer.access = (struct sim_access_cost){
		.cost_ps = 1500 * 1000, .jitter_per_million = 500000, .jitter_max_ps = 3 * PS_PER_MS};
	advertise_monitor();
	add_idle_state(IDLE_MWAIT, MWAIT_HINT_C2, 0.5, SIM_IDLE_STOPS);
	start();
	for (unsigned i = 0; i < TRACED_IDLES; i++) {
		m->io_read(m, config.clocks.pm_timer.port, 4);
		m->idle(m, i % 2 ? IDLE_MWAIT : IDLE_HLT, MWAIT_HINT_C2);
	}
	assert_int_equal(sim.trace.idle_log_count, TRACED_IDLES);
	memcpy(log, sim.trace.idle_log, TRACED_IDLES * sizeof(*log));
}

static bool same_records(const struct sim_idle_record *a, const struct sim_idle_record *b)
{
	for (unsigned i = 0; i < TRACED_IDLES; i++)
		if (a[i].method != b[i].method || a[i].hint != b[i].hint || a[i].status != b[i].status ||
		    a[i].start_ps != b[i].start_ps || a[i].wake_ps != b[i].wake_ps || a[i].end_ps != b[i].end_ps ||
		    a[i].tsc_lost_ps != b[i].tsc_lost_ps || a[i].lapic_lost_ps != b[i].lapic_lost_ps)
			return false;
	return true;
}

static void test_same_seed_same_idle_trace(void **state)
{
	(void)state;
	static struct sim_idle_record first[TRACED_IDLES], again[TRACED_IDLES], other[TRACED_IDLES];
	idle_trace(7, first);
	idle_trace(7, again);
	assert_true(same_records(first, again));
	idle_trace(8, other);
	assert_false(same_records(first, other));
}

/* ---- events ---------------------------------------------------------------------------------------- */

#define EVENT_RATE_BEFORE_PPM 250.0   /* the device's rate_ppm */
#define EVENT_RATE_AFTER_PPM (-1000.0) /* the event's: replaces it, relative to nominal */
#define TSC_CHANGE_PS (120 * PS_PER_S) /* tsc-rate-change.json's moment and rate */
#define TSC_CHANGE_PPM (-2000.0)

static struct sim_event rate_event(enum sim_clock_id clock, uint64_t at_ps, double rate_ppm)
{
	return (struct sim_event){.kind = SIM_EVENT_RATE, .clock = clock, .at_ps = at_ps, .rate_ppm = rate_ppm};
}

static struct sim_event idle_stops(enum sim_clock_id clock, uint64_t from_ps, uint64_t every_ps, uint64_t for_ps)
{
	return (struct sim_event){.kind = SIM_EVENT_IDLE_STOPS, .clock = clock, .at_ps = from_ps,
				  .stops_every_ps = every_ps, .stops_for_ps = for_ps};
}

static void add_event(struct sim_event e)
{
	assert_true(config.event_count < SIM_MAX_EVENTS);
	config.events[config.event_count++] = e;
}

/* Advances steps steps of c and checks the ticks counted meanwhile against expected, to the tick reads can lose. */
static void expect_ticks(const struct rate_case *c, struct counter_unwrap *u, uint64_t *total, uint64_t steps,
			 double expected, const char *phase)
{
	uint64_t before = *total;
	for (uint64_t s = 0; s < steps; s++) {
		advance(c->step_ps);
		*total = counter_unwrap(u, c->read());
	}
	if (*total - before + 1.5 < expected || *total - before > expected + 1.5)
		fail_msg("%s %s the change: %llu ticks, expected %.1f", c->device, phase,
			 (unsigned long long)(*total - before), expected);
}

/* Each clock in turn changes rate half way through a step: before, across and after, it counts exactly its rate,
 * continuously, and only its own rate changes. */
static void test_a_rate_event_changes_its_clock_alone_keeping_its_count(void **state)
{
	(void)state;
	for (size_t i = 0; i < RATE_CASE_COUNT; i++) {
		const struct rate_case *c = &rate_cases[i];
		double before_ppm = c->rate_ppm ? EVENT_RATE_BEFORE_PPM : 0;
		uint64_t change_ps = (c->steps + 1) * c->step_ps + c->step_ps / 2;
		reset_config(NULL);
		if (c->rate_ppm)
			*c->rate_ppm = before_ppm;
		add_event(rate_event(c->clock, change_ps, EVENT_RATE_AFTER_PPM));
		start_every_clock_counting();

		struct counter_unwrap u;
		counter_unwrap_init(&u, c->modulus);
		advance(c->step_ps); /* the PIT spends its first pulse loading the count */
		uint64_t total = counter_unwrap(&u, c->read());
		double step_s = (double)c->step_ps / PS_PER_S;
		double per_step_before = c->nominal_hz * (1 + before_ppm / 1e6) * step_s;
		double per_step_after = c->nominal_hz * (1 + EVENT_RATE_AFTER_PPM / 1e6) * step_s;
		expect_ticks(c, &u, &total, c->steps, per_step_before * (double)c->steps, "before");
		expect_ticks(c, &u, &total, 1, (per_step_before + per_step_after) / 2, "across");
		expect_ticks(c, &u, &total, c->steps, per_step_after * (double)c->steps, "after");

		assert_close(sim_clock_rate_ppm(&sim, c->clock, change_ps - 1), before_ppm, 0);
		for (unsigned id = 0; id < SIM_CLOCK_COUNT; id++)
			if (sim_clock_rate_ppm(&sim, id, sim.now_ps) !=
			    (id == c->clock ? EVENT_RATE_AFTER_PPM : sim_clock_rate_ppm(&sim, id, 0)))
				fail_msg("an event of the %s changed clock %u's rate", c->device, id);
	}
}

/* ReferenceTime of a Hyper-V reference TSC page at the TSC's value at at_ps. */
static uint64_t hv_page_time_at(const struct hv_tsc_page *p, uint64_t at_ps)
{
	return hv_page_time(p, sim_tsc_at(&sim, at_ps));
}

/* tsc-rate-change.json's TSC at 2 GHz: 2,000,000,000 ticks a second until 120 s, exactly 1,996,000,000 after, with
 * no step between; the kvmclock and reference TSC pages, computed from the TSC, slow down with it. */
static void test_a_tsc_rate_event_is_continuous_exact_and_the_clock_pages_follow(void **state)
{
	(void)state;
	static const uint64_t seconds_after[] = {1, 60, 3600};
	const uint64_t at_change = 240000000000ull; /* 2 GHz for 120 s */
	uint64_t kvm_phys, hv_phys;
	config.rdtsc_cost_ps = 0;
	config.kvmclock.present = true;
	config.hyperv.reference_counter = true;
	config.hyperv.reference_tsc_page = true;
	add_event(rate_event(SIM_CLOCK_TSC, TSC_CHANGE_PS, TSC_CHANGE_PPM));
	start();
	advance(PS_PER_S);
	struct pvclock_time kvm = pvclock_page(kvmclock_enable(MSR_KVM_SYSTEM_TIME_NEW, &kvm_phys));
	volatile void *page = m->page_alloc(m, &hv_phys);
	assert_int_equal(m->wrmsr(m, HV_MSR_REFERENCE_TSC, hv_phys | 1), ACCESS_OK);
	struct hv_tsc_page hv = hv_tsc_page(page);

	assert_int_equal(sim_tsc_at(&sim, TSC_CHANGE_PS), at_change);
	assert_in_range(sim_tsc_at(&sim, TSC_CHANGE_PS - 1), at_change - 1, at_change);
	assert_in_range(sim_tsc_at(&sim, TSC_CHANGE_PS + 1), at_change, at_change + 1);
	assert_int_equal(at_change - sim_tsc_at(&sim, TSC_CHANGE_PS - PS_PER_S), 2000000000ull);
	for (size_t i = 0; i < sizeof(seconds_after) / sizeof(seconds_after[0]); i++)
		assert_int_equal(sim_tsc_at(&sim, TSC_CHANGE_PS + seconds_after[i] * PS_PER_S) - at_change,
				 seconds_after[i] * 1996000000ull);
	assert_close(sim_clock_rate_ppm(&sim, SIM_CLOCK_TSC, TSC_CHANGE_PS - 1), 0, 0);
	assert_close(sim_clock_rate_ppm(&sim, SIM_CLOCK_TSC, TSC_CHANGE_PS), TSC_CHANGE_PPM, 0);
	assert_close(sim.truth.tsc_hz, 2e9, 0); /* the truth at power-on */

	/* 100 s after the change: kvmclock (mul 2^31, shift 0: ns = ticks / 2) and the TSC page give 99.8 s ... */
	sim.now_ps = TSC_CHANGE_PS + 100 * PS_PER_S;
	uint64_t later = sim.now_ps;
	assert_int_equal(pvclock_ns(&kvm, m->rdtsc(m)) - pvclock_ns(&kvm, sim_tsc_at(&sim, TSC_CHANGE_PS)),
			 99800000000ull);
	uint64_t paged = hv_page_time_at(&hv, later) - hv_page_time_at(&hv, TSC_CHANGE_PS);
	assert_in_range(paged, 998000000 - 2, 998000000 + 2); /* TscScale rounds 10^7 * 2^64 / 2 GHz */
	/* ... while the reference counter, a clock of its own, counts all 100 s. */
	assert_int_equal(rdmsr_ok(HV_MSR_TIME_REF_COUNT), later / 100000); /* 100 ns units */
}

/* A TSC step happens once, at its moment, and the TSC counts on at its rate; a step back stops at 0. */
static void test_a_tsc_step_jumps_once_and_never_below_zero(void **state)
{
	(void)state;
	config.rdtsc_cost_ps = 0;
	add_event((struct sim_event){.kind = SIM_EVENT_STEP, .clock = SIM_CLOCK_TSC, .at_ps = PS_PER_S,
				     .step_ticks = -500000000});
	add_event((struct sim_event){.kind = SIM_EVENT_STEP, .clock = SIM_CLOCK_TSC, .at_ps = 3 * PS_PER_S,
				     .step_ticks = -10000000000});
	start();
	assert_int_equal(sim_tsc_at(&sim, PS_PER_S - 1), 1999999999ull);
	assert_int_equal(sim_tsc_at(&sim, PS_PER_S), 1500000000ull);
	assert_int_equal(sim_tsc_at(&sim, 2 * PS_PER_S), 3500000000ull); /* counting on at 2 GHz */
	assert_int_equal(sim_tsc_at(&sim, 3 * PS_PER_S), 0);             /* 5.5e9 - 1e10: held at 0 */
	sim.now_ps = 3 * PS_PER_S + PS_PER_S / 2;
	assert_int_equal(m->rdtsc(m), 0); /* the clamp holds while the steps outweigh the count */
}

/* Events listed out of order each take over at their moment; an event at 0 replaces the power-on rate. */
static void test_several_events_in_any_order_each_take_over_at_their_moment(void **state)
{
	(void)state;
	static const struct {
		uint64_t at_s, tsc;
		double rate_ppm;
	} expected[] = {
		{10, 20000000000ull, 500}, /* 2 GHz for 10 s */
		{20, 40010000000ull, -2000}, /* + 10 s at +500 ppm */
		{30, 59970000000ull, 0},     /* + 10 s at -2000 ppm */
		{40, 79970000000ull, 0},
	};
	config.clocks.pm_timer.rate_ppm = EVENT_RATE_BEFORE_PPM;
	add_event(rate_event(SIM_CLOCK_TSC, 30 * PS_PER_S, 0));
	add_event(rate_event(SIM_CLOCK_PM_TIMER, 0, EVENT_RATE_AFTER_PPM));
	add_event(rate_event(SIM_CLOCK_TSC, 10 * PS_PER_S, 500));
	add_event(rate_event(SIM_CLOCK_TSC, 20 * PS_PER_S, -2000));
	start();
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		uint64_t at_ps = expected[i].at_s * PS_PER_S;
		assert_int_equal(sim_tsc_at(&sim, at_ps), expected[i].tsc);
		assert_close(sim_clock_rate_ppm(&sim, SIM_CLOCK_TSC, at_ps), expected[i].rate_ppm, 0);
	}
	assert_int_equal(sim.timelines[SIM_CLOCK_TSC].segment_count, 4);
	assert_int_equal(sim.timelines[SIM_CLOCK_PM_TIMER].segment_count, 1);
	assert_close(sim_clock_rate_ppm(&sim, SIM_CLOCK_PM_TIMER, 0), EVENT_RATE_AFTER_PPM, 0);
	assert_close(sim.truth.pm_timer_hz, ACPI_PM_HZ * (1 + EVENT_RATE_AFTER_PPM / 1e6), 1e-6);
}

/* The TSC stops for 20 ms of every 100 ms from 1 s while the CPU sleeps: a sleep loses exactly its windows, even as
 * the rate changes inside it; a busy CPU loses nothing. */
static void test_idle_stops_take_their_windows_from_sleeps_alone(void **state)
{
	(void)state;
	config.rdtsc_cost_ps = 0;
	config.idle.wake_interval_ps = PS_PER_S;
	config.idle.wake_latency_ps = 0;
	add_event(idle_stops(SIM_CLOCK_TSC, PS_PER_S, 100 * PS_PER_MS, 20 * PS_PER_MS));
	add_event(rate_event(SIM_CLOCK_TSC, 1500 * PS_PER_MS, TSC_CHANGE_PPM));
	start();

	assert_int_equal(m->idle(m, IDLE_HLT, 0), ACCESS_OK); /* 0 to 1 s: before the first window */
	assert_int_equal(sim.trace.idle_log[0].tsc_lost_ps, 0);
	assert_int_equal(m->rdtsc(m), 2000000000ull);

	assert_int_equal(m->idle(m, IDLE_HLT, 0), ACCESS_OK); /* 1 to 2 s: ten windows */
	assert_int_equal(sim.trace.idle_log[1].tsc_lost_ps, 200 * PS_PER_MS);
	assert_int_equal(sim.trace.idle_log[1].lapic_lost_ps, 0);
	/* five 80 ms runs at 2 GHz before 1.5 s, five at 0.998 of it after */
	assert_int_equal(m->rdtsc(m), 2000000000ull + 800000000ull + 798400000ull);

	advance(50 * PS_PER_MS); /* busy through the window at 2.0 s: it counts */
	assert_int_equal(m->idle(m, IDLE_HLT, 0), ACCESS_OK); /* 2.05 to 3 s: nine windows */
	assert_int_equal(sim.trace.idle_log[2].tsc_lost_ps, 180 * PS_PER_MS);
	assert_int_equal(m->rdtsc(m), 3598400000ull + 1996000000ull * 820 / 1000);
	assert_int_equal(sim.truth.tsc_idle_lost_ps, 380 * PS_PER_MS);
}

/* A 10 s sleep spans 2000 windows, counted in closed form; outside them the state's own rate applies. */
static void test_idle_stops_combine_with_the_state_and_stop_the_lapic_too(void **state)
{
	(void)state;
	config.rdtsc_cost_ps = 0;
	config.idle.wake_interval_ps = 10 * PS_PER_S;
	config.idle.wake_latency_ps = 0;
	add_idle_state(IDLE_HLT, 0, 0.5, SIM_IDLE_RUNS);
	add_event(idle_stops(SIM_CLOCK_TSC, 0, 5 * PS_PER_MS, PS_PER_MS));
	add_event(idle_stops(SIM_CLOCK_LAPIC, 0, 5 * PS_PER_MS, 2 * PS_PER_MS));
	start();
	lapic_set(LAPIC_DIVIDE_CONFIG, 0xB);
	lapic_set(LAPIC_LVT_TIMER, LVT_MASKED | (LVT_MODE_PERIODIC << LVT_MODE_SHIFT));
	lapic_set(LAPIC_INITIAL_COUNT, 0xFFFFFFFFu);
	assert_int_equal(m->idle(m, IDLE_HLT, 0), ACCESS_OK);
	/* TSC: 2 s of windows, then half of the other 8 s; LAPIC: 4 s of windows, running the rest */
	assert_int_equal(sim.trace.idle_log[0].tsc_lost_ps, 6 * PS_PER_S);
	assert_int_equal(sim.trace.idle_log[0].lapic_lost_ps, 4 * PS_PER_S);
	assert_int_equal(m->rdtsc(m), 8000000000ull);
	assert_int_equal(up_lapic(), 6000000000ull % (0xFFFFFFFFull + 1)); /* 6 s of a 1 GHz bus */
}

/* TSC readings and idle records of a run through both kinds of event, between jittery PM timer reads. */
static void event_trace(uint64_t seed, uint64_t *tscs, struct sim_idle_record *log)
{
	char error[256];
	if (!scenario_load_file(testdata_path("scenarios/tsc-stops-in-idle.json"), &config, error, sizeof(error)))
		fail_msg("%s", error);
	add_event(rate_event(SIM_CLOCK_TSC, TSC_CHANGE_PS, TSC_CHANGE_PPM));
	config.seed = seed;
	config.clocks.pm_timer.access.jitter_per_million = 500000;
	config.clocks.pm_timer.access.jitter_max_ps = 3 * PS_PER_MS;
	start();
	for (unsigned i = 0; i < TRACED_IDLES; i++) {
		advance(4 * PS_PER_S); /* across 120 s at the 30th */
		m->io_read(m, config.clocks.pm_timer.port, 4);
		m->idle(m, IDLE_HLT, 0);
		tscs[i] = m->rdtsc(m);
	}
	memcpy(log, sim.trace.idle_log, TRACED_IDLES * sizeof(*log));
}

static void test_same_seed_same_run_through_events(void **state)
{
	(void)state;
	static uint64_t first[TRACED_IDLES], again[TRACED_IDLES], other[TRACED_IDLES];
	static struct sim_idle_record first_log[TRACED_IDLES], again_log[TRACED_IDLES], other_log[TRACED_IDLES];
	event_trace(3, first, first_log);
	assert_int_not_equal(first_log[TRACED_IDLES - 1].tsc_lost_ps, 0); /* the windows were reached */
	event_trace(3, again, again_log);
	assert_memory_equal(first, again, sizeof(first));
	assert_true(same_records(first_log, again_log));
	event_trace(4, other, other_log);
	assert_false(same_records(first_log, other_log));
}

/* Loose enough for a loaded machine under the sanitizers; a loop per tick or per window would take hours. */
#define TWO_HOURS_MAX_HOST_S 10.0

/* The drift watch's shape for two hours: every clock sampled each 10 s, HLT between, on tsc-stops-in-idle.json with
 * a rate change too. One idle call per wake interrupt, each of constant cost, whatever the ticks and windows. */
static void test_two_hours_of_hlt_between_samples_cost_one_idle_per_wake(void **state)
{
	(void)state;
	enum { RUN_S = 7200, SAMPLE_S = 10, WINDOWS_FROM_S = 120 };
	load_scenario("tsc-stops-in-idle.json");
	add_event(rate_event(SIM_CLOCK_TSC, RUN_S / 2 * PS_PER_S, TSC_CHANGE_PPM));
	start();
	clock_t host_start = clock();
	for (uint64_t next = 0; next <= RUN_S * PS_PER_S; next += SAMPLE_S * PS_PER_S) {
		while (sim.now_ps < next)
			m->idle(m, IDLE_HLT, 0);
		m->rdtsc(m), up_pm_timer(), up_hpet(), up_lapic(), cmos(RTC_SECONDS), pit_latched();
	}
	double host_s = (double)(clock() - host_start) / CLOCKS_PER_SEC;

	uint64_t wakes = RUN_S * PS_PER_S / sim.truth.wake_interval_ps;
	assert_in_range(sim.trace.idle_calls, wakes - 1, wakes + 1);
	/* The TSC loses a fifth of the sleeps after 120 s, give or take one 20 ms window per sample. */
	double asleep_s = (double)(sim.trace.idle_ps - sim.trace.idle_wakes * config.idle.wake_latency_ps) / PS_PER_S;
	double asleep_after_s = asleep_s * (RUN_S - WINDOWS_FROM_S) / RUN_S;
	assert_close((double)sim.truth.tsc_idle_lost_ps / PS_PER_S, asleep_after_s / 5, RUN_S / SAMPLE_S * 0.02);
	if (host_s > TWO_HOURS_MAX_HOST_S)
		fail_msg("two hours of virtual time took %.2f s of host time", host_s);
	print_message("    two hours of virtual time: %llu idle calls, %.3f s of host time\n",
		      (unsigned long long)sim.trace.idle_calls, host_s);
}

/* ---- scenario files ------------------------------------------------------------------------------- */

static void test_a_scenario_without_clocks_is_a_q35_like_machine(void **state)
{
	(void)state;
	char error[256];
	assert_true(scenario_load_string("{\"schema\": \"tscprobe-scenario/1\"}", &config, error, sizeof(error)));
	assert_int_equal(config.seed, 1);
	assert_int_equal(config.clocks.pm_timer.port, 0x608);
	assert_int_equal(config.clocks.pm_timer.bits, 24);
	assert_int_equal(config.clocks.hpet.base, 0xFED00000ull);
	assert_int_equal(config.clocks.hpet.period_fs, 10000000);
	assert_int_equal(config.clocks.hpet.counter_bits, 64);
	assert_true(config.clocks.rtc.present);
	assert_close(config.clocks.rtc.rate_ppm, 0, 0);
	assert_true(config.clocks.pit.present);
	assert_int_equal(config.clocks.lapic.bus_hz, 1000000000);
	assert_int_equal(config.clocks.pm_timer.access.cost_ps, 1500000);
	assert_int_equal(config.clocks.hpet.access.cost_ps, 500000);
	assert_false(config.acpi.use_fixture);
}

static void test_every_clock_field_loads(void **state)
{
	(void)state;
	char error[256];
	static const char json[] =
		"{\"schema\": \"tscprobe-scenario/1\", \"seed\": 42, \"acpi_oem_id\": \"VRTUAL\","
		" \"acpi_faults\": [\"no_fadt\", \"zero_pm_port\"],"
		" \"clocks\": {"
		"  \"pm_timer\": {\"port\": \"0x408\", \"bits\": 32, \"rate_ppm\": -12.5, \"read_cost_us\": 2,"
		"    \"jitter\": {\"probability\": 0.01, \"max_us\": 50}, \"fault\": \"backwards\","
		"    \"fault_at_s\": 2.5,"
		"    \"backwards_ticks\": 4000},"
		"  \"hpet\": {\"base\": \"0xfed01000\", \"period_fs\": 59604644, \"advertised_period_fs\": 0,"
		"    \"counter_bits\": 32, \"timers\": 8, \"legacy_replacement\": false, \"vendor\": \"0x1af4\","
		"    \"enabled\": false, \"fault\": \"stuck\"},"
		"  \"rtc\": {\"domain\": \"host\", \"start\": \"2030-01-02T03:04:05\", \"binary\": true,"
		"    \"hour_12\": true,"
		"    \"century_index\": 0, \"fault\": \"frozen\"},"
		"  \"pit\": {\"rate_ppm\": 3, \"port61\": 1},"
		"  \"lapic\": {\"base\": \"0xfee10000\", \"bus_hz\": 200000000,"
		"    \"firmware_tick\": {\"mode\": \"one_shot\","
		"    \"initial_count\": 5000, \"divide\": 16, \"vector\": 48, \"masked\": true}},"
		"  \"uefi_time\": {\"cost_us\": 12}}}";
	const struct sim_clocks_config *c = &config.clocks;

	if (!scenario_load_string(json, &config, error, sizeof(error)))
		fail_msg("%s", error);
	assert_int_equal(config.seed, 42);
	assert_string_equal(config.acpi.oem_id, "VRTUAL");
	assert_int_equal(config.acpi.faults, SIM_ACPI_NO_FADT | SIM_ACPI_ZERO_PM_PORT);
	assert_int_equal(c->pm_timer.port, 0x408);
	assert_int_equal(c->pm_timer.bits, 32);
	assert_close(c->pm_timer.rate_ppm, -12.5, 0);
	assert_int_equal(c->pm_timer.access.cost_ps, 2000000);
	assert_int_equal(c->pm_timer.access.jitter_per_million, 10000);
	assert_int_equal(c->pm_timer.access.jitter_max_ps, 50000000);
	assert_int_equal(c->pm_timer.fault, SIM_PM_TIMER_BACKWARDS);
	assert_int_equal(c->pm_timer.fault_at_ps, 2500000000000ull);
	assert_int_equal(c->pm_timer.backwards_ticks, 4000);
	assert_int_equal(c->hpet.base, 0xFED01000ull);
	assert_int_equal(c->hpet.period_fs, 59604644);
	assert_int_equal(c->hpet.advertised_period_fs, 0);
	assert_int_equal(c->hpet.counter_bits, 32);
	assert_int_equal(c->hpet.timers, 8);
	assert_false(c->hpet.legacy_replacement);
	assert_int_equal(c->hpet.vendor, 0x1AF4);
	assert_false(c->hpet.enabled);
	assert_int_equal(c->hpet.fault, SIM_HPET_STUCK);
	assert_close(c->rtc.rate_ppm, 2000, 0);
	assert_int_equal(c->rtc.start.year, 2030);
	assert_int_equal(c->rtc.start.second, 5);
	assert_true(c->rtc.binary);
	assert_true(c->rtc.hour_12);
	assert_int_equal(c->rtc.century_index, 0);
	assert_int_equal(c->rtc.fault, SIM_RTC_FROZEN);
	assert_close(c->pit.rate_ppm, 3, 0);
	assert_int_equal(c->pit.port61, 1);
	assert_int_equal(c->lapic.base, 0xFEE10000ull);
	assert_int_equal(c->lapic.bus_hz, 200000000);
	assert_true(c->lapic.firmware_tick.present);
	assert_int_equal(c->lapic.firmware_tick.mode, 0);
	assert_int_equal(c->lapic.firmware_tick.initial_count, 5000);
	assert_int_equal(c->lapic.firmware_tick.divide, 16);
	assert_int_equal(c->lapic.firmware_tick.vector, 48);
	assert_true(c->lapic.firmware_tick.masked);
	assert_int_equal(c->uefi_time.cost_ps, 12000000);
}

static void test_every_paravirtual_field_loads(void **state)
{
	(void)state;
	char error[256];
	static const char json[] =
		"{\"schema\": \"tscprobe-scenario/1\","
		" \"msrs\": [{\"msr\": \"0x40000118\", \"value\": 0, \"writable\": true},"
		"  {\"msr\": 16, \"value\": \"0xffffffffffffffff\"}],"
		" \"msr_faults\": [\"0x40000023\", 4],"
		" \"kvmclock\": {\"claimed_tsc_hz\": 3478274491, \"msrs\": \"old\", \"stable\": false,"
		"  \"fault\": \"version_stuck_odd\"},"
		" \"hyperv\": {\"tsc_frequency_hz\": 2095078000, \"apic_frequency_hz\": 200000000,"
		"  \"reference_counter\": {\"rate_ppm\": -12.5},"
		"  \"reference_tsc_page\": {\"claimed_tsc_hz\": 2100000000, \"sequence\": 0}},"
		" \"vmware_backdoor\": {\"tsc_hz\": 3400109000, \"apic_hz\": 66000000}}";

	if (!scenario_load_string(json, &config, error, sizeof(error)))
		fail_msg("%s", error);
	assert_int_equal(config.msrs.count, 2);
	assert_int_equal(config.msrs.entries[0].msr, HV_MSR_TSC_INVARIANT_CONTROL);
	assert_true(config.msrs.entries[0].writable);
	assert_int_equal(config.msrs.entries[1].msr, 16);
	assert_int_equal(config.msrs.entries[1].value, UINT64_MAX);
	assert_false(config.msrs.entries[1].writable);
	assert_int_equal(config.msrs.fault_count, 2);
	assert_int_equal(config.msrs.faults[0], HV_MSR_APIC_FREQUENCY);
	assert_int_equal(config.msrs.faults[1], 4);
	assert_true(config.kvmclock.present);
	assert_int_equal(config.kvmclock.claimed_tsc_hz, 3478274491);
	assert_int_equal(config.kvmclock.pairs, SIM_KVMCLOCK_OLD);
	assert_false(config.kvmclock.stable);
	assert_int_equal(config.kvmclock.fault, SIM_KVMCLOCK_VERSION_STUCK_ODD);
	assert_int_equal(config.hyperv.tsc_frequency_hz, 2095078000);
	assert_int_equal(config.hyperv.apic_frequency_hz, 200000000);
	assert_true(config.hyperv.reference_counter);
	assert_close(config.hyperv.reference_counter_rate_ppm, -12.5, 0);
	assert_true(config.hyperv.reference_tsc_page);
	assert_int_equal(config.hyperv.tsc_page_claimed_hz, 2100000000);
	assert_int_equal(config.hyperv.tsc_page_sequence, 0);
	assert_true(config.vmware_backdoor.present);
	assert_int_equal(config.vmware_backdoor.tsc_hz, 3400109000);
	assert_int_equal(config.vmware_backdoor.apic_hz, 66000000);
}

/* Present with nothing said: honest, both kvmclock pairs, stable, a valid TSC page; absent or null: none. */
static void test_paravirtual_defaults_are_honest_and_absence_is_the_default(void **state)
{
	(void)state;
	char error[256];
	assert_true(scenario_load_string("{\"schema\": \"tscprobe-scenario/1\", \"kvmclock\": {},"
					 " \"hyperv\": {\"reference_counter\": true, \"reference_tsc_page\": true},"
					 " \"vmware_backdoor\": {}}",
					 &config, error, sizeof(error)));
	assert_true(config.kvmclock.present);
	assert_int_equal(config.kvmclock.claimed_tsc_hz, 0); /* 0: the true tsc_hz */
	assert_int_equal(config.kvmclock.pairs, SIM_KVMCLOCK_NEW | SIM_KVMCLOCK_OLD);
	assert_true(config.kvmclock.stable);
	assert_int_equal(config.kvmclock.fault, SIM_KVMCLOCK_OK);
	assert_true(config.hyperv.reference_counter && config.hyperv.reference_tsc_page);
	assert_int_equal(config.hyperv.tsc_page_sequence, 1);
	assert_int_equal(config.hyperv.tsc_page_claimed_hz, 0);
	assert_int_equal(config.hyperv.tsc_frequency_hz, 0); /* 0: no such MSR */
	assert_true(config.vmware_backdoor.present);

	assert_true(scenario_load_string("{\"schema\": \"tscprobe-scenario/1\", \"kvmclock\": null,"
					 " \"hyperv\": {\"reference_counter\": false}}",
					 &config, error, sizeof(error)));
	assert_false(config.kvmclock.present);
	assert_false(config.hyperv.reference_counter);
	assert_false(config.vmware_backdoor.present);
	assert_int_equal(config.msrs.count + config.msrs.fault_count, 0);
}

static void test_every_idle_field_loads(void **state)
{
	(void)state;
	char error[256];
	static const char json[] =
		"{\"schema\": \"tscprobe-scenario/1\","
		" \"idle\": {\"wake_interval_us\": 2500.5, \"wake_latency_us\": 0, \"mwait\": \"faults\","
		"  \"states\": [{\"method\": \"hlt\", \"tsc\": {\"rate\": 0.75}},"
		"   {\"method\": \"mwait\", \"hint\": \"0x10\", \"tsc\": \"stops\", \"lapic\": \"stops\"},"
		"   {\"method\": \"mwait\", \"hint\": 33, \"lapic\": {\"rate\": 0}}]}}";
	const struct sim_idle_config *c = &config.idle;

	if (!scenario_load_string(json, &config, error, sizeof(error)))
		fail_msg("%s", error);
	assert_int_equal(c->wake_interval_ps, 2500500000ull);
	assert_int_equal(c->wake_latency_ps, 0);
	assert_true(c->mwait_faults);
	assert_int_equal(c->state_count, 3);
	assert_int_equal(c->states[0].method, IDLE_HLT);
	assert_close(c->states[0].tsc_rate, 0.75, 0);
	assert_close(c->states[0].lapic_rate, SIM_IDLE_RUNS, 0);
	assert_int_equal(c->states[1].method, IDLE_MWAIT);
	assert_int_equal(c->states[1].hint, 0x10);
	assert_close(c->states[1].tsc_rate, SIM_IDLE_STOPS, 0);
	assert_close(c->states[1].lapic_rate, SIM_IDLE_STOPS, 0);
	assert_int_equal(c->states[2].hint, 33);
	assert_close(c->states[2].tsc_rate, SIM_IDLE_RUNS, 0);
	assert_close(c->states[2].lapic_rate, 0, 0);
	assert_false(c->mwait_returns_at_once);
	assert_false(c->hlt_returns_at_once);

	if (!scenario_load_string("{\"schema\": \"tscprobe-scenario/1\", \"idle\": {\"mwait\": \"returns_at_once\", "
				  "\"hlt\": \"returns_at_once\"}}",
				  &config, error, sizeof(error)))
		fail_msg("%s", error);
	assert_true(c->mwait_returns_at_once);
	assert_false(c->mwait_faults);
	assert_true(c->hlt_returns_at_once);
}

static const struct bad_field_case {
	const char *members; /* top-level members after the schema */
	const char *error;
} bad_fields[] = {
	{"\"clocks\": {\"hpet\": {\"period_fs\": 0}}", "clocks.hpet.period_fs: 0 is below the minimum 1000000"},
	{"\"clocks\": {\"hpet\": {\"period_fs\": 100000001}}", "clocks.hpet.period_fs: 100000001 is out of range"},
	{"\"clocks\": {\"hpet\": {\"perod_fs\": 10}}", "clocks.hpet.perod_fs: unknown member"},
	{"\"clocks\": {\"pm_timer\": {\"bits\": 28}}", "clocks.pm_timer.bits: expected 24 or 32"},
	{"\"clocks\": {\"pm_timer\": {\"fault\": \"backwards\"}}", "clocks.pm_timer.fault_at_s: \"backwards\" needs"},
	{"\"clocks\": {\"pm_timer\": {\"rate_ppm\": \"fast\"}}", "clocks.pm_timer.rate_ppm: expected a number"},
	{"\"clocks\": {\"pm_timer\": {\"jitter\": {\"probability\": 2}}}",
	 "clocks.pm_timer.jitter.probability: 2 is out of range"},
	{"\"clocks\": {\"rtc\": {\"fault\": \"melted\"}}", "clocks.rtc.fault: expected one of \"none\""},
	{"\"clocks\": {\"rtc\": {\"start\": \"2026-02-30 00:00:00\"}}", "clocks.rtc.start: not a date and time"},
	{"\"clocks\": {\"rtc\": {\"domain\": \"wall\"}}", "clocks.rtc.domain: expected one of \"guest\", \"host\""},
	{"\"clocks\": {\"rtc\": {\"century_index\": 9}}", "clocks.rtc.century_index: 0x09 is a clock register"},
	{"\"clocks\": {\"lapic\": {\"firmware_tick\": {\"initial_count\": 5, \"divide\": 3}}}",
	 "clocks.lapic.firmware_tick.divide: expected 1, 2, 4"},
	{"\"clocks\": {\"lapic\": {\"firmware_tick\": {\"mode\": \"periodic\"}}}",
	 "clocks.lapic.firmware_tick.initial_count: required"},
	{"\"clocks\": {\"lapic\": {\"base\": \"0xfee00100\"}}", "clocks.lapic.base: must be 4 KiB aligned"},
	{"\"clocks\": {\"pit\": {\"port61\": 255}}", "clocks.pit.port61: 255 is out of range"},
	{"\"clocks\": {\"uefi_time\": \"yes\"}", "clocks.uefi_time: expected an object"},
	{"\"clocks\": {\"tsc\": {}}", "clocks.tsc: unknown member"},
	{"\"acpi_faults\": [\"no_fadt\", \"no_dsdt\"]", "acpi_faults[1]: expected one of"},
	{"\"acpi\": \"no-such-machine\"", "acpi: "},
	{"\"acpi\": \"../q35\"", "acpi: expected \"synthesize\" or a fixture name"},
	{"\"acpi_oem_id\": \"MICROSOFT\"", "acpi_oem_id: expected at most 6 characters"},
	{"\"seed\": -1", "seed: expected a number"},
	{"\"msrs\": {\"msr\": 1}", "msrs: expected an array"},
	{"\"msrs\": [{\"msr\": \"0x40000022\"}]", "msrs[0].value: required"},
	{"\"msrs\": [{\"value\": 1}]", "msrs[0].msr: required"},
	{"\"msrs\": [{\"msr\": 1, \"value\": 2, \"writeable\": true}]", "msrs[0].writeable: unknown member"},
	{"\"msrs\": [{\"msr\": 1, \"value\": 2}, {\"msr\": \"0x1\", \"value\": 3}]",
	 "msrs[1].msr: 0x1 is listed twice"},
	{"\"msrs\": [{\"msr\": \"0x100000000\", \"value\": 2}]", "msrs[0].msr: 4294967296 is out of range"},
	{"\"msrs\": [{\"msr\": 1, \"value\": 2}], \"msr_faults\": [\"0x1\"]",
	 "msr_faults[0]: 0x1 also has a value in msrs"},
	{"\"msr_faults\": [\"rdtsc\"]", "msr_faults[0]: \"rdtsc\" is not a number"},
	{"\"kvmclock\": {\"msrs\": \"newest\"}", "kvmclock.msrs: expected one of \"new\", \"old\", \"both\""},
	{"\"kvmclock\": {\"claimed_tsc_hz\": 1000}", "kvmclock.claimed_tsc_hz: 1000 is below the minimum 20000000"},
	{"\"kvmclock\": {\"fault\": \"stuck\"}", "kvmclock.fault: expected one of \"none\", \"version_stuck_odd\""},
	{"\"kvmclock\": true", "kvmclock: expected an object"},
	{"\"hyperv\": {\"tsc_frequency\": 5}", "hyperv.tsc_frequency: unknown member"},
	{"\"hyperv\": {\"reference_counter\": {\"rate\": 5}}", "hyperv.reference_counter.rate: unknown member"},
	{"\"hyperv\": {\"reference_counter\": 1}", "hyperv.reference_counter: expected an object"},
	{"\"hyperv\": {\"reference_tsc_page\": {\"sequence\": -1}}",
	 "hyperv.reference_tsc_page.sequence: expected a number"},
	{"\"vmware_backdoor\": {\"apic_hz\": 5000000000}", "vmware_backdoor.apic_hz: 5000000000 is out of range"},
	{"\"idle\": []", "idle: expected an object"},
	{"\"idle\": {\"wake_latency\": 5}", "idle.wake_latency: unknown member"},
	{"\"idle\": {\"wake_interval_us\": 0}", "idle.wake_interval_us: 0 is out of range [10, 1e+07]"},
	{"\"idle\": {\"wake_interval_us\": 1e8}", "idle.wake_interval_us: 1e+08 is out of range"},
	{"\"idle\": {\"mwait\": \"emulated\"}", "idle.mwait: expected one of \"offered\", \"faults\", \"returns_at_once\""},
	{"\"idle\": {\"hlt\": \"faults\"}", "idle.hlt: expected one of \"sleeps\", \"returns_at_once\""},
	{"\"idle\": {\"states\": {\"method\": \"hlt\"}}", "idle.states: expected an array"},
	{"\"idle\": {\"states\": [{\"tsc\": \"runs\"}]}", "idle.states[0].method: required"},
	{"\"idle\": {\"states\": [{\"method\": \"pause\"}]}", "idle.states[0].method: expected one of \"hlt\""},
	{"\"idle\": {\"states\": [{\"method\": \"hlt\", \"hint\": 1}]}", "idle.states[0].hint: only MWAIT takes"},
	{"\"idle\": {\"states\": [{\"method\": \"mwait\"}]}", "idle.states[0].hint: required for MWAIT"},
	{"\"idle\": {\"states\": [{\"method\": \"hlt\", \"tsc\": \"halts\"}]}",
	 "idle.states[0].tsc: expected \"runs\", \"stops\" or {\"rate\": R}"},
	{"\"idle\": {\"states\": [{\"method\": \"hlt\", \"lapic\": {\"rate\": 1.5}}]}",
	 "idle.states[0].lapic.rate: 1.5 is out of range"},
	{"\"idle\": {\"states\": [{\"method\": \"hlt\", \"lapic\": {}}]}", "idle.states[0].lapic.rate: required"},
	{"\"idle\": {\"states\": [{\"method\": \"hlt\", \"tsc\": {\"rate\": 0, \"ppm\": 1}}]}",
	 "idle.states[0].tsc.ppm: unknown member"},
	{"\"idle\": {\"states\": [{\"method\": \"mwait\", \"hint\": 16}, {\"method\": \"mwait\", \"hint\": \"0x10\"}]}",
	 "idle.states[1]: the same state as idle.states[0]"},
	{"\"events\": {}", "events: expected an array of events"},
	{"\"events\": [{\"at_s\": 1, \"clock\": \"cpu\", \"rate_ppm\": 1}]",
	 "events[0].clock: expected one of \"tsc\""},
	{"\"events\": [{\"at_s\": 1, \"rate_ppm\": 1}]", "events[0].clock: required"},
	{"\"events\": [{\"at_s\": -1, \"clock\": \"tsc\", \"rate_ppm\": 1}]", "events[0].at_s: -1 is out of range"},
	{"\"events\": [{\"at_s\": 2e6, \"clock\": \"tsc\", \"rate_ppm\": 1}]", "events[0].at_s: 2e+06 is out of range"},
	{"\"events\": [{\"clock\": \"tsc\", \"rate_ppm\": 1}]", "events[0].at_s: required"},
	{"\"events\": [{\"at_s\": 1, \"clock\": \"tsc\"}]", "events[0].rate_ppm: required"},
	{"\"events\": [{\"at_s\": 1, \"clock\": \"tsc\", \"rate_ppm\": -600000}]",
	 "events[0].rate_ppm: -600000 is out of range"},
	{"\"events\": [{\"at_s\": 1, \"clock\": \"tsc\", \"ppm\": 1}]", "events[0].ppm: unknown member"},
	{"\"events\": [{\"at_s\": 1, \"clock\": \"tsc\", \"rate_ppm\": 1, \"from_s\": 2}]",
	 "events[0].from_s: not with \"rate_ppm\""},
	{"\"clocks\": {\"hpet\": null}, \"events\": [{\"at_s\": 1, \"clock\": \"hpet\", \"rate_ppm\": 1}]",
	 "events[0].clock: the scenario has no hpet"},
	{"\"events\": [{\"at_s\": 1, \"clock\": \"hv_reference_counter\", \"rate_ppm\": 1}]",
	 "events[0].clock: the scenario has no hv_reference_counter"},
	{"\"events\": [{\"at_s\": 5, \"clock\": \"pit\", \"rate_ppm\": 1},"
	 " {\"at_s\": 5, \"clock\": \"pit\", \"rate_ppm\": 2}]",
	 "events[1]: pit already changes rate then (events[0])"},
	{"\"events\": [{\"clock\": \"tsc\", \"stops_every_s\": 0.1}]", "events[0].for_s: required"},
	{"\"events\": [{\"clock\": \"tsc\", \"stops_every_s\": 0.1, \"for_s\": 0.2}]",
	 "events[0].for_s: expected at least 1e-9 and at most stops_every_s"},
	{"\"events\": [{\"clock\": \"tsc\", \"stops_every_s\": 0.1, \"for_s\": 0}]",
	 "events[0].for_s: expected at least 1e-9"},
	{"\"events\": [{\"clock\": \"tsc\", \"stops_every_s\": 0.1, \"for_s\": 0.02, \"at_s\": 5}]",
	 "events[0].at_s: not with \"stops_every_s\""},
	{"\"events\": [{\"clock\": \"hpet\", \"stops_every_s\": 0.1, \"for_s\": 0.02}]",
	 "events[0].clock: only the tsc and the lapic stop in idle"},
	{"\"events\": [{\"clock\": \"tsc\", \"stops_every_s\": 1, \"for_s\": 0.5},"
	 " {\"clock\": \"tsc\", \"stops_every_s\": 2, \"for_s\": 0.5, \"from_s\": 9}]",
	 "events[1]: tsc already stops in idle (events[0])"},
	{"\"events\": [{\"at_s\": 1, \"clock\": \"pit\", \"step_ticks\": -5}]",
	 "events[0].clock: only the tsc steps"},
	{"\"events\": [{\"at_s\": 1, \"clock\": \"tsc\", \"step_ticks\": 0}]",
	 "events[0].step_ticks: expected a whole number of ticks other than 0"},
	{"\"events\": [{\"at_s\": 1, \"clock\": \"tsc\", \"step_ticks\": 2.5}]",
	 "events[0].step_ticks: expected a whole number"},
	{"\"events\": [{\"at_s\": 1, \"clock\": \"tsc\", \"step_ticks\": -5, \"rate_ppm\": 1}]",
	 "events[0].rate_ppm: not with \"step_ticks\""},
	{"\"events\": [{\"clock\": \"tsc\", \"step_ticks\": -5}]", "events[0].at_s: required"},
	{"\"events\": [{\"at_s\": 1, \"clock\": \"tsc\", \"step_ticks\": -5},"
	 " {\"at_s\": 1, \"clock\": \"tsc\", \"step_ticks\": 7}]",
	 "events[1]: tsc already steps then (events[0])"},
};

static void test_bad_fields_are_one_line_errors_naming_the_field(void **state)
{
	(void)state;
	char json[512], error[256];
	for (size_t i = 0; i < sizeof(bad_fields) / sizeof(bad_fields[0]); i++) {
		snprintf(json, sizeof(json), "{\"schema\": \"tscprobe-scenario/1\", %s}", bad_fields[i].members);
		error[0] = '\0';
		if (scenario_load_string(json, &config, error, sizeof(error)))
			fail_msg("accepted: %s", bad_fields[i].members);
		if (strncmp(error, bad_fields[i].error, strlen(bad_fields[i].error)) || strchr(error, '\n'))
			fail_msg("%s\n  gave:     %s\n  expected: %s...", bad_fields[i].members, error,
				 bad_fields[i].error);
	}
}

static void test_every_event_field_loads(void **state)
{
	(void)state;
	char error[256];
	static const char json[] =
		"{\"schema\": \"tscprobe-scenario/1\", \"hyperv\": {\"reference_counter\": true},"
		" \"events\": [{\"at_s\": 120, \"clock\": \"tsc\", \"rate_ppm\": -2000},"
		"  {\"clock\": \"lapic\", \"stops_every_s\": 0.1, \"for_s\": 0.02, \"from_s\": 30.5},"
		"  {\"at_s\": 0, \"clock\": \"hv_reference_counter\", \"rate_ppm\": 12.5},"
		"  {\"clock\": \"tsc\", \"stops_every_s\": 1, \"for_s\": 1},"
		"  {\"at_s\": 60, \"clock\": \"tsc\", \"rate_ppm\": 0}]}";
	const struct sim_event *e = config.events;

	if (!scenario_load_string(json, &config, error, sizeof(error)))
		fail_msg("%s", error);
	assert_int_equal(config.event_count, 5);
	assert_int_equal(e[0].kind, SIM_EVENT_RATE);
	assert_int_equal(e[0].clock, SIM_CLOCK_TSC);
	assert_int_equal(e[0].at_ps, 120 * PS_PER_S);
	assert_close(e[0].rate_ppm, -2000, 0);
	assert_int_equal(e[1].kind, SIM_EVENT_IDLE_STOPS);
	assert_int_equal(e[1].clock, SIM_CLOCK_LAPIC);
	assert_int_equal(e[1].at_ps, 30500 * PS_PER_MS);
	assert_int_equal(e[1].stops_every_ps, 100 * PS_PER_MS);
	assert_int_equal(e[1].stops_for_ps, 20 * PS_PER_MS);
	assert_int_equal(e[2].clock, SIM_CLOCK_HV_REFERENCE_COUNTER);
	assert_int_equal(e[2].at_ps, 0);
	assert_close(e[2].rate_ppm, 12.5, 0);
	assert_int_equal(e[3].at_ps, 0); /* from_s: 0 */
	assert_int_equal(e[3].stops_for_ps, e[3].stops_every_ps); /* a window may fill its period */
	assert_int_equal(e[4].at_ps, 60 * PS_PER_S);
	assert_true(scenario_load_string("{\"schema\": \"tscprobe-scenario/1\", \"events\": "
					 "[{\"at_s\": 0.5, \"clock\": \"tsc\", \"step_ticks\": -3000}]}",
					 &config, error, sizeof(error)));
	assert_int_equal(e[0].kind, SIM_EVENT_STEP);
	assert_int_equal(e[0].at_ps, 500 * PS_PER_MS);
	assert_int_equal(e[0].step_ticks, -3000);

	assert_true(scenario_load_string("{\"schema\": \"tscprobe-scenario/1\"}", &config, error, sizeof(error)));
	assert_int_equal(config.event_count, 0);
}

/* A scenario of count PIT rate changes, one a second. */
static void events_json(char *json, size_t size, unsigned count)
{
	size_t used = (size_t)snprintf(json, size, "{\"schema\": \"tscprobe-scenario/1\", \"events\": [");
	for (unsigned i = 0; i < count; i++)
		used += (size_t)snprintf(json + used, size - used,
					 "%s{\"at_s\": %u, \"clock\": \"pit\", \"rate_ppm\": 1}", i ? ", " : "", i);
	snprintf(json + used, size - used, "]}");
}

static void test_at_most_16_events(void **state)
{
	(void)state;
	char json[2048], error[256];
	events_json(json, sizeof(json), SIM_MAX_EVENTS);
	if (!scenario_load_string(json, &config, error, sizeof(error)))
		fail_msg("%s", error);
	assert_int_equal(config.event_count, SIM_MAX_EVENTS);
	events_json(json, sizeof(json), SIM_MAX_EVENTS + 1);
	assert_false(scenario_load_string(json, &config, error, sizeof(error)));
	assert_string_equal(error, "events[16]: at most 16 events");
}

static const char *const shipped_scenarios[] = {
	"qemu-tcg.json",         "kvm.json",         "kvm-timing-leaf.json",    "kvm-hyperv.json",
	"hyperv-gen2.json",      "vmware.json",      "xen-viridian.json",       "virtualbox-minimal.json",
	"virtualbox-5.0-kvm.json", "virtualbox-hyperv.json", "bhyve.json",     "garbage-max-leaf.json",
	"hyperv-c3-remap.json",  "hyperv-invariant-tsc.json", "kvm-cpu-pm.json", "tsc-rate-change.json",
	"tsc-stops-in-idle.json", "kvm-old-host.json", "two-timing-leaves.json", "xen-scaled-contradiction.json",
	"tsc-changes-mid-calibration.json", "qemu-tcg-smp2-mwait.json",
};
#define SHIPPED_SCENARIO_COUNT (sizeof(shipped_scenarios) / sizeof(shipped_scenarios[0]))

/* Whatever a scenario says about its clocks, its firmware tables must say the same. */
static void test_shipped_scenarios_have_tables_that_match_their_clocks(void **state)
{
	(void)state;
	struct acpi_info info;
	for (size_t i = 0; i < SHIPPED_SCENARIO_COUNT; i++) {
		load_scenario(shipped_scenarios[i]);
		acpi_discover(m, &info);
		const struct sim_clocks_config *c = &config.clocks;
		if (info.pm_timer.port != c->pm_timer.port || info.pm_timer.width_bits != c->pm_timer.bits ||
		    info.hpet.present != c->hpet.present || (c->hpet.present && info.hpet.base != c->hpet.base) ||
		    info.madt.lapic_base != c->lapic.base || info.rtc_century_index != c->rtc.century_index)
			fail_msg("%s: the ACPI tables disagree with the clocks", shipped_scenarios[i]);
		assert_int_equal(info.problem_count, 0);
	}
}

/* Which paravirtual MSR a CPUID bit of an interface's base advertises. */
enum interface { KVM, HYPERV };

static const struct advertised_msr {
	enum interface interface;
	uint32_t leaf_offset; /* from the base */
	bool edx;             /* the bit is in EDX, else EAX */
	uint32_t bit;
	uint32_t msr;
} advertised_msrs[] = {
	{KVM, 1, false, 0, MSR_KVM_SYSTEM_TIME},         /* KVM_FEATURE_CLOCKSOURCE */
	{KVM, 1, false, 0, MSR_KVM_WALL_CLOCK},
	{KVM, 1, false, 3, MSR_KVM_SYSTEM_TIME_NEW},     /* KVM_FEATURE_CLOCKSOURCE2 */
	{KVM, 1, false, 3, MSR_KVM_WALL_CLOCK_NEW},
	{HYPERV, 3, false, 1, HV_MSR_TIME_REF_COUNT},    /* AccessPartitionReferenceCounter */
	{HYPERV, 3, false, 9, HV_MSR_REFERENCE_TSC},     /* AccessPartitionReferenceTsc */
	{HYPERV, 3, false, 11, HV_MSR_TSC_FREQUENCY},    /* AccessFrequencyRegs ... */
	{HYPERV, 3, true, 8, HV_MSR_TSC_FREQUENCY},      /* ... and FrequencyRegsAvailable */
	{HYPERV, 3, false, 11, HV_MSR_APIC_FREQUENCY},
	{HYPERV, 3, true, 8, HV_MSR_APIC_FREQUENCY},
	{HYPERV, 3, false, 15, HV_MSR_TSC_INVARIANT_CONTROL}, /* AccessTscInvariantControls */
};

static bool says_kvm(const struct cpuid_regs *signature)
{
	return signature->ebx == 0x4b4d564b && signature->ecx == 0x564b4d56 && signature->edx == 0x4d; /* "KVMKVMKVM\0\0\0" */
}

/*
 * The bases whose max leaf lies in their own block, so that their leaves can be believed; KVM's 0 reads as
 * base + 1, as KVM documents for old hosts (signature->eax is then that).
 */
static bool sane_base(uint32_t base, struct cpuid_regs *signature)
{
	m->cpuid(m, base, 0, signature);
	if (signature->eax == 0 && says_kvm(signature))
		signature->eax = base + 1;
	return signature->eax >= base && signature->eax <= base + 0xff;
}

static bool base_speaks(uint32_t base, const struct cpuid_regs *signature, enum interface interface)
{
	struct cpuid_regs interface_leaf;
	if (interface == KVM)
		return says_kvm(signature);
	m->cpuid(m, base + 1, 0, &interface_leaf);
	return interface_leaf.eax == HV_INTERFACE_HV1;
}

/* Whether some base speaking the interface sets the bit: how a guest decides the MSR is there. */
static bool advertised(const struct advertised_msr *a)
{
	struct cpuid_regs signature, leaf;
	for (uint32_t base = 0x40000000; base < 0x40010000; base += 0x100) {
		if (!sane_base(base, &signature) || !base_speaks(base, &signature, a->interface) ||
		    signature.eax < base + a->leaf_offset)
			continue;
		m->cpuid(m, base + a->leaf_offset, 0, &leaf);
		if ((a->edx ? leaf.edx : leaf.eax) >> a->bit & 1)
			return true;
	}
	return false;
}

/* A scenario whose CPUID and MSRs disagree would test the probe against a machine nobody ships. */
static void test_shipped_scenarios_have_the_paravirtual_msrs_their_cpuid_advertises(void **state)
{
	(void)state;
	for (size_t i = 0; i < SHIPPED_SCENARIO_COUNT; i++) {
		load_scenario(shipped_scenarios[i]);
		for (size_t a = 0; a < sizeof(advertised_msrs) / sizeof(advertised_msrs[0]); a++) {
			const struct advertised_msr *want = &advertised_msrs[a];
			bool said = advertised(want), there = msr_exists(want->msr);
			if (said != there)
				fail_msg("%s: CPUID %s MSR 0x%x (base + %u %s bit %u), yet it %s", shipped_scenarios[i],
					 said ? "advertises" : "does not advertise", want->msr, want->leaf_offset,
					 want->edx ? "EDX" : "EAX", want->bit, there ? "answers" : "faults");
		}
		struct cpuid_regs signature;
		bool vmware = sane_base(0x40000000, &signature) && signature.ebx == 0x61774d56; /* "VMwa" */
		bool answers = gethz(VMWARE_MAGIC, VMWARE_PORT).ebx != UINT32_MAX;
		if (vmware != answers)
			fail_msg("%s: VMware signature %s, backdoor %s", shipped_scenarios[i],
				 vmware ? "seen" : "absent", answers ? "answers" : "silent");
	}
}

/* Every scenario in the folder is in shipped_scenarios, so that every check above covers it, and it loads. */
static void test_every_scenario_in_the_folder_is_shipped_and_loads(void **state)
{
	(void)state;
	char folder[512];
	const struct dirent *entry;
	size_t found = 0;

	snprintf(folder, sizeof(folder), "%s", testdata_path("scenarios"));
	DIR *dir = opendir(folder);
	assert_non_null(dir);
	while ((entry = readdir(dir))) {
		size_t len = strlen(entry->d_name), i = 0;
		if (len < 5 || strcmp(entry->d_name + len - 5, ".json"))
			continue;
		while (i < SHIPPED_SCENARIO_COUNT && strcmp(shipped_scenarios[i], entry->d_name))
			i++;
		if (i == SHIPPED_SCENARIO_COUNT) {
			char unlisted[256];
			snprintf(unlisted, sizeof(unlisted), "%s", entry->d_name); /* closedir frees the entry */
			closedir(dir);
			fail_msg("%s/%s is not in shipped_scenarios", folder, unlisted);
		}
		found++;
	}
	closedir(dir);
	assert_int_equal(found, SHIPPED_SCENARIO_COUNT);
	for (size_t i = 0; i < SHIPPED_SCENARIO_COUNT; i++)
		load_scenario(shipped_scenarios[i]);
}

#define HV_MWAIT_AVAILABLE 1u /* 0x40000003 EDX bit 0, TLFS HV_CPUID_RESULT.MsHvFeatures.MwaitAvailable */
#define LEAF_MWAIT 5u

/* MWAIT states only where CPUID.1:ECX[3] and leaf 5 enumerate them (a sub-state in the hint's C-state nibble, as
 * Linux intel_idle checks), and a Hyper-V base's MwaitAvailable exactly where MONITOR/MWAIT is advertised. */
static void test_shipped_scenarios_offer_mwait_states_only_where_cpuid_advertises_them(void **state)
{
	(void)state;
	for (size_t i = 0; i < SHIPPED_SCENARIO_COUNT; i++) {
		const char *name = shipped_scenarios[i];
		struct cpuid_regs basic, leaf1, leaf5, signature, hv_features;
		load_scenario(name);
		m->cpuid(m, 0, 0, &basic);
		m->cpuid(m, 1, 0, &leaf1);
		bool monitor = leaf1.ecx & CPUID_1_ECX_MONITOR;
		for (uint32_t k = 0; k < config.idle.state_count; k++) {
			const struct sim_idle_state *s = &config.idle.states[k];
			if (s->method != IDLE_MWAIT)
				continue;
			if (!monitor || basic.eax < LEAF_MWAIT)
				fail_msg("%s: lists MWAIT 0x%x without MONITOR/MWAIT and leaf 5", name, s->hint);
			m->cpuid(m, LEAF_MWAIT, 0, &leaf5);
			unsigned cstate = (s->hint >> 4 & 0xF) + 1;
			if (cstate >= 8 || !(leaf5.edx >> (4 * cstate) & 0xF))
				fail_msg("%s: MWAIT 0x%02x targets C%u, which leaf 5 EDX 0x%08x does not enumerate",
					 name, s->hint, cstate, leaf5.edx);
		}
		for (uint32_t base = 0x40000000; base < 0x40010000; base += 0x100) {
			if (!sane_base(base, &signature) || !base_speaks(base, &signature, HYPERV) ||
			    signature.eax < base + 3)
				continue;
			m->cpuid(m, base + 3, 0, &hv_features);
			if ((hv_features.edx & HV_MWAIT_AVAILABLE) != monitor)
				fail_msg("%s: Hyper-V base 0x%x says MwaitAvailable %u, CPUID.1 MONITOR %u", name, base,
					 hv_features.edx & HV_MWAIT_AVAILABLE, monitor);
		}
	}
}

#define NO_STOPPING_HINT UINT32_MAX

static const struct shipped_idle_case {
	const char *scenario;
	uint32_t stopping_hint; /* the MWAIT hint whose state stops the TSC and the LAPIC timer, if any */
	const char *wake_source;
} shipped_idle_cases[] = {
	{"hyperv-c3-remap.json", MWAIT_HINT_C2, "the simulated platform's periodic interrupt (every 10000 us)"},
	{"hyperv-invariant-tsc.json", NO_STOPPING_HINT, "the simulated platform's periodic interrupt (every 10000 us)"},
	{"kvm-cpu-pm.json", NO_STOPPING_HINT, "the simulated platform's periodic interrupt (every 10000.001 us)"},
};

/* The motivating case: on Hyper-V with the host's C2 remapped to C3, MWAIT 0x10 loses the TSC and the LAPIC timer
 * for the whole sleep; HLT, C1 and every other hint lose nothing, and with invariant TSC nothing ever does. */
static void test_shipped_idle_scenarios_lose_time_only_in_the_state_they_name(void **state)
{
	(void)state;
	static const uint32_t hints[] = {0x00, 0x01, 0x10, 0x11, 0x20, 0x33, 0x60};
	for (size_t i = 0; i < sizeof(shipped_idle_cases) / sizeof(shipped_idle_cases[0]); i++) {
		const struct shipped_idle_case *c = &shipped_idle_cases[i];
		load_scenario(c->scenario);
		assert_string_equal(m->idle_wake_source, c->wake_source);
		assert_int_equal(m->idle(m, IDLE_HLT, 0), ACCESS_OK);
		for (size_t h = 0; h < sizeof(hints) / sizeof(hints[0]); h++)
			assert_int_equal(m->idle(m, IDLE_MWAIT, hints[h]), ACCESS_OK);
		for (uint32_t k = 0; k < sim.trace.idle_log_count; k++) {
			const struct sim_idle_record *r = &sim.trace.idle_log[k];
			bool stops = r->method == IDLE_MWAIT && r->hint == c->stopping_hint;
			uint64_t expected = stops ? r->wake_ps - r->start_ps : 0;
			if (r->tsc_lost_ps != expected || r->lapic_lost_ps != expected)
				fail_msg("%s: %s 0x%02x lost %llu ps of TSC and %llu ps of LAPIC timer, expected %llu",
					 c->scenario, r->method == IDLE_HLT ? "HLT" : "MWAIT", r->hint,
					 (unsigned long long)r->tsc_lost_ps, (unsigned long long)r->lapic_lost_ps,
					 (unsigned long long)expected);
		}
	}
}

/* The drift watch's synthetic cases: invariant TSC advertised, and from 120 s a TSC that runs 2000 ppm slow, or
 * that stops 20 ms of every 100 ms in idle; nothing else changes. */
static void test_shipped_event_scenarios_change_the_tsc_alone_at_120_s(void **state)
{
	(void)state;
	static const char *const scenarios[] = {"tsc-rate-change.json", "tsc-stops-in-idle.json"};
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		struct cpuid_regs power;
		load_scenario(scenarios[i]);
		m->cpuid(m, 0x80000007, 0, &power);
		assert_true(power.edx >> 8 & 1); /* invariant TSC */
		assert_int_equal(config.event_count, 1);
		assert_int_equal(config.events[0].clock, SIM_CLOCK_TSC);
		for (unsigned id = 1; id < SIM_CLOCK_COUNT; id++)
			if (sim.timelines[id].segment_count != 1 || sim.timelines[id].idle_stops)
				fail_msg("%s: clock %u changes", scenarios[i], id);
	}
	assert_close(sim_clock_rate_ppm(&sim, SIM_CLOCK_TSC, 121 * PS_PER_S), 0, 0); /* tsc-stops-in-idle */
	assert_int_equal(sim.timelines[SIM_CLOCK_TSC].idle_stops->at_ps, 120 * PS_PER_S);
	assert_int_equal(sim.timelines[SIM_CLOCK_TSC].idle_stops->stops_every_ps, 100 * PS_PER_MS);
	assert_int_equal(sim.timelines[SIM_CLOCK_TSC].idle_stops->stops_for_ps, 20 * PS_PER_MS);
	load_scenario("tsc-rate-change.json");
	assert_close(sim_clock_rate_ppm(&sim, SIM_CLOCK_TSC, 120 * PS_PER_S - 1), 0, 0);
	assert_close(sim_clock_rate_ppm(&sim, SIM_CLOCK_TSC, 120 * PS_PER_S), TSC_CHANGE_PPM, 0);
}

/* Xen's time leaf (base + 3): subleaf 1's pvclock mul and shift must describe subleaf 0's guest TSC kHz. */
static void test_xen_time_leaf_scale_describes_its_tsc_khz(void **state)
{
	(void)state;
	struct cpuid_regs signature, modes, scale;
	load_scenario("xen-viridian.json");
	assert_true(sane_base(0x40000100, &signature));
	assert_int_equal(signature.ebx, 0x566e6558); /* "XenV" */
	m->cpuid(m, 0x40000103, 0, &modes);
	m->cpuid(m, 0x40000103, 1, &scale);
	struct pvclock_time t = {.mul = scale.ecx, .shift = (int8_t)scale.edx};
	assert_close(pvclock_hz(&t) / 1000, modes.ecx, 1);
	assert_int_equal(modes.ecx, config.tsc_hz / 1000);
	assert_int_equal(scale.edx, 0xffffffff); /* Xen returns the int shift sign-extended */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_pm_timer_advances_3579545_ticks_per_virtual_second, reset_config),
		cmocka_unit_test_setup(test_pm_timer_wraps_at_its_width, reset_config),
		cmocka_unit_test_setup(test_pm_timer_byte_reads_return_bytes_of_the_register, reset_config),
		cmocka_unit_test_setup(test_pm_timer_faults, reset_config),
		cmocka_unit_test_setup(test_hpet_counter_is_frozen_until_enable_cnf_then_runs_at_1e15_over_period,
				       reset_config),
		cmocka_unit_test_setup(test_hpet_gcap_id_describes_the_configured_block, reset_config),
		cmocka_unit_test_setup(test_hpet_32bit_counter_wraps_at_2_pow_32_and_is_written_only_while_halted,
				       reset_config),
		cmocka_unit_test_setup(test_hpet_faults, reset_config),
		cmocka_unit_test_setup(test_rtc_seconds_advance_once_per_virtual_second, reset_config),
		cmocka_unit_test_setup(test_rtc_uip_is_set_from_244us_before_the_update_until_it_completes,
				       reset_config),
		cmocka_unit_test_setup(test_rtc_registers_in_bcd_binary_12_and_24_hour_with_century, reset_config),
		cmocka_unit_test_setup(test_rtc_calendar_rolls_over_leap_day_and_new_century, reset_config),
		cmocka_unit_test_setup(test_rtc_faults, reset_config),
		cmocka_unit_test_setup(test_rtc_index_port_keeps_the_nmi_disable_bit, reset_config),
		cmocka_unit_test_setup(test_pit_channel2_counts_only_while_its_gate_is_high, reset_config),
		cmocka_unit_test_setup(test_pit_latch_holds_the_count_until_read, reset_config),
		cmocka_unit_test_setup(test_pit_modes_0_2_3_count_and_drive_out2_as_the_8254_does, reset_config),
		cmocka_unit_test_setup(test_pit_read_back_reports_status_and_count, reset_config),
		cmocka_unit_test_setup(test_port_61_keeps_its_written_bits_and_shows_out2_and_refresh, reset_config),
		cmocka_unit_test_setup(test_absent_pit_floats_high_and_never_counts, reset_config),
		cmocka_unit_test_setup(test_lapic_current_count_falls_at_bus_clock_over_divide, reset_config),
		cmocka_unit_test_setup(test_lapic_periodic_reloads_and_one_shot_stops_at_zero, reset_config),
		cmocka_unit_test_setup(test_firmware_tick_runs_from_power_on_as_configured, reset_config),
		cmocka_unit_test_setup(test_lapic_identity_registers_and_apic_base_msr, reset_config),
		cmocka_unit_test_setup(test_rates_are_off_by_exactly_rate_ppm_and_truth_says_so, reset_config),
		cmocka_unit_test_setup(test_rtc_host_domain_runs_ahead_of_virtual_time, reset_config),
		cmocka_unit_test_setup(test_same_seed_same_trace_and_another_seed_other_jitter, reset_config),
		cmocka_unit_test_setup(test_an_access_costs_its_read_cost_and_samples_within_it, reset_config),
		cmocka_unit_test_setup(test_unclaimed_ports_and_addresses_float_high, reset_config),
		cmocka_unit_test_setup(test_firmware_time_reads_the_rtc_calendar, reset_config),
		cmocka_unit_test_setup(test_synthesized_tables_are_well_formed_and_checksummed, reset_config),
		cmocka_unit_test_setup(test_acpi_discover_finds_the_configured_clocks, reset_config),
		cmocka_unit_test_setup(test_acpi_faults_are_problems_to_acpi_discover, reset_config),
		cmocka_unit_test_setup(test_q35_fixture_agrees_with_the_default_clocks, reset_config),
		cmocka_unit_test_setup(test_a_rate_event_changes_its_clock_alone_keeping_its_count, reset_config),
		cmocka_unit_test_setup(test_a_tsc_rate_event_is_continuous_exact_and_the_clock_pages_follow,
				       reset_config),
		cmocka_unit_test_setup(test_a_tsc_step_jumps_once_and_never_below_zero, reset_config),
		cmocka_unit_test_setup(test_several_events_in_any_order_each_take_over_at_their_moment, reset_config),
		cmocka_unit_test_setup(test_idle_stops_take_their_windows_from_sleeps_alone, reset_config),
		cmocka_unit_test_setup(test_idle_stops_combine_with_the_state_and_stop_the_lapic_too, reset_config),
		cmocka_unit_test_setup(test_same_seed_same_run_through_events, reset_config),
		cmocka_unit_test_setup(test_two_hours_of_hlt_between_samples_cost_one_idle_per_wake, reset_config),
		cmocka_unit_test_setup(test_a_scenario_without_clocks_is_a_q35_like_machine, reset_config),
		cmocka_unit_test_setup(test_every_clock_field_loads, reset_config),
		cmocka_unit_test_setup(test_listed_msrs_read_their_value_and_refuse_writes_unless_writable,
				       reset_config),
		cmocka_unit_test_setup(test_msr_faults_win_over_every_other_answer, reset_config),
		cmocka_unit_test_setup(test_every_msr_access_costs_a_vm_exit_and_is_traced, reset_config),
		cmocka_unit_test_setup(test_guest_pages_are_zeroed_4k_pages_that_phys_map_sees, reset_config),
		cmocka_unit_test_setup(test_kvmclock_page_holds_the_claimed_rate_as_mul_and_shift, reset_config),
		cmocka_unit_test_setup(test_kvmclock_time_runs_at_the_claimed_rate_against_the_tsc, reset_config),
		cmocka_unit_test_setup(test_kvmclock_msr_pairs_exist_as_the_scenario_says, reset_config),
		cmocka_unit_test_setup(test_kvmclock_writing_0_disables_it_and_the_page_keeps_its_record, reset_config),
		cmocka_unit_test_setup(test_kvmclock_version_stuck_odd_stays_odd, reset_config),
		cmocka_unit_test_setup(test_kvmclock_wall_clock_holds_the_power_on_time, reset_config),
		cmocka_unit_test_setup(test_a_clock_page_outside_allocated_memory_is_not_written, reset_config),
		cmocka_unit_test_setup(test_hyperv_msrs_exist_only_where_the_scenario_sets_them, reset_config),
		cmocka_unit_test_setup(test_hyperv_reference_counter_counts_100ns_units_at_its_rate, reset_config),
		cmocka_unit_test_setup(test_hyperv_tsc_page_agrees_with_the_counter_and_runs_at_the_claimed_rate,
				       reset_config),
		cmocka_unit_test_setup(test_hyperv_tsc_page_sequence_0_and_disabling, reset_config),
		cmocka_unit_test_setup(test_vmware_backdoor_gethz_returns_the_tsc_and_apic_rates, reset_config),
		cmocka_unit_test_setup(test_without_the_backdoor_its_port_reads_as_unclaimed, reset_config),
		cmocka_unit_test_setup(test_idle_defaults_hlt_runs_until_the_next_10ms_interrupt_then_20us_more,
				       reset_config),
		cmocka_unit_test_setup(test_the_wake_interval_is_the_scenarios_else_the_firmware_ticks, reset_config),
		cmocka_unit_test_setup(
			test_tsc_and_lapic_lose_exactly_what_the_state_takes_while_other_clocks_keep_virtual_time,
			reset_config),
		cmocka_unit_test_setup(test_mwait_raises_ud_without_monitor_and_where_the_scenario_makes_it_fault,
				       reset_config),
		cmocka_unit_test_setup(test_mwait_or_hlt_that_returns_at_once_sleeps_not_at_all, reset_config),
		cmocka_unit_test_setup(test_an_unlisted_mwait_hint_runs_both_clocks_as_c1, reset_config),
		cmocka_unit_test_setup(test_wakes_keep_coming_when_the_lapic_timer_stops, reset_config),
		cmocka_unit_test_setup(test_same_seed_same_idle_trace, reset_config),
		cmocka_unit_test_setup(test_every_paravirtual_field_loads, reset_config),
		cmocka_unit_test_setup(test_paravirtual_defaults_are_honest_and_absence_is_the_default, reset_config),
		cmocka_unit_test_setup(test_every_idle_field_loads, reset_config),
		cmocka_unit_test_setup(test_every_event_field_loads, reset_config),
		cmocka_unit_test_setup(test_at_most_16_events, reset_config),
		cmocka_unit_test_setup(test_bad_fields_are_one_line_errors_naming_the_field, reset_config),
		cmocka_unit_test_setup(test_shipped_scenarios_have_tables_that_match_their_clocks, reset_config),
		cmocka_unit_test_setup(test_shipped_scenarios_have_the_paravirtual_msrs_their_cpuid_advertises,
				       reset_config),
		cmocka_unit_test_setup(test_shipped_event_scenarios_change_the_tsc_alone_at_120_s, reset_config),
		cmocka_unit_test_setup(test_xen_time_leaf_scale_describes_its_tsc_khz, reset_config),
		cmocka_unit_test_setup(test_every_scenario_in_the_folder_is_shipped_and_loads, reset_config),
		cmocka_unit_test_setup(test_shipped_scenarios_offer_mwait_states_only_where_cpuid_advertises_them,
				       reset_config),
		cmocka_unit_test_setup(test_shipped_idle_scenarios_lose_time_only_in_the_state_they_name, reset_config),
	};
	return cmocka_run_group_tests_name("sim", tests, NULL, NULL);
}
