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
	json_end(&w);
}
