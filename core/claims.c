/* Every frequency the platform claims for the TSC, gathered as data to be compared, never believed: one collector per interface. */
#include "claims.h"

/* In the order the report lists them (docs/report-schema.md, claims[]). */
static claim_collector *const collectors[] = {
	timing_leaf_claims, kvmclock_claim, hyperv_claims, xen_claims, vmware_claim, native_leaf_claims,
};

void claims_collect(struct machine *m, const struct platform *p, struct claim_list *claims, struct fault_log *faults)
{
	for (size_t i = 0; i < sizeof(collectors) / sizeof(collectors[0]); i++)
		collectors[i](m, p, claims, faults);
}
