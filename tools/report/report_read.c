/* Reads a JSON report back into the report model, naming the exact field when the file is wrong. */
#include "report_read.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_input.h"
#include "json_input.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct reader {
	struct json_input in;    /* null is an absent member: json_double writes it for a figure that is unknown */
	bool any_schema;         /* read tscprobe/N for any N as far as its members are known */
	unsigned schema_version; /* the N the report says */
};

/* Scalar fields as data: each JSON key with its kind and where its value goes in the model. */
enum field_kind {
	FIELD_UINT, /* JSON integer, range-checked against the field's size */
	FIELD_HEX,  /* "0x..." string, as json_hex32 and json_hex64 write it */
	FIELD_BOOL,
	FIELD_DOUBLE, /* any JSON number; json_double writes null for an unknown figure */
	FIELD_TEXT,   /* string into a char array of `size` bytes */
};
struct field {
	const char *key;
	enum field_kind kind;
	bool required; /* absent or null is an error, not a zero */
	size_t offset, size;
};
#define FIELD(kind, type, member, key)                                                \
	{                                                                             \
		key, kind, false, offsetof(type, member), sizeof(((type *)0)->member) \
	}
#define REQUIRED(kind, type, member, key)                                            \
	{                                                                            \
		key, kind, true, offsetof(type, member), sizeof(((type *)0)->member) \
	}

/* "0x" and 1 to 16 hex digits, without sign, space or suffix. */
static bool parse_hex(const char *text, uint64_t *out)
{
	size_t digits = 0;

	if (text[0] != '0' || text[1] != 'x')
		return false;
	while (isxdigit((unsigned char)text[2 + digits]))
		digits++;
	if (digits == 0 || digits > 16 || text[2 + digits] != '\0')
		return false;
	*out = strtoull(text + 2, NULL, 16);
	return true;
}

/* An integer for a field of `size` bytes, from a JSON integer or (hex) a "0x..." string. */
static int read_integer(struct reader *rd, const json_t *value, const char *path, bool hex, size_t size, uint64_t *out)
{
	uint64_t max = size >= sizeof(uint64_t) ? UINT64_MAX : (1ull << (8 * size)) - 1;

	if (hex && !(json_is_string(value) && parse_hex(json_string_value(value), out)))
		return json_input_expected(&rd->in, path, "a hex string like \"0x40000001\"", value);
	if (!hex && (!json_is_integer(value) || json_integer_value(value) < 0))
		return json_input_expected(&rd->in, path, "an unsigned integer", value);
	if (!hex)
		*out = (uint64_t)json_integer_value(value);
	if (*out <= max)
		return 0;
	if (hex)
		return json_input_fail(&rd->in, path, "0x%llx is out of range (at most 0x%llx)",
				       (unsigned long long)*out, (unsigned long long)max);
	return json_input_fail(&rd->in, path, "%llu is out of range (at most %llu)", (unsigned long long)*out,
			       (unsigned long long)max);
}

/* One JSON value into dst, a model field of `size` bytes. */
static int read_value(struct reader *rd, const json_t *value, const char *path, enum field_kind kind, size_t size,
		      void *dst)
{
	uint64_t number;

	switch (kind) {
	case FIELD_BOOL:
		if (!json_is_boolean(value))
			return json_input_expected(&rd->in, path, "true or false", value);
		*(bool *)dst = json_is_true(value);
		return 0;
	case FIELD_DOUBLE:
		if (!json_is_number(value))
			return json_input_expected(&rd->in, path, "a number", value);
		*(double *)dst = json_number_value(value);
		return 0;
	case FIELD_TEXT:
		/* Too long is an error, not a silent cut: the model would no longer say what the file says. */
		if (json_input_check_type(&rd->in, value, path, JSON_STRING))
			return -1;
		if (json_string_length(value) >= size)
			return json_input_fail(&rd->in, path, "%zu characters, more than the %zu this tool holds",
					       json_string_length(value), size - 1);
		memcpy(dst, json_string_value(value), json_string_length(value) + 1);
		return 0;
	default:
		if (read_integer(rd, value, path, kind == FIELD_HEX, size, &number))
			return -1;
		json_input_store_uint(dst, size, number);
		return 0;
	}
}

/* One member into dst; absent or null leaves it as it was. */
static int read_scalar(struct reader *rd, const json_t *object, const char *parent, const char *key,
		       enum field_kind kind, size_t size, void *dst)
{
	const json_t *value = json_input_present(&rd->in, object, key);
	char path[JSON_INPUT_PATH_BYTES];

	return value ? read_value(rd, value, json_input_path(path, parent, key), kind, size, dst) : 0;
}

static int read_fields(struct reader *rd, const json_t *object, const char *parent, const struct field *fields,
		       size_t count, void *dst)
{
	char path[JSON_INPUT_PATH_BYTES];

	for (const struct field *f = fields; f < fields + count; f++) {
		if (f->required && !json_input_present(&rd->in, object, f->key))
			return json_input_missing(&rd->in, json_input_path(path, parent, f->key));
		if (read_scalar(rd, object, parent, f->key, f->kind, f->size, (unsigned char *)dst + f->offset))
			return -1;
	}
	return 0;
}

/* A word from a fixed vocabulary; `names` is indexed by the enum value it stands for. */
static int read_choice(struct reader *rd, const json_t *object, const char *parent, const char *key,
		       const char *const *names, size_t count, bool required, int *out)
{
	const json_t *value;
	char path[JSON_INPUT_PATH_BYTES];
	unsigned index;

	if (json_input_member(&rd->in, object, parent, key, JSON_STRING, required, &value))
		return -1;
	if (!value)
		return 0;
	if (json_input_choose(&rd->in, value, json_input_path(path, parent, key), names, count, &index))
		return -1;
	*out = (int)index;
	return 0;
}

/* An optional object of scalar fields; *object is NULL when it is absent, which the model records. */
static int read_block(struct reader *rd, const json_t *parent_object, const char *parent, const char *key,
		      const struct field *fields, size_t count, void *dst, const json_t **object)
{
	char path[JSON_INPUT_PATH_BYTES];

	if (json_input_member(&rd->in, parent_object, parent, key, JSON_OBJECT, false, object))
		return -1;
	return *object ? read_fields(rd, *object, json_input_path(path, parent, key), fields, count, dst) : 0;
}

/* Whether a member counts as written: present, or (null_written) even null. */
static bool written_member(const json_t *object, const char *key, bool null_written)
{
	const json_t *value = json_object_get(object, key);
	return value && (null_written || !json_is_null(value));
}

/*
 * Figures that are written all or none (*all says which): one without the others is refused, as
 * "missing (<owner> figures come together)". null_written: a null is a written figure that is no
 * number, rather than one left out.
 */
static int read_together(struct reader *rd, const json_t *object, const char *parent, const struct field *fields,
			 size_t count, bool null_written, const char *owner, void *dst, bool *all)
{
	char path[JSON_INPUT_PATH_BYTES];

	if (read_fields(rd, object, parent, fields, count, dst))
		return -1;
	*all = false;
	for (const struct field *f = fields; f < fields + count; f++)
		*all |= written_member(object, f->key, null_written);
	for (const struct field *f = fields; *all && f < fields + count; f++)
		if (!written_member(object, f->key, null_written))
			return json_input_fail(&rd->in, json_input_path(path, parent, f->key),
					       "missing (%s figures come together)", owner);
	return 0;
}

typedef int read_item_fn(struct reader *rd, const json_t *item, const char *path, size_t index, void *ctx);

/* An array of at most `max` entries, each read by read_item; more than the model holds is refused. */
static int read_array(struct reader *rd, const json_t *object, const char *parent, const char *key, bool required,
		      size_t max, read_item_fn *read_item, void *ctx, unsigned *count)
{
	const json_t *list;
	char list_path[JSON_INPUT_PATH_BYTES], path[JSON_INPUT_PATH_BYTES];

	if (json_input_member(&rd->in, object, parent, key, JSON_ARRAY, required, &list))
		return -1;
	if (!list)
		return 0;
	json_input_path(list_path, parent, key);
	if (json_array_size(list) > max)
		return json_input_fail(&rd->in, list_path, "%zu entries, more than the %zu this tool holds",
				       json_array_size(list), max);
	for (size_t i = 0; i < json_array_size(list); i++)
		if (read_item(rd, json_array_get(list, i), json_input_element_path(path, list_path, i), i, ctx))
			return -1;
	*count = (unsigned)json_array_size(list);
	return 0;
}

/* Items that are objects of plain fields, stored `stride` bytes apart from `first`. */
struct field_items {
	const struct field *fields;
	size_t field_count;
	void *first;
	size_t stride;
};

static int read_field_item(struct reader *rd, const json_t *item, const char *path, size_t index, void *ctx)
{
	const struct field_items *items = ctx;

	if (json_input_check_type(&rd->in, item, path, JSON_OBJECT))
		return -1;
	return read_fields(rd, item, path, items->fields, items->field_count,
			   (unsigned char *)items->first + index * items->stride);
}

static const struct field tool_fields[] = {
	REQUIRED(FIELD_TEXT, struct report, tool_version, "version"),
	FIELD(FIELD_TEXT, struct report, machine_kind, "machine"),
	FIELD(FIELD_TEXT, struct report, mode, "mode"),
	FIELD(FIELD_DOUBLE, struct report, duration_s, "duration_s"),
};

static const struct field cpu_fields[] = {
	FIELD(FIELD_TEXT, struct cpu_info, vendor, "vendor"),
	FIELD(FIELD_TEXT, struct cpu_info, brand, "brand"),
	FIELD(FIELD_UINT, struct cpu_info, family, "family"),
	FIELD(FIELD_UINT, struct cpu_info, model, "model"),
	FIELD(FIELD_UINT, struct cpu_info, stepping, "stepping"),
	FIELD(FIELD_HEX, struct cpu_info, max_basic_leaf, "max_basic_leaf"),
	FIELD(FIELD_HEX, struct cpu_info, max_extended_leaf, "max_extended_leaf"),
};

static const struct field mwait_fields[] = {
	FIELD(FIELD_UINT, struct mwait_info, min_line_bytes, "min_line_bytes"),
	FIELD(FIELD_UINT, struct mwait_info, max_line_bytes, "max_line_bytes"),
	FIELD(FIELD_BOOL, struct mwait_info, extensions, "extensions"),
	FIELD(FIELD_BOOL, struct mwait_info, interrupt_break, "interrupt_break"),
};

static const struct field leaf15_fields[] = {
	FIELD(FIELD_UINT, struct leaf15_info, denominator, "denominator"),
	FIELD(FIELD_UINT, struct leaf15_info, numerator, "numerator"),
	FIELD(FIELD_UINT, struct leaf15_info, crystal_hz, "crystal_hz"),
	FIELD(FIELD_UINT, struct leaf15_info, tsc_hz, "tsc_hz"),
};

static const struct field leaf16_fields[] = {
	FIELD(FIELD_UINT, struct leaf16_info, base_mhz, "base_mhz"),
	FIELD(FIELD_UINT, struct leaf16_info, max_mhz, "max_mhz"),
	FIELD(FIELD_UINT, struct leaf16_info, bus_mhz, "bus_mhz"),
};

static const struct field base_fields[] = {
	FIELD(FIELD_HEX, struct hv_base, base, "base"),
	FIELD(FIELD_HEX, struct hv_base, max_leaf, "max_leaf"),
};

static const struct field leaf_fields[] = {
	FIELD(FIELD_HEX, struct hv_leaf, leaf, "leaf"),    FIELD(FIELD_HEX, struct hv_leaf, regs.eax, "eax"),
	FIELD(FIELD_HEX, struct hv_leaf, regs.ebx, "ebx"), FIELD(FIELD_HEX, struct hv_leaf, regs.ecx, "ecx"),
	FIELD(FIELD_HEX, struct hv_leaf, regs.edx, "edx"),
};

static const struct field timing_fields[] = {
	FIELD(FIELD_UINT, struct hv_base, timing_tsc_khz, "tsc_khz"),
	FIELD(FIELD_UINT, struct hv_base, timing_apic_bus_khz, "apic_bus_khz"),
};

static const struct field report_fields[] = {
	FIELD(FIELD_UINT, struct report, platform.hv.dropped, "hypervisor_bases_dropped"),
	FIELD(FIELD_UINT, struct report, faults.dropped, "faults_dropped"),
};

static const struct field acpi_fields[] = {
	FIELD(FIELD_BOOL, struct acpi_info, rsdp_found, "rsdp_found"),
	FIELD(FIELD_HEX, struct acpi_info, rsdp_address, "rsdp_address"),
	FIELD(FIELD_UINT, struct acpi_info, rsdp_revision, "rsdp_revision"),
	FIELD(FIELD_TEXT, struct acpi_info, oem_id, "oem_id"),
	FIELD(FIELD_HEX, struct acpi_info, rtc_century_index, "rtc_century_index"),
	FIELD(FIELD_UINT, struct acpi_info, problems_dropped, "problems_dropped"),
};

static const struct field pm_timer_fields[] = {
	FIELD(FIELD_HEX, struct acpi_info, pm_timer.port, "port"),
	FIELD(FIELD_UINT, struct acpi_info, pm_timer.width_bits, "width_bits"),
};

static const struct field hpet_fields[] = {
	FIELD(FIELD_HEX, struct acpi_info, hpet.base, "base"),
	FIELD(FIELD_HEX, struct acpi_info, hpet.event_timer_block_id, "event_timer_block_id"),
	FIELD(FIELD_BOOL, struct acpi_info, hpet.counter_64bit, "counter_64bit"),
	FIELD(FIELD_UINT, struct acpi_info, hpet.min_tick, "min_tick"),
};

static const struct field madt_fields[] = {
	FIELD(FIELD_HEX, struct acpi_info, madt.lapic_base, "lapic_base"),
	FIELD(FIELD_UINT, struct acpi_info, madt.lapic_entries, "lapic_entries"),
	FIELD(FIELD_UINT, struct acpi_info, madt.lapic_enabled, "lapic_enabled"),
};

static const struct field waet_fields[] = {
	FIELD(FIELD_BOOL, struct acpi_info, waet.rtc_good, "rtc_good"),
	FIELD(FIELD_BOOL, struct acpi_info, waet.pm_timer_good, "pm_timer_good"),
};

static const struct field problem_fields[] = {
	FIELD(FIELD_TEXT, struct acpi_problem, table, "table"),
	FIELD(FIELD_TEXT, struct acpi_problem, reason, "reason"),
};

static const struct field reference_fields[] = {
	FIELD(FIELD_TEXT, struct reference_report, name, "name"),
	FIELD(FIELD_TEXT, struct reference_report, label, "label"),
	FIELD(FIELD_BOOL, struct reference_report, available, "available"),
	FIELD(FIELD_BOOL, struct reference_report, measured, "measured"),
	FIELD(FIELD_TEXT, struct reference_report, reason, "reason"),
	FIELD(FIELD_TEXT, struct reference_report, detail, "detail"),
	FIELD(FIELD_DOUBLE, struct reference_report, nominal_hz, "nominal_hz"),
	FIELD(FIELD_UINT, struct reference_report, width_bits, "width_bits"),
	FIELD(FIELD_BOOL, struct reference_report, tsc_derived, "tsc_derived"),
	FIELD(FIELD_DOUBLE, struct reference_report, tsc_hz, "tsc_hz"),
	FIELD(FIELD_DOUBLE, struct reference_report, uncertainty_ppm, "uncertainty_ppm"),
	FIELD(FIELD_DOUBLE, struct reference_report, two_point_hz, "two_point_hz"),
	FIELD(FIELD_DOUBLE, struct reference_report, rate_hz, "rate_hz"),
	FIELD(FIELD_DOUBLE, struct reference_report, rate_uncertainty_ppm, "rate_uncertainty_ppm"),
	FIELD(FIELD_DOUBLE, struct reference_report, window_s, "window_s"),
	FIELD(FIELD_UINT, struct reference_report, samples, "samples"),
	FIELD(FIELD_UINT, struct reference_report, rejected, "rejected"),
	FIELD(FIELD_DOUBLE, struct reference_report, read_cost_ns, "read_cost_ns"),
	FIELD(FIELD_UINT, struct reference_report, backward_steps, "backward_steps"),
	FIELD(FIELD_UINT, struct reference_report, gaps_bridged, "gaps_bridged"),
	FIELD(FIELD_UINT, struct reference_report, jumps_backward, "jumps_backward"),
	FIELD(FIELD_UINT, struct reference_report, jumps_forward, "jumps_forward"),
	FIELD(FIELD_BOOL, struct reference_report, disagrees, "disagrees"),
};

static const struct field tsc_fields[] = {
	FIELD(FIELD_DOUBLE, struct tsc_estimate, hz, "measured_hz"),
	FIELD(FIELD_DOUBLE, struct tsc_estimate, uncertainty_ppm, "uncertainty_ppm"),
	FIELD(FIELD_TEXT, struct tsc_estimate, reference, "reference"),
	FIELD(FIELD_UINT, struct tsc_estimate, backward_steps, "backward_steps"),
	FIELD(FIELD_UINT, struct tsc_estimate, largest_backward_step_ticks, "largest_backward_step_ticks"),
};

static const struct field tsc_rate_change_fields[] = {
	REQUIRED(FIELD_TEXT, struct tsc_rate_change, reference, "reference"),
	REQUIRED(FIELD_DOUBLE, struct tsc_rate_change, first_hz, "first_hz"),
	REQUIRED(FIELD_DOUBLE, struct tsc_rate_change, again_hz, "again_hz"),
	REQUIRED(FIELD_DOUBLE, struct tsc_rate_change, ppm, "ppm"),
	REQUIRED(FIELD_DOUBLE, struct tsc_rate_change, uncertainty_ppm, "uncertainty_ppm"),
};

static const struct field cross_check_fields[] = {
	FIELD(FIELD_TEXT, struct cross_check, a, "a"),
	FIELD(FIELD_TEXT, struct cross_check, b, "b"),
	FIELD(FIELD_DOUBLE, struct cross_check, ppm, "ppm"),
	FIELD(FIELD_DOUBLE, struct cross_check, combined_ppm, "combined_uncertainty_ppm"),
	FIELD(FIELD_BOOL, struct cross_check, agree, "agree"),
};

/* The raw CPUID registers are the model; the decoded members beside them are checked below. */
static const struct field hyperv_fields[] = {
	FIELD(FIELD_HEX, struct hyperv_info, base, "base"),
	FIELD(FIELD_HEX, struct hyperv_info, privileges, "privileges"),
	FIELD(FIELD_HEX, struct hyperv_info, power_management, "power_management"),
	FIELD(FIELD_HEX, struct hyperv_info, features, "features"),
	FIELD(FIELD_HEX, struct hyperv_info, hints, "hints"),
};

/* A claim's tsc_hz may be null: jw_double writes null for a figure beyond 10^18, which a broken MSR can give. */
static const struct field claim_fields[] = {
	REQUIRED(FIELD_TEXT, struct claim, source, "source"),
	FIELD(FIELD_TEXT, struct claim, label, "label"),
	FIELD(FIELD_HEX, struct claim, where, "where"),
	FIELD(FIELD_DOUBLE, struct claim, tsc_hz, "tsc_hz"),
};

static const struct field fault_fields[] = {
	REQUIRED(FIELD_TEXT, struct fault, access, "access"),
	FIELD(FIELD_HEX, struct fault, msr, "msr"),
	FIELD(FIELD_TEXT, struct fault, status, "status"),
};

static const struct field verdict_fields[] = {
	REQUIRED(FIELD_TEXT, struct verdict, id, "id"),
	FIELD(FIELD_TEXT, struct verdict, message, "message"),
	FIELD(FIELD_TEXT, struct verdict, fix, "fix"),
};

static const struct field identity_fields[] = {
	REQUIRED(FIELD_TEXT, struct platform_identity, summary, "summary"),
	REQUIRED(FIELD_TEXT, struct platform_identity, product, "product"),
	FIELD(FIELD_TEXT, struct platform_identity, version, "version"),
	FIELD(FIELD_TEXT, struct platform_identity, interface, "interface"),
	FIELD(FIELD_TEXT, struct platform_identity, short_name, "short"),
	FIELD(FIELD_TEXT, struct platform_identity, conflict, "conflict"),
};

static const struct field evidence_fields[] = {
	REQUIRED(FIELD_TEXT, struct identity_evidence, source, "source"),
	REQUIRED(FIELD_TEXT, struct identity_evidence, says, "says"),
};

/* Written all four or none (has_figures); one that cannot be written as a number (a drift against 0 Hz) is null. */
static const struct field verdict_figure_fields[] = {
	FIELD(FIELD_DOUBLE, struct verdict, ppm, "ppm"),
	FIELD(FIELD_DOUBLE, struct verdict, combined_uncertainty_ppm, "combined_uncertainty_ppm"),
	FIELD(FIELD_DOUBLE, struct verdict, drift_s_per_day, "drift_s_per_day"),
	FIELD(FIELD_DOUBLE, struct verdict, drift_s_per_5min, "drift_s_per_5min"),
};

static const struct field idle_setup_fields[] = {
	FIELD(FIELD_TEXT, struct idle_report, reference, "reference"),
	FIELD(FIELD_TEXT, struct idle_report, wake_source, "wake_source"),
	FIELD(FIELD_TEXT, struct idle_report, phase, "phase"),
	FIELD(FIELD_TEXT, struct idle_report, lapic_note, "lapic"),
	FIELD(FIELD_BOOL, struct idle_report, mwait_offered, "mwait_offered"),
	FIELD(FIELD_UINT, struct idle_report, runs_skipped, "runs_skipped"),
};

/* A run's lapic_lost_ppm is null when the LAPIC timer was not watched (lapic_measured). */
static const struct field idle_run_fields[] = {
	FIELD(FIELD_HEX, struct idle_run, hint, "hint"),
	FIELD(FIELD_TEXT, struct idle_run, cstate, "cstate"),
	FIELD(FIELD_TEXT, struct idle_run, status, "status"),
	FIELD(FIELD_DOUBLE, struct idle_run, lapic_lost_ppm, "lapic_lost_ppm"),
	FIELD(FIELD_UINT, struct idle_run, wakes, "wakes"),
};

/* Written all five for a run that was done, null all five for one that faulted or was not offered. */
static const struct field idle_figure_fields[] = {
	FIELD(FIELD_DOUBLE, struct idle_run, requested_us, "requested_us"),
	FIELD(FIELD_DOUBLE, struct idle_run, actual_us, "actual_us"),
	FIELD(FIELD_DOUBLE, struct idle_run, tsc_lost_us, "tsc_lost_us"),
	FIELD(FIELD_DOUBLE, struct idle_run, tsc_lost_ppm, "tsc_lost_ppm"),
	FIELD(FIELD_DOUBLE, struct idle_run, uncertainty_ppm, "uncertainty_ppm"),
};

/* A run that returned at once has all three (status "returned at once"); any other run null. */
static const struct field idle_at_once_fields[] = {
	REQUIRED(FIELD_UINT, struct idle_at_once, returns, "returns"),
	REQUIRED(FIELD_DOUBLE, struct idle_at_once, each_us, "each_us"),
	REQUIRED(FIELD_DOUBLE, struct idle_at_once, uncertainty_us, "uncertainty_us"),
};

static const struct field watch_fields[] = {
	FIELD(FIELD_DOUBLE, struct watch_report, duration_s, "duration_s"),
	FIELD(FIELD_DOUBLE, struct watch_report, interval_s, "interval_s"),
	FIELD(FIELD_BOOL, struct watch_report, busy, "busy"),
	FIELD(FIELD_TEXT, struct watch_report, reference, "reference"),
	FIELD(FIELD_UINT, struct watch_report, samples, "samples"),
	FIELD(FIELD_BOOL, struct watch_report, stopped_early, "stopped_early"),
};

static const struct field watch_series_fields[] = {
	REQUIRED(FIELD_TEXT, struct watch_series, name, "name"),
	FIELD(FIELD_TEXT, struct watch_series, label, "label"),
	FIELD(FIELD_BOOL, struct watch_series, is_claim, "claim"),
	FIELD(FIELD_DOUBLE, struct watch_series, final_offset_s, "final_offset_s"),
	FIELD(FIELD_DOUBLE, struct watch_series, drift_ppm, "drift_ppm"),
	FIELD(FIELD_DOUBLE, struct watch_series, uncertainty_ppm, "uncertainty_ppm"),
	FIELD(FIELD_DOUBLE, struct watch_series, predicted_ppm, "predicted_ppm"),
};

/* The writer gives a rate change whole or not at all (null). */
static const struct field rate_change_fields[] = {
	REQUIRED(FIELD_DOUBLE, struct watch_series, change_at_s, "at_s"),
	REQUIRED(FIELD_DOUBLE, struct watch_series, rate_before_ppm, "before_ppm"),
	REQUIRED(FIELD_DOUBLE, struct watch_series, rate_after_ppm, "after_ppm"),
};

/* CPUID leaf 5 EDX holds one nibble per C-state. */
#define MWAIT_SUBSTATES_MAX 0xf

static int read_substate(struct reader *rd, const json_t *item, const char *path, size_t index, void *ctx)
{
	struct mwait_info *mwait = ctx;
	uint64_t count = 0; /* set on success; clang's analyzer cannot see that json_input's errors return -1 */

	if (read_integer(rd, item, path, false, sizeof(mwait->substates[0]), &count))
		return -1;
	if (count > MWAIT_SUBSTATES_MAX)
		return json_input_fail(&rd->in, path, "%llu sub-states, more than a 4-bit field holds",
				       (unsigned long long)count);
	mwait->substates[index] = (uint8_t)count;
	return 0;
}

static int read_mwait(struct reader *rd, const json_t *cpu, struct mwait_info *mwait)
{
	const json_t *object;
	unsigned substates = MWAIT_CSTATE_SLOTS;

	if (read_block(rd, cpu, "cpu", "mwait", mwait_fields, ARRAY_SIZE(mwait_fields), mwait, &object))
		return -1;
	mwait->present = object != NULL;
	if (!object)
		return 0;
	if (read_array(rd, object, "cpu.mwait", "substates", false, MWAIT_CSTATE_SLOTS, read_substate, mwait,
		       &substates))
		return -1;
	if (substates != MWAIT_CSTATE_SLOTS)
		return json_input_fail(&rd->in, "cpu.mwait.substates",
				       "%u entries, expected %d (one per C-state C0..C7)", substates,
				       MWAIT_CSTATE_SLOTS);
	return 0;
}

static int read_cpu(struct reader *rd, const json_t *root, struct cpu_info *cpu)
{
	const json_t *object, *features, *leaf15, *leaf16;

	if (json_input_member(&rd->in, root, "", "cpu", JSON_OBJECT, true, &object) ||
	    read_fields(rd, object, "cpu", cpu_fields, ARRAY_SIZE(cpu_fields), cpu) ||
	    json_input_member(&rd->in, object, "cpu", "features", JSON_OBJECT, false, &features))
		return -1;
	for (int f = 0; features && f < CPU_FEATURE_COUNT; f++)
		if (read_scalar(rd, features, "cpu.features", cpu_feature_defs[f].name, FIELD_BOOL, sizeof(bool),
				&cpu->features[f]))
			return -1;
	if (read_mwait(rd, object, &cpu->mwait) ||
	    read_block(rd, object, "cpu", "leaf15", leaf15_fields, ARRAY_SIZE(leaf15_fields), &cpu->leaf15, &leaf15) ||
	    read_block(rd, object, "cpu", "leaf16", leaf16_fields, ARRAY_SIZE(leaf16_fields), &cpu->leaf16, &leaf16))
		return -1;
	cpu->leaf15.present = leaf15 != NULL;
	cpu->leaf16.present = leaf16 != NULL;
	return 0;
}

/* Leaves run from the base without gaps: hv_find_leaf indexes them by their distance from it. */
static int read_leaf(struct reader *rd, const json_t *item, const char *path, size_t index, void *ctx)
{
	struct hv_base *b = ctx;
	struct hv_leaf *l = &b->leaves[index];
	char leaf_path[JSON_INPUT_PATH_BYTES];

	if (json_input_check_type(&rd->in, item, path, JSON_OBJECT) ||
	    read_fields(rd, item, path, leaf_fields, ARRAY_SIZE(leaf_fields), l))
		return -1;
	if (l->leaf != b->base + index)
		return json_input_fail(&rd->in, json_input_path(leaf_path, path, "leaf"),
				       "0x%08x where 0x%08x was expected (leaves run from the base without gaps)",
				       l->leaf, (unsigned)(b->base + index));
	return 0;
}

static int read_base(struct reader *rd, const json_t *item, const char *path, size_t index, void *ctx)
{
	const char *const ranges[] = {
		[HV_RANGE_OK] = hv_range_name(HV_RANGE_OK),
		[HV_RANGE_BELOW_BASE] = hv_range_name(HV_RANGE_BELOW_BASE),
		[HV_RANGE_BEYOND_BLOCK] = hv_range_name(HV_RANGE_BEYOND_BLOCK),
		[HV_RANGE_KVM_ZERO] = hv_range_name(HV_RANGE_KVM_ZERO),
	};
	const char *const timings[] = {
		[HV_TIMING_NOT_OFFERED] = hv_timing_name(HV_TIMING_NOT_OFFERED),
		[HV_TIMING_ZERO] = hv_timing_name(HV_TIMING_ZERO),
		[HV_TIMING_PRESENT] = hv_timing_name(HV_TIMING_PRESENT),
	};
	struct hv_base *b = &((struct hv_inventory *)ctx)->bases[index];
	const json_t *signature, *timing;
	int range = HV_RANGE_OK, timing_status = HV_TIMING_NOT_OFFERED;
	char member[JSON_INPUT_PATH_BYTES], got[JSON_INPUT_QUOTED_BYTES];

	if (json_input_check_type(&rd->in, item, path, JSON_OBJECT) ||
	    read_fields(rd, item, path, base_fields, ARRAY_SIZE(base_fields), b) ||
	    json_input_member(&rd->in, item, path, "signature", JSON_STRING, false, &signature))
		return -1;
	if (signature && !hv_signature_parse(json_string_value(signature), b->signature))
		return json_input_fail(&rd->in, json_input_path(member, path, "signature"),
				       "%s is not 12 bytes written as text, \\0 for NUL and \\xNN for other bytes",
				       json_input_describe(signature, got));
	if (read_choice(rd, item, path, "max_leaf_status", ranges, ARRAY_SIZE(ranges), false, &range) ||
	    read_array(rd, item, path, "leaves", false, HV_MAX_LEAVES, read_leaf, b, &b->leaf_count) ||
	    read_choice(rd, item, path, "timing_leaf_status", timings, ARRAY_SIZE(timings), false, &timing_status) ||
	    read_block(rd, item, path, "timing_leaf", timing_fields, ARRAY_SIZE(timing_fields), b, &timing))
		return -1;
	b->range = (enum hv_range)range;
	b->timing = (enum hv_timing_status)timing_status;
	return 0;
}

static int read_acpi(struct reader *rd, const json_t *root, struct acpi_info *acpi)
{
	struct field_items problems = {problem_fields, ARRAY_SIZE(problem_fields), acpi->problems,
				       sizeof(acpi->problems[0])};
	const json_t *object, *pm_timer, *hpet, *madt, *waet;
	int root_table = ACPI_ROOT_NONE, port_field = ACPI_PM_PORT_NONE;

	if (json_input_member(&rd->in, root, "", "acpi", JSON_OBJECT, false, &object))
		return -1;
	if (!object)
		return 0;
	if (read_fields(rd, object, "acpi", acpi_fields, ARRAY_SIZE(acpi_fields), acpi) ||
	    read_choice(rd, object, "acpi", "root", acpi_root_words, ARRAY_SIZE(acpi_root_words), false, &root_table) ||
	    read_block(rd, object, "acpi", "pm_timer", pm_timer_fields, ARRAY_SIZE(pm_timer_fields), acpi, &pm_timer) ||
	    (pm_timer && read_choice(rd, pm_timer, "acpi.pm_timer", "field", pm_port_field_words,
				     ARRAY_SIZE(pm_port_field_words), false, &port_field)) ||
	    read_block(rd, object, "acpi", "hpet", hpet_fields, ARRAY_SIZE(hpet_fields), acpi, &hpet) ||
	    read_block(rd, object, "acpi", "madt", madt_fields, ARRAY_SIZE(madt_fields), acpi, &madt) ||
	    read_block(rd, object, "acpi", "waet", waet_fields, ARRAY_SIZE(waet_fields), acpi, &waet) ||
	    read_array(rd, object, "acpi", "problems", false, ACPI_MAX_PROBLEMS, read_field_item, &problems,
		       &acpi->problem_count))
		return -1;
	acpi->root = (enum acpi_root)root_table;
	acpi->pm_timer.present = pm_timer != NULL;
	acpi->pm_timer.port_field = (enum acpi_pm_port_field)port_field;
	acpi->hpet.present = hpet != NULL;
	acpi->madt.present = madt != NULL;
	acpi->waet.present = waet != NULL;
	return 0;
}

static const struct field smbios_fields[] = {
	FIELD(FIELD_BOOL, struct smbios_info, present, "present"),
	FIELD(FIELD_UINT, struct smbios_info, major, "major"),
	FIELD(FIELD_UINT, struct smbios_info, minor, "minor"),
	FIELD(FIELD_UINT, struct smbios_info, docrev, "docrev"),
	FIELD(FIELD_HEX, struct smbios_info, table_address, "table_address"),
	FIELD(FIELD_UINT, struct smbios_info, table_length, "table_length"),
	FIELD(FIELD_UINT, struct smbios_info, structure_count, "structure_count"),
	FIELD(FIELD_UINT, struct smbios_info, problems_dropped, "problems_dropped"),
};

static int read_smbios_text(struct reader *rd, const json_t *item, const char *path, size_t index, void *ctx)
{
	char(*texts)[SMBIOS_TEXT_BYTES] = ctx;
	return read_value(rd, item, path, FIELD_TEXT, SMBIOS_TEXT_BYTES, texts[index]);
}

static int read_smbios_problem(struct reader *rd, const json_t *item, const char *path, size_t index, void *ctx)
{
	char(*problems)[SMBIOS_PROBLEM_BYTES] = ctx;
	return read_value(rd, item, path, FIELD_TEXT, SMBIOS_PROBLEM_BYTES, problems[index]);
}

/* "smbios" arrived with schema tscprobe/1's SMBIOS work; older reports lack it and read as "none". */
static int read_smbios(struct reader *rd, const json_t *root, struct smbios_info *s)
{
	const json_t *object;
	int entry = SMBIOS_ENTRY_NONE;

	if (json_input_member(&rd->in, root, "", "smbios", JSON_OBJECT, false, &object))
		return -1;
	if (!object)
		return 0;
	if (read_fields(rd, object, "smbios", smbios_fields, ARRAY_SIZE(smbios_fields), s) ||
	    read_choice(rd, object, "smbios", "entry", smbios_entry_words, ARRAY_SIZE(smbios_entry_words), false,
			&entry) ||
	    read_array(rd, object, "smbios", "oem_strings", false, SMBIOS_MAX_OEM_STRINGS, read_smbios_text,
		       s->oem_strings, &s->oem_string_count) ||
	    read_array(rd, object, "smbios", "problems", false, SMBIOS_MAX_PROBLEMS, read_smbios_problem, s->problems,
		       &s->problem_count))
		return -1;
	for (unsigned i = 0; i < SMBIOS_STRING_COUNT; i++)
		if (read_scalar(rd, object, "smbios", smbios_string_defs[i].key, FIELD_TEXT, SMBIOS_TEXT_BYTES,
				smbios_string_slot(s, &smbios_string_defs[i])))
			return -1;
	s->entry = (enum smbios_entry_kind)entry;
	return 0;
}

static int read_finding(struct reader *rd, const json_t *item, const char *path, size_t index, void *ctx)
{
	struct reference_report *ref = ctx;
	return read_value(rd, item, path, FIELD_TEXT, sizeof(ref->findings[index]), ref->findings[index]);
}

static int read_reference(struct reader *rd, const json_t *item, const char *path, size_t index, void *ctx)
{
	struct reference_report *ref = &((struct report *)ctx)->references[index];
	int edges = 0;

	if (json_input_check_type(&rd->in, item, path, JSON_OBJECT) ||
	    read_fields(rd, item, path, reference_fields, ARRAY_SIZE(reference_fields), ref) ||
	    read_choice(rd, item, path, "sampling", sampling_words, ARRAY_SIZE(sampling_words), false, &edges) ||
	    read_array(rd, item, path, "findings", false, REPORT_MAX_FINDINGS, read_finding, ref, &ref->finding_count))
		return -1;
	ref->edges = edges;
	return 0;
}

static int read_measurements(struct reader *rd, const json_t *root, struct report *r)
{
	struct field_items cross_checks = {cross_check_fields, ARRAY_SIZE(cross_check_fields), r->cross_checks,
					   sizeof(r->cross_checks[0])};
	const json_t *tsc, *rate_change = NULL;

	if (read_array(rd, root, "", "references", false, REPORT_MAX_REFERENCES, read_reference, r,
		       &r->reference_count) ||
	    read_block(rd, root, "", "tsc", tsc_fields, ARRAY_SIZE(tsc_fields), &r->tsc, &tsc) ||
	    (tsc && read_block(rd, tsc, "tsc", "rate_change", tsc_rate_change_fields,
			       ARRAY_SIZE(tsc_rate_change_fields), &r->tsc.rate_change, &rate_change)) ||
	    read_array(rd, root, "", "cross_checks", false, REPORT_MAX_CROSS_CHECKS, read_field_item, &cross_checks,
		       &r->cross_check_count))
		return -1;
	/* The writer gives a figure only for a valid estimate, null otherwise. */
	r->tsc.valid = tsc && json_input_present(&rd->in, tsc, "measured_hz");
	r->tsc.rate_change.seen = rate_change != NULL;
	return 0;
}

/*
 * The writer words a run before it rounds the figures (core/report_json.c keeps at least three
 * decimals of each): a figure within half a unit of the third decimal of a threshold may have
 * given either word.
 */
#define IDLE_PPM_ROUNDING 0.0005

/* A word as the writer gives it, at both ends of the figures' rounding (loss one way, uncertainty the other). */
static void rounded_words(const char *(*word)(const struct idle_run *run), const struct idle_run *run,
			  const char *out[2])
{
	for (int end = 0; end < 2; end++) {
		double shift = end ? IDLE_PPM_ROUNDING : -IDLE_PPM_ROUNDING;
		struct idle_run r = *run;

		r.tsc_lost_ppm += shift;
		r.lapic_lost_ppm += shift;
		r.uncertainty_ppm -= shift;
		r.lapic_uncertainty_ppm -= shift;
		out[end] = run->done ? word(&r) : "not measured"; /* the writer's word for both clocks of such a run */
	}
}

static void tsc_words(const struct idle_report *idle, const struct idle_run *run, const char *out[2])
{
	(void)idle;
	rounded_words(idle_tsc_word, run, out);
}

static void lapic_words(const struct idle_report *idle, const struct idle_run *run, const char *out[2])
{
	(void)idle;
	rounded_words(idle_lapic_word, run, out);
}

static void run_wake_source(const struct idle_report *idle, const struct idle_run *run, const char *out[2])
{
	out[0] = out[1] = run->kind == IDLE_KIND_BUSY ? IDLE_BUSY_WAKE_SOURCE : idle->wake_source;
}

static void run_phase(const struct idle_report *idle, const struct idle_run *run, const char *out[2])
{
	(void)run;
	out[0] = out[1] = idle->phase;
}

/*
 * A run's members that the writer derives from the rest of the report. As hyperv's decoded members,
 * they are not stored but read to refuse a file where they disagree (an edit would otherwise be lost).
 */
static const struct idle_derived {
	const char *key;
	const char *basis; /* what the writer derives it from, for the message */
	void (*accepted)(const struct idle_report *idle, const struct idle_run *run, const char *out[2]);
} idle_derived[] = {
	{"tsc", "tsc_lost_ppm and uncertainty_ppm", tsc_words},
	{"lapic", "lapic_lost_ppm and uncertainty_ppm", lapic_words},
	{"wake_source", "idle_setup.wake_source and the method", run_wake_source},
	{"phase", "idle_setup.phase", run_phase},
};

static int check_idle_derived(struct reader *rd, const json_t *item, const char *path, const struct idle_report *idle,
			      const struct idle_run *run)
{
	for (const struct idle_derived *d = idle_derived; d < idle_derived + ARRAY_SIZE(idle_derived); d++) {
		const char *accepted[2];
		char member[JSON_INPUT_PATH_BYTES], got[JSON_INPUT_QUOTED_BYTES];
		const json_t *value;

		if (json_input_member(&rd->in, item, path, d->key, JSON_STRING, false, &value))
			return -1;
		if (!value)
			continue;
		d->accepted(idle, run, accepted);
		if (!text_equal(json_string_value(value), accepted[0]) &&
		    !text_equal(json_string_value(value), accepted[1]))
			return json_input_fail(&rd->in, json_input_path(member, path, d->key),
					       "%s disagrees with %s (\"%s\")", json_input_describe(value, got),
					       d->basis, accepted[0]);
	}
	return 0;
}

/*
 * The file gives the LAPIC timer's loss but not its own uncertainty, the TSC's plus two of its ticks
 * (core/idle.c): the TSC's is taken, raised to the loss where the file's word says the timer runs.
 */
static int infer_lapic_uncertainty(struct reader *rd, const json_t *item, const char *path, struct idle_run *run)
{
	const json_t *word;

	if (json_input_member(&rd->in, item, path, "lapic", JSON_STRING, false, &word))
		return -1;
	run->lapic_uncertainty_ppm = run->uncertainty_ppm;
	if (run->lapic_measured && word && text_equal(json_string_value(word), idle_outcome_name(IDLE_RUNS)) &&
	    run->lapic_lost_ppm > run->lapic_uncertainty_ppm)
		run->lapic_uncertainty_ppm = run->lapic_lost_ppm;
	return 0;
}

static int read_idle_run(struct reader *rd, const json_t *item, const char *path, size_t index, void *ctx)
{
	const char *const methods[] = {
		[IDLE_KIND_BUSY] = idle_kind_name(IDLE_KIND_BUSY),
		[IDLE_KIND_HLT] = idle_kind_name(IDLE_KIND_HLT),
		[IDLE_KIND_MWAIT] = idle_kind_name(IDLE_KIND_MWAIT),
	};
	struct idle_report *idle = ctx;
	struct idle_run *run = &idle->runs[index];
	int kind = IDLE_KIND_BUSY;
	char member[JSON_INPUT_PATH_BYTES];
	const json_t *at_once;

	if (!idle->ran)
		return json_input_fail(&rd->in, path, "a run without idle_setup (the probe writes both or neither)");
	if (json_input_check_type(&rd->in, item, path, JSON_OBJECT) ||
	    read_choice(rd, item, path, "method", methods, ARRAY_SIZE(methods), true, &kind) ||
	    read_fields(rd, item, path, idle_run_fields, ARRAY_SIZE(idle_run_fields), run) ||
	    read_together(rd, item, path, idle_figure_fields, ARRAY_SIZE(idle_figure_fields), false, "a run's", run,
			  &run->done) ||
	    read_block(rd, item, path, "returned_at_once", idle_at_once_fields, ARRAY_SIZE(idle_at_once_fields),
		       &run->at_once, &at_once))
		return -1;
	run->kind = (enum idle_kind)kind;
	run->lapic_measured = json_input_present(&rd->in, item, "lapic_lost_ppm") != NULL;
	if (run->done != text_equal(run->status, "ok"))
		return json_input_fail(
			&rd->in, json_input_path(member, path, "status"),
			"\"%s\" with%s figures (a run the probe timed has both figures and \"ok\", any other neither)",
			run->status, run->done ? "" : "out");
	if ((at_once != NULL) != text_equal(run->status, IDLE_STATUS_RETURNED_AT_ONCE) ||
	    (at_once && !run->at_once.returns))
		return json_input_fail(
			&rd->in, json_input_path(member, path, "returned_at_once"),
			"%s with status \"%s\" (a run that returned at once has its returns, at least one, "
			"and that status; any other null)",
			at_once ? "given" : "null", run->status);
	if (infer_lapic_uncertainty(rd, item, path, run))
		return -1;
	return check_idle_derived(rd, item, path, idle, run);
}

static int read_idle(struct reader *rd, const json_t *root, struct idle_report *idle)
{
	const json_t *setup;

	if (read_block(rd, root, "", "idle_setup", idle_setup_fields, ARRAY_SIZE(idle_setup_fields), idle, &setup))
		return -1;
	idle->ran = setup != NULL;
	return read_array(rd, root, "", "idle", false, IDLE_MAX_RUNS, read_idle_run, idle, &idle->run_count);
}

static int read_watch_series(struct reader *rd, const json_t *item, const char *path, size_t index, void *ctx)
{
	struct watch_series *s = &((struct watch_series *)ctx)[index];
	const json_t *rate_change;

	if (json_input_check_type(&rd->in, item, path, JSON_OBJECT) ||
	    read_fields(rd, item, path, watch_series_fields, ARRAY_SIZE(watch_series_fields), s) ||
	    read_block(rd, item, path, "rate_change", rate_change_fields, ARRAY_SIZE(rate_change_fields), s,
		       &rate_change))
		return -1;
	s->rate_changed = rate_change != NULL;
	return 0;
}

/* null (or absent, in reports from before the watch existed) when no watch ran. */
static int read_watch(struct reader *rd, const json_t *root, struct watch_report *watch)
{
	const json_t *object;

	if (read_block(rd, root, "", "watch", watch_fields, ARRAY_SIZE(watch_fields), watch, &object))
		return -1;
	watch->ran = object != NULL;
	return object ? read_array(rd, object, "watch", "series", false, WATCH_MAX_SERIES, read_watch_series,
				   watch->series, &watch->series_count)
		      : 0;
}

/* "true" or "false" for one bit, the number for a wider field. */
#define DECODED_TEXT_BYTES sizeof("4294967295")
static const char *decoded_text(const struct hyperv_field_def *d, uint32_t value, char dst[DECODED_TEXT_BYTES])
{
	if (d->width == 1)
		return value ? "true" : "false";
	snprintf(dst, DECODED_TEXT_BYTES, "%u", value);
	return dst;
}

static int check_decoded(struct reader *rd, const json_t *object, const struct hyperv_info *h)
{
	char path[JSON_INPUT_PATH_BYTES], got_text[DECODED_TEXT_BYTES], want_text[DECODED_TEXT_BYTES], bits[16];

	/* The decoded members say nothing the registers do not, so they are not stored; they are read
	 * only to refuse a file where the two disagree (an edited member would otherwise be lost). */
	for (const struct hyperv_field_def *d = hyperv_field_defs; d < hyperv_field_defs + HYPERV_FIELD_COUNT; d++) {
		const json_t *value = json_input_present(&rd->in, object, d->key);
		uint32_t reg = hyperv_register_value(h, d->reg), want = hyperv_field_value(h, d), number = 0;
		bool flag = false;

		if (!value)
			continue;
		json_input_path(path, "hyperv", d->key);
		if (d->width == 1 ? read_value(rd, value, path, FIELD_BOOL, sizeof(flag), &flag)
				  : read_value(rd, value, path, FIELD_UINT, sizeof(number), &number))
			return -1;
		uint32_t got = d->width == 1 ? flag : number;
		if (got == want)
			continue;
		if (d->width == 1)
			snprintf(bits, sizeof(bits), "bit %u", d->low_bit);
		else
			snprintf(bits, sizeof(bits), "bits %u:%u", (unsigned)(d->low_bit + d->width - 1), d->low_bit);
		return json_input_fail(&rd->in, path, "%s disagrees with hyperv.%s 0x%08x (%s: %s)",
				       decoded_text(d, got, got_text), hyperv_register_name(d->reg), reg, bits,
				       decoded_text(d, want, want_text));
	}
	return 0;
}

static int read_hyperv(struct reader *rd, const json_t *root, struct hyperv_info *h)
{
	const json_t *object;

	if (read_block(rd, root, "", "hyperv", hyperv_fields, ARRAY_SIZE(hyperv_fields), h, &object))
		return -1;
	h->present = object != NULL;
	return object ? check_decoded(rd, object, h) : 0;
}

/* A detail's kind follows its JSON type, as core/report_json.c writes each kind. */
static int read_detail(struct reader *rd, const json_t *value, const char *path, struct claim_detail *d)
{
	switch (json_typeof(value)) {
	case JSON_INTEGER:
		/* The writer gives a signed detail that is not negative as a plain integer: it reads back unsigned. */
		if (json_integer_value(value) < 0) {
			d->kind = DETAIL_INT;
			d->i = json_integer_value(value);
		} else {
			d->kind = DETAIL_UINT;
			d->u = (uint64_t)json_integer_value(value);
		}
		return 0;
	case JSON_TRUE:
	case JSON_FALSE:
		d->kind = DETAIL_BOOL;
		d->u = json_is_true(value);
		return 0;
	case JSON_STRING:
		d->kind = DETAIL_HEX;
		return read_integer(rd, value, path, true, sizeof(d->u), &d->u);
	default:
		return json_input_expected(&rd->in, path, "an integer, a hex string, true or false", value);
	}
}

/* The details object, member by member in the file's order (jansson keeps it). */
static int read_details(struct reader *rd, const json_t *claim_object, const char *claim_path, struct claim *c)
{
	const json_t *details;
	char path[JSON_INPUT_PATH_BYTES], member[JSON_INPUT_PATH_BYTES];
	const char *key;
	json_t *value;

	if (json_input_member(&rd->in, claim_object, claim_path, "details", JSON_OBJECT, false, &details))
		return -1;
	if (!details)
		return 0;
	json_input_path(path, claim_path, "details");
	if (json_object_size(details) > CLAIM_MAX_DETAILS)
		return json_input_fail(&rd->in, path, "%zu members, more than the %d this tool holds",
				       json_object_size(details), CLAIM_MAX_DETAILS);
	/* jansson's iterator takes a non-const object; nothing here changes it. */
	json_object_foreach((json_t *)details, key, value)
	{
		struct claim_detail *d = &c->details[c->detail_count];

		json_input_path(member, path, key);
		if (strlen(key) >= sizeof(d->key))
			return json_input_fail(&rd->in, member,
					       "a name of %zu characters, more than the %zu this tool holds",
					       strlen(key), sizeof(d->key) - 1);
		memcpy(d->key, key, strlen(key) + 1);
		if (read_detail(rd, value, member, d))
			return -1;
		c->detail_count++;
	}
	return 0;
}

static int read_claim(struct reader *rd, const json_t *item, const char *path, size_t index, void *ctx)
{
	const char *const statuses[] = {
		[CLAIM_STATED] = claim_status_name(CLAIM_STATED),
		[CLAIM_EMPTY] = claim_status_name(CLAIM_EMPTY),
	};
	struct claim *c = &((struct claim *)ctx)[index];
	int status = CLAIM_STATED;

	/* where_kind and nature follow from the source's descriptor: written for people, not read back. */
	if (json_input_check_type(&rd->in, item, path, JSON_OBJECT) ||
	    read_fields(rd, item, path, claim_fields, ARRAY_SIZE(claim_fields), c) ||
	    read_choice(rd, item, path, "status", statuses, ARRAY_SIZE(statuses), false, &status))
		return -1;
	c->status = (enum claim_status)status;
	c->kind = claim_source_find(c->source);
	return read_details(rd, item, path, c);
}

static int read_verdict(struct reader *rd, const json_t *item, const char *path, size_t index, void *ctx)
{
	const char *const severities[] = {
		[SEVERITY_FAIL] = severity_name(SEVERITY_FAIL),
		[SEVERITY_WARN] = severity_name(SEVERITY_WARN),
		[SEVERITY_INFO] = severity_name(SEVERITY_INFO),
		[SEVERITY_PASS] = severity_name(SEVERITY_PASS),
	};
	struct verdict *v = &((struct verdict *)ctx)[index];
	int severity = SEVERITY_FAIL;

	/* Present means written, null included; absent means the verdict has none. */
	if (json_input_check_type(&rd->in, item, path, JSON_OBJECT) ||
	    read_fields(rd, item, path, verdict_fields, ARRAY_SIZE(verdict_fields), v) ||
	    read_choice(rd, item, path, "severity", severities, ARRAY_SIZE(severities), true, &severity) ||
	    read_together(rd, item, path, verdict_figure_fields, ARRAY_SIZE(verdict_figure_fields), true, "a verdict's",
			  v, &v->has_figures))
		return -1;
	v->severity = (enum severity)severity;
	return 0;
}

/*
 * The identity as the report states it; a report from before identities were written gets one decided here from
 * what it holds (its CPUID bases and ACPI OEM ID), as the probe would have.
 */
static int read_identity(struct reader *rd, const json_t *root, struct platform *p)
{
	struct field_items evidence = {evidence_fields, ARRAY_SIZE(evidence_fields), p->identity.evidence,
				       sizeof(p->identity.evidence[0])};
	const json_t *object;

	if (read_block(rd, root, "", "platform", identity_fields, ARRAY_SIZE(identity_fields), &p->identity, &object))
		return -1;
	if (!object) {
		identity_decide(p, &p->identity);
		return 0;
	}
	return read_array(rd, object, "platform", "evidence", false, IDENTITY_MAX_EVIDENCE, read_field_item, &evidence,
			  &p->identity.evidence_count);
}

static int read_claims_and_verdicts(struct reader *rd, const json_t *root, struct report *r)
{
	struct field_items faults = {fault_fields, ARRAY_SIZE(fault_fields), r->faults.entries,
				     sizeof(r->faults.entries[0])};

	if (read_hyperv(rd, root, &r->platform.hyperv) ||
	    read_array(rd, root, "", "claims", false, CLAIM_LIST_CAPACITY, read_claim, r->claims.items,
		       &r->claims.count) ||
	    read_array(rd, root, "", "faults", false, FAULT_LOG_CAPACITY, read_field_item, &faults, &r->faults.count) ||
	    read_array(rd, root, "", "verdicts", false, REPORT_MAX_VERDICTS, read_verdict, r->verdicts,
		       &r->verdict_count))
		return -1;
	return 0;
}

/* The N of "tscprobe/N"; false for any other text. */
static bool schema_version(const char *schema, unsigned *version)
{
	static const char prefix[] = "tscprobe/";
	size_t digits = 0;

	if (strncmp(schema, prefix, sizeof(prefix) - 1))
		return false;
	schema += sizeof(prefix) - 1;
	while (isdigit((unsigned char)schema[digits]))
		digits++;
	/* Nine digits cannot overflow an unsigned. */
	if (digits == 0 || digits > 9 || schema[digits] != '\0')
		return false;
	*version = (unsigned)strtoul(schema, NULL, 10);
	return true;
}

static int check_schema(struct reader *rd, const json_t *root)
{
	const json_t *schema = json_object_get(root, "schema");
	/* 0 if REPORT_SCHEMA were malformed: every report would then be refused, as the tests would show. */
	unsigned version, readable = 0;
	char got[JSON_INPUT_QUOTED_BYTES];

	if (!schema)
		return json_input_fail(&rd->in, NULL, "not a tscprobe report (no schema)");
	if (!json_is_string(schema) || !schema_version(json_string_value(schema), &version))
		return json_input_fail(&rd->in, NULL, "not a tscprobe report (schema is %s, not \"tscprobe/N\")",
				       json_input_describe(schema, got));
	schema_version(REPORT_SCHEMA, &readable);
	rd->schema_version = version;
	if (rd->any_schema)
		return 0;
	if (version > readable)
		return json_input_fail(&rd->in, NULL, "schema %s is newer than this tool reads (%s): update tscprobe",
				       json_string_value(schema), REPORT_SCHEMA);
	if (version < readable)
		return json_input_fail(&rd->in, NULL, "schema %s is older than this tool reads (%s)",
				       json_string_value(schema), REPORT_SCHEMA);
	return 0;
}

static int read_report(struct reader *rd, const json_t *root, struct report *out)
{
	const json_t *tool;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(root))
		return json_input_fail(&rd->in, NULL, "not a tscprobe report (the top level is %s, not an object)",
				       json_input_kind_name(json_typeof(root)));
	if (check_schema(rd, root) || json_input_member(&rd->in, root, "", "tool", JSON_OBJECT, true, &tool) ||
	    read_fields(rd, tool, "tool", tool_fields, ARRAY_SIZE(tool_fields), out) ||
	    read_cpu(rd, root, &out->platform.cpu) ||
	    read_array(rd, root, "", "hypervisors", true, HV_MAX_BASES, read_base, &out->platform.hv,
		       &out->platform.hv.count) ||
	    read_fields(rd, root, "", report_fields, ARRAY_SIZE(report_fields), out) ||
	    read_acpi(rd, root, &out->platform.acpi) || read_smbios(rd, root, &out->platform.smbios) ||
	    read_identity(rd, root, &out->platform) || read_measurements(rd, root, out) ||
	    read_idle(rd, root, &out->idle) || read_watch(rd, root, &out->watch) ||
	    read_claims_and_verdicts(rd, root, out))
		return -1;
	return 0;
}

int report_read_json(const json_t *root, struct report *out, char *error, size_t error_size)
{
	struct reader rd = {{NULL, error, error_size, true}, false, 0};
	return read_report(&rd, root, out);
}

/* Parse and read; a text beyond REPORT_MAX_BYTES is refused before jansson builds a tree of it. */
static int read_text(struct reader *rd, const char *text, size_t length, struct report *out)
{
	json_t *root;
	int status;

	if (length > REPORT_MAX_BYTES)
		return json_input_fail(&rd->in, NULL, "%zu bytes, more than the %u MiB a report may hold", length,
				       REPORT_MAX_BYTES / MIB);
	if (!(root = json_input_parse(&rd->in, text, length)))
		return -1;
	status = read_report(rd, root, out);
	json_decref(root);
	return status;
}

int report_read_string(const char *text, size_t length, struct report *out, char *error, size_t error_size)
{
	struct reader rd = {{NULL, error, error_size, true}, false, 0};
	return read_text(&rd, text, length, out);
}

int report_read_any_schema(const char *text, size_t length, const char *source, struct report *out,
			   unsigned *schema_version, char *error, size_t error_size)
{
	struct reader rd = {{source, error, error_size, true}, true, 0};
	int status = read_text(&rd, text, length, out);
	*schema_version = rd.schema_version;
	return status;
}

int report_read_file(const char *path, struct report *out, char *error, size_t error_size)
{
	struct reader rd = {{path, error, error_size, true}, false, 0};
	size_t length;
	char *text;

	if (host_input_read(path, REPORT_MAX_BYTES, &text, &length, error, error_size))
		return -1;
	int status = read_text(&rd, text, length, out);
	free(text);
	return status;
}
