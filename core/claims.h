/* Claims: every frequency the platform states for the TSC, gathered by one collector per interface. */
#ifndef TSCPROBE_CLAIMS_H
#define TSCPROBE_CLAIMS_H

#include "claimsource.h"
#include "faults.h"
#include "platform.h"

/* One figure behind a claim, typed so that JSON keeps it as a number, a hex string or a boolean. */
enum detail_kind { DETAIL_UINT, DETAIL_INT, DETAIL_HEX, DETAIL_BOOL };
struct claim_detail {
	char key[24];
	enum detail_kind kind;
	uint64_t u; /* DETAIL_UINT, DETAIL_HEX, DETAIL_BOOL (0/1) */
	int64_t i;  /* DETAIL_INT */
};

#define CLAIM_LIST_CAPACITY 12
#define CLAIM_MAX_DETAILS 10

/* A frequency the platform advertises for the TSC: never truth, always compared. */
struct claim {
	const struct claim_source
		*kind;   /* its descriptor; NULL for a source this tool does not know (a newer report) */
	char source[32]; /* kind's name, kept for such a source: "cpuid_timing_leaf", "kvmclock", ... */
	char label[48];  /* "CPUID 0x40000010 timing leaf" */
	uint32_t where;  /* the base, MSR, leaf or port it was found at (claim_source.location); 0 when unknown */
	enum claim_status status;
	double tsc_hz; /* 0 unless status is CLAIM_STATED */
	unsigned detail_count;
	struct claim_detail details[CLAIM_MAX_DETAILS];
};

struct claim_list {
	unsigned count;
	struct claim items[CLAIM_LIST_CAPACITY];
};

/* A new claim found at where, or NULL when the list is full; a tsc_hz of 0 states no frequency (core/report.c). */
struct claim *claim_add(struct claim_list *claims, const struct claim_source *source, uint32_t where, double tsc_hz);

/* A claim's raw figures, typed for the JSON writer; one past CLAIM_MAX_DETAILS is dropped. */
void claim_uint(struct claim *c, const char *key, uint64_t value);
void claim_hex(struct claim *c, const char *key, uint64_t value);
void claim_int(struct claim *c, const char *key, int64_t value);
void claim_bool(struct claim *c, const char *key, bool value);

/* Every source's collector in turn, in the order of claim_sources (core/claims.c). */
claim_collector claims_collect;

#endif
