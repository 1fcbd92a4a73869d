/* Hyper-V's time interface (TLFS; Linux include/hyperv/hvgdk_mini.h), for the probe, the simulator and the tests. */
#ifndef TSCPROBE_HYPERV_H
#define TSCPROBE_HYPERV_H

#include <stdint.h>

#define HV_INTERFACE_SIGNATURE 0x31237648u /* "Hv#1" in base+1 EAX */
#define HV_LEAF_FEATURES 3u                /* base + 3: privileges (EAX), power management (ECX), features (EDX) */
#define HV_LEAF_HINTS 4u

#define HV_ACCESS_REFERENCE_COUNTER (1u << 1) /* EAX */
#define HV_ACCESS_REFERENCE_TSC (1u << 9)
#define HV_ACCESS_FREQUENCY_MSRS (1u << 11)
#define HV_FEATURE_MWAIT_AVAILABLE (1u << 0)          /* EDX */
#define HV_FEATURE_FREQUENCY_MSRS_AVAILABLE (1u << 8) /* EDX */

#define HV_MSR_TIME_REF_COUNT 0x40000020u
#define HV_MSR_REFERENCE_TSC 0x40000021u
#define HV_MSR_TSC_FREQUENCY 0x40000022u
#define HV_MSR_APIC_FREQUENCY 0x40000023u
#define HV_MSR_TSC_INVARIANT_CONTROL 0x40000118u

/* The reference TSC MSR: bits 63:12 the page's guest page number, 11:1 reserved, 0 enable. */
#define HV_REFERENCE_TSC_ENABLE 1ull
#define HV_REFERENCE_TSC_PRESERVED 0xffeull /* the reserved bits: written back as read */
#define HV_REFERENCE_TSC_PAGE_MASK (~0xfffull)

/* The reference counter and the TSC page count 100 ns units (Linux HV_CLOCK_HZ). */
#define HV_REFERENCE_HZ 10000000u

/* "Partition Reference TSC Mechanism": the first 24 bytes of the 4 KiB page; the rest is reserved. */
struct hv_reference_tsc_page {
	uint32_t sequence; /* 0: invalid, the guest falls back to the reference counter MSR */
	uint32_t reserved;
	uint64_t scale;
	int64_t offset;
};
_Static_assert(__builtin_offsetof(struct hv_reference_tsc_page, scale) == 8, "TLFS reference TSC page");
_Static_assert(__builtin_offsetof(struct hv_reference_tsc_page, offset) == 16, "TLFS reference TSC page");

#endif
