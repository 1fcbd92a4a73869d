/* The simulated CPU idling: HLT and MWAIT sleeps, their wakes, and what each state takes from the TSC and the
 * LAPIC timer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "lapic.h"
#include "scenario.h"
#include "sim_helpers.h"

#define DEFAULT_WAKE_INTERVAL_PS (10 * PS_PER_MS) /* docs/scenario-format.md, "idle" */
#define DEFAULT_WAKE_LATENCY_PS (20 * PS_PER_US)
#define OVMF_TICK_INITIAL_COUNT 10000000u /* qemu-tcg.json: a 100 Hz tick on a 1 GHz APIC bus */

static void advertise_monitor(void)
{
	struct cpuid_regs leaf1 = {.ecx = CPUID_1_ECX_MONITOR};
	assert_true(sim_config_set_cpuid(&config, 1, 0, &leaf1));
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
	add_idle_state(IDLE_MWAIT, MWAIT_HINT_C1, SIM_IDLE_STOPS,
		       SIM_IDLE_STOPS); /* never reached: it does not sleep */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
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
	};
	return cmocka_run_group_tests_name("sim_idle", tests, NULL, NULL);
}
