/* The JSON writer of the report model; every field is documented in docs/report-schema.md. */
#include "json.h"
#include "report.h"

static void write_cpu(struct json_writer *w, const struct cpu_info *cpu)
{
	jw_object(w, "cpu");
	jw_string(w, "vendor", cpu->vendor);
	jw_string(w, "brand", cpu->brand);
	jw_uint(w, "family", cpu->family);
	jw_uint(w, "model", cpu->model);
	jw_uint(w, "stepping", cpu->stepping);
	jw_hex32(w, "max_basic_leaf", cpu->max_basic_leaf);
	jw_hex32(w, "max_extended_leaf", cpu->max_extended_leaf);

	jw_object(w, "features");
	for (int f = 0; f < CPU_FEATURE_COUNT; f++)
		jw_bool(w, cpu_feature_defs[f].name, cpu->features[f]);
	jw_close(w);

	if (cpu->mwait.present) {
		jw_object(w, "mwait");
		jw_uint(w, "min_line_bytes", cpu->mwait.min_line_bytes);
		jw_uint(w, "max_line_bytes", cpu->mwait.max_line_bytes);
		jw_bool(w, "extensions", cpu->mwait.extensions);
		jw_bool(w, "interrupt_break", cpu->mwait.interrupt_break);
		jw_array_inline(w, "substates");
		for (int n = 0; n < MWAIT_CSTATE_SLOTS; n++)
			jw_uint(w, NULL, cpu->mwait.substates[n]);
		jw_close(w);
		jw_close(w);
	} else {
		jw_null(w, "mwait");
	}

	if (cpu->leaf15.present) {
		jw_object_inline(w, "leaf15");
		jw_uint(w, "denominator", cpu->leaf15.denominator);
		jw_uint(w, "numerator", cpu->leaf15.numerator);
		jw_uint(w, "crystal_hz", cpu->leaf15.crystal_hz);
		jw_uint(w, "tsc_hz", cpu->leaf15.tsc_hz);
		jw_close(w);
	} else {
		jw_null(w, "leaf15");
	}

	if (cpu->leaf16.present) {
		jw_object_inline(w, "leaf16");
		jw_uint(w, "base_mhz", cpu->leaf16.base_mhz);
		jw_uint(w, "max_mhz", cpu->leaf16.max_mhz);
		jw_uint(w, "bus_mhz", cpu->leaf16.bus_mhz);
		jw_close(w);
	} else {
		jw_null(w, "leaf16");
	}
	jw_close(w);
}

static void write_hypervisor(struct json_writer *w, const struct hv_base *b)
{
	char signature[HV_SIGNATURE_TEXT_BYTES];
	const char *name = hv_name(b->signature);

	hv_signature_text(b->signature, signature);
	jw_object(w, NULL);
	jw_hex32(w, "base", b->base);
	jw_string(w, "signature", signature);
	if (name)
		jw_string(w, "name", name);
	else
		jw_null(w, "name");
	jw_hex32(w, "max_leaf", b->max_leaf);
	jw_string(w, "max_leaf_status", hv_range_name(b->range));

	jw_array(w, "leaves");
	for (uint32_t i = 0; i < b->leaf_count; i++) {
		const struct hv_leaf *l = &b->leaves[i];
		jw_object_inline(w, NULL);
		jw_hex32(w, "leaf", l->leaf);
		jw_hex32(w, "eax", l->regs.eax);
		jw_hex32(w, "ebx", l->regs.ebx);
		jw_hex32(w, "ecx", l->regs.ecx);
		jw_hex32(w, "edx", l->regs.edx);
		jw_close(w);
	}
	jw_close(w);

	jw_string(w, "timing_leaf_status", hv_timing_name(b->timing));
	if (b->timing == HV_TIMING_PRESENT) {
		jw_object_inline(w, "timing_leaf");
		jw_uint(w, "tsc_khz", b->timing_tsc_khz);
		jw_uint(w, "apic_bus_khz", b->timing_apic_bus_khz);
		jw_close(w);
	} else {
		jw_null(w, "timing_leaf");
	}
	jw_close(w);
}

static void write_acpi(struct json_writer *w, const struct acpi_info *a)
{
	jw_object(w, "acpi");
	jw_bool(w, "rsdp_found", a->rsdp_found);
	jw_hex64(w, "rsdp_address", a->rsdp_address);
	jw_uint(w, "rsdp_revision", a->rsdp_revision);
	jw_string(w, "oem_id", a->oem_id);
	jw_string(w, "root", acpi_root_words[a->root]);
	if (a->pm_timer.present) {
		jw_object_inline(w, "pm_timer");
		jw_hex32(w, "port", a->pm_timer.port);
		jw_uint(w, "width_bits", a->pm_timer.width_bits);
		jw_string(w, "field", pm_port_field_words[a->pm_timer.port_field]);
		jw_close(w);
	} else {
		jw_null(w, "pm_timer");
	}
	jw_hex32(w, "rtc_century_index", a->rtc_century_index);
	if (a->hpet.present) {
		jw_object_inline(w, "hpet");
		jw_hex64(w, "base", a->hpet.base);
		jw_hex32(w, "event_timer_block_id", a->hpet.event_timer_block_id);
		jw_bool(w, "counter_64bit", a->hpet.counter_64bit);
		jw_uint(w, "min_tick", a->hpet.min_tick);
		jw_close(w);
	} else {
		jw_null(w, "hpet");
	}
	if (a->madt.present) {
		jw_object_inline(w, "madt");
		jw_hex64(w, "lapic_base", a->madt.lapic_base);
		jw_uint(w, "lapic_entries", a->madt.lapic_entries);
		jw_uint(w, "lapic_enabled", a->madt.lapic_enabled);
		jw_close(w);
	} else {
		jw_null(w, "madt");
	}
	if (a->waet.present) {
		jw_object_inline(w, "waet");
		jw_bool(w, "rtc_good", a->waet.rtc_good);
		jw_bool(w, "pm_timer_good", a->waet.pm_timer_good);
		jw_close(w);
	} else {
		jw_null(w, "waet");
	}
	jw_array(w, "problems");
	for (unsigned i = 0; i < a->problem_count; i++) {
		jw_object_inline(w, NULL);
		jw_string(w, "table", a->problems[i].table);
		jw_string(w, "reason", a->problems[i].reason);
		jw_close(w);
	}
	jw_close(w);
	jw_uint(w, "problems_dropped", a->problems_dropped);
	jw_close(w);
}

static void write_smbios(struct json_writer *w, const struct smbios_info *s)
{
	jw_object(w, "smbios");
	jw_bool(w, "present", s->present);
	jw_string(w, "entry", smbios_entry_words[s->entry]);
	if (s->present) {
		jw_uint(w, "major", s->major);
		jw_uint(w, "minor", s->minor);
		jw_uint(w, "docrev", s->docrev);
		jw_hex64(w, "table_address", s->table_address);
		jw_uint(w, "table_length", s->table_length);
		jw_uint(w, "structure_count", s->structure_count);
		for (unsigned i = 0; i < SMBIOS_STRING_COUNT; i++)
			jw_string(w, smbios_string_defs[i].key, smbios_string(s, &smbios_string_defs[i]));
	}
	jw_array(w, "oem_strings");
	for (unsigned i = 0; i < s->oem_string_count; i++)
		jw_string(w, NULL, s->oem_strings[i]);
	jw_close(w);
	jw_array(w, "problems");
	for (unsigned i = 0; i < s->problem_count; i++)
		jw_string(w, NULL, s->problems[i]);
	jw_close(w);
	jw_uint(w, "problems_dropped", s->problems_dropped);
	jw_close(w);
}

/* A figure that only a measurement gives: null when there was none. */
static void write_measured(struct json_writer *w, const char *key, bool measured, double value, int decimals)
{
	if (measured)
		jw_double(w, key, value, decimals);
	else
		jw_null(w, key);
}

static void write_reference(struct json_writer *w, const struct reference_report *ref)
{
	jw_object(w, NULL);
	jw_string(w, "name", ref->name);
	jw_string(w, "label", ref->label);
	jw_bool(w, "available", ref->available);
	jw_bool(w, "measured", ref->measured);
	if (ref->reason[0])
		jw_string(w, "reason", ref->reason);
	else
		jw_null(w, "reason");
	jw_string(w, "detail", ref->detail);
	write_measured(w, "nominal_hz", ref->nominal_hz > 0, ref->nominal_hz, 3);
	jw_uint(w, "width_bits", ref->width_bits);
	jw_string(w, "sampling", sampling_words[ref->edges]);
	jw_bool(w, "tsc_derived", ref->tsc_derived);
	write_measured(w, "tsc_hz", ref->measured && ref->tsc_hz > 0, ref->tsc_hz, 3);
	write_measured(w, "uncertainty_ppm", ref->measured, ref->uncertainty_ppm, 6);
	write_measured(w, "two_point_hz", ref->measured && ref->two_point_hz > 0, ref->two_point_hz, 3);
	write_measured(w, "rate_hz", ref->measured && ref->rate_hz > 0, ref->rate_hz, 3);
	write_measured(w, "rate_uncertainty_ppm", ref->measured && ref->rate_hz > 0, ref->rate_uncertainty_ppm, 6);
	write_measured(w, "window_s", ref->measured, ref->window_s, 6);
	jw_uint(w, "samples", ref->samples);
	jw_uint(w, "rejected", ref->rejected);
	write_measured(w, "read_cost_ns", ref->measured && ref->read_cost_ns > 0, ref->read_cost_ns, 1);
	jw_uint(w, "backward_steps", ref->backward_steps);
	jw_uint(w, "gaps_bridged", ref->gaps_bridged);
	jw_uint(w, "jumps_backward", ref->jumps_backward);
	jw_uint(w, "jumps_forward", ref->jumps_forward);
	jw_bool(w, "disagrees", ref->disagrees);
	jw_array(w, "findings");
	for (unsigned i = 0; i < ref->finding_count; i++)
		jw_string(w, NULL, ref->findings[i]);
	jw_close(w);
	jw_close(w);
}

static void write_measurements(struct json_writer *w, const struct report *r)
{
	jw_array(w, "references");
	for (unsigned i = 0; i < r->reference_count; i++)
		write_reference(w, &r->references[i]);
	jw_close(w);

	jw_object(w, "tsc");
	write_measured(w, "measured_hz", r->tsc.valid, r->tsc.hz, 3);
	write_measured(w, "uncertainty_ppm", r->tsc.valid, r->tsc.uncertainty_ppm, 6);
	if (r->tsc.valid)
		jw_string(w, "reference", r->tsc.reference);
	else
		jw_null(w, "reference");
	jw_uint(w, "backward_steps", r->tsc.backward_steps);
	jw_uint(w, "largest_backward_step_ticks", r->tsc.largest_backward_step_ticks);
	if (r->tsc.rate_change.seen) {
		const struct tsc_rate_change *c = &r->tsc.rate_change;
		jw_object_inline(w, "rate_change");
		jw_string(w, "reference", c->reference);
		jw_double(w, "first_hz", c->first_hz, 3);
		jw_double(w, "again_hz", c->again_hz, 3);
		jw_double(w, "ppm", c->ppm, 3);
		jw_double(w, "uncertainty_ppm", c->uncertainty_ppm, 3);
		jw_close(w);
	} else {
		jw_null(w, "rate_change");
	}
	jw_close(w);

	jw_array(w, "cross_checks");
	for (unsigned i = 0; i < r->cross_check_count; i++) {
		const struct cross_check *c = &r->cross_checks[i];
		jw_object_inline(w, NULL);
		jw_string(w, "a", c->a);
		jw_string(w, "b", c->b);
		jw_double(w, "ppm", c->ppm, 6);
		jw_double(w, "combined_uncertainty_ppm", c->combined_ppm, 6);
		jw_bool(w, "agree", c->agree);
		jw_close(w);
	}
	jw_close(w);
}

static void write_claim(struct json_writer *w, const struct claim *c)
{
	jw_object(w, NULL);
	const struct claim_source *source = c->kind;
	jw_string(w, "source", c->source);
	jw_string(w, "label", c->label);
	jw_hex32(w, "where", c->where);
	if (source) {
		jw_string(w, "where_kind", claim_location_name(source->location));
		jw_string(w, "nature", claim_nature_name(source->nature));
	}
	jw_string(w, "status", claim_status_name(c->status));
	jw_double(w, "tsc_hz", c->tsc_hz, 3);
	jw_object(w, "details");
	for (unsigned i = 0; i < c->detail_count; i++) {
		const struct claim_detail *d = &c->details[i];
		switch (d->kind) {
		case DETAIL_UINT:
			jw_uint(w, d->key, d->u);
			break;
		case DETAIL_INT:
			jw_int(w, d->key, d->i);
			break;
		case DETAIL_HEX:
			jw_hex64(w, d->key, d->u);
			break;
		default:
			jw_bool(w, d->key, d->u != 0);
			break;
		}
	}
	jw_close(w);
	jw_close(w);
}

/* Hyper-V's raw registers, and the fields that matter for time decoded from them (hyperv_field_defs). */
static void write_hyperv(struct json_writer *w, const struct hyperv_info *h)
{
	if (!h->present) {
		jw_null(w, "hyperv");
		return;
	}
	jw_object(w, "hyperv");
	jw_hex32(w, "base", h->base);
	jw_hex32(w, "privileges", h->privileges);
	jw_hex32(w, "power_management", h->power_management);
	jw_hex32(w, "features", h->features);
	jw_hex32(w, "hints", h->hints);
	for (unsigned i = 0; i < HYPERV_FIELD_COUNT; i++) {
		const struct hyperv_field_def *f = &hyperv_field_defs[i];
		if (f->width == 1)
			jw_bool(w, f->key, hyperv_field_value(h, f));
		else
			jw_uint(w, f->key, hyperv_field_value(h, f));
	}
	jw_close(w);
}

static void write_claims_and_verdicts(struct json_writer *w, const struct report *r)
{
	write_hyperv(w, &r->platform.hyperv);
	jw_array(w, "claims");
	for (unsigned i = 0; i < r->claims.count; i++)
		write_claim(w, &r->claims.items[i]);
	jw_close(w);

	jw_array(w, "faults");
	for (unsigned i = 0; i < r->faults.count; i++) {
		jw_object_inline(w, NULL);
		jw_string(w, "access", r->faults.entries[i].access);
		jw_hex32(w, "msr", r->faults.entries[i].msr);
		jw_string(w, "status", r->faults.entries[i].status);
		jw_close(w);
	}
	jw_close(w);
	jw_uint(w, "faults_dropped", r->faults.dropped);

	jw_array(w, "verdicts");
	for (unsigned i = 0; i < r->verdict_count; i++) {
		const struct verdict *v = &r->verdicts[i];
		jw_object(w, NULL);
		jw_string(w, "id", v->id);
		jw_string(w, "severity", severity_name(v->severity));
		jw_string(w, "message", v->message);
		if (v->fix[0])
			jw_string(w, "fix", v->fix);
		else
			jw_null(w, "fix");
		if (v->has_figures) {
			jw_double(w, "ppm", v->ppm, 6);
			jw_double(w, "combined_uncertainty_ppm", v->combined_uncertainty_ppm, 6);
			jw_double(w, "drift_s_per_day", v->drift_s_per_day, 6);
			jw_double(w, "drift_s_per_5min", v->drift_s_per_5min, 6);
		}
		jw_close(w);
	}
	jw_close(w);
}

static void write_idle(struct json_writer *w, const struct idle_report *idle)
{
	if (!idle->ran) {
		jw_null(w, "idle_setup");
	} else {
		jw_object(w, "idle_setup");
		jw_string(w, "reference", idle->reference);
		jw_string(w, "wake_source", idle->wake_source);
		jw_string(w, "phase", idle->phase);
		jw_string(w, "lapic", idle->lapic_note);
		jw_bool(w, "mwait_offered", idle->mwait_offered);
		jw_uint(w, "runs_skipped", idle->runs_skipped);
		jw_close(w);
	}
	jw_array(w, "idle");
	for (unsigned i = 0; i < idle->run_count; i++) {
		const struct idle_run *run = &idle->runs[i];
		jw_object(w, NULL);
		jw_string(w, "method", idle_kind_name(run->kind));
		if (run->kind == IDLE_KIND_MWAIT)
			jw_hex32(w, "hint", run->hint);
		else
			jw_null(w, "hint");
		jw_string(w, "cstate", run->cstate);
		jw_string(w, "status", run->status);
		write_measured(w, "requested_us", run->done, run->requested_us, 1);
		write_measured(w, "actual_us", run->done, run->actual_us, 6);
		write_measured(w, "tsc_lost_us", run->done, run->tsc_lost_us, 6);
		write_measured(w, "tsc_lost_ppm", run->done, run->tsc_lost_ppm, 6);
		write_measured(w, "uncertainty_ppm", run->done, run->uncertainty_ppm, 6);
		jw_string(w, "tsc", run->done ? idle_tsc_word(run) : "not measured");
		jw_string(w, "lapic", run->done ? idle_lapic_word(run) : "not measured");
		write_measured(w, "lapic_lost_ppm", run->done && run->lapic_measured, run->lapic_lost_ppm, 6);
		jw_uint(w, "wakes", run->wakes);
		if (idle_returned_at_once(run)) {
			jw_object(w, "returned_at_once");
			jw_uint(w, "returns", run->at_once.returns);
			jw_double(w, "each_us", run->at_once.each_us, 6);
			jw_double(w, "uncertainty_us", run->at_once.uncertainty_us, 6);
			jw_close(w);
		} else {
			jw_null(w, "returned_at_once");
		}
		jw_string(w, "wake_source", run->kind == IDLE_KIND_BUSY ? IDLE_BUSY_WAKE_SOURCE : idle->wake_source);
		jw_string(w, "phase", idle->phase);
		jw_close(w);
	}
	jw_close(w);
}

static void write_watch(struct json_writer *w, const struct watch_report *watch)
{
	if (!watch->ran) {
		jw_null(w, "watch");
		return;
	}
	jw_object(w, "watch");
	jw_double(w, "duration_s", watch->duration_s, 3);
	jw_double(w, "interval_s", watch->interval_s, 3);
	jw_bool(w, "busy", watch->busy);
	jw_string(w, "reference", watch->reference);
	jw_uint(w, "samples", watch->samples);
	jw_bool(w, "stopped_early", watch->stopped_early);
	jw_array(w, "series");
	for (unsigned i = 0; i < watch->series_count; i++) {
		const struct watch_series *s = &watch->series[i];
		jw_object(w, NULL);
		jw_string(w, "name", s->name);
		jw_string(w, "label", s->label);
		jw_bool(w, "claim", s->is_claim);
		jw_double(w, "final_offset_s", s->final_offset_s, 9);
		jw_double(w, "drift_ppm", s->drift_ppm, 6);
		jw_double(w, "uncertainty_ppm", s->uncertainty_ppm, 6);
		jw_double(w, "predicted_ppm", s->predicted_ppm, 6);
		jw_double(w, "prediction_uncertainty_ppm", s->prediction_uncertainty_ppm, 6);
		if (s->rate_changed) {
			jw_object_inline(w, "rate_change");
			jw_double(w, "at_s", s->change_at_s, 3);
			jw_double(w, "before_ppm", s->rate_before_ppm, 6);
			jw_double(w, "after_ppm", s->rate_after_ppm, 6);
			jw_close(w);
		} else {
			jw_null(w, "rate_change");
		}
		jw_close(w);
	}
	jw_close(w);
	jw_close(w);
}

/* The identity, first among the platform's sections: what the report is about. */
static void write_identity(struct json_writer *w, const struct platform_identity *id)
{
	jw_object(w, "platform");
	jw_string(w, "summary", id->summary);
	jw_string(w, "product", id->product);
	jw_string(w, "version", id->version);
	jw_string(w, "interface", id->interface);
	jw_string(w, "short", id->short_name);
	jw_string(w, "conflict", id->conflict);
	jw_array(w, "evidence");
	for (unsigned i = 0; i < id->evidence_count; i++) {
		jw_object_inline(w, NULL);
		jw_string(w, "source", id->evidence[i].source);
		jw_string(w, "says", id->evidence[i].says);
		jw_close(w);
	}
	jw_close(w);
	jw_close(w);
}

void report_write_json(const struct report *r, struct sink *out)
{
	struct json_writer w;

	jw_begin(&w, out);
	jw_string(&w, "schema", REPORT_SCHEMA);
	jw_object(&w, "tool");
	jw_string(&w, "name", "tscprobe");
	jw_string(&w, "version", r->tool_version);
	jw_string(&w, "machine", r->machine_kind);
	jw_string(&w, "mode", r->mode);
	write_measured(&w, "duration_s", r->duration_s > 0, r->duration_s, 3);
	jw_close(&w);

	write_identity(&w, &r->platform.identity);
	write_cpu(&w, &r->platform.cpu);

	jw_array(&w, "hypervisors");
	for (uint32_t i = 0; i < r->platform.hv.count; i++)
		write_hypervisor(&w, &r->platform.hv.bases[i]);
	jw_close(&w);
	jw_uint(&w, "hypervisor_bases_dropped", r->platform.hv.dropped);
	write_acpi(&w, &r->platform.acpi);
	write_smbios(&w, &r->platform.smbios);
	write_measurements(&w, r);
	write_idle(&w, &r->idle);
	write_watch(&w, &r->watch);
	write_claims_and_verdicts(&w, r);
	jw_end(&w);
}
