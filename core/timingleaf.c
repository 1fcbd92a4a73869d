/* The generic timing leaf, base + 0x10 (VMware's proposal, kept by KVM, VirtualBox Minimal, ACRN): one claim per base. */
#include "claims.h"

/* Base + 0x10, read by the inventory only where the max leaf reaches it: one claim per base that offers it. */
void timing_leaf_claims(struct machine *m, struct report *r)
{
	(void)m;
	for (uint32_t i = 0; i < r->hv.count; i++) {
		const struct hv_base *b = &r->hv.bases[i];
		if (b->timing != HV_TIMING_PRESENT)
			continue;
		struct claim *c = claim_add(r, &claim_source_timing_leaf, b->base, (double)b->timing_tsc_khz * 1e3);
		if (c)
			claim_uint(c, "apic_bus_khz", b->timing_apic_bus_khz);
	}
}
