/* Scenario files into the simulated machine: every field loads, bad ones are refused, and every shipped
 * scenario is self-consistent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "acpi.h"
#include "counter.h"
#include "scenario.h"
#include "testdata.h"
#include "sim_helpers.h"

static void test_a_scenario_without_clocks_is_a_q35_like_machine(void **state)
{
	(void)state;
	char error[256];
	assert_true(scenario_load_string("{\"schema\": \"tscprobe-scenario/1\"}", &config, error, sizeof(error)));
	assert_int_equal(config.seed, 1);
	assert_int_equal(config.clocks.pm_timer.port, 0x608);
	assert_int_equal(config.clocks.pm_timer.bits, 24);
	assert_int_equal(config.clocks.hpet.base, 0xFED00000ull);
	assert_int_equal(config.clocks.hpet.period_fs, 10000000);
	assert_int_equal(config.clocks.hpet.counter_bits, 64);
	assert_true(config.clocks.rtc.present);
	assert_close(config.clocks.rtc.rate_ppm, 0, 0);
	assert_true(config.clocks.pit.present);
	assert_int_equal(config.clocks.lapic.bus_hz, 1000000000);
	assert_int_equal(config.clocks.pm_timer.access.cost_ps, 1500000);
	assert_int_equal(config.clocks.hpet.access.cost_ps, 500000);
	assert_false(config.acpi.use_fixture);
}

static void test_every_clock_field_loads(void **state)
{
	(void)state;
	char error[256];
	static const char json[] =
		"{\"schema\": \"tscprobe-scenario/1\", \"seed\": 42, \"acpi_oem_id\": \"VRTUAL\","
		" \"acpi_faults\": [\"no_fadt\", \"zero_pm_port\"],"
		" \"clocks\": {"
		"  \"pm_timer\": {\"port\": \"0x408\", \"bits\": 32, \"rate_ppm\": -12.5, \"read_cost_us\": 2,"
		"    \"jitter\": {\"probability\": 0.01, \"max_us\": 50}, \"fault\": \"backwards\","
		"    \"fault_at_s\": 2.5,"
		"    \"backwards_ticks\": 4000},"
		"  \"hpet\": {\"base\": \"0xfed01000\", \"period_fs\": 59604644, \"advertised_period_fs\": 0,"
		"    \"counter_bits\": 32, \"timers\": 8, \"legacy_replacement\": false, \"vendor\": \"0x1af4\","
		"    \"enabled\": false, \"fault\": \"stuck\"},"
		"  \"rtc\": {\"domain\": \"host\", \"start\": \"2030-01-02T03:04:05\", \"binary\": true,"
		"    \"hour_12\": true,"
		"    \"century_index\": 0, \"fault\": \"frozen\"},"
		"  \"pit\": {\"rate_ppm\": 3, \"port61\": 1},"
		"  \"lapic\": {\"base\": \"0xfee10000\", \"bus_hz\": 200000000,"
		"    \"firmware_tick\": {\"mode\": \"one_shot\","
		"    \"initial_count\": 5000, \"divide\": 16, \"vector\": 48, \"masked\": true}},"
		"  \"uefi_time\": {\"cost_us\": 12}}}";
	const struct sim_clocks_config *c = &config.clocks;

	if (!scenario_load_string(json, &config, error, sizeof(error)))
		fail_msg("%s", error);
	assert_int_equal(config.seed, 42);
	assert_string_equal(config.acpi.oem_id, "VRTUAL");
	assert_int_equal(config.acpi.faults, SIM_ACPI_NO_FADT | SIM_ACPI_ZERO_PM_PORT);
	assert_int_equal(c->pm_timer.port, 0x408);
	assert_int_equal(c->pm_timer.bits, 32);
	assert_close(c->pm_timer.rate_ppm, -12.5, 0);
	assert_int_equal(c->pm_timer.access.cost_ps, 2000000);
	assert_int_equal(c->pm_timer.access.jitter_per_million, 10000);
	assert_int_equal(c->pm_timer.access.jitter_max_ps, 50000000);
	assert_int_equal(c->pm_timer.fault, SIM_PM_TIMER_BACKWARDS);
	assert_int_equal(c->pm_timer.fault_at_ps, 2500000000000ull);
	assert_int_equal(c->pm_timer.backwards_ticks, 4000);
	assert_int_equal(c->hpet.base, 0xFED01000ull);
	assert_int_equal(c->hpet.period_fs, 59604644);
	assert_int_equal(c->hpet.advertised_period_fs, 0);
	assert_int_equal(c->hpet.counter_bits, 32);
	assert_int_equal(c->hpet.timers, 8);
	assert_false(c->hpet.legacy_replacement);
	assert_int_equal(c->hpet.vendor, 0x1AF4);
	assert_false(c->hpet.enabled);
	assert_int_equal(c->hpet.fault, SIM_HPET_STUCK);
	assert_close(c->rtc.rate_ppm, 2000, 0);
	assert_int_equal(c->rtc.start.year, 2030);
	assert_int_equal(c->rtc.start.second, 5);
	assert_true(c->rtc.binary);
	assert_true(c->rtc.hour_12);
	assert_int_equal(c->rtc.century_index, 0);
	assert_int_equal(c->rtc.fault, SIM_RTC_FROZEN);
	assert_close(c->pit.rate_ppm, 3, 0);
	assert_int_equal(c->pit.port61, 1);
	assert_int_equal(c->lapic.base, 0xFEE10000ull);
	assert_int_equal(c->lapic.bus_hz, 200000000);
	assert_true(c->lapic.firmware_tick.present);
	assert_int_equal(c->lapic.firmware_tick.mode, 0);
	assert_int_equal(c->lapic.firmware_tick.initial_count, 5000);
	assert_int_equal(c->lapic.firmware_tick.divide, 16);
	assert_int_equal(c->lapic.firmware_tick.vector, 48);
	assert_true(c->lapic.firmware_tick.masked);
	assert_int_equal(c->uefi_time.cost_ps, 12000000);
}

static void test_every_paravirtual_field_loads(void **state)
{
	(void)state;
	char error[256];
	static const char json[] =
		"{\"schema\": \"tscprobe-scenario/1\","
		" \"msrs\": [{\"msr\": \"0x40000118\", \"value\": 0, \"writable\": true},"
		"  {\"msr\": 16, \"value\": \"0xffffffffffffffff\"}],"
		" \"msr_faults\": [\"0x40000023\", 4],"
		" \"kvmclock\": {\"claimed_tsc_hz\": 3478274491, \"msrs\": \"old\", \"stable\": false,"
		"  \"fault\": \"version_stuck_odd\"},"
		" \"hyperv\": {\"tsc_frequency_hz\": 2095078000, \"apic_frequency_hz\": 200000000,"
		"  \"reference_counter\": {\"rate_ppm\": -12.5},"
		"  \"reference_tsc_page\": {\"claimed_tsc_hz\": 2100000000, \"sequence\": 0}},"
		" \"vmware_backdoor\": {\"tsc_hz\": 3400109000, \"apic_hz\": 66000000}}";

	if (!scenario_load_string(json, &config, error, sizeof(error)))
		fail_msg("%s", error);
	assert_int_equal(config.msrs.count, 2);
	assert_int_equal(config.msrs.entries[0].msr, HV_MSR_TSC_INVARIANT_CONTROL);
	assert_true(config.msrs.entries[0].writable);
	assert_int_equal(config.msrs.entries[1].msr, 16);
	assert_int_equal(config.msrs.entries[1].value, UINT64_MAX);
	assert_false(config.msrs.entries[1].writable);
	assert_int_equal(config.msrs.fault_count, 2);
	assert_int_equal(config.msrs.faults[0], HV_MSR_APIC_FREQUENCY);
	assert_int_equal(config.msrs.faults[1], 4);
	assert_true(config.kvmclock.present);
	assert_int_equal(config.kvmclock.claimed_tsc_hz, 3478274491);
	assert_int_equal(config.kvmclock.pairs, SIM_KVMCLOCK_OLD);
	assert_false(config.kvmclock.stable);
	assert_int_equal(config.kvmclock.fault, SIM_KVMCLOCK_VERSION_STUCK_ODD);
	assert_int_equal(config.hyperv.tsc_frequency_hz, 2095078000);
	assert_int_equal(config.hyperv.apic_frequency_hz, 200000000);
	assert_true(config.hyperv.reference_counter);
	assert_close(config.hyperv.reference_counter_rate_ppm, -12.5, 0);
	assert_true(config.hyperv.reference_tsc_page);
	assert_int_equal(config.hyperv.tsc_page_claimed_hz, 2100000000);
	assert_int_equal(config.hyperv.tsc_page_sequence, 0);
	assert_true(config.vmware_backdoor.present);
	assert_int_equal(config.vmware_backdoor.tsc_hz, 3400109000);
	assert_int_equal(config.vmware_backdoor.apic_hz, 66000000);
}

/* Present with nothing said: honest, both kvmclock pairs, stable, a valid TSC page; absent or null: none. */
static void test_paravirtual_defaults_are_honest_and_absence_is_the_default(void **state)
{
	(void)state;
	char error[256];
	assert_true(scenario_load_string("{\"schema\": \"tscprobe-scenario/1\", \"kvmclock\": {},"
					 " \"hyperv\": {\"reference_counter\": true, \"reference_tsc_page\": true},"
					 " \"vmware_backdoor\": {}}",
					 &config, error, sizeof(error)));
	assert_true(config.kvmclock.present);
	assert_int_equal(config.kvmclock.claimed_tsc_hz, 0); /* 0: the true tsc_hz */
	assert_int_equal(config.kvmclock.pairs, SIM_KVMCLOCK_NEW | SIM_KVMCLOCK_OLD);
	assert_true(config.kvmclock.stable);
	assert_int_equal(config.kvmclock.fault, SIM_KVMCLOCK_OK);
	assert_true(config.hyperv.reference_counter && config.hyperv.reference_tsc_page);
	assert_int_equal(config.hyperv.tsc_page_sequence, 1);
	assert_int_equal(config.hyperv.tsc_page_claimed_hz, 0);
	assert_int_equal(config.hyperv.tsc_frequency_hz, 0); /* 0: no such MSR */
	assert_true(config.vmware_backdoor.present);

	assert_true(scenario_load_string("{\"schema\": \"tscprobe-scenario/1\", \"kvmclock\": null,"
					 " \"hyperv\": {\"reference_counter\": false}}",
					 &config, error, sizeof(error)));
	assert_false(config.kvmclock.present);
	assert_false(config.hyperv.reference_counter);
	assert_false(config.vmware_backdoor.present);
	assert_int_equal(config.msrs.count + config.msrs.fault_count, 0);
}

static void test_every_idle_field_loads(void **state)
{
	(void)state;
	char error[256];
	static const char json[] =
		"{\"schema\": \"tscprobe-scenario/1\","
		" \"idle\": {\"wake_interval_us\": 2500.5, \"wake_latency_us\": 0, \"mwait\": \"faults\","
		"  \"states\": [{\"method\": \"hlt\", \"tsc\": {\"rate\": 0.75}},"
		"   {\"method\": \"mwait\", \"hint\": \"0x10\", \"tsc\": \"stops\", \"lapic\": \"stops\"},"
		"   {\"method\": \"mwait\", \"hint\": 33, \"lapic\": {\"rate\": 0}}]}}";
	const struct sim_idle_config *c = &config.idle;

	if (!scenario_load_string(json, &config, error, sizeof(error)))
		fail_msg("%s", error);
	assert_int_equal(c->wake_interval_ps, 2500500000ull);
	assert_int_equal(c->wake_latency_ps, 0);
	assert_true(c->mwait_faults);
	assert_int_equal(c->state_count, 3);
	assert_int_equal(c->states[0].method, IDLE_HLT);
	assert_close(c->states[0].tsc_rate, 0.75, 0);
	assert_close(c->states[0].lapic_rate, SIM_IDLE_RUNS, 0);
	assert_int_equal(c->states[1].method, IDLE_MWAIT);
	assert_int_equal(c->states[1].hint, 0x10);
	assert_close(c->states[1].tsc_rate, SIM_IDLE_STOPS, 0);
	assert_close(c->states[1].lapic_rate, SIM_IDLE_STOPS, 0);
	assert_int_equal(c->states[2].hint, 33);
	assert_close(c->states[2].tsc_rate, SIM_IDLE_RUNS, 0);
	assert_close(c->states[2].lapic_rate, 0, 0);
	assert_false(c->mwait_returns_at_once);
	assert_false(c->hlt_returns_at_once);

	if (!scenario_load_string("{\"schema\": \"tscprobe-scenario/1\", \"idle\": {\"mwait\": \"returns_at_once\", "
				  "\"hlt\": \"returns_at_once\"}}",
				  &config, error, sizeof(error)))
		fail_msg("%s", error);
	assert_true(c->mwait_returns_at_once);
	assert_false(c->mwait_faults);
	assert_true(c->hlt_returns_at_once);
}

static const struct bad_field_case {
	const char *members; /* top-level members after the schema */
	const char *error;
} bad_fields[] = {
	{"\"clocks\": {\"hpet\": {\"period_fs\": 0}}", "clocks.hpet.period_fs: 0 is below the minimum 1000000"},
	{"\"clocks\": {\"hpet\": {\"period_fs\": 100000001}}", "clocks.hpet.period_fs: 100000001 is out of range"},
	{"\"clocks\": {\"hpet\": {\"perod_fs\": 10}}", "clocks.hpet.perod_fs: unknown member"},
	{"\"clocks\": {\"pm_timer\": {\"bits\": 28}}", "clocks.pm_timer.bits: expected 24 or 32"},
	{"\"clocks\": {\"pm_timer\": {\"fault\": \"backwards\"}}", "clocks.pm_timer.fault_at_s: \"backwards\" needs"},
	{"\"clocks\": {\"pm_timer\": {\"rate_ppm\": \"fast\"}}", "clocks.pm_timer.rate_ppm: expected a number"},
	{"\"clocks\": {\"pm_timer\": {\"jitter\": {\"probability\": 2}}}",
	 "clocks.pm_timer.jitter.probability: 2 is out of range"},
	{"\"clocks\": {\"rtc\": {\"fault\": \"melted\"}}", "clocks.rtc.fault: expected one of \"none\""},
	{"\"clocks\": {\"rtc\": {\"start\": \"2026-02-30 00:00:00\"}}", "clocks.rtc.start: not a date and time"},
	{"\"clocks\": {\"rtc\": {\"domain\": \"wall\"}}", "clocks.rtc.domain: expected one of \"guest\", \"host\""},
	{"\"clocks\": {\"rtc\": {\"century_index\": 9}}", "clocks.rtc.century_index: 0x09 is a clock register"},
	{"\"clocks\": {\"lapic\": {\"firmware_tick\": {\"initial_count\": 5, \"divide\": 3}}}",
	 "clocks.lapic.firmware_tick.divide: expected 1, 2, 4"},
	{"\"clocks\": {\"lapic\": {\"firmware_tick\": {\"mode\": \"periodic\"}}}",
	 "clocks.lapic.firmware_tick.initial_count: required"},
	{"\"clocks\": {\"lapic\": {\"base\": \"0xfee00100\"}}", "clocks.lapic.base: must be 4 KiB aligned"},
	{"\"clocks\": {\"pit\": {\"port61\": 255}}", "clocks.pit.port61: 255 is out of range"},
	{"\"clocks\": {\"uefi_time\": \"yes\"}", "clocks.uefi_time: expected an object"},
	{"\"clocks\": {\"tsc\": {}}", "clocks.tsc: unknown member"},
	{"\"acpi_faults\": [\"no_fadt\", \"no_dsdt\"]", "acpi_faults[1]: expected one of"},
	{"\"acpi\": \"no-such-machine\"", "acpi: "},
	{"\"acpi\": \"../q35\"", "acpi: expected \"synthesize\" or a fixture name"},
	{"\"acpi_oem_id\": \"MICROSOFT\"", "acpi_oem_id: expected at most 6 characters"},
	{"\"seed\": -1", "seed: expected a number"},
	{"\"msrs\": {\"msr\": 1}", "msrs: expected an array"},
	{"\"msrs\": [{\"msr\": \"0x40000022\"}]", "msrs[0].value: required"},
	{"\"msrs\": [{\"value\": 1}]", "msrs[0].msr: required"},
	{"\"msrs\": [{\"msr\": 1, \"value\": 2, \"writeable\": true}]", "msrs[0].writeable: unknown member"},
	{"\"msrs\": [{\"msr\": 1, \"value\": 2}, {\"msr\": \"0x1\", \"value\": 3}]",
	 "msrs[1].msr: 0x1 is listed twice"},
	{"\"msrs\": [{\"msr\": \"0x100000000\", \"value\": 2}]", "msrs[0].msr: 4294967296 is out of range"},
	{"\"msrs\": [{\"msr\": 1, \"value\": 2}], \"msr_faults\": [\"0x1\"]",
	 "msr_faults[0]: 0x1 also has a value in msrs"},
	{"\"msr_faults\": [\"rdtsc\"]", "msr_faults[0]: \"rdtsc\" is not a number"},
	{"\"kvmclock\": {\"msrs\": \"newest\"}", "kvmclock.msrs: expected one of \"new\", \"old\", \"both\""},
	{"\"kvmclock\": {\"claimed_tsc_hz\": 1000}", "kvmclock.claimed_tsc_hz: 1000 is below the minimum 20000000"},
	{"\"kvmclock\": {\"fault\": \"stuck\"}", "kvmclock.fault: expected one of \"none\", \"version_stuck_odd\""},
	{"\"kvmclock\": true", "kvmclock: expected an object"},
	{"\"hyperv\": {\"tsc_frequency\": 5}", "hyperv.tsc_frequency: unknown member"},
	{"\"hyperv\": {\"reference_counter\": {\"rate\": 5}}", "hyperv.reference_counter.rate: unknown member"},
	{"\"hyperv\": {\"reference_counter\": 1}", "hyperv.reference_counter: expected an object"},
	{"\"hyperv\": {\"reference_tsc_page\": {\"sequence\": -1}}",
	 "hyperv.reference_tsc_page.sequence: expected a number"},
	{"\"vmware_backdoor\": {\"apic_hz\": 5000000000}", "vmware_backdoor.apic_hz: 5000000000 is out of range"},
	{"\"idle\": []", "idle: expected an object"},
	{"\"idle\": {\"wake_latency\": 5}", "idle.wake_latency: unknown member"},
	{"\"idle\": {\"wake_interval_us\": 0}", "idle.wake_interval_us: 0 is out of range [10, 1e+07]"},
	{"\"idle\": {\"wake_interval_us\": 1e8}", "idle.wake_interval_us: 1e+08 is out of range"},
	{"\"idle\": {\"mwait\": \"emulated\"}",
	 "idle.mwait: expected one of \"offered\", \"faults\", \"returns_at_once\""},
	{"\"idle\": {\"hlt\": \"faults\"}", "idle.hlt: expected one of \"sleeps\", \"returns_at_once\""},
	{"\"idle\": {\"states\": {\"method\": \"hlt\"}}", "idle.states: expected an array"},
	{"\"idle\": {\"states\": [{\"tsc\": \"runs\"}]}", "idle.states[0].method: required"},
	{"\"idle\": {\"states\": [{\"method\": \"pause\"}]}", "idle.states[0].method: expected one of \"hlt\""},
	{"\"idle\": {\"states\": [{\"method\": \"hlt\", \"hint\": 1}]}", "idle.states[0].hint: only MWAIT takes"},
	{"\"idle\": {\"states\": [{\"method\": \"mwait\"}]}", "idle.states[0].hint: required for MWAIT"},
	{"\"idle\": {\"states\": [{\"method\": \"hlt\", \"tsc\": \"halts\"}]}",
	 "idle.states[0].tsc: expected \"runs\", \"stops\" or {\"rate\": R}"},
	{"\"idle\": {\"states\": [{\"method\": \"hlt\", \"lapic\": {\"rate\": 1.5}}]}",
	 "idle.states[0].lapic.rate: 1.5 is out of range"},
	{"\"idle\": {\"states\": [{\"method\": \"hlt\", \"lapic\": {}}]}", "idle.states[0].lapic.rate: required"},
	{"\"idle\": {\"states\": [{\"method\": \"hlt\", \"tsc\": {\"rate\": 0, \"ppm\": 1}}]}",
	 "idle.states[0].tsc.ppm: unknown member"},
	{"\"idle\": {\"states\": [{\"method\": \"mwait\", \"hint\": 16}, {\"method\": \"mwait\", \"hint\": \"0x10\"}]}",
	 "idle.states[1]: the same state as idle.states[0]"},
	{"\"events\": {}", "events: expected an array of events"},
	{"\"events\": [{\"at_s\": 1, \"clock\": \"cpu\", \"rate_ppm\": 1}]",
	 "events[0].clock: expected one of \"tsc\""},
	{"\"events\": [{\"at_s\": 1, \"rate_ppm\": 1}]", "events[0].clock: required"},
	{"\"events\": [{\"at_s\": -1, \"clock\": \"tsc\", \"rate_ppm\": 1}]", "events[0].at_s: -1 is out of range"},
	{"\"events\": [{\"at_s\": 2e6, \"clock\": \"tsc\", \"rate_ppm\": 1}]", "events[0].at_s: 2e+06 is out of range"},
	{"\"events\": [{\"clock\": \"tsc\", \"rate_ppm\": 1}]", "events[0].at_s: required"},
	{"\"events\": [{\"at_s\": 1, \"clock\": \"tsc\"}]", "events[0].rate_ppm: required"},
	{"\"events\": [{\"at_s\": 1, \"clock\": \"tsc\", \"rate_ppm\": -600000}]",
	 "events[0].rate_ppm: -600000 is out of range"},
	{"\"events\": [{\"at_s\": 1, \"clock\": \"tsc\", \"ppm\": 1}]", "events[0].ppm: unknown member"},
	{"\"events\": [{\"at_s\": 1, \"clock\": \"tsc\", \"rate_ppm\": 1, \"from_s\": 2}]",
	 "events[0].from_s: not with \"rate_ppm\""},
	{"\"clocks\": {\"hpet\": null}, \"events\": [{\"at_s\": 1, \"clock\": \"hpet\", \"rate_ppm\": 1}]",
	 "events[0].clock: the scenario has no hpet"},
	{"\"events\": [{\"at_s\": 1, \"clock\": \"hv_reference_counter\", \"rate_ppm\": 1}]",
	 "events[0].clock: the scenario has no hv_reference_counter"},
	{"\"events\": [{\"at_s\": 5, \"clock\": \"pit\", \"rate_ppm\": 1},"
	 " {\"at_s\": 5, \"clock\": \"pit\", \"rate_ppm\": 2}]",
	 "events[1]: pit already changes rate then (events[0])"},
	{"\"events\": [{\"clock\": \"tsc\", \"stops_every_s\": 0.1}]", "events[0].for_s: required"},
	{"\"events\": [{\"clock\": \"tsc\", \"stops_every_s\": 0.1, \"for_s\": 0.2}]",
	 "events[0].for_s: expected at least 1e-9 and at most stops_every_s"},
	{"\"events\": [{\"clock\": \"tsc\", \"stops_every_s\": 0.1, \"for_s\": 0}]",
	 "events[0].for_s: expected at least 1e-9"},
	{"\"events\": [{\"clock\": \"tsc\", \"stops_every_s\": 0.1, \"for_s\": 0.02, \"at_s\": 5}]",
	 "events[0].at_s: not with \"stops_every_s\""},
	{"\"events\": [{\"clock\": \"hpet\", \"stops_every_s\": 0.1, \"for_s\": 0.02}]",
	 "events[0].clock: only the tsc and the lapic stop in idle"},
	{"\"events\": [{\"clock\": \"tsc\", \"stops_every_s\": 1, \"for_s\": 0.5},"
	 " {\"clock\": \"tsc\", \"stops_every_s\": 2, \"for_s\": 0.5, \"from_s\": 9}]",
	 "events[1]: tsc already stops in idle (events[0])"},
	{"\"events\": [{\"at_s\": 1, \"clock\": \"pit\", \"step_ticks\": -5}]", "events[0].clock: only the tsc steps"},
	{"\"events\": [{\"at_s\": 1, \"clock\": \"tsc\", \"step_ticks\": 0}]",
	 "events[0].step_ticks: expected a whole number of ticks other than 0"},
	{"\"events\": [{\"at_s\": 1, \"clock\": \"tsc\", \"step_ticks\": 2.5}]",
	 "events[0].step_ticks: expected a whole number"},
	{"\"events\": [{\"at_s\": 1, \"clock\": \"tsc\", \"step_ticks\": -5, \"rate_ppm\": 1}]",
	 "events[0].rate_ppm: not with \"step_ticks\""},
	{"\"events\": [{\"clock\": \"tsc\", \"step_ticks\": -5}]", "events[0].at_s: required"},
	{"\"events\": [{\"at_s\": 1, \"clock\": \"tsc\", \"step_ticks\": -5},"
	 " {\"at_s\": 1, \"clock\": \"tsc\", \"step_ticks\": 7}]",
	 "events[1]: tsc already steps then (events[0])"},
};

static void test_bad_fields_are_one_line_errors_naming_the_field(void **state)
{
	(void)state;
	char json[512], error[256];
	for (size_t i = 0; i < sizeof(bad_fields) / sizeof(bad_fields[0]); i++) {
		snprintf(json, sizeof(json), "{\"schema\": \"tscprobe-scenario/1\", %s}", bad_fields[i].members);
		error[0] = '\0';
		if (scenario_load_string(json, &config, error, sizeof(error)))
			fail_msg("accepted: %s", bad_fields[i].members);
		if (strncmp(error, bad_fields[i].error, strlen(bad_fields[i].error)) || strchr(error, '\n'))
			fail_msg("%s\n  gave:     %s\n  expected: %s...", bad_fields[i].members, error,
				 bad_fields[i].error);
	}
}

static void test_every_event_field_loads(void **state)
{
	(void)state;
	char error[256];
	static const char json[] =
		"{\"schema\": \"tscprobe-scenario/1\", \"hyperv\": {\"reference_counter\": true},"
		" \"events\": [{\"at_s\": 120, \"clock\": \"tsc\", \"rate_ppm\": -2000},"
		"  {\"clock\": \"lapic\", \"stops_every_s\": 0.1, \"for_s\": 0.02, \"from_s\": 30.5},"
		"  {\"at_s\": 0, \"clock\": \"hv_reference_counter\", \"rate_ppm\": 12.5},"
		"  {\"clock\": \"tsc\", \"stops_every_s\": 1, \"for_s\": 1},"
		"  {\"at_s\": 60, \"clock\": \"tsc\", \"rate_ppm\": 0}]}";
	const struct sim_event *e = config.events;

	if (!scenario_load_string(json, &config, error, sizeof(error)))
		fail_msg("%s", error);
	assert_int_equal(config.event_count, 5);
	assert_int_equal(e[0].kind, SIM_EVENT_RATE);
	assert_int_equal(e[0].clock, SIM_CLOCK_TSC);
	assert_int_equal(e[0].at_ps, 120 * PS_PER_S);
	assert_close(e[0].rate_ppm, -2000, 0);
	assert_int_equal(e[1].kind, SIM_EVENT_IDLE_STOPS);
	assert_int_equal(e[1].clock, SIM_CLOCK_LAPIC);
	assert_int_equal(e[1].at_ps, 30500 * PS_PER_MS);
	assert_int_equal(e[1].stops_every_ps, 100 * PS_PER_MS);
	assert_int_equal(e[1].stops_for_ps, 20 * PS_PER_MS);
	assert_int_equal(e[2].clock, SIM_CLOCK_HV_REFERENCE_COUNTER);
	assert_int_equal(e[2].at_ps, 0);
	assert_close(e[2].rate_ppm, 12.5, 0);
	assert_int_equal(e[3].at_ps, 0);                          /* from_s: 0 */
	assert_int_equal(e[3].stops_for_ps, e[3].stops_every_ps); /* a window may fill its period */
	assert_int_equal(e[4].at_ps, 60 * PS_PER_S);
	assert_true(scenario_load_string("{\"schema\": \"tscprobe-scenario/1\", \"events\": "
					 "[{\"at_s\": 0.5, \"clock\": \"tsc\", \"step_ticks\": -3000}]}",
					 &config, error, sizeof(error)));
	assert_int_equal(e[0].kind, SIM_EVENT_STEP);
	assert_int_equal(e[0].at_ps, 500 * PS_PER_MS);
	assert_int_equal(e[0].step_ticks, -3000);

	assert_true(scenario_load_string("{\"schema\": \"tscprobe-scenario/1\"}", &config, error, sizeof(error)));
	assert_int_equal(config.event_count, 0);
}

/* A scenario of count PIT rate changes, one a second. */
static void events_json(char *json, size_t size, unsigned count)
{
	size_t used = (size_t)snprintf(json, size, "{\"schema\": \"tscprobe-scenario/1\", \"events\": [");
	for (unsigned i = 0; i < count; i++)
		used += (size_t)snprintf(json + used, size - used,
					 "%s{\"at_s\": %u, \"clock\": \"pit\", \"rate_ppm\": 1}", i ? ", " : "", i);
	snprintf(json + used, size - used, "]}");
}

static void test_at_most_16_events(void **state)
{
	(void)state;
	char json[2048], error[256];
	events_json(json, sizeof(json), SIM_MAX_EVENTS);
	if (!scenario_load_string(json, &config, error, sizeof(error)))
		fail_msg("%s", error);
	assert_int_equal(config.event_count, SIM_MAX_EVENTS);
	events_json(json, sizeof(json), SIM_MAX_EVENTS + 1);
	assert_false(scenario_load_string(json, &config, error, sizeof(error)));
	assert_string_equal(error, "events[16]: at most 16 events");
}

static const char *const shipped_scenarios[] = {
	"qemu-tcg.json",
	"kvm.json",
	"kvm-timing-leaf.json",
	"kvm-hyperv.json",
	"hyperv-gen2.json",
	"vmware.json",
	"xen-viridian.json",
	"virtualbox-minimal.json",
	"virtualbox-5.0-kvm.json",
	"virtualbox-hyperv.json",
	"bhyve.json",
	"garbage-max-leaf.json",
	"hyperv-c3-remap.json",
	"hyperv-invariant-tsc.json",
	"kvm-cpu-pm.json",
	"tsc-rate-change.json",
	"tsc-stops-in-idle.json",
	"kvm-old-host.json",
	"two-timing-leaves.json",
	"xen-scaled-contradiction.json",
	"tsc-changes-mid-calibration.json",
	"qemu-tcg-smp2-mwait.json",
};
#define SHIPPED_SCENARIO_COUNT (sizeof(shipped_scenarios) / sizeof(shipped_scenarios[0]))

/* Whatever a scenario says about its clocks, its firmware tables must say the same. */
static void test_shipped_scenarios_have_tables_that_match_their_clocks(void **state)
{
	(void)state;
	struct acpi_info info;
	for (size_t i = 0; i < SHIPPED_SCENARIO_COUNT; i++) {
		load_scenario(shipped_scenarios[i]);
		acpi_discover(m, &info);
		const struct sim_clocks_config *c = &config.clocks;
		if (info.pm_timer.port != c->pm_timer.port || info.pm_timer.width_bits != c->pm_timer.bits ||
		    info.hpet.present != c->hpet.present || (c->hpet.present && info.hpet.base != c->hpet.base) ||
		    info.madt.lapic_base != c->lapic.base || info.rtc_century_index != c->rtc.century_index)
			fail_msg("%s: the ACPI tables disagree with the clocks", shipped_scenarios[i]);
		assert_int_equal(info.problem_count, 0);
	}
}

/* Which paravirtual MSR a CPUID bit of an interface's base advertises. */
enum interface { KVM, HYPERV };

static const struct advertised_msr {
	enum interface interface;
	uint32_t leaf_offset; /* from the base */
	bool edx;             /* the bit is in EDX, else EAX */
	uint32_t bit;
	uint32_t msr;
} advertised_msrs[] = {
	{KVM, 1, false, 0, MSR_KVM_SYSTEM_TIME}, /* KVM_FEATURE_CLOCKSOURCE */
	{KVM, 1, false, 0, MSR_KVM_WALL_CLOCK},
	{KVM, 1, false, 3, MSR_KVM_SYSTEM_TIME_NEW}, /* KVM_FEATURE_CLOCKSOURCE2 */
	{KVM, 1, false, 3, MSR_KVM_WALL_CLOCK_NEW},
	{HYPERV, 3, false, 1, HV_MSR_TIME_REF_COUNT}, /* AccessPartitionReferenceCounter */
	{HYPERV, 3, false, 9, HV_MSR_REFERENCE_TSC},  /* AccessPartitionReferenceTsc */
	{HYPERV, 3, false, 11, HV_MSR_TSC_FREQUENCY}, /* AccessFrequencyRegs ... */
	{HYPERV, 3, true, 8, HV_MSR_TSC_FREQUENCY},   /* ... and FrequencyRegsAvailable */
	{HYPERV, 3, false, 11, HV_MSR_APIC_FREQUENCY},
	{HYPERV, 3, true, 8, HV_MSR_APIC_FREQUENCY},
	{HYPERV, 3, false, 15, HV_MSR_TSC_INVARIANT_CONTROL}, /* AccessTscInvariantControls */
};

static bool says_kvm(const struct cpuid_regs *signature)
{
	return signature->ebx == 0x4b4d564b && signature->ecx == 0x564b4d56 &&
	       signature->edx == 0x4d; /* "KVMKVMKVM\0\0\0" */
}

/*
 * The bases whose max leaf lies in their own block, so that their leaves can be believed; KVM's 0 reads as
 * base + 1, as KVM documents for old hosts (signature->eax is then that).
 */
static bool sane_base(uint32_t base, struct cpuid_regs *signature)
{
	m->cpuid(m, base, 0, signature);
	if (signature->eax == 0 && says_kvm(signature))
		signature->eax = base + 1;
	return signature->eax >= base && signature->eax <= base + 0xff;
}

static bool base_speaks(uint32_t base, const struct cpuid_regs *signature, enum interface interface)
{
	struct cpuid_regs interface_leaf;
	if (interface == KVM)
		return says_kvm(signature);
	m->cpuid(m, base + 1, 0, &interface_leaf);
	return interface_leaf.eax == HV_INTERFACE_SIGNATURE;
}

/* Whether some base speaking the interface sets the bit: how a guest decides the MSR is there. */
static bool advertised(const struct advertised_msr *a)
{
	struct cpuid_regs signature, leaf;
	for (uint32_t base = 0x40000000; base < 0x40010000; base += 0x100) {
		if (!sane_base(base, &signature) || !base_speaks(base, &signature, a->interface) ||
		    signature.eax < base + a->leaf_offset)
			continue;
		m->cpuid(m, base + a->leaf_offset, 0, &leaf);
		if ((a->edx ? leaf.edx : leaf.eax) >> a->bit & 1)
			return true;
	}
	return false;
}

/* A scenario whose CPUID and MSRs disagree would test the probe against a machine nobody ships. */
static void test_shipped_scenarios_have_the_paravirtual_msrs_their_cpuid_advertises(void **state)
{
	(void)state;
	for (size_t i = 0; i < SHIPPED_SCENARIO_COUNT; i++) {
		load_scenario(shipped_scenarios[i]);
		for (size_t a = 0; a < sizeof(advertised_msrs) / sizeof(advertised_msrs[0]); a++) {
			const struct advertised_msr *want = &advertised_msrs[a];
			bool said = advertised(want), there = msr_exists(want->msr);
			if (said != there)
				fail_msg("%s: CPUID %s MSR 0x%x (base + %u %s bit %u), yet it %s", shipped_scenarios[i],
					 said ? "advertises" : "does not advertise", want->msr, want->leaf_offset,
					 want->edx ? "EDX" : "EAX", want->bit, there ? "answers" : "faults");
		}
		struct cpuid_regs signature;
		bool vmware = sane_base(0x40000000, &signature) && signature.ebx == 0x61774d56; /* "VMwa" */
		bool answers = gethz(VMWARE_HYPERVISOR_MAGIC, VMWARE_HYPERVISOR_PORT).ebx != UINT32_MAX;
		if (vmware != answers)
			fail_msg("%s: VMware signature %s, backdoor %s", shipped_scenarios[i],
				 vmware ? "seen" : "absent", answers ? "answers" : "silent");
	}
}

/* Every scenario in the folder is in shipped_scenarios, so that every check above covers it, and it loads. */
static void test_every_scenario_in_the_folder_is_shipped_and_loads(void **state)
{
	(void)state;
	char folder[512];
	const struct dirent *entry;
	size_t found = 0;

	snprintf(folder, sizeof(folder), "%s", testdata_path("scenarios"));
	DIR *dir = opendir(folder);
	assert_non_null(dir);
	while ((entry = readdir(dir))) {
		size_t len = strlen(entry->d_name), i = 0;
		if (len < 5 || strcmp(entry->d_name + len - 5, ".json"))
			continue;
		while (i < SHIPPED_SCENARIO_COUNT && strcmp(shipped_scenarios[i], entry->d_name))
			i++;
		if (i == SHIPPED_SCENARIO_COUNT) {
			char unlisted[256];
			snprintf(unlisted, sizeof(unlisted), "%s", entry->d_name); /* closedir frees the entry */
			closedir(dir);
			fail_msg("%s/%s is not in shipped_scenarios", folder, unlisted);
		}
		found++;
	}
	closedir(dir);
	assert_int_equal(found, SHIPPED_SCENARIO_COUNT);
	for (size_t i = 0; i < SHIPPED_SCENARIO_COUNT; i++)
		load_scenario(shipped_scenarios[i]);
}

/* MWAIT states only where CPUID.1:ECX[3] and leaf 5 enumerate them (a sub-state in the hint's C-state nibble, as
 * Linux intel_idle checks), and a Hyper-V base's MwaitAvailable exactly where MONITOR/MWAIT is advertised. */
static void test_shipped_scenarios_offer_mwait_states_only_where_cpuid_advertises_them(void **state)
{
	(void)state;
	for (size_t i = 0; i < SHIPPED_SCENARIO_COUNT; i++) {
		const char *name = shipped_scenarios[i];
		struct cpuid_regs basic, leaf1, leaf5, signature, hv_features;
		load_scenario(name);
		m->cpuid(m, 0, 0, &basic);
		m->cpuid(m, 1, 0, &leaf1);
		bool monitor = leaf1.ecx & CPUID_1_ECX_MONITOR;
		for (uint32_t k = 0; k < config.idle.state_count; k++) {
			const struct sim_idle_state *s = &config.idle.states[k];
			if (s->method != IDLE_MWAIT)
				continue;
			if (!monitor || basic.eax < CPUID_LEAF_MWAIT)
				fail_msg("%s: lists MWAIT 0x%x without MONITOR/MWAIT and leaf 5", name, s->hint);
			m->cpuid(m, CPUID_LEAF_MWAIT, 0, &leaf5);
			unsigned cstate = (s->hint >> 4 & 0xF) + 1;
			if (cstate >= 8 || !(leaf5.edx >> (4 * cstate) & 0xF))
				fail_msg("%s: MWAIT 0x%02x targets C%u, which leaf 5 EDX 0x%08x does not enumerate",
					 name, s->hint, cstate, leaf5.edx);
		}
		for (uint32_t base = 0x40000000; base < 0x40010000; base += 0x100) {
			if (!sane_base(base, &signature) || !base_speaks(base, &signature, HYPERV) ||
			    signature.eax < base + 3)
				continue;
			m->cpuid(m, base + 3, 0, &hv_features);
			if ((hv_features.edx & HV_FEATURE_MWAIT_AVAILABLE) != monitor)
				fail_msg("%s: Hyper-V base 0x%x says MwaitAvailable %u, CPUID.1 MONITOR %u", name, base,
					 hv_features.edx & HV_FEATURE_MWAIT_AVAILABLE, monitor);
		}
	}
}

#define NO_STOPPING_HINT UINT32_MAX

static const struct shipped_idle_case {
	const char *scenario;
	uint32_t stopping_hint; /* the MWAIT hint whose state stops the TSC and the LAPIC timer, if any */
	const char *wake_source;
} shipped_idle_cases[] = {
	{"hyperv-c3-remap.json", MWAIT_HINT_C2, "the simulated platform's periodic interrupt (every 10000 us)"},
	{"hyperv-invariant-tsc.json", NO_STOPPING_HINT, "the simulated platform's periodic interrupt (every 10000 us)"},
	{"kvm-cpu-pm.json", NO_STOPPING_HINT, "the simulated platform's periodic interrupt (every 10000.001 us)"},
};

/* The motivating case: on Hyper-V with the host's C2 remapped to C3, MWAIT 0x10 loses the TSC and the LAPIC timer
 * for the whole sleep; HLT, C1 and every other hint lose nothing, and with invariant TSC nothing ever does. */
static void test_shipped_idle_scenarios_lose_time_only_in_the_state_they_name(void **state)
{
	(void)state;
	static const uint32_t hints[] = {0x00, 0x01, 0x10, 0x11, 0x20, 0x33, 0x60};
	for (size_t i = 0; i < sizeof(shipped_idle_cases) / sizeof(shipped_idle_cases[0]); i++) {
		const struct shipped_idle_case *c = &shipped_idle_cases[i];
		load_scenario(c->scenario);
		assert_string_equal(m->idle_wake_source, c->wake_source);
		assert_int_equal(m->idle(m, IDLE_HLT, 0), ACCESS_OK);
		for (size_t h = 0; h < sizeof(hints) / sizeof(hints[0]); h++)
			assert_int_equal(m->idle(m, IDLE_MWAIT, hints[h]), ACCESS_OK);
		for (uint32_t k = 0; k < sim.trace.idle_log_count; k++) {
			const struct sim_idle_record *r = &sim.trace.idle_log[k];
			bool stops = r->method == IDLE_MWAIT && r->hint == c->stopping_hint;
			uint64_t expected = stops ? r->wake_ps - r->start_ps : 0;
			if (r->tsc_lost_ps != expected || r->lapic_lost_ps != expected)
				fail_msg("%s: %s 0x%02x lost %llu ps of TSC and %llu ps of LAPIC timer, expected %llu",
					 c->scenario, r->method == IDLE_HLT ? "HLT" : "MWAIT", r->hint,
					 (unsigned long long)r->tsc_lost_ps, (unsigned long long)r->lapic_lost_ps,
					 (unsigned long long)expected);
		}
	}
}

/* The drift watch's synthetic cases: invariant TSC advertised, and from 120 s a TSC that runs 2000 ppm slow, or
 * that stops 20 ms of every 100 ms in idle; nothing else changes. */
static void test_shipped_event_scenarios_change_the_tsc_alone_at_120_s(void **state)
{
	(void)state;
	static const char *const scenarios[] = {"tsc-rate-change.json", "tsc-stops-in-idle.json"};
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		struct cpuid_regs power;
		load_scenario(scenarios[i]);
		m->cpuid(m, 0x80000007, 0, &power);
		assert_true(power.edx >> 8 & 1); /* invariant TSC */
		assert_int_equal(config.event_count, 1);
		assert_int_equal(config.events[0].clock, SIM_CLOCK_TSC);
		for (unsigned id = 1; id < SIM_CLOCK_COUNT; id++)
			if (sim.timelines[id].segment_count != 1 || sim.timelines[id].idle_stops)
				fail_msg("%s: clock %u changes", scenarios[i], id);
	}
	assert_close(sim_clock_rate_ppm(&sim, SIM_CLOCK_TSC, 121 * PS_PER_S), 0, 0); /* tsc-stops-in-idle */
	assert_int_equal(sim.timelines[SIM_CLOCK_TSC].idle_stops->at_ps, 120 * PS_PER_S);
	assert_int_equal(sim.timelines[SIM_CLOCK_TSC].idle_stops->stops_every_ps, 100 * PS_PER_MS);
	assert_int_equal(sim.timelines[SIM_CLOCK_TSC].idle_stops->stops_for_ps, 20 * PS_PER_MS);
	load_scenario("tsc-rate-change.json");
	assert_close(sim_clock_rate_ppm(&sim, SIM_CLOCK_TSC, 120 * PS_PER_S - 1), 0, 0);
	assert_close(sim_clock_rate_ppm(&sim, SIM_CLOCK_TSC, 120 * PS_PER_S), TSC_CHANGE_PPM, 0);
}

/* Xen's time leaf (base + 3): subleaf 1's pvclock mul and shift must describe subleaf 0's guest TSC kHz. */
static void test_xen_time_leaf_scale_describes_its_tsc_khz(void **state)
{
	(void)state;
	struct cpuid_regs signature, modes, scale;
	load_scenario("xen-viridian.json");
	assert_true(sane_base(0x40000100, &signature));
	assert_int_equal(signature.ebx, 0x566e6558); /* "XenV" */
	m->cpuid(m, 0x40000103, 0, &modes);
	m->cpuid(m, 0x40000103, 1, &scale);
	struct pvclock_vcpu_time_info t = {.tsc_to_system_mul = scale.ecx, .tsc_shift = (int8_t)scale.edx};
	assert_close(pvclock_hz(&t) / 1000, modes.ecx, 1);
	assert_int_equal(modes.ecx, config.tsc_hz / 1000);
	assert_int_equal(scale.edx, 0xffffffff); /* Xen returns the int shift sign-extended */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_a_scenario_without_clocks_is_a_q35_like_machine, reset_config),
		cmocka_unit_test_setup(test_every_clock_field_loads, reset_config),
		cmocka_unit_test_setup(test_every_paravirtual_field_loads, reset_config),
		cmocka_unit_test_setup(test_paravirtual_defaults_are_honest_and_absence_is_the_default, reset_config),
		cmocka_unit_test_setup(test_every_idle_field_loads, reset_config),
		cmocka_unit_test_setup(test_every_event_field_loads, reset_config),
		cmocka_unit_test_setup(test_at_most_16_events, reset_config),
		cmocka_unit_test_setup(test_bad_fields_are_one_line_errors_naming_the_field, reset_config),
		cmocka_unit_test_setup(test_shipped_scenarios_have_tables_that_match_their_clocks, reset_config),
		cmocka_unit_test_setup(test_shipped_scenarios_have_the_paravirtual_msrs_their_cpuid_advertises,
				       reset_config),
		cmocka_unit_test_setup(test_shipped_event_scenarios_change_the_tsc_alone_at_120_s, reset_config),
		cmocka_unit_test_setup(test_xen_time_leaf_scale_describes_its_tsc_khz, reset_config),
		cmocka_unit_test_setup(test_every_scenario_in_the_folder_is_shipped_and_loads, reset_config),
		cmocka_unit_test_setup(test_shipped_scenarios_offer_mwait_states_only_where_cpuid_advertises_them,
				       reset_config),
		cmocka_unit_test_setup(test_shipped_idle_scenarios_lose_time_only_in_the_state_they_name, reset_config),
	};
	return cmocka_run_group_tests_name("sim_scenario", tests, NULL, NULL);
}
