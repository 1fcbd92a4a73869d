/* The generic timing leaf, base + 0x10 (VMware's proposal, kept by KVM, VirtualBox Minimal, ACRN): one claim per base. */
#include "claims.h"

/* Base + 0x10, read by the inventory only where the max leaf reaches it: one claim per base that offers it. */
static void timing_leaf_claims(struct machine *m, const struct platform *p, struct claim_list *claims,
			       struct fault_log *faults)
{
	(void)m; /* read from the inventory alone: CPUID leaves, no access that can fault */
	(void)faults;
	for (uint32_t i = 0; i < p->hv.count; i++) {
		const struct hv_base *b = &p->hv.bases[i];
		if (b->timing != HV_TIMING_PRESENT)
			continue;
		struct claim *c =
			claim_add(claims, &claim_source_timing_leaf, b->base, (double)b->timing_tsc_khz * 1e3);
		if (c)
			claim_uint(c, "apic_bus_khz", b->timing_apic_bus_khz);
	}
}

const struct claim_source claim_source_timing_leaf = {
	.name = "cpuid_timing_leaf",
	.label = "CPUID timing leaf (base + 0x10) EAX",
	.location = CLAIM_AT_BASE,
	.nature = CLAIM_NATURE_KHZ,
	.collect = timing_leaf_claims,
};
