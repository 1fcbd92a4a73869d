/* CPU identity and the time-related CPUID features, decoded from raw registers. */
#include "cpuid.h"

/* Bit positions from the Intel SDM Vol. 2A (CPUID) and AMD APM Vol. 3 (E.4). */
const struct cpu_feature_def cpu_feature_defs[CPU_FEATURE_COUNT] = {
	[CPU_FEATURE_TSC] = {"tsc", "TSC", 0x1, 0, CPUID_EDX, 4},
	[CPU_FEATURE_RDTSCP] = {"rdtscp", "RDTSCP", 0x80000001, 0, CPUID_EDX, 27},
	[CPU_FEATURE_TSC_DEADLINE] = {"tsc_deadline", "TSC-deadline timer", 0x1, 0, CPUID_ECX, 24},
	[CPU_FEATURE_HYPERVISOR] = {"hypervisor", "hypervisor present", 0x1, 0, CPUID_ECX, 31},
	[CPU_FEATURE_MONITOR_MWAIT] = {"monitor_mwait", "MONITOR/MWAIT", 0x1, 0, CPUID_ECX, 3},
	[CPU_FEATURE_ARAT] = {"arat", "ARAT (APIC timer always running)", 0x6, 0, CPUID_EAX, 2},
	[CPU_FEATURE_TSC_ADJUST] = {"tsc_adjust", "IA32_TSC_ADJUST", 0x7, 0, CPUID_EBX, 1},
	[CPU_FEATURE_INVARIANT_TSC] = {"invariant_tsc", "invariant TSC", 0x80000007, 0, CPUID_EDX, 8},
};

#define LEAF_BRAND_FIRST 0x80000002u
#define LEAF_BRAND_LAST 0x80000004u

uint32_t cpuid_register_value(const struct cpuid_regs *r, enum cpuid_register reg)
{
	switch (reg) {
	case CPUID_EAX:
		return r->eax;
	case CPUID_EBX:
		return r->ebx;
	case CPUID_ECX:
		return r->ecx;
	default:
		return r->edx;
	}
}

void cpuid_register_bytes(uint32_t value, char *dst)
{
	for (int i = 0; i < 4; i++)
		dst[i] = (char)(value >> (8 * i));
}

/* A leaf is readable when it does not exceed the maximum of its range (basic or extended). */
static bool leaf_readable(const struct cpu_info *cpu, uint32_t leaf)
{
	if (leaf >= CPUID_EXTENDED_BASE)
		return cpu->max_extended_leaf >= CPUID_EXTENDED_BASE && leaf <= cpu->max_extended_leaf;
	return leaf <= cpu->max_basic_leaf;
}

static void decode_signature(struct cpu_info *cpu, const struct cpuid_regs *r)
{
	uint32_t family = (r->eax >> 8) & 0xf, model = (r->eax >> 4) & 0xf;

	/* SDM: extended family adds when family is 0xF; extended model applies for families 6 and 0xF. */
	if (family == 0xf)
		family += (r->eax >> 20) & 0xff;
	if (family == 0x6 || family >= 0xf)
		model |= ((r->eax >> 16) & 0xf) << 4;
	cpu->family = family;
	cpu->model = model;
	cpu->stepping = r->eax & 0xf;
}

static void read_brand(struct machine *m, struct cpu_info *cpu)
{
	struct cpuid_regs r;
	char *p = cpu->brand;

	if (!leaf_readable(cpu, LEAF_BRAND_LAST))
		return;
	for (uint32_t leaf = LEAF_BRAND_FIRST; leaf <= LEAF_BRAND_LAST; leaf++) {
		m->cpuid(m, leaf, 0, &r);
		cpuid_register_bytes(r.eax, p);
		cpuid_register_bytes(r.ebx, p + 4);
		cpuid_register_bytes(r.ecx, p + 8);
		cpuid_register_bytes(r.edx, p + 12);
		p += 16;
	}
	cpu->brand[48] = '\0';
	/* Brand strings are often right-justified with leading spaces. */
	size_t lead = 0;
	while (cpu->brand[lead] == ' ')
		lead++;
	size_t i = 0;
	for (; cpu->brand[lead + i]; i++)
		cpu->brand[i] = cpu->brand[lead + i];
	cpu->brand[i] = '\0';
	/* Anything unprintable would corrupt the text and JSON reports. */
	for (i = 0; cpu->brand[i]; i++)
		if ((unsigned char)cpu->brand[i] < 0x20 || (unsigned char)cpu->brand[i] > 0x7e)
			cpu->brand[i] = '?';
}

static void read_features(struct machine *m, struct cpu_info *cpu)
{
	for (int f = 0; f < CPU_FEATURE_COUNT; f++) {
		const struct cpu_feature_def *def = &cpu_feature_defs[f];
		struct cpuid_regs r;
		if (!leaf_readable(cpu, def->leaf))
			continue;
		m->cpuid(m, def->leaf, def->subleaf, &r);
		cpu->features[f] = (cpuid_register_value(&r, def->reg) >> def->bit) & 1;
	}
}

static void read_mwait(struct machine *m, struct cpu_info *cpu)
{
	struct cpuid_regs r;

	if (!cpu->features[CPU_FEATURE_MONITOR_MWAIT] || !leaf_readable(cpu, CPUID_LEAF_MWAIT))
		return;
	m->cpuid(m, CPUID_LEAF_MWAIT, 0, &r);
	cpu->mwait.present = true;
	cpu->mwait.min_line_bytes = (uint16_t)r.eax;
	cpu->mwait.max_line_bytes = (uint16_t)r.ebx;
	cpu->mwait.extensions = r.ecx & 1;
	cpu->mwait.interrupt_break = (r.ecx >> 1) & 1;
	for (int n = 0; n < MWAIT_CSTATE_SLOTS; n++)
		cpu->mwait.substates[n] = (r.edx >> (4 * n)) & 0xf;
}

static void read_frequency_leaves(struct machine *m, struct cpu_info *cpu)
{
	struct cpuid_regs r;

	if (leaf_readable(cpu, CPUID_LEAF_TSC_CRYSTAL)) {
		m->cpuid(m, CPUID_LEAF_TSC_CRYSTAL, 0, &r);
		/* SDM: the ratio is not enumerated when EBX (numerator) or EAX (denominator) is 0. */
		if (r.eax && r.ebx) {
			cpu->leaf15.present = true;
			cpu->leaf15.denominator = r.eax;
			cpu->leaf15.numerator = r.ebx;
			cpu->leaf15.crystal_hz = r.ecx;
			cpu->leaf15.tsc_hz = (uint64_t)r.ecx * r.ebx / r.eax;
		}
	}
	if (leaf_readable(cpu, CPUID_LEAF_FREQUENCY)) {
		m->cpuid(m, CPUID_LEAF_FREQUENCY, 0, &r);
		if ((r.eax | r.ebx | r.ecx) & 0xffff) {
			cpu->leaf16.present = true;
			cpu->leaf16.base_mhz = (uint16_t)r.eax;
			cpu->leaf16.max_mhz = (uint16_t)r.ebx;
			cpu->leaf16.bus_mhz = (uint16_t)r.ecx;
		}
	}
}

void cpuid_inventory(struct machine *m, struct cpu_info *out)
{
	struct cpuid_regs r;

	*out = (struct cpu_info){0};
	m->cpuid(m, 0, 0, &r);
	out->max_basic_leaf = r.eax;
	cpuid_register_bytes(r.ebx, out->vendor);
	cpuid_register_bytes(r.edx, out->vendor + 4);
	cpuid_register_bytes(r.ecx, out->vendor + 8);
	for (int i = 0; i < 12; i++)
		if ((unsigned char)out->vendor[i] < 0x20 || (unsigned char)out->vendor[i] > 0x7e)
			out->vendor[i] = '?';

	m->cpuid(m, CPUID_EXTENDED_BASE, 0, &r);
	/* Without an extended range, the reply is an echo of some basic leaf: keep it out of range. */
	out->max_extended_leaf = (r.eax & 0xffff0000u) == CPUID_EXTENDED_BASE ? r.eax : 0;

	if (out->max_basic_leaf >= 1) {
		m->cpuid(m, 1, 0, &r);
		decode_signature(out, &r);
	}
	read_features(m, out);
	read_brand(m, out);
	read_mwait(m, out);
	read_frequency_leaves(m, out);
}
