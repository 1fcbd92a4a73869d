/* CPUID inventory over the shipped scenarios: every hypervisor layout decodes, nothing is read past a max leaf. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "report.h"
#include "scenario.h"
#include "testdata.h"

struct expected_base {
	uint32_t base;
	const char *name; /* NULL: unknown signature */
	uint32_t max_leaf;
	enum hv_range range;
	uint32_t leaf_count;
	enum hv_timing_status timing;
	uint32_t timing_tsc_khz, timing_apic_bus_khz;
};

struct cpuid_case {
	const char *scenario;
	const char *vendor;
	bool invariant_tsc;
	uint32_t base_count;
	struct expected_base bases[3];
};

static const struct cpuid_case cases[] = {
	{"qemu-tcg.json",
	 "AuthenticAMD",
	 false,
	 1,
	 {{0x40000000, "QEMU TCG", 0x40000001, HV_RANGE_OK, 2, HV_TIMING_NOT_OFFERED, 0, 0}}},
	{"kvm.json",
	 "AuthenticAMD",
	 false,
	 1,
	 {{0x40000000, "KVM", 0x40000001, HV_RANGE_OK, 2, HV_TIMING_NOT_OFFERED, 0, 0}}},
	{"kvm-timing-leaf.json",
	 "GenuineIntel",
	 true,
	 1,
	 {{0x40000000, "KVM", 0x40000010, HV_RANGE_OK, 17, HV_TIMING_PRESENT, 2599985, 1000000}}},
	{"kvm-hyperv.json",
	 "AuthenticAMD",
	 false,
	 2,
	 {{0x40000000, "Hyper-V", 0x40000005, HV_RANGE_OK, 6, HV_TIMING_NOT_OFFERED, 0, 0},
	  {0x40000100, "KVM", 0x40000101, HV_RANGE_OK, 2, HV_TIMING_NOT_OFFERED, 0, 0}}},
	{"hyperv-gen2.json",
	 "GenuineIntel",
	 false,
	 1,
	 {{0x40000000, "Hyper-V", 0x4000000c, HV_RANGE_OK, 13, HV_TIMING_NOT_OFFERED, 0, 0}}},
	{"vmware.json",
	 "GenuineIntel",
	 true,
	 1,
	 {{0x40000000, "VMware", 0x40000010, HV_RANGE_OK, 17, HV_TIMING_PRESENT, 3400109, 1000000}}},
	{"xen-viridian.json",
	 "GenuineIntel",
	 true,
	 2,
	 {{0x40000000, "Hyper-V", 0x40000006, HV_RANGE_OK, 7, HV_TIMING_NOT_OFFERED, 0, 0},
	  {0x40000100, "Xen", 0x40000105, HV_RANGE_OK, 6, HV_TIMING_NOT_OFFERED, 0, 0}}},
	{"virtualbox-5.0-kvm.json",
	 "GenuineIntel",
	 false,
	 1,
	 {{0x40000000, "KVM", 0x40000001, HV_RANGE_OK, 2, HV_TIMING_NOT_OFFERED, 0, 0}}},
	{"virtualbox-hyperv.json",
	 "GenuineIntel",
	 false,
	 1,
	 {{0x40000000, "VirtualBox (Hyper-V provider)", 0x40000006, HV_RANGE_OK, 7, HV_TIMING_NOT_OFFERED, 0, 0}}},
	{"virtualbox-minimal.json",
	 "GenuineIntel",
	 false,
	 1,
	 {{0x40000000, "unnamed (VirtualBox Minimal provider uses an all-NUL signature)", 0x40000010, HV_RANGE_OK, 17,
	   HV_TIMING_PRESENT, 3400109, 1000000}}},
	{"garbage-max-leaf.json",
	 "GenuineIntel",
	 false,
	 3,
	 {{0x40000000, "KVM", 0xdeadbeef, HV_RANGE_BEYOND_BLOCK, 1, HV_TIMING_NOT_OFFERED, 0, 0},
	  {0x40000100, "VMware", 0x4000ffff, HV_RANGE_BEYOND_BLOCK, 1, HV_TIMING_NOT_OFFERED, 0, 0},
	  {0x40000200, "Xen", 0x3fffffff, HV_RANGE_BELOW_BASE, 1, HV_TIMING_NOT_OFFERED, 0, 0}}},
	{"bhyve.json",
	 "GenuineIntel",
	 true,
	 1,
	 {{0x40000000, "bhyve", 0x40000001, HV_RANGE_OK, 2, HV_TIMING_NOT_OFFERED, 0, 0}}},
};

static struct sim_config config;
static struct sim sim;
static struct report report;

static void run_scenario(const char *name)
{
	char error[256] = "";
	char relative[128];

	snprintf(relative, sizeof(relative), "scenarios/%s", name);
	if (!scenario_load_file(testdata_path(relative), &config, error, sizeof(error)))
		fail_msg("%s: %s", name, error);
	sim_init(&sim, &config);
	probe_inventory(&sim.machine, "test", &report);
}

static void check_base(const char *scenario, const struct hv_base *got, const struct expected_base *want)
{
	const char *name = hv_name(got->signature);

	assert_int_equal(got->base, want->base);
	if (want->name)
		assert_string_equal(name, want->name);
	else
		assert_null(name);
	assert_int_equal(got->max_leaf, want->max_leaf);
	if (got->range != want->range)
		fail_msg("%s base 0x%08x: range %s, expected %s", scenario, got->base, hv_range_name(got->range),
			 hv_range_name(want->range));
	assert_int_equal(got->leaf_count, want->leaf_count);
	if (got->timing != want->timing)
		fail_msg("%s base 0x%08x: timing leaf %s, expected %s", scenario, got->base,
			 hv_timing_name(got->timing), hv_timing_name(want->timing));
	assert_int_equal(got->timing_tsc_khz, want->timing_tsc_khz);
	assert_int_equal(got->timing_apic_bus_khz, want->timing_apic_bus_khz);
}

static void test_every_scenario_decodes_its_hypervisor_bases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct cpuid_case *c = &cases[i];
		run_scenario(c->scenario);
		assert_string_equal(report.platform.cpu.vendor, c->vendor);
		assert_true(report.platform.cpu.features[CPU_FEATURE_TSC]);
		assert_true(report.platform.cpu.features[CPU_FEATURE_HYPERVISOR]);
		assert_int_equal(report.platform.cpu.features[CPU_FEATURE_INVARIANT_TSC], c->invariant_tsc);
		if (report.platform.hv.count != c->base_count)
			fail_msg("%s: %u live bases, expected %u", c->scenario, report.platform.hv.count,
				 c->base_count);
		for (uint32_t b = 0; b < c->base_count; b++)
			check_base(c->scenario, &report.platform.hv.bases[b], &c->bases[b]);
	}
}

static void test_no_leaf_is_read_beyond_a_max_leaf(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run_scenario(cases[i].scenario);
		if (sim.trace.cpuid_beyond_max)
			fail_msg("%s: %llu reads beyond a max leaf, first 0x%08x", cases[i].scenario,
				 (unsigned long long)sim.trace.cpuid_beyond_max, sim.trace.first_beyond_max_leaf);
	}
}

/* Under TCG, 0x40000010 echoes the max basic leaf: reading it would report that garbage as a frequency. */
static void test_tcg_timing_leaf_would_be_garbage_and_is_not_read(void **state)
{
	struct cpuid_regs garbage;
	(void)state;

	run_scenario("qemu-tcg.json");
	sim.machine.cpuid(&sim.machine, 0x40000010, 0, &garbage);
	assert_int_equal(garbage.eax, 0x00000007); /* leaf 0xd's EAX, replayed */
	assert_int_equal(report.platform.hv.bases[0].timing, HV_TIMING_NOT_OFFERED);
	assert_null(hv_find_leaf(&report.platform.hv.bases[0], 0x40000010));
}

static void test_cpu_identity_decodes_extended_family_and_brand(void **state)
{
	(void)state;
	run_scenario("qemu-tcg.json");
	assert_int_equal(report.platform.cpu.family, 0xf);
	assert_int_equal(report.platform.cpu.model, 0x6b);
	assert_int_equal(report.platform.cpu.stepping, 1);
	assert_string_equal(report.platform.cpu.brand, "QEMU Virtual CPU version 2.5+");
	assert_int_equal(report.platform.cpu.max_basic_leaf, 0xd);
	assert_int_equal(report.platform.cpu.max_extended_leaf, 0x8000000a);
}

static void test_leaf15_and_leaf16_only_when_enumerated(void **state)
{
	(void)state;
	run_scenario("kvm-timing-leaf.json");
	assert_false(report.platform.cpu.leaf15.present); /* leaf 0x15 all zero: ratio not enumerated */
	assert_true(report.platform.cpu.leaf16.present);
	assert_int_equal(report.platform.cpu.leaf16.base_mhz, 2600);
	assert_int_equal(report.platform.cpu.leaf16.max_mhz, 3500);
	assert_int_equal(report.platform.cpu.leaf16.bus_mhz, 100);

	run_scenario("kvm.json"); /* max basic leaf 0x10: leaves 0x15 and 0x16 are out of range */
	assert_false(report.platform.cpu.leaf15.present);
	assert_false(report.platform.cpu.leaf16.present);
}

static void test_leaf15_computes_tsc_from_crystal_ratio(void **state)
{
	struct cpuid_regs regs = {.eax = 2, .ebx = 176, .ecx = 24000000};
	(void)state;

	run_scenario("kvm-timing-leaf.json");
	sim_config_set_cpuid(&config, 0x15, 0, &regs);
	probe_inventory(&sim.machine, "test", &report);
	assert_true(report.platform.cpu.leaf15.present);
	assert_int_equal(report.platform.cpu.leaf15.tsc_hz, 2112000000ull); /* 24 MHz * 176 / 2 */
}

/* AMD semantics return zeros past a range: no base may appear out of nothing. */
static void test_amd_out_of_range_zeros_are_not_bases(void **state)
{
	(void)state;
	run_scenario("qemu-tcg.json");
	config.out_of_range = SIM_OUT_OF_RANGE_AMD;
	probe_inventory(&sim.machine, "test", &report);
	assert_int_equal(report.platform.hv.count, 1);
}

/* A broken CPU that answers every base with a live-looking leaf: recorded up to the cap, the rest counted. */
static void test_too_many_bases_are_counted_not_stored(void **state)
{
	(void)state;
	run_scenario("qemu-tcg.json");
	for (uint32_t base = 0x40000000; base <= 0x4000ff00; base += 0x100) {
		struct cpuid_regs regs = {base + 1, 0x54474354, 0x43544743, 0x47435447};
		sim_config_set_cpuid(&config, base, 0, &regs);
	}
	probe_inventory(&sim.machine, "test", &report);
	assert_int_equal(report.platform.hv.count, HV_MAX_BASES);
	assert_int_equal(report.platform.hv.dropped, 256 - HV_MAX_BASES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_scenario_decodes_its_hypervisor_bases),
		cmocka_unit_test(test_no_leaf_is_read_beyond_a_max_leaf),
		cmocka_unit_test(test_tcg_timing_leaf_would_be_garbage_and_is_not_read),
		cmocka_unit_test(test_cpu_identity_decodes_extended_family_and_brand),
		cmocka_unit_test(test_leaf15_and_leaf16_only_when_enumerated),
		cmocka_unit_test(test_leaf15_computes_tsc_from_crystal_ratio),
		cmocka_unit_test(test_amd_out_of_range_zeros_are_not_bases),
		cmocka_unit_test(test_too_many_bases_are_counted_not_stored),
	};
	return cmocka_run_group_tests_name("cpuid", tests, NULL, NULL);
}
