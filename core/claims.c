/* Every frequency the platform claims for the TSC, gathered as data to be compared, never believed. */
#include "claims.h"
#include "pvclock.h"

/* VMware's backdoor (Linux arch/x86/include/asm/vmware.h). */
#define VMWARE_HYPERVISOR_MAGIC 0x564d5868u /* "VMXh" */
#define VMWARE_HYPERVISOR_PORT 0x5658u
#define VMWARE_CMD_GETHZ 45u
#define VMWARE_GETHZ_FAILED 0xffffffffu /* EBX */
/* Xen's time leaf is base + 3 (xen/include/public/arch-x86/cpuid.h, "leaf 4"). */
#define XEN_LEAF_TIME 3u
#define XEN_TSC_EMULATED 1u /* subleaf 0 EAX bit 0 */

/* Base + 0x10, read by the inventory only where the max leaf reaches it: one claim per base that offers it. */
static void timing_leaf_claims(struct report *r)
{
	for (uint32_t i = 0; i < r->hv.count; i++) {
		const struct hv_base *b = &r->hv.bases[i];
		if (b->timing != HV_TIMING_PRESENT)
			continue;
		struct claim *c = claim_add(r, &claim_source_timing_leaf, b->base, (double)b->timing_tsc_khz * 1e3);
		if (c)
			claim_uint(c, "apic_bus_khz", b->timing_apic_bus_khz);
	}
}

static void native_leaf_claims(struct report *r)
{
	const struct cpu_info *cpu = &r->cpu;
	struct claim *c;

	if (cpu->leaf15.present && cpu->leaf15.tsc_hz &&
	    (c = claim_add(r, &claim_source_leaf15, CPUID_LEAF_TSC_CRYSTAL, (double)cpu->leaf15.tsc_hz))) {
		claim_uint(c, "crystal_hz", cpu->leaf15.crystal_hz);
		claim_uint(c, "numerator", cpu->leaf15.numerator);
		claim_uint(c, "denominator", cpu->leaf15.denominator);
	}
	if (cpu->leaf16.present && cpu->leaf16.base_mhz &&
	    (c = claim_add(r, &claim_source_leaf16, CPUID_LEAF_FREQUENCY, cpu->leaf16.base_mhz * 1e6))) {
		claim_uint(c, "base_mhz", cpu->leaf16.base_mhz);
		claim_uint(c, "max_mhz", cpu->leaf16.max_mhz);
		claim_uint(c, "bus_mhz", cpu->leaf16.bus_mhz);
	}
}

/*
 * Xen's time leaf describes the guest's TSC twice: sub-leaf 0 ECX in kHz, sub-leaf 1 as the pvclock scale
 * that turns it into ns. Each is a claim; sub-leaf 2's host kHz is the host's own TSC, which the guest's
 * differs from whenever Xen scales or emulates it, so it is a figure beside them, never judged alone.
 */
static void xen_claims(struct machine *m, struct report *r)
{
	const struct hv_base *xen = hv_find_base(&r->hv, "XenVMMXenVMM");
	struct cpuid_regs modes, scale, host;

	if (!xen || !hv_find_leaf(xen, xen->base + XEN_LEAF_TIME))
		return;
	m->cpuid(m, xen->base + XEN_LEAF_TIME, 0, &modes);
	m->cpuid(m, xen->base + XEN_LEAF_TIME, 1, &scale);
	m->cpuid(m, xen->base + XEN_LEAF_TIME, 2, &host);
	/* Zeros state nothing (an old or unfilled leaf), as the timing leaf's EAX = 0 does. */
	struct claim *c = modes.ecx ? claim_add(r, &claim_source_xen_leaf, xen->base, modes.ecx * 1e3) : NULL;
	if (c) {
		claim_uint(c, "tsc_mode", modes.ebx);
		claim_bool(c, "emulated", modes.eax & XEN_TSC_EMULATED);
		claim_uint(c, "incarnation", modes.edx);
		claim_uint(c, "host_tsc_khz", host.eax);
	}
	c = scale.ecx ? claim_add(r, &claim_source_xen_scale, xen->base, pvclock_tsc_hz(scale.ecx, (int8_t)scale.edx))
		      : NULL;
	if (c) {
		claim_uint(c, "tsc_to_system_mul", scale.ecx);
		claim_int(c, "tsc_shift", (int8_t)scale.edx);
	}
}

static void vmware_claim(struct machine *m, struct report *r)
{
	struct backdoor_regs regs = {
		.eax = VMWARE_HYPERVISOR_MAGIC, .ebx = VMWARE_GETHZ_FAILED, .ecx = VMWARE_CMD_GETHZ,
		.edx = VMWARE_HYPERVISOR_PORT,
	};

	if (!hv_find_base(&r->hv, "VMwareVMware"))
		return;
	enum access_status status = m->vmware_backdoor(m, &regs);
	if (status != ACCESS_OK) {
		report_fault(r, "vmware_backdoor", VMWARE_HYPERVISOR_PORT, status);
		return;
	}
	if (regs.ebx == VMWARE_GETHZ_FAILED)
		return;
	struct claim *c = claim_add(r, &claim_source_vmware, VMWARE_HYPERVISOR_PORT,
				    (double)((uint64_t)regs.ebx << 32 | regs.eax));
	if (c)
		claim_uint(c, "apic_hz", regs.ecx);
}

void claims_collect(struct machine *m, struct report *r)
{
	timing_leaf_claims(r);
	kvmclock_claim(m, r);
	hyperv_decode(r);
	hyperv_claims(m, r);
	xen_claims(m, r);
	vmware_claim(m, r);
	native_leaf_claims(r);
}
