/* The claim sources as a table, and their words; each descriptor is in its interface's file (docs/verdicts.md). */
#include "claimsource.h"
#include "claims.h"
#include "sink.h"

const struct claim_source *const claim_sources[CLAIM_SOURCE_COUNT] = {
	&claim_source_timing_leaf, &claim_source_kvmclock, &claim_source_hyperv_msr,
	&claim_source_hyperv_page, &claim_source_xen_leaf, &claim_source_xen_scale,
	&claim_source_vmware,      &claim_source_leaf15,   &claim_source_leaf16,
};

const struct claim_source *claim_source_find(const char *name)
{
	for (size_t i = 0; i < CLAIM_SOURCE_COUNT; i++)
		if (text_equal(claim_sources[i]->name, name))
			return claim_sources[i];
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
		format_string(dst, capacity, "%s at %s 0x%08x", c->label, claim_location_name(c->kind->location),
			      c->where);
	else
		format_string(dst, capacity, "%s", c->label);
}
