/*
 * A machine that lies or breaks, through the whole probe: each fault becomes a finding in the report within
 * bounded virtual time, never a hang or a crash; the report is complete (its JSON reads back); and the machine
 * is left as found.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accuracy.h"
#include "cmos.h"
#include "report.h"
#include "report_read.h"
#include "scenario.h"
#include "sim_device.h"
#include "testdata.h"
#include "timesource.h"

/* Every fault below ends well within this much virtual time: a few windows' deadlines, not forever. */
#define FAULT_RUN_MAX_S 60.0
#define REPORT_JSON_BYTES (1u << 20)

static struct sim_config config;
static struct sim sim;
static struct report report, read_back;
static char json[REPORT_JSON_BYTES];

/* A KVM guest with kvmclock on a q35-like machine; `extra` adds or replaces top-level members. */
static void load(const char *extra)
{
	static const char base[] =
		"{\"schema\": \"tscprobe-scenario/1\", \"tsc_hz\": 2000000000,"
		" \"cpu\": {\"vendor\": \"AuthenticAMD\", \"features\": [\"tsc\", \"hypervisor\"]},"
		" \"hypervisors\": [{\"base\": \"0x40000000\", \"signature\": \"KVMKVMKVM\\\\0\\\\0\\\\0\","
		"   \"max_leaf\": \"0x40000001\", \"leaves\": [{\"leaf\": \"0x40000001\", \"eax\": \"0x01000009\"}]}],"
		" \"kvmclock\": {\"msrs\": \"both\", \"stable\": true}}";
	char text[4096], error[256];
	/* Replaced whole, as a member: the loader refuses a member given twice. */
	json_t *scenario = json_loads(base, 0, NULL);
	snprintf(text, sizeof(text), "{%s}", extra);
	json_t *members = json_loads(text, 0, NULL);
	char *merged = NULL;

	if (scenario && members && !json_object_update(scenario, members))
		merged = json_dumps(scenario, 0);
	json_decref(scenario);
	json_decref(members);
	if (!merged)
		fail_msg("scenario: cannot merge %s", extra);
	bool loaded = scenario_load_string(merged, &config, error, sizeof(error));
	free(merged);
	if (!loaded)
		fail_msg("scenario: %s", error);
}

struct device_state {
	uint64_t hpet_conf;
	uint8_t port61;
	struct sim_lapic_state lapic;
};

static struct device_state device_state(void)
{
	return (struct device_state){sim.hpet.gen_conf, sim.pit.port61, sim.lapic};
}

static void run_probe(const char *fault)
{
	static const uint32_t idle_us[] = {10000};
	char error[256];

	sim_init(&sim, &config);
	struct device_state before = device_state();
	testdata_run_probe(&sim, &report, idle_us, 1);

	if (sim_now_seconds(&sim) > FAULT_RUN_MAX_S)
		fail_msg("%s: the probe took %.0f s of virtual time", fault, sim_now_seconds(&sim));
	struct device_state after = device_state();
	if (after.hpet_conf != before.hpet_conf || after.port61 != before.port61 ||
	    after.lapic.lvt_timer != before.lapic.lvt_timer ||
	    after.lapic.initial_count != before.lapic.initial_count ||
	    after.lapic.divide_config != before.lapic.divide_config)
		fail_msg("%s: a device was not left as found", fault);
	if (sim.kvmclock.system_time_msr != 0 || sim.hyperv.reference_tsc_msr != 0)
		fail_msg("%s: a clock page was left enabled", fault);

	struct buffer_sink out;
	buffer_sink_init(&out, json, sizeof(json));
	report_write_json(&report, &out.sink);
	if (out.truncated || report_read_string(json, strlen(json), &read_back, error, sizeof(error)))
		fail_msg("%s: the report does not read back: %s", fault, out.truncated ? "truncated" : error);
}

static const struct reference_report *reference(const char *name)
{
	for (unsigned i = 0; i < report.reference_count; i++)
		if (!strcmp(report.references[i].name, name))
			return &report.references[i];
	fail_msg("no reference %s", name);
	return NULL;
}

static bool has_finding(const struct reference_report *r, const char *text)
{
	for (unsigned i = 0; i < r->finding_count; i++)
		if (strstr(r->findings[i], text))
			return true;
	return false;
}

static const struct verdict *verdict(const char *id)
{
	return testdata_verdict(&report, id);
}

/* What a broken reference clock must become: its reason, or a finding, and the others still give the answer. */
struct clock_fault {
	const char *scenario; /* top-level members */
	const char *reference;
	const char *reason;  /* the start of its reason, or NULL */
	const char *finding; /* part of one of its findings, or NULL */
};

static void test_broken_clocks_are_findings_and_the_tsc_is_still_measured(void **state)
{
	static const struct clock_fault faults[] = {
		{"\"clocks\": {\"pm_timer\": {\"fault\": \"stuck\"}}", "acpi_pm", "the counter did not move", NULL},
		{"\"clocks\": {\"hpet\": {\"fault\": \"all_ones\"}}", "hpet", "its registers read all ones", NULL},
		{"\"clocks\": {\"rtc\": {\"fault\": \"uip_stuck\"}}", "rtc", "the clock never ticked",
		 "update-in-progress flag stayed set"},
		{"\"kvmclock\": {\"msrs\": \"both\", \"fault\": \"version_stuck_odd\"}", "kvmclock",
		 "its page's version stayed odd", NULL},
		{"\"kvmclock\": {\"msrs\": \"both\", \"fault\": \"never_filled\"}", "kvmclock",
		 "the hypervisor never filled its page", NULL},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		const struct clock_fault *f = &faults[i];
		load(f->scenario);
		run_probe(f->scenario);
		const struct reference_report *r = reference(f->reference);
		if (r->measured || (f->reason && strncmp(r->reason, f->reason, strlen(f->reason))))
			fail_msg("%s: %s measured=%d, reason \"%s\", expected \"%s...\"", f->scenario, f->reference,
				 r->measured, r->reason, f->reason);
		if (f->finding && !has_finding(r, f->finding))
			fail_msg("%s: no finding \"%s\"", f->scenario, f->finding);
		assert_true(report.tsc.valid);
		assert_true(fabs(report.tsc.hz / 2e9 - 1) * 1e6 <= report.tsc.uncertainty_ppm);
		assert_true(report.tsc.uncertainty_ppm <= reference_limit_ppm(&config, &report, report.tsc.reference));
	}
}

/* A host that rewrites the TSC mid-run: the step is a failing verdict, the interrupted measurement is taken again. */
/* A kvmclock page the host never writes (version 0, scale 0) states no frequency: a finding, not a 0 Hz FAIL. */
static void test_an_unfilled_kvmclock_page_is_a_finding_not_a_0_hz_claim(void **state)
{
	static const char scenario[] = "\"kvmclock\": {\"msrs\": \"both\", \"fault\": \"never_filled\"}";
	(void)state;
	load(scenario);
	run_probe(scenario);
	assert_int_equal(report.claims.count, 1);
	assert_int_equal(report.claims.items[0].status, CLAIM_EMPTY);
	const struct verdict *v = verdict("claim.kvmclock.4b564d01");
	assert_non_null(v);
	assert_int_equal(v->severity, SEVERITY_WARN);
	assert_non_null(strstr(v->message, "never filled the page"));
	for (unsigned i = 0; i < report.verdict_count; i++)
		if (report.verdicts[i].severity == SEVERITY_FAIL)
			fail_msg("%s fails: %s", report.verdicts[i].id, report.verdicts[i].message);
}

static void test_a_tsc_that_goes_backwards_fails_and_is_measured_around(void **state)
{
	(void)state;
	load("\"events\": [{\"at_s\": 0.3, \"clock\": \"tsc\", \"step_ticks\": -4000000}]");
	run_probe("TSC step back");
	assert_int_equal(report.tsc.backward_steps, 1);
	/* Measured from the read before to the read after: at most the step, at least the part no read straddles. */
	assert_true(report.tsc.largest_backward_step_ticks > 0 && report.tsc.largest_backward_step_ticks <= 4000000);
	const struct verdict *v = verdict("tsc.backwards");
	assert_non_null(v);
	assert_int_equal(v->severity, SEVERITY_FAIL);
	/* In the shared window every clock under way at the step is interrupted (here the edge clocks, waiting for
	 * their first tick): one step, each of them measured again. */
	unsigned interrupted = 0;
	for (unsigned i = 0; i < report.reference_count; i++)
		interrupted += has_finding(&report.references[i], "the TSC went backwards");
	assert_true(interrupted >= 1);
	/* Every figure the probe kept was taken on one side of the step: all agree with the truth, none more uncertain
	 * than a figure taken without a step may be. */
	for (unsigned i = 0; i < report.reference_count; i++) {
		const struct reference_report *r = &report.references[i];
		if (!r->measured || r->tsc_hz <= 0)
			continue;
		if (fabs(r->tsc_hz / 2e9 - 1) * 1e6 > r->uncertainty_ppm)
			fail_msg("%s: %.3f MHz +/- %.3f ppm after the step", r->name, r->tsc_hz / 1e6,
				 r->uncertainty_ppm);
		double limit_ppm = reference_limit_ppm(&config, &report, r->name);
		if (r->uncertainty_ppm > limit_ppm)
			fail_msg("%s: +/- %.4f ppm after the step, more than the %.4f ppm the scenario allows", r->name,
				 r->uncertainty_ppm, limit_ppm);
	}
	assert_int_equal(read_back.tsc.backward_steps, 1);
	assert_true(read_back.tsc.largest_backward_step_ticks == report.tsc.largest_backward_step_ticks);
}

/*
 * A step back larger than an idle period has lasted: the period is dropped, not turned into a loss of minus
 * billions of microseconds. (A smaller step inside a period cannot be told from lost time: it shows as such.)
 */
static void test_a_tsc_step_back_across_an_idle_period_drops_it(void **state)
{
	static const uint32_t idle_us[] = {1000000};
	(void)state;
	/* The 1 s idle periods come after some 2.5 s of calibration (one shared window) at these settings; the step
	 * lands in one. */
	load("\"events\": [{\"at_s\": 3.5, \"clock\": \"tsc\", \"step_ticks\": -4000000000}]");
	sim_init(&sim, &config);
	testdata_run_probe(&sim, &report, idle_us, 1);
	unsigned dropped = 0;
	for (unsigned i = 0; i < report.idle.run_count; i++) {
		const struct idle_run *run = &report.idle.runs[i];
		dropped += !strcmp(run->status, "the TSC went backwards during it");
		if (run->done && fabs(run->tsc_lost_us) > 1e6)
			fail_msg("%s run: %.0f us lost", idle_kind_name(run->kind), run->tsc_lost_us);
	}
	assert_int_equal(dropped, 1);
	assert_int_equal(report.tsc.backward_steps, 1);
	assert_non_null(verdict("tsc.backwards"));
}

/* An MSR that faults although CPUID advertises it: a recorded fault, no claim from it, and the run goes on. */
static void test_a_faulting_msr_is_recorded_and_the_run_goes_on(void **state)
{
	(void)state;
	load("\"msr_faults\": [\"0x4b564d01\", \"0x12\"]");
	run_probe("kvmclock MSRs fault");
	bool recorded = false;
	for (unsigned i = 0; i < report.faults.count; i++)
		recorded |= report.faults.entries[i].msr == 0x4b564d01;
	assert_true(recorded);
	for (unsigned i = 0; i < report.claims.count; i++)
		assert_string_not_equal(report.claims.items[i].source, "kvmclock");
	assert_false(reference("kvmclock")->measured);
	assert_true(report.tsc.valid);
	assert_non_null(verdict("tsc.measured"));
}

/* A base that claims 0xFFFF leaves is reported as such and never walked: no read beyond a sane block. */
static void test_a_base_claiming_0xffff_leaves_is_reported_not_walked(void **state)
{
	(void)state;
	load("\"hypervisors\": [{\"base\": \"0x40000000\", \"signature\": \"KVMKVMKVM\\\\0\\\\0\\\\0\","
	     " \"max_leaf\": \"0x4000ffff\"}]");
	run_probe("max leaf 0x4000ffff");
	assert_true(report.platform.hv.count >= 1);
	assert_int_equal(report.platform.hv.bases[0].max_leaf, 0x4000ffff);
	assert_int_equal(report.platform.hv.bases[0].range, HV_RANGE_BEYOND_BLOCK);
	assert_int_equal(report.platform.hv.bases[0].timing, HV_TIMING_NOT_OFFERED);
	assert_int_equal(sim.trace.cpuid_beyond_max, 0);
	/* The scan visits each 0x100 block once, the garbage base's leaves not at all: far below 0xFFFF calls. */
	assert_true(sim.trace.cpuid_calls < 2000);
	assert_true(report.tsc.valid);
}

/* A vCPU descheduled inside an RTC read: the minutes register is read this long after the seconds. */
#define DESCHEDULED_PS (3000ull * PS_PER_US)

static uint32_t (*sim_io_read)(struct machine *m, uint16_t port, unsigned width);
static void (*sim_io_write)(struct machine *m, uint16_t port, unsigned width, uint32_t value);
static uint8_t cmos_index;
static bool deschedule_next_minutes_read;

static void io_write_noting_the_index(struct machine *m, uint16_t port, unsigned width, uint32_t value)
{
	if (port == CMOS_INDEX_PORT)
		cmos_index = (uint8_t)value;
	sim_io_write(m, port, width, value);
}

static uint32_t io_read_descheduled_before_minutes(struct machine *m, uint16_t port, unsigned width)
{
	if (port == CMOS_DATA_PORT && cmos_index == RTC_MINUTES && deschedule_next_minutes_read) {
		deschedule_next_minutes_read = false;
		sim.now_ps += DESCHEDULED_PS;
	}
	return sim_io_read(m, port, width);
}

static uint8_t cmos(uint8_t index)
{
	sim_io_write(&sim.machine, CMOS_INDEX_PORT, 1, index);
	return (uint8_t)sim_io_read(&sim.machine, CMOS_DATA_PORT, 1);
}

/* The first moment after from_ps at which the seconds register shows a new value: where an update cycle ends. */
static uint64_t next_update_end(uint64_t from_ps)
{
	sim.now_ps = from_ps;
	uint8_t seconds = cmos(RTC_SECONDS);
	/* The seconds change once a second: two seconds of 10 us steps without a change is a broken RTC. */
	for (unsigned steps = 0; cmos(RTC_SECONDS) == seconds; steps++) {
		if (steps > 2 * PS_PER_S / (10 * PS_PER_US))
			fail_msg("the RTC's seconds did not change for 2 s");
		sim.now_ps += 10 * PS_PER_US;
	}
	return sim.now_ps;
}

/*
 * UIP clear promises 244 us without an update, and a descheduled vCPU outlives it: seconds read before the
 * update to 13:00:00 and minutes and hours after it give 13:00:59, a minute ahead. Such a read is not believed.
 */
static void test_an_rtc_read_torn_by_a_descheduled_vcpu_is_not_believed(void **state)
{
	/* UIP rises before the update cycle, which ends with the new time (MC146818A). */
	const uint64_t uip_before_end_ps = (RTC_UIP_LEAD_US + RTC_UPDATE_CYCLE_US) * PS_PER_US;
	struct time_source rtc = {.driver = &rtc_driver};
	(void)state;
	load("\"clocks\": {\"rtc\": {\"start\": \"2026-11-21 12:59:58\"}}");
	sim_init(&sim, &config);
	sim_io_read = sim.machine.io_read;
	sim_io_write = sim.machine.io_write;
	sim.machine.io_read = io_read_descheduled_before_minutes;
	sim.machine.io_write = io_write_noting_the_index;
	assert_null(rtc.driver->probe(&rtc, &sim.machine, &report.platform, &report.faults));

	uint64_t to_59 = next_update_end(0), to_00 = next_update_end(to_59 + 10 * PS_PER_US);
	sim.now_ps = to_00 - uip_before_end_ps - 100 * PS_PER_US; /* UIP still clear */
	assert_int_equal(rtc.driver->read(&rtc, &sim.machine), 12 * 3600 + 59 * 60 + 59);
	deschedule_next_minutes_read = true;
	assert_int_equal(rtc.driver->read(&rtc, &sim.machine), 12 * 3600 + 59 * 60 + 59); /* the last good value */
	assert_true(sim.now_ps > to_00);
	assert_int_equal(rtc.driver->read(&rtc, &sim.machine), 13 * 3600); /* whole again */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_broken_clocks_are_findings_and_the_tsc_is_still_measured),
		cmocka_unit_test(test_an_unfilled_kvmclock_page_is_a_finding_not_a_0_hz_claim),
		cmocka_unit_test(test_a_tsc_that_goes_backwards_fails_and_is_measured_around),
		cmocka_unit_test(test_a_tsc_step_back_across_an_idle_period_drops_it),
		cmocka_unit_test(test_a_faulting_msr_is_recorded_and_the_run_goes_on),
		cmocka_unit_test(test_a_base_claiming_0xffff_leaves_is_reported_not_walked),
		cmocka_unit_test(test_an_rtc_read_torn_by_a_descheduled_vcpu_is_not_believed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
