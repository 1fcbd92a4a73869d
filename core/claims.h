/* What the claim collectors share: adding a claim and its typed details to the report. */
#ifndef TSCPROBE_CLAIMS_H
#define TSCPROBE_CLAIMS_H

#include "report.h"

/* A new claim in r found at where, or NULL when the report holds no more; a tsc_hz of 0 states no frequency. */
struct claim *claim_add(struct report *r, const struct claim_source *source, uint32_t where, double tsc_hz);

void claim_uint(struct claim *c, const char *key, uint64_t value);
void claim_hex(struct claim *c, const char *key, uint64_t value);
void claim_int(struct claim *c, const char *key, int64_t value);
void claim_bool(struct claim *c, const char *key, bool value);

/* The collectors, one per interface (core/kvmclock.c, core/hyperv.c). */
void kvmclock_claim(struct machine *m, struct report *r);
void hyperv_decode(struct report *r);
void hyperv_claims(struct machine *m, struct report *r);

/* The live base with this signature, or NULL. */
const struct hv_base *hv_base_named(const struct report *r, const char signature[HV_SIGNATURE_BYTES]);

#endif
