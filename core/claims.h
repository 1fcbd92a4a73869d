/* The claim collectors, one per interface: each reads the platform and adds its claims to the report. */
#ifndef TSCPROBE_CLAIMS_H
#define TSCPROBE_CLAIMS_H

#include "report.h"

/* The collectors, one per interface (core/kvmclock.c, core/hyperv.c). */
void kvmclock_claim(struct machine *m, struct report *r);
void hyperv_decode(struct report *r);
void hyperv_claims(struct machine *m, struct report *r);

#endif
