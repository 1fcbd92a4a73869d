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
static const struct hv_base *xen_time_leaf_base(const struct platform *p)
{
	const struct hv_base *xen = hv_find_base(&p->hv, "XenVMMXenVMM");
	return xen && hv_find_leaf(xen, xen->base + XEN_LEAF_TIME) ? xen : NULL;
}

/* Sub-leaf 0: the guest TSC in kHz, with the TSC mode and, from sub-leaf 2, the host's kHz. */
static void xen_leaf_claim(struct machine *m, const struct platform *p, struct claim_list *claims,
			   struct fault_log *faults)
{
	const struct hv_base *xen = xen_time_leaf_base(p);
	struct cpuid_regs modes, host;
	struct claim *c;
	(void)faults; /* CPUID leaves only: nothing to fault */

	if (!xen)
		return;
	m->cpuid(m, xen->base + XEN_LEAF_TIME, 0, &modes);
	m->cpuid(m, xen->base + XEN_LEAF_TIME, 2, &host);
	/* Zeros state nothing (an old or unfilled leaf), as the timing leaf's EAX = 0 does. */
	if (!modes.ecx || !(c = claim_add(claims, &claim_source_xen_leaf, xen->base, modes.ecx * 1e3)))
		return;
	claim_uint(c, "tsc_mode", modes.ebx);
	claim_bool(c, "emulated", modes.eax & XEN_TSC_EMULATED);
	claim_uint(c, "incarnation", modes.edx);
	claim_uint(c, "host_tsc_khz", host.eax);
}

/* Sub-leaf 1: the pvclock scale from the guest's TSC ticks to ns. */
static void xen_scale_claim(struct machine *m, const struct platform *p, struct claim_list *claims,
			    struct fault_log *faults)
{
	const struct hv_base *xen = xen_time_leaf_base(p);
	struct cpuid_regs scale;
	struct claim *c;
	(void)faults; /* as sub-leaf 0 */

	if (!xen)
		return;
	m->cpuid(m, xen->base + XEN_LEAF_TIME, 1, &scale);
	if (!scale.ecx ||
	    !(c = claim_add(claims, &claim_source_xen_scale, xen->base, pvclock_tsc_hz(scale.ecx, (int8_t)scale.edx))))
		return;
	claim_uint(c, "tsc_to_system_mul", scale.ecx);
	claim_int(c, "tsc_shift", (int8_t)scale.edx);
}

const struct claim_source claim_source_xen_leaf = {
	.name = "xen_time_leaf",
	.label = "Xen time leaf (base + 3) guest TSC kHz",
	.family = "Xen",
	.location = CLAIM_AT_BASE,
	.nature = CLAIM_NATURE_KHZ,
	.collect = xen_leaf_claim,
};

const struct claim_source claim_source_xen_scale = {
	.name = "xen_time_scale",
	.label = "Xen time leaf (base + 3) tsc-to-ns scale",
	.family = "Xen",
	.location = CLAIM_AT_BASE,
	.nature = CLAIM_NATURE_SCALE,
	.collect = xen_scale_claim,
};
