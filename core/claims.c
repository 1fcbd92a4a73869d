/* Every frequency the platform claims for the TSC, gathered as data to be compared, never believed: one collector per interface. */
#include "claims.h"

void claims_collect(struct machine *m, const struct platform *p, struct claim_list *claims, struct fault_log *faults)
{
	for (size_t i = 0; i < CLAIM_SOURCE_COUNT; i++)
		claim_sources[i]->collect(m, p, claims, faults);
}
