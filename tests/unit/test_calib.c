/* Calibration against known truth: the probe's own flow on the simulated machine, and the pure fit and counter maths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "accuracy.h"
#include "calib.h"
#include "counter.h"
#include "report.h"
#include "scenario.h"

static struct sim_config config;
static struct sim sim;
static struct report report;

/* Short windows keep the suite fast; the maths does not depend on their length. */
static void run_probe(double window_s, double edge_window_s)
{
	struct probe_settings settings;
	probe_defaults(&settings, "test");
	settings.window_s = window_s;
	settings.edge_window_s = edge_window_s;
	sim_init(&sim, &config);
	probe_run(&sim.machine, &settings, &report);
}

/* Load a scenario given as JSON text; `clocks` is the inside of its "clocks" object. */
static void load(uint64_t tsc_hz, uint64_t seed, const char *clocks)
{
	char json[2048], error[256];
	snprintf(json, sizeof(json),
		 "{\"schema\": \"tscprobe-scenario/1\", \"tsc_hz\": %llu, \"seed\": %llu,"
		 " \"cpu\": {\"features\": [\"tsc\", \"hypervisor\"]}, \"clocks\": {%s}}",
		 (unsigned long long)tsc_hz, (unsigned long long)seed, clocks);
	if (!scenario_load_string(json, &config, error, sizeof(error)))
		fail_msg("scenario: %s", error);
}

static const struct reference_report *ref(const char *name)
{
	const struct reference_report *r = report_reference(&report, name);
	if (!r)
		fail_msg("no reference %s in the report", name);
	return r;
}

/* The TSC rate a reference should give: TSC ticks per second of the reference's nominal rate. */
static double expected_tsc_hz(const char *name)
{
	const struct sim_truth *t = &sim.truth;
	double true_hz = !strcmp(name, "acpi_pm") ? t->pm_timer_hz
			 : !strcmp(name, "hpet")  ? t->hpet_hz
			 : !strcmp(name, "pit")   ? t->pit_hz
						  : t->rtc_hz; /* rtc and uefi_time: the same calendar clock */
	return t->tsc_hz * ref(name)->nominal_hz / true_hz;
}

/* Right (the truth within the stated uncertainty) and not inflated (the uncertainty within what the scenario allows). */
static void expect_within_uncertainty(const char *context, const char *name)
{
	const struct reference_report *r = ref(name);
	if (!r->measured)
		fail_msg("%s: %s was not measured: %s", context, name, r->reason);
	double error_ppm = (r->tsc_hz / expected_tsc_hz(name) - 1) * 1e6;
	if (fabs(error_ppm) > r->uncertainty_ppm)
		fail_msg("%s: %s measured %.3f Hz, truth %.3f Hz: %+.4f ppm outside its stated +/- %.4f ppm", context,
			 name, r->tsc_hz, expected_tsc_hz(name), error_ppm, r->uncertainty_ppm);
	double limit_ppm = reference_limit_ppm(&config, &report, name);
	if (r->uncertainty_ppm > limit_ppm)
		fail_msg(
			"%s: %s states +/- %.4f ppm over %.3f s and %u samples, more than the %.4f ppm the scenario allows",
			context, name, r->uncertainty_ppm, r->window_s, r->samples, limit_ppm);
}

/* The best TSC estimate: the truth within it, and no more uncertain than the reference it came from may be. */
static void expect_tsc_estimate_within_uncertainty(void)
{
	assert_true(report.tsc.valid);
	assert_true(fabs(report.tsc.hz / sim.truth.tsc_hz - 1) * 1e6 <= report.tsc.uncertainty_ppm);
	assert_true(report.tsc.uncertainty_ppm <= reference_limit_ppm(&config, &report, report.tsc.reference));
}

static const char *const counters[] = {"acpi_pm", "hpet", "pit"};
static const char *const everything[] = {"acpi_pm", "hpet", "pit", "rtc", "uefi_time"};

static void test_every_reference_finds_the_true_rate_within_its_uncertainty_for_many_seeds_and_rates(void **state)
{
	static const uint64_t rates[] = {1000000000ull, 2999999999ull, 3400109000ull};
	(void)state;
	for (size_t r = 0; r < sizeof(rates) / sizeof(rates[0]); r++) {
		for (uint64_t seed = 1; seed <= 4; seed++) {
			char context[64];
			/* VM exits: one read in 200 is delayed by up to 40 us. */
			load(rates[r], seed,
			     "\"pm_timer\": {\"jitter\": {\"probability\": 0.005, \"max_us\": 40}},"
			     "\"hpet\": {\"jitter\": {\"probability\": 0.005, \"max_us\": 40}},"
			     "\"pit\": {\"jitter\": {\"probability\": 0.005, \"max_us\": 40}}");
			run_probe(0.2, 2);
			snprintf(context, sizeof(context), "TSC %llu Hz, seed %llu", (unsigned long long)rates[r],
				 (unsigned long long)seed);
			for (size_t i = 0; i < sizeof(everything) / sizeof(everything[0]); i++)
				expect_within_uncertainty(context, everything[i]);
			expect_tsc_estimate_within_uncertainty();
		}
	}
}

/*
 * The LAPIC has no nominal rate: its rate comes out of the best TSC estimate, with both uncertainties. Its own part
 * is a counter's, samples off by a tick of the rate it counts at plus a read, over the window the TSC paces.
 */
static void test_lapic_rate_is_measured_through_the_tsc_estimate(void **state)
{
	const double window_s = 0.2;
	(void)state;
	load(2600000000ull, 7, "\"lapic\": {\"bus_hz\": 200000000}");
	run_probe(window_s, 2);
	const struct reference_report *lapic = ref("lapic");
	assert_true(lapic->measured);
	assert_true(fabs(lapic->rate_hz / sim.truth.lapic_bus_hz - 1) * 1e6 <= lapic->rate_uncertainty_ppm);
	assert_true(lapic->rate_uncertainty_ppm >= report.tsc.uncertainty_ppm);
	double own_limit_ppm =
		slope_limit_ppm(1 / lapic->rate_hz + reference_read_s(&config, "lapic"), window_s, lapic->samples);
	assert_true(lapic->rate_uncertainty_ppm <=
		    hypot(own_limit_ppm, reference_limit_ppm(&config, &report, report.tsc.reference)));
}

/* A 24-bit PM timer wraps every 4.7 s: a longer window crosses a wrap. The PIT wraps every 55 ms anyway. */
static void test_counters_are_followed_across_their_wraps(void **state)
{
	(void)state;
	load(3400109000ull, 3, "");
	run_probe(6.0, 2);
	for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++)
		expect_within_uncertainty("6 s window", counters[i]);
	assert_true(ref("acpi_pm")->window_s > 4.7);
	assert_int_equal(ref("acpi_pm")->backward_steps, 0);
}

/* Half the reads delayed by up to 200 us: wide brackets are retried and rejected, the figure stays honest. */
static void test_wide_brackets_are_rejected_and_the_result_stays_honest(void **state)
{
	(void)state;
	load(2000000000ull, 11,
	     "\"pm_timer\": {\"jitter\": {\"probability\": 0.5, \"max_us\": 200}},"
	     "\"hpet\": {\"jitter\": {\"probability\": 0.5, \"max_us\": 200}}");
	run_probe(0.2, 2);
	expect_within_uncertainty("heavy jitter", "acpi_pm");
	expect_within_uncertainty("heavy jitter", "hpet");
	assert_true(ref("acpi_pm")->rejected > 0);
	assert_true(ref("hpet")->rejected > 0);
}

/* A reference that runs off (an RTC on the host's clock) is flagged and never chosen. */
static void test_a_reference_on_another_clock_is_flagged_as_disagreeing(void **state)
{
	(void)state;
	load(2000000000ull, 5, "\"rtc\": {\"domain\": \"host\", \"rate_ppm\": 5000}");
	run_probe(0.2, 3);
	assert_true(ref("rtc")->disagrees);
	assert_false(ref("acpi_pm")->disagrees);
	assert_false(ref("hpet")->disagrees);
	assert_string_not_equal(report.tsc.reference, "rtc");
	expect_tsc_estimate_within_uncertainty();
}

struct fault_case {
	const char *clocks;
	const char *reference;
	bool available;
	const char *reason_start; /* of the reason the report gives */
	const char *finding;      /* a finding that must be recorded, or NULL */
};

/* Broken clocks become reasons in the report, within bounded virtual time, never hangs. */
static void test_broken_clocks_become_reasons_not_hangs(void **state)
{
	static const struct fault_case cases[] = {
		{"\"pm_timer\": {\"fault\": \"stuck\"}", "acpi_pm", true, "the counter did not move", NULL},
		{"\"hpet\": {\"fault\": \"stuck\"}", "hpet", true, "the counter did not move", NULL},
		{"\"hpet\": {\"fault\": \"all_ones\"}", "hpet", false, "its registers read all ones", NULL},
		{"\"hpet\": {\"advertised_period_fs\": 0}", "hpet", false, "its counter period is out of specification",
		 NULL},
		{"\"hpet\": {\"advertised_period_fs\": 200000000}", "hpet", false,
		 "its counter period is out of specification", NULL},
		{"\"hpet\": null", "hpet", false, "no HPET table", NULL},
		{"\"pit\": null", "pit", false, "channel 2 does not count", NULL},
		{"\"rtc\": {\"fault\": \"uip_stuck\"}", "rtc", true, "the clock never ticked",
		 "the update-in-progress flag stayed set (the RTC never completes an update)"},
		{"\"rtc\": {\"fault\": \"frozen\"}", "rtc", true, "the clock never ticked", NULL},
		{"\"uefi_time\": false", "uefi_time", false, "the firmware's GetTime() is not available", NULL},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct fault_case *c = &cases[i];
		load(2000000000ull, 1, c->clocks);
		run_probe(0.2, 2);
		const struct reference_report *r = ref(c->reference);
		if (r->available != c->available || r->measured ||
		    strncmp(r->reason, c->reason_start, strlen(c->reason_start)))
			fail_msg("%s: %s available=%d measured=%d reason \"%s\", expected available=%d and \"%s...\"",
				 c->clocks, c->reference, r->available, r->measured, r->reason, c->available,
				 c->reason_start);
		bool found = c->finding == NULL;
		for (unsigned f = 0; f < r->finding_count; f++)
			found |= c->finding && !strcmp(r->findings[f], c->finding);
		if (!found)
			fail_msg("%s: finding \"%s\" missing", c->clocks, c->finding);
		/* Bounded: a few windows' deadlines, not forever. */
		if (sim_now_seconds(&sim) > 120)
			fail_msg("%s: the probe took %.0f s of virtual time", c->clocks, sim_now_seconds(&sim));
		assert_true(report.tsc.valid); /* the other references still give the answer */
	}
}

/* A counter that steps backwards is counted, never taken for a wrap (which would add a whole period). */
static void test_a_pm_timer_stepping_backwards_is_counted_not_wrapped(void **state)
{
	(void)state;
	load(2000000000ull, 1,
	     "\"pm_timer\": {\"fault\": \"backwards\", \"fault_at_s\": 1.0, \"backwards_ticks\": 3000}");
	run_probe(0.5, 2);
	const struct reference_report *pm = ref("acpi_pm");
	assert_true(pm->backward_steps + pm->jumps_backward > 0);
	assert_int_equal(pm->jumps_forward, 0);
	assert_false(report.tsc.rate_change.seen); /* the PM timer's own step explains its figure, not the TSC */
	assert_true(pm->measured);
	assert_string_equal(pm->findings[pm->finding_count - 1],
			    "it went backwards during the measurement: not monotonic");
	/* Had the step been taken for a wrap, the estimate would be off by 2^24 ticks: thousands of ppm. */
	assert_true(fabs(pm->tsc_hz / expected_tsc_hz("acpi_pm") - 1) < 1e-3);
}

/* The probe leaves every device as it found it: HPET configuration, PIT gate, LAPIC timer. */
static void test_the_machine_is_left_as_found(void **state)
{
	static const char *const setups[] = {
		"\"hpet\": {\"enabled\": false}, \"pit\": {\"port61\": 0}",
		"\"hpet\": {\"enabled\": true}, \"pit\": {\"port61\": 3}, \"lapic\": {\"firmware_tick\": {\"mode\": "
		"\"periodic\", \"initial_count\": 1000000, \"divide\": 1, \"vector\": 32}}",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(setups) / sizeof(setups[0]); i++) {
		load(2000000000ull, 1, setups[i]);
		sim_init(&sim, &config);
		uint64_t hpet_conf = sim.hpet.gen_conf;
		uint8_t port61 = sim.pit.port61;
		struct sim_lapic_state lapic = sim.lapic;
		struct probe_settings settings;
		probe_defaults(&settings, "test");
		settings.window_s = 0.1;
		settings.edge_window_s = 2;
		probe_run(&sim.machine, &settings, &report);
		if (sim.hpet.gen_conf != hpet_conf || sim.pit.port61 != port61 ||
		    sim.lapic.lvt_timer != lapic.lvt_timer || sim.lapic.initial_count != lapic.initial_count ||
		    sim.lapic.divide_config != lapic.divide_config)
			fail_msg(
				"%s: not left as found: HPET conf %llx->%llx, port 0x61 %x->%x, LVT %x->%x, initial %u->%u, "
				"divide %x->%x",
				setups[i], (unsigned long long)hpet_conf, (unsigned long long)sim.hpet.gen_conf, port61,
				sim.pit.port61, lapic.lvt_timer, sim.lapic.lvt_timer, lapic.initial_count,
				sim.lapic.initial_count, lapic.divide_config, sim.lapic.divide_config);
	}
}

/* A firmware tick on the LAPIC is read as it runs; an idle LAPIC timer is programmed, masked, and put back. */
static void test_lapic_detail_says_whether_the_firmware_tick_was_left_untouched(void **state)
{
	(void)state;
	load(2000000000ull, 1,
	     "\"lapic\": {\"firmware_tick\": {\"mode\": \"periodic\", \"initial_count\": 1000000, \"divide\": 1, "
	     "\"vector\": 32}}");
	run_probe(0.1, 2);
	/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker): ref() fails the test on NULL; cmocka 1.1 does not mark a failed assertion as not returning */
	assert_non_null(strstr(ref("lapic")->detail, "read untouched"));
	load(2000000000ull, 1, "");
	run_probe(0.1, 2);
	/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker): as above */
	assert_non_null(strstr(ref("lapic")->detail, "configuration restored"));
	assert_true(ref("lapic")->measured);
}

/* The fit alone: exact samples give the exact ratio, and too few samples give a reason. */
static void test_fit_of_exact_samples_gives_the_exact_ratio(void **state)
{
	struct calib_sample samples[100];
	struct calib_result result = {0};
	(void)state;
	for (uint32_t i = 0; i < 100; i++) /* 3,400,109,000 Hz against a 3,579,545 Hz counter, 10 ms apart */
		samples[i] = (struct calib_sample){35795ull * i, 34001090ull * i + 1000, 34001090ull * i + 1040};
	calib_fit(samples, 100, 3579500.0, 1.0, false, &result);
	assert_true(result.valid);
	assert_true(fabs(result.ratio - 34001090.0 / 35795.0) < 1e-9);
	assert_true(result.fit_ppm < 1e-6);
	assert_int_equal(result.jumps_backward + result.jumps_forward, 0);
	assert_true(result.uncertainty_ppm > 0); /* quantisation and bracket still count */
	/* At most three standard errors of samples off by a tick plus a 40-tick bracket (see slope_limit_ppm). */
	double tick_and_read = 1 + 40 / result.ratio, span = 35795.0 * 99;
	assert_true(result.uncertainty_ppm <= slope_limit_ppm(tick_and_read, span, 100));

	calib_fit(samples, 2, 3579500.0, 1.0, false, &result);
	assert_false(result.valid);
	assert_string_equal(result.reason, "fewer than 3 usable samples");
}

/* Brackets that grow over the window tilt the line: the uncertainty must cover it. */
static void test_growing_brackets_widen_the_uncertainty(void **state)
{
	struct calib_sample steady[90], growing[90];
	struct calib_result a = {0}, b = {0};
	(void)state;
	for (uint32_t i = 0; i < 90; i++) {
		steady[i] = (struct calib_sample){1000ull * i, 1000000ull * i, 1000000ull * i + 500};
		uint64_t width = i < 45 ? 500 : 2500; /* e.g. -icount shift=auto changing its time per instruction */
		growing[i] = (struct calib_sample){1000ull * i, 1000000ull * i, 1000000ull * i + width};
	}
	calib_fit(steady, 90, 1e6, 1.0, false, &a);
	calib_fit(growing, 90, 1e6, 1.0, false, &b);
	assert_true(b.bracket_ppm > 10 * a.bracket_ppm);
	/* Midpoints moved by 1000 ticks half way: the slope is off by that over the span, and the band holds it. */
	assert_true(fabs(b.ratio / 1000.0 - 1) * 1e6 <= b.uncertainty_ppm);
	/* Yet no more than the whole widening, 2000 ticks, over the 89,000,000-tick span: reads anywhere in it. */
	assert_true(b.uncertainty_ppm <= 1e6 * 2000 / 89e6);
}

struct unwrap_step {
	uint64_t raw;
	uint64_t total;
};

static void test_counter_arithmetic_is_wrap_safe_at_every_width(void **state)
{
	(void)state;
	assert_int_equal(counter_delta(0xfffff0, 0x10, counter_modulus(24)), 0x20);
	assert_int_equal(counter_delta(0xfffffff0u, 0x10, counter_modulus(32)), 0x20);
	assert_int_equal(counter_delta(0xfff0, 0x10, counter_modulus(16)), 0x20);
	assert_int_equal(counter_delta(~0ull - 0xf, 0x10, counter_modulus(64)), 0x20);
	assert_int_equal(counter_delta(9999990, 5, 10000001), 16); /* LAPIC periodic: initial count + 1 */

	struct counter_unwrap u;
	counter_unwrap_init(&u, counter_modulus(24));
	static const struct unwrap_step steps[] = {
		{0xfffff0, 0},        {0x000010, 0x20},
		{0x800000, 0x800010}, {0x7fff00, 0x800010} /* backwards: ignored */,
		{0x800100, 0x800110},
	};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		assert_int_equal(counter_unwrap(&u, steps[i].raw), steps[i].total);
	assert_int_equal(u.backward_steps, 1);

	/* Read 2.25 periods later: the raw step shows a quarter, the outside clock says two more periods passed. */
	counter_unwrap_init(&u, 1000);
	counter_unwrap(&u, 100);
	assert_int_equal(counter_unwrap_expecting(&u, 350, 2250.0), 2250);
	assert_int_equal(u.gaps_bridged, 1);
	assert_int_equal(counter_unwrap_expecting(&u, 360, 10.0), 2260);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_every_reference_finds_the_true_rate_within_its_uncertainty_for_many_seeds_and_rates),
		cmocka_unit_test(test_lapic_rate_is_measured_through_the_tsc_estimate),
		cmocka_unit_test(test_counters_are_followed_across_their_wraps),
		cmocka_unit_test(test_wide_brackets_are_rejected_and_the_result_stays_honest),
		cmocka_unit_test(test_a_reference_on_another_clock_is_flagged_as_disagreeing),
		cmocka_unit_test(test_broken_clocks_become_reasons_not_hangs),
		cmocka_unit_test(test_a_pm_timer_stepping_backwards_is_counted_not_wrapped),
		cmocka_unit_test(test_the_machine_is_left_as_found),
		cmocka_unit_test(test_lapic_detail_says_whether_the_firmware_tick_was_left_untouched),
		cmocka_unit_test(test_fit_of_exact_samples_gives_the_exact_ratio),
		cmocka_unit_test(test_growing_brackets_widen_the_uncertainty),
		cmocka_unit_test(test_counter_arithmetic_is_wrap_safe_at_every_width),
	};
	return cmocka_run_group_tests_name("calibration", tests, NULL, NULL);
}
