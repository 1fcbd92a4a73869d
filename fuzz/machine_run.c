/* Running the probe's inventory on a simulated machine built from a fuzz input, and writing its report. */
#include "machine_run.h"

#include "claims.h"
#include "report_check.h"

void fuzz_machine_start(struct fuzz_machine *fm, const struct sim_config *config)
{
	sim_init(&fm->sim, config);
}

void fuzz_machine_inventory(struct fuzz_machine *fm)
{
	struct machine *m = &fm->sim.machine;
	struct report *r = &fm->report;

	probe_inventory(m, "fuzz", r);
	claims_collect(m, &r->platform, &r->claims, &r->faults);
	crosscheck_run(r);
	verdicts_run(r);
}

void fuzz_machine_run(const struct sim_config *config)
{
	static struct fuzz_machine fm; /* the simulator's memory and a report: far too big for the stack */
	fuzz_machine_start(&fm, config);
	fuzz_machine_inventory(&fm);
	fuzz_report_write(&fm.report);
}
