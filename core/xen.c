/* Xen's time leaf, base + 3: the guest TSC's rate in kHz and as a scale, and the host's. */
#include "claims.h"
#include "pvclock.h"

/* Xen's time leaf is base + 3 (xen/include/public/arch-x86/cpuid.h, "leaf 4"). */
#define XEN_LEAF_TIME 3u
#define XEN_TSC_EMULATED 1u /* subleaf 0 EAX bit 0 */

/*
 * Xen's time leaf describes the guest's TSC twice: sub-leaf 0 ECX in kHz, sub-leaf 1 as the pvclock scale
 * that turns it into ns. Each is a claim; sub-leaf 2's host kHz is the host's own TSC, which the guest's
 * differs from whenever Xen scales or emulates it, so it is a figure beside them, never judged alone.
 */
void xen_claims(struct machine *m, const struct platform *p, struct claim_list *claims, struct fault_log *faults)
{
	(void)faults; /* CPUID leaves only: nothing to fault */
	const struct hv_base *xen = hv_find_base(&p->hv, "XenVMMXenVMM");
	struct cpuid_regs modes, scale, host;

	if (!xen || !hv_find_leaf(xen, xen->base + XEN_LEAF_TIME))
		return;
	m->cpuid(m, xen->base + XEN_LEAF_TIME, 0, &modes);
	m->cpuid(m, xen->base + XEN_LEAF_TIME, 1, &scale);
	m->cpuid(m, xen->base + XEN_LEAF_TIME, 2, &host);
	/* Zeros state nothing (an old or unfilled leaf), as the timing leaf's EAX = 0 does. */
	struct claim *c = modes.ecx ? claim_add(claims, &claim_source_xen_leaf, xen->base, modes.ecx * 1e3) : NULL;
	if (c) {
		claim_uint(c, "tsc_mode", modes.ebx);
		claim_bool(c, "emulated", modes.eax & XEN_TSC_EMULATED);
		claim_uint(c, "incarnation", modes.edx);
		claim_uint(c, "host_tsc_khz", host.eax);
	}
	c = scale.ecx ? claim_add(claims, &claim_source_xen_scale, xen->base, pvclock_tsc_hz(scale.ecx, (int8_t)scale.edx))
		      : NULL;
	if (c) {
		claim_uint(c, "tsc_to_system_mul", scale.ecx);
		claim_int(c, "tsc_shift", (int8_t)scale.edx);
	}
}
