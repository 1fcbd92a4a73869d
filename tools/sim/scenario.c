/* Scenario files: a hypervisor's CPUID, clocks and quirks as data, read with jansson. */
#include "scenario.h"
#include "hpet.h"
#include "vmware.h"
#include "units.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuid.h"
#include "host_input.h"
#include "hypervisor.h"
#include "json_input.h"

#define DEFAULT_MAX_BASIC_LEAF 0xdu
#define DEFAULT_MAX_EXTENDED_LEAF 0x80000008u

/*
 * The true TSC rate. BOOTX64.EFI needs an x86-64 CPU, and the slowest of those ran at 615 MHz (AMD's
 * embedded G-T16R); 100 MHz leaves room for a hypervisor that scales a guest's TSC down. The TSC counts at the
 * nominal rate, not the turbo one, and the fastest nominal rates are near 5 GHz: 10 GHz is twice that.
 */
#define MIN_TSC_HZ 100000000ull
#define MAX_TSC_HZ 10000000000ull
/* A rate a hypervisor claims may be a lie, which is what the probe looks for: only above 100 GHz a typo. */
#define MAX_CLAIMED_TSC_HZ 100000000000ull
/*
 * The LAPIC timer's input: a crystal (19.2 MHz on Goldmont, 24 or 25 MHz on Skylake) or the bus clock,
 * 100 MHz to 1 GHz under hypervisors (Xen, KVM). 1 MHz is about a twentieth of the slowest; above 10 GHz a typo.
 */
#define MIN_APIC_BUS_HZ 1000000ull
#define MAX_APIC_BUS_HZ 10000000000ull
/* Names compared for a typo: the format's longest is 20 characters (advertised_period_fs). */
#define MEMBER_NAME_MAX 32

struct loader {
	struct sim_config *config;
	struct json_input in;  /* errors; a null member is a mistake here, not an absent one */
	const char *acpi_root; /* the folder holding the ACPI fixtures, tests/data/acpi */
};

/* The loader's functions return true on success, json_input's 0. */
static bool ok(int status)
{
	return status == 0;
}

/* The message names its own path: "cpu.vendor: ...". */
static bool fail(struct loader *l, const char *format, ...) __attribute__((format(printf, 2, 3)));
static bool fail(struct loader *l, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	json_input_vfail(&l->in, NULL, format, args);
	va_end(args);
	return false;
}

/* A member that must be given. */
static bool require(struct loader *l, const json_t *object, const char *key, const char *where)
{
	char path[JSON_INPUT_PATH_BYTES];

	return json_object_get(object, key) || ok(json_input_missing(&l->in, json_input_path(path, where, key)));
}

/* A number as a JSON integer or a "0x..." / decimal string, for registers and frequencies, from min to max. */
static bool read_u64(struct loader *l, const json_t *value, const char *where, uint64_t min, uint64_t max,
		     uint64_t *out)
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
		return ok(json_input_expected(&l->in, where, "a number or a hex string like \"0x40000001\"", value));
	}
	if (*out > max)
		return fail(l, "%s: %llu is out of range (max %llu)", where, (unsigned long long)*out,
			    (unsigned long long)max);
	if (*out < min)
		return fail(l, "%s: %llu is below the minimum %llu", where, (unsigned long long)*out,
			    (unsigned long long)min);
	return true;
}

static bool read_u32(struct loader *l, const json_t *value, const char *where, uint32_t *out)
{
	uint64_t v;
	if (!read_u64(l, value, where, 0, UINT32_MAX, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool member_u64(struct loader *l, const json_t *object, const char *key, const char *where, uint64_t min,
		       uint64_t max, uint64_t *out)
{
	const json_t *value = json_object_get(object, key);
	char path[160];
	uint64_t v;
	if (!value)
		return true;
	snprintf(path, sizeof(path), "%s.%s", where, key);
	if (!read_u64(l, value, path, min, max, &v))
		return false;
	*out = v;
	return true;
}

/* A required member: a register, an address or a count, up to max. */
static bool required_u64(struct loader *l, const json_t *object, const char *key, const char *where, uint64_t max,
			 uint64_t *out)
{
	char path[JSON_INPUT_PATH_BYTES];

	return require(l, object, key, where) &&
	       read_u64(l, json_object_get(object, key), json_input_path(path, where, key), 0, max, out);
}

/* An unsigned field of any width, through member_u64: MEMBER_UINT(l, object, "key", where, min, max, c->field). */
static bool member_uint(struct loader *l, const json_t *object, const char *key, const char *where, uint64_t min,
			uint64_t max, void *field, size_t size)
{
	uint64_t value = 0;
	if (!json_object_get(object, key))
		return true;
	if (!member_u64(l, object, key, where, min, max, &value))
		return false;
	json_input_store_uint(field, size, value);
	return true;
}
#define MEMBER_UINT(l, object, key, where, min, max, field) \
	member_uint((l), (object), (key), (where), (min), (max), &(field), sizeof(field))

/* A typo's distance from a name: edits, a swap of two neighbours counting as one ("clokcs"). */
static size_t edit_distance(const char *a, const char *b)
{
	size_t d[MEMBER_NAME_MAX + 1][MEMBER_NAME_MAX + 1];
	size_t n = strlen(a), m = strlen(b);

	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t k = 0; k <= m; k++)
		d[0][k] = k;
	for (size_t i = 1; i <= n; i++) {
		for (size_t k = 1; k <= m; k++) {
			size_t best = d[i - 1][k - 1] + (a[i - 1] != b[k - 1]);
			best = d[i - 1][k] + 1 < best ? d[i - 1][k] + 1 : best;
			best = d[i][k - 1] + 1 < best ? d[i][k - 1] + 1 : best;
			if (i > 1 && k > 1 && a[i - 1] == b[k - 2] && a[i - 2] == b[k - 1] &&
			    d[i - 2][k - 2] + 1 < best)
				best = d[i - 2][k - 2] + 1;
			d[i][k] = best;
		}
	}
	return d[n][m];
}

/* The known name key is a typo of: the nearest, within a third of its length ("leafs", "vendr"), else NULL. */
static const char *nearest_member(const char *key, const char *const known[])
{
	const char *nearest = NULL;
	size_t nearest_distance = SIZE_MAX;

	if (strlen(key) > MEMBER_NAME_MAX)
		return NULL;
	for (unsigned i = 0; known[i]; i++) {
		if (strlen(known[i]) > MEMBER_NAME_MAX)
			continue;
		size_t distance = edit_distance(key, known[i]);
		if (3 * distance <= strlen(known[i]) && distance < nearest_distance) {
			nearest = known[i];
			nearest_distance = distance;
		}
	}
	return nearest;
}

/* An object whose every member is one of known (NULL-terminated): a typo is an error, never a silent default. */
static bool check_members(struct loader *l, const json_t *object, const char *where, const char *const known[])
{
	const char *key;
	const json_t *value;

	if (json_input_check_type(&l->in, object, where, JSON_OBJECT))
		return false;
	json_object_foreach((json_t *)object, key, value)
	{
		unsigned i = 0;
		while (known[i] && strcmp(known[i], key))
			i++;
		if (known[i])
			continue;
		const char *nearest = nearest_member(key, known);
		if (nearest)
			return fail(l, "%s%s%s: unknown member (did you mean \"%s\"?)", where, *where ? "." : "", key,
				    nearest);
		return fail(l, "%s%s%s: unknown member", where, *where ? "." : "", key);
	}
	return true;
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
		return ok(json_input_expected(&l->in, "cpu.features", "an array of feature names", features));
	json_array_foreach(features, i, name)
	{
		int f = 0;
		for (; f < CPU_FEATURE_COUNT; f++)
			if (json_is_string(name) && !strcmp(json_string_value(name), cpu_feature_defs[f].name))
				break;
		if (f == CPU_FEATURE_COUNT)
			return fail(l,
				    "cpu.features[%zu]: unknown feature (known: tsc, rdtscp, tsc_deadline, hypervisor, "
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
	static const char *const members[] = {
		"vendor",       "brand",    "signature", "max_basic_leaf", "max_extended_leaf",
		"out_of_range", "features", NULL};
	uint32_t max_basic = DEFAULT_MAX_BASIC_LEAF, max_extended = DEFAULT_MAX_EXTENDED_LEAF;
	const char *vendor = "GenuineIntel";
	const json_t *value;
	struct cpuid_regs *r;

	/* An absent block reads as an empty one: json_object_get(NULL, key) is NULL. */
	if (cpu && !check_members(l, cpu, "cpu", members))
		return false;
	if ((value = json_object_get(cpu, "vendor"))) {
		if (!json_is_string(value) || strlen(json_string_value(value)) != 12)
			return ok(json_input_expected(&l->in, "cpu.vendor",
						      "a 12-character string like \"GenuineIntel\"", value));
		vendor = json_string_value(value);
	}
	if ((value = json_object_get(cpu, "out_of_range"))) {
		const char *semantics = json_is_string(value) ? json_string_value(value) : "";
		if (!strcmp(semantics, "amd"))
			l->config->out_of_range = SIM_OUT_OF_RANGE_AMD;
		else if (strcmp(semantics, "intel"))
			return fail(l, "cpu.out_of_range: expected \"intel\" or \"amd\"");
	}
	if (!MEMBER_UINT(l, cpu, "max_basic_leaf", "cpu", 0, UINT32_MAX, max_basic) ||
	    !MEMBER_UINT(l, cpu, "max_extended_leaf", "cpu", 0, UINT32_MAX, max_extended))
		return false;

	if (!(r = entry_regs(l, 0, 0)))
		return fail(l, "cpu: CPUID table full");
	*r = (struct cpuid_regs){max_basic, text_word(vendor, 12, 0), text_word(vendor, 12, 8),
				 text_word(vendor, 12, 4)};
	if (!(r = entry_regs(l, 0x80000000u, 0)))
		return fail(l, "cpu: CPUID table full");
	r->eax = max_extended;

	if ((value = json_object_get(cpu, "brand"))) {
		if (!json_is_string(value) || strlen(json_string_value(value)) > 47)
			return ok(json_input_expected(&l->in, "cpu.brand", "a string of at most 47 characters", value));
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
	static const char *const members[] = {"leaf", "subleaf", "eax", "ebx", "ecx", "edx", NULL};
	uint64_t leaf = 0;
	uint32_t subleaf = 0;
	struct cpuid_regs regs = {0};

	if (!check_members(l, item, where, members) || !required_u64(l, item, "leaf", where, UINT32_MAX, &leaf) ||
	    !MEMBER_UINT(l, item, "subleaf", where, 0, UINT32_MAX, subleaf) ||
	    !MEMBER_UINT(l, item, "eax", where, 0, UINT32_MAX, regs.eax) ||
	    !MEMBER_UINT(l, item, "ebx", where, 0, UINT32_MAX, regs.ebx) ||
	    !MEMBER_UINT(l, item, "ecx", where, 0, UINT32_MAX, regs.ecx) ||
	    !MEMBER_UINT(l, item, "edx", where, 0, UINT32_MAX, regs.edx))
		return false;
	if (!sim_config_set_cpuid(l->config, (uint32_t)leaf, subleaf, &regs))
		return fail(l, "%s: CPUID table full (%d entries)", where, SIM_MAX_CPUID);
	return true;
}

static bool load_raw_leaves(struct loader *l, const json_t *list, const char *where)
{
	size_t i;
	const json_t *item;
	char path[128];

	if (!json_is_array(list))
		return ok(json_input_expected(&l->in, where, "an array of leaves", list));
	json_array_foreach(list, i, item)
	{
		snprintf(path, sizeof(path), "%s[%zu]", where, i);
		if (!load_raw_leaf(l, item, path))
			return false;
	}
	return true;
}

/*
 * {"base", "signature", "max_leaf", "leaves"?}: the base leaf from the first three, the rest raw. A base is
 * where a guest looks for one: 0x40000000 + n * 0x100 (core/hypervisor.h), anything else is never found.
 */
static bool load_hypervisor(struct loader *l, const json_t *hv, const char *where)
{
	static const char *const members[] = {"base", "signature", "max_leaf", "leaves", NULL};
	uint64_t base = 0, max_leaf = 0;
	uint8_t signature[HV_SIGNATURE_BYTES];
	const json_t *sig = json_object_get(hv, "signature"), *leaves;
	char path[96];

	if (!check_members(l, hv, where, members) || !required_u64(l, hv, "base", where, UINT32_MAX, &base) ||
	    !required_u64(l, hv, "max_leaf", where, UINT32_MAX, &max_leaf))
		return false;
	if (base < HV_BASE_FIRST || base > HV_BASE_LAST || base % HV_BASE_STEP)
		return fail(l, "%s.base: 0x%llx is not a hypervisor base (0x%x + n * 0x%x, up to 0x%x)", where,
			    (unsigned long long)base, HV_BASE_FIRST, HV_BASE_STEP, HV_BASE_LAST);
	for (uint32_t i = 0; i < l->config->cpuid_count; i++)
		if (l->config->cpuid[i].leaf == base && l->config->cpuid[i].subleaf == 0)
			return fail(l, "%s.base: 0x%llx is given twice: one base leaf answers for one hypervisor",
				    where, (unsigned long long)base);
	if (!json_is_string(sig) || !hv_signature_parse(json_string_value(sig), signature))
		return fail(l, "%s.signature: expected 12 characters, NUL written \\0 (e.g. \"KVMKVMKVM\\0\\0\\0\")",
			    where);
	struct cpuid_regs regs = {(uint32_t)max_leaf, 0, 0, 0};
	for (int i = 0; i < 4; i++) {
		regs.ebx |= (uint32_t)signature[i] << (8 * i);
		regs.ecx |= (uint32_t)signature[4 + i] << (8 * i);
		regs.edx |= (uint32_t)signature[8 + i] << (8 * i);
	}
	if (!sim_config_set_cpuid(l->config, (uint32_t)base, 0, &regs))
		return fail(l, "%s: CPUID table full", where);
	snprintf(path, sizeof(path), "%s.leaves", where);
	return (leaves = json_object_get(hv, "leaves")) ? load_raw_leaves(l, leaves, path) : true;
}

/* ---- clocks ---------------------------------------------------------------------------------------- */

/* A clock may be off by -50 % to +100 %: VirtualBox guests have been seen running 25 % slow (reference E). */
#define MIN_RATE_PPM (-500000.0)
#define MAX_RATE_PPM 1000000.0
/*
 * What one access takes: at least 10 ns, some 30 cycles at 3 GHz, below the fastest uncached register read
 * (the local APIC's, tens of ns on bare metal; a VM exit takes a microsecond or more). An access that takes
 * no time would leave the bracket around every read, and with it the uncertainty, at zero.
 * Costs up to 1 s per access and delays up to 10 s (a long-descheduled vCPU) are simulated; more is a typo.
 */
#define MIN_COST_US 0.01
#define MAX_COST_US 1e6
#define MAX_JITTER_US 1e7
#define MAX_FAULT_AT_S 1e6
/*
 * IA-PC HPET 1.0a §2.3.4: COUNTER_CLK_PERIOD is non-zero and at most 10^8 fs; a block has 3 to 32 timers.
 * The fastest HPET known is QEMU's 100 MHz (10^7 fs), chipsets run 14.318 or 24 MHz: a counter at more
 * than 1 GHz (10^6 fs) is a typo.
 */
#define HPET_MIN_PERIOD_FS 1000000u
#define HPET_MIN_TIMERS 3
#define HPET_MAX_TIMERS 32
/* The host clock domain of the RTC: QEMU's -rtc clock=host under -icount, where the guest's virtual time
 * runs slower than the host's. The default rate is illustrative, a scenario states its own. */
#define RTC_HOST_DOMAIN_DEFAULT_PPM 2000.0
/* CMOS RAM past the 14 clock registers: where a century byte can live. */
#define CMOS_FIRST_RAM_INDEX 0x0E
#define CMOS_LAST_INDEX 0x7F
#define RTC_MIN_YEAR 1970
#define RTC_MAX_YEAR 2199
#define LAPIC_MAX_DIVIDE 128
/* The PM timer sits 8 bytes into the PM I/O block (PM1a event, PM1a control, timer), which the FADT also names. */
#define PM_TIMER_MIN_PORT 0x08
#define LAPIC_DEFAULT_TICK_VECTOR 0x20 /* OVMF's timer vector, as read under QEMU q35 */

static bool member_number(struct loader *l, const json_t *object, const char *key, const char *where, double min,
			  double max, double *out)
{
	const json_t *value = json_object_get(object, key);
	char path[JSON_INPUT_PATH_BYTES];
	if (!value)
		return true;
	if (!json_is_number(value))
		return ok(json_input_expected(&l->in, json_input_path(path, where, key), "a number", value));
	double v = json_number_value(value);
	if (!(v >= min && v <= max))
		return fail(l, "%s.%s: %g is out of range [%g, %g]", where, key, v, min, max);
	*out = v;
	return true;
}

/* A number in a unit (us, s) from min to max, stored as picoseconds. */
static bool member_ps(struct loader *l, const json_t *object, const char *key, const char *where, double min,
		      double max, double ps_per_unit, uint64_t *out_ps)
{
	double v = (double)*out_ps / ps_per_unit;
	if (!member_number(l, object, key, where, min, max, &v))
		return false;
	*out_ps = (uint64_t)llround(v * ps_per_unit);
	return true;
}

static bool member_bool(struct loader *l, const json_t *object, const char *key, const char *where, bool *out)
{
	const json_t *value = json_object_get(object, key);
	char path[JSON_INPUT_PATH_BYTES];
	if (!value)
		return true;
	if (!json_is_boolean(value))
		return ok(json_input_expected(&l->in, json_input_path(path, where, key), "true or false", value));
	*out = json_is_true(value);
	return true;
}

/* One of a NULL-terminated list of names; *out is its index. */
static bool choose(struct loader *l, const json_t *value, const char *path, const char *const names[], unsigned *out)
{
	size_t count = 0;
	while (names[count])
		count++;
	return ok(json_input_choose(&l->in, value, path, names, count, out));
}

static bool member_choice(struct loader *l, const json_t *object, const char *key, const char *where,
			  const char *const names[], unsigned *out)
{
	const json_t *value = json_object_get(object, key);
	char path[160];
	snprintf(path, sizeof(path), "%s.%s", where, key);
	return !value || choose(l, value, path, names, out);
}

/* "read_cost_us" and "jitter": {"probability", "max_us"}, shared by every device. */
static bool load_access(struct loader *l, const json_t *device, const char *where, struct sim_access_cost *a)
{
	static const char *const jitter_members[] = {"probability", "max_us", NULL};
	const json_t *jitter = json_object_get(device, "jitter");
	char path[96];

	if (!member_ps(l, device, "read_cost_us", where, MIN_COST_US, MAX_COST_US, PS_PER_US, &a->cost_ps))
		return false;
	if (!jitter)
		return true;
	snprintf(path, sizeof(path), "%s.jitter", where);
	double probability = a->jitter_per_million / 1e6;
	if (!check_members(l, jitter, path, jitter_members) ||
	    !member_number(l, jitter, "probability", path, 0, 1, &probability) ||
	    !member_ps(l, jitter, "max_us", path, 0, MAX_JITTER_US, PS_PER_US, &a->jitter_max_ps))
		return false;
	a->jitter_per_million = (uint32_t)llround(probability * 1e6);
	return true;
}

static bool member_rate(struct loader *l, const json_t *device, const char *where, double *rate_ppm)
{
	return member_number(l, device, "rate_ppm", where, MIN_RATE_PPM, MAX_RATE_PPM, rate_ppm);
}

static bool load_pm_timer(struct loader *l, const json_t *device, const char *where)
{
	static const char *const members[] = {
		"port", "bits", "rate_ppm", "read_cost_us", "jitter", "fault", "fault_at_s", "backwards_ticks", NULL};
	static const char *const faults[] = {"none", "stuck", "backwards", NULL};
	struct sim_pm_timer_config *c = &l->config->clocks.pm_timer;
	unsigned fault = c->fault;

	if (!check_members(l, device, where, members) ||
	    !MEMBER_UINT(l, device, "port", where, PM_TIMER_MIN_PORT, 0xFFFC, c->port) ||
	    !MEMBER_UINT(l, device, "bits", where, 24, 32, c->bits) || !member_rate(l, device, where, &c->rate_ppm) ||
	    !load_access(l, device, where, &c->access) || !member_choice(l, device, "fault", where, faults, &fault))
		return false;
	if (c->bits != 24 && c->bits != 32)
		return fail(l, "%s.bits: expected 24 or 32", where);
	c->fault = (enum sim_pm_timer_fault)fault;
	if (!member_ps(l, device, "fault_at_s", where, 0, MAX_FAULT_AT_S, PS_PER_S, &c->fault_at_ps) ||
	    !MEMBER_UINT(l, device, "backwards_ticks", where, 1, 0xFFFFFF, c->backwards_ticks))
		return false;
	/* A step back at power-on would only offset the counter: nothing would ever be seen going backwards. */
	if (c->fault == SIM_PM_TIMER_BACKWARDS && c->fault_at_ps == 0)
		return fail(l, "%s.fault_at_s: \"backwards\" needs the time of the step, above 0", where);
	return true;
}

static bool load_hpet(struct loader *l, const json_t *device, const char *where)
{
	static const char *const members[] = {"base",
					      "period_fs",
					      "advertised_period_fs",
					      "counter_bits",
					      "timers",
					      "legacy_replacement",
					      "vendor",
					      "enabled",
					      "rate_ppm",
					      "read_cost_us",
					      "jitter",
					      "fault",
					      NULL};
	static const char *const faults[] = {"none", "all_ones", "stuck", NULL};
	struct sim_hpet_config *c = &l->config->clocks.hpet;
	unsigned fault = c->fault;

	if (!check_members(l, device, where, members) ||
	    !MEMBER_UINT(l, device, "base", where, 1, UINT64_MAX, c->base) ||
	    !MEMBER_UINT(l, device, "period_fs", where, HPET_MIN_PERIOD_FS, HPET_MAX_PERIOD_FS, c->period_fs))
		return false;
	c->advertised_period_fs = c->period_fs;
	if (!MEMBER_UINT(l, device, "advertised_period_fs", where, 0, UINT32_MAX, c->advertised_period_fs) ||
	    !MEMBER_UINT(l, device, "counter_bits", where, 32, 64, c->counter_bits) ||
	    !MEMBER_UINT(l, device, "timers", where, HPET_MIN_TIMERS, HPET_MAX_TIMERS, c->timers) ||
	    !member_bool(l, device, "legacy_replacement", where, &c->legacy_replacement) ||
	    !MEMBER_UINT(l, device, "vendor", where, 0, UINT16_MAX, c->vendor) ||
	    !member_bool(l, device, "enabled", where, &c->enabled) || !member_rate(l, device, where, &c->rate_ppm) ||
	    !load_access(l, device, where, &c->access) || !member_choice(l, device, "fault", where, faults, &fault))
		return false;
	if (c->counter_bits != 32 && c->counter_bits != 64)
		return fail(l, "%s.counter_bits: expected 32 or 64", where);
	c->fault = (enum sim_hpet_fault)fault;
	return true;
}

static bool is_leap_year(unsigned year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* "YYYY-MM-DD HH:MM:SS" (or with a 'T'), a real date between RTC_MIN_YEAR and RTC_MAX_YEAR. */
static bool member_date_time(struct loader *l, const json_t *device, const char *key, const char *where,
			     struct calendar_time *out)
{
	static const unsigned days_in_month[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	const json_t *value = json_object_get(device, key);
	unsigned year, month, day, hour, minute, second;
	char separator, end, path[JSON_INPUT_PATH_BYTES];

	if (!value)
		return true;
	if (!json_is_string(value) ||
	    sscanf(json_string_value(value), "%4u-%2u-%2u%c%2u:%2u:%2u%c", &year, &month, &day, &separator, &hour,
		   &minute, &second, &end) != 7 ||
	    (separator != ' ' && separator != 'T'))
		return ok(json_input_expected(&l->in, json_input_path(path, where, key),
					      "a date and time like \"2026-11-21 12:00:00\"", value));
	if (year < RTC_MIN_YEAR || year > RTC_MAX_YEAR || month < 1 || month > 12 || day < 1 ||
	    day > days_in_month[month - 1] + (month == 2 && is_leap_year(year)) || hour > 23 || minute > 59 ||
	    second > 59)
		return fail(l, "%s.%s: not a date and time between %d and %d", where, key, RTC_MIN_YEAR, RTC_MAX_YEAR);
	*out = (struct calendar_time){
		(uint16_t)year, (uint8_t)month, (uint8_t)day, (uint8_t)hour, (uint8_t)minute, (uint8_t)second, 0};
	return true;
}

static bool load_rtc(struct loader *l, const json_t *device, const char *where)
{
	static const char *const members[] = {"domain",        "rate_ppm",     "start",  "binary", "hour_12",
					      "century_index", "read_cost_us", "jitter", "fault",  NULL};
	static const char *const domains[] = {"guest", "host", NULL};
	static const char *const faults[] = {"none", "uip_stuck", "frozen", NULL};
	struct sim_rtc_config *c = &l->config->clocks.rtc;
	unsigned domain = 0, fault = c->fault;

	if (!check_members(l, device, where, members) || !member_choice(l, device, "domain", where, domains, &domain))
		return false;
	c->rate_ppm = domain ? RTC_HOST_DOMAIN_DEFAULT_PPM : 0;
	if (!member_rate(l, device, where, &c->rate_ppm) || !member_date_time(l, device, "start", where, &c->start) ||
	    !member_bool(l, device, "binary", where, &c->binary) ||
	    !member_bool(l, device, "hour_12", where, &c->hour_12) ||
	    !MEMBER_UINT(l, device, "century_index", where, 0, CMOS_LAST_INDEX, c->century_index) ||
	    !load_access(l, device, where, &c->access) || !member_choice(l, device, "fault", where, faults, &fault))
		return false;
	if (c->century_index && c->century_index < CMOS_FIRST_RAM_INDEX)
		return fail(l, "%s.century_index: 0x%02x is a clock register (use 0, or 0x0e to 0x7f)", where,
			    c->century_index);
	c->fault = (enum sim_rtc_fault)fault;
	return true;
}

static bool load_pit(struct loader *l, const json_t *device, const char *where)
{
	static const char *const members[] = {"rate_ppm", "read_cost_us", "jitter", "port61", NULL};
	struct sim_pit_config *c = &l->config->clocks.pit;

	return check_members(l, device, where, members) && member_rate(l, device, where, &c->rate_ppm) &&
	       load_access(l, device, where, &c->access) && MEMBER_UINT(l, device, "port61", where, 0, 0x0F, c->port61);
}

static bool load_firmware_tick(struct loader *l, const json_t *tick, const char *where, struct sim_lapic_tick *t)
{
	static const char *const members[] = {"mode", "initial_count", "divide", "vector", "masked", NULL};
	static const char *const modes[] = {"one_shot", "periodic", NULL};
	unsigned mode = 1;

	*t = (struct sim_lapic_tick){.present = true, .mode = 1, .divide = 1, .vector = LAPIC_DEFAULT_TICK_VECTOR};
	if (!check_members(l, tick, where, members) || !member_choice(l, tick, "mode", where, modes, &mode) ||
	    !MEMBER_UINT(l, tick, "initial_count", where, 1, UINT32_MAX, t->initial_count) ||
	    !MEMBER_UINT(l, tick, "divide", where, 1, LAPIC_MAX_DIVIDE, t->divide) ||
	    !MEMBER_UINT(l, tick, "vector", where, 0, 0xFF, t->vector) ||
	    !member_bool(l, tick, "masked", where, &t->masked))
		return false;
	if (!require(l, tick, "initial_count", where))
		return false;
	if (t->divide & (t->divide - 1))
		return fail(l, "%s.divide: expected 1, 2, 4, 8, 16, 32, 64 or 128", where);
	t->mode = (uint8_t)mode;
	return true;
}

static bool load_lapic(struct loader *l, const json_t *device, const char *where)
{
	static const char *const members[] = {"base",   "bus_hz",        "rate_ppm", "read_cost_us",
					      "jitter", "firmware_tick", NULL};
	struct sim_lapic_config *c = &l->config->clocks.lapic;
	const json_t *tick = json_object_get(device, "firmware_tick");
	char path[96];

	if (!check_members(l, device, where, members) ||
	    !MEMBER_UINT(l, device, "base", where, 1, UINT32_MAX, c->base) ||
	    !MEMBER_UINT(l, device, "bus_hz", where, MIN_APIC_BUS_HZ, MAX_APIC_BUS_HZ, c->bus_hz) ||
	    !member_rate(l, device, where, &c->rate_ppm) || !load_access(l, device, where, &c->access))
		return false;
	if (c->base % 4096)
		return fail(l, "%s.base: must be 4 KiB aligned", where);
	snprintf(path, sizeof(path), "%s.firmware_tick", where);
	c->firmware_tick.present = false;
	return !tick || json_is_null(tick) || load_firmware_tick(l, tick, path, &c->firmware_tick);
}

/* true, false, or {"cost_us"}. */
static bool load_uefi_time(struct loader *l, const json_t *value, const char *where)
{
	static const char *const members[] = {"cost_us", NULL};
	struct sim_uefi_time_config *c = &l->config->clocks.uefi_time;

	if (json_is_boolean(value)) {
		c->present = json_is_true(value);
		return true;
	}
	return check_members(l, value, where, members) &&
	       member_ps(l, value, "cost_us", where, MIN_COST_US, MAX_COST_US, PS_PER_US, &c->cost_ps);
}

/* One member of "clocks" per device: absent keeps the default, null removes the device. */
static const struct device_loader {
	const char *key;
	size_t present_offset;
	bool (*load)(struct loader *l, const json_t *device, const char *where);
} DEVICE_LOADERS[] = {
	{"pm_timer", offsetof(struct sim_config, clocks.pm_timer.present), load_pm_timer},
	{"hpet", offsetof(struct sim_config, clocks.hpet.present), load_hpet},
	{"rtc", offsetof(struct sim_config, clocks.rtc.present), load_rtc},
	{"pit", offsetof(struct sim_config, clocks.pit.present), load_pit},
	{"lapic", offsetof(struct sim_config, clocks.lapic.present), load_lapic},
	{"uefi_time", offsetof(struct sim_config, clocks.uefi_time.present), load_uefi_time},
};
#define DEVICE_LOADER_COUNT (sizeof(DEVICE_LOADERS) / sizeof(DEVICE_LOADERS[0]))

static bool load_clocks(struct loader *l, const json_t *clocks)
{
	static const char *const members[] = {"pm_timer", "hpet", "rtc", "pit", "lapic", "uefi_time", NULL};
	char where[48];

	if (!check_members(l, clocks, "clocks", members))
		return false;
	for (size_t i = 0; i < DEVICE_LOADER_COUNT; i++) {
		const struct device_loader *d = &DEVICE_LOADERS[i];
		const json_t *device = json_object_get(clocks, d->key);
		bool *present = (bool *)((char *)l->config + d->present_offset);
		snprintf(where, sizeof(where), "clocks.%s", d->key);
		if (!device)
			continue;
		*present = !json_is_null(device);
		if (*present && !d->load(l, device, where))
			return false;
	}
	return true;
}

/* ---- ACPI ------------------------------------------------------------------------------------------- */

/* "acpi": the name of a fixture folder under the ACPI fixture root; "synthesize" (the default) builds tables. */
static bool load_acpi_source(struct loader *l, const json_t *value)
{
	char dir[512], why[256];
	const char *name = json_is_string(value) ? json_string_value(value) : "";

	if (!*name || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != strlen(name))
		return fail(l, "acpi: expected \"synthesize\" or a fixture name like \"q35\"");
	if (!strcmp(name, "synthesize"))
		return true;
	snprintf(dir, sizeof(dir), "%s/%s", l->acpi_root, name);
	if (!sim_acpi_load_fixture(l->config, dir, why, sizeof(why)))
		return fail(l, "acpi: %s", why);
	snprintf(l->config->acpi.fixture.name, sizeof(l->config->acpi.fixture.name), "%s", name);
	return true;
}

static bool load_acpi_faults(struct loader *l, const json_t *list)
{
	static const char *const names[] = {"fadt_bad_checksum", "no_fadt", "zero_pm_port", "no_rsdp", NULL};
	const json_t *item;
	size_t i;
	char where[48];

	if (!json_is_array(list))
		return ok(json_input_expected(&l->in, "acpi_faults", "an array of fault names", list));
	json_array_foreach(list, i, item)
	{
		unsigned fault;
		snprintf(where, sizeof(where), "acpi_faults[%zu]", i);
		if (!choose(l, item, where, names, &fault))
			return false;
		l->config->acpi.faults |= 1u << fault;
	}
	return true;
}

static bool load_acpi_oem_id(struct loader *l, const json_t *value)
{
	if (!json_is_string(value) || strlen(json_string_value(value)) > 6)
		return ok(json_input_expected(&l->in, "acpi_oem_id", "at most 6 characters, like \"VRTUAL\"", value));
	snprintf(l->config->acpi.oem_id, sizeof(l->config->acpi.oem_id), "%-6s", json_string_value(value));
	return true;
}

/* ---- SMBIOS ------------------------------------------------------------------------------------------- */

/* A string the probe can decode as it is: printable ASCII that fits its field. */
static bool read_smbios_text(struct loader *l, const json_t *value, const char *path, char dst[SMBIOS_TEXT_BYTES])
{
	const char *text = json_string_value(value);
	size_t length = text ? strlen(text) : 0;
	bool printable = text != NULL;
	for (size_t i = 0; i < length; i++)
		printable &= text[i] >= ' ' && text[i] <= '~';
	if (!printable || length >= SMBIOS_TEXT_BYTES)
		return ok(json_input_expected(&l->in, path, "printable ASCII, at most 63 characters", value));
	memcpy(dst, text, length + 1);
	return true;
}

/* "smbios": {"entry": "32"|"64"|"both", the report's string names, "oem_strings": [...]}. */
static bool load_smbios(struct loader *l, const json_t *smbios)
{
	static const char *const entries[] = {"32", "64", "both", NULL};
	static const enum sim_smbios_entries entry_kinds[] = {SIM_SMBIOS_32, SIM_SMBIOS_64, SIM_SMBIOS_BOTH};
	const char *members[SMBIOS_STRING_COUNT + 3] = {"entry", "oem_strings"};
	struct sim_smbios_config *c = &l->config->smbios;
	const json_t *value, *oem = json_object_get(smbios, "oem_strings");
	char path[JSON_INPUT_PATH_BYTES];
	unsigned entry = 0;
	size_t i;

	for (i = 0; i < SMBIOS_STRING_COUNT; i++)
		members[2 + i] = smbios_string_defs[i].key;
	if (!check_members(l, smbios, "smbios", members))
		return false;
	if (!json_object_get(smbios, "entry"))
		return ok(json_input_missing(&l->in, "smbios.entry"));
	if (!member_choice(l, smbios, "entry", "smbios", entries, &entry))
		return false;
	c->entries = entry_kinds[entry];
	c->strings = (struct smbios_info){0};
	for (i = 0; i < SMBIOS_STRING_COUNT; i++)
		if ((value = json_object_get(smbios, smbios_string_defs[i].key)) &&
		    !read_smbios_text(l, value, json_input_path(path, "smbios", smbios_string_defs[i].key),
				      smbios_string_slot(&c->strings, &smbios_string_defs[i])))
			return false;
	if (!oem)
		return true;
	if (json_input_check_type(&l->in, oem, "smbios.oem_strings", JSON_ARRAY))
		return false;
	if (json_array_size(oem) > SMBIOS_MAX_OEM_STRINGS)
		return fail(l, "smbios.oem_strings: more than the %d strings the probe reads", SMBIOS_MAX_OEM_STRINGS);
	json_array_foreach(oem, i, value)
	{
		if (!read_smbios_text(l, value, json_input_element_path(path, "smbios.oem_strings", i),
				      c->strings.oem_strings[i]) ||
		    (!c->strings.oem_strings[i][0] && !fail(l, "%s: an OEM string is never empty", path)))
			return false;
		c->strings.oem_string_count++;
	}
	return true;
}

/* ---- MSRs and paravirtual interfaces ------------------------------------------------------------------ */

/* A claimed TSC rate above 20 MHz: below any TSC since the Pentium's 60 MHz, and the reference TSC page's
 * TscScale = 10^7 * 2^64 / rate needs the rate above 10 MHz to fit 64 bits. */
#define MIN_CLAIMED_TSC_HZ 20000000ull

static bool msr_listed(const struct sim_msr_config *c, uint32_t msr)
{
	for (uint32_t i = 0; i < c->count; i++)
		if (c->entries[i].msr == msr)
			return true;
	return false;
}

/* [{"msr", "value", "writable"?}]: plain MSRs, each listed once. */
static bool load_msrs(struct loader *l, const json_t *list, const char *where)
{
	static const char *const members[] = {"msr", "value", "writable", NULL};
	struct sim_msr_config *c = &l->config->msrs;
	const json_t *item;
	size_t i;
	char path[48];

	if (!json_is_array(list))
		return ok(json_input_expected(&l->in, where, "an array of {\"msr\", \"value\"}", list));
	json_array_foreach(list, i, item)
	{
		struct sim_msr_entry e = {0};
		uint64_t msr;
		snprintf(path, sizeof(path), "%s[%zu]", where, i);
		if (!check_members(l, item, path, members) || !required_u64(l, item, "msr", path, UINT32_MAX, &msr) ||
		    !required_u64(l, item, "value", path, UINT64_MAX, &e.value) ||
		    !member_bool(l, item, "writable", path, &e.writable))
			return false;
		/* NOLINTNEXTLINE(clang-analyzer-core.uninitialized.Assign): as above, fail() returns false */
		e.msr = (uint32_t)msr;
		if (msr_listed(c, e.msr))
			return fail(l, "%s.msr: 0x%x is listed twice", path, e.msr);
		if (c->count == SIM_MAX_MSRS)
			return fail(l, "%s: at most %d MSRs", path, SIM_MAX_MSRS);
		c->entries[c->count++] = e;
	}
	return true;
}

/* ["0x40000023", ...]: MSRs that raise #GP, whatever else would answer them. */
static bool load_msr_faults(struct loader *l, const json_t *list, const char *where)
{
	struct sim_msr_config *c = &l->config->msrs;
	const json_t *item;
	size_t i;
	char path[48];

	if (!json_is_array(list))
		return ok(json_input_expected(&l->in, where, "an array of MSR numbers", list));
	json_array_foreach(list, i, item)
	{
		uint32_t msr;
		snprintf(path, sizeof(path), "%s[%zu]", where, i);
		if (!read_u32(l, item, path, &msr))
			return false;
		if (msr_listed(c, msr))
			return fail(l, "%s: 0x%x also has a value in msrs", path, msr);
		if (c->fault_count == SIM_MAX_MSRS)
			return fail(l, "%s: at most %d MSRs", path, SIM_MAX_MSRS);
		c->faults[c->fault_count++] = msr;
	}
	return true;
}

static bool load_kvmclock(struct loader *l, const json_t *kvmclock, const char *where)
{
	static const char *const members[] = {"claimed_tsc_hz", "msrs", "stable", "fault", NULL};
	static const char *const pair_names[] = {"new", "old", "both", NULL};
	static const uint32_t pair_bits[] = {SIM_KVMCLOCK_NEW, SIM_KVMCLOCK_OLD, SIM_KVMCLOCK_NEW | SIM_KVMCLOCK_OLD};
	static const char *const faults[] = {"none", "version_stuck_odd", "never_filled", NULL};
	struct sim_kvmclock_config *c = &l->config->kvmclock;
	unsigned pair = 0, fault = c->fault;

	if (!check_members(l, kvmclock, where, members) ||
	    !MEMBER_UINT(l, kvmclock, "claimed_tsc_hz", where, MIN_CLAIMED_TSC_HZ, MAX_CLAIMED_TSC_HZ,
			 c->claimed_tsc_hz) ||
	    !member_choice(l, kvmclock, "msrs", where, pair_names, &pair) ||
	    !member_bool(l, kvmclock, "stable", where, &c->stable) ||
	    !member_choice(l, kvmclock, "fault", where, faults, &fault))
		return false;
	c->present = true;
	if (json_object_get(kvmclock, "msrs"))
		c->pairs = pair_bits[pair];
	c->fault = (enum sim_kvmclock_fault)fault;
	return true;
}

/* true, false, or an object of settings that means true. */
static bool switch_or_settings(struct loader *l, const json_t *value, const char *path, const char *const members[],
			       bool *on)
{
	*on = !json_is_false(value);
	return json_is_boolean(value) || check_members(l, value, path, members);
}

static bool load_hyperv(struct loader *l, const json_t *hv, const char *where)
{
	static const char *const members[] = {"tsc_frequency_hz", "apic_frequency_hz", "reference_counter",
					      "reference_tsc_page", NULL};
	static const char *const counter_members[] = {"rate_ppm", NULL};
	static const char *const page_members[] = {"claimed_tsc_hz", "sequence", NULL};
	struct sim_hyperv_config *c = &l->config->hyperv;
	const json_t *counter = json_object_get(hv, "reference_counter");
	const json_t *page = json_object_get(hv, "reference_tsc_page");
	char path[96];

	if (!check_members(l, hv, where, members) ||
	    !MEMBER_UINT(l, hv, "tsc_frequency_hz", where, 1, MAX_CLAIMED_TSC_HZ, c->tsc_frequency_hz) ||
	    !MEMBER_UINT(l, hv, "apic_frequency_hz", where, 1, MAX_APIC_BUS_HZ, c->apic_frequency_hz))
		return false;
	snprintf(path, sizeof(path), "%s.reference_counter", where);
	if (counter && (!switch_or_settings(l, counter, path, counter_members, &c->reference_counter) ||
			!member_rate(l, counter, path, &c->reference_counter_rate_ppm)))
		return false;
	snprintf(path, sizeof(path), "%s.reference_tsc_page", where);
	return !page || (switch_or_settings(l, page, path, page_members, &c->reference_tsc_page) &&
			 MEMBER_UINT(l, page, "claimed_tsc_hz", path, MIN_CLAIMED_TSC_HZ, MAX_CLAIMED_TSC_HZ,
				     c->tsc_page_claimed_hz) &&
			 MEMBER_UINT(l, page, "sequence", path, 0, UINT32_MAX, c->tsc_page_sequence));
}

static bool load_vmware_backdoor(struct loader *l, const json_t *backdoor, const char *where)
{
	static const char *const members[] = {"tsc_hz", "apic_hz", "version", "product_type", NULL};
	struct sim_vmware_backdoor_config *c = &l->config->vmware_backdoor;

	c->present = true;
	return check_members(l, backdoor, where, members) &&
	       MEMBER_UINT(l, backdoor, "tsc_hz", where, 1, MAX_CLAIMED_TSC_HZ, c->tsc_hz) &&
	       MEMBER_UINT(l, backdoor, "apic_hz", where, 1, UINT32_MAX, c->apic_hz) &&
	       MEMBER_UINT(l, backdoor, "version", where, 1, UINT32_MAX, c->version) &&
	       MEMBER_UINT(l, backdoor, "product_type", where, 0, VMWARE_PRODUCT_TYPE_COUNT - 1, c->product_type);
}

/* Top-level members, in this order (msr_faults checks against msrs); absent or null leaves the interface out. */
static const struct paravirt_loader {
	const char *key;
	bool (*load)(struct loader *l, const json_t *value, const char *where);
} PARAVIRT_LOADERS[] = {
	{"msrs", load_msrs},     {"msr_faults", load_msr_faults},           {"kvmclock", load_kvmclock},
	{"hyperv", load_hyperv}, {"vmware_backdoor", load_vmware_backdoor},
};
#define PARAVIRT_LOADER_COUNT (sizeof(PARAVIRT_LOADERS) / sizeof(PARAVIRT_LOADERS[0]))

/* ---- idle states ------------------------------------------------------------------------------------- */

/*
 * A platform interrupt at most every 10 s, a wake at most 1 s late: anything slower is a typo. At least every
 * 10 us (100 kHz): Linux's fastest tick is 1 kHz, OVMF's 100 Hz, and delivering an interrupt to a guest (an
 * exit, the injection, an entry) takes microseconds by itself.
 */
#define MIN_WAKE_INTERVAL_US 10.0
#define MAX_WAKE_INTERVAL_US 1e7
#define MAX_WAKE_LATENCY_US 1e6

/* "runs", "stops" or {"rate": R}: how fast a clock runs while the CPU sleeps in a state, R from 0 to 1. */
static bool load_idle_rate(struct loader *l, const json_t *state, const char *key, const char *where, double *rate)
{
	static const char *const members[] = {"rate", NULL};
	const json_t *value = json_object_get(state, key);
	const char *name = json_is_string(value) ? json_string_value(value) : "";
	char path[160];

	*rate = value && !strcmp(name, "stops") ? SIM_IDLE_STOPS : SIM_IDLE_RUNS;
	if (!value || !strcmp(name, "runs") || !strcmp(name, "stops"))
		return true;
	snprintf(path, sizeof(path), "%s.%s", where, key);
	if (!json_is_object(value))
		return fail(l, "%s: expected \"runs\", \"stops\" or {\"rate\": R} with R from 0 to 1", path);
	return require(l, value, "rate", path) && check_members(l, value, path, members) &&
	       member_number(l, value, "rate", path, 0, 1, rate);
}

/* {"method", "hint" (MWAIT only, required there), "tsc"?, "lapic"?}; a state listed twice is an error. */
static bool load_idle_state(struct loader *l, const json_t *item, const char *where)
{
	static const char *const members[] = {"method", "hint", "tsc", "lapic", NULL};
	static const char *const methods[] = {[IDLE_HLT] = "hlt", [IDLE_MWAIT] = "mwait", NULL};
	struct sim_idle_config *c = &l->config->idle;
	struct sim_idle_state state = {0};
	unsigned method = 0;
	bool has_hint = json_object_get(item, "hint") != NULL;

	if (!check_members(l, item, where, members))
		return false;
	if (!require(l, item, "method", where) || !member_choice(l, item, "method", where, methods, &method))
		return false;
	state.method = (enum idle_method)method;
	if (state.method == IDLE_HLT && has_hint)
		return fail(l, "%s.hint: only MWAIT takes a hint", where);
	if (state.method == IDLE_MWAIT && !has_hint)
		return fail(l, "%s.hint: required for MWAIT (EAX, e.g. \"0x10\")", where);
	if (!MEMBER_UINT(l, item, "hint", where, 0, UINT32_MAX, state.hint) ||
	    !load_idle_rate(l, item, "tsc", where, &state.tsc_rate) ||
	    !load_idle_rate(l, item, "lapic", where, &state.lapic_rate))
		return false;
	for (uint32_t i = 0; i < c->state_count; i++)
		if (c->states[i].method == state.method && c->states[i].hint == state.hint)
			return fail(l, "%s: the same state as idle.states[%u]", where, i);
	if (c->state_count == SIM_MAX_IDLE_STATES)
		return fail(l, "%s: at most %d states", where, SIM_MAX_IDLE_STATES);
	c->states[c->state_count++] = state;
	return true;
}

/* {"wake_interval_us"?, "wake_latency_us"?, "states"?, "mwait"?, "hlt"?}. */
static bool load_idle(struct loader *l, const json_t *idle)
{
	static const char *const members[] = {"wake_interval_us", "wake_latency_us", "states", "mwait", "hlt", NULL};
	enum { MWAIT_OFFERED, MWAIT_FAULTS, MWAIT_RETURNS_AT_ONCE };
	static const char *const mwait_choices[] = {[MWAIT_OFFERED] = "offered",
						    [MWAIT_FAULTS] = "faults",
						    [MWAIT_RETURNS_AT_ONCE] = "returns_at_once",
						    NULL};
	enum { HLT_SLEEPS, HLT_RETURNS_AT_ONCE };
	static const char *const hlt_choices[] = {
		[HLT_SLEEPS] = "sleeps", [HLT_RETURNS_AT_ONCE] = "returns_at_once", NULL};
	struct sim_idle_config *c = &l->config->idle;
	const json_t *states = json_object_get(idle, "states"), *item;
	unsigned mwait = MWAIT_OFFERED, hlt = HLT_SLEEPS;
	char where[48];
	size_t i;

	if (!check_members(l, idle, "idle", members) ||
	    !member_ps(l, idle, "wake_interval_us", "idle", MIN_WAKE_INTERVAL_US, MAX_WAKE_INTERVAL_US, PS_PER_US,
		       &c->wake_interval_ps) ||
	    !member_ps(l, idle, "wake_latency_us", "idle", 0, MAX_WAKE_LATENCY_US, PS_PER_US, &c->wake_latency_ps) ||
	    !member_choice(l, idle, "mwait", "idle", mwait_choices, &mwait) ||
	    !member_choice(l, idle, "hlt", "idle", hlt_choices, &hlt))
		return false;
	c->mwait_faults = mwait == MWAIT_FAULTS;
	c->mwait_returns_at_once = mwait == MWAIT_RETURNS_AT_ONCE;
	c->hlt_returns_at_once = hlt == HLT_RETURNS_AT_ONCE;
	if (!states)
		return true;
	if (!json_is_array(states))
		return ok(json_input_expected(&l->in, "idle.states", "an array of states", states));
	json_array_foreach(states, i, item)
	{
		snprintf(where, sizeof(where), "idle.states[%zu]", i);
		if (!load_idle_state(l, item, where))
			return false;
	}
	return true;
}

/* ---- events ------------------------------------------------------------------------------------------ */

/* Every event within a million seconds of power-on, as faults are; a stop window of at least a nanosecond. */
#define MAX_EVENT_AT_S MAX_FAULT_AT_S

static const char *const CLOCK_NAMES[] = {
	[SIM_CLOCK_TSC] = "tsc",
	[SIM_CLOCK_PM_TIMER] = "pm_timer",
	[SIM_CLOCK_HPET] = "hpet",
	[SIM_CLOCK_RTC] = "rtc",
	[SIM_CLOCK_PIT] = "pit",
	[SIM_CLOCK_LAPIC] = "lapic",
	[SIM_CLOCK_HV_REFERENCE_COUNTER] = "hv_reference_counter",
	NULL,
};

/* The TSC always; the RTC's calendar always runs (GetTime), even without its ports; the others when present. */
static bool clock_present(const struct sim_config *c, enum sim_clock_id id)
{
	switch (id) {
	case SIM_CLOCK_PM_TIMER:
		return c->clocks.pm_timer.present;
	case SIM_CLOCK_HPET:
		return c->clocks.hpet.present;
	case SIM_CLOCK_PIT:
		return c->clocks.pit.present;
	case SIM_CLOCK_LAPIC:
		return c->clocks.lapic.present;
	case SIM_CLOCK_HV_REFERENCE_COUNTER:
		return c->hyperv.reference_counter;
	default:
		return true;
	}
}

/* Each member of the event's kind (required[0] names it) is there, and none of the other kind's. */
static bool event_members(struct loader *l, const json_t *item, const char *where, const char *const required[],
			  const char *const refused[])
{
	for (unsigned i = 0; required[i]; i++)
		if (!require(l, item, required[i], where))
			return false;
	for (unsigned i = 0; refused[i]; i++)
		if (json_object_get(item, refused[i]))
			return fail(l, "%s.%s: not with \"%s\"", where, refused[i], required[0]);
	return true;
}

/* The largest TSC step a scenario may make: an hour at 10^11 Hz, far beyond any real one. */
#define MAX_STEP_TICKS 360000000000000.0

/*
 * {"at_s", "clock", "rate_ppm"}: a rate change; {"at_s", "clock": "tsc", "step_ticks"}: a TSC step;
 * {"clock", "stops_every_s", "for_s", "from_s"?}: idle stops.
 */
static bool load_event(struct loader *l, const json_t *item, const char *where, struct sim_event *e)
{
	static const char *const members[] = {"at_s",          "clock", "rate_ppm", "step_ticks",
					      "stops_every_s", "for_s", "from_s",   NULL};
	static const char *const rate_members[] = {"rate_ppm", "at_s", NULL};
	static const char *const step_members[] = {"step_ticks", "at_s", NULL};
	static const char *const not_rate[] = {"step_ticks", "stops_every_s", "for_s", "from_s", NULL};
	static const char *const not_step[] = {"rate_ppm", "stops_every_s", "for_s", "from_s", NULL};
	static const char *const stops_members[] = {"stops_every_s", "for_s", NULL};
	static const char *const not_stops[] = {"rate_ppm", "step_ticks", "at_s", NULL};
	unsigned clock = 0;

	*e = (struct sim_event){0};
	if (!check_members(l, item, where, members))
		return false;
	if (!require(l, item, "clock", where) || !member_choice(l, item, "clock", where, CLOCK_NAMES, &clock))
		return false;
	e->clock = (enum sim_clock_id)clock;
	if (!clock_present(l->config, e->clock))
		return fail(l, "%s.clock: the scenario has no %s", where, CLOCK_NAMES[clock]);
	if (json_object_get(item, "step_ticks")) {
		double step = 0;
		e->kind = SIM_EVENT_STEP;
		if (!event_members(l, item, where, step_members, not_step) ||
		    !member_ps(l, item, "at_s", where, 0, MAX_EVENT_AT_S, PS_PER_S, &e->at_ps) ||
		    !member_number(l, item, "step_ticks", where, -MAX_STEP_TICKS, MAX_STEP_TICKS, &step))
			return false;
		if (e->clock != SIM_CLOCK_TSC)
			return fail(l, "%s.clock: only the tsc steps (a counter's own \"fault\" makes it step back)",
				    where);
		if (step == 0 || step != (double)(int64_t)step)
			return fail(l, "%s.step_ticks: expected a whole number of ticks other than 0", where);
		e->step_ticks = (int64_t)step;
		return true;
	}
	if (!json_object_get(item, "stops_every_s")) {
		e->kind = SIM_EVENT_RATE;
		return event_members(l, item, where, rate_members, not_rate) &&
		       member_ps(l, item, "at_s", where, 0, MAX_EVENT_AT_S, PS_PER_S, &e->at_ps) &&
		       member_rate(l, item, where, &e->rate_ppm);
	}
	e->kind = SIM_EVENT_IDLE_STOPS;
	if (!event_members(l, item, where, stops_members, not_stops) ||
	    !member_ps(l, item, "stops_every_s", where, 0, MAX_EVENT_AT_S, PS_PER_S, &e->stops_every_ps) ||
	    !member_ps(l, item, "for_s", where, 0, MAX_EVENT_AT_S, PS_PER_S, &e->stops_for_ps) ||
	    !member_ps(l, item, "from_s", where, 0, MAX_EVENT_AT_S, PS_PER_S, &e->at_ps))
		return false;
	if (e->clock != SIM_CLOCK_TSC && e->clock != SIM_CLOCK_LAPIC)
		return fail(l, "%s.clock: only the tsc and the lapic stop in idle", where);
	if (e->stops_for_ps < PS_PER_NS || e->stops_for_ps > e->stops_every_ps)
		return fail(l, "%s.for_s: expected at least 1e-9 and at most stops_every_s", where);
	return true;
}

/* No earlier event for the same clock at the same moment, nor an earlier idle-stop pattern: either contradicts. */
static bool event_consistent(struct loader *l, const struct sim_event *e, const char *where)
{
	for (uint32_t i = 0; i < l->config->event_count; i++) {
		const struct sim_event *other = &l->config->events[i];
		if (other->clock != e->clock || other->kind != e->kind)
			continue;
		if (e->kind == SIM_EVENT_IDLE_STOPS)
			return fail(l, "%s: %s already stops in idle (events[%u])", where, CLOCK_NAMES[e->clock], i);
		if (other->at_ps == e->at_ps)
			return fail(l, "%s: %s already %s then (events[%u])", where, CLOCK_NAMES[e->clock],
				    e->kind == SIM_EVENT_STEP ? "steps" : "changes rate", i);
	}
	return true;
}

/* [event, ...]: at most SIM_MAX_EVENTS, in any order. */
static bool load_events(struct loader *l, const json_t *list)
{
	const json_t *item;
	char where[48];
	size_t i;

	if (!json_is_array(list))
		return ok(json_input_expected(&l->in, "events", "an array of events", list));
	json_array_foreach(list, i, item)
	{
		struct sim_event e;
		snprintf(where, sizeof(where), "events[%zu]", i);
		if (l->config->event_count == SIM_MAX_EVENTS)
			return fail(l, "%s: at most %d events", where, SIM_MAX_EVENTS);
		if (!load_event(l, item, where, &e) || !event_consistent(l, &e, where))
			return false;
		l->config->events[l->config->event_count++] = e;
	}
	return true;
}

/* ---- the scenario ----------------------------------------------------------------------------------- */

static bool load_root(struct loader *l, const json_t *root)
{
	static const char *const members[] = {
		"schema",          "name", "source",      "tsc_hz",      "seed", "cpu",        "hypervisors", "cpuid",
		"clocks",          "acpi", "acpi_faults", "acpi_oem_id", "msrs", "msr_faults", "kvmclock",    "hyperv",
		"vmware_backdoor", "idle", "events",      "smbios",      NULL};
	const json_t *value;
	size_t i;

	if (!json_is_object(root))
		return fail(l, "not a scenario: the top level is not a JSON object");
	value = json_object_get(root, "schema");
	if (!json_is_string(value) || strcmp(json_string_value(value), SCENARIO_SCHEMA))
		return fail(l, "schema: expected \"%s\"", SCENARIO_SCHEMA);
	if (!check_members(l, root, "", members))
		return false;
	if (json_input_member(&l->in, root, "", "source", JSON_STRING, false, &value) ||
	    json_input_member(&l->in, root, "", "name", JSON_STRING, false, &value))
		return false;
	if (value)
		snprintf(l->config->name, sizeof(l->config->name), "%s", json_string_value(value));
	if ((value = json_object_get(root, "tsc_hz")) &&
	    !read_u64(l, value, "tsc_hz", MIN_TSC_HZ, MAX_TSC_HZ, &l->config->tsc_hz))
		return false;
	if ((value = json_object_get(root, "seed")) && !read_u64(l, value, "seed", 0, UINT64_MAX, &l->config->seed))
		return false;
	if ((value = json_object_get(root, "clocks")) && !load_clocks(l, value))
		return false;
	if ((value = json_object_get(root, "acpi_oem_id")) && !load_acpi_oem_id(l, value))
		return false;
	if ((value = json_object_get(root, "acpi")) && !load_acpi_source(l, value))
		return false;
	if ((value = json_object_get(root, "acpi_faults")) && !load_acpi_faults(l, value))
		return false;
	if ((value = json_object_get(root, "smbios")) && !load_smbios(l, value))
		return false;
	if (!load_cpu(l, json_object_get(root, "cpu")))
		return false;
	if ((value = json_object_get(root, "hypervisors"))) {
		const json_t *hv;
		char where[48];
		if (json_input_check_type(&l->in, value, "hypervisors", JSON_ARRAY))
			return false;
		json_array_foreach(value, i, hv)
		{
			snprintf(where, sizeof(where), "hypervisors[%zu]", i);
			if (!load_hypervisor(l, hv, where))
				return false;
		}
	}
	for (i = 0; i < PARAVIRT_LOADER_COUNT; i++) {
		value = json_object_get(root, PARAVIRT_LOADERS[i].key);
		if (value && !json_is_null(value) && !PARAVIRT_LOADERS[i].load(l, value, PARAVIRT_LOADERS[i].key))
			return false;
	}
	if ((value = json_object_get(root, "idle")) && !load_idle(l, value))
		return false;
	/* Events name clocks: after everything that says which clocks there are. */
	if ((value = json_object_get(root, "events")) && !load_events(l, value))
		return false;
	/* Raw leaves come last so that they override what the blocks above generated. */
	return (value = json_object_get(root, "cpuid")) ? load_raw_leaves(l, value, "cpuid") : true;
}

static bool load(struct loader *l, const char *json, size_t length)
{
	json_t *root = json_input_parse(&l->in, json, length);
	bool loaded;

	sim_config_defaults(l->config);
	if (!root)
		return false;
	loaded = load_root(l, root);
	json_decref(root);
	return loaded;
}

/* Fixtures sit beside the scenarios: tests/data/scenarios/x.json names tests/data/acpi/NAME. */
bool scenario_load_file(const char *path, struct sim_config *out, char *error, size_t error_size)
{
	char acpi_root[512];
	const char *slash = strrchr(path, '/');
	struct loader l = {out, {path, error, error_size, false}, acpi_root};
	size_t length;
	char *json;

	if (slash)
		snprintf(acpi_root, sizeof(acpi_root), "%.*s/../acpi", (int)(slash - path), path);
	else
		snprintf(acpi_root, sizeof(acpi_root), "../acpi");
	sim_config_defaults(out);
	if (host_input_read(path, SCENARIO_MAX_BYTES, &json, &length, error, error_size))
		return false;
	bool loaded = load(&l, json, length);
	free(json);
	return loaded;
}

bool scenario_load_string(const char *json, struct sim_config *out, char *error, size_t error_size)
{
	char acpi_root[512];
	const char *data = getenv("TSCPROBE_TESTDATA");
	struct loader l = {out, {NULL, error, error_size, false}, acpi_root};

	snprintf(acpi_root, sizeof(acpi_root), "%s/acpi", data ? data : "tests/data");
	return load(&l, json, strlen(json));
}
