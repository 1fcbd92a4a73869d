/* Every shipped scenario through the whole probe: the verdicts each hypervisor must get, and the motivating cases' figures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "accuracy.h"
#include "report.h"
#include "scenario.h"
#include "testdata.h"

#define HALF_KHZ 500.0 /* the resolution of a figure given in kHz */

static struct sim_config config;
static struct sim sim;
static struct report report;

/* A shipped scenario, loaded into config and a fresh simulated machine. */
static void load_scenario(const char *name)
{
	char error[256], relative[128];

	snprintf(relative, sizeof(relative), "scenarios/%s", name);
	if (!scenario_load_file(testdata_path(relative), &config, error, sizeof(error)))
		fail_msg("%s: %s", name, error);
	sim_init(&sim, &config);
}

static void run_scenario(const char *name)
{
	/* Idle periods of 10 ms: enough for every state's verdict, quick for fifteen scenarios. */
	static const uint32_t idle_us[] = {10000};
	load_scenario(name);
	testdata_run_probe(&sim, &report, idle_us, 1);
}

static const struct verdict *verdict(const char *id)
{
	return testdata_verdict(&report, id);
}

static void show_verdicts(void)
{
	for (unsigned i = 0; i < report.verdict_count; i++)
		print_message("    %s %s: %s\n", severity_name(report.verdicts[i].severity), report.verdicts[i].id,
			      report.verdicts[i].message);
}

/* Paravirtual clock pages off again, and the invariant-TSC control never touched. */
static void expect_paravirtual_state_restored(const char *scenario)
{
	if (sim.kvmclock.system_time_msr != 0 || sim.hyperv.reference_tsc_msr != 0)
		fail_msg("%s: left enabled: kvmclock MSR 0x%llx, Hyper-V reference TSC MSR 0x%llx", scenario,
			 (unsigned long long)sim.kvmclock.system_time_msr,
			 (unsigned long long)sim.hyperv.reference_tsc_msr);
	for (uint32_t i = 0; i < sim.trace.msr_write_count; i++)
		if (sim.trace.msr_write_log[i].msr == 0x40000118)
			fail_msg("%s: wrote HV_X64_MSR_TSC_INVARIANT_CONTROL, which changes what CPUID reports",
				 scenario);
	if (sim.trace.unbacked_page_writes)
		fail_msg("%s: a clock page was enabled at memory the probe does not own", scenario);
}

struct expected_verdict {
	const char *id;
	enum severity severity;
};

struct scenario_case {
	const char *scenario;
	struct expected_verdict verdicts[6];
	const char *no_verdict; /* an id that must not appear, or NULL */
};

static const struct scenario_case cases[] = {
	{"qemu-tcg.json",
	 {{"claims.none", SEVERITY_INFO},
	  {"timing_leaf.not_offered.40000000", SEVERITY_INFO},
	  {"invariant_tsc.absent", SEVERITY_WARN},
	  {"tsc.measured", SEVERITY_PASS}},
	 "fault"},
	{"kvm.json", {{"claim.kvmclock.4b564d01", SEVERITY_PASS}, {"claims.single", SEVERITY_INFO}}, "fault"},
	{"kvm-timing-leaf.json",
	 {{"claim.kvmclock.4b564d01", SEVERITY_PASS}, {"claim.cpuid_timing_leaf.40000000", SEVERITY_PASS}},
	 "fault"},
	{"kvm-hyperv.json",
	 {{"claim.kvmclock.4b564d01", SEVERITY_PASS},
	  {"claim.hyperv_tsc_frequency_msr.40000022", SEVERITY_PASS},
	  {"claim.hyperv_reference_tsc_page.40000021", SEVERITY_PASS}},
	 "fault"},
	{"hyperv-gen2.json",
	 {{"claim.hyperv_tsc_frequency_msr.40000022", SEVERITY_PASS},
	  {"claim.hyperv_reference_tsc_page.40000021", SEVERITY_PASS},
	  {"invariant_tsc.absent", SEVERITY_WARN}},
	 "fault"},
	{"virtualbox-5.0-kvm.json",
	 {{"claim.kvmclock.4b564d01", SEVERITY_FAIL},
	  {"reference.kvmclock.disagrees", SEVERITY_WARN},
	  {"invariant_tsc.absent", SEVERITY_WARN}},
	 "fault"},
	{"virtualbox-hyperv.json",
	 {{"claim.hyperv_tsc_frequency_msr.40000022", SEVERITY_PASS},
	  {"claim.hyperv_reference_tsc_page.40000021", SEVERITY_PASS}},
	 "fault"},
	{"virtualbox-minimal.json",
	 {{"claim.cpuid_timing_leaf.40000000", SEVERITY_PASS}, {"claims.single", SEVERITY_INFO}},
	 "fault"},
	{"vmware.json",
	 {{"claim.cpuid_timing_leaf.40000000", SEVERITY_PASS}, {"claim.vmware_backdoor.00005658", SEVERITY_PASS}},
	 "fault"},
	{"xen-viridian.json",
	 {{"claim.xen_time_leaf.40000100", SEVERITY_PASS}, {"claim.xen_time_scale.40000100", SEVERITY_PASS}},
	 "xen.time_leaf.contradiction"},
	{"xen-scaled-contradiction.json",
	 {{"claim.xen_time_leaf.40000100", SEVERITY_PASS},
	  {"claim.xen_time_scale.40000100", SEVERITY_FAIL},
	  {"xen.time_leaf.contradiction", SEVERITY_WARN},
	  {"xen.host_tsc", SEVERITY_INFO}},
	 NULL},
	{"kvm-old-host.json",
	 {{"claim.kvmclock.4b564d01", SEVERITY_FAIL}, {"hypervisor.kvm_zero.40000000", SEVERITY_INFO}},
	 "claims.none"},
	{"tsc-changes-mid-calibration.json",
	 {{"tsc.rate_changed", SEVERITY_FAIL},
	  {"invariant_tsc.contradicted", SEVERITY_WARN},
	  {"tsc.measured", SEVERITY_PASS}},
	 "reference.rtc.disagrees"},
	{"two-timing-leaves.json",
	 {{"claim.cpuid_timing_leaf.40000000", SEVERITY_PASS}, {"claim.cpuid_timing_leaf.40000100", SEVERITY_FAIL}},
	 "claims.single"},
	{"bhyve.json", {{"claims.none", SEVERITY_INFO}, {"timing_leaf.not_offered.40000000", SEVERITY_INFO}}, "fault"},
	{"hyperv-c3-remap.json",
	 {{"idle.mwait.C2.tsc", SEVERITY_FAIL},
	  {"idle.mwait.C2.lapic", SEVERITY_WARN},
	  {"idle.hlt.C1.tsc", SEVERITY_PASS},
	  {"invariant_tsc.absent", SEVERITY_WARN}},
	 "fault"},
	{"hyperv-invariant-tsc.json",
	 {{"idle.mwait.C2.tsc", SEVERITY_PASS}, {"idle.hlt.C1.tsc", SEVERITY_PASS}},
	 "idle.mwait.C2.lapic"},
	{"kvm-cpu-pm.json",
	 {{"idle.mwait.C1.tsc", SEVERITY_PASS}, {"claim.kvmclock.4b564d01", SEVERITY_PASS}},
	 "fault"},
	{"qemu-tcg-smp2-mwait.json",
	 {{"idle.mwait.returns_at_once", SEVERITY_WARN},
	  {"idle.hlt.C1.tsc", SEVERITY_PASS},
	  {"timing_leaf.not_offered.40000000", SEVERITY_INFO}},
	 "idle.mwait.C1.tsc"},
	{"garbage-max-leaf.json",
	 {{"timing_leaf.not_offered.40000000", SEVERITY_INFO}, {"timing_leaf.not_offered.40000100", SEVERITY_INFO}},
	 NULL},
};

static void test_every_shipped_scenario_gets_its_verdicts(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct scenario_case *c = &cases[i];
		run_scenario(c->scenario);
		for (size_t k = 0; k < sizeof(c->verdicts) / sizeof(c->verdicts[0]) && c->verdicts[k].id; k++) {
			const struct verdict *v = verdict(c->verdicts[k].id);
			if (!v || v->severity != c->verdicts[k].severity) {
				show_verdicts();
				fail_msg("%s: expected %s %s, got %s", c->scenario,
					 severity_name(c->verdicts[k].severity), c->verdicts[k].id,
					 v ? severity_name(v->severity) : "nothing");
			}
		}
		if (c->no_verdict && verdict(c->no_verdict)) {
			show_verdicts();
			fail_msg("%s: unexpected verdict %s", c->scenario, c->no_verdict);
		}
		if (sim.trace.cpuid_beyond_max)
			fail_msg("%s: read CPUID 0x%08x beyond a max leaf", c->scenario,
				 sim.trace.first_beyond_max_leaf);
		expect_paravirtual_state_restored(c->scenario);
	}
}

/* The product's reason to exist: VirtualBox 5.0's kvmclock scale, 3,478,274,491 Hz for a 3,400,109,000 Hz TSC. */
static void test_virtualbox_5_kvmclock_loses_6_74_s_every_5_minutes(void **state)
{
	(void)state;
	run_scenario("virtualbox-5.0-kvm.json");
	const struct verdict *v = verdict("claim.kvmclock.4b564d01");
	assert_non_null(v);
	assert_int_equal(v->severity, SEVERITY_FAIL);
	assert_true(v->has_figures);
	assert_true(fabs(v->ppm - 22989) < 5);                /* +2.30 % */
	assert_true(fabs(v->drift_s_per_5min + 6.74) < 0.01); /* loses 6.74 s per 5 min */
	assert_true(fabs(v->drift_s_per_day + 1941.6) < 1);   /* about 1941 s per day */
	assert_non_null(strstr(v->message, "claims 3478.274 MHz"));
	assert_non_null(strstr(v->message, "measured 3400.109 MHz"));
	assert_non_null(strstr(v->message, "(+2.30 %)"));
	assert_non_null(strstr(v->message, "runs slow: loses 6.74 s every 5 min (1941.6 s per day)"));
	assert_true(fabs(report.tsc.hz / 3400109000.0 - 1) * 1e6 <= report.tsc.uncertainty_ppm);
	assert_true(report.tsc.uncertainty_ppm <= reference_limit_ppm(&config, &report, report.tsc.reference));
	assert_string_not_equal(report.tsc.reference, "kvmclock"); /* a clock computed from the TSC never judges it */
}

/* VMware tells the truth in CPUID 0x40000010: what Linux prints as "TSC freq read from hypervisor". */
static void test_vmware_timing_leaf_and_backdoor_agree_with_the_measurement(void **state)
{
	(void)state;
	run_scenario("vmware.json");
	for (unsigned i = 0; i < report.verdict_count; i++)
		assert_int_not_equal(report.verdicts[i].severity, SEVERITY_FAIL);
	const struct verdict *leaf = verdict("claim.cpuid_timing_leaf.40000000");
	assert_non_null(leaf);
	/* kHz resolution: the claim can be off by up to 500 Hz, and that is within its combined uncertainty; which holds
	 * no more than those 500 Hz and what the measurement may honestly add. */
	assert_true(fabs(leaf->ppm) <= leaf->combined_uncertainty_ppm);
	assert_true(leaf->combined_uncertainty_ppm <= hypot(reference_limit_ppm(&config, &report, report.tsc.reference),
							    1e6 * HALF_KHZ / sim.truth.tsc_hz));
}

/* Under TCG the only base has max leaf 0x40000001: the probe reports no claim and reads nothing beyond it. */
static void test_tcg_reports_no_claims_and_no_faults(void **state)
{
	(void)state;
	run_scenario("qemu-tcg.json");
	assert_int_equal(report.claims.count, 0);
	assert_int_equal(report.faults.count, 0);
	assert_int_equal(sim.trace.cpuid_beyond_max, 0);
}

/* --quick on a scenario: the finest counter alone (name), the others available but left saying why; no idle. */
static void expect_quick_run(const char *scenario, const char *only)
{
	struct probe_settings settings;

	load_scenario(scenario);
	probe_defaults(&settings, "test");
	settings.quick = true;
	settings.window_s = PROBE_QUICK_WINDOW_S;
	settings.idle.enabled = false;
	probe_run(&sim.machine, &settings, &report);

	assert_string_equal(report.mode, "quick");
	unsigned measured = 0, left = 0;
	for (unsigned i = 0; i < report.reference_count; i++) {
		const struct reference_report *ref = &report.references[i];
		measured += ref->measured;
		if (ref->available && !ref->measured) {
			left++;
			assert_non_null(strstr(ref->reason, "--quick"));
		}
	}
	assert_int_equal(measured, 1);
	assert_true(left > 0);
	assert_string_equal(report.tsc.reference, only);
	assert_true(fabs(report.tsc.hz / sim.truth.tsc_hz - 1) * 1e6 <= report.tsc.uncertainty_ppm);
	assert_true(report.tsc.uncertainty_ppm <= 1.0); /* the answer --quick promises */
	assert_int_equal(report.idle.run_count, 0);
	expect_paravirtual_state_restored(scenario);
}

/* --quick keeps the claims and their verdicts: VirtualBox 5.0's wrong kvmclock scale fails as in a full run. */
static void test_quick_mode_times_the_tsc_against_the_finest_counter_alone(void **state)
{
	(void)state;
	expect_quick_run("kvm-hyperv.json", "hpet");
	expect_quick_run("virtualbox-5.0-kvm.json", "acpi_pm"); /* no HPET: the PM timer */
	const struct verdict *v = verdict("claim.kvmclock.4b564d01");
	assert_non_null(v);
	assert_int_equal(v->severity, SEVERITY_FAIL);
	assert_true(fabs(v->drift_s_per_5min + 6.74) < 0.01);
}

/* A scenario with the default windows and no idle phase, the references in one shared window or one by one. */
static void run_default_windows(const char *scenario, bool sequential, struct report *out)
{
	struct probe_settings settings;

	load_scenario(scenario);
	probe_defaults(&settings, "test");
	settings.sequential = sequential;
	settings.idle.enabled = false;
	probe_run(&sim.machine, &settings, out);
	assert_string_equal(out->mode, sequential ? "sequential" : "full");
}

/*
 * The shared window takes the longest reference's time, not the sum: under a third of the sequential run here. Every
 * counter spans the edge clocks' window in it, so it is more precise; the edge clocks time the same ticks as alone,
 * to within the spread of a four-point fit.
 */
static void test_one_shared_window_takes_a_third_of_the_time_at_no_loss_of_precision(void **state)
{
	static struct report sequential;
	(void)state;
	run_default_windows("kvm.json", true, &sequential);
	double sequential_s = sim_now_seconds(&sim);
	run_default_windows("kvm.json", false, &report);
	double shared_s = sim_now_seconds(&sim);
	if (shared_s > sequential_s / 3)
		fail_msg("shared window %.2f s, sequential %.2f s: not under a third", shared_s, sequential_s);
	for (unsigned i = 0; i < report.reference_count; i++) {
		const struct reference_report *shared = &report.references[i], *alone = &sequential.references[i];
		if (!alone->measured)
			continue;
		double allowed = alone->edges ? 1.15 * alone->uncertainty_ppm : alone->uncertainty_ppm;
		if (!shared->measured || shared->uncertainty_ppm > allowed)
			fail_msg("%s: +/- %.4f ppm in the shared window, +/- %.4f ppm alone", shared->name,
				 shared->uncertainty_ppm, alone->uncertainty_ppm);
		if (shared->tsc_hz > 0 && fabs(shared->tsc_hz / sim.truth.tsc_hz - 1) * 1e6 > shared->uncertainty_ppm)
			fail_msg("%s: %.3f Hz, truth %.3f Hz, outside +/- %.4f ppm", shared->name, shared->tsc_hz,
				 sim.truth.tsc_hz, shared->uncertainty_ppm);
	}
}

/*
 * A TSC that changes rate by -2000 ppm during the calibration: one by one, the clocks measured late disagree with
 * those measured early; in one shared window every counter bends alike between its first and last quarter. Either
 * way the TSC is blamed, with the change's size, and the figures kept are its rate after the change.
 */
static void test_a_rate_change_is_found_in_a_shared_window_and_one_by_one(void **state)
{
	(void)state;
	for (int sequential = 0; sequential <= 1; sequential++) {
		run_default_windows("tsc-changes-mid-calibration.json", sequential, &report);
		const struct tsc_rate_change *change = &report.tsc.rate_change;
		if (!change->seen || fabs(change->ppm + 2000) > change->uncertainty_ppm + 1)
			fail_msg("%s: rate change %s, %+.3f +/- %.3f ppm", sequential ? "sequential" : "shared",
				 change->seen ? "seen" : "not seen", change->ppm, change->uncertainty_ppm);
		assert_true(fabs(report.tsc.hz / (sim.truth.tsc_hz * (1 - 2000e-6)) - 1) * 1e6 <=
			    report.tsc.uncertainty_ppm + 0.01);
		assert_non_null(verdict("tsc.rate_changed"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_shipped_scenario_gets_its_verdicts),
		cmocka_unit_test(test_virtualbox_5_kvmclock_loses_6_74_s_every_5_minutes),
		cmocka_unit_test(test_vmware_timing_leaf_and_backdoor_agree_with_the_measurement),
		cmocka_unit_test(test_tcg_reports_no_claims_and_no_faults),
		cmocka_unit_test(test_quick_mode_times_the_tsc_against_the_finest_counter_alone),
		cmocka_unit_test(test_one_shared_window_takes_a_third_of_the_time_at_no_loss_of_precision),
		cmocka_unit_test(test_a_rate_change_is_found_in_a_shared_window_and_one_by_one),
	};
	return cmocka_run_group_tests_name("scenarios", tests, NULL, NULL);
}
