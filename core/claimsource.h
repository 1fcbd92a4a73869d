/* Claim sources as data: where each is found, what its figure is, and so how a verdict may judge it. */
#ifndef TSCPROBE_CLAIMSOURCE_H
#define TSCPROBE_CLAIMSOURCE_H

#include <stddef.h>
#include <stdint.h>

/* What a source's figure is (docs/verdicts.md, "Claim sources"). */
enum claim_nature {
	CLAIM_NATURE_HZ,          /* an integer in Hz: exact to the Hz */
	CLAIM_NATURE_KHZ,         /* whole kHz: good to +/- 500 Hz */
	CLAIM_NATURE_SCALE,       /* a fixed-point scale from TSC ticks to time, 32 bits or more of mantissa */
	CLAIM_NATURE_RATIO,       /* crystal Hz x numerator / denominator: exact to the Hz */
	CLAIM_NATURE_NOMINAL_MHZ, /* the model's nominal base frequency in whole MHz: not a statement of the TSC's rate */
};

/* What a claim's `where` is. */
enum claim_location { CLAIM_AT_BASE, CLAIM_AT_MSR, CLAIM_AT_LEAF, CLAIM_AT_PORT };

/* What a claim's figure says: a frequency, or that the interface holds none. */
enum claim_status {
	CLAIM_STATED, /* tsc_hz is the frequency it states */
	CLAIM_EMPTY,  /* the interface is offered but holds no frequency: a page never filled, a scale of 0 */
	CLAIM_STATUS_COUNT
};

struct machine;
struct platform;
struct claim_list;
struct fault_log;

/*
 * A collector reads the platform, adds the claims it finds and the faults it met, and leaves MSRs and pages as
 * found.
 */
typedef void claim_collector(struct machine *m, const struct platform *p, struct claim_list *claims,
			     struct fault_log *faults);

/* One interface through which a platform states the TSC's rate; each is defined in its interface's file. */
struct claim_source {
	const char *name;  /* JSON `source`, and with `where` the verdict id */
	const char *label; /* "KVM kvmclock (pvclock scale)" */
	/*
	 * Whose interface it is, for naming who makes the claim (identity_claimant): "KVM", "Hyper-V", "Xen",
	 * "VMware"; IDENTITY_FAMILY_CPU for the CPU's own leaves; NULL where the base's interface in use speaks.
	 */
	const char *family;
	enum claim_location location;
	enum claim_nature nature;
	const char *empty_meaning; /* what CLAIM_EMPTY means for this source; NULL where a zero makes no claim */
	claim_collector *collect;
};

extern const struct claim_source claim_source_timing_leaf, /* core/timingleaf.c */
	claim_source_kvmclock,                             /* core/kvmclock.c */
	claim_source_hyperv_msr, claim_source_hyperv_page, /* core/hyperv.c */
	claim_source_xen_leaf, claim_source_xen_scale,     /* core/xen.c */
	claim_source_vmware,                               /* core/vmware.c */
	claim_source_leaf15, claim_source_leaf16;          /* core/cpuleaves.c */

/* Every source, in the order the report lists their claims (docs/report-schema.md, claims[]). */
#define CLAIM_SOURCE_COUNT 9
extern const struct claim_source *const claim_sources[CLAIM_SOURCE_COUNT];

/* The descriptor called name, or NULL (a report from a newer tool read on the host). */
const struct claim_source *claim_source_find(const char *name);

/* Half the unit the source states its figure in, in Hz: the best it can be. */
double claim_resolution_hz(enum claim_nature nature);

const char *claim_nature_name(enum claim_nature nature);       /* "khz", "scale", ... */
const char *claim_location_name(enum claim_location location); /* "base", "msr", "leaf", "port" */
const char *claim_status_name(enum claim_status status);       /* "stated", "empty" */

/*
 * A claim's identity: its source and where it was found, "cpuid_timing_leaf.40000100"; the source alone when
 * where is 0 (a report from a tool before locations were recorded).
 */
void claim_key(const char *source, uint32_t where, char *dst, size_t capacity);

struct claim;
/* A claim's label with where it was found, "Xen time leaf (base + 3) guest TSC kHz at base 0x40000100". */
void claim_title(const struct claim *c, char *dst, size_t capacity);

#endif
