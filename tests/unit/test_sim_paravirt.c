/* The simulated MSRs, guest pages and paravirtual clocks (kvmclock, Hyper-V, the VMware backdoor) against
 * their hypervisors' documentation, read through the machine interface alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "lapic.h"
#include "sim_helpers.h"

/* ---- MSRs ---------------------------------------------------------------------------------------- */

static void test_listed_msrs_read_their_value_and_refuse_writes_unless_writable(void **state)
{
	(void)state;
	uint64_t value;
	config.msrs = (struct sim_msr_config){
		.count = 2,
		.entries = {{HV_MSR_TSC_FREQUENCY, 2095078000, false}, {HV_MSR_TSC_INVARIANT_CONTROL, 0, true}}};
	start();
	assert_int_equal(rdmsr_ok(HV_MSR_TSC_FREQUENCY), 2095078000);
	assert_int_equal(m->wrmsr(m, HV_MSR_TSC_FREQUENCY, 1), ACCESS_FAULT_GP);
	assert_int_equal(rdmsr_ok(HV_MSR_TSC_FREQUENCY), 2095078000);

	assert_int_equal(m->wrmsr(m, HV_MSR_TSC_INVARIANT_CONTROL, 1), ACCESS_OK);
	assert_int_equal(rdmsr_ok(HV_MSR_TSC_INVARIANT_CONTROL), 1);
	assert_int_equal(sim.msr_values[1], 1); /* for "left as found" checks */

	assert_int_equal(m->rdmsr(m, 0x40000099, &value), ACCESS_FAULT_GP); /* unlisted: nothing implements it */
	assert_int_equal(value, 0);
}

static void test_msr_faults_win_over_every_other_answer(void **state)
{
	(void)state;
	config.hyperv.tsc_frequency_hz = 2095078000;
	config.hyperv.apic_frequency_hz = 200000000;
	config.msrs = (struct sim_msr_config){.fault_count = 2, .faults = {HV_MSR_APIC_FREQUENCY, MSR_IA32_APIC_BASE}};
	start();
	assert_int_equal(rdmsr_ok(HV_MSR_TSC_FREQUENCY), 2095078000);
	assert_false(msr_exists(HV_MSR_APIC_FREQUENCY)); /* advertised, yet #GP: a hypervisor that lies */
	assert_false(msr_exists(MSR_IA32_APIC_BASE));
}

static void test_every_msr_access_costs_a_vm_exit_and_is_traced(void **state)
{
	(void)state;
	uint64_t value;
	config.msr_cost_ps = PS_PER_US;
	config.msrs = (struct sim_msr_config){.count = 1, .entries = {{0x40000106, 0, true}}};
	start();
	m->rdmsr(m, MSR_IA32_APIC_BASE, &value);
	m->rdmsr(m, 0x40000106, &value);
	m->rdmsr(m, HV_MSR_TIME_REF_COUNT, &value); /* not in this scenario */
	m->wrmsr(m, 0x40000106, 7);
	m->wrmsr(m, MSR_IA32_APIC_BASE, 0);
	assert_int_equal(sim.now_ps, 5 * PS_PER_US);
	assert_int_equal(sim.trace.msr_reads, 3);
	assert_int_equal(sim.trace.msr_writes, 2);
	assert_int_equal(sim.trace.msr_faults, 2);
	assert_int_equal(sim.trace.msr_write_count, 2);
	assert_int_equal(sim.trace.msr_write_log[0].msr, 0x40000106);
	assert_int_equal(sim.trace.msr_write_log[0].value, 7);
	assert_int_equal(sim.trace.msr_write_log[0].status, ACCESS_OK);
	assert_int_equal(sim.trace.msr_write_log[1].msr, MSR_IA32_APIC_BASE);
	assert_int_equal(sim.trace.msr_write_log[1].status, ACCESS_FAULT_GP);
}

/* ---- guest pages --------------------------------------------------------------------------------- */

static void test_guest_pages_are_zeroed_4k_pages_that_phys_map_sees(void **state)
{
	(void)state;
	volatile uint8_t *pages[SIM_GUEST_PAGES];
	uint64_t phys[SIM_GUEST_PAGES], spare;
	start();
	for (unsigned i = 0; i < SIM_GUEST_PAGES; i++) {
		pages[i] = m->page_alloc(m, &phys[i]);
		assert_non_null(pages[i]);
		assert_int_equal(phys[i] % PAGE_BYTES, 0);
		for (unsigned b = 0; b < PAGE_BYTES; b++)
			if (pages[i][b])
				fail_msg("page %u byte %u is 0x%02x, expected a zeroed page", i, b, pages[i][b]);
		assert_ptr_equal(m->phys_map(m, phys[i], PAGE_BYTES), (const void *)pages[i]);
		for (unsigned j = 0; j < i; j++)
			assert_true(phys[i] != phys[j]);
	}
	assert_null(m->page_alloc(m, &spare)); /* a few pages, then none */

	pages[1][100] = 0xA5; /* what the guest writes, phys_map sees */
	assert_int_equal(((const uint8_t *)m->phys_map(m, phys[1] + 100, 1))[0], 0xA5);
	assert_null(m->phys_map(m, phys[1] + PAGE_BYTES - 4, 8)); /* crosses the page's end */
	assert_non_null(m->phys_map(m, m->acpi_rsdp, 20));        /* the ACPI tables stay where they were */

	m->page_free(m, pages[1]);
	assert_null(m->phys_map(m, phys[1], 1));
	volatile uint8_t *again = m->page_alloc(m, &spare);
	assert_int_equal(spare, phys[1]);
	assert_int_equal(again[100], 0); /* zeroed again */
}

/* ---- kvmclock ------------------------------------------------------------------------------------ */

static const struct kvmclock_scale_case {
	const char *host;
	uint64_t claimed_hz;
	uint32_t mul; /* as VirtualBox's gimR3KvmUpdateSystemTime derives them */
	int8_t shift;
} kvmclock_scales[] = {
	{"VirtualBox 5.0 of the motivating case", 3478274491, 0x93330d6c, -1},
	{"KVM on a 2.6 GHz EPYC", 2599984000, 0xc4ec9e30, -1},
	{"exactly 1 GHz: shifted up once", 1000000000, 0x80000000, 1},
	{"700 MHz", 700000000, 0xb6db6db6, 1},
	{"25 GHz", 25000000000, 0xa3d70a3d, -4},
};

static void test_kvmclock_page_holds_the_claimed_rate_as_mul_and_shift(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(kvmclock_scales) / sizeof(kvmclock_scales[0]); i++) {
		const struct kvmclock_scale_case *c = &kvmclock_scales[i];
		uint64_t phys;
		reset_config(NULL);
		config.kvmclock.present = true;
		config.kvmclock.claimed_tsc_hz = c->claimed_hz;
		start();
		advance(3 * PS_PER_S);
		uint64_t tsc_before = m->rdtsc(m), ns_before = sim.now_ps / 1000;
		struct pvclock_vcpu_time_info t = pvclock_page(kvmclock_enable(MSR_KVM_SYSTEM_TIME_NEW, &phys));
		uint64_t tsc_after = m->rdtsc(m);
		if (t.tsc_to_system_mul != c->mul || t.tsc_shift != c->shift)
			fail_msg("%s: mul 0x%08x shift %d, expected 0x%08x %d", c->host, t.tsc_to_system_mul,
				 t.tsc_shift, c->mul, c->shift);
		assert_in_range(t.tsc_to_system_mul, 1u << 31, UINT32_MAX);
		if (fabs(pvclock_hz(&t) / (double)c->claimed_hz - 1) > 1e-9)
			fail_msg("%s: mul and shift imply %.0f Hz, claimed %llu", c->host, pvclock_hz(&t),
				 (unsigned long long)c->claimed_hz);
		assert_int_equal(t.version % 2, 0);
		assert_in_range(t.tsc_timestamp, tsc_before, tsc_after);
		assert_in_range(t.system_time, ns_before, sim.now_ps / 1000);
		assert_int_equal(t.flags & PVCLOCK_TSC_STABLE_BIT, PVCLOCK_TSC_STABLE_BIT);
		assert_int_equal(sim.kvmclock.system_time_msr, phys | 1);
	}
}

/* The motivating case: VirtualBox 5.0's kvm-clock claims 3478.274 MHz of a TSC running at 3400.109 MHz. */
static void test_kvmclock_time_runs_at_the_claimed_rate_against_the_tsc(void **state)
{
	(void)state;
	uint64_t phys;
	load_scenario("virtualbox-5.0-kvm.json");
	struct pvclock_vcpu_time_info t = pvclock_page(kvmclock_enable(MSR_KVM_SYSTEM_TIME_NEW, &phys));
	uint64_t tsc0 = m->rdtsc(m), virtual0 = sim.now_ps;
	uint64_t guest0 = guest_ns(&t, tsc0);
	advance(300 * PS_PER_S);
	uint64_t tsc1 = m->rdtsc(m);
	double guest_s = (double)(guest_ns(&t, tsc1) - guest0) / 1e9;
	double virtual_s = (double)(sim.now_ps - virtual0) / 1e12;

	/*
	 * Against the TSC the guest's clock is exactly the claimed rate, to the scale's rounding (a 32-bit
	 * multiplier of at least 2^31: under one part in 2^31) and a nanosecond truncated at each end ...
	 */
	double claimed_s = (double)(tsc1 - tsc0) / 3478274491.0;
	assert_close(guest_s, claimed_s, claimed_s * 0x1p-31 + 2e-9);
	/* ... so against the truth it loses 6.74 s every 5 minutes (reference F3). */
	assert_close(virtual_s - guest_s, 300 * (1 - 3400109000.0 / 3478274491.0), 1e-6);
	assert_close(virtual_s - guest_s, 6.74, 0.005);
}

static const struct kvmclock_pair_case {
	uint32_t pairs;
	uint32_t msr;
	bool exists;
} kvmclock_pairs[] = {
	{SIM_KVMCLOCK_NEW, MSR_KVM_SYSTEM_TIME_NEW, true},
	{SIM_KVMCLOCK_NEW, MSR_KVM_WALL_CLOCK_NEW, true},
	{SIM_KVMCLOCK_NEW, MSR_KVM_SYSTEM_TIME, false},
	{SIM_KVMCLOCK_NEW, MSR_KVM_WALL_CLOCK, false},
	{SIM_KVMCLOCK_OLD, MSR_KVM_SYSTEM_TIME_NEW, false},
	{SIM_KVMCLOCK_OLD, MSR_KVM_SYSTEM_TIME, true},
	{SIM_KVMCLOCK_OLD, MSR_KVM_WALL_CLOCK, true},
	{SIM_KVMCLOCK_NEW | SIM_KVMCLOCK_OLD, MSR_KVM_SYSTEM_TIME, true},
	{SIM_KVMCLOCK_NEW | SIM_KVMCLOCK_OLD, MSR_KVM_SYSTEM_TIME_NEW, true},
};

static void test_kvmclock_msr_pairs_exist_as_the_scenario_says(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(kvmclock_pairs) / sizeof(kvmclock_pairs[0]); i++) {
		const struct kvmclock_pair_case *c = &kvmclock_pairs[i];
		reset_config(NULL);
		config.kvmclock.present = true;
		config.kvmclock.pairs = c->pairs;
		start();
		if (msr_exists(c->msr) != c->exists)
			fail_msg("pairs 0x%x: MSR 0x%x %s, expected it %s", c->pairs, c->msr,
				 c->exists ? "faults" : "answers", c->exists ? "to answer" : "to fault");
	}
	reset_config(NULL);
	start();
	assert_false(msr_exists(MSR_KVM_SYSTEM_TIME_NEW)); /* no kvmclock in the scenario: no MSRs */
}

static void test_kvmclock_writing_0_disables_it_and_the_page_keeps_its_record(void **state)
{
	(void)state;
	uint64_t phys;
	config.kvmclock.present = true;
	start();
	assert_int_equal(rdmsr_ok(MSR_KVM_SYSTEM_TIME_NEW), 0); /* off at power-on */
	volatile void *page = kvmclock_enable(MSR_KVM_SYSTEM_TIME_NEW, &phys);
	struct pvclock_vcpu_time_info enabled = pvclock_page(page);
	assert_int_equal(rdmsr_ok(MSR_KVM_SYSTEM_TIME), phys | 1); /* both pairs share the value */

	assert_int_equal(m->wrmsr(m, MSR_KVM_SYSTEM_TIME_NEW, 0), ACCESS_OK);
	advance(PS_PER_S);
	struct pvclock_vcpu_time_info disabled = pvclock_page(page);
	assert_memory_equal(&disabled, &enabled, sizeof(enabled));
	assert_int_equal(sim.kvmclock.system_time_msr, 0);
	assert_int_equal(sim.kvmclock.page_updates, 1);

	assert_int_equal(m->wrmsr(m, MSR_KVM_SYSTEM_TIME, phys | 1), ACCESS_OK); /* again, through the old MSR */
	assert_int_equal(pvclock_page(page).version, 4);
	assert_int_equal(sim.kvmclock.page_updates, 2);
}

static void test_kvmclock_version_stuck_odd_stays_odd(void **state)
{
	(void)state;
	uint64_t phys;
	config.kvmclock.present = true;
	config.kvmclock.fault = SIM_KVMCLOCK_VERSION_STUCK_ODD;
	start();
	volatile void *page = kvmclock_enable(MSR_KVM_SYSTEM_TIME_NEW, &phys);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(pvclock_page(page).version % 2, 1);
		advance(PS_PER_S);
		assert_int_equal(pvclock_page(page).version % 2, 1);
		m->wrmsr(m, MSR_KVM_SYSTEM_TIME_NEW, phys | 1);
	}
}

static void test_kvmclock_wall_clock_holds_the_power_on_time(void **state)
{
	(void)state;
	uint64_t phys;
	uint32_t wall[3]; /* struct pvclock_wall_clock: version, sec, nsec */
	config.kvmclock.present = true;
	start();
	volatile void *page = m->page_alloc(m, &phys);
	advance(5 * PS_PER_S);
	assert_int_equal(m->wrmsr(m, MSR_KVM_WALL_CLOCK_NEW, phys + 64), ACCESS_OK);
	memcpy(wall, (const uint8_t *)page + 64, sizeof(wall));
	assert_int_equal(wall[0] % 2, 0);
	assert_int_equal(wall[1], 1795262400); /* date -u -d '2026-11-21 12:00:00' +%s: the default RTC start */
	assert_int_equal(wall[2], 0);
	assert_int_equal(rdmsr_ok(MSR_KVM_WALL_CLOCK_NEW), phys + 64);
}

static void test_a_clock_page_outside_allocated_memory_is_not_written(void **state)
{
	(void)state;
	config.kvmclock.present = true;
	config.hyperv.reference_tsc_page = true;
	start();
	assert_int_equal(m->wrmsr(m, MSR_KVM_SYSTEM_TIME_NEW, SIM_GUEST_PAGES_BASE | 1), ACCESS_OK); /* not allocated */
	assert_int_equal(m->wrmsr(m, HV_MSR_REFERENCE_TSC, 0x1000 | 1), ACCESS_OK);
	assert_int_equal(sim.trace.unbacked_page_writes, 2);
	assert_int_equal(sim.kvmclock.page_updates, 0);
	assert_int_equal(sim.kvmclock.system_time_msr, SIM_GUEST_PAGES_BASE | 1);
}

/* ---- Hyper-V ------------------------------------------------------------------------------------- */

static const struct hyperv_msr_case {
	const char *setting;
	uint32_t msr;
	bool writable;
} hyperv_msrs[] = {
	{"reference_counter", HV_MSR_TIME_REF_COUNT, false},
	{"reference_tsc_page", HV_MSR_REFERENCE_TSC, true},
	{"tsc_frequency_hz", HV_MSR_TSC_FREQUENCY, false},
	{"apic_frequency_hz", HV_MSR_APIC_FREQUENCY, false},
};

static void hyperv_set_only(const char *setting)
{
	config.hyperv.reference_counter = !strcmp(setting, "reference_counter");
	config.hyperv.reference_tsc_page = !strcmp(setting, "reference_tsc_page");
	config.hyperv.tsc_frequency_hz = strcmp(setting, "tsc_frequency_hz") ? 0 : 2095078000;
	config.hyperv.apic_frequency_hz = strcmp(setting, "apic_frequency_hz") ? 0 : 200000000;
}

static void test_hyperv_msrs_exist_only_where_the_scenario_sets_them(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hyperv_msrs) / sizeof(hyperv_msrs[0]); i++) {
		reset_config(NULL);
		hyperv_set_only(hyperv_msrs[i].setting);
		start();
		for (size_t j = 0; j < sizeof(hyperv_msrs) / sizeof(hyperv_msrs[0]); j++)
			if (msr_exists(hyperv_msrs[j].msr) != (i == j))
				fail_msg("with only hyperv.%s: MSR 0x%x %s", hyperv_msrs[i].setting, hyperv_msrs[j].msr,
					 i == j ? "faults" : "answers");
		/* The reference TSC MSR is read-write; the counter and frequencies are read-only (TLFS). */
		assert_int_equal(m->wrmsr(m, hyperv_msrs[i].msr, 0),
				 hyperv_msrs[i].writable ? ACCESS_OK : ACCESS_FAULT_GP);
	}
	reset_config(NULL);
	config.hyperv.tsc_frequency_hz = 2095078000;
	config.hyperv.apic_frequency_hz = 200000000;
	start();
	assert_int_equal(rdmsr_ok(HV_MSR_TSC_FREQUENCY), 2095078000);
	assert_int_equal(rdmsr_ok(HV_MSR_APIC_FREQUENCY), 200000000);
}

static const double reference_rates_ppm[] = {0, 100, -22472};

static void test_hyperv_reference_counter_counts_100ns_units_at_its_rate(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(reference_rates_ppm) / sizeof(reference_rates_ppm[0]); i++) {
		reset_config(NULL);
		config.hyperv.reference_counter = true;
		config.hyperv.reference_counter_rate_ppm = reference_rates_ppm[i];
		start();
		assert_int_equal(rdmsr_ok(HV_MSR_TIME_REF_COUNT), 0); /* partition reference time starts at 0 */
		advance(PS_PER_S);
		uint64_t before = rdmsr_ok(HV_MSR_TIME_REF_COUNT);
		advance(10 * PS_PER_S);
		uint64_t ticks = rdmsr_ok(HV_MSR_TIME_REF_COUNT) - before;
		double expected = 10 * HV_REFERENCE_HZ * (1 + reference_rates_ppm[i] / 1e6);
		if (fabs((double)ticks - expected) > 1)
			fail_msg("rate %+g ppm: %llu ticks in 10 s, expected %.0f", reference_rates_ppm[i],
				 (unsigned long long)ticks, expected);
		assert_close(sim.truth.hv_reference_counter_hz, expected / 10, 1e-6);
	}
}

static const struct tsc_page_case {
	const char *what;
	uint64_t claimed_hz; /* of a TSC really at 3400109000 Hz */
} tsc_page_cases[] = {
	{"an honest page", 3400109000},
	{"a page claiming the motivating case's 3478.274 MHz", 3478274491},
};

static void test_hyperv_tsc_page_agrees_with_the_counter_and_runs_at_the_claimed_rate(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(tsc_page_cases) / sizeof(tsc_page_cases[0]); i++) {
		const struct tsc_page_case *c = &tsc_page_cases[i];
		uint64_t phys;
		reset_config(NULL);
		config.tsc_hz = 3400109000;
		config.hyperv.reference_counter = true;
		config.hyperv.reference_tsc_page = true;
		config.hyperv.tsc_page_claimed_hz = c->claimed_hz;
		start();
		advance(7 * PS_PER_S);
		volatile void *page = m->page_alloc(m, &phys);
		assert_int_equal(m->wrmsr(m, HV_MSR_REFERENCE_TSC, phys | 1), ACCESS_OK);
		struct hv_reference_tsc_page p = hv_tsc_page(page);
		assert_int_equal(p.sequence, 1);
		double implied_hz = 1e7 * 18446744073709551616.0 / (double)p.scale; /* 10^7 * 2^64 / TscScale */
		if (fabs(implied_hz / (double)c->claimed_hz - 1) > 1e-9)
			fail_msg("%s: TscScale 0x%llx implies %.0f Hz", c->what, (unsigned long long)p.scale,
				 implied_hz);

		uint64_t counter0 = rdmsr_ok(HV_MSR_TIME_REF_COUNT), page0 = hv_page_time(&p, m->rdtsc(m));
		assert_in_range(page0, counter0 - 1, counter0 + 1); /* in step when written */
		advance(100 * PS_PER_S);
		uint64_t counter = rdmsr_ok(HV_MSR_TIME_REF_COUNT) - counter0;
		uint64_t paged = hv_page_time(&p, m->rdtsc(m)) - page0;
		double expected = (double)counter * 3400109000.0 / (double)c->claimed_hz;
		if (fabs((double)paged - expected) > 2)
			fail_msg("%s: the page advanced %llu in %llu counter ticks, expected %.0f", c->what,
				 (unsigned long long)paged, (unsigned long long)counter, expected);
	}
}

static void test_hyperv_tsc_page_sequence_0_and_disabling(void **state)
{
	(void)state;
	uint64_t phys;
	config.hyperv.reference_tsc_page = true;
	config.hyperv.tsc_page_sequence = 0; /* invalid: the guest must fall back to the reference counter */
	start();
	assert_int_equal(rdmsr_ok(HV_MSR_REFERENCE_TSC), 0); /* off until enabled, as nested-kvm.md read it */
	volatile void *page = m->page_alloc(m, &phys);
	memset((void *)page, 0xEE, 4); /* so that the sequence visibly becomes 0 */
	assert_int_equal(m->wrmsr(m, HV_MSR_REFERENCE_TSC, phys | 1), ACCESS_OK);
	struct hv_reference_tsc_page enabled = hv_tsc_page(page);
	assert_int_equal(enabled.sequence, 0);

	assert_int_equal(m->wrmsr(m, HV_MSR_REFERENCE_TSC, 0), ACCESS_OK);
	advance(PS_PER_S);
	struct hv_reference_tsc_page disabled = hv_tsc_page(page);
	assert_memory_equal(&disabled, &enabled, sizeof(enabled));
	assert_int_equal(sim.hyperv.reference_tsc_msr, 0);
}

/* ---- VMware backdoor ----------------------------------------------------------------------------- */

static void test_vmware_backdoor_gethz_returns_the_tsc_and_apic_rates(void **state)
{
	(void)state;
	config.vmware_backdoor =
		(struct sim_vmware_backdoor_config){.present = true, .tsc_hz = 5000000001, .apic_hz = 66000000};
	start();
	struct backdoor_regs r = gethz(VMWARE_HYPERVISOR_MAGIC, VMWARE_HYPERVISOR_PORT);
	assert_int_equal(r.eax, (uint32_t)5000000001); /* TSC Hz, bits 31:0 */
	assert_int_equal(r.ebx, 1);                    /* bits 63:32: not 0xFFFFFFFF, so no failure */
	assert_int_equal(r.ecx, 66000000);             /* APIC bus Hz */
	assert_int_equal(r.esi, 1);
	assert_int_equal(sim.trace.backdoor_calls, 1);

	config.vmware_backdoor = (struct sim_vmware_backdoor_config){.present = true}; /* honest by default */
	start();
	r = gethz(VMWARE_HYPERVISOR_MAGIC, VMWARE_HYPERVISOR_PORT);
	assert_int_equal((uint64_t)r.ebx << 32 | r.eax, config.tsc_hz);
	assert_int_equal(r.ecx, config.clocks.lapic.bus_hz);
}

static const struct unclaimed_backdoor_case {
	const char *what;
	bool present;
	uint32_t magic, port;
} unclaimed_backdoors[] = {
	{"no backdoor in the scenario", false, VMWARE_HYPERVISOR_MAGIC, VMWARE_HYPERVISOR_PORT},
	{"another magic number", true, 0x12345678, VMWARE_HYPERVISOR_PORT},
	{"another port", true, VMWARE_HYPERVISOR_MAGIC, 0x5659},
};

static void test_without_the_backdoor_its_port_reads_as_unclaimed(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(unclaimed_backdoors) / sizeof(unclaimed_backdoors[0]); i++) {
		const struct unclaimed_backdoor_case *c = &unclaimed_backdoors[i];
		reset_config(NULL);
		config.vmware_backdoor.present = c->present;
		start();
		struct backdoor_regs r = gethz(c->magic, c->port);
		if (r.eax != UINT32_MAX || r.ebx != UINT32_MAX || r.ecx != VMWARE_CMD_GETHZ || r.edx != c->port)
			fail_msg("%s: eax 0x%x ebx 0x%x ecx 0x%x edx 0x%x, expected an unclaimed port: eax all "
				 "ones, the rest as loaded",
				 c->what, r.eax, r.ebx, r.ecx, r.edx);
		assert_int_equal(sim.trace.unclaimed_accesses, 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_listed_msrs_read_their_value_and_refuse_writes_unless_writable,
				       reset_config),
		cmocka_unit_test_setup(test_msr_faults_win_over_every_other_answer, reset_config),
		cmocka_unit_test_setup(test_every_msr_access_costs_a_vm_exit_and_is_traced, reset_config),
		cmocka_unit_test_setup(test_guest_pages_are_zeroed_4k_pages_that_phys_map_sees, reset_config),
		cmocka_unit_test_setup(test_kvmclock_page_holds_the_claimed_rate_as_mul_and_shift, reset_config),
		cmocka_unit_test_setup(test_kvmclock_time_runs_at_the_claimed_rate_against_the_tsc, reset_config),
		cmocka_unit_test_setup(test_kvmclock_msr_pairs_exist_as_the_scenario_says, reset_config),
		cmocka_unit_test_setup(test_kvmclock_writing_0_disables_it_and_the_page_keeps_its_record, reset_config),
		cmocka_unit_test_setup(test_kvmclock_version_stuck_odd_stays_odd, reset_config),
		cmocka_unit_test_setup(test_kvmclock_wall_clock_holds_the_power_on_time, reset_config),
		cmocka_unit_test_setup(test_a_clock_page_outside_allocated_memory_is_not_written, reset_config),
		cmocka_unit_test_setup(test_hyperv_msrs_exist_only_where_the_scenario_sets_them, reset_config),
		cmocka_unit_test_setup(test_hyperv_reference_counter_counts_100ns_units_at_its_rate, reset_config),
		cmocka_unit_test_setup(test_hyperv_tsc_page_agrees_with_the_counter_and_runs_at_the_claimed_rate,
				       reset_config),
		cmocka_unit_test_setup(test_hyperv_tsc_page_sequence_0_and_disabling, reset_config),
		cmocka_unit_test_setup(test_vmware_backdoor_gethz_returns_the_tsc_and_apic_rates, reset_config),
		cmocka_unit_test_setup(test_without_the_backdoor_its_port_reads_as_unclaimed, reset_config),
	};
	return cmocka_run_group_tests_name("sim_paravirt", tests, NULL, NULL);
}
