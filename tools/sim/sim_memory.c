/* Simulated physical memory: the firmware's ACPI and SMBIOS tables, read-only, and the guest pages the probe allocates for
 * the hypervisor to write its clock pages into. */
#include "sim_paravirt.h"

#include <string.h>

static uint64_t page_phys(unsigned index)
{
	return SIM_GUEST_PAGES_BASE + (uint64_t)index * SIM_PAGE_BYTES;
}

void *sim_guest_memory(struct sim *s, uint64_t phys, uint64_t len)
{
	if (phys < SIM_GUEST_PAGES_BASE)
		return NULL;
	uint64_t index = (phys - SIM_GUEST_PAGES_BASE) / SIM_PAGE_BYTES;
	uint64_t offset = (phys - SIM_GUEST_PAGES_BASE) % SIM_PAGE_BYTES;
	if (index >= SIM_GUEST_PAGES || !s->phys.page_allocated[index] || len > SIM_PAGE_BYTES - offset)
		return NULL;
	return (uint8_t *)s->phys.pages[index] + offset;
}

const void *sim_phys_map(struct machine *m, uint64_t phys, uint64_t len)
{
	struct sim *s = sim_of(m);
	const struct sim_phys *p = &s->phys;
	for (uint32_t i = 0; i < p->table_count; i++) {
		const struct sim_acpi_table *t = &p->tables[i];
		if (phys >= t->phys && phys - t->phys <= t->length && len <= t->length - (phys - t->phys))
			return p->bytes + t->offset + (phys - t->phys);
	}
	if (p->smbios_length && phys >= SIM_SMBIOS_BASE && phys - SIM_SMBIOS_BASE <= p->smbios_length &&
	    len <= p->smbios_length - (phys - SIM_SMBIOS_BASE))
		return p->smbios + (phys - SIM_SMBIOS_BASE);
	return sim_guest_memory(s, phys, len);
}

volatile void *sim_page_alloc(struct machine *m, uint64_t *phys)
{
	struct sim_phys *p = &sim_of(m)->phys;
	for (unsigned i = 0; i < SIM_GUEST_PAGES; i++)
		if (!p->page_allocated[i]) {
			p->page_allocated[i] = true;
			memset(p->pages[i], 0, SIM_PAGE_BYTES);
			*phys = page_phys(i);
			return p->pages[i];
		}
	return NULL;
}

/* The page's content stays, as freed RAM keeps it; a hypervisor still pointed at it writes nowhere from now on. */
void sim_page_free(struct machine *m, volatile void *page)
{
	struct sim_phys *p = &sim_of(m)->phys;
	for (unsigned i = 0; i < SIM_GUEST_PAGES; i++)
		if (page == p->pages[i])
			p->page_allocated[i] = false;
}
