/* The CPU's own statements of its TSC rate: leaf 0x15 (crystal x ratio) and leaf 0x16 (nominal MHz). */
#include "claims.h"

/* Leaf 0x15: the crystal's rate times the TSC/crystal ratio, where the CPU states all three. */
static void leaf15_claim(struct machine *m, const struct platform *p, struct claim_list *claims,
			 struct fault_log *faults)
{
	const struct leaf15_info *leaf = &p->cpu.leaf15;
	struct claim *c;
	(void)m; /* read from the inventory alone: CPUID leaves, no access that can fault */
	(void)faults;

	if (!leaf->present || !leaf->tsc_hz ||
	    !(c = claim_add(claims, &claim_source_leaf15, CPUID_LEAF_TSC_CRYSTAL, (double)leaf->tsc_hz)))
		return;
	claim_uint(c, "crystal_hz", leaf->crystal_hz);
	claim_uint(c, "numerator", leaf->numerator);
	claim_uint(c, "denominator", leaf->denominator);
}

/* Leaf 0x16: the model's nominal base frequency, which the TSC usually but not always runs at. */
static void leaf16_claim(struct machine *m, const struct platform *p, struct claim_list *claims,
			 struct fault_log *faults)
{
	const struct leaf16_info *leaf = &p->cpu.leaf16;
	struct claim *c;
	(void)m; /* as leaf 0x15 */
	(void)faults;

	if (!leaf->present || !leaf->base_mhz ||
	    !(c = claim_add(claims, &claim_source_leaf16, CPUID_LEAF_FREQUENCY, leaf->base_mhz * 1e6)))
		return;
	claim_uint(c, "base_mhz", leaf->base_mhz);
	claim_uint(c, "max_mhz", leaf->max_mhz);
	claim_uint(c, "bus_mhz", leaf->bus_mhz);
}

const struct claim_source claim_source_leaf15 = {
	.name = "cpuid_leaf15",
	.label = "CPUID 0x15 crystal x ratio",
	.family = IDENTITY_FAMILY_CPU,
	.location = CLAIM_AT_LEAF,
	.nature = CLAIM_NATURE_RATIO,
	.collect = leaf15_claim,
};

const struct claim_source claim_source_leaf16 = {
	.name = "cpuid_leaf16",
	.label = "CPUID 0x16 base frequency (MHz)",
	.family = IDENTITY_FAMILY_CPU,
	.location = CLAIM_AT_LEAF,
	.nature = CLAIM_NATURE_NOMINAL_MHZ,
	.collect = leaf16_claim,
};
