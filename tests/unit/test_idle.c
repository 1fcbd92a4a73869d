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
			print_message("    %s %s: %s\n", severity_name(report.verdicts[i].severity),
				      report.verdicts[i].id, report.verdicts[i].message);
		fail_msg("expected %s %s containing \"%s\"", severity_name(severity), id,
			 message_part ? message_part : "");
	}
}

/* The runs of one method that slept and were timed: the idle experiments ran, not merely passed over. */
static unsigned done_runs(enum idle_kind kind)
{
	unsigned count = 0;
	for (unsigned i = 0; i < report.idle.run_count; i++)
		count += report.idle.runs[i].kind == kind && report.idle.runs[i].done;
	return count;
}

/* Hyper-V asks for C2, the host BIOS gives C3: the TSC and the LAPIC timer stop there. */
static void test_hyperv_c2_remapped_to_c3_loses_the_idle_time(void **state)
{
	(void)state;
	load("hyperv-c3-remap.json");
	run();
	expect_verdict("idle.mwait.C2.tsc", SEVERITY_FAIL, "The TSC stops in MWAIT C2");
	expect_verdict("idle.mwait.C2.tsc", SEVERITY_FAIL,
		       "a guest without invariant TSC falls behind whenever it idles");
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
			fail_msg("C2 for %.0f us: %.1f us lost of %.1f us, expected nearly all", r->requested_us,
				 r->tsc_lost_us, r->actual_us);
	}
	assert_int_equal(c2_runs, 3);
}

/* The same machine with invariant TSC and ARAT exposed: nothing is lost anywhere. */
static void test_hyperv_with_invariant_tsc_loses_nothing(void **state)
{
	(void)state;
	load("hyperv-invariant-tsc.json");
	run();
	assert_true(report.idle.ran);
	assert_int_equal(done_runs(IDLE_KIND_HLT), 3);
	/* leaf 5 EDX 0x2220: two sub-states each of C1, C2 and C3, each hint at the three durations */
	assert_int_equal(done_runs(IDLE_KIND_MWAIT), 6 * 3);
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
		enumerated += report.platform.cpu.mwait.substates[c];
	assert_true(enumerated > 0);
	assert_int_equal(hints, enumerated);
	assert_int_equal(done_runs(IDLE_KIND_MWAIT), 3 * enumerated); /* every hint at the three durations */
}

static void test_mwait_not_offered_is_said_and_nothing_runs(void **state)
{
	(void)state;
	load("qemu-tcg.json");
	run();
	assert_int_equal(done_runs(IDLE_KIND_HLT), 3);
	assert_int_equal(done_runs(IDLE_KIND_MWAIT), 0);
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
	assert_int_equal(done_runs(IDLE_KIND_HLT), 3);
	assert_int_equal(done_runs(IDLE_KIND_MWAIT), 0); /* each MWAIT faulted */
	assert_true(report.tsc.valid);
	assert_true(report.claims.count > 0);
	expect_verdict("idle.hlt.C1.tsc", SEVERITY_PASS, NULL);
}

static void expect_no_verdict(const char *id)
{
	const struct verdict *v = verdict(id);
	if (v)
		fail_msg("unexpected %s %s: %s", severity_name(v->severity), id, v->message);
}

/* The runs of one method: how many, and the last. */
static unsigned method_runs(enum idle_kind kind, const struct idle_run **last)
{
	unsigned count = 0;
	for (unsigned i = 0; i < report.idle.run_count; i++)
		if (report.idle.runs[i].kind == kind && (count++, true))
			*last = &report.idle.runs[i];
	return count;
}

/*
 * QEMU TCG with two vCPUs makes MWAIT a pause (the cpu-amd matrix row): it returns at once, so no C-state is
 * entered. That is its own finding, with how often and how fast; the TSC is not judged from it, and the
 * reference that kept moving is not said to have stopped.
 */
static void test_mwait_that_returns_at_once_is_its_own_finding_and_judges_nothing_of_the_tsc(void **state)
{
	/*
	 * A call is the instruction (tools/sim/sim_idle.c, 0.2 us) and one read of the HPET (0.5 us by default); the first
	 * also holds the RDTSC that closes the run's opening bracket (20 ns).
	 */
	static const double call_us = 0.2 + 0.5, first_call_extra_us = 0.02;
	const struct idle_run *mwait = NULL;
	(void)state;
	load("qemu-tcg-smp2-mwait.json");
	run();
	expect_verdict("idle.mwait.returns_at_once", SEVERITY_WARN, "MWAIT C1 returned at once (1000 times, 0.700");
	expect_verdict(
		"idle.mwait.returns_at_once", SEVERITY_WARN,
		"us each): this hypervisor treats MWAIT as a no-op: no C-state is entered; the TSC is not judged there");
	expect_no_verdict("idle.mwait.C1.tsc");
	expect_no_verdict("idle.mwait.faults");
	expect_verdict("idle.hlt.C1.tsc", SEVERITY_PASS, "keeps counting");
	expect_no_verdict("idle.hlt.returns_at_once");

	assert_int_equal(method_runs(IDLE_KIND_MWAIT, &mwait),
			 1); /* the method stops at its first run that did not sleep */
	assert_string_equal(report.idle.reference, "hpet");
	assert_string_equal(mwait->status, IDLE_STATUS_RETURNED_AT_ONCE);
	assert_false(mwait->done);
	assert_true(idle_returned_at_once(mwait));
	assert_int_equal(mwait->at_once.returns, 1000); /* timed calls once it is seen: 0.7 ms of the 1 ms run */
	assert_int_equal(mwait->requested_us, 1000);
	assert_int_equal(mwait->wakes, mwait->at_once.returns);
	assert_int_equal(sim.trace.idle_at_once, mwait->at_once.returns);
	if (fabs(mwait->at_once.each_us - call_us - first_call_extra_us / mwait->at_once.returns) >
		    mwait->at_once.uncertainty_us ||
	    mwait->at_once.uncertainty_us > 0.01)
		fail_msg("%.6f +/- %.6f us a call, expected %.1f us", mwait->at_once.each_us,
			 mwait->at_once.uncertainty_us, call_us);
}

/*
 * A slower no-op (KVM's NOP emulation behind a reference whose every read is a long exit to the device model)
 * is caught as well, within the shortest period: its few calls under 100 us each are enough.
 */
static void test_a_slow_no_op_is_caught_within_the_shortest_period(void **state)
{
	static const double read_us = 40, call_us = 40 + 0.2; /* a read of any reference, and the instruction */
	struct sim_access_cost *costs[] = {&config.clocks.pm_timer.access, &config.clocks.hpet.access,
					   &config.clocks.pit.access};
	const struct idle_run *mwait = NULL;
	(void)state;
	load("qemu-tcg-smp2-mwait.json");
	for (size_t i = 0; i < sizeof(costs) / sizeof(costs[0]); i++)
		costs[i]->cost_ps = (uint64_t)(read_us * 1e6);
	run();
	expect_verdict("idle.mwait.returns_at_once", SEVERITY_WARN, "this hypervisor treats MWAIT as a no-op");
	expect_no_verdict("idle.mwait.C1.tsc");
	assert_int_equal(method_runs(IDLE_KIND_MWAIT, &mwait), 1);
	assert_string_equal(mwait->status, IDLE_STATUS_RETURNED_AT_ONCE);
	assert_int_equal(mwait->requested_us, 1000);
	/* 1 ms of calls: the run ended at its period, not at the thousand calls a faster no-op gives. */
	if (mwait->at_once.returns < 8 || mwait->at_once.returns > 1000 / call_us + 1 ||
	    fabs(mwait->at_once.each_us - call_us) > 0.1)
		fail_msg("%u calls of %.3f +/- %.3f us, expected about %.0f of %.1f us", mwait->at_once.returns,
			 mwait->at_once.each_us, mwait->at_once.uncertainty_us, 1000 / call_us, call_us);
}

/*
 * Under host load one call of a no-op MWAIT can last a whole short period (the vCPU descheduled meanwhile), so
 * that run ends "ok" and a later one returns at once (the cpu-amd row beside two CPU hogs). The state was never
 * entered: no run of it judges the TSC or the LAPIC timer.
 */
static void test_a_state_that_returned_at_once_gets_no_clock_verdict_from_its_ok_runs(void **state)
{
	const struct idle_run *hlt = NULL, *mwait = NULL;
	(void)state;
	load("qemu-tcg-smp2-mwait.json");
	run();
	assert_int_equal(method_runs(IDLE_KIND_HLT, &hlt), 3);
	assert_int_equal(method_runs(IDLE_KIND_MWAIT, &mwait), 1);
	assert_true(report.idle.run_count < IDLE_MAX_RUNS);
	/* An "ok" run of MWAIT C1 before the one that returned at once, its figures a 10 ms HLT run's; the TSC lost. */
	struct idle_run ok = *hlt;
	ok.kind = IDLE_KIND_MWAIT;
	ok.hint = mwait->hint;
	text_copy(ok.cstate, sizeof(ok.cstate), mwait->cstate);
	ok.tsc_lost_us = ok.actual_us;
	ok.tsc_lost_ppm = 1e6;
	ok.lapic_measured = true;
	ok.lapic_lost_ppm = 1e6;
	unsigned at = (unsigned)(mwait - report.idle.runs);
	memmove(&report.idle.runs[at + 1], &report.idle.runs[at],
		(report.idle.run_count - at) * sizeof(report.idle.runs[0]));
	report.idle.runs[at] = ok;
	report.idle.run_count++;
	verdicts_run(&report);
	expect_verdict("idle.mwait.returns_at_once", SEVERITY_WARN, "MWAIT C1 returned at once");
	expect_no_verdict("idle.mwait.C1.tsc");
	expect_no_verdict("idle.mwait.C1.lapic");
	expect_verdict("idle.hlt.C1.tsc", SEVERITY_PASS, "keeps counting");
}

/* HLT that returns at once is the same finding, said of HLT. */
static void test_hlt_that_returns_at_once_is_said_of_hlt(void **state)
{
	const struct idle_run *hlt = NULL;
	(void)state;
	load("qemu-tcg.json");
	config.idle.hlt_returns_at_once = true;
	run();
	expect_verdict("idle.hlt.returns_at_once", SEVERITY_WARN, "HLT C1 returned at once (1000 times,");
	expect_verdict("idle.hlt.returns_at_once", SEVERITY_WARN, "this hypervisor treats HLT as a no-op");
	expect_no_verdict("idle.hlt.C1.tsc");
	expect_verdict("idle.mwait.not_offered", SEVERITY_INFO, NULL);
	assert_int_equal(method_runs(IDLE_KIND_HLT, &hlt), 1);
	assert_string_equal(hlt->status, IDLE_STATUS_RETURNED_AT_ONCE);
}

/*
 * A reference that stops is not a method that returns at once: every call then takes no time by it, which
 * says nothing of how long the call took. The runs end at their iteration caps, as before.
 */
static void test_a_stopped_reference_is_not_taken_for_an_idle_that_returns_at_once(void **state)
{
	const struct idle_run *last = NULL;
	(void)state;
	load("qemu-tcg-smp2-mwait.json");
	run();
	assert_string_equal(report.idle.reference, "hpet");
	assert_true(sim.trace.idle_log_count > 0);
	uint64_t first_idle_ps = sim.trace.idle_log[0].start_ps; /* HLT's first call, after the busy control */

	/* The same run again (it is deterministic), with the HPET standing still from HLT's first call on. */
	config.events[config.event_count++] = (struct sim_event){
		.kind = SIM_EVENT_RATE, .clock = SIM_CLOCK_HPET, .at_ps = first_idle_ps, .rate_ppm = -1e6};
	run();
	assert_string_equal(report.idle.reference, "hpet");
	assert_int_equal(method_runs(IDLE_KIND_HLT, &last), 1);
	assert_string_equal(last->status, "the reference stopped moving");
	assert_int_equal(method_runs(IDLE_KIND_MWAIT, &last), 1);
	assert_string_equal(last->status, "the reference stopped moving");
	assert_false(idle_returned_at_once(last));
	expect_no_verdict("idle.hlt.returns_at_once");
	expect_no_verdict("idle.mwait.returns_at_once");
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
	assert_true(total > 1.5 / 2);     /* the budget went on runs, not skipped from the start */
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
		cmocka_unit_test(test_mwait_that_returns_at_once_is_its_own_finding_and_judges_nothing_of_the_tsc),
		cmocka_unit_test(test_a_slow_no_op_is_caught_within_the_shortest_period),
		cmocka_unit_test(test_a_state_that_returned_at_once_gets_no_clock_verdict_from_its_ok_runs),
		cmocka_unit_test(test_hlt_that_returns_at_once_is_said_of_hlt),
		cmocka_unit_test(test_a_stopped_reference_is_not_taken_for_an_idle_that_returns_at_once),
	};
	return cmocka_run_group_tests_name("idle", tests, NULL, NULL);
}
