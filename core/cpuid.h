/* CPU identity and the time-related CPUID features, decoded from raw registers. */
#ifndef TSCPROBE_CPUID_H
#define TSCPROBE_CPUID_H

#include "machine.h"

#define CPUID_EXTENDED_BASE 0x80000000u

enum cpuid_register { CPUID_EAX, CPUID_EBX, CPUID_ECX, CPUID_EDX };

/* Features that matter for timekeeping, in report order. */
enum cpu_feature {
	CPU_FEATURE_TSC,
	CPU_FEATURE_RDTSCP,
	CPU_FEATURE_TSC_DEADLINE,
	CPU_FEATURE_HYPERVISOR,
	CPU_FEATURE_MONITOR_MWAIT,
	CPU_FEATURE_ARAT,
	CPU_FEATURE_TSC_ADJUST,
	CPU_FEATURE_INVARIANT_TSC,
	CPU_FEATURE_COUNT
};

/* Where a feature bit lives (kvm-unit-tests style: features are data). */
struct cpu_feature_def {
	const char *name;  /* JSON key */
	const char *label; /* human text */
	uint32_t leaf, subleaf;
	enum cpuid_register reg;
	uint8_t bit;
};
extern const struct cpu_feature_def cpu_feature_defs[CPU_FEATURE_COUNT];

/* MONITOR/MWAIT leaf 5: line sizes and the number of sub-states per C-state (EDX nibbles). */
#define CPUID_LEAF_MWAIT 0x5u
#define MWAIT_CSTATE_SLOTS 8
struct mwait_info {
	bool present; /* leaf 5 readable and MONITOR/MWAIT advertised */
	uint16_t min_line_bytes, max_line_bytes;
	bool extensions, interrupt_break;      /* ECX[0], ECX[1] */
	uint8_t substates[MWAIT_CSTATE_SLOTS]; /* substates[n] = sub-states of C(n) */
};

/* Leaf 0x15: TSC / core crystal clock ratio. */
#define CPUID_LEAF_TSC_CRYSTAL 0x15u
struct leaf15_info {
	bool present; /* leaf readable and ratio non-zero */
	uint32_t denominator, numerator, crystal_hz;
	uint64_t tsc_hz; /* crystal_hz * numerator / denominator; 0 when the crystal is not enumerated */
};

/* Leaf 0x16: nominal frequencies in MHz. */
#define CPUID_LEAF_FREQUENCY 0x16u
struct leaf16_info {
	bool present; /* leaf readable and any field non-zero */
	uint16_t base_mhz, max_mhz, bus_mhz;
};

struct cpu_info {
	char vendor[13];
	char brand[49];
	uint32_t max_basic_leaf, max_extended_leaf;
	uint32_t family, model, stepping; /* display values: extended fields folded in */
	bool features[CPU_FEATURE_COUNT];
	struct mwait_info mwait;
	struct leaf15_info leaf15;
	struct leaf16_info leaf16;
};

/* Read the CPU's identity and time features; never reads a leaf above its range's maximum. */
void cpuid_inventory(struct machine *m, struct cpu_info *out);

/* Register value by enum, for table-driven decoding. */
uint32_t cpuid_register_value(const struct cpuid_regs *r, enum cpuid_register reg);

/* Copy 4 bytes of a register into text, little-endian as CPUID defines. */
void cpuid_register_bytes(uint32_t value, char *dst);

#endif
