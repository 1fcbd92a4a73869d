/* The human text writer of the report model: what matters first, then the figures, aligned, with units. */
#include "report.h"

static void write_findings(const struct report *r, struct sink *out)
{
	const struct cpu_info *cpu = &r->cpu;

	sink_puts(out, "Findings\n");
	if (r->hv.count == 0)
		sink_printf(out, "  - No hypervisor CPUID base answers (hypervisor bit %s).\n",
			    cpu->features[CPU_FEATURE_HYPERVISOR] ? "set" : "clear");
	for (uint32_t i = 0; i < r->hv.count; i++) {
		const struct hv_base *b = &r->hv.bases[i];
		const char *name = hv_name(b->signature);
		sink_printf(out, "  - Hypervisor at 0x%08x: %s, max leaf 0x%08x%s.\n", b->base,
			    name ? name : "unknown signature", b->max_leaf,
			    b->range == HV_RANGE_OK ? "" : " (not believed: leaves not read)");
		if (b->timing == HV_TIMING_PRESENT)
			sink_printf(out, "  - Timing leaf 0x%08x claims TSC %u kHz, LAPIC bus %u kHz.\n",
				    b->base + HV_TIMING_LEAF_OFFSET, b->timing_tsc_khz, b->timing_apic_bus_khz);
		else
			sink_printf(out, "  - Timing leaf 0x%08x: %s.\n", b->base + HV_TIMING_LEAF_OFFSET,
				    b->timing == HV_TIMING_ZERO ? "offered but zero (no frequency given)"
								: "not offered (beyond the max leaf, not read)");
	}
	if (r->hv.dropped)
		sink_printf(out, "  - %u more live hypervisor bases were not recorded.\n", r->hv.dropped);
	sink_printf(out, "  - Invariant TSC is %s.\n",
		    cpu->features[CPU_FEATURE_INVARIANT_TSC] ? "advertised" : "not advertised");
	sink_puts(out, "\n");
}

static void write_cpu(const struct cpu_info *cpu, struct sink *out)
{
	sink_puts(out, "CPU\n");
	sink_printf(out, "  %-18s %s\n", "vendor", cpu->vendor);
	sink_printf(out, "  %-18s %s\n", "brand", cpu->brand[0] ? cpu->brand : "(none)");
	sink_printf(out, "  %-18s family 0x%x, model 0x%x, stepping %u\n", "signature", cpu->family, cpu->model,
		    cpu->stepping);
	sink_printf(out, "  %-18s basic 0x%08x, extended 0x%08x\n", "max leaves", cpu->max_basic_leaf,
		    cpu->max_extended_leaf);
	if (cpu->leaf15.present)
		sink_printf(out, "  %-18s TSC/crystal %u/%u, crystal %u Hz, TSC %llu Hz\n", "leaf 0x15",
			    cpu->leaf15.numerator, cpu->leaf15.denominator, cpu->leaf15.crystal_hz,
			    (unsigned long long)cpu->leaf15.tsc_hz);
	else
		sink_printf(out, "  %-18s not enumerated\n", "leaf 0x15");
	if (cpu->leaf16.present)
		sink_printf(out, "  %-18s base %u MHz, max %u MHz, bus %u MHz\n", "leaf 0x16", cpu->leaf16.base_mhz,
			    cpu->leaf16.max_mhz, cpu->leaf16.bus_mhz);
	else
		sink_printf(out, "  %-18s not enumerated\n", "leaf 0x16");

	sink_puts(out, "\nTime features (CPUID)\n");
	for (int f = 0; f < CPU_FEATURE_COUNT; f++) {
		const struct cpu_feature_def *def = &cpu_feature_defs[f];
		static const char reg_names[][4] = {"EAX", "EBX", "ECX", "EDX"};
		sink_printf(out, "  %-34s %-4s leaf 0x%x.%s[%u]\n", def->label, cpu->features[f] ? "yes" : "no",
			    def->leaf, reg_names[def->reg], def->bit);
	}
	if (cpu->mwait.present) {
		sink_printf(out, "  %-34s line %u..%u bytes, extensions %s, interrupt break %s\n", "MWAIT leaf 5",
			    cpu->mwait.min_line_bytes, cpu->mwait.max_line_bytes, cpu->mwait.extensions ? "yes" : "no",
			    cpu->mwait.interrupt_break ? "yes" : "no");
		sink_printf(out, "  %-34s", "MWAIT sub-states C0..C7");
		for (int n = 0; n < MWAIT_CSTATE_SLOTS; n++)
			sink_printf(out, " %u", cpu->mwait.substates[n]);
		sink_puts(out, "\n");
	}
	sink_puts(out, "\n");
}

static void write_hypervisor(const struct hv_base *b, struct sink *out)
{
	char signature[HV_SIGNATURE_TEXT_BYTES];
	const char *name = hv_name(b->signature);
	static const char *const range_words[] = {
		[HV_RANGE_OK] = "",
		[HV_RANGE_BELOW_BASE] = " (below the base: no further leaves)",
		[HV_RANGE_BEYOND_BLOCK] = " (past the base's 0x100-leaf block: not believed, not read)",
	};

	hv_signature_text(b->signature, signature);
	sink_printf(out, "  base 0x%08x  \"%s\"  %s\n", b->base, signature, name ? name : "(unknown)");
	sink_printf(out, "    max leaf 0x%08x%s\n", b->max_leaf, range_words[b->range]);
	sink_printf(out, "    %-10s  %-10s  %-10s  %-10s  %-10s\n", "leaf", "eax", "ebx", "ecx", "edx");
	for (uint32_t i = 0; i < b->leaf_count; i++) {
		const struct hv_leaf *l = &b->leaves[i];
		sink_printf(out, "    0x%08x  0x%08x  0x%08x  0x%08x  0x%08x\n", l->leaf, l->regs.eax, l->regs.ebx,
			    l->regs.ecx, l->regs.edx);
	}
}

void report_write_text(const struct report *r, struct sink *out)
{
	sink_printf(out, "tscprobe %s report (machine: %s, schema %s)\n\n", r->tool_version, r->machine_kind,
		    REPORT_SCHEMA);
	write_findings(r, out);
	write_cpu(&r->cpu, out);
	sink_puts(out, "Hypervisor CPUID bases (0x40000000..0x4000FF00)\n");
	if (r->hv.count == 0)
		sink_puts(out, "  none\n");
	for (uint32_t i = 0; i < r->hv.count; i++)
		write_hypervisor(&r->hv.bases[i], out);
}
