/* Reading JSON reports back: every field survives a round trip, and a bad file is refused with the field named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
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
	struct acpi_info *a = &r->platform.acpi;
	struct reference_report *pm = &r->references[0], *rtc = &r->references[1];
	struct reference_report *kvmclock = &r->references[2];

	r->duration_s = 12.5;
	*a = (struct acpi_info){.rsdp_found = true,
				.rsdp_address = 0x7fb7e014,
				.rsdp_revision = 2,
				.oem_id = "BOCHS ",
				.root = ACPI_ROOT_XSDT,
				.rtc_century_index = 0x32,
				.problem_count = 2,
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

	r->reference_count = 3;
	*pm = (struct reference_report){.name = "acpi_pm",
					.label = "ACPI PM timer",
					.available = true,
					.detail = "port 0x608, 24-bit",
					.nominal_hz = 3579545.0,
					.width_bits = 24,
					.measured = true,
					.tsc_hz = 2112000123.5,
					.uncertainty_ppm = 0.0625,
					.window_s = 1.25,
					.read_cost_ns = 812.5,
					.rate_hz = 1000000.5,
					.rate_uncertainty_ppm = 2.5,
					.samples = 256,
					.rejected = 12,
					.backward_steps = 1,
					.gaps_bridged = 2,
					.disagrees = true,
					.finding_count = 2,
					.findings = {"read twice: \"odd\" values", "second finding"}};
	/* Unavailable, timed at edges: only what the writer gives for such a reference. */
	*rtc = (struct reference_report){.name = "rtc",
					 .label = "RTC (CMOS)",
					 .reason = "no CMOS answers",
					 .detail = "ports 0x70/0x71",
					 .nominal_hz = 1.0,
					 .width_bits = 17,
					 .edges = true};
	/* Computed from the TSC by the hypervisor's scale; it stepped against the TSC both ways. */
	*kvmclock = (struct reference_report){.name = "kvmclock",
					      .label = "kvmclock",
					      .available = true,
					      .detail = "pvclock page, MSR 0x4b564d01",
					      .nominal_hz = 1e9,
					      .width_bits = 64,
					      .tsc_derived = true,
					      .measured = true,
					      .tsc_hz = 2112000124.25,
					      .uncertainty_ppm = 0.125,
					      .window_s = 1.5,
					      .read_cost_ns = 40.5,
					      .samples = 257,
					      .jumps_backward = 3,
					      .jumps_forward = 4};
	r->tsc = (struct tsc_estimate){true,
				       2112000123.5,
				       0.0625,
				       "acpi_pm",
				       2,
				       4000000,
				       {true, "acpi_pm", 2112200000.0, 2112000123.5, -94.6, 0.125}};
	r->cross_check_count = 1;
	r->cross_checks[0] = (struct cross_check){"acpi_pm", "hpet", -1.25, 0.5, true};
}

/* Three claims with every kind of detail, the last at the model's limits; a Hyper-V block; faults; verdicts. */
static void build_claims_and_verdicts(struct report *r)
{
	struct claim *kvmclock = &r->claims.items[0], *xen = &r->claims.items[1], *limits = &r->claims.items[2];

	r->platform.hyperv = (struct hyperv_info){.present = true,
						  .base = 0x40000000,
						  .privileges = 0x00002a22,
						  .power_management = 0x00000013,
						  .features = 0x00000101,
						  .hints = 0x00000a2c};

	r->claims.count = 3;
	*kvmclock = (struct claim){.kind = &claim_source_kvmclock,
				   .source = "kvmclock",
				   .label = "KVM kvmclock (pvclock scale)",
				   .where = 0x4b564d01,
				   .tsc_hz = 2599985000.5,
				   .detail_count = 6,
				   .details = {
					   {.key = "tsc_to_system_mul", .kind = DETAIL_UINT, .u = 3303840057},
					   {.key = "tsc_shift", .kind = DETAIL_INT, .i = -1},
					   {.key = "flags", .kind = DETAIL_HEX, .u = 0x1},
					   {.key = "stable", .kind = DETAIL_BOOL, .u = 1},
					   {.key = "version", .kind = DETAIL_UINT, .u = 2},
					   {.key = "disabled_after", .kind = DETAIL_BOOL, .u = 0},
				   }};
	*xen = (struct claim){.kind = &claim_source_xen_leaf,
			      .source = "xen_time_leaf",
			      .label = "Xen time leaf (base + 3) guest TSC kHz",
			      .where = 0x40000100,
			      .tsc_hz = 2394454000.0,
			      .detail_count = 6,
			      .details = {
				      {.key = "tsc_mode", .kind = DETAIL_UINT, .u = 0},
				      {.key = "emulated", .kind = DETAIL_BOOL, .u = 0},
				      {.key = "incarnation", .kind = DETAIL_UINT, .u = 7},
				      {.key = "tsc_to_system_mul", .kind = DETAIL_UINT, .u = 3587429364},
				      {.key = "tsc_shift", .kind = DETAIL_INT, .i = -2},
				      {.key = "host_tsc_khz", .kind = DETAIL_UINT, .u = 2394454},
			      }};
	/* The extremes are what JSON integers and "0x" strings can carry. */
	*limits = (struct claim){.label = "A claim at the model's limits",
				 .status = CLAIM_EMPTY,
				 .detail_count = CLAIM_MAX_DETAILS,
				 .details = {
					 {.key = "one", .kind = DETAIL_UINT, .u = 1},
					 {.key = "largest_json_integer", .kind = DETAIL_UINT, .u = INT64_MAX},
					 {.key = "most_negative", .kind = DETAIL_INT, .i = INT64_MIN},
					 {.key = "widest_hex", .kind = DETAIL_HEX, .u = UINT64_MAX},
					 {.key = "zero_hex", .kind = DETAIL_HEX, .u = 0},
					 {.key = "zero", .kind = DETAIL_UINT, .u = 0},
					 {.key = "true", .kind = DETAIL_BOOL, .u = 1},
					 {.key = "false", .kind = DETAIL_BOOL, .u = 0},
					 {.key = "two", .kind = DETAIL_UINT, .u = 2},
					 {.kind = DETAIL_INT, .i = -42},
				 }};
	/* The longest source and key the model holds. */
	memset(limits->source, 's', sizeof(limits->source) - 1);
	memset(limits->details[CLAIM_MAX_DETAILS - 1].key, 'k', sizeof(limits->details[0].key) - 1);

	r->faults.count = 2;
	r->faults.dropped = 3;
	r->faults.entries[0] = (struct fault){"rdmsr", 0x40000023, "#GP"};
	r->faults.entries[1] = (struct fault){"vmware_backdoor", 0x5658, "unsupported"};

	r->verdict_count = 5;
	r->verdicts[0] = (struct verdict){.id = "claim.kvmclock.4b564d01",
					  .severity = SEVERITY_FAIL,
					  .message = "KVM kvmclock claims too much",
					  .has_figures = true,
					  .ppm = 22987.5,
					  .combined_uncertainty_ppm = 0.0625,
					  .drift_s_per_day = -1944.25,
					  .drift_s_per_5min = -6.75};
	r->verdicts[1] = (struct verdict){
		.id = "invariant_tsc.absent", .severity = SEVERITY_WARN, .message = "No invariant TSC is advertised"};
	r->verdicts[2] = (struct verdict){.id = "timing_leaf.not_offered.40000100",
					  .severity = SEVERITY_INFO,
					  .message = "CPUID 0x40000110 (timing leaf) is beyond the max leaf"};
	r->verdicts[3] = (struct verdict){.id = "claim.xen_time_leaf.40000100",
					  .severity = SEVERITY_PASS,
					  .message = "The Xen time leaf is right",
					  .has_figures = true,
					  .ppm = -0.5,
					  .combined_uncertainty_ppm = 1.25,
					  .drift_s_per_day = 0.046875,
					  .drift_s_per_5min = 0.03125};
	r->verdicts[4] = (struct verdict){
		.id = "tsc.measured", .severity = SEVERITY_PASS, .message = "The TSC runs at 2112.000124 MHz"};
}

/*
 * Every kind of idle row, not one machine's: the busy control, HLT whose LAPIC timer lost more than the
 * TSC's uncertainty but less than its own (so it runs), an MWAIT state where the TSC stops and the LAPIC
 * timer slows, an MWAIT hint that faulted, MWAIT not offered, and an MWAIT hint that returned at once.
 */
static void build_idle(struct idle_report *idle)
{
	*idle = (struct idle_report){.ran = true,
				     .reference = "hpet",
				     .wake_source = "the firmware's timer tick",
				     .phase = "boot services",
				     .lapic_note = "the LAPIC timer's full count",
				     .mwait_offered = true,
				     .run_count = 6,
				     .runs_skipped = 3};
	idle->runs[0] = (struct idle_run){.kind = IDLE_KIND_BUSY,
					  .cstate = "C0",
					  .done = true,
					  .status = "ok",
					  .requested_us = 1000,
					  .actual_us = 1000.5,
					  .tsc_lost_us = 0.25,
					  .tsc_lost_ppm = 0.25,
					  .uncertainty_ppm = 539.75};
	idle->runs[1] = (struct idle_run){.kind = IDLE_KIND_HLT,
					  .cstate = "C1",
					  .done = true,
					  .status = "ok",
					  .requested_us = 10000,
					  .actual_us = 19998.125,
					  .tsc_lost_us = -0.125,
					  .tsc_lost_ppm = -6.25,
					  .uncertainty_ppm = 61.0,
					  .lapic_measured = true,
					  .lapic_lost_ppm = 65.5,
					  .lapic_uncertainty_ppm = 71.0,
					  .wakes = 2};
	idle->runs[2] = (struct idle_run){.kind = IDLE_KIND_MWAIT,
					  .hint = 0x10,
					  .cstate = "C2",
					  .done = true,
					  .status = "ok",
					  .requested_us = 100000,
					  .actual_us = 109998.5,
					  .tsc_lost_us = 109766.0,
					  .tsc_lost_ppm = 997890.5,
					  .uncertainty_ppm = 11.125,
					  .lapic_measured = true,
					  .lapic_lost_ppm = 250000.5,
					  .lapic_uncertainty_ppm = 11.25,
					  .wakes = 11};
	idle->runs[3] = (struct idle_run){.kind = IDLE_KIND_MWAIT,
					  .hint = 0x21,
					  .cstate = "C3.1",
					  .status = "#UD: it faulted although advertised",
					  .wakes = 1};
	idle->runs[4] = (struct idle_run){
		.kind = IDLE_KIND_MWAIT, .cstate = "-", .status = "not offered: CPUID.1:ECX[3] is clear"};
	idle->runs[5] = (struct idle_run){.kind = IDLE_KIND_MWAIT,
					  .cstate = "C1",
					  .status = IDLE_STATUS_RETURNED_AT_ONCE,
					  .wakes = 8,
					  .at_once = {.returns = 8, .each_us = 0.703125, .uncertainty_us = 0.00125}};
}

/* A watch with every kind of series: the TSC, a reference whose rate changed, a claim. */
static void build_watch(struct watch_report *w)
{
	*w = (struct watch_report){.ran = true,
				   .stopped_early = true,
				   .duration_s = 1234.5,
				   .interval_s = 2.5,
				   .busy = true,
				   .reference = "hpet",
				   .samples = 494,
				   .series_count = 3};
	w->series[0] = (struct watch_series){.name = "tsc",
					     .label = "TSC at the measured rate",
					     .final_offset_s = 0.000001,
					     .drift_ppm = 0.25,
					     .uncertainty_ppm = 0.125};
	w->series[1] = (struct watch_series){.name = "acpi_pm",
					     .label = "ACPI PM timer",
					     .final_offset_s = -0.000125,
					     .drift_ppm = -0.5,
					     .uncertainty_ppm = 0.0625,
					     .predicted_ppm = -0.375,
					     .rate_changed = true,
					     .change_at_s = 617.5,
					     .rate_before_ppm = -0.25,
					     .rate_after_ppm = -12.75};
	w->series[2] = (struct watch_series){.name = "claim.kvmclock.4b564d01",
					     .label = "clock trusting KVM kvmclock (pvclock scale)",
					     .is_claim = true,
					     .final_offset_s = -27.742,
					     .drift_ppm = -22472.5,
					     .uncertainty_ppm = 0.003,
					     .predicted_ppm = -22472.125};
}

/* Every field set to a value no other field has. */
/* QEMU dressed as VirtualBox, with both kinds of problem the parser names. */
static void build_smbios(struct smbios_info *s)
{
	*s = (struct smbios_info){
		.present = true,
		.entry = SMBIOS_ENTRY_64,
		.major = 3,
		.minor = 0,
		.docrev = 1,
		.table_address = 0x751d000,
		.table_length = 402,
		.structure_count = 10,
		.bios_vendor = "innotek GmbH",
		.bios_version = "VirtualBox",
		.bios_date = "12/01/2006",
		.manufacturer = "innotek GmbH",
		.product = "VirtualBox",
		.version = "1.2",
		.family = "Virtual Machine",
		.board_vendor = "Oracle Corporation",
		.board_product = "VirtualBox",
		.chassis_vendor = "Oracle Corporation",
		.oem_string_count = 2,
		.oem_strings = {"vboxVer_5.0.20", "vboxRev_106931"},
		.problem_count = 2,
		.problems = {"_SM_ entry point: checksum mismatch", "family: non-printable bytes replaced by '?'"},
		.problems_dropped = 1};
}

static void build_full_report(struct report *r)
{
	static const bool features[CPU_FEATURE_COUNT] = {
		[CPU_FEATURE_TSC] = true,           [CPU_FEATURE_RDTSCP] = true,        [CPU_FEATURE_HYPERVISOR] = true,
		[CPU_FEATURE_MONITOR_MWAIT] = true, [CPU_FEATURE_INVARIANT_TSC] = true,
	};
	struct hv_base *kvm = &r->platform.hv.bases[0], *unnamed = &r->platform.hv.bases[1];

	memset(r, 0, sizeof(*r));
	strcpy(r->tool_version, "v1.2-3-gabcdef0-dirty");
	strcpy(r->machine_kind, "sim");
	strcpy(r->mode, "quick");
	strcpy(r->platform.cpu.vendor, "GenuineIntel");
	strcpy(r->platform.cpu.brand,
	       "Intel(R) \"Quoted\" \\ Brand @ 2.10GHz"); /* quotes and backslash need escaping */
	r->platform.cpu.max_basic_leaf = 0x16;
	r->platform.cpu.max_extended_leaf = 0x80000008;
	r->platform.cpu.family = 6;
	r->platform.cpu.model = 0x55;
	r->platform.cpu.stepping = 7;
	memcpy(r->platform.cpu.features, features, sizeof(features));
	r->platform.cpu.mwait = (struct mwait_info){true, 64, 128, true, false, {0, 2, 1, 1, 0, 0, 0, 15}};
	r->platform.cpu.leaf15 = (struct leaf15_info){true, 2, 176, 24000000, 2112000000ull};
	r->platform.cpu.leaf16 = (struct leaf16_info){true, 2100, 3700, 100};

	r->platform.hv.count = 2;
	r->platform.hv.dropped = 3;
	*kvm = (struct hv_base){.base = 0x40000000,
				.signature = "KVMKVMKVM\0\0\0",
				.max_leaf = 0x40000010,
				.range = HV_RANGE_OK,
				.timing = HV_TIMING_PRESENT,
				.timing_tsc_khz = 2112000,
				.timing_apic_bus_khz = 1000000};
	fill_leaves(kvm, 17);
	/* VirtualBox Minimal: all-NUL signature; here with a max leaf below its base. */
	*unnamed = (struct hv_base){.base = 0x40000100,
				    .max_leaf = 0x3fffffff,
				    .range = HV_RANGE_BELOW_BASE,
				    .timing = HV_TIMING_NOT_OFFERED};
	fill_leaves(unnamed, 1);

	build_measurements(r);
	build_smbios(&r->platform.smbios);
	build_idle(&r->idle);
	build_watch(&r->watch);
	build_claims_and_verdicts(r);
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
#define assert_figure_equal(got, want)                                                            \
	do {                                                                                      \
		if ((got) != (want))                                                              \
			fail_msg("%s: %.9g, expected %.9g", #got, (double)(got), (double)(want)); \
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
	assert_int_equal(got->tsc_derived, want->tsc_derived);
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
	assert_int_equal(got->jumps_backward, want->jumps_backward);
	assert_int_equal(got->jumps_forward, want->jumps_forward);
	assert_int_equal(got->disagrees, want->disagrees);
	assert_int_equal(got->finding_count, want->finding_count);
	for (unsigned i = 0; i < want->finding_count; i++)
		assert_string_equal(got->findings[i], want->findings[i]);
}

static void assert_smbios_equal(const struct smbios_info *got, const struct smbios_info *want)
{
	assert_int_equal(got->present, want->present);
	assert_int_equal(got->entry, want->entry);
	assert_int_equal(got->major, want->major);
	assert_int_equal(got->minor, want->minor);
	assert_int_equal(got->docrev, want->docrev);
	assert_int_equal(got->table_address, want->table_address);
	assert_int_equal(got->table_length, want->table_length);
	assert_int_equal(got->structure_count, want->structure_count);
	for (unsigned i = 0; i < SMBIOS_STRING_COUNT; i++)
		assert_string_equal(smbios_string(got, &smbios_string_defs[i]),
				    smbios_string(want, &smbios_string_defs[i]));
	assert_int_equal(got->oem_string_count, want->oem_string_count);
	for (unsigned i = 0; i < want->oem_string_count; i++)
		assert_string_equal(got->oem_strings[i], want->oem_strings[i]);
	assert_int_equal(got->problem_count, want->problem_count);
	for (unsigned i = 0; i < want->problem_count; i++)
		assert_string_equal(got->problems[i], want->problems[i]);
	assert_int_equal(got->problems_dropped, want->problems_dropped);
}

static void assert_measurements_equal(const struct report *got, const struct report *want)
{
	assert_figure_equal(got->duration_s, want->duration_s);
	assert_acpi_equal(&got->platform.acpi, &want->platform.acpi);
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

static void assert_idle_run_equal(const struct idle_run *got, const struct idle_run *want)
{
	assert_int_equal(got->kind, want->kind);
	assert_int_equal(got->hint, want->hint);
	assert_string_equal(got->cstate, want->cstate);
	assert_int_equal(got->done, want->done);
	assert_string_equal(got->status, want->status);
	assert_figure_equal(got->requested_us, want->requested_us);
	assert_figure_equal(got->actual_us, want->actual_us);
	assert_figure_equal(got->tsc_lost_us, want->tsc_lost_us);
	assert_figure_equal(got->tsc_lost_ppm, want->tsc_lost_ppm);
	assert_figure_equal(got->uncertainty_ppm, want->uncertainty_ppm);
	assert_int_equal(got->lapic_measured, want->lapic_measured);
	assert_figure_equal(got->lapic_lost_ppm, want->lapic_lost_ppm);
	assert_int_equal(got->wakes, want->wakes);
	assert_int_equal(got->at_once.returns, want->at_once.returns);
	assert_figure_equal(got->at_once.each_us, want->at_once.each_us);
	assert_figure_equal(got->at_once.uncertainty_us, want->at_once.uncertainty_us);
	/* The file gives the LAPIC timer's own uncertainty only through its word: the words must agree. */
	assert_string_equal(idle_tsc_word(got), idle_tsc_word(want));
	assert_string_equal(idle_lapic_word(got), idle_lapic_word(want));
}

static void assert_idle_equal(const struct idle_report *got, const struct idle_report *want)
{
	assert_int_equal(got->ran, want->ran);
	assert_string_equal(got->reference, want->reference);
	assert_string_equal(got->wake_source, want->wake_source);
	assert_string_equal(got->phase, want->phase);
	assert_string_equal(got->lapic_note, want->lapic_note);
	assert_int_equal(got->mwait_offered, want->mwait_offered);
	assert_int_equal(got->runs_skipped, want->runs_skipped);
	assert_int_equal(got->run_count, want->run_count);
	for (unsigned i = 0; i < want->run_count; i++)
		assert_idle_run_equal(&got->runs[i], &want->runs[i]);
}

static void assert_watch_equal(const struct watch_report *got, const struct watch_report *want)
{
	assert_int_equal(got->ran, want->ran);
	assert_int_equal(got->stopped_early, want->stopped_early);
	assert_figure_equal(got->duration_s, want->duration_s);
	assert_figure_equal(got->interval_s, want->interval_s);
	assert_int_equal(got->busy, want->busy);
	assert_string_equal(got->reference, want->reference);
	assert_int_equal(got->samples, want->samples);
	assert_int_equal(got->series_count, want->series_count);
	for (unsigned i = 0; i < want->series_count; i++) {
		const struct watch_series *g = &got->series[i], *w = &want->series[i];
		assert_string_equal(g->name, w->name);
		assert_string_equal(g->label, w->label);
		assert_int_equal(g->is_claim, w->is_claim);
		assert_figure_equal(g->final_offset_s, w->final_offset_s);
		assert_figure_equal(g->drift_ppm, w->drift_ppm);
		assert_figure_equal(g->uncertainty_ppm, w->uncertainty_ppm);
		assert_figure_equal(g->predicted_ppm, w->predicted_ppm);
		assert_int_equal(g->rate_changed, w->rate_changed);
		assert_figure_equal(g->change_at_s, w->change_at_s);
		assert_figure_equal(g->rate_before_ppm, w->rate_before_ppm);
		assert_figure_equal(g->rate_after_ppm, w->rate_after_ppm);
	}
}

static void assert_hyperv_equal(const struct hyperv_info *got, const struct hyperv_info *want)
{
	assert_int_equal(got->present, want->present);
	assert_int_equal(got->base, want->base);
	assert_int_equal(got->privileges, want->privileges);
	assert_int_equal(got->power_management, want->power_management);
	assert_int_equal(got->features, want->features);
	assert_int_equal(got->hints, want->hints);
}

static void assert_claim_equal(const struct claim *got, const struct claim *want)
{
	assert_ptr_equal(got->kind, want->kind);
	assert_string_equal(got->source, want->source);
	assert_string_equal(got->label, want->label);
	assert_int_equal(got->where, want->where);
	assert_int_equal(got->status, want->status);
	assert_figure_equal(got->tsc_hz, want->tsc_hz);
	assert_int_equal(got->detail_count, want->detail_count);
	for (unsigned i = 0; i < want->detail_count; i++) {
		const struct claim_detail *g = &got->details[i], *w = &want->details[i];
		assert_string_equal(g->key, w->key);
		assert_int_equal(g->kind, w->kind);
		assert_int_equal(g->u, w->u);
		assert_int_equal(g->i, w->i);
	}
}

static void assert_verdict_equal(const struct verdict *got, const struct verdict *want)
{
	assert_string_equal(got->id, want->id);
	assert_int_equal(got->severity, want->severity);
	assert_string_equal(got->message, want->message);
	assert_int_equal(got->has_figures, want->has_figures);
	assert_figure_equal(got->ppm, want->ppm);
	assert_figure_equal(got->combined_uncertainty_ppm, want->combined_uncertainty_ppm);
	assert_figure_equal(got->drift_s_per_day, want->drift_s_per_day);
	assert_figure_equal(got->drift_s_per_5min, want->drift_s_per_5min);
}

static void assert_claims_and_verdicts_equal(const struct report *got, const struct report *want)
{
	assert_hyperv_equal(&got->platform.hyperv, &want->platform.hyperv);
	assert_int_equal(got->claims.count, want->claims.count);
	for (unsigned i = 0; i < want->claims.count; i++)
		assert_claim_equal(&got->claims.items[i], &want->claims.items[i]);
	assert_int_equal(got->faults.count, want->faults.count);
	for (unsigned i = 0; i < want->faults.count; i++) {
		assert_string_equal(got->faults.entries[i].access, want->faults.entries[i].access);
		assert_int_equal(got->faults.entries[i].msr, want->faults.entries[i].msr);
		assert_string_equal(got->faults.entries[i].status, want->faults.entries[i].status);
	}
	assert_int_equal(got->faults.dropped, want->faults.dropped);
	assert_int_equal(got->verdict_count, want->verdict_count);
	for (unsigned i = 0; i < want->verdict_count; i++)
		assert_verdict_equal(&got->verdicts[i], &want->verdicts[i]);
}

static void assert_report_equal(const struct report *got, const struct report *want)
{
	assert_string_equal(got->tool_version, want->tool_version);
	assert_string_equal(got->machine_kind, want->machine_kind);
	assert_string_equal(got->mode, want->mode);
	assert_cpu_equal(&got->platform.cpu, &want->platform.cpu);
	assert_smbios_equal(&got->platform.smbios, &want->platform.smbios);
	assert_int_equal(got->platform.hv.count, want->platform.hv.count);
	assert_int_equal(got->platform.hv.dropped, want->platform.hv.dropped);
	for (uint32_t i = 0; i < want->platform.hv.count; i++)
		assert_base_equal(&got->platform.hv.bases[i], &want->platform.hv.bases[i]);
	assert_measurements_equal(got, want);
	assert_idle_equal(&got->idle, &want->idle);
	assert_watch_equal(&got->watch, &want->watch);
	assert_claims_and_verdicts_equal(got, want);
}

static void test_every_field_survives_write_and_read(void **state)
{
	(void)state;
	build_full_report(&written);
	read_json(write_json(&written), &read_back);
	assert_report_equal(&read_back, &written);
	/* The timing leaf is found where hv_find_leaf looks for it. */
	assert_int_equal(hv_find_leaf(&read_back.platform.hv.bases[0], 0x40000010)->regs.eax, 0x1010);
}

static void test_absent_blocks_read_back_as_not_present(void **state)
{
	(void)state;
	build_full_report(&written);
	written.platform.cpu.mwait = (struct mwait_info){0};
	written.platform.cpu.leaf15 = (struct leaf15_info){0};
	written.platform.cpu.leaf16 = (struct leaf16_info){0};
	written.platform.hv.count = 0;
	written.platform.acpi = (struct acpi_info){.rsdp_found = false};
	written.platform.smbios = (struct smbios_info){.problem_count = 1, .problems = {"_SM3_ entry point: unmapped"}};
	written.reference_count = written.cross_check_count = 0;
	written.tsc = (struct tsc_estimate){0};
	written.duration_s = 0;
	written.platform.hyperv = (struct hyperv_info){0};
	written.idle = (struct idle_report){0};
	written.watch = (struct watch_report){0};
	written.claims.count = written.faults.count = written.faults.dropped = written.verdict_count = 0;
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
			written.platform.hv.bases[0].range = ranges[r];
			written.platform.hv.bases[0].timing = timings[t];
			if (timings[t] != HV_TIMING_PRESENT) /* the writer gives the frequencies only when present */
				written.platform.hv.bases[0].timing_tsc_khz =
					written.platform.hv.bases[0].timing_apic_bus_khz = 0;
			read_json(write_json(&written), &read_back);
			assert_base_equal(&read_back.platform.hv.bases[0], &written.platform.hv.bases[0]);
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
		written.platform.acpi.root = roots[i];
		written.platform.acpi.pm_timer.port_field = fields[i];
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
	written.platform.hv.count = HV_MAX_BASES;
	for (uint32_t i = 0; i < HV_MAX_BASES; i++) {
		written.platform.hv.bases[i] = written.platform.hv.bases[0];
		written.platform.hv.bases[i].base = HV_BASE_FIRST + i * HV_BASE_STEP;
		fill_leaves(&written.platform.hv.bases[i], HV_MAX_LEAVES);
	}
	written.claims.count = CLAIM_LIST_CAPACITY;
	for (unsigned i = 0; i < CLAIM_LIST_CAPACITY; i++)
		written.claims.items[i] = written.claims.items[2];
	written.faults.count = FAULT_LOG_CAPACITY;
	for (unsigned i = 0; i < FAULT_LOG_CAPACITY; i++)
		written.faults.entries[i] = written.faults.entries[i % 2];
	written.verdict_count = REPORT_MAX_VERDICTS;
	for (unsigned i = 0; i < REPORT_MAX_VERDICTS; i++)
		written.verdicts[i] = written.verdicts[i % 5];
	written.idle.run_count = IDLE_MAX_RUNS;
	for (unsigned i = 0; i < IDLE_MAX_RUNS; i++)
		written.idle.runs[i] = written.idle.runs[i % 6];
	written.watch.series_count = WATCH_MAX_SERIES;
	for (unsigned i = 0; i < WATCH_MAX_SERIES; i++)
		written.watch.series[i] = written.watch.series[i % 3];
	/* The longest name and label the model holds. */
	memset(written.watch.series[3].name, 'n', sizeof(written.watch.series[3].name) - 1);
	memset(written.watch.series[3].label, 'l', sizeof(written.watch.series[3].label) - 1);
	read_json(write_json(&written), &read_back);
	assert_report_equal(&read_back, &written);
}

/* JSON has one kind of integer: the sign decides, and the text report prints the same number either way. */
static void test_a_signed_detail_that_is_not_negative_reads_back_unsigned(void **state)
{
	struct claim_detail *shift = &written.claims.items[0].details[1];
	struct buffer_sink a, b;
	(void)state;

	build_full_report(&written);
	*shift = (struct claim_detail){.key = "tsc_shift", .kind = DETAIL_INT, .i = 1};
	read_json(write_json(&written), &read_back);
	assert_int_equal(read_back.claims.items[0].details[1].kind, DETAIL_UINT);
	assert_int_equal(read_back.claims.items[0].details[1].u, 1);
	buffer_sink_init(&a, text_a, sizeof(text_a));
	buffer_sink_init(&b, text_b, sizeof(text_b));
	report_write_text(&written, &a.sink);
	report_write_text(&read_back, &b.sink);
	assert_string_equal(text_b, text_a);
}

/* The reader checks the decoded members against the registers: one bit at a time, its table must be the writer's. */
static void test_every_hyperv_register_bit_agrees_with_its_decoded_member(void **state)
{
	uint32_t *const registers[] = {&written.platform.hyperv.privileges, &written.platform.hyperv.power_management,
				       &written.platform.hyperv.features, &written.platform.hyperv.hints};
	(void)state;

	build_full_report(&written);
	for (size_t r = 0; r < ARRAY_SIZE(registers); r++)
		for (unsigned bit = 0; bit < 32; bit++) {
			for (size_t other = 0; other < ARRAY_SIZE(registers); other++)
				*registers[other] = 0;
			*registers[r] = 1u << bit;
			read_json(write_json(&written), &read_back);
			assert_hyperv_equal(&read_back.platform.hyperv, &written.platform.hyperv);
		}
}

/* jw_double writes a figure beyond 10^18 with an exponent (a drift against a near-0 Hz claim), and an infinite one
 * (against a 0 Hz claim) as null. Either way the verdict still has its figures. */
static void test_a_huge_or_infinite_figure_keeps_the_verdicts_figures(void **state)
{
	(void)state;

	build_full_report(&written);
	written.verdicts[0].drift_s_per_day = 1e300;
	written.verdicts[0].drift_s_per_5min = (double)INFINITY;
	read_json(write_json(&written), &read_back);
	assert_true(read_back.verdicts[0].has_figures);
	assert_figure_equal(read_back.verdicts[0].ppm, written.verdicts[0].ppm);
	assert_true(fabs(read_back.verdicts[0].drift_s_per_day - 1e300) <= 1e300 * 1e-9);
	assert_figure_equal(read_back.verdicts[0].drift_s_per_5min, 0.0);
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
	assert_string_equal(read_back.mode, ""); /* written before the mode was */
	assert_string_equal(read_back.platform.cpu.vendor, "AuthenticAMD");
	assert_string_equal(read_back.platform.cpu.brand, "QEMU Virtual CPU version 2.5+");
	assert_int_equal(read_back.platform.cpu.family, 0xf);
	assert_int_equal(read_back.platform.cpu.model, 0x6b);
	assert_int_equal(read_back.platform.cpu.max_basic_leaf, 0xd);
	assert_true(read_back.platform.cpu.features[CPU_FEATURE_HYPERVISOR]);
	assert_false(read_back.platform.cpu.features[CPU_FEATURE_RDTSCP]);
	assert_false(read_back.platform.cpu.mwait.present); /* "mwait": null */
	assert_int_equal(read_back.platform.hv.count, 1);
	assert_string_equal(hv_name(read_back.platform.hv.bases[0].signature), "QEMU TCG");
	assert_int_equal(read_back.platform.hv.bases[0].max_leaf, 0x40000001);
	assert_int_equal(read_back.platform.hv.bases[0].leaf_count, 2);
	assert_int_equal(read_back.platform.hv.bases[0].leaves[0].regs.ebx, 0x54474354); /* "TCGT" */
	assert_int_equal(read_back.platform.hv.bases[0].timing, HV_TIMING_NOT_OFFERED);

	if (report_read_file(testdata_path("reports/qemu-q35-tcg-cpu-max.json"), &read_back, error, sizeof(error)))
		fail_msg("%s", error);
	assert_string_equal(read_back.platform.cpu.brand, "QEMU TCG CPU version 2.5+");
	assert_true(read_back.platform.cpu.features[CPU_FEATURE_RDTSCP]);
	assert_true(read_back.platform.cpu.mwait.present);
	assert_true(read_back.platform.cpu.mwait.extensions);
	assert_true(read_back.platform.cpu.mwait.interrupt_break);

	if (report_read_file(testdata_path("reports/qemu-q35-tcg-measured.json"), &read_back, error, sizeof(error)))
		fail_msg("%s", error);
	assert_string_equal(read_back.platform.acpi.oem_id, "BOCHS ");
	assert_int_equal(read_back.platform.acpi.root, ACPI_ROOT_XSDT);
	assert_int_equal(read_back.platform.acpi.pm_timer.port, 0x608);
	assert_int_equal(read_back.platform.acpi.pm_timer.port_field, ACPI_PM_PORT_X_PM_TMR_BLK);
	assert_int_equal(read_back.platform.acpi.hpet.base, 0xfed00000);
	assert_true(read_back.platform.acpi.waet.present && read_back.platform.acpi.waet.pm_timer_good &&
		    !read_back.platform.acpi.waet.rtc_good);
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
	assert_string_equal(read_back.platform.cpu.vendor, "");
	assert_int_equal(read_back.platform.cpu.family, 0);
	assert_false(read_back.platform.cpu.features[CPU_FEATURE_TSC]);
	assert_false(read_back.platform.cpu.mwait.present);
	assert_false(read_back.platform.cpu.leaf15.present);
	assert_int_equal(read_back.platform.hv.count, 0);
	assert_int_equal(read_back.platform.hv.dropped, 0);
}

/* Older tscprobe/1 reports lack the sections added since: they read, with nothing in them. */
static void test_reports_from_before_claims_idle_and_watch_read_without_them(void **state)
{
	(void)state;

	if (report_read_file(testdata_path("reports/qemu-q35-tcg-measured.json"), &read_back, error, sizeof(error)))
		fail_msg("%s", error);
	assert_false(read_back.idle.ran);
	assert_int_equal(read_back.idle.run_count, 0);
	assert_false(read_back.platform.hyperv.present);
	assert_int_equal(read_back.claims.count, 0);
	assert_int_equal(read_back.faults.count, 0);
	assert_int_equal(read_back.faults.dropped, 0);
	assert_int_equal(read_back.verdict_count, 0);
	assert_false(read_back.watch.ran);
	for (unsigned i = 0; i < read_back.reference_count; i++)
		assert_false(read_back.references[i].tsc_derived);

	/* A report of a run without a watch says so with null. */
	if (report_read_file(testdata_path("reports/sim-kvm-hyperv.json"), &read_back, error, sizeof(error)))
		fail_msg("%s", error);
	assert_false(read_back.watch.ran);
	assert_int_equal(read_back.watch.series_count, 0);
}

/* The identity and the fixes come back as written; a report from before them gets its identity decided on reading. */
static void test_identity_and_fixes_round_trip(void **state)
{
	(void)state;
	if (report_read_file(testdata_path("reports/sim-virtualbox-5.0-kvm-watch.json"), &read_back, error,
			     sizeof(error)))
		fail_msg("%s", error);
	assert_string_equal(read_back.platform.identity.summary,
			    "VirtualBox 5.0.20 r106931, KVM paravirtualization provider");
	assert_string_equal(read_back.platform.identity.short_name, "VirtualBox/KVM");
	assert_true(read_back.platform.identity.evidence_count >= 3);
	assert_string_equal(read_back.platform.identity.evidence[0].source, "CPUID 0x40000000");
	assert_non_null(strstr(read_back.verdicts[0].fix, "TSCTicksPerSecond\" 3400109000"));
	written = read_back;
	read_json(write_json(&written), &read_back);
	assert_memory_equal(&written.platform.identity, &read_back.platform.identity,
			    sizeof(written.platform.identity));
	assert_string_equal(written.verdicts[0].fix, read_back.verdicts[0].fix);

	if (report_read_file(testdata_path("reports/qemu-q35-tcg.json"), &read_back, error, sizeof(error)))
		fail_msg("%s", error);
	assert_string_equal(read_back.platform.identity.summary, "QEMU under TCG");
}

/* What tscprobe sim wrote for tests/data/scenarios/kvm-hyperv.json: every section of today's writer. */
static void test_reads_a_report_with_claims_and_verdicts(void **state)
{
	static const enum detail_kind kvmclock_kinds[] = {DETAIL_UINT, DETAIL_INT,  DETAIL_HEX,
							  DETAIL_BOOL, DETAIL_UINT, DETAIL_BOOL};
	const struct claim *kvmclock = &read_back.claims.items[0];
	(void)state;

	if (report_read_file(testdata_path("reports/sim-kvm-hyperv.json"), &read_back, error, sizeof(error)))
		fail_msg("%s", error);
	assert_true(read_back.platform.hyperv.present);
	assert_int_equal(read_back.platform.hyperv.base, 0x40000000);
	assert_int_equal(read_back.platform.hyperv.privileges, 0x2a22);
	assert_int_equal(read_back.platform.hyperv.features, 0x100);
	assert_int_equal(read_back.claims.count, 3);
	assert_string_equal(kvmclock->source, "kvmclock");
	assert_string_equal(read_back.claims.items[2].source, "hyperv_reference_tsc_page");
	assert_int_equal(kvmclock->detail_count, ARRAY_SIZE(kvmclock_kinds));
	for (unsigned i = 0; i < ARRAY_SIZE(kvmclock_kinds); i++)
		assert_int_equal(kvmclock->details[i].kind, kvmclock_kinds[i]);
	assert_string_equal(kvmclock->details[1].key, "tsc_shift");
	assert_int_equal(kvmclock->details[1].i, -1);
	assert_int_equal(kvmclock->where, 0x4b564d01);
	assert_int_equal(kvmclock->status, CLAIM_STATED);
	assert_int_equal(read_back.claims.items[2].where, 0x40000021);
	assert_int_equal(read_back.faults.count, 0);
	assert_int_equal(read_back.verdict_count, 9);
	assert_string_equal(read_back.verdicts[0].id, "invariant_tsc.absent");
	assert_int_equal(read_back.verdicts[0].severity, SEVERITY_WARN);
	assert_false(read_back.verdicts[0].has_figures);
	assert_string_equal(read_back.verdicts[4].id, "claim.kvmclock.4b564d01");
	assert_int_equal(read_back.verdicts[4].severity, SEVERITY_PASS);
	assert_true(read_back.verdicts[4].has_figures);
	assert_figure_equal(read_back.verdicts[4].combined_uncertainty_ppm, 0.005409);
	assert_string_equal(read_back.references[6].name, "kvmclock");
	assert_true(read_back.references[6].tsc_derived);
	assert_false(read_back.references[7].tsc_derived);
}

/* The motivating case as tscprobe sim saw it: the TSC and the LAPIC timer stop in MWAIT C2 (hint 0x10). */
static void test_reads_the_idle_section_of_a_sim_report(void **state)
{
	const struct idle_run *c2 = &read_back.idle.runs[32], *not_offered = &read_back.idle.runs[16];
	(void)state;

	if (report_read_file(testdata_path("reports/sim-hyperv-c3-remap.json"), &read_back, error, sizeof(error)))
		fail_msg("%s", error);
	assert_true(read_back.idle.ran);
	assert_string_equal(read_back.idle.reference, "hv_refcount");
	assert_string_equal(read_back.idle.phase, "boot services");
	assert_true(read_back.idle.mwait_offered);
	assert_int_equal(read_back.idle.run_count, IDLE_MAX_RUNS);
	assert_int_equal(read_back.idle.runs[0].kind, IDLE_KIND_BUSY);
	assert_int_equal(read_back.idle.runs[8].kind, IDLE_KIND_HLT);
	assert_int_equal(c2->kind, IDLE_KIND_MWAIT);
	assert_int_equal(c2->hint, 0x10);
	assert_string_equal(c2->cstate, "C2");
	assert_true(c2->done && c2->lapic_measured);
	assert_figure_equal(c2->requested_us, 1000.0);
	assert_string_equal(idle_tsc_word(c2), "stops");
	assert_string_equal(idle_lapic_word(c2), "stops");
	assert_int_equal(c2->wakes, 1);
	assert_string_equal(read_back.verdicts[0].id, "idle.mwait.C2.tsc");
	assert_int_equal(read_back.verdicts[0].severity, SEVERITY_FAIL);

	if (report_read_file(testdata_path("reports/sim-kvm-hyperv.json"), &read_back, error, sizeof(error)))
		fail_msg("%s", error);
	assert_false(read_back.idle.mwait_offered);
	assert_int_equal(read_back.idle.run_count, 17);
	assert_int_equal(not_offered->kind, IDLE_KIND_MWAIT);
	assert_false(not_offered->done);
	assert_string_equal(not_offered->status, "not offered: CPUID.1:ECX[3] is clear");
	assert_false(read_back.idle.runs[15].lapic_measured); /* the firmware's tick owns the LAPIC timer */
}

/* VirtualBox 5.0's KVM provider watched for 5 min: the clock trusting its kvmclock scale loses 6.74 s. */
static void test_reads_the_watch_section_of_a_sim_report(void **state)
{
	const struct watch_series *tsc = &read_back.watch.series[0], *kvmclock = &read_back.watch.series[4];
	const struct watch_series *claim = &read_back.watch.series[5];
	(void)state;

	if (report_read_file(testdata_path("reports/sim-virtualbox-5.0-kvm-watch.json"), &read_back, error,
			     sizeof(error)))
		fail_msg("%s", error);
	assert_true(read_back.watch.ran);
	assert_false(read_back.watch.stopped_early);
	assert_false(read_back.watch.busy);
	assert_string_equal(read_back.watch.reference, "acpi_pm");
	assert_figure_equal(read_back.watch.duration_s, 300.008);
	assert_figure_equal(read_back.watch.interval_s, 10.0);
	assert_int_equal(read_back.watch.samples, 31);
	assert_int_equal(read_back.watch.series_count, 6);
	assert_string_equal(tsc->name, "tsc");
	assert_false(tsc->is_claim);
	assert_string_equal(kvmclock->name, "kvmclock");
	assert_figure_equal(kvmclock->final_offset_s, -6.741933007);
	assert_figure_equal(kvmclock->drift_ppm, -22472.490655);
	assert_string_equal(claim->name, "claim.kvmclock.4b564d01");
	assert_string_equal(claim->label, "clock trusting KVM kvmclock (pvclock scale)");
	assert_true(claim->is_claim);
	assert_figure_equal(claim->final_offset_s, -6.741927696);
	assert_figure_equal(claim->uncertainty_ppm, 0.003726);
	assert_figure_equal(claim->predicted_ppm, -22472.481136);
	for (unsigned i = 0; i < read_back.watch.series_count; i++)
		assert_false(read_back.watch.series[i].rate_changed);
}

/* Figures a hair past a threshold: the writer words them before rounding, so either word must read. */
static const struct rounding_case {
	double lost_ppm, uncertainty_ppm;
} rounding_cases[] = {
	{10.0000004, 1.0},     /* slows; rounded to 10 ppm, it runs */
	{20.0, 19.9999996},    /* slows; rounded, the loss is within the uncertainty: it runs */
	{499999.9999996, 1.0}, /* slows; rounded to half the period, it stops */
};

static void test_words_at_a_threshold_read_whichever_way_the_writer_rounded(void **state)
{
	struct idle_run *hlt = &written.idle.runs[1];
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(rounding_cases); i++) {
		build_full_report(&written);
		hlt->tsc_lost_ppm = hlt->lapic_lost_ppm = rounding_cases[i].lost_ppm;
		hlt->uncertainty_ppm = hlt->lapic_uncertainty_ppm = rounding_cases[i].uncertainty_ppm;
		read_json(write_json(&written), &read_back);
	}
}

/* Reads a text file of test data into dst, NUL-terminated. */
static void load_text(const char *relative, char *dst, size_t size)
{
	FILE *file = fopen(testdata_path(relative), "rb");
	size_t length;

	if (!file)
		fail_msg("cannot open %s", testdata_path(relative));
	length = fread(dst, 1, size - 1, file);
	assert_true(feof(file));
	fclose(file);
	dst[length] = '\0';
}

/* JSON and text that one run of tscprobe sim wrote (tests/data/reports/README.md): show gives the same text. */
static const char *const sim_reports[] = {"sim-kvm-hyperv", "sim-hyperv-c3-remap", "sim-virtualbox-5.0-kvm-watch"};

static void test_shown_text_of_a_sim_report_is_the_text_sim_printed(void **state)
{
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(sim_reports); i++) {
		char json_path[64], text_path[64];
		struct buffer_sink b;

		snprintf(json_path, sizeof(json_path), "reports/%s.json", sim_reports[i]);
		snprintf(text_path, sizeof(text_path), "reports/%s.txt", sim_reports[i]);
		if (report_read_file(testdata_path(json_path), &read_back, error, sizeof(error)))
			fail_msg("%s", error);
		buffer_sink_init(&b, text_b, sizeof(text_b));
		report_write_text(&read_back, &b.sink);
		load_text(text_path, text_a, sizeof(text_a));
		if (strcmp(text_b, text_a))
			fail_msg("%s: tscprobe show differs from what tscprobe sim printed", sim_reports[i]);
	}
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
	{"no-tool-version.json", "tool.version: required member is missing"},
	{"no-cpu.json", "cpu: required member is missing"},
	{"hypervisors-object.json", "hypervisors: expected an array, got an object"},
	{"family-string.json", "cpu.family: expected an unsigned integer, got \"15\""},
	{"stepping-negative.json", "cpu.stepping: expected an unsigned integer, got a negative integer"},
	{"leaf16-mhz-too-big.json", "cpu.leaf16.base_mhz: 70000 is out of range (at most 65535)"},
	{"vendor-too-long.json", "cpu.vendor: 13 characters, more than the 12 this tool holds"},
	{"feature-not-bool.json", "cpu.features.tsc: expected true or false, got an integer"},
	{"max-basic-leaf-too-wide.json", "cpu.max_basic_leaf: 0x100000000 is out of range (at most 0xffffffff)"},
	{"max-leaf-not-hex.json",
	 "hypervisors[1].max_leaf: expected a hex string like \"0x40000001\", got \"40000101\""},
	{"signature-short.json", "hypervisors[0].signature: \"TCGTCG\" is not 12 bytes"},
	{"max-leaf-status-unknown.json",
	 "hypervisors[0].max_leaf_status: expected one of \"ok\", \"below_base\", \"beyond_block\", \"kvm_zero\", got \"maybe\""},
	{"leaf-gap.json", "hypervisors[0].leaves[1].leaf: 0x40000002 where 0x40000001 was expected"},
	{"leaves-300.json", "hypervisors[0].leaves: 300 entries, more than the 256 this tool holds"},
	{"bases-20.json", "hypervisors: 20 entries, more than the 8 this tool holds"},
	{"acpi-root-unknown.json", "acpi.root: expected one of \"none\", \"xsdt\", \"rsdt\", got \"rsdp\""},
	{"pm-timer-port-too-wide.json", "acpi.pm_timer.port: 0x10608 is out of range (at most 0xffff)"},
	{"references-9.json", "references: 9 entries, more than the 8 this tool holds"},
	{"reference-tsc-hz-string.json", "references[1].tsc_hz: expected a number, got \"2445424115.6\""},
	{"finding-too-long.json", "references[0].findings[1]: 112 characters, more than the 111 this tool holds"},
	{"reference-tsc-derived-string.json", "references[6].tsc_derived: expected true or false, got \"yes\""},
	{"reference-jumps-negative.json",
	 "references[1].jumps_forward: expected an unsigned integer, got a negative integer"},
	{"hyperv-features-integer.json", "hyperv.features: expected a hex string like \"0x40000001\", got an integer"},
	{"hyperv-decoded-disagrees.json",
	 "hyperv.access_reference_tsc: false disagrees with hyperv.privileges 0x00002a22 (bit 9: true)"},
	{"claims-object.json", "claims: expected an array, got an object"},
	{"claims-13.json", "claims: 13 entries, more than the 12 this tool holds"},
	{"claim-no-source.json", "claims[2].source: required member is missing"},
	{"claim-detail-object.json",
	 "claims[0].details.tsc_shift: expected an integer, a hex string, true or false, got an object"},
	{"claim-details-11.json", "claims[0].details: 11 members, more than the 10 this tool holds"},
	{"claim-detail-name-too-long.json",
	 "claims[0].details.tsc_to_system_multiplier_x: a name of 26 characters, more than the 23 this tool holds"},
	{"fault-msr-integer.json", "faults[0].msr: expected a hex string like \"0x40000001\", got an integer"},
	{"verdict-severity-fatal.json",
	 "verdicts[0].severity: expected one of \"fail\", \"warn\", \"info\", \"pass\", got \"fatal\""},
	{"verdict-no-id.json", "verdicts[1].id: required member is missing"},
	{"verdict-no-severity.json", "verdicts[2].severity: required member is missing"},
	{"verdict-figures-partial.json", "verdicts[3].drift_s_per_5min: missing (a verdict's figures come together)"},
	{"idle-object.json", "idle: expected an array, got an object"},
	{"idle-65.json", "idle: 65 entries, more than the 64 this tool holds"},
	{"idle-method-sleep.json", "idle[8].method: expected one of \"busy\", \"hlt\", \"mwait\", got \"sleep\""},
	{"idle-requested-string.json", "idle[2].requested_us: expected a number, got \"10000.0\""},
	{"idle-figures-partial.json", "idle[3].tsc_lost_us: missing (a run's figures come together)"},
	{"idle-ok-without-figures.json", "idle[16].status: \"ok\" without figures"},
	{"idle-tsc-word-disagrees.json",
	 "idle[9].tsc: \"slows\" disagrees with tsc_lost_ppm and uncertainty_ppm (\"runs\")"},
	{"idle-run-without-setup.json", "idle[0]: a run without idle_setup"},
	{"idle-at-once-other-status.json",
	 "idle[16].returned_at_once: given with status \"not offered: CPUID.1:ECX[3] is clear\""},
	{"idle-at-once-without-returns.json", "idle[16].returned_at_once: null with status \"returned at once\""},
	{"watch-array.json", "watch: expected an object, got an array"},
	{"watch-busy-string.json", "watch.busy: expected true or false, got \"no\""},
	{"watch-series-21.json", "watch.series: 21 entries, more than the 20 this tool holds"},
	{"watch-series-no-name.json", "watch.series[5].name: required member is missing"},
	{"watch-drift-string.json", "watch.series[4].drift_ppm: expected a number, got \"-22472.38\""},
	{"watch-label-too-long.json", "watch.series[0].label: 48 characters, more than the 47 this tool holds"},
	{"watch-rate-change-partial.json", "watch.series[4].rate_change.after_ppm: required member is missing"},
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
		if (!c->refusal && (status || read_back.platform.cpu.max_basic_leaf != c->value))
			fail_msg("\"%s\": expected 0x%x, got status %d (%s)", c->text, c->value, status, error);
		if (c->refusal && (!status || strncmp(error, "cpu.max_basic_leaf: ", 20) || !strstr(error, c->refusal)))
			fail_msg("\"%s\": expected the refusal \"%s\", got status %d (%s)", c->text, c->refusal, status,
				 error);
	}
}

struct detail_case {
	const char *json;         /* the value of details.k */
	struct claim_detail want; /* when accepted (key aside) */
	const char *refusal;      /* NULL when accepted */
};

/* Each JSON type gives its kind; anything the writer cannot have written is refused. */
static const struct detail_case detail_cases[] = {
	{"0", {.kind = DETAIL_UINT, .u = 0}, NULL},
	{"9223372036854775807", {.kind = DETAIL_UINT, .u = INT64_MAX}, NULL},
	{"-1", {.kind = DETAIL_INT, .i = -1}, NULL},
	{"-9223372036854775808", {.kind = DETAIL_INT, .i = INT64_MIN}, NULL},
	{"\"0x0\"", {.kind = DETAIL_HEX, .u = 0}, NULL},
	{"\"0xffffffffffffffff\"", {.kind = DETAIL_HEX, .u = UINT64_MAX}, NULL},
	{"true", {.kind = DETAIL_BOOL, .u = 1}, NULL},
	{"false", {.kind = DETAIL_BOOL, .u = 0}, NULL},
	{.json = "\"#GP\"", .refusal = "expected a hex string"},
	{.json = "\"\"", .refusal = "expected a hex string"},
	{.json = "\"0x\"", .refusal = "expected a hex string"},
	{.json = "\"0x1g\"", .refusal = "expected a hex string"},
	{.json = "\"0x10000000000000000\"", .refusal = "expected a hex string"}, /* 17 digits */
	{.json = "1.5", .refusal = "expected an integer, a hex string, true or false, got a real number"},
	{.json = "null", .refusal = "got null"},
	{.json = "[1]", .refusal = "got an array"},
	{.json = "{}", .refusal = "got an object"},
};

static void test_claim_details_take_their_kind_from_the_json_type(void **state)
{
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(detail_cases); i++) {
		const struct detail_case *c = &detail_cases[i];
		const struct claim_detail *got = &read_back.claims.items[0].details[0];
		char text[512];
		int status;

		snprintf(text, sizeof(text),
			 "{\"schema\": \"tscprobe/1\", \"tool\": {\"version\": \"t\"}, \"cpu\": {}, "
			 "\"hypervisors\": [], \"claims\": [{\"source\": \"s\", \"details\": {\"k\": %s}}]}",
			 c->json);
		status = report_read_string(text, strlen(text), &read_back, error, sizeof(error));
		if (!c->refusal && (status || got->kind != c->want.kind || got->u != c->want.u || got->i != c->want.i ||
				    strcmp(got->key, "k")))
			fail_msg("%s: expected kind %d, got status %d (%s), kind %d", c->json, c->want.kind, status,
				 error, got->kind);
		if (c->refusal &&
		    (!status || strncmp(error, "claims[0].details.k: ", 21) || !strstr(error, c->refusal)))
			fail_msg("%s: expected the refusal \"%s\", got status %d (%s)", c->json, c->refusal, status,
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
		cmocka_unit_test(test_a_signed_detail_that_is_not_negative_reads_back_unsigned),
		cmocka_unit_test(test_every_hyperv_register_bit_agrees_with_its_decoded_member),
		cmocka_unit_test(test_a_huge_or_infinite_figure_keeps_the_verdicts_figures),
		cmocka_unit_test(test_shown_text_is_the_text_of_the_original),
		cmocka_unit_test(test_identity_and_fixes_round_trip),
		cmocka_unit_test(test_reads_reports_the_app_wrote_under_qemu),
		cmocka_unit_test(test_reports_from_before_claims_idle_and_watch_read_without_them),
		cmocka_unit_test(test_reads_a_report_with_claims_and_verdicts),
		cmocka_unit_test(test_reads_the_idle_section_of_a_sim_report),
		cmocka_unit_test(test_reads_the_watch_section_of_a_sim_report),
		cmocka_unit_test(test_words_at_a_threshold_read_whichever_way_the_writer_rounded),
		cmocka_unit_test(test_shown_text_of_a_sim_report_is_the_text_sim_printed),
		cmocka_unit_test(test_unknown_members_are_ignored_and_absent_ones_stay_zero),
		cmocka_unit_test(test_malformed_reports_are_refused_naming_file_and_field),
		cmocka_unit_test(test_hex_strings_are_parsed_strictly),
		cmocka_unit_test(test_claim_details_take_their_kind_from_the_json_type),
		cmocka_unit_test(test_errors_from_text_name_no_file),
		cmocka_unit_test(test_a_missing_file_is_named_with_the_reason),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
