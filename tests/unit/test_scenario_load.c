/* The scenario loader's strictness: no member it does not know, at any level, and no physical quantity out of bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "scenario.h"
#include "testdata.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static struct sim_config config;
static char error[512];

struct refusal {
	const char *members; /* top-level members after the schema */
	const char *error;   /* the whole message */
};

static void expect_refusals(const struct refusal *cases, size_t count)
{
	char json[1024];
	for (size_t i = 0; i < count; i++) {
		snprintf(json, sizeof(json), "{\"schema\": \"tscprobe-scenario/1\", %s}", cases[i].members);
		error[0] = '\0';
		if (scenario_load_string(json, &config, error, sizeof(error)))
			fail_msg("accepted: %s", cases[i].members);
		if (strcmp(error, cases[i].error))
			fail_msg("%s\n  gave:     %s\n  expected: %s", cases[i].members, error, cases[i].error);
	}
}

#define KVM_BASE "\"base\": \"0x40000000\", \"signature\": \"KVMKVMKVM\\\\0\\\\0\\\\0\", \"max_leaf\": \"0x40000001\""

/* One unknown member in each kind of object the format has; the first three were once read as if absent. */
static void test_an_unknown_member_is_refused_at_every_level(void **state)
{
	static const struct refusal cases[] = {
		{"\"clokcs\": {}", "clokcs: unknown member (did you mean \"clocks\"?)"},
		{"\"cpu\": {\"vendr\": \"AuthenticAMD\"}", "cpu.vendr: unknown member (did you mean \"vendor\"?)"},
		{"\"hypervisors\": [{" KVM_BASE ", \"leafs\": [{\"leaf\": \"0x40000001\", \"eax\": 1}]}]",
		 "hypervisors[0].leafs: unknown member (did you mean \"leaves\"?)"},
		{"\"hypervisors\": [{" KVM_BASE ", \"leaves\": [{\"leaf\": \"0x40000001\", \"eaz\": 1}]}]",
		 "hypervisors[0].leaves[0].eaz: unknown member (did you mean \"eax\"?)"},
		{"\"cpuid\": [{\"leaf\": 1, \"subleaf\": 0, \"ecx\": 1, \"note\": \"x\"}]",
		 "cpuid[0].note: unknown member"},
		{"\"clocks\": {\"pit\": {\"rate\": 5}}", "clocks.pit.rate: unknown member"},
		{"\"clocks\": {\"pm_timer\": {\"jitter\": {\"probability\": 0.1, \"max\": 5}}}",
		 "clocks.pm_timer.jitter.max: unknown member"},
		{"\"clocks\": {\"lapic\": {\"firmware_tick\": {\"initial_count\": 5, \"vectr\": 32}}}",
		 "clocks.lapic.firmware_tick.vectr: unknown member (did you mean \"vector\"?)"},
		{"\"clocks\": {\"uefi_time\": {\"cost\": 5}}", "clocks.uefi_time.cost: unknown member"},
		{"\"msrs\": [{\"msr\": 1, \"value\": 2, \"writeable\": true}]",
		 "msrs[0].writeable: unknown member (did you mean \"writable\"?)"},
		{"\"kvmclock\": {\"stabel\": true}", "kvmclock.stabel: unknown member (did you mean \"stable\"?)"},
		{"\"hyperv\": {\"reference_tsc_page\": {\"seqence\": 1}}",
		 "hyperv.reference_tsc_page.seqence: unknown member (did you mean \"sequence\"?)"},
		{"\"vmware_backdoor\": {\"tsc\": 1}", "vmware_backdoor.tsc: unknown member"},
		{"\"idle\": {\"wake_latency\": 5}",
		 "idle.wake_latency: unknown member (did you mean \"wake_latency_us\"?)"},
		{"\"idle\": {\"states\": [{\"method\": \"hlt\", \"tsc\": {\"rate\": 0, \"ppm\": 1}}]}",
		 "idle.states[0].tsc.ppm: unknown member"},
		{"\"events\": [{\"at_s\": 1, \"clock\": \"tsc\", \"rate_pmm\": 1}]",
		 "events[0].rate_pmm: unknown member (did you mean \"rate_ppm\"?)"},
		/* Only close names are offered: a short one is near too many others to guess. */
		{"\"tsc\": 1", "tsc: unknown member"},
	};
	(void)state;
	expect_refusals(cases, ARRAY_SIZE(cases));
}

static void test_name_source_and_hypervisor_members_have_their_types(void **state)
{
	static const struct refusal cases[] = {
		{"\"name\": 5", "name: expected a string, got an integer"},
		{"\"source\": [\"a\"]", "source: expected a string, got an array"},
		{"\"hypervisors\": [{\"signature\": \"KVMKVMKVM\\\\0\\\\0\\\\0\", \"max_leaf\": 1}]",
		 "hypervisors[0].base: required member is missing"},
		{"\"hypervisors\": [{\"base\": \"0x40000000\", \"signature\": \"KVMKVMKVM\\\\0\\\\0\\\\0\"}]",
		 "hypervisors[0].max_leaf: required member is missing"},
		{"\"cpuid\": [{\"eax\": 1}]", "cpuid[0].leaf: required member is missing"},
		{"\"cpu\": []", "cpu: expected an object, got an array"},
	};
	(void)state;
	expect_refusals(cases, ARRAY_SIZE(cases));
}

/* CPUID 0x40000000 + n * 0x100 (core/hypervisor.h): a base anywhere else is one no guest would ever find. */
static void test_a_hypervisor_base_is_0x40000000_plus_a_multiple_of_0x100(void **state)
{
	static const struct refusal cases[] = {
		{"\"hypervisors\": [{\"base\": \"0x40000080\", \"signature\": \"Microsoft Hv\", \"max_leaf\": 1}]",
		 "hypervisors[0].base: 0x40000080 is not a hypervisor base (0x40000000 + n * 0x100, up to 0x4000ff00)"},
		{"\"hypervisors\": [{\"base\": \"0x3fffff00\", \"signature\": \"Microsoft Hv\", \"max_leaf\": 1}]",
		 "hypervisors[0].base: 0x3fffff00 is not a hypervisor base (0x40000000 + n * 0x100, up to 0x4000ff00)"},
		{"\"hypervisors\": [{\"base\": \"0x40010000\", \"signature\": \"Microsoft Hv\", \"max_leaf\": 1}]",
		 "hypervisors[0].base: 0x40010000 is not a hypervisor base (0x40000000 + n * 0x100, up to 0x4000ff00)"},
		{"\"hypervisors\": [{\"base\": \"0x40000000\", \"signature\": \"Microsoft Hv\", \"max_leaf\": 1},"
		 " {\"base\": \"0x40000000\", \"signature\": \"KVMKVMKVM\\\\0\\\\0\\\\0\", \"max_leaf\": 1}]",
		 "hypervisors[1].base: 0x40000000 is given twice: one base leaf answers for one hypervisor"},
	};
	(void)state;
	expect_refusals(cases, ARRAY_SIZE(cases));
	assert_true(scenario_load_string(
		"{\"schema\": \"tscprobe-scenario/1\", \"hypervisors\": [{\"base\": \"0x4000ff00\","
		" \"signature\": \"Microsoft Hv\", \"max_leaf\": \"0x4000ff01\"}]}",
		&config, error, sizeof(error)));
}

/* jansson would keep the last of two: the author meant one of them, and nobody can tell which. */
static void test_a_member_given_twice_is_refused(void **state)
{
	(void)state;
	assert_false(
		scenario_load_string("{\"schema\": \"tscprobe-scenario/1\", \"tsc_hz\": 2000000000, \"tsc_hz\": 1}",
				     &config, error, sizeof(error)));
	assert_string_equal(error, "JSON syntax error at line 1, column 64: duplicate object key near '\"tsc_hz\"'");
}

static void test_a_scenario_file_error_starts_with_the_file(void **state)
{
	(void)state;
	assert_false(scenario_load_file(testdata_path("reports/qemu-q35-tcg.json"), &config, error, sizeof(error)));
	char expected[600];
	snprintf(expected, sizeof(expected), "%s: schema: expected \"tscprobe-scenario/1\"",
		 testdata_path("reports/qemu-q35-tcg.json"));
	assert_string_equal(error, expected);
}

/*
 * The truths a scenario sets, one past each bound: a TSC at 1 Hz once gave "PASS 0.000000 MHz", a read that
 * costs nothing an uncertainty of 0 ppm.
 */
static void test_an_absurd_physical_quantity_is_refused_naming_its_bound(void **state)
{
	static const struct refusal cases[] = {
		{"\"tsc_hz\": 1", "tsc_hz: 1 is below the minimum 100000000"},
		{"\"tsc_hz\": 99999999", "tsc_hz: 99999999 is below the minimum 100000000"},
		{"\"tsc_hz\": 10000000001", "tsc_hz: 10000000001 is out of range (max 10000000000)"},
		{"\"clocks\": {\"hpet\": {\"period_fs\": 999999}}",
		 "clocks.hpet.period_fs: 999999 is below the minimum 1000000"},
		{"\"clocks\": {\"lapic\": {\"bus_hz\": 999999}}",
		 "clocks.lapic.bus_hz: 999999 is below the minimum 1000000"},
		{"\"clocks\": {\"pm_timer\": {\"read_cost_us\": 0}}",
		 "clocks.pm_timer.read_cost_us: 0 is out of range [0.01, 1e+06]"},
		{"\"clocks\": {\"lapic\": {\"read_cost_us\": 0.001}}",
		 "clocks.lapic.read_cost_us: 0.001 is out of range [0.01, 1e+06]"},
		{"\"clocks\": {\"uefi_time\": {\"cost_us\": 0}}",
		 "clocks.uefi_time.cost_us: 0 is out of range [0.01, 1e+06]"},
		{"\"idle\": {\"wake_interval_us\": 1}", "idle.wake_interval_us: 1 is out of range [10, 1e+07]"},
		{"\"idle\": {\"wake_interval_us\": 0}", "idle.wake_interval_us: 0 is out of range [10, 1e+07]"},
		{"\"clocks\": {\"rtc\": {\"rate_ppm\": -500001}}",
		 "clocks.rtc.rate_ppm: -500001 is out of range [-500000, 1e+06]"},
	};
	(void)state;
	expect_refusals(cases, ARRAY_SIZE(cases));
}

/* Each bound itself is a machine that may exist. */
static void test_every_bound_itself_loads(void **state)
{
	(void)state;
	if (!scenario_load_string("{\"schema\": \"tscprobe-scenario/1\", \"tsc_hz\": 100000000,"
				  " \"clocks\": {\"hpet\": {\"period_fs\": 1000000, \"read_cost_us\": 0.01},"
				  " \"lapic\": {\"bus_hz\": 1000000}, \"uefi_time\": {\"cost_us\": 0.01}},"
				  " \"idle\": {\"wake_interval_us\": 10}}",
				  &config, error, sizeof(error)))
		fail_msg("%s", error);
	assert_int_equal(config.tsc_hz, 100000000);
	assert_int_equal(config.clocks.hpet.period_fs, 1000000);
	assert_int_equal(config.clocks.hpet.access.cost_ps, 10000);
	assert_int_equal(config.clocks.lapic.bus_hz, 1000000);
	assert_int_equal(config.idle.wake_interval_ps, 10000000);
	if (!scenario_load_string("{\"schema\": \"tscprobe-scenario/1\", \"tsc_hz\": 10000000000}", &config, error,
				  sizeof(error)))
		fail_msg("%s", error);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_an_unknown_member_is_refused_at_every_level),
		cmocka_unit_test(test_name_source_and_hypervisor_members_have_their_types),
		cmocka_unit_test(test_a_hypervisor_base_is_0x40000000_plus_a_multiple_of_0x100),
		cmocka_unit_test(test_a_member_given_twice_is_refused),
		cmocka_unit_test(test_a_scenario_file_error_starts_with_the_file),
		cmocka_unit_test(test_an_absurd_physical_quantity_is_refused_naming_its_bound),
		cmocka_unit_test(test_every_bound_itself_loads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
