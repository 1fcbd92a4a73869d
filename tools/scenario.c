/* Scenario files: a hypervisor's CPUID, clocks and quirks as data, read with jansson. */
#include "scenario.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuid.h"
#include "hypervisor.h"

#define DEFAULT_MAX_BASIC_LEAF 0xdu
#define DEFAULT_MAX_EXTENDED_LEAF 0x80000008u

struct loader {
	struct sim_config *config;
	char *error;
	size_t error_size;
};

static bool fail(struct loader *l, const char *format, ...) __attribute__((format(printf, 2, 3)));
static bool fail(struct loader *l, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	vsnprintf(l->error, l->error_size, format, args);
	va_end(args);
	return false;
}

/* A number as a JSON integer or a "0x..." / decimal string, for registers and frequencies. */
static bool read_u64(struct loader *l, const json_t *value, const char *where, uint64_t max, uint64_t *out)
{
	if (json_is_integer(value) && json_integer_value(value) >= 0) {
		*out = (uint64_t)json_integer_value(value);
	} else if (json_is_string(value)) {
		const char *text = json_string_value(value);
		char *end;
		errno = 0;
		*out = strtoull(text, &end, 0);
		if (!*text || *end || errno || text[0] == '-')
			return fail(l, "%s: \"%s\" is not a number", where, text);
	} else {
		return fail(l, "%s: expected a number or a hex string like \"0x40000001\"", where);
	}
	if (*out > max)
		return fail(l, "%s: %llu is out of range (max %llu)", where, (unsigned long long)*out,
			    (unsigned long long)max);
	return true;
}

static bool read_u32(struct loader *l, const json_t *value, const char *where, uint32_t *out)
{
	uint64_t v;
	if (!read_u64(l, value, where, UINT32_MAX, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

/* An optional member: absent keeps *out. */
static bool member_u32(struct loader *l, const json_t *object, const char *key, const char *where, uint32_t *out)
{
	const json_t *value = json_object_get(object, key);
	char path[160];
	if (!value)
		return true;
	snprintf(path, sizeof(path), "%s.%s", where, key);
	return read_u32(l, value, path, out);
}

static struct cpuid_regs *entry_regs(struct loader *l, uint32_t leaf, uint32_t subleaf)
{
	static const struct cpuid_regs zero;
	for (uint32_t i = 0; i < l->config->cpuid_count; i++)
		if (l->config->cpuid[i].leaf == leaf && l->config->cpuid[i].subleaf == subleaf)
			return &l->config->cpuid[i].regs;
	if (!sim_config_set_cpuid(l->config, leaf, subleaf, &zero))
		return NULL;
	return &l->config->cpuid[l->config->cpuid_count - 1].regs;
}

static uint32_t *register_slot(struct cpuid_regs *r, enum cpuid_register reg)
{
	switch (reg) {
	case CPUID_EAX:
		return &r->eax;
	case CPUID_EBX:
		return &r->ebx;
	case CPUID_ECX:
		return &r->ecx;
	default:
		return &r->edx;
	}
}

static uint32_t text_word(const char *text, size_t len, size_t offset)
{
	uint32_t w = 0;
	for (size_t i = 0; i < 4; i++)
		if (offset + i < len)
			w |= (uint32_t)(uint8_t)text[offset + i] << (8 * i);
	return w;
}

static bool load_features(struct loader *l, const json_t *features)
{
	size_t i;
	const json_t *name;

	if (!json_is_array(features))
		return fail(l, "cpu.features: expected an array of feature names");
	json_array_foreach (features, i, name) {
		int f = 0;
		for (; f < CPU_FEATURE_COUNT; f++)
			if (json_is_string(name) && !strcmp(json_string_value(name), cpu_feature_defs[f].name))
				break;
		if (f == CPU_FEATURE_COUNT)
			return fail(l, "cpu.features[%zu]: unknown feature (known: tsc, rdtscp, tsc_deadline, hypervisor, "
				       "monitor_mwait, arat, tsc_adjust, invariant_tsc)",
				    i);
		const struct cpu_feature_def *def = &cpu_feature_defs[f];
		struct cpuid_regs *r = entry_regs(l, def->leaf, def->subleaf);
		if (!r)
			return fail(l, "cpu.features: CPUID table full");
		*register_slot(r, def->reg) |= 1u << def->bit;
	}
	return true;
}

/* The "cpu" block: vendor, brand, ranges and features, so a scenario need not list raw leaves. */
static bool load_cpu(struct loader *l, const json_t *cpu)
{
	uint32_t max_basic = DEFAULT_MAX_BASIC_LEAF, max_extended = DEFAULT_MAX_EXTENDED_LEAF;
	const char *vendor = "GenuineIntel";
	const json_t *value;
	struct cpuid_regs *r;

	if (!cpu)
		cpu = json_object();
	if (!json_is_object(cpu))
		return fail(l, "cpu: expected an object");
	if ((value = json_object_get(cpu, "vendor"))) {
		if (!json_is_string(value) || strlen(json_string_value(value)) != 12)
			return fail(l, "cpu.vendor: expected a 12-character string like \"GenuineIntel\"");
		vendor = json_string_value(value);
	}
	if ((value = json_object_get(cpu, "out_of_range"))) {
		const char *semantics = json_is_string(value) ? json_string_value(value) : "";
		if (!strcmp(semantics, "amd"))
			l->config->out_of_range = SIM_OUT_OF_RANGE_AMD;
		else if (strcmp(semantics, "intel"))
			return fail(l, "cpu.out_of_range: expected \"intel\" or \"amd\"");
	}
	if (!member_u32(l, cpu, "max_basic_leaf", "cpu", &max_basic) ||
	    !member_u32(l, cpu, "max_extended_leaf", "cpu", &max_extended))
		return false;

	if (!(r = entry_regs(l, 0, 0)))
		return fail(l, "cpu: CPUID table full");
	*r = (struct cpuid_regs){max_basic, text_word(vendor, 12, 0), text_word(vendor, 12, 8), text_word(vendor, 12, 4)};
	if (!(r = entry_regs(l, 0x80000000u, 0)))
		return fail(l, "cpu: CPUID table full");
	r->eax = max_extended;

	if ((value = json_object_get(cpu, "brand"))) {
		if (!json_is_string(value) || strlen(json_string_value(value)) > 47)
			return fail(l, "cpu.brand: expected a string of at most 47 characters");
		const char *brand = json_string_value(value);
		size_t len = strlen(brand);
		for (uint32_t k = 0; k < 3; k++) {
			if (!(r = entry_regs(l, 0x80000002u + k, 0)))
				return fail(l, "cpu: CPUID table full");
			*r = (struct cpuid_regs){text_word(brand, len, 16 * k), text_word(brand, len, 16 * k + 4),
						 text_word(brand, len, 16 * k + 8), text_word(brand, len, 16 * k + 12)};
		}
	}
	if ((value = json_object_get(cpu, "signature"))) {
		if (!(r = entry_regs(l, 1, 0)))
			return fail(l, "cpu: CPUID table full");
		if (!read_u32(l, value, "cpu.signature", &r->eax))
			return false;
	}
	return (value = json_object_get(cpu, "features")) ? load_features(l, value) : true;
}

/* One raw CPUID entry: {"leaf", "subleaf"?, "eax"?, "ebx"?, "ecx"?, "edx"?}; absent registers are 0. */
static bool load_raw_leaf(struct loader *l, const json_t *item, const char *where)
{
	uint32_t leaf = 0, subleaf = 0;
	struct cpuid_regs regs = {0};
	const json_t *leaf_value = json_object_get(item, "leaf");
	char path[160];

	if (!json_is_object(item) || !leaf_value)
		return fail(l, "%s: expected an object with \"leaf\"", where);
	snprintf(path, sizeof(path), "%s.leaf", where);
	if (!read_u32(l, leaf_value, path, &leaf) || !member_u32(l, item, "subleaf", where, &subleaf) ||
	    !member_u32(l, item, "eax", where, &regs.eax) || !member_u32(l, item, "ebx", where, &regs.ebx) ||
	    !member_u32(l, item, "ecx", where, &regs.ecx) || !member_u32(l, item, "edx", where, &regs.edx))
		return false;
	if (!sim_config_set_cpuid(l->config, leaf, subleaf, &regs))
		return fail(l, "%s: CPUID table full (%d entries)", where, SIM_MAX_CPUID);
	return true;
}

static bool load_raw_leaves(struct loader *l, const json_t *list, const char *where)
{
	size_t i;
	const json_t *item;
	char path[128];

	if (!json_is_array(list))
		return fail(l, "%s: expected an array of leaves", where);
	json_array_foreach (list, i, item) {
		snprintf(path, sizeof(path), "%s[%zu]", where, i);
		if (!load_raw_leaf(l, item, path))
			return false;
	}
	return true;
}

/* {"base", "signature", "max_leaf", "leaves"?}: the base leaf from the first three, the rest raw. */
static bool load_hypervisor(struct loader *l, const json_t *hv, const char *where)
{
	uint32_t base = 0, max_leaf = 0;
	uint8_t signature[HV_SIGNATURE_BYTES];
	const json_t *sig = json_object_get(hv, "signature"), *leaves;
	char path[96];

	if (!json_is_object(hv))
		return fail(l, "%s: expected an object", where);
	snprintf(path, sizeof(path), "%s.base", where);
	if (!read_u32(l, json_object_get(hv, "base"), path, &base))
		return false;
	snprintf(path, sizeof(path), "%s.max_leaf", where);
	if (!read_u32(l, json_object_get(hv, "max_leaf"), path, &max_leaf))
		return false;
	if (!json_is_string(sig) || !hv_signature_parse(json_string_value(sig), signature))
		return fail(l, "%s.signature: expected 12 characters, NUL written \\0 (e.g. \"KVMKVMKVM\\0\\0\\0\")", where);
	struct cpuid_regs regs = {max_leaf, 0, 0, 0};
	for (int i = 0; i < 4; i++) {
		regs.ebx |= (uint32_t)signature[i] << (8 * i);
		regs.ecx |= (uint32_t)signature[4 + i] << (8 * i);
		regs.edx |= (uint32_t)signature[8 + i] << (8 * i);
	}
	if (!sim_config_set_cpuid(l->config, base, 0, &regs))
		return fail(l, "%s: CPUID table full", where);
	snprintf(path, sizeof(path), "%s.leaves", where);
	return (leaves = json_object_get(hv, "leaves")) ? load_raw_leaves(l, leaves, path) : true;
}

static bool load_root(struct loader *l, const json_t *root)
{
	const json_t *value;
	size_t i;

	if (!json_is_object(root))
		return fail(l, "not a scenario: the top level is not a JSON object");
	value = json_object_get(root, "schema");
	if (!json_is_string(value) || strcmp(json_string_value(value), SCENARIO_SCHEMA))
		return fail(l, "schema: expected \"%s\"", SCENARIO_SCHEMA);
	if ((value = json_object_get(root, "name")) && json_is_string(value))
		snprintf(l->config->name, sizeof(l->config->name), "%s", json_string_value(value));
	if ((value = json_object_get(root, "tsc_hz")) &&
	    !read_u64(l, value, "tsc_hz", 100000000000ull, &l->config->tsc_hz))
		return false;
	if (l->config->tsc_hz == 0)
		return fail(l, "tsc_hz: must be positive");
	if (!load_cpu(l, json_object_get(root, "cpu")))
		return false;
	if ((value = json_object_get(root, "hypervisors"))) {
		const json_t *hv;
		char where[48];
		if (!json_is_array(value))
			return fail(l, "hypervisors: expected an array");
		json_array_foreach (value, i, hv) {
			snprintf(where, sizeof(where), "hypervisors[%zu]", i);
			if (!load_hypervisor(l, hv, where))
				return false;
		}
	}
	/* Raw leaves come last so that they override what the blocks above generated. */
	return (value = json_object_get(root, "cpuid")) ? load_raw_leaves(l, value, "cpuid") : true;
}

static bool load(json_t *root, const json_error_t *parse_error, struct sim_config *out, char *error,
		 size_t error_size)
{
	struct loader l = {out, error, error_size};
	bool ok;

	sim_config_defaults(out);
	if (!root)
		return fail(&l, "line %d, column %d: %s", parse_error->line, parse_error->column, parse_error->text);
	ok = load_root(&l, root);
	json_decref(root);
	return ok;
}

bool scenario_load_file(const char *path, struct sim_config *out, char *error, size_t error_size)
{
	json_error_t parse_error;
	return load(json_load_file(path, 0, &parse_error), &parse_error, out, error, error_size);
}

bool scenario_load_string(const char *json, struct sim_config *out, char *error, size_t error_size)
{
	json_error_t parse_error;
	return load(json_loads(json, 0, &parse_error), &parse_error, out, error, error_size);
}
