/* The CPU's own statements of its TSC rate: leaf 0x15 (crystal x ratio) and leaf 0x16 (nominal MHz). */
#include "claims.h"

void native_leaf_claims(struct machine *m, const struct platform *p, struct claim_list *claims, struct fault_log *faults)
{
	const struct cpu_info *cpu = &p->cpu;
	(void)m; /* read from the inventory alone: CPUID leaves, no access that can fault */
	(void)faults;
	struct claim *c;

	if (cpu->leaf15.present && cpu->leaf15.tsc_hz &&
	    (c = claim_add(claims, &claim_source_leaf15, CPUID_LEAF_TSC_CRYSTAL, (double)cpu->leaf15.tsc_hz))) {
		claim_uint(c, "crystal_hz", cpu->leaf15.crystal_hz);
		claim_uint(c, "numerator", cpu->leaf15.numerator);
		claim_uint(c, "denominator", cpu->leaf15.denominator);
	}
	if (cpu->leaf16.present && cpu->leaf16.base_mhz &&
	    (c = claim_add(claims, &claim_source_leaf16, CPUID_LEAF_FREQUENCY, cpu->leaf16.base_mhz * 1e6))) {
		claim_uint(c, "base_mhz", cpu->leaf16.base_mhz);
		claim_uint(c, "max_mhz", cpu->leaf16.max_mhz);
		claim_uint(c, "bus_mhz", cpu->leaf16.bus_mhz);
	}
}
