/* The verdict rules on reports built by hand: the figures at the edges of every threshold, decided as docs/verdicts.md says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "report.h"
#include "testdata.h"

#define MEASURED_HZ 3192000000.0

static struct report report;

/* A report whose TSC was measured at MEASURED_HZ to within uncertainty_ppm, by the HPET. */
static void measured(double uncertainty_ppm)
{
	report = (struct report){0};
	report.reference_count = 1;
	text_copy(report.references[0].name, sizeof(report.references[0].name), "hpet");
	text_copy(report.references[0].label, sizeof(report.references[0].label), "HPET");
	report.tsc = (struct tsc_estimate){.valid = true, .hz = MEASURED_HZ, .uncertainty_ppm = uncertainty_ppm};
	text_copy(report.tsc.reference, sizeof(report.tsc.reference), "hpet");
}

/* The report's verdict of this id; the test fails when there is none. */
static const struct verdict *verdict(const char *id)
{
	static const struct verdict none;
	const struct verdict *v = testdata_verdict(&report, id);
	if (v)
		return v;
	fail_msg("no verdict %s", id);
	return &none; /* not reached: fail_msg ends the test, but cmocka does not declare it noreturn */
}

/* A claim off the measurement by ppm, judged. */
static const struct verdict *judge(const struct claim_source *source, uint32_t where, double ppm, const char *id)
{
	assert_non_null(claim_add(&report.claims, source, where, MEASURED_HZ * (1 + ppm * 1e-6)));
	verdicts_run(&report);
	return verdict(id);
}

static void expect_message(const struct verdict *v, const char *part)
{
	if (!strstr(v->message, part))
		fail_msg("%s: \"%s\" does not say \"%s\"", v->id, v->message, part);
}

/* 500.000093 ppm with +/- 0.21 ppm cannot be told apart from the 500 ppm threshold: a warning, not a failure. */
static void test_a_claim_within_its_uncertainty_of_the_fail_threshold_is_too_close_to_call(void **state)
{
	(void)state;
	measured(0.21);
	const struct verdict *v =
		judge(&claim_source_hyperv_msr, 0x40000022, 500.000093, "claim.hyperv_tsc_frequency_msr.40000022");
	assert_int_equal(v->severity, SEVERITY_WARN);
	expect_message(v, "too close to call");

	measured(0.21);
	v = judge(&claim_source_hyperv_msr, 0x40000022, 500.3, "claim.hyperv_tsc_frequency_msr.40000022");
	assert_int_equal(v->severity, SEVERITY_FAIL);

	measured(0.21);
	v = judge(&claim_source_hyperv_msr, 0x40000022, -500.3, "claim.hyperv_tsc_frequency_msr.40000022");
	assert_int_equal(v->severity, SEVERITY_FAIL);
}

/* Leaf 0x16 says 3200 MHz on a part whose crystal-derived TSC runs at 3192 MHz: normal, never a failure. */
static void test_leaf_0x16_is_nominal_information_within_1_percent_and_never_fails(void **state)
{
	(void)state;
	measured(0.1);
	const struct verdict *v = judge(&claim_source_leaf16, 0x16, 2506.3, "claim.cpuid_leaf16.00000016");
	assert_int_equal(v->severity, SEVERITY_INFO);
	assert_true(v->has_figures);
	expect_message(v, "nominal");
	expect_message(v, "+2506.30 ppm");

	measured(0.1);
	v = judge(&claim_source_leaf16, 0x16, 30000, "claim.cpuid_leaf16.00000016");
	assert_int_equal(v->severity, SEVERITY_WARN);
	expect_message(v, "more than 1 % off");

	/* Within its own resolution, +/- 0.5 MHz (156 ppm at 3.2 GHz), it matches. */
	measured(0.1);
	v = judge(&claim_source_leaf16, 0x16, 150, "claim.cpuid_leaf16.00000016");
	assert_int_equal(v->severity, SEVERITY_PASS);

	/* The same offset from a source that states the rate exactly is a failure. */
	measured(0.1);
	v = judge(&claim_source_vmware, 0x5658, 2506.3, "claim.vmware_backdoor.00005658");
	assert_int_equal(v->severity, SEVERITY_FAIL);
}

/* Every claim source has its nature in one table, and the verdicts take the resolution from it. */
static void test_every_claim_source_is_described_once(void **state)
{
	static const struct {
		const struct claim_source *source;
		enum claim_nature nature;
		double resolution_hz;
	} expected[] = {
		{&claim_source_timing_leaf, CLAIM_NATURE_KHZ, 500},    {&claim_source_xen_leaf, CLAIM_NATURE_KHZ, 500},
		{&claim_source_leaf16, CLAIM_NATURE_NOMINAL_MHZ, 5e5}, {&claim_source_kvmclock, CLAIM_NATURE_SCALE, 0},
		{&claim_source_hyperv_page, CLAIM_NATURE_SCALE, 0},    {&claim_source_xen_scale, CLAIM_NATURE_SCALE, 0},
		{&claim_source_hyperv_msr, CLAIM_NATURE_HZ, 0.5},      {&claim_source_vmware, CLAIM_NATURE_HZ, 0.5},
		{&claim_source_leaf15, CLAIM_NATURE_RATIO, 0.5},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		const struct claim_source *s = claim_source_find(expected[i].source->name);
		assert_ptr_equal(s, expected[i].source);
		assert_int_equal(s->nature, expected[i].nature);
		assert_true(claim_resolution_hz(s->nature) == expected[i].resolution_hz);
	}
	assert_null(claim_source_find("cpuid_leaf17"));
}

/* Two timing leaves at two bases are two claims with two verdicts: neither hides the other. */
static void test_two_claims_of_one_kind_keep_their_own_verdicts(void **state)
{
	(void)state;
	measured(0.1);
	assert_non_null(claim_add(&report.claims, &claim_source_timing_leaf, 0x40000000, MEASURED_HZ));
	assert_non_null(claim_add(&report.claims, &claim_source_timing_leaf, 0x40000100, MEASURED_HZ * 1.02));
	verdicts_run(&report);
	assert_int_equal(verdict("claim.cpuid_timing_leaf.40000000")->severity, SEVERITY_PASS);
	assert_int_equal(verdict("claim.cpuid_timing_leaf.40000100")->severity, SEVERITY_FAIL);
	/* The text tells them apart too. */
	expect_message(verdict("claim.cpuid_timing_leaf.40000100"), "EAX at base 0x40000100; measured");
	expect_message(verdict("claim.cpuid_timing_leaf.40000000"), "EAX at base 0x40000000; measured");
	assert_null(testdata_verdict(&report, "claims.single"));
}

/* A page the hypervisor never filled states no frequency: a finding that says so, no FAIL of 0 Hz. */
/* A FAIL names who claims, and its fix is the identified product's, with the measured rate filled in. */
static void test_a_failing_claim_carries_the_products_fix_with_the_measured_rate(void **state)
{
	(void)state;
	measured(0.5);
	text_copy(report.platform.identity.product, sizeof(report.platform.identity.product), IDENTITY_VIRTUALBOX);
	text_copy(report.platform.identity.interface, sizeof(report.platform.identity.interface),
		  "KVM paravirtualization provider");
	assert_non_null(claim_add(&report.claims, &claim_source_kvmclock, 0x4b564d01, MEASURED_HZ * 1.023));
	verdicts_run(&report);
	const struct verdict *v = verdict("claim.kvmclock.4b564d01");
	assert_int_equal(v->severity, SEVERITY_FAIL);
	expect_message(v, "VirtualBox's KVM paravirtualization provider claims 3265.416 MHz through the KVM kvmclock");
	/* +/- 0.5 ppm of 3192 MHz is 1596 Hz: the rate is given to the kHz. */
	assert_non_null(strstr(v->fix, "\"VBoxInternal/TM/TSCTicksPerSecond\" 3192000000 "));
	assert_string_equal(verdict("tsc.measured")->fix, "");
}

/* The Hyper-V C-state case: the TSC stops in MWAIT C2, and the fix is the host-side one its sources give. */
static void test_hyperv_idle_failure_gets_the_host_c_state_fix(void **state)
{
	(void)state;
	measured(0.5);
	text_copy(report.platform.identity.product, sizeof(report.platform.identity.product), IDENTITY_HYPERV);
	text_copy(report.verdicts[0].id, sizeof(report.verdicts[0].id), "idle.mwait.C2.tsc");
	report.verdicts[0].severity = SEVERITY_FAIL;
	report.verdict_count = 1;
	fixes_attach(&report);
	assert_non_null(strstr(report.verdicts[0].fix, "C2 is not remapped to C3 (preferred)"));
	assert_non_null(strstr(report.verdicts[0].fix, "0x0007e666 on Hyper-V 1.0, 0x0007e066 on Hyper-V 2.0"));
}

static void test_an_empty_claim_is_a_finding_not_a_0_hz_failure(void **state)
{
	(void)state;
	measured(0.1);
	const struct claim *c = claim_add(&report.claims, &claim_source_hyperv_page, 0x40000021, 0);
	assert_int_equal(c->status, CLAIM_EMPTY);
	verdicts_run(&report);
	const struct verdict *v = verdict("claim.hyperv_reference_tsc_page.40000021");
	assert_int_equal(v->severity, SEVERITY_WARN);
	assert_false(v->has_figures);
	expect_message(v, "never filled the page");
	verdict("claims.none"); /* it states nothing, so nothing is stated */
}

/* A TSC figure more uncertain than the fail threshold cannot judge a claim: never a pass. */
static void test_a_measurement_more_uncertain_than_the_fail_threshold_is_not_a_pass(void **state)
{
	(void)state;
	measured(1732050);
	verdicts_run(&report);
	const struct verdict *v = verdict("tsc.measured");
	assert_int_equal(v->severity, SEVERITY_WARN);
	expect_message(v, "too uncertain");

	measured(1732050);
	v = judge(&claim_source_vmware, 0x5658, 0, "claim.vmware_backdoor.00005658");
	assert_int_equal(v->severity, SEVERITY_WARN);
	expect_message(v, "too uncertain to judge");
}

/* A max leaf outside its own block is garbage and is called that, not "beyond max leaf 0xdeadbeef". */
static void test_a_garbage_max_leaf_is_named_garbage(void **state)
{
	(void)state;
	measured(0.1);
	report.platform.hv.count = 2;
	report.platform.hv.bases[0] =
		(struct hv_base){.base = 0x40000000, .max_leaf = 0xdeadbeef, .range = HV_RANGE_BEYOND_BLOCK};
	report.platform.hv.bases[1] =
		(struct hv_base){.base = 0x40000100, .max_leaf = 0x00000005, .range = HV_RANGE_BELOW_BASE};
	verdicts_run(&report);
	const struct verdict *garbage = verdict("timing_leaf.not_offered.40000000");
	expect_message(garbage, "outside its own 0x100-leaf block: garbage");
	assert_null(strstr(garbage->message, "beyond"));
	expect_message(verdict("timing_leaf.not_offered.40000100"), "below the base itself");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_claim_within_its_uncertainty_of_the_fail_threshold_is_too_close_to_call),
		cmocka_unit_test(test_leaf_0x16_is_nominal_information_within_1_percent_and_never_fails),
		cmocka_unit_test(test_every_claim_source_is_described_once),
		cmocka_unit_test(test_two_claims_of_one_kind_keep_their_own_verdicts),
		cmocka_unit_test(test_an_empty_claim_is_a_finding_not_a_0_hz_failure),
		cmocka_unit_test(test_a_failing_claim_carries_the_products_fix_with_the_measured_rate),
		cmocka_unit_test(test_hyperv_idle_failure_gets_the_host_c_state_fix),
		cmocka_unit_test(test_a_measurement_more_uncertain_than_the_fail_threshold_is_not_a_pass),
		cmocka_unit_test(test_a_garbage_max_leaf_is_named_garbage),
	};
	return cmocka_run_group_tests_name("verdicts", tests, NULL, NULL);
}
