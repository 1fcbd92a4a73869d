/* The JSON writer of the report model; every field is documented in docs/report-schema.md. */
#include "json.h"
#include "report.h"

const char *hv_range_name(enum hv_range range)
{
	switch (range) {
	case HV_RANGE_OK:
		return "ok";
	case HV_RANGE_BELOW_BASE:
		return "below_base";
	default:
		return "beyond_block";
	}
}

const char *hv_timing_name(enum hv_timing_status timing)
{
	switch (timing) {
	case HV_TIMING_PRESENT:
		return "present";
	case HV_TIMING_ZERO:
		return "zero";
	default:
		return "not_offered";
	}
}

static void write_cpu(struct json_writer *w, const struct cpu_info *cpu)
{
	json_object(w, "cpu");
	json_string(w, "vendor", cpu->vendor);
	json_string(w, "brand", cpu->brand);
	json_uint(w, "family", cpu->family);
	json_uint(w, "model", cpu->model);
	json_uint(w, "stepping", cpu->stepping);
	json_hex32(w, "max_basic_leaf", cpu->max_basic_leaf);
	json_hex32(w, "max_extended_leaf", cpu->max_extended_leaf);

	json_object(w, "features");
	for (int f = 0; f < CPU_FEATURE_COUNT; f++)
		json_bool(w, cpu_feature_defs[f].name, cpu->features[f]);
	json_close(w);

	if (cpu->mwait.present) {
		json_object(w, "mwait");
		json_uint(w, "min_line_bytes", cpu->mwait.min_line_bytes);
		json_uint(w, "max_line_bytes", cpu->mwait.max_line_bytes);
		json_bool(w, "extensions", cpu->mwait.extensions);
		json_bool(w, "interrupt_break", cpu->mwait.interrupt_break);
		json_array_inline(w, "substates");
		for (int n = 0; n < MWAIT_CSTATE_SLOTS; n++)
			json_uint(w, NULL, cpu->mwait.substates[n]);
		json_close(w);
		json_close(w);
	} else {
		json_null(w, "mwait");
	}

	if (cpu->leaf15.present) {
		json_object_inline(w, "leaf15");
		json_uint(w, "denominator", cpu->leaf15.denominator);
		json_uint(w, "numerator", cpu->leaf15.numerator);
		json_uint(w, "crystal_hz", cpu->leaf15.crystal_hz);
		json_uint(w, "tsc_hz", cpu->leaf15.tsc_hz);
		json_close(w);
	} else {
		json_null(w, "leaf15");
	}

	if (cpu->leaf16.present) {
		json_object_inline(w, "leaf16");
		json_uint(w, "base_mhz", cpu->leaf16.base_mhz);
		json_uint(w, "max_mhz", cpu->leaf16.max_mhz);
		json_uint(w, "bus_mhz", cpu->leaf16.bus_mhz);
		json_close(w);
	} else {
		json_null(w, "leaf16");
	}
	json_close(w);
}

static void write_hypervisor(struct json_writer *w, const struct hv_base *b)
{
	char signature[HV_SIGNATURE_TEXT_BYTES];
	const char *name = hv_name(b->signature);

	hv_signature_text(b->signature, signature);
	json_object(w, NULL);
	json_hex32(w, "base", b->base);
	json_string(w, "signature", signature);
	if (name)
		json_string(w, "name", name);
	else
		json_null(w, "name");
	json_hex32(w, "max_leaf", b->max_leaf);
	json_string(w, "max_leaf_status", hv_range_name(b->range));

	json_array(w, "leaves");
	for (uint32_t i = 0; i < b->leaf_count; i++) {
		const struct hv_leaf *l = &b->leaves[i];
		json_object_inline(w, NULL);
		json_hex32(w, "leaf", l->leaf);
		json_hex32(w, "eax", l->regs.eax);
		json_hex32(w, "ebx", l->regs.ebx);
		json_hex32(w, "ecx", l->regs.ecx);
		json_hex32(w, "edx", l->regs.edx);
		json_close(w);
	}
	json_close(w);

	json_string(w, "timing_leaf_status", hv_timing_name(b->timing));
	if (b->timing == HV_TIMING_PRESENT) {
		json_object_inline(w, "timing_leaf");
		json_uint(w, "tsc_khz", b->timing_tsc_khz);
		json_uint(w, "apic_bus_khz", b->timing_apic_bus_khz);
		json_close(w);
	} else {
		json_null(w, "timing_leaf");
	}
	json_close(w);
}

static void write_acpi(struct json_writer *w, const struct acpi_info *a)
{
	static const char *const roots[] = {[ACPI_ROOT_NONE] = "none", [ACPI_ROOT_XSDT] = "xsdt", [ACPI_ROOT_RSDT] = "rsdt"};
	static const char *const pm_fields[] = {
		[ACPI_PM_PORT_NONE] = "none",
		[ACPI_PM_PORT_X_PM_TMR_BLK] = "X_PM_TMR_BLK",
		[ACPI_PM_PORT_PM_TMR_BLK] = "PM_TMR_BLK",
	};

	json_object(w, "acpi");
	json_bool(w, "rsdp_found", a->rsdp_found);
	json_hex64(w, "rsdp_address", a->rsdp_address);
	json_uint(w, "rsdp_revision", a->rsdp_revision);
	json_string(w, "oem_id", a->oem_id);
	json_string(w, "root", roots[a->root]);
	if (a->pm_timer.present) {
		json_object_inline(w, "pm_timer");
		json_hex32(w, "port", a->pm_timer.port);
		json_uint(w, "width_bits", a->pm_timer.width_bits);
		json_string(w, "field", pm_fields[a->pm_timer.port_field]);
		json_close(w);
	} else {
		json_null(w, "pm_timer");
	}
	json_hex32(w, "rtc_century_index", a->rtc_century_index);
	if (a->hpet.present) {
		json_object_inline(w, "hpet");
		json_hex64(w, "base", a->hpet.base);
		json_hex32(w, "event_timer_block_id", a->hpet.event_timer_block_id);
		json_bool(w, "counter_64bit", a->hpet.counter_64bit);
		json_uint(w, "min_tick", a->hpet.min_tick);
		json_close(w);
	} else {
		json_null(w, "hpet");
	}
	if (a->madt.present) {
		json_object_inline(w, "madt");
		json_hex64(w, "lapic_base", a->madt.lapic_base);
		json_uint(w, "lapic_entries", a->madt.lapic_entries);
		json_uint(w, "lapic_enabled", a->madt.lapic_enabled);
		json_close(w);
	} else {
		json_null(w, "madt");
	}
	if (a->waet.present) {
		json_object_inline(w, "waet");
		json_bool(w, "rtc_good", a->waet.rtc_good);
		json_bool(w, "pm_timer_good", a->waet.pm_timer_good);
		json_close(w);
	} else {
		json_null(w, "waet");
	}
	json_array(w, "problems");
	for (unsigned i = 0; i < a->problem_count; i++) {
		json_object_inline(w, NULL);
		json_string(w, "table", a->problems[i].table);
		json_string(w, "reason", a->problems[i].reason);
		json_close(w);
	}
	json_close(w);
	json_uint(w, "problems_dropped", a->problems_dropped);
	json_close(w);
}

/* A figure that only a measurement gives: null when there was none. */
static void json_measured(struct json_writer *w, const char *key, bool measured, double value, int decimals)
{
	if (measured)
		json_double(w, key, value, decimals);
	else
		json_null(w, key);
}

static void write_reference(struct json_writer *w, const struct reference_report *ref)
{
	json_object(w, NULL);
	json_string(w, "name", ref->name);
	json_string(w, "label", ref->label);
	json_bool(w, "available", ref->available);
	json_bool(w, "measured", ref->measured);
	if (ref->reason[0])
		json_string(w, "reason", ref->reason);
	else
		json_null(w, "reason");
	json_string(w, "detail", ref->detail);
	json_measured(w, "nominal_hz", ref->nominal_hz > 0, ref->nominal_hz, 3);
	json_uint(w, "width_bits", ref->width_bits);
	json_string(w, "sampling", ref->edges ? "edges" : "counter");
	json_measured(w, "tsc_hz", ref->measured && ref->tsc_hz > 0, ref->tsc_hz, 1);
	json_measured(w, "uncertainty_ppm", ref->measured, ref->uncertainty_ppm, 4);
	json_measured(w, "rate_hz", ref->measured && ref->rate_hz > 0, ref->rate_hz, 1);
	json_measured(w, "rate_uncertainty_ppm", ref->measured && ref->rate_hz > 0, ref->rate_uncertainty_ppm, 4);
	json_measured(w, "window_s", ref->measured, ref->window_s, 6);
	json_uint(w, "samples", ref->samples);
	json_uint(w, "rejected", ref->rejected);
	json_measured(w, "read_cost_ns", ref->measured && ref->read_cost_ns > 0, ref->read_cost_ns, 1);
	json_uint(w, "backward_steps", ref->backward_steps);
	json_uint(w, "gaps_bridged", ref->gaps_bridged);
	json_bool(w, "disagrees", ref->disagrees);
	json_array(w, "findings");
	for (unsigned i = 0; i < ref->finding_count; i++)
		json_string(w, NULL, ref->findings[i]);
	json_close(w);
	json_close(w);
}

static void write_measurements(struct json_writer *w, const struct report *r)
{
	json_array(w, "references");
	for (unsigned i = 0; i < r->reference_count; i++)
		write_reference(w, &r->references[i]);
	json_close(w);

	json_object(w, "tsc");
	json_measured(w, "measured_hz", r->tsc.valid, r->tsc.hz, 1);
	json_measured(w, "uncertainty_ppm", r->tsc.valid, r->tsc.uncertainty_ppm, 4);
	if (r->tsc.valid)
		json_string(w, "reference", r->tsc.reference);
	else
		json_null(w, "reference");
	json_close(w);

	json_array(w, "cross_checks");
	for (unsigned i = 0; i < r->cross_check_count; i++) {
		const struct cross_check *c = &r->cross_checks[i];
		json_object_inline(w, NULL);
		json_string(w, "a", c->a);
		json_string(w, "b", c->b);
		json_double(w, "ppm", c->ppm, 4);
		json_double(w, "combined_uncertainty_ppm", c->combined_ppm, 4);
		json_bool(w, "agree", c->agree);
		json_close(w);
	}
	json_close(w);
}

void report_write_json(const struct report *r, struct sink *out)
{
	struct json_writer w;

	json_begin(&w, out);
	json_string(&w, "schema", REPORT_SCHEMA);
	json_object(&w, "tool");
	json_string(&w, "name", "tscprobe");
	json_string(&w, "version", r->tool_version);
	json_string(&w, "machine", r->machine_kind);
	json_close(&w);

	write_cpu(&w, &r->cpu);

	json_array(&w, "hypervisors");
	for (uint32_t i = 0; i < r->hv.count; i++)
		write_hypervisor(&w, &r->hv.bases[i]);
	json_close(&w);
	json_uint(&w, "hypervisor_bases_dropped", r->hv.dropped);
	write_acpi(&w, &r->acpi);
	write_measurements(&w, r);
	json_end(&w);
}
