/* The inventory phase: everything the probe reads about the machine before it measures anything. */
#include "platform.h"

void platform_inventory(struct machine *m, struct platform *out)
{
	struct cpuid_regs echo;

	*out = (struct platform){0};
	cpuid_inventory(m, &out->cpu);
	/* Intel answers a leaf past the max with the max basic leaf: a base that echoes it is not a base. */
	m->cpuid(m, out->cpu.max_basic_leaf, 0, &echo);
	hv_scan(m, &echo, &out->hv);
	hyperv_decode(&out->hv, &out->hyperv);
	vmware_identify(m, &out->hv, &out->vmware);
	acpi_discover(m, &out->acpi);
	smbios_discover(m, &out->smbios);
	identity_decide(out, &out->identity);
}
