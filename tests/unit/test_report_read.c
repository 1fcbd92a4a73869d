/* Reading JSON reports back: every field survives a round trip, and a bad file is refused with the field named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "report_read.h"
#include "testdata.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Large enough for HV_MAX_BASES bases of HV_MAX_LEAVES leaves each. */
static char json_text[1 << 20];
static char text_a[1 << 20], text_b[1 << 20];
static struct report written, read_back;
static char error[512];

static const char *write_json(const struct report *r)
{
	struct buffer_sink b;

	buffer_sink_init(&b, json_text, sizeof(json_text));
	report_write_json(r, &b.sink);
	assert_false(b.truncated);
	return json_text;
}

static void read_json(const char *text, struct report *out)
{
	if (report_read_string(text, strlen(text), out, error, sizeof(error)))
		fail_msg("refused: %s", error);
}

/* Leaves base..base+count-1 with registers that differ in every leaf and every register. */
static void fill_leaves(struct hv_base *b, uint32_t count)
{
	b->leaf_count = count;
	for (uint32_t i = 0; i < count; i++)
		b->leaves[i] = (struct hv_leaf){b->base + i, {0x1000 + i, 0xfffffff0 - i, i << 24, 0x80000000 | i}};
}

/* Figures chosen to survive the writer's decimals exactly (halves, quarters, sixteenths). */
static void build_measurements(struct report *r)
{
	struct acpi_info *a = &r->acpi;
	struct reference_report *pm = &r->references[0], *rtc = &r->references[1];

	r->duration_s = 12.5;
	*a = (struct acpi_info){.rsdp_found = true, .rsdp_address = 0x7fb7e014, .rsdp_revision = 2, .oem_id = "BOCHS ",
				.root = ACPI_ROOT_XSDT, .rtc_century_index = 0x32, .problem_count = 2,
				.problems_dropped = 1};
	a->pm_timer.present = true;
	a->pm_timer.port = 0x608;
	a->pm_timer.width_bits = 24;
	a->pm_timer.port_field = ACPI_PM_PORT_X_PM_TMR_BLK;
	a->hpet.present = true;
	a->hpet.base = 0xfed00000;
	a->hpet.event_timer_block_id = 0x8086a201;
	a->hpet.counter_64bit = true;
	a->hpet.min_tick = 128;
	a->madt.present = true;
	a->madt.lapic_base = 0xfee00000;
	a->madt.lapic_entries = 4;
	a->madt.lapic_enabled = 3;
	a->waet.present = true;
	a->waet.rtc_good = true;
	a->problems[0] = (struct acpi_problem){"FACP", "checksum mismatch"};
	a->problems[1] = (struct acpi_problem){"HPET", "period of 0 fs"};

	r->reference_count = 2;
	*pm = (struct reference_report){
		.name = "acpi_pm", .label = "ACPI PM timer", .available = true, .detail = "port 0x608, 24-bit",
		.nominal_hz = 3579545.0, .width_bits = 24, .measured = true, .tsc_hz = 2112000123.5,
		.uncertainty_ppm = 0.0625, .window_s = 1.25, .read_cost_ns = 812.5, .rate_hz = 1000000.5,
		.rate_uncertainty_ppm = 2.5, .samples = 256, .rejected = 12, .backward_steps = 1, .gaps_bridged = 2,
		.disagrees = true, .finding_count = 2, .findings = {"read twice: \"odd\" values", "second finding"}};
	/* Unavailable, timed at edges: only what the writer gives for such a reference. */
	*rtc = (struct reference_report){.name = "rtc", .label = "RTC (CMOS)", .reason = "no CMOS answers",
					 .detail = "ports 0x70/0x71", .nominal_hz = 1.0, .width_bits = 17,
					 .edges = true};
	r->tsc = (struct tsc_estimate){true, 2112000123.5, 0.0625, "acpi_pm"};
	r->cross_check_count = 1;
	r->cross_checks[0] = (struct cross_check){"acpi_pm", "hpet", -1.25, 0.5, true};
}

/* Every field set to a value no other field has. */
static void build_full_report(struct report *r)
{
	static const bool features[CPU_FEATURE_COUNT] = {
		[CPU_FEATURE_TSC] = true,           [CPU_FEATURE_RDTSCP] = true,        [CPU_FEATURE_HYPERVISOR] = true,
		[CPU_FEATURE_MONITOR_MWAIT] = true, [CPU_FEATURE_INVARIANT_TSC] = true,
	};
	struct hv_base *kvm = &r->hv.bases[0], *unnamed = &r->hv.bases[1];

	memset(r, 0, sizeof(*r));
	strcpy(r->tool_version, "v1.2-3-gabcdef0-dirty");
	strcpy(r->machine_kind, "sim");
	strcpy(r->cpu.vendor, "GenuineIntel");
	strcpy(r->cpu.brand, "Intel(R) \"Quoted\" \\ Brand @ 2.10GHz"); /* quotes and backslash need escaping */
	r->cpu.max_basic_leaf = 0x16;
	r->cpu.max_extended_leaf = 0x80000008;
	r->cpu.family = 6;
	r->cpu.model = 0x55;
	r->cpu.stepping = 7;
	memcpy(r->cpu.features, features, sizeof(features));
	r->cpu.mwait = (struct mwait_info){true, 64, 128, true, false, {0, 2, 1, 1, 0, 0, 0, 15}};
	r->cpu.leaf15 = (struct leaf15_info){true, 2, 176, 24000000, 2112000000ull};
	r->cpu.leaf16 = (struct leaf16_info){true, 2100, 3700, 100};

	r->hv.count = 2;
	r->hv.dropped = 3;
	*kvm = (struct hv_base){.base = 0x40000000, .signature = "KVMKVMKVM\0\0\0", .max_leaf = 0x40000010,
				.range = HV_RANGE_OK, .timing = HV_TIMING_PRESENT, .timing_tsc_khz = 2112000,
				.timing_apic_bus_khz = 1000000};
	fill_leaves(kvm, 17);
	/* VirtualBox Minimal: all-NUL signature; here with a max leaf below its base. */
	*unnamed = (struct hv_base){.base = 0x40000100, .max_leaf = 0x3fffffff, .range = HV_RANGE_BELOW_BASE,
				    .timing = HV_TIMING_NOT_OFFERED};
	fill_leaves(unnamed, 1);

	build_measurements(r);
}

static void assert_cpu_equal(const struct cpu_info *got, const struct cpu_info *want)
{
	assert_string_equal(got->vendor, want->vendor);
	assert_string_equal(got->brand, want->brand);
	assert_int_equal(got->max_basic_leaf, want->max_basic_leaf);
	assert_int_equal(got->max_extended_leaf, want->max_extended_leaf);
	assert_int_equal(got->family, want->family);
	assert_int_equal(got->model, want->model);
	assert_int_equal(got->stepping, want->stepping);
	for (int f = 0; f < CPU_FEATURE_COUNT; f++)
		if (got->features[f] != want->features[f])
			fail_msg("feature %s: %d, expected %d", cpu_feature_defs[f].name, got->features[f],
				 want->features[f]);
	assert_int_equal(got->mwait.present, want->mwait.present);
	assert_int_equal(got->mwait.min_line_bytes, want->mwait.min_line_bytes);
	assert_int_equal(got->mwait.max_line_bytes, want->mwait.max_line_bytes);
	assert_int_equal(got->mwait.extensions, want->mwait.extensions);
	assert_int_equal(got->mwait.interrupt_break, want->mwait.interrupt_break);
	assert_memory_equal(got->mwait.substates, want->mwait.substates, MWAIT_CSTATE_SLOTS);
	assert_int_equal(got->leaf15.present, want->leaf15.present);
	assert_int_equal(got->leaf15.denominator, want->leaf15.denominator);
	assert_int_equal(got->leaf15.numerator, want->leaf15.numerator);
	assert_int_equal(got->leaf15.crystal_hz, want->leaf15.crystal_hz);
	assert_int_equal(got->leaf15.tsc_hz, want->leaf15.tsc_hz);
	assert_int_equal(got->leaf16.present, want->leaf16.present);
	assert_int_equal(got->leaf16.base_mhz, want->leaf16.base_mhz);
	assert_int_equal(got->leaf16.max_mhz, want->leaf16.max_mhz);
	assert_int_equal(got->leaf16.bus_mhz, want->leaf16.bus_mhz);
}

static void assert_base_equal(const struct hv_base *got, const struct hv_base *want)
{
	assert_int_equal(got->base, want->base);
	assert_memory_equal(got->signature, want->signature, HV_SIGNATURE_BYTES);
	assert_int_equal(got->max_leaf, want->max_leaf);
	assert_int_equal(got->range, want->range);
	assert_int_equal(got->leaf_count, want->leaf_count);
	for (uint32_t i = 0; i < want->leaf_count; i++) {
		assert_int_equal(got->leaves[i].leaf, want->leaves[i].leaf);
		assert_int_equal(got->leaves[i].regs.eax, want->leaves[i].regs.eax);
		assert_int_equal(got->leaves[i].regs.ebx, want->leaves[i].regs.ebx);
		assert_int_equal(got->leaves[i].regs.ecx, want->leaves[i].regs.ecx);
		assert_int_equal(got->leaves[i].regs.edx, want->leaves[i].regs.edx);
	}
	assert_int_equal(got->timing, want->timing);
	assert_int_equal(got->timing_tsc_khz, want->timing_tsc_khz);
	assert_int_equal(got->timing_apic_bus_khz, want->timing_apic_bus_khz);
}

/* Exact: every figure in these tests is written with enough decimals to come back unchanged. */
#define assert_figure_equal(got, want)                                                                         \
	do {                                                                                                   \
		if ((got) != (want))                                                                           \
			fail_msg("%s: %.9g, expected %.9g", #got, (double)(got), (double)(want));               \
	} while (0)

static void assert_acpi_equal(const struct acpi_info *got, const struct acpi_info *want)
{
	assert_int_equal(got->rsdp_found, want->rsdp_found);
	assert_int_equal(got->rsdp_address, want->rsdp_address);
	assert_int_equal(got->rsdp_revision, want->rsdp_revision);
	assert_string_equal(got->oem_id, want->oem_id);
	assert_int_equal(got->root, want->root);
	assert_int_equal(got->pm_timer.present, want->pm_timer.present);
	assert_int_equal(got->pm_timer.port, want->pm_timer.port);
	assert_int_equal(got->pm_timer.width_bits, want->pm_timer.width_bits);
	assert_int_equal(got->pm_timer.port_field, want->pm_timer.port_field);
	assert_int_equal(got->rtc_century_index, want->rtc_century_index);
	assert_int_equal(got->hpet.present, want->hpet.present);
	assert_int_equal(got->hpet.base, want->hpet.base);
	assert_int_equal(got->hpet.event_timer_block_id, want->hpet.event_timer_block_id);
	assert_int_equal(got->hpet.counter_64bit, want->hpet.counter_64bit);
	assert_int_equal(got->hpet.min_tick, want->hpet.min_tick);
	assert_int_equal(got->madt.present, want->madt.present);
	assert_int_equal(got->madt.lapic_base, want->madt.lapic_base);
	assert_int_equal(got->madt.lapic_entries, want->madt.lapic_entries);
	assert_int_equal(got->madt.lapic_enabled, want->madt.lapic_enabled);
	assert_int_equal(got->waet.present, want->waet.present);
	assert_int_equal(got->waet.rtc_good, want->waet.rtc_good);
	assert_int_equal(got->waet.pm_timer_good, want->waet.pm_timer_good);
	assert_int_equal(got->problem_count, want->problem_count);
	for (unsigned i = 0; i < want->problem_count; i++) {
		assert_string_equal(got->problems[i].table, want->problems[i].table);
		assert_string_equal(got->problems[i].reason, want->problems[i].reason);
	}
	assert_int_equal(got->problems_dropped, want->problems_dropped);
}

static void assert_reference_equal(const struct reference_report *got, const struct reference_report *want)
{
	assert_string_equal(got->name, want->name);
	assert_string_equal(got->label, want->label);
	assert_int_equal(got->available, want->available);
	assert_string_equal(got->reason, want->reason);
	assert_string_equal(got->detail, want->detail);
	assert_figure_equal(got->nominal_hz, want->nominal_hz);
	assert_int_equal(got->width_bits, want->width_bits);
	assert_int_equal(got->edges, want->edges);
	assert_int_equal(got->measured, want->measured);
	assert_figure_equal(got->tsc_hz, want->tsc_hz);
	assert_figure_equal(got->uncertainty_ppm, want->uncertainty_ppm);
	assert_figure_equal(got->window_s, want->window_s);
	assert_figure_equal(got->read_cost_ns, want->read_cost_ns);
	assert_figure_equal(got->rate_hz, want->rate_hz);
	assert_figure_equal(got->rate_uncertainty_ppm, want->rate_uncertainty_ppm);
	assert_int_equal(got->samples, want->samples);
	assert_int_equal(got->rejected, want->rejected);
	assert_int_equal(got->backward_steps, want->backward_steps);
	assert_int_equal(got->gaps_bridged, want->gaps_bridged);
	assert_int_equal(got->disagrees, want->disagrees);
	assert_int_equal(got->finding_count, want->finding_count);
	for (unsigned i = 0; i < want->finding_count; i++)
		assert_string_equal(got->findings[i], want->findings[i]);
}

static void assert_measurements_equal(const struct report *got, const struct report *want)
{
	assert_figure_equal(got->duration_s, want->duration_s);
	assert_acpi_equal(&got->acpi, &want->acpi);
	assert_int_equal(got->reference_count, want->reference_count);
	for (unsigned i = 0; i < want->reference_count; i++)
		assert_reference_equal(&got->references[i], &want->references[i]);
	assert_int_equal(got->tsc.valid, want->tsc.valid);
	assert_figure_equal(got->tsc.hz, want->tsc.hz);
	assert_figure_equal(got->tsc.uncertainty_ppm, want->tsc.uncertainty_ppm);
	assert_string_equal(got->tsc.reference, want->tsc.reference);
	assert_int_equal(got->cross_check_count, want->cross_check_count);
	for (unsigned i = 0; i < want->cross_check_count; i++) {
		const struct cross_check *g = &got->cross_checks[i], *w = &want->cross_checks[i];
		assert_string_equal(g->a, w->a);
		assert_string_equal(g->b, w->b);
		assert_figure_equal(g->ppm, w->ppm);
		assert_figure_equal(g->combined_ppm, w->combined_ppm);
		assert_int_equal(g->agree, w->agree);
	}
}

static void assert_report_equal(const struct report *got, const struct report *want)
{
	assert_string_equal(got->tool_version, want->tool_version);
	assert_string_equal(got->machine_kind, want->machine_kind);
	assert_cpu_equal(&got->cpu, &want->cpu);
	assert_int_equal(got->hv.count, want->hv.count);
	assert_int_equal(got->hv.dropped, want->hv.dropped);
	for (uint32_t i = 0; i < want->hv.count; i++)
		assert_base_equal(&got->hv.bases[i], &want->hv.bases[i]);
	assert_measurements_equal(got, want);
}

static void test_every_field_survives_write_and_read(void **state)
{
	(void)state;
	build_full_report(&written);
	read_json(write_json(&written), &read_back);
	assert_report_equal(&read_back, &written);
	/* The timing leaf is found where hv_find_leaf looks for it. */
	assert_int_equal(hv_find_leaf(&read_back.hv.bases[0], 0x40000010)->regs.eax, 0x1010);
}

static void test_absent_blocks_read_back_as_not_present(void **state)
{
	(void)state;
	build_full_report(&written);
	written.cpu.mwait = (struct mwait_info){0};
	written.cpu.leaf15 = (struct leaf15_info){0};
	written.cpu.leaf16 = (struct leaf16_info){0};
	written.hv.count = 0;
	written.acpi = (struct acpi_info){.rsdp_found = false};
	written.reference_count = written.cross_check_count = 0;
	written.tsc = (struct tsc_estimate){0};
	written.duration_s = 0;
	read_json(write_json(&written), &read_back);
	assert_report_equal(&read_back, &written);
}

static void test_every_status_word_reads_back_as_its_value(void **state)
{
	static const enum hv_range ranges[] = {HV_RANGE_OK, HV_RANGE_BELOW_BASE, HV_RANGE_BEYOND_BLOCK};
	static const enum hv_timing_status timings[] = {HV_TIMING_NOT_OFFERED, HV_TIMING_ZERO, HV_TIMING_PRESENT};
	(void)state;

	for (size_t r = 0; r < ARRAY_SIZE(ranges); r++)
		for (size_t t = 0; t < ARRAY_SIZE(timings); t++) {
			build_full_report(&written);
			written.hv.bases[0].range = ranges[r];
			written.hv.bases[0].timing = timings[t];
			if (timings[t] != HV_TIMING_PRESENT) /* the writer gives the frequencies only when present */
				written.hv.bases[0].timing_tsc_khz = written.hv.bases[0].timing_apic_bus_khz = 0;
			read_json(write_json(&written), &read_back);
			assert_base_equal(&read_back.hv.bases[0], &written.hv.bases[0]);
		}
}

static void test_every_acpi_and_sampling_word_reads_back_as_its_value(void **state)
{
	static const enum acpi_root roots[] = {ACPI_ROOT_NONE, ACPI_ROOT_XSDT, ACPI_ROOT_RSDT};
	static const enum acpi_pm_port_field fields[] = {ACPI_PM_PORT_NONE, ACPI_PM_PORT_X_PM_TMR_BLK,
							 ACPI_PM_PORT_PM_TMR_BLK};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(roots); i++) {
		build_full_report(&written);
		written.acpi.root = roots[i];
		written.acpi.pm_timer.port_field = fields[i];
		written.references[0].edges = i % 2;
		read_json(write_json(&written), &read_back);
		assert_measurements_equal(&read_back, &written);
	}
}

/* The model's limits exactly: as many bases and leaves as it holds are read, one more is refused. */
static void test_a_full_model_round_trips(void **state)
{
	(void)state;
	build_full_report(&written);
	written.hv.count = HV_MAX_BASES;
	for (uint32_t i = 0; i < HV_MAX_BASES; i++) {
		written.hv.bases[i] = written.hv.bases[0];
		written.hv.bases[i].base = HV_BASE_FIRST + i * HV_BASE_STEP;
		fill_leaves(&written.hv.bases[i], HV_MAX_LEAVES);
	}
	read_json(write_json(&written), &read_back);
	assert_report_equal(&read_back, &written);
}

static void test_shown_text_is_the_text_of_the_original(void **state)
{
	struct buffer_sink a, b;
	(void)state;

	build_full_report(&written);
	read_json(write_json(&written), &read_back);
	buffer_sink_init(&a, text_a, sizeof(text_a));
	buffer_sink_init(&b, text_b, sizeof(text_b));
	report_write_text(&written, &a.sink);
	report_write_text(&read_back, &b.sink);
	assert_true(a.length > 1000);
	assert_string_equal(text_b, text_a);
}

/* The JSON the app printed on COM1 under QEMU, extracted from tests/data/serial. */
static void test_reads_reports_the_app_wrote_under_qemu(void **state)
{
	(void)state;

	if (report_read_file(testdata_path("reports/qemu-q35-tcg.json"), &read_back, error, sizeof(error)))
		fail_msg("%s", error);
	assert_string_equal(read_back.tool_version, "e477a8a");
	assert_string_equal(read_back.machine_kind, "uefi");
	assert_string_equal(read_back.cpu.vendor, "AuthenticAMD");
	assert_string_equal(read_back.cpu.brand, "QEMU Virtual CPU version 2.5+");
	assert_int_equal(read_back.cpu.family, 0xf);
	assert_int_equal(read_back.cpu.model, 0x6b);
	assert_int_equal(read_back.cpu.max_basic_leaf, 0xd);
	assert_true(read_back.cpu.features[CPU_FEATURE_HYPERVISOR]);
	assert_false(read_back.cpu.features[CPU_FEATURE_RDTSCP]);
	assert_false(read_back.cpu.mwait.present); /* "mwait": null */
	assert_int_equal(read_back.hv.count, 1);
	assert_string_equal(hv_name(read_back.hv.bases[0].signature), "QEMU TCG");
	assert_int_equal(read_back.hv.bases[0].max_leaf, 0x40000001);
	assert_int_equal(read_back.hv.bases[0].leaf_count, 2);
	assert_int_equal(read_back.hv.bases[0].leaves[0].regs.ebx, 0x54474354); /* "TCGT" */
	assert_int_equal(read_back.hv.bases[0].timing, HV_TIMING_NOT_OFFERED);

	if (report_read_file(testdata_path("reports/qemu-q35-tcg-cpu-max.json"), &read_back, error, sizeof(error)))
		fail_msg("%s", error);
	assert_string_equal(read_back.cpu.brand, "QEMU TCG CPU version 2.5+");
	assert_true(read_back.cpu.features[CPU_FEATURE_RDTSCP]);
	assert_true(read_back.cpu.mwait.present);
	assert_true(read_back.cpu.mwait.extensions);
	assert_true(read_back.cpu.mwait.interrupt_break);

	if (report_read_file(testdata_path("reports/qemu-q35-tcg-measured.json"), &read_back, error, sizeof(error)))
		fail_msg("%s", error);
	assert_string_equal(read_back.acpi.oem_id, "BOCHS ");
	assert_int_equal(read_back.acpi.root, ACPI_ROOT_XSDT);
	assert_int_equal(read_back.acpi.pm_timer.port, 0x608);
	assert_int_equal(read_back.acpi.pm_timer.port_field, ACPI_PM_PORT_X_PM_TMR_BLK);
	assert_int_equal(read_back.acpi.hpet.base, 0xfed00000);
	assert_true(read_back.acpi.waet.present && read_back.acpi.waet.pm_timer_good && !read_back.acpi.waet.rtc_good);
	assert_int_equal(read_back.reference_count, 6);
	assert_string_equal(read_back.references[2].name, "rtc");
	assert_true(read_back.references[2].edges);
	assert_figure_equal(read_back.references[1].tsc_hz, 2445424115.6);
	assert_figure_equal(read_back.references[4].rate_hz, 999999910.2); /* the LAPIC: a rate, not a TSC figure */
	assert_figure_equal(read_back.references[4].tsc_hz, 0.0);
	assert_string_equal(read_back.references[0].findings[0],
			    "the WAET table says a single read is reliable (emulated timer)");
	assert_true(read_back.tsc.valid);
	assert_string_equal(read_back.tsc.reference, "hpet");
	assert_figure_equal(read_back.tsc.uncertainty_ppm, 0.0556);
	assert_int_equal(read_back.cross_check_count, 10);
	assert_figure_equal(read_back.cross_checks[0].ppm, -0.0482);
	assert_figure_equal(read_back.duration_s, 12.665);
}

/* Additive schema changes keep tscprobe/1: a reader must take what it knows and skip the rest. */
static void test_unknown_members_are_ignored_and_absent_ones_stay_zero(void **state)
{
	(void)state;

	if (report_read_file(testdata_path("reports/minimal-with-future-fields.json"), &read_back, error,
			     sizeof(error)))
		fail_msg("%s", error);
	assert_string_equal(read_back.tool_version, "future");
	assert_string_equal(read_back.machine_kind, "");
	assert_string_equal(read_back.cpu.vendor, "");
	assert_int_equal(read_back.cpu.family, 0);
	assert_false(read_back.cpu.features[CPU_FEATURE_TSC]);
	assert_false(read_back.cpu.mwait.present);
	assert_false(read_back.cpu.leaf15.present);
	assert_int_equal(read_back.hv.count, 0);
	assert_int_equal(read_back.hv.dropped, 0);
}

struct bad_report {
	const char *file;    /* under tests/data/reports/bad/ */
	const char *message; /* what the error must say */
};

static const struct bad_report bad_reports[] = {
	{"truncated.json", "JSON syntax error at line 21, column 0: string or '}' expected near end of file"},
	{"not-json.json", "JSON syntax error at line 1, column 8: '[' or '{' expected near 'tscprobe'"},
	{"empty.json", "JSON syntax error at line 1"},
	{"duplicate-key.json", "JSON syntax error at line 12, column 12: duplicate object key"},
	{"top-level-array.json", "not a tscprobe report (the top level is an array, not an object)"},
	{"no-schema.json", "not a tscprobe report (no schema)"},
	{"schema-scenario.json", "not a tscprobe report (schema is \"tscprobe-scenario/1\", not \"tscprobe/N\")"},
	{"schema-2.json", "schema tscprobe/2 is newer than this tool reads (tscprobe/1)"},
	{"schema-0.json", "schema tscprobe/0 is older than this tool reads (tscprobe/1)"},
	{"no-tool-version.json", "tool.version: missing"},
	{"no-cpu.json", "cpu: missing"},
	{"hypervisors-object.json", "hypervisors: expected an array, got an object"},
	{"family-string.json", "cpu.family: expected an unsigned integer, got \"15\""},
	{"stepping-negative.json", "cpu.stepping: expected an unsigned integer, got a negative one"},
	{"leaf16-mhz-too-big.json", "cpu.leaf16.base_mhz: 70000 is out of range (at most 65535)"},
	{"vendor-too-long.json", "cpu.vendor: 13 characters, more than the 12 this tool holds"},
	{"feature-not-bool.json", "cpu.features.tsc: expected true or false, got an integer"},
	{"max-basic-leaf-too-wide.json", "cpu.max_basic_leaf: 0x100000000 is out of range (at most 0xffffffff)"},
	{"max-leaf-not-hex.json",
	 "hypervisors[1].max_leaf: expected a hex string like \"0x40000001\", got \"40000101\""},
	{"signature-short.json", "hypervisors[0].signature: \"TCGTCG\" is not 12 bytes"},
	{"max-leaf-status-unknown.json",
	 "hypervisors[0].max_leaf_status: unknown value \"maybe\" (expected one of: ok, below_base, beyond_block)"},
	{"leaf-gap.json", "hypervisors[0].leaves[1].leaf: 0x40000002 where 0x40000001 was expected"},
	{"leaves-300.json", "hypervisors[0].leaves: 300 entries, more than the 256 this tool holds"},
	{"bases-20.json", "hypervisors: 20 entries, more than the 8 this tool holds"},
	{"acpi-root-unknown.json", "acpi.root: unknown value \"rsdp\" (expected one of: none, xsdt, rsdt)"},
	{"pm-timer-port-too-wide.json", "acpi.pm_timer.port: 0x10608 is out of range (at most 0xffff)"},
	{"references-9.json", "references: 9 entries, more than the 8 this tool holds"},
	{"reference-tsc-hz-string.json", "references[1].tsc_hz: expected a number, got \"2445424115.6\""},
	{"finding-too-long.json", "references[0].findings[1]: 112 characters, more than the 111 this tool holds"},
};

static void test_malformed_reports_are_refused_naming_file_and_field(void **state)
{
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(bad_reports); i++) {
		char relative[128], path[512];
		snprintf(relative, sizeof(relative), "reports/bad/%s", bad_reports[i].file);
		snprintf(path, sizeof(path), "%s", testdata_path(relative));

		if (!report_read_file(path, &read_back, error, sizeof(error)))
			fail_msg("%s was accepted", bad_reports[i].file);
		if (strncmp(error, path, strlen(path)) || strncmp(error + strlen(path), ": ", 2))
			fail_msg("%s: the error does not start with the path: %s", bad_reports[i].file, error);
		if (!strstr(error, bad_reports[i].message))
			fail_msg("%s: error \"%s\" does not say \"%s\"", bad_reports[i].file, error,
				 bad_reports[i].message);
	}
}

struct hex_case {
	const char *text;
	uint32_t value;      /* when accepted */
	const char *refusal; /* NULL when accepted */
};

/* Hex strings are what json_hex32 writes; anything looser would hide a corrupted report. */
static const struct hex_case hex_cases[] = {
	{"0x0000000d", 0xd, NULL},
	{"0xD", 0xd, NULL},
	{"0xffffffff", 0xffffffff, NULL},
	{"0x00000000ffffffff", 0xffffffff, NULL}, /* leading zeros do not widen the value */
	{"0x123456789", 0, "0x123456789 is out of range (at most 0xffffffff)"},
	{"0x", 0, "expected a hex string"},
	{"0x-1", 0, "expected a hex string"},
	{"0x+1", 0, "expected a hex string"},
	{" 0x1", 0, "expected a hex string"},
	{"0x1 ", 0, "expected a hex string"},
	{"13", 0, "expected a hex string"},
	{"0X1", 0, "expected a hex string"},
	{"0x1g", 0, "expected a hex string"},
	{"0x00000000000000001", 0, "expected a hex string"}, /* 17 digits */
};

static void test_hex_strings_are_parsed_strictly(void **state)
{
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(hex_cases); i++) {
		const struct hex_case *c = &hex_cases[i];
		char text[256];
		int status;

		snprintf(text, sizeof(text),
			 "{\"schema\": \"tscprobe/1\", \"tool\": {\"version\": \"t\"}, "
			 "\"cpu\": {\"max_basic_leaf\": \"%s\"}, \"hypervisors\": []}",
			 c->text);
		status = report_read_string(text, strlen(text), &read_back, error, sizeof(error));
		if (!c->refusal && (status || read_back.cpu.max_basic_leaf != c->value))
			fail_msg("\"%s\": expected 0x%x, got status %d (%s)", c->text, c->value, status, error);
		if (c->refusal && (!status || strncmp(error, "cpu.max_basic_leaf: ", 20) || !strstr(error, c->refusal)))
			fail_msg("\"%s\": expected the refusal \"%s\", got status %d (%s)", c->text, c->refusal, status,
				 error);
	}
}

static void test_errors_from_text_name_no_file(void **state)
{
	static const char text[] = "{\n  \"schema\": \"tscprobe/1\",\n  \"tool\": {\"version\": }\n}\n";
	(void)state;

	assert_int_not_equal(report_read_string(text, strlen(text), &read_back, error, sizeof(error)), 0);
	assert_string_equal(error, "JSON syntax error at line 3, column 23: unexpected token near '}'");
}

static void test_a_missing_file_is_named_with_the_reason(void **state)
{
	(void)state;

	assert_int_not_equal(report_read_file("no/such/report.json", &read_back, error, sizeof(error)), 0);
	assert_string_equal(error, "no/such/report.json: cannot open: No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_field_survives_write_and_read),
		cmocka_unit_test(test_absent_blocks_read_back_as_not_present),
		cmocka_unit_test(test_every_status_word_reads_back_as_its_value),
		cmocka_unit_test(test_every_acpi_and_sampling_word_reads_back_as_its_value),
		cmocka_unit_test(test_a_full_model_round_trips),
		cmocka_unit_test(test_shown_text_is_the_text_of_the_original),
		cmocka_unit_test(test_reads_reports_the_app_wrote_under_qemu),
		cmocka_unit_test(test_unknown_members_are_ignored_and_absent_ones_stay_zero),
		cmocka_unit_test(test_malformed_reports_are_refused_naming_file_and_field),
		cmocka_unit_test(test_hex_strings_are_parsed_strictly),
		cmocka_unit_test(test_errors_from_text_name_no_file),
		cmocka_unit_test(test_a_missing_file_is_named_with_the_reason),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
