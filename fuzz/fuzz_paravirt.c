/* Fuzz target: the paravirtual clock pages (core/pvclock.c, kvmclock.c, hyperv.c): kvmclock's pvclock page and
 * Hyper-V's reference TSC page with arbitrary content, decoded as claims and read as a reference clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine_run.h"
#include "report_check.h"
#include "scenario.h"
#include "sim_paravirt.h"
#include "testdata.h"
#include "timesource.h"

/*
 * The input: Hyper-V's TSC and APIC frequency MSRs (64-bit little-endian each; 0: no such MSR), then one
 * PAGE_RECORD_BYTES record per MSR write that enables a clock page, in the order the probe makes them: what
 * the hypervisor writes into that page. Where the records run out, the simulated hypervisor's own page stays.
 */
#define FREQUENCY_MSRS_BYTES 16u
#define PAGE_RECORD_BYTES 32u /* a pvclock record; the reference TSC page uses its first 24 bytes */
#define PAGE_ENABLE 1ull      /* bit 0 of the system-time and reference TSC MSRs */
#define PAGE_NUMBER_MASK (~(uint64_t)(SIM_PAGE_BYTES - 1))
/* kvmclock reads taken as a reference clock: enough to see the scale applied to a moving TSC. */
#define CLOCK_READS 4

/* KVM with Hyper-V's enlightenments: a kvmclock and a reference TSC page behind the CPUID bases. */
#define MACHINE_SCENARIO "scenarios/kvm-hyperv.json"

static struct sim_config machine;
static const uint8_t *records;
static size_t records_left;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char error[512];
	(void)argc;
	(void)argv;
	if (!scenario_load_file(testdata_path(MACHINE_SCENARIO), &machine, error, sizeof(error))) {
		fprintf(stderr, "fuzz_paravirt: %s (set TSCPROBE_TESTDATA to the tests/data folder)\n", error);
		exit(1);
	}
	return 0;
}

static uint64_t take_u64(const uint8_t *data, size_t size, size_t at)
{
	uint64_t value = 0;
	if (at + sizeof(value) <= size)
		memcpy(&value, data + at, sizeof(value)); /* little-endian, as x86 */
	return value;
}

/* The simulated WRMSR, after which the page an enabling write names holds the input's next record. */
static enum access_status wrmsr_then_fill_page(struct machine *m, uint32_t msr, uint64_t value)
{
	enum access_status status = sim_wrmsr(m, msr, value);
	uint8_t *page = sim_guest_memory(sim_of(m), value & PAGE_NUMBER_MASK, PAGE_RECORD_BYTES);

	if (status != ACCESS_OK || !(value & PAGE_ENABLE) || !page || records_left == 0)
		return status;
	size_t length = records_left < PAGE_RECORD_BYTES ? records_left : PAGE_RECORD_BYTES;
	memcpy(page, records, length);
	records += length;
	records_left -= length;
	return status;
}

/* kvmclock as a reference clock: probed, read, and put back, as the probe does around a measurement. */
static void read_kvmclock(struct fuzz_machine *fm)
{
	struct time_source s = {.driver = &kvmclock_driver};
	struct machine *m = &fm->sim.machine;

	if (kvmclock_driver.probe(&s, m, &fm->report.platform, &fm->report.faults))
		return;
	for (int i = 0; i < CLOCK_READS; i++)
		kvmclock_driver.read(&s, m);
	kvmclock_driver.restore(&s, m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sim_config config;
	static struct fuzz_machine fm;

	config = machine;
	config.hyperv.tsc_frequency_hz = take_u64(data, size, 0);
	config.hyperv.apic_frequency_hz = take_u64(data, size, sizeof(uint64_t));
	records = data + (size < FREQUENCY_MSRS_BYTES ? size : FREQUENCY_MSRS_BYTES);
	records_left = size - (size_t)(records - data);

	fuzz_machine_start(&fm, &config);
	fm.sim.machine.wrmsr = wrmsr_then_fill_page;
	fuzz_machine_inventory(&fm);
	read_kvmclock(&fm);
	fuzz_report_write(&fm.report);
	return 0;
}
