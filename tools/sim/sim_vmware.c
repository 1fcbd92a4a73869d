/* The simulated VMware backdoor (Linux arch/x86/kernel/cpu/vmware.c): an IN from port 0x5658 with a magic number
 * in EAX, of which the GETHZ and GETVERSION commands are simulated. */
#include "sim_paravirt.h"
#include "vmware.h"

#define PORT_MASK 0xFFFFu /* IN takes its port from DX */

/*
 * GETHZ answers EAX = TSC Hz bits 31:0, EBX = bits 63:32, ECX = APIC bus Hz; Linux takes EBX = 0xFFFFFFFF, as it
 * loads it, for failure. GETVERSION answers EAX = the backdoor's version, EBX = the magic, ECX = the product type
 * (open-vm-tools vm_vmx_type.h). Other commands are not simulated and leave the registers as loaded. Without a backdoor,
 * or with another port or no magic, the IN reads an unclaimed port: EAX all ones, the rest unchanged.
 */
enum access_status sim_vmware_backdoor(struct machine *m, struct backdoor_regs *regs)
{
	struct sim *s = sim_of(m);
	const struct sim_vmware_backdoor_config *c = &s->config->vmware_backdoor;

	sim_access(s, &(struct sim_access_cost){.cost_ps = SIM_DEFAULT_PORT_IO_COST_PS});
	s->trace.backdoor_calls++;
	if (!c->present || (regs->edx & PORT_MASK) != VMWARE_HYPERVISOR_PORT || regs->eax != VMWARE_HYPERVISOR_MAGIC) {
		s->trace.unclaimed_accesses++;
		regs->eax = 0xFFFFFFFFu; /* what an unclaimed port reads */
		return ACCESS_OK;
	}
	if (regs->ecx == VMWARE_CMD_GETHZ) {
		uint64_t tsc_hz = c->tsc_hz ? c->tsc_hz : s->config->tsc_hz;
		regs->eax = (uint32_t)tsc_hz;
		regs->ebx = (uint32_t)(tsc_hz >> 32);
		regs->ecx = c->apic_hz ? c->apic_hz : (uint32_t)s->config->clocks.lapic.bus_hz;
	} else if (regs->ecx == VMWARE_CMD_GETVERSION) {
		regs->eax = c->version ? c->version : SIM_VMWARE_BACKDOOR_VERSION;
		regs->ebx = VMWARE_HYPERVISOR_MAGIC;
		regs->ecx = c->product_type;
	}
	return ACCESS_OK;
}
