/* Fuzz target, parse-only: the inventory phase over the input's CPUID table (core/cpuid.c, hypervisor.c, hyperv.c,
 * identity.c), then the claims that CPUID alone makes (cpuleaves.c, timingleaf.c, xen.c), on a machine with no MSR,
 * page or backdoor, without a simulator or a report. The input is fuzz_cpuid's. */
#include <stdint.h>

#include "claims.h"
#include "parse_machine.h"
#include "parse_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The hypervisor scan's promises: bounded lists, and each base's leaves inside its own block. */
static void check_platform(const struct platform *p, const struct claim_list *claims)
{
	fuzz_require(fuzz_text_ends(p->cpu.vendor, sizeof(p->cpu.vendor)) &&
			     fuzz_text_ends(p->cpu.brand, sizeof(p->cpu.brand)),
		     "an unterminated CPU vendor or brand");
	fuzz_require(p->hv.count <= HV_MAX_BASES, "more hypervisor bases than the inventory holds");
	for (uint32_t i = 0; i < p->hv.count; i++) {
		const struct hv_base *b = &p->hv.bases[i];
		fuzz_require(b->leaf_count <= HV_MAX_LEAVES, "more leaves than a base holds");
		for (uint32_t l = 0; l < b->leaf_count; l++)
			fuzz_require(b->leaves[l].leaf - b->base < HV_MAX_LEAVES,
				     "a leaf read outside its base's block");
	}
	fuzz_require(claims->count <= CLAIM_LIST_CAPACITY, "more claims than the list holds");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_cpuid_machine machine; /* a 12 KiB table, a 60 KiB platform: kept off the stack */
	static struct platform platform;
	struct claim_list claims = {0};
	struct fault_log faults = {0};

	fuzz_cpuid_machine_init(&machine, data, size);
	platform_inventory(&machine.machine, &platform);
	claims_collect(&machine.machine, &platform, &claims, &faults);
	check_platform(&platform, &claims);
	return 0;
}
