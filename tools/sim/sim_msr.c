/* The simulated MSRs: the scenario's faulting and listed MSRs first, then the paravirtual interfaces' and
 * IA32_APIC_BASE; anything else raises #GP. Every access costs a VM exit and is traced. */
#include "lapic.h"
#include "sim_paravirt.h"

/* ---- the scenario's "msrs": plain values ---------------------------------------------------------------- */

static bool listed_index(const struct sim *s, uint32_t msr, uint32_t *index)
{
	const struct sim_msr_config *c = &s->config->msrs;
	for (uint32_t i = 0; i < c->count; i++)
		if (c->entries[i].msr == msr) {
			*index = i;
			return true;
		}
	return false;
}

static void listed_reset(struct sim *s)
{
	for (uint32_t i = 0; i < s->config->msrs.count; i++)
		s->msr_values[i] = s->config->msrs.entries[i].value;
}

static bool listed_decodes(const struct sim *s, uint32_t msr)
{
	uint32_t index;
	return listed_index(s, msr, &index);
}

static enum access_status listed_read(struct sim *s, uint32_t msr, uint64_t at_ps, uint64_t *value)
{
	uint32_t index = 0;
	(void)at_ps;
	listed_index(s, msr, &index);
	*value = s->msr_values[index];
	return ACCESS_OK;
}

static enum access_status listed_write(struct sim *s, uint32_t msr, uint64_t at_ps, uint64_t value)
{
	uint32_t index = 0;
	(void)at_ps;
	listed_index(s, msr, &index);
	if (!s->config->msrs.entries[index].writable)
		return ACCESS_FAULT_GP;
	s->msr_values[index] = value;
	return ACCESS_OK;
}

static const struct sim_msr_device listed_msrs = {
	.reset = listed_reset,
	.decodes = listed_decodes,
	.read = listed_read,
	.write = listed_write,
};

/* ---- IA32_APIC_BASE: where the LAPIC is; relocating or disabling it is not simulated ------------------------- */

static bool apic_base_decodes(const struct sim *s, uint32_t msr)
{
	return msr == MSR_IA32_APIC_BASE && s->config->clocks.lapic.present;
}

static enum access_status apic_base_read(struct sim *s, uint32_t msr, uint64_t at_ps, uint64_t *value)
{
	(void)msr, (void)at_ps;
	*value = s->config->clocks.lapic.base | APIC_BASE_XAPIC_ENABLE | APIC_BASE_BSP;
	return ACCESS_OK;
}

static enum access_status apic_base_write(struct sim *s, uint32_t msr, uint64_t at_ps, uint64_t value)
{
	(void)s, (void)msr, (void)at_ps, (void)value;
	return ACCESS_FAULT_GP;
}

static const struct sim_msr_device apic_base_msr = {
	.decodes = apic_base_decodes,
	.read = apic_base_read,
	.write = apic_base_write,
};

/* ---- dispatch ------------------------------------------------------------------------------------------------ */

static const struct sim_msr_device *const MSR_DEVICES[] = {
	&listed_msrs,
	&sim_kvmclock_msrs,
	&sim_hyperv_msrs,
	&apic_base_msr,
};
#define MSR_DEVICE_COUNT (sizeof(MSR_DEVICES) / sizeof(MSR_DEVICES[0]))

void sim_msr_reset(struct sim *s)
{
	for (unsigned i = 0; i < MSR_DEVICE_COUNT; i++)
		if (MSR_DEVICES[i]->reset)
			MSR_DEVICES[i]->reset(s);
}

/* The scenario's msr_faults: #GP even where CPUID advertises the MSR, as a hypervisor that lies does. */
static bool made_to_fault(const struct sim *s, uint32_t msr)
{
	const struct sim_msr_config *c = &s->config->msrs;
	for (uint32_t i = 0; i < c->fault_count; i++)
		if (c->faults[i] == msr)
			return true;
	return false;
}

/* Who answers msr; NULL for #GP. */
static const struct sim_msr_device *owner(const struct sim *s, uint32_t msr)
{
	if (made_to_fault(s, msr))
		return NULL;
	for (unsigned i = 0; i < MSR_DEVICE_COUNT; i++)
		if (MSR_DEVICES[i]->decodes(s, msr))
			return MSR_DEVICES[i];
	return NULL;
}

/* RDMSR and WRMSR of these MSRs exit to the hypervisor, which acts half way through the exit. */
static uint64_t vm_exit(struct sim *s)
{
	return sim_access(s, &(struct sim_access_cost){.cost_ps = s->config->msr_cost_ps});
}

enum access_status sim_rdmsr(struct machine *m, uint32_t msr, uint64_t *value)
{
	struct sim *s = sim_of(m);
	uint64_t at_ps = vm_exit(s);
	const struct sim_msr_device *d = owner(s, msr);
	enum access_status status = d ? d->read(s, msr, at_ps, value) : ACCESS_FAULT_GP;

	s->trace.msr_reads++;
	if (status != ACCESS_OK) {
		*value = 0;
		s->trace.msr_faults++;
	}
	return status;
}

enum access_status sim_wrmsr(struct machine *m, uint32_t msr, uint64_t value)
{
	struct sim *s = sim_of(m);
	uint64_t at_ps = vm_exit(s);
	const struct sim_msr_device *d = owner(s, msr);
	enum access_status status = d ? d->write(s, msr, at_ps, value) : ACCESS_FAULT_GP;

	s->trace.msr_writes++;
	if (status != ACCESS_OK)
		s->trace.msr_faults++;
	if (s->trace.msr_write_count < SIM_MSR_WRITE_LOG_ENTRIES)
		s->trace.msr_write_log[s->trace.msr_write_count++] = (struct sim_msr_write){msr, value, status};
	return status;
}
