/* The drift watch on the simulated machine: minutes or hours of virtual time, against known truth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "accuracy.h"
#include "probe.h"
#include "scenario.h"
#include "testdata.h"

static struct sim_config config;
static struct sim sim;
static struct report report;
static struct probe probe;
static struct watch_workspace workspace;
static char csv_text[1 << 20];

static void load(const char *name)
{
	char error[256], relative[128];
	snprintf(relative, sizeof(relative), "scenarios/%s", name);
	if (!scenario_load_file(testdata_path(relative), &config, error, sizeof(error)))
		fail_msg("%s: %s", name, error);
}

static unsigned samples_until_stop;
static bool stop_after_samples(void *ctx)
{
	(void)ctx;
	return report.watch.samples >= samples_until_stop;
}

/* Short calibration, no idle section, then a watch of duration_s, the CSV kept in csv_text. */
static void watch(double duration_s, double interval_s, bool (*stop)(void *))
{
	struct probe_settings settings;
	struct buffer_sink csv;
	probe_defaults(&settings, "test");
	settings.window_s = 0.2;
	settings.edge_window_s = 2;
	settings.idle.enabled = false;
	buffer_sink_init(&csv, csv_text, sizeof(csv_text));
	struct watch_settings w = {
		.duration_s = duration_s, .interval_s = interval_s, .stop_requested = stop, .csv = &csv.sink};
	sim_init(&sim, &config);
	probe_start(&probe, &sim.machine, &settings, &report);
	probe_watch(&probe, &w, &workspace);
	probe_finish(&probe);
}

static const struct watch_series *series(const char *name)
{
	for (unsigned i = 0; i < report.watch.series_count; i++)
		if (!strcmp(report.watch.series[i].name, name))
			return &report.watch.series[i];
	fail_msg("no watch series %s", name);
	return NULL;
}

static const struct verdict *verdict(const char *id)
{
	return testdata_verdict(&report, id);
}

/*
 * A trusting clock's series is the TSC through the claimed rate, less the reference's time: each reading off by up to
 * a tick of the reference plus a read. Its drift may honestly be as uncertain as three standard errors of a slope
 * through such readings, with the two end readings each that far off; its prediction as the reference's calibration.
 */
static void expect_claim_series_not_inflated(const struct watch_series *s)
{
	double reading_s = reading_error_s(&config, &report, report.watch.reference);
	double span_s = report.watch.duration_s;
	double limit_ppm =
		hypot(slope_limit_ppm(reading_s, span_s, report.watch.samples), 1e6 * 2 * reading_s / span_s);
	if (s->uncertainty_ppm > limit_ppm)
		fail_msg(
			"%s: drift +/- %.6f ppm over %.0f s and %u samples, more than the %.6f ppm the scenario allows",
			s->name, s->uncertainty_ppm, span_s, report.watch.samples, limit_ppm);
	assert_true(s->prediction_uncertainty_ppm <= reference_limit_ppm(&config, &report, report.watch.reference));
}

/* The case the product exists for: after 5 minutes, a kvmclock-trusting clock is 6.7 s behind. */
static void test_virtualbox_5_kvmclock_trusting_clock_is_6_7_s_behind_after_5_minutes(void **state)
{
	(void)state;
	load("virtualbox-5.0-kvm.json");
	watch(300, 10, NULL);
	const struct watch_series *s = series("claim.kvmclock.4b564d01");
	if (fabs(s->final_offset_s + 6.74) > 0.1)
		fail_msg("kvmclock-trusting clock %+.3f s after 300 s, expected -6.74 +/- 0.1", s->final_offset_s);
	assert_true(fabs(s->drift_ppm - s->predicted_ppm) <= s->uncertainty_ppm + s->prediction_uncertainty_ppm);
	expect_claim_series_not_inflated(s);
	const struct verdict *v = verdict("watch.claim.kvmclock.4b564d01");
	assert_non_null(v);
	assert_int_equal(v->severity, SEVERITY_FAIL);
	assert_non_null(strstr(v->message, ", as observed"));
	/* The clocks on guest time stay put. */
	assert_true(fabs(series("tsc")->final_offset_s) < 1e-3);
	assert_int_equal(report.watch.samples, 31);
}

/* A TSC that changes rate two minutes in: flagged, with the time it happened. */
static void test_a_rate_change_is_flagged_at_the_right_time(void **state)
{
	(void)state;
	load("tsc-rate-change.json");
	watch(300, 5, NULL);
	const struct watch_series *tsc = series("tsc");
	if (!tsc->rate_changed || fabs(tsc->change_at_s - 120) > 10)
		fail_msg("TSC rate change %s at %.0f s, expected at 120 s", tsc->rate_changed ? "found" : "not found",
			 tsc->change_at_s);
	assert_true(fabs(tsc->rate_before_ppm) < 50);
	assert_true(fabs(tsc->rate_after_ppm + 2000) < 100);
	assert_non_null(verdict("watch.tsc.rate_change"));
	assert_false(series("acpi_pm")->rate_changed);
}

/* The CSV has a header naming every series and one row per sample. */
static void test_the_time_series_is_a_csv_row_per_sample(void **state)
{
	(void)state;
	load("kvm.json");
	watch(60, 10, NULL);
	assert_int_equal(strncmp(csv_text, "elapsed_s,tsc_offset_s,", 23), 0);
	unsigned lines = 0;
	for (const char *p = csv_text; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 1 + report.watch.samples);
	assert_non_null(strstr(csv_text, "claim.kvmclock.4b564d01_offset_s"));
}

/* A key press ends the watch early: the summary still stands, and says so. */
static void test_a_watch_stopped_early_still_summarises(void **state)
{
	(void)state;
	load("kvm.json");
	samples_until_stop = 4;
	watch(600, 10, stop_after_samples);
	assert_true(report.watch.stopped_early);
	assert_int_equal(report.watch.samples, 4);
	assert_true(report.watch.duration_s < 60);
	assert_non_null(verdict("watch.summary"));
	/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker): asserted just above; cmocka 1.1 does not mark a failed assertion as not returning */
	assert_non_null(strstr(verdict("watch.summary")->message, "stopped early"));
}

/* A day of watching at 10 s: the kept samples stay bounded, and the fit still finds the drift. */
static void test_a_day_long_watch_keeps_bounded_samples(void **state)
{
	(void)state;
	load("virtualbox-5.0-kvm.json");
	/* A platform interrupt once a second, and no second-ticking clocks (each sample spins for their
	 * edge): the drift depends on neither, and a simulated day stays cheap. */
	config.idle.wake_interval_ps = 1000000000000ull;
	config.clocks.rtc.present = false;
	config.clocks.uefi_time.present = false;
	watch(86400, 10, NULL);
	assert_true(workspace.kept <= WATCH_MAX_SAMPLES);
	assert_true(workspace.stride > 1);
	assert_true(report.watch.samples > WATCH_MAX_SAMPLES);
	const struct watch_series *s = series("claim.kvmclock.4b564d01");
	assert_true(fabs(s->final_offset_s + 1941.6) < 1); /* 1941.6 s per day, as the verdict predicts */
}

/* A watched clock passes only when its uncertainty could have shown a failing one: an erratic clock is a warning. */
static void test_a_drift_too_uncertain_to_judge_is_a_warning_not_a_pass(void **state)
{
	static const struct {
		double drift_ppm, uncertainty_ppm;
		enum severity severity;
		bool too_uncertain;
	} cases[] = {
		{5, 100, SEVERITY_PASS, false},      {300, 400, SEVERITY_PASS, false},
		{300, 100, SEVERITY_WARN, false},    {900, 100, SEVERITY_FAIL, false},
		{5, 600, SEVERITY_WARN, true},       {9883, 515850, SEVERITY_WARN, true},
		{-800000, 900, SEVERITY_FAIL, true},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&report, 0, sizeof(report));
		report.watch.ran = true;
		report.watch.series_count = 1;
		strcpy(report.watch.series[0].name, "rtc");
		strcpy(report.watch.series[0].label, "RTC (CMOS)");
		report.watch.series[0].drift_ppm = cases[i].drift_ppm;
		report.watch.series[0].uncertainty_ppm = cases[i].uncertainty_ppm;
		verdicts_run(&report);
		const struct verdict *v = verdict("watch.rtc");
		assert_non_null(v);
		if (v->severity != cases[i].severity ||
		    (strstr(v->message, "too uncertain to judge") != NULL) != cases[i].too_uncertain)
			fail_msg("%+.0f ppm +/- %.0f: %s \"%s\"", cases[i].drift_ppm, cases[i].uncertainty_ppm,
				 severity_name(v->severity), v->message);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_virtualbox_5_kvmclock_trusting_clock_is_6_7_s_behind_after_5_minutes),
		cmocka_unit_test(test_a_rate_change_is_flagged_at_the_right_time),
		cmocka_unit_test(test_the_time_series_is_a_csv_row_per_sample),
		cmocka_unit_test(test_a_watch_stopped_early_still_summarises),
		cmocka_unit_test(test_a_day_long_watch_keeps_bounded_samples),
		cmocka_unit_test(test_a_drift_too_uncertain_to_judge_is_a_warning_not_a_pass),
	};
	return cmocka_run_group_tests_name("watch", tests, NULL, NULL);
}
