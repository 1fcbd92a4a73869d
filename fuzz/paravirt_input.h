/* The input of the paravirtual clock targets (fuzz_paravirt, fuzz_paravirt_parse), their machine's platform, and
 * kvmclock read as a reference clock, which both do after the claims. */
#ifndef TSCPROBE_FUZZ_PARAVIRT_INPUT_H
#define TSCPROBE_FUZZ_PARAVIRT_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "faults.h"
#include "platform.h"
#include "sim.h"

/*
 * The input: Hyper-V's TSC and APIC frequency MSRs (64-bit little-endian each; 0: no such MSR), then one
 * PARAVIRT_PAGE_RECORD_BYTES record per MSR write that enables a clock page, in the order the probe makes them: what
 * the hypervisor writes into that page. Where the records run out, the hypervisor writes nothing more.
 */
#define PARAVIRT_FREQUENCY_MSRS_BYTES 16u
#define PARAVIRT_PAGE_RECORD_BYTES 32u /* a pvclock record; the reference TSC page uses its first 24 bytes */
#define PARAVIRT_PAGE_ENABLE 1ull      /* bit 0 of the system-time and reference TSC MSRs */

struct paravirt_input {
	uint64_t tsc_frequency_hz, apic_frequency_hz;
	const uint8_t *records; /* the next page record */
	size_t records_left;    /* bytes from records on; the last record may be short */
};

void paravirt_input_decode(const uint8_t *data, size_t size, struct paravirt_input *in);

/* An MSR write that enables a page: the next record written at its start, if any is left (a short one in part);
 * nothing once they have run out. */
void paravirt_input_fill_page(struct paravirt_input *in, uint8_t *page);

/* KVM with Hyper-V's enlightenments (tests/data/scenarios/kvm-hyperv.json): a kvmclock and a reference TSC page
 * behind the CPUID bases. Loaded once; exits when TSCPROBE_TESTDATA does not lead to it. */
const struct sim_config *paravirt_machine_config(void);

/* kvmclock as a reference clock: probed, read a few times, and put back, as the probe does around a measurement. */
void paravirt_read_kvmclock(struct machine *m, const struct platform *p, struct fault_log *faults);

#endif
