/* Fuzz target: the paravirtual clock pages (core/pvclock.c, kvmclock.c, hyperv.c): kvmclock's pvclock page and
 * Hyper-V's reference TSC page with arbitrary content, decoded as claims and read as a reference clock, through the
 * whole inventory of a simulated machine and its report (the input: paravirt_input.h). */
#include "machine_run.h"
#include "paravirt_input.h"
#include "report_check.h"
#include "sim_paravirt.h"

#define PAGE_NUMBER_MASK (~(uint64_t)(SIM_PAGE_BYTES - 1))

static struct paravirt_input input;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	paravirt_machine_config();
	return 0;
}

/* The simulated WRMSR, after which the page an enabling write names holds the input's next record; where the
 * records have run out, the simulated hypervisor's own page stays. */
static enum access_status wrmsr_then_fill_page(struct machine *m, uint32_t msr, uint64_t value)
{
	enum access_status status = sim_wrmsr(m, msr, value);
	uint8_t *page = sim_guest_memory(sim_of(m), value & PAGE_NUMBER_MASK, PARAVIRT_PAGE_RECORD_BYTES);

	if (status == ACCESS_OK && (value & PARAVIRT_PAGE_ENABLE) && page)
		paravirt_input_fill_page(&input, page);
	return status;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sim_config config;
	static struct fuzz_machine fm;

	paravirt_input_decode(data, size, &input);
	config = *paravirt_machine_config();
	config.hyperv.tsc_frequency_hz = input.tsc_frequency_hz;
	config.hyperv.apic_frequency_hz = input.apic_frequency_hz;

	fuzz_machine_start(&fm, &config);
	fm.sim.machine.wrmsr = wrmsr_then_fill_page;
	fuzz_machine_inventory(&fm);
	paravirt_read_kvmclock(&fm.sim.machine, &fm.report.platform, &fm.report.faults);
	fuzz_report_write(&fm.report);
	return 0;
}
