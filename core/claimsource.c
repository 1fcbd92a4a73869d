/* Every interface through which a platform states the TSC's rate, described once; docs/verdicts.md has the table. */
#include "claimsource.h"
#include "report.h"

const struct claim_source claim_source_timing_leaf = {
	"cpuid_timing_leaf", "CPUID timing leaf (base + 0x10) EAX", CLAIM_AT_BASE, CLAIM_NATURE_KHZ, NULL};
const struct claim_source claim_source_kvmclock = {
	"kvmclock", "KVM kvmclock (pvclock scale)", CLAIM_AT_MSR, CLAIM_NATURE_SCALE,
	"the hypervisor never filled the page (its scale is 0)"};
const struct claim_source claim_source_hyperv_msr = {
	"hyperv_tsc_frequency_msr", "Hyper-V TSC frequency MSR 0x40000022", CLAIM_AT_MSR, CLAIM_NATURE_HZ, "the MSR reads 0"};
const struct claim_source claim_source_hyperv_page = {
	"hyperv_reference_tsc_page", "Hyper-V reference TSC page", CLAIM_AT_MSR, CLAIM_NATURE_SCALE,
	"the hypervisor never filled the page (a valid sequence, but its scale is 0)"};
const struct claim_source claim_source_xen_leaf = {
	"xen_time_leaf", "Xen time leaf (base + 3) guest TSC kHz", CLAIM_AT_BASE, CLAIM_NATURE_KHZ, NULL};
const struct claim_source claim_source_xen_scale = {
	"xen_time_scale", "Xen time leaf (base + 3) tsc-to-ns scale", CLAIM_AT_BASE, CLAIM_NATURE_SCALE, NULL};
const struct claim_source claim_source_vmware = {
	"vmware_backdoor", "VMware backdoor GETHZ", CLAIM_AT_PORT, CLAIM_NATURE_HZ, "GETHZ answers 0 Hz"};
const struct claim_source claim_source_leaf15 = {
	"cpuid_leaf15", "CPUID 0x15 crystal x ratio", CLAIM_AT_LEAF, CLAIM_NATURE_RATIO, NULL};
const struct claim_source claim_source_leaf16 = {
	"cpuid_leaf16", "CPUID 0x16 base frequency (MHz)", CLAIM_AT_LEAF, CLAIM_NATURE_NOMINAL_MHZ, NULL};

static const struct claim_source *const sources[] = {
	&claim_source_timing_leaf, &claim_source_kvmclock, &claim_source_hyperv_msr, &claim_source_hyperv_page,
	&claim_source_xen_leaf,	   &claim_source_xen_scale, &claim_source_vmware,     &claim_source_leaf15,
	&claim_source_leaf16,
};

const struct claim_source *claim_source_find(const char *name)
{
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++)
		if (text_equal(sources[i]->name, name))
			return sources[i];
	return NULL;
}

double claim_resolution_hz(enum claim_nature nature)
{
	switch (nature) {
	case CLAIM_NATURE_KHZ:
		return 500;
	case CLAIM_NATURE_NOMINAL_MHZ:
		return 500000;
	case CLAIM_NATURE_HZ:
	case CLAIM_NATURE_RATIO:
		return 0.5;
	default:
		/* A 32-bit mantissa (kvmclock, Xen) is good to 2^-31 of the rate, under 0.0005 ppm: nothing to add. */
		return 0;
	}
}

const char *claim_nature_name(enum claim_nature nature)
{
	static const char *const names[] = {
		[CLAIM_NATURE_HZ] = "hz",
		[CLAIM_NATURE_KHZ] = "khz",
		[CLAIM_NATURE_SCALE] = "scale",
		[CLAIM_NATURE_RATIO] = "ratio",
		[CLAIM_NATURE_NOMINAL_MHZ] = "nominal_mhz",
	};
	return names[nature];
}

const char *claim_location_name(enum claim_location location)
{
	static const char *const names[] = {
		[CLAIM_AT_BASE] = "base", [CLAIM_AT_MSR] = "msr", [CLAIM_AT_LEAF] = "leaf", [CLAIM_AT_PORT] = "port"};
	return names[location];
}

const char *claim_status_name(enum claim_status status)
{
	static const char *const names[] = {[CLAIM_STATED] = "stated", [CLAIM_EMPTY] = "empty"};
	return status < CLAIM_STATUS_COUNT ? names[status] : "stated";
}

void claim_key(const char *source, uint32_t where, char *dst, size_t capacity)
{
	if (where)
		format_string(dst, capacity, "%s.%08x", source, where);
	else
		format_string(dst, capacity, "%s", source);
}

void claim_title(const struct claim *c, char *dst, size_t capacity)
{
	if (c->kind && c->where)
		format_string(dst, capacity, "%s at %s 0x%08x", c->label, claim_location_name(c->kind->location), c->where);
	else
		format_string(dst, capacity, "%s", c->label);
}
