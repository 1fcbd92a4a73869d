/* The human text writer of the report model: what matters first, then the figures, aligned, with units. */
#include "report.h"

/* Text wrapped at an 80-column console, continuation lines indented under the first. */
#define TEXT_COLUMNS 78

static void write_verdicts(const struct report *r, struct sink *out)
{
	sink_puts(out, "Verdicts (worst first)\n");
	if (r->verdict_count == 0)
		sink_puts(out, "  none\n");
	for (unsigned i = 0; i < r->verdict_count; i++) {
		sink_wrapped(out, severity_tags[r->verdicts[i].severity], r->verdicts[i].message, TEXT_COLUMNS);
		if (r->verdicts[i].fix[0])
			sink_wrapped(out, "        fix: ", r->verdicts[i].fix, TEXT_COLUMNS);
	}
	sink_puts(out, "\n");
}

static void write_claims(const struct report *r, struct sink *out)
{
	sink_puts(out, "Claims: what the platform says the TSC runs at\n");
	if (r->claims.count == 0)
		sink_puts(out, "  none\n");
	for (unsigned i = 0; i < r->claims.count; i++) {
		const struct claim *c = &r->claims.items[i];
		const struct claim_source *source = c->kind;
		if (c->status == CLAIM_STATED)
			sink_printf(out, "  %-38s %16.6f MHz\n", c->label, c->tsc_hz / 1e6);
		else
			sink_printf(out, "  %-38s %20s\n", c->label, "no frequency");
		if (source)
			sink_printf(out, "      %-20s %s 0x%08x, %s\n", "where", claim_location_name(source->location),
				    c->where, claim_nature_name(source->nature));
		for (unsigned d = 0; d < c->detail_count; d++) {
			const struct claim_detail *x = &c->details[d];
			sink_printf(out, "      %-20s ", x->key);
			if (x->kind == DETAIL_HEX)
				sink_printf(out, "0x%llx\n", (unsigned long long)x->u);
			else if (x->kind == DETAIL_INT)
				sink_printf(out, "%lld\n", (long long)x->i);
			else if (x->kind == DETAIL_BOOL)
				sink_printf(out, "%s\n", x->u ? "yes" : "no");
			else
				sink_printf(out, "%llu\n", (unsigned long long)x->u);
		}
	}
	for (unsigned i = 0; i < r->faults.count; i++)
		sink_printf(out, "  fault: %s 0x%x: %s\n", r->faults.entries[i].access, r->faults.entries[i].msr,
			    r->faults.entries[i].status);
	if (r->platform.hyperv.present) {
		sink_printf(out, "  Hyper-V interface at 0x%08x (privileges 0x%08x, power 0x%08x, features 0x%08x)\n",
			    r->platform.hyperv.base, r->platform.hyperv.privileges, r->platform.hyperv.power_management,
			    r->platform.hyperv.features);
		for (unsigned i = 0; i < HYPERV_FIELD_COUNT; i++) {
			const struct hyperv_field_def *f = &hyperv_field_defs[i];
			uint32_t v = hyperv_field_value(&r->platform.hyperv, f);
			if (f->width == 1)
				sink_printf(out, "      %-30s %s\n", f->key, v ? "yes" : "no");
			else
				sink_printf(out, "      %-30s %u\n", f->key, v);
		}
	}
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
		[HV_RANGE_KVM_ZERO] = " (KVM's 0 from an old host: read as base + 1, as KVM documents)",
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

static void write_acpi(const struct acpi_info *a, struct sink *out)
{
	sink_puts(out, "\nACPI\n");
	if (!a->rsdp_found) {
		sink_puts(out, "  no RSDP: the firmware gave no ACPI tables\n");
	} else {
		sink_printf(out, "  %-18s revision %u, OEM \"%s\", via the %s\n", "RSDP", a->rsdp_revision, a->oem_id,
			    a->root == ACPI_ROOT_XSDT   ? "XSDT"
			    : a->root == ACPI_ROOT_RSDT ? "RSDT"
							: "(no root table)");
		if (a->pm_timer.present)
			sink_printf(out, "  %-18s port 0x%x, %u-bit\n", "PM timer", a->pm_timer.port,
				    a->pm_timer.width_bits);
		else
			sink_printf(out, "  %-18s none\n", "PM timer");
		if (a->hpet.present)
			sink_printf(out, "  %-18s base 0x%llx\n", "HPET", (unsigned long long)a->hpet.base);
		else
			sink_printf(out, "  %-18s none\n", "HPET");
		if (a->madt.present)
			sink_printf(out, "  %-18s LAPIC base 0x%llx, %u processor entries\n", "MADT",
				    (unsigned long long)a->madt.lapic_base, a->madt.lapic_entries);
		sink_printf(out, "  %-18s 0x%02x%s\n", "RTC century index", a->rtc_century_index,
			    a->rtc_century_index ? "" : " (none)");
	}
	for (unsigned i = 0; i < a->problem_count; i++)
		sink_printf(out, "  problem: %s: %s\n", a->problems[i].table, a->problems[i].reason);
	if (a->problems_dropped)
		sink_printf(out, "  ... and %u more problems\n", a->problems_dropped);
}

/* Who the firmware says made the machine; the platform identity weighs it against the other evidence. */
static void write_smbios(const struct smbios_info *s, struct sink *out)
{
	sink_puts(out, "\nFirmware (SMBIOS)\n");
	if (!s->present) {
		sink_puts(out, s->problem_count ? "  no usable table\n"
						: "  none: the firmware gave no SMBIOS entry point\n");
	} else {
		sink_printf(out, "  %-18s %u.%u.%u, %s entry point, %u structures\n", "SMBIOS", s->major, s->minor,
			    s->docrev, smbios_entry_words[s->entry], s->structure_count);
		sink_printf(out, "  %-18s %s / %s / %s\n", "system", s->manufacturer, s->product, s->version);
		if (s->family[0])
			sink_printf(out, "  %-18s %s\n", "family", s->family);
		sink_printf(out, "  %-18s %s, version %s, %s\n", "BIOS", s->bios_vendor, s->bios_version, s->bios_date);
		if (s->board_vendor[0] || s->board_product[0])
			sink_printf(out, "  %-18s %s / %s\n", "baseboard", s->board_vendor, s->board_product);
		sink_printf(out, "  %-18s %s\n", "chassis", s->chassis_vendor);
		for (unsigned i = 0; i < s->oem_string_count; i++)
			sink_printf(out, "  %-18s %s\n", i ? "" : "OEM strings", s->oem_strings[i]);
	}
	for (unsigned i = 0; i < s->problem_count; i++)
		sink_printf(out, "  problem: %s\n", s->problems[i]);
	if (s->problems_dropped)
		sink_printf(out, "  ... and %u more problems\n", s->problems_dropped);
}

static void write_references(const struct report *r, struct sink *out)
{
	sink_puts(out, "\nReferences: the TSC measured against each clock\n");
	sink_printf(out, "  %-15s %16s %11s %8s %5s %9s\n", "reference", "TSC", "+/-", "window", "n", "read cost");
	for (unsigned i = 0; i < r->reference_count; i++) {
		const struct reference_report *ref = &r->references[i];
		if (!ref->available || !ref->measured) {
			sink_printf(out, "  %-15s %s: %s\n", ref->label,
				    ref->available ? "not measured" : "unavailable", ref->reason);
			continue;
		}
		if (ref->tsc_hz > 0)
			sink_printf(out, "  %-15s %12.6f MHz %7.3f ppm %6.2f s %5u %6.0f ns%s\n", ref->label,
				    ref->tsc_hz / 1e6, ref->uncertainty_ppm, ref->window_s, ref->samples,
				    ref->read_cost_ns, ref->disagrees ? "  DISAGREES" : "");
		else
			sink_printf(out, "  %-15s runs at %.6f MHz +/- %.3f ppm (by the TSC), %u samples, %.0f ns\n",
				    ref->label, ref->rate_hz / 1e6, ref->rate_uncertainty_ppm, ref->samples,
				    ref->read_cost_ns);
	}
	for (unsigned i = 0; i < r->reference_count; i++) {
		const struct reference_report *ref = &r->references[i];
		if (ref->available)
			sink_printf(out, "  %-15s %s\n", ref->label, ref->detail);
		for (unsigned f = 0; f < ref->finding_count; f++)
			sink_printf(out, "  %-15s note: %s\n", ref->label, ref->findings[f]);
	}
	if (r->cross_check_count) {
		sink_puts(out, "\nCross-checks: TSC rate by one reference against another\n");
		for (unsigned i = 0; i < r->cross_check_count; i++) {
			const struct cross_check *c = &r->cross_checks[i];
			sink_printf(out, "  %-10s vs %-10s %+12.3f ppm (+/- %.3f) %s\n", c->a, c->b, c->ppm,
				    c->combined_ppm, c->agree ? "agree" : "DISAGREE");
		}
	}
}

static void write_idle(const struct idle_report *idle, struct sink *out)
{
	if (!idle->ran)
		return;
	sink_printf(out, "\nIdle: does the TSC keep counting? (timed by %s; woken by %s; %s running)\n",
		    idle->reference, idle->wake_source, idle->phase);
	sink_printf(out, "  LAPIC timer: %s\n", idle->lapic_note);
	sink_printf(out, "  %-6s %-5s %11s %11s %11s %9s %5s %6s %5s\n", "method", "state", "requested", "actual",
		    "TSC lost", "+/- ppm", "TSC", "LAPIC", "wakes");
	for (unsigned i = 0; i < idle->run_count; i++) {
		const struct idle_run *run = &idle->runs[i];
		if (idle_returned_at_once(run)) {
			sink_printf(out, "  %-6s %-6s %s: %u times, %.3f +/- %.3f us each (no sleep; TSC not judged)\n",
				    idle_kind_name(run->kind), run->cstate, run->status, run->at_once.returns,
				    run->at_once.each_us, run->at_once.uncertainty_us);
			continue;
		}
		if (!run->done) {
			sink_printf(out, "  %-6s %-6s %s\n", idle_kind_name(run->kind), run->cstate, run->status);
			continue;
		}
		sink_printf(out, "  %-6s %-5s %8.3f ms %8.3f ms %8.1f us %9.2f %5s %6s %5u\n",
			    idle_kind_name(run->kind), run->cstate, run->requested_us / 1e3, run->actual_us / 1e3,
			    run->tsc_lost_us, run->uncertainty_ppm, idle_tsc_word(run),
			    run->lapic_measured ? idle_lapic_word(run) : "-", run->wakes);
	}
	if (idle->runs_skipped)
		sink_printf(out, "  %u runs skipped (time budget)\n", idle->runs_skipped);
}

static void write_watch(const struct watch_report *watch, struct sink *out)
{
	if (!watch->ran)
		return;
	sink_printf(out, "\nDrift watch: %.0f s against the %s, %u samples every %.0f s (%s)%s\n", watch->duration_s,
		    watch->reference, watch->samples, watch->interval_s, watch->busy ? "busy-waiting" : "HLT between",
		    watch->stopped_early ? ", stopped early" : "");
	sink_printf(out, "  %-34s %13s %11s %9s %11s\n", "clock", "offset", "drift", "+/-", "predicted");
	for (unsigned i = 0; i < watch->series_count; i++) {
		const struct watch_series *s = &watch->series[i];
		sink_printf(out, "  %-34.34s %+11.6f s %+7.2f ppm %9.2f %+7.2f ppm\n", s->label, s->final_offset_s,
			    s->drift_ppm, s->uncertainty_ppm, s->predicted_ppm);
		if (s->rate_changed)
			sink_printf(out, "  %-34s rate changed at %.0f s: %+.1f -> %+.1f ppm\n", "", s->change_at_s,
				    s->rate_before_ppm, s->rate_after_ppm);
	}
}

/* The identity is the report's first line; its conflict and evidence follow the verdicts' figures. */
static void write_identity(const struct platform_identity *id, struct sink *out)
{
	sink_puts(out, "\nPlatform identity\n");
	sink_printf(out, "  %-18s %s\n", "product", id->product);
	sink_printf(out, "  %-18s %s\n", "version", id->version[0] ? id->version : "(not stated)");
	sink_printf(out, "  %-18s %s\n", "interface", id->interface[0] ? id->interface : "(none)");
	if (id->conflict[0])
		sink_printf(out, "  %-18s %s\n", "conflict", id->conflict);
	for (unsigned i = 0; i < id->evidence_count; i++)
		sink_printf(out, "  %-18s %s\n", id->evidence[i].source, id->evidence[i].says);
}

void report_write_text(const struct report *r, struct sink *out)
{
	const struct platform_identity *id = &r->platform.identity;

	sink_printf(out, "%s%s%s\n", id->summary, id->conflict[0] ? " -- conflict: " : "", id->conflict);
	sink_printf(out, "tscprobe %s report (machine: %s, %sschema %s)\n\n", r->tool_version, r->machine_kind,
		    text_equal(r->mode, "quick")        ? "quick mode: one reference, no idle experiments, "
		    : text_equal(r->mode, "sequential") ? "sequential mode: one reference after another, "
							: "",
		    REPORT_SCHEMA);
	write_verdicts(r, out);
	write_claims(r, out);
	write_cpu(&r->platform.cpu, out);
	sink_puts(out, "Hypervisor CPUID bases (0x40000000..0x4000FF00)\n");
	if (r->platform.hv.count == 0)
		sink_puts(out, "  none\n");
	for (uint32_t i = 0; i < r->platform.hv.count; i++)
		write_hypervisor(&r->platform.hv.bases[i], out);
	write_acpi(&r->platform.acpi, out);
	write_smbios(&r->platform.smbios, out);
	write_identity(id, out);
	write_references(r, out);
	write_idle(&r->idle, out);
	write_watch(&r->watch, out);
}
