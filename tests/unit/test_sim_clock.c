/* The simulated clocks over virtual time: their rates and truth, access costs and jitter, determinism, and the
 * scenario's events that change a rate, step the TSC or stop a clock in idle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <time.h>

#include "cmos.h"
#include "counter.h"
#include "lapic.h"
#include "pit.h"
#include "scenario.h"
#include "testdata.h"
#include "sim_helpers.h"

/* ---- rates, truth, determinism -------------------------------------------------------------------- */

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
	{"rtc", SIM_CLOCK_RTC, &config.clocks.rtc.rate_ppm, up_rtc_seconds, 86400, 1, &sim.truth.rtc_hz, 10 * PS_PER_S,
	 100},
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

/* ---- events ---------------------------------------------------------------------------------------- */

#define EVENT_RATE_BEFORE_PPM 250.0    /* the device's rate_ppm */
#define EVENT_RATE_AFTER_PPM (-1000.0) /* the event's: replaces it, relative to nominal */

static struct sim_event rate_event(enum sim_clock_id clock, uint64_t at_ps, double rate_ppm)
{
	return (struct sim_event){.kind = SIM_EVENT_RATE, .clock = clock, .at_ps = at_ps, .rate_ppm = rate_ppm};
}

static struct sim_event idle_stops(enum sim_clock_id clock, uint64_t from_ps, uint64_t every_ps, uint64_t for_ps)
{
	return (struct sim_event){.kind = SIM_EVENT_IDLE_STOPS,
				  .clock = clock,
				  .at_ps = from_ps,
				  .stops_every_ps = every_ps,
				  .stops_for_ps = for_ps};
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
static uint64_t hv_page_time_at(const struct hv_reference_tsc_page *p, uint64_t at_ps)
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
	struct pvclock_vcpu_time_info kvm = pvclock_page(kvmclock_enable(MSR_KVM_SYSTEM_TIME_NEW, &kvm_phys));
	volatile void *page = m->page_alloc(m, &hv_phys);
	assert_int_equal(m->wrmsr(m, HV_MSR_REFERENCE_TSC, hv_phys | 1), ACCESS_OK);
	struct hv_reference_tsc_page hv = hv_tsc_page(page);

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
	assert_int_equal(guest_ns(&kvm, m->rdtsc(m)) - guest_ns(&kvm, sim_tsc_at(&sim, TSC_CHANGE_PS)), 99800000000ull);
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
	add_event((struct sim_event){
		.kind = SIM_EVENT_STEP, .clock = SIM_CLOCK_TSC, .at_ps = PS_PER_S, .step_ticks = -500000000});
	add_event((struct sim_event){
		.kind = SIM_EVENT_STEP, .clock = SIM_CLOCK_TSC, .at_ps = 3 * PS_PER_S, .step_ticks = -10000000000});
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
		{10, 20000000000ull, 500},   /* 2 GHz for 10 s */
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

	advance(50 * PS_PER_MS);                              /* busy through the window at 2.0 s: it counts */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_rates_are_off_by_exactly_rate_ppm_and_truth_says_so, reset_config),
		cmocka_unit_test_setup(test_rtc_host_domain_runs_ahead_of_virtual_time, reset_config),
		cmocka_unit_test_setup(test_same_seed_same_trace_and_another_seed_other_jitter, reset_config),
		cmocka_unit_test_setup(test_an_access_costs_its_read_cost_and_samples_within_it, reset_config),
		cmocka_unit_test_setup(test_unclaimed_ports_and_addresses_float_high, reset_config),
		cmocka_unit_test_setup(test_firmware_time_reads_the_rtc_calendar, reset_config),
		cmocka_unit_test_setup(test_a_rate_event_changes_its_clock_alone_keeping_its_count, reset_config),
		cmocka_unit_test_setup(test_a_tsc_rate_event_is_continuous_exact_and_the_clock_pages_follow,
				       reset_config),
		cmocka_unit_test_setup(test_a_tsc_step_jumps_once_and_never_below_zero, reset_config),
		cmocka_unit_test_setup(test_several_events_in_any_order_each_take_over_at_their_moment, reset_config),
		cmocka_unit_test_setup(test_idle_stops_take_their_windows_from_sleeps_alone, reset_config),
		cmocka_unit_test_setup(test_idle_stops_combine_with_the_state_and_stop_the_lapic_too, reset_config),
		cmocka_unit_test_setup(test_same_seed_same_run_through_events, reset_config),
		cmocka_unit_test_setup(test_two_hours_of_hlt_between_samples_cost_one_idle_per_wake, reset_config),
	};
	return cmocka_run_group_tests_name("sim_clock", tests, NULL, NULL);
}
