/* What the simulated MSRs, guest memory, paravirtual clocks and VMware backdoor share, and the machine entry points
 * they give sim.c. */
#ifndef TSCPROBE_SIM_PARAVIRT_H
#define TSCPROBE_SIM_PARAVIRT_H

#include "sim_device.h"

static inline struct sim *sim_of(struct machine *m)
{
	return m->ctx;
}

/* A set of MSRs: decodes says whether msr is one of them in this scenario; read and write act at at_ps, the
 * instant the access samples, and return the fault a refused access raises. */
struct sim_msr_device {
	void (*reset)(struct sim *s);
	bool (*decodes)(const struct sim *s, uint32_t msr);
	enum access_status (*read)(struct sim *s, uint32_t msr, uint64_t at_ps, uint64_t *value);
	enum access_status (*write)(struct sim *s, uint32_t msr, uint64_t at_ps, uint64_t value);
};

extern const struct sim_msr_device sim_kvmclock_msrs, sim_hyperv_msrs;

/* len writable bytes of an allocated guest page at phys, as the hypervisor writes them; NULL where no allocated
 * page holds all of them. */
void *sim_guest_memory(struct sim *s, uint64_t phys, uint64_t len);

/* Puts every MSR in its power-on state (sim_msr.c). */
void sim_msr_reset(struct sim *s);

/* The machine interface's members, each in the file of what it simulates. */
enum access_status sim_rdmsr(struct machine *m, uint32_t msr, uint64_t *value);
enum access_status sim_wrmsr(struct machine *m, uint32_t msr, uint64_t value);
const void *sim_phys_map(struct machine *m, uint64_t phys, uint64_t len);
volatile void *sim_page_alloc(struct machine *m, uint64_t *phys);
void sim_page_free(struct machine *m, volatile void *page);
enum access_status sim_vmware_backdoor(struct machine *m, struct backdoor_regs *regs);

#endif
