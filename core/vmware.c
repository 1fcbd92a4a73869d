/* VMware's backdoor: GETVERSION for the identity, GETHZ for the TSC and APIC bus rates, asked through an I/O port. */
#include "claims.h"
#include "vmware.h"

static void vmware_claim(struct machine *m, const struct platform *p, struct claim_list *claims,
			 struct fault_log *faults)
{
	struct backdoor_regs regs = {
		.eax = VMWARE_HYPERVISOR_MAGIC,
		.ebx = VMWARE_GETHZ_FAILED,
		.ecx = VMWARE_CMD_GETHZ,
		.edx = VMWARE_HYPERVISOR_PORT,
	};

	if (!hv_find_base(&p->hv, VMWARE_SIGNATURE))
		return;
	enum access_status status = m->vmware_backdoor(m, &regs);
	if (status != ACCESS_OK) {
		fault_add(faults, "vmware_backdoor", VMWARE_HYPERVISOR_PORT, status);
		return;
	}
	if (regs.ebx == VMWARE_GETHZ_FAILED)
		return;
	struct claim *c = claim_add(claims, &claim_source_vmware, VMWARE_HYPERVISOR_PORT,
				    (double)((uint64_t)regs.ebx << 32 | regs.eax));
	if (c)
		claim_uint(c, "apic_hz", regs.ecx);
}

void vmware_identify(struct machine *m, const struct hv_inventory *hv, struct vmware_info *out)
{
	struct backdoor_regs regs = {
		.eax = VMWARE_HYPERVISOR_MAGIC,
		.ebx = ~VMWARE_HYPERVISOR_MAGIC, /* anything but the magic, which only VMware's answer puts there */
		.ecx = VMWARE_CMD_GETVERSION,
		.edx = VMWARE_HYPERVISOR_PORT,
	};

	*out = (struct vmware_info){0};
	/* The port is VMware's only where its signature says so; elsewhere an IN from it could reach a device. */
	if (!hv_find_base(hv, VMWARE_SIGNATURE) || m->vmware_backdoor(m, &regs) != ACCESS_OK ||
	    regs.ebx != VMWARE_HYPERVISOR_MAGIC)
		return;
	*out = (struct vmware_info){.answered = true, .version = regs.eax, .product_type = regs.ecx};
}

const struct claim_source claim_source_vmware = {
	.name = "vmware_backdoor",
	.label = "VMware backdoor GETHZ",
	.family = "VMware",
	.location = CLAIM_AT_PORT,
	.nature = CLAIM_NATURE_HZ,
	.empty_meaning = "GETHZ answers 0 Hz",
	.collect = vmware_claim,
};
