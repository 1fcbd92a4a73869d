/* The CI gate (`tscprobe check`): which reports pass, and the one line that says why. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "gate.h"

static struct report report;
static char reason[256];

static void add(const char *id, enum severity severity, const char *message)
{
	struct verdict *v = &report.verdicts[report.verdict_count++];
	*v = (struct verdict){.severity = severity};
	snprintf(v->id, sizeof(v->id), "%s", id);
	snprintf(v->message, sizeof(v->message), "%s", message);
}

/* A KVM guest whose kvmclock claim fails, with a warning and passes beside it. */
static int lying_kvm(void **state)
{
	(void)state;
	memset(&report, 0, sizeof(report));
	add("invariant_tsc.absent", SEVERITY_WARN, "No invariant TSC is advertised");
	add("claim.kvmclock.4b564d01", SEVERITY_FAIL, "kvmclock claims 3478.274 MHz");
	add("claim.cpuid_timing_leaf.40000000", SEVERITY_PASS, "the timing leaf agrees");
	add("tsc.measured", SEVERITY_PASS, "The TSC runs at 3400.109 MHz");
	return 0;
}

static bool judge(enum severity fail_on, const char *required)
{
	struct gate g = {.fail_on = fail_on};
	if (required)
		g.required[g.required_count++] = required;
	return gate_judge(&g, &report, reason, sizeof(reason));
}

static void test_a_fail_fails_and_the_line_names_it(void **state)
{
	(void)state;
	assert_false(judge(SEVERITY_FAIL, NULL));
	assert_string_equal(reason, "claim.kvmclock.4b564d01: kvmclock claims 3478.274 MHz");
}

static void test_warnings_pass_unless_asked_to_fail_on_them(void **state)
{
	(void)state;
	report.verdicts[1].severity = SEVERITY_PASS; /* the claim is right after all */
	assert_true(judge(SEVERITY_FAIL, NULL));
	assert_string_equal(reason, "0 fail, 1 warn, 0 info, 3 pass");
	assert_false(judge(SEVERITY_WARN, NULL));
	assert_string_equal(reason, "invariant_tsc.absent: No invariant TSC is advertised");
}

static void test_a_required_verdict_is_found_by_id_claim_key_or_source(void **state)
{
	(void)state;
	report.verdicts[1].severity = SEVERITY_PASS;
	assert_true(judge(SEVERITY_FAIL, "tsc.measured"));
	assert_true(judge(SEVERITY_FAIL, "kvmclock.4b564d01"));
	assert_true(judge(SEVERITY_FAIL, "kvmclock"));
	assert_true(judge(SEVERITY_FAIL, "cpuid_timing_leaf"));
}

static void test_a_required_verdict_that_is_absent_or_fails_fails(void **state)
{
	(void)state;
	assert_false(judge(SEVERITY_FAIL, "hyperv_tsc_frequency_msr"));
	assert_string_equal(reason, "required hyperv_tsc_frequency_msr is absent");
	assert_false(judge(SEVERITY_FAIL, "kvmclock"));
	assert_string_equal(reason, "required claim.kvmclock.4b564d01 is fail: kvmclock claims 3478.274 MHz");
	/* A prefix of a source's name is not that source, nor is a location another's. */
	assert_false(judge(SEVERITY_FAIL, "kvm"));
	assert_false(judge(SEVERITY_FAIL, "kvmclock.4b564d0"));
}

static void test_a_report_before_locations_answers_by_source(void **state)
{
	(void)state;
	snprintf(report.verdicts[1].id, sizeof(report.verdicts[1].id), "claim.kvmclock");
	report.verdicts[1].severity = SEVERITY_PASS;
	assert_true(judge(SEVERITY_FAIL, "kvmclock"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_a_fail_fails_and_the_line_names_it, lying_kvm),
		cmocka_unit_test_setup(test_warnings_pass_unless_asked_to_fail_on_them, lying_kvm),
		cmocka_unit_test_setup(test_a_required_verdict_is_found_by_id_claim_key_or_source, lying_kvm),
		cmocka_unit_test_setup(test_a_required_verdict_that_is_absent_or_fails_fails, lying_kvm),
		cmocka_unit_test_setup(test_a_report_before_locations_answers_by_source, lying_kvm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
