/* Idle experiments on the simulated machine: the Hyper-V C2-to-C3 remap is caught with the right size, honest states pass. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "scenario.h"
#include "testdata.h"

static struct sim_config config;
static struct sim sim;
static struct report report;

static void load(const char *name)
{
	char error[256], relative[128];
	snprintf(relative, sizeof(relative), "scenarios/%s", name);
	if (!scenario_load_file(testdata_path(relative), &config, error, sizeof(error)))
		fail_msg("%s: %s", name, error);
}

/* The idle durations the issue names, once each. */
static void run(void)
{
	static const uint32_t idle_us[] = {1000, 10000, 100000};
	sim_init(&sim, &config);
	testdata_run_probe(&sim, &report, idle_us, 3);
}

static const struct verdict *verdict(const char *id)
{
	return testdata_verdict(&report, id);
}

static void expect_verdict(const char *id, enum severity severity, const char *message_part)
{
	const struct verdict *v = verdict(id);
	if (!v || v->severity != severity || (message_part && !strstr(v->message, message_part))) {
		for (unsigned i = 0; i < report.verdict_count; i++)
			print_message("    %s %s: %s\n", severity_name(report.verdicts[i].severity), report.verdicts[i].id,
				      report.verdicts[i].message);
		fail_msg("expected %s %s containing \"%s\"", severity_name(severity), id, message_part ? message_part : "");
	}
}

/* Hyper-V asks for C2, the host BIOS gives C3: the TSC and the LAPIC timer stop there. */
static void test_hyperv_c2_remapped_to_c3_loses_the_idle_time(void **state)
{
	(void)state;
	load("hyperv-c3-remap.json");
	run();
	expect_verdict("idle.mwait.C2.tsc", SEVERITY_FAIL, "The TSC stops in MWAIT C2");
	expect_verdict("idle.mwait.C2.tsc", SEVERITY_FAIL, "a guest without invariant TSC falls behind whenever it idles");
	expect_verdict("idle.mwait.C2.lapic", SEVERITY_WARN, "ARAT is not advertised");
	expect_verdict("idle.hlt.C1.tsc", SEVERITY_PASS, "keeps counting");
	expect_verdict("idle.mwait.C1.tsc", SEVERITY_PASS, "keeps counting");

	unsigned c2_runs = 0;
	for (unsigned i = 0; i < report.idle.run_count; i++) {
		const struct idle_run *r = &report.idle.runs[i];
		if (r->kind != IDLE_KIND_MWAIT || r->hint != 0x10)
			continue;
		c2_runs++;
		assert_true(r->done);
		/* The TSC stood still for the whole sleep; only the moments awake between wakes counted. */
		if (r->tsc_lost_us < 0.9 * r->actual_us || r->tsc_lost_us > r->actual_us)
			fail_msg("C2 for %.0f us: %.1f us lost of %.1f us, expected nearly all", r->requested_us, r->tsc_lost_us,
				 r->actual_us);
	}
	assert_int_equal(c2_runs, 3);
}

/* The same machine with invariant TSC and ARAT exposed: nothing is lost anywhere. */
static void test_hyperv_with_invariant_tsc_loses_nothing(void **state)
{
	(void)state;
	load("hyperv-invariant-tsc.json");
	run();
	for (unsigned i = 0; i < report.verdict_count; i++)
		if (!strncmp(report.verdicts[i].id, "idle.", 5) && report.verdicts[i].severity != SEVERITY_PASS)
			fail_msg("unexpected %s: %s", report.verdicts[i].id, report.verdicts[i].message);
	for (unsigned i = 0; i < report.idle.run_count; i++)
		if (report.idle.runs[i].done)
			assert_string_equal(idle_tsc_word(&report.idle.runs[i]), "runs");
}

/* KVM with MWAIT passed through (cpu-pm=on): every enumerated hint is tried, and all keep time. */
static void test_kvm_mwait_passthrough_tries_every_hint_and_keeps_time(void **state)
{
	(void)state;
	load("kvm-cpu-pm.json");
	run();
	unsigned hints = 0;
	for (unsigned i = 0; i < report.idle.run_count; i++) {
		const struct idle_run *r = &report.idle.runs[i];
		if (r->kind == IDLE_KIND_MWAIT && r->requested_us == 1000)
			hints++;
		if (r->done)
			assert_string_equal(idle_tsc_word(r), "runs");
	}
	unsigned enumerated = 0;
	for (unsigned c = 1; c < MWAIT_CSTATE_SLOTS; c++)
		enumerated += report.cpu.mwait.substates[c];
	assert_int_equal(hints, enumerated);
}

static void test_mwait_not_offered_is_said_and_nothing_runs(void **state)
{
	(void)state;
	load("qemu-tcg.json");
	run();
	expect_verdict("idle.mwait.not_offered", SEVERITY_INFO, "not offered by the hypervisor");
	expect_verdict("idle.hlt.C1.tsc", SEVERITY_PASS, NULL);
}

/* A hypervisor that advertises MWAIT and then raises #UD: a finding, and the rest of the run goes on. */
static void test_mwait_faulting_is_reported_and_the_run_continues(void **state)
{
	(void)state;
	load("kvm-cpu-pm.json");
	config.idle.mwait_faults = true;
	run();
	expect_verdict("idle.mwait.faults", SEVERITY_WARN, "#UD: it faulted although advertised");
	assert_true(report.tsc.valid);
	assert_true(report.claim_count > 0);
	expect_verdict("idle.hlt.C1.tsc", SEVERITY_PASS, NULL);
}

/* The whole section stays within its budget: runs past it are counted, not run. */
static void test_idle_section_keeps_to_its_budget(void **state)
{
	struct probe_settings settings;
	(void)state;
	load("kvm-cpu-pm.json");
	probe_defaults(&settings, "test");
	settings.window_s = 0.1;
	settings.edge_window_s = 2;
	settings.idle.budget_s = 1.5;
	sim_init(&sim, &config);
	probe_run(&sim.machine, &settings, &report);
	double total = 0;
	for (unsigned i = 0; i < report.idle.run_count; i++)
		total += report.idle.runs[i].actual_us / 1e6;
	assert_true(total <= 1.5 + 0.05); /* one wake interval of slack past the last run's end */
	assert_true(report.idle.runs_skipped > 0);
	expect_verdict("idle.budget", SEVERITY_INFO, "time budget");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hyperv_c2_remapped_to_c3_loses_the_idle_time),
		cmocka_unit_test(test_hyperv_with_invariant_tsc_loses_nothing),
		cmocka_unit_test(test_kvm_mwait_passthrough_tries_every_hint_and_keeps_time),
		cmocka_unit_test(test_mwait_not_offered_is_said_and_nothing_runs),
		cmocka_unit_test(test_mwait_faulting_is_reported_and_the_run_continues),
		cmocka_unit_test(test_idle_section_keeps_to_its_budget),
	};
	return cmocka_run_group_tests_name("idle", tests, NULL, NULL);
}
