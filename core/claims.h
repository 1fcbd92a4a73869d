/* The claim collectors, one per interface: each reads the platform and adds its claims to the report. */
#ifndef TSCPROBE_CLAIMS_H
#define TSCPROBE_CLAIMS_H

#include "report.h"

/* The collectors, one per interface and file; each adds what it finds and leaves MSRs and pages as found. */
void timing_leaf_claims(struct machine *m, struct report *r); /* core/timingleaf.c */
void kvmclock_claim(struct machine *m, struct report *r);     /* core/kvmclock.c */
void hyperv_claims(struct machine *m, struct report *r);      /* core/hyperv.c */
void xen_claims(struct machine *m, struct report *r);         /* core/xen.c */
void vmware_claim(struct machine *m, struct report *r);       /* core/vmware.c */
void native_leaf_claims(struct machine *m, struct report *r); /* core/cpuleaves.c */

/* Hyper-V's CPUID 0x40000003/4 into r->hyperv, where a base speaks its interface (core/hyperv.c). */
void hyperv_decode(struct report *r);

#endif
