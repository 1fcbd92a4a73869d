/* Hypervisor CPUID bases 0x40000000..0x4000FF00: signatures, max leaves, raw leaves, the timing leaf. */
#ifndef TSCPROBE_HYPERVISOR_H
#define TSCPROBE_HYPERVISOR_H

#include "machine.h"

#define HV_BASE_FIRST 0x40000000u
#define HV_BASE_LAST 0x4000FF00u
#define HV_BASE_STEP 0x100u
/* Offset of the "generic timing" leaf (VMware's proposal): EAX = TSC kHz, EBX = LAPIC bus kHz. */
#define HV_TIMING_LEAF_OFFSET 0x10u
#define HV_SIGNATURE_BYTES 12
/* More live bases than this is itself a finding; real stacks show at most two or three. */
#define HV_MAX_BASES 8
/* KVM treats each 0x100-aligned block as its own class, so no base owns more than 0x100 leaves. */
#define HV_MAX_LEAVES 0x100u

/* What the base's max leaf (EAX of the base leaf) means for reading the rest. */
enum hv_range {
	HV_RANGE_OK,           /* base..max_leaf were read */
	HV_RANGE_BELOW_BASE,   /* max leaf < base: only the base leaf exists */
	HV_RANGE_BEYOND_BLOCK, /* max leaf past base+0xFF: not believed, only the base leaf was read */
	HV_RANGE_KVM_ZERO      /* KVM's max leaf 0, which its documentation says old hosts mean as base+1: read so */
};

enum hv_timing_status {
	HV_TIMING_NOT_OFFERED, /* max leaf below base+0x10, or the range is not believed: not read */
	HV_TIMING_ZERO,        /* offered but EAX = 0: absent */
	HV_TIMING_PRESENT
};

struct hv_leaf {
	uint32_t leaf;
	struct cpuid_regs regs;
};

struct hv_base {
	uint32_t base;
	uint8_t signature[HV_SIGNATURE_BYTES]; /* EBX, ECX, EDX bytes */
	uint32_t max_leaf;                     /* raw EAX of the base leaf */
	enum hv_range range;
	uint32_t leaf_count;
	struct hv_leaf leaves[HV_MAX_LEAVES];
	enum hv_timing_status timing;
	uint32_t timing_tsc_khz, timing_apic_bus_khz;
};

struct hv_inventory {
	uint32_t count;
	uint32_t dropped; /* live bases beyond HV_MAX_BASES */
	struct hv_base bases[HV_MAX_BASES];
};

/* Scan every base; `echo` is CPUID(max basic leaf), which out-of-range hypervisor leaves replay on Intel. */
void hv_scan(struct machine *m, const struct cpuid_regs *echo, struct hv_inventory *out);

/* The hypervisor's name for a signature, or NULL when unknown. */
const char *hv_name(const uint8_t signature[HV_SIGNATURE_BYTES]);

/* Printable signature: NUL as "\0", other unprintable bytes as "\xNN". dst needs 4*12+1 bytes. */
#define HV_SIGNATURE_TEXT_BYTES (4 * HV_SIGNATURE_BYTES + 1)
void hv_signature_text(const uint8_t signature[HV_SIGNATURE_BYTES], char *dst);

/* Inverse of hv_signature_text; false when the text is not such a rendering. */
bool hv_signature_parse(const char *text, uint8_t signature[HV_SIGNATURE_BYTES]);

/* The live base with this signature, or NULL. */
const struct hv_base *hv_find_base(const struct hv_inventory *inventory, const char signature[HV_SIGNATURE_BYTES]);

/* The leaf's registers if it was read, else NULL. */
const struct hv_leaf *hv_find_leaf(const struct hv_base *b, uint32_t leaf);

#endif
