/* The probe's inventory on a simulated machine that a fuzz input built: what the machine-based targets run. */
#ifndef TSCPROBE_FUZZ_MACHINE_RUN_H
#define TSCPROBE_FUZZ_MACHINE_RUN_H

#include "report.h"
#include "sim.h"

struct fuzz_machine {
	struct sim sim;
	struct report report;
};

/* Power on a simulated machine of config (which must outlive it). */
void fuzz_machine_start(struct fuzz_machine *fm, const struct sim_config *config);

/* What probe_start does before it measures: CPUID and hypervisor inventory, ACPI discovery and the claims, then
 * the cross-checks and verdicts over them, into fm->report. */
void fuzz_machine_inventory(struct fuzz_machine *fm);

/* Start, inventory, and write the report (fuzz_report_write): a whole run for the targets that need no more. */
void fuzz_machine_run(const struct sim_config *config);

#endif
