/* The probe flow: one table of contents for every machine the probe runs on. */
#include "report.h"

static void copy_text(char *dst, size_t capacity, const char *src)
{
	size_t i = 0;
	for (; src && src[i] && i + 1 < capacity; i++)
		dst[i] = src[i];
	dst[i] = '\0';
}

void probe_run(struct machine *m, const char *version, struct report *r)
{
	struct cpuid_regs echo;

	*r = (struct report){0};
	copy_text(r->tool_version, sizeof(r->tool_version), version);
	copy_text(r->machine_kind, sizeof(r->machine_kind), m->kind);

	cpuid_inventory(m, &r->cpu);
	m->cpuid(m, r->cpu.max_basic_leaf, 0, &echo);
	hv_scan(m, &echo, &r->hv);
}
