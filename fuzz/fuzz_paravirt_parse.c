/*
 * Fuzz target, parse-only: the paravirtual clock pages' decoders (core/pvclock.c, kvmclock.c, hyperv.c), for depth.
 * The claims of kvmclock, Hyper-V's frequency MSRs and its reference TSC page, then kvmclock read as a reference
 * clock, on a machine that has only those MSRs and two pages, for a platform taken once from the kvm-hyperv scenario
 * (fuzz_paravirt runs the whole inventory and report per input). The input is fuzz_paravirt's (paravirt_input.h).
 */
#include <string.h>

#include "claims.h"
#include "hyperv.h"
#include "kvm.h"
#include "paravirt_input.h"
#include "parse_check.h"
#include "parse_machine.h"

/* The claims free their page before the next is taken; kvmclock as a reference clock keeps one. */
#define PAGE_COUNT 2
#define PAGE_BYTES SIM_PAGE_BYTES
#define PAGE_NUMBER_MASK (~(uint64_t)(PAGE_BYTES - 1))
#define PAGES_BASE SIM_GUEST_PAGES_BASE
/* The TSC advances this much per read, so that kvmclock's scale is applied to a moving counter. */
#define TSC_STEP 1000000u

/* Only the clock MSRs a hypervisor with kvmclock and Hyper-V's reference TSC page has, and the pages they point to. */
struct paravirt_machine {
	struct machine machine;
	struct paravirt_input input;
	uint64_t reference_tsc_msr, system_time_msr, system_time_new_msr;
	uint64_t tsc;
	bool allocated[PAGE_COUNT];
	uint64_t pages[PAGE_COUNT][PAGE_BYTES / sizeof(uint64_t)]; /* 8-byte aligned, as guest RAM is */
};

static struct platform platform; /* the kvm-hyperv scenario's, taken once */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static struct sim sim; /* the simulator runs here only, once */
	(void)argc;
	(void)argv;
	sim_init(&sim, paravirt_machine_config());
	platform_inventory(&sim.machine, &platform);
	fuzz_require(platform.hyperv.present, "the kvm-hyperv scenario has no Hyper-V interface");
	return 0;
}

static struct paravirt_machine *machine_of(struct machine *m)
{
	return m->ctx;
}

/* The clock MSR at msr, or NULL: every other MSR faults. */
static uint64_t *clock_msr(struct paravirt_machine *pm, uint32_t msr)
{
	switch (msr) {
	case HV_MSR_REFERENCE_TSC:
		return &pm->reference_tsc_msr;
	case MSR_KVM_SYSTEM_TIME:
		return &pm->system_time_msr;
	case MSR_KVM_SYSTEM_TIME_NEW:
		return &pm->system_time_new_msr;
	default:
		return NULL;
	}
}

/* The frequency MSRs read as the input says; 0 is an MSR the hypervisor does not have. */
static enum access_status paravirt_rdmsr(struct machine *m, uint32_t msr, uint64_t *value)
{
	struct paravirt_machine *pm = machine_of(m);
	const uint64_t *clock = clock_msr(pm, msr);

	*value = clock                          ? *clock
		 : msr == HV_MSR_TSC_FREQUENCY  ? pm->input.tsc_frequency_hz
		 : msr == HV_MSR_APIC_FREQUENCY ? pm->input.apic_frequency_hz
						: 0;
	return clock || *value ? ACCESS_OK : ACCESS_FAULT_GP;
}

static uint8_t *page_at(struct paravirt_machine *pm, uint64_t phys)
{
	uint64_t index = (phys - PAGES_BASE) / PAGE_BYTES;
	if (phys < PAGES_BASE || index >= PAGE_COUNT || !pm->allocated[index])
		return NULL;
	return (uint8_t *)pm->pages[index];
}

/* A write that enables a clock page is where the hypervisor writes the page: the input's next record. */
static enum access_status paravirt_wrmsr(struct machine *m, uint32_t msr, uint64_t value)
{
	struct paravirt_machine *pm = machine_of(m);
	uint64_t *clock = clock_msr(pm, msr);
	uint8_t *page = page_at(pm, value & PAGE_NUMBER_MASK);

	if (!clock)
		return ACCESS_FAULT_GP;
	*clock = value;
	if ((value & PARAVIRT_PAGE_ENABLE) && page)
		paravirt_input_fill_page(&pm->input, page);
	return ACCESS_OK;
}

static uint64_t paravirt_rdtsc(struct machine *m)
{
	struct paravirt_machine *pm = machine_of(m);
	pm->tsc += TSC_STEP;
	return pm->tsc;
}

static volatile void *paravirt_page_alloc(struct machine *m, uint64_t *phys)
{
	struct paravirt_machine *pm = machine_of(m);
	for (unsigned i = 0; i < PAGE_COUNT; i++)
		if (!pm->allocated[i]) {
			pm->allocated[i] = true;
			memset(pm->pages[i], 0, PAGE_BYTES);
			*phys = PAGES_BASE + (uint64_t)i * PAGE_BYTES;
			return pm->pages[i];
		}
	*phys = 0;
	return NULL;
}

static void paravirt_page_free(struct machine *m, volatile void *page)
{
	struct paravirt_machine *pm = machine_of(m);
	for (unsigned i = 0; i < PAGE_COUNT; i++)
		if (page == pm->pages[i])
			pm->allocated[i] = false;
}

static void paravirt_machine_init(struct paravirt_machine *pm, const uint8_t *data, size_t size)
{
	fuzz_refusing_machine_init(&pm->machine);
	pm->machine.rdmsr = paravirt_rdmsr;
	pm->machine.wrmsr = paravirt_wrmsr;
	pm->machine.rdtsc = paravirt_rdtsc;
	pm->machine.page_alloc = paravirt_page_alloc;
	pm->machine.page_free = paravirt_page_free;
	pm->machine.ctx = pm;
	paravirt_input_decode(data, size, &pm->input);
	pm->reference_tsc_msr = pm->system_time_msr = pm->system_time_new_msr = pm->tsc = 0;
	memset(pm->allocated, 0, sizeof(pm->allocated));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct paravirt_machine machine; /* two 4 KiB pages: kept off the stack */
	struct claim_list claims = {0};
	struct fault_log faults = {0};

	paravirt_machine_init(&machine, data, size);
	claims_collect(&machine.machine, &platform, &claims, &faults);
	paravirt_read_kvmclock(&machine.machine, &platform, &faults);
	fuzz_require(claims.count <= CLAIM_LIST_CAPACITY, "more claims than the list holds");
	return 0;
}
