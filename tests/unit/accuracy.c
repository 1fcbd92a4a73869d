/* How uncertain an honest figure may be in a simulated scenario (accuracy.h). */
#include "accuracy.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "units.h"

#define PORT_ACCESSES_PER_CMOS_READ 2 /* an index write, then a data read */
/* The simulated GetTime() waits out an RTC update as edk2's does: UIP's 244 us lead and the 1984 us cycle; in a
 * shared window its calls keep clear of the update from that long (and calib.c's 50 us margin) before it. */
#define RTC_UPDATE_WAIT_S (0.002228 + 0.00005)

/* The reference's accesses: the PIT's a latch command and two data bytes; the RTC's status A, then seconds,
 * minutes, hours and seconds again; kvmclock's the RDTSC its page is scaled by. */
static double accesses_ps(const struct sim_config *config, const char *name)
{
	const struct sim_clocks_config *c = &config->clocks;
	if (!strcmp(name, "acpi_pm"))
		return (double)c->pm_timer.access.cost_ps;
	if (!strcmp(name, "hpet"))
		return (double)c->hpet.access.cost_ps;
	if (!strcmp(name, "pit"))
		return 3.0 * (double)c->pit.access.cost_ps;
	if (!strcmp(name, "rtc"))
		return 5.0 * PORT_ACCESSES_PER_CMOS_READ * (double)c->rtc.access.cost_ps;
	if (!strcmp(name, "uefi_time"))
		return (double)c->uefi_time.cost_ps;
	if (!strcmp(name, "lapic"))
		return (double)c->lapic.access.cost_ps;
	if (!strcmp(name, "kvmclock"))
		return (double)config->rdtsc_cost_ps;
	if (!strcmp(name, "hv_refcount"))
		return (double)config->msr_cost_ps;
	fail_msg("no read cost known for reference %s", name);
	return 0;
}

/* The named reference; the test fails when the report has none. Never NULL, for the callers' dereferences. */
static const struct reference_report *named(const struct report *report, const char *name)
{
	unsigned i = 0;
	while (i + 1 < report->reference_count && strcmp(report->references[i].name, name))
		i++;
	if (strcmp(report->references[i].name, name))
		fail_msg("no reference %s in the report", name);
	return &report->references[i];
}

double reference_read_s(const struct sim_config *config, const char *name)
{
	return (accesses_ps(config, name) + 2.0 * (double)config->rdtsc_cost_ps) / PS_PER_S;
}

/*
 * Each sample off by up to e, spread evenly, has a standard deviation of e / sqrt(12); a slope through n samples
 * evenly spread over the span then has a standard error of that times sqrt(12 / n) / span.
 */
double slope_limit_ppm(double sample_error_s, double span_s, uint32_t samples)
{
	return 1e6 * COVERAGE_FACTOR * sample_error_s / (span_s * sqrt(samples));
}

double reading_error_s(const struct sim_config *config, const struct report *report, const char *name)
{
	return 1 / named(report, name)->nominal_hz + reference_read_s(config, name);
}

/*
 * A counter: each sample off by up to one reading's error. Jittered reads wider than a few fast ones are rejected by
 * the probe, so jitter enters as fewer samples, which the report counts.
 * An edge-timed clock (RTC, UEFI time): each end of the window lies between the last read that saw the old second and
 * the first that sees the new one (the RTC's may be a UIP check alone), so within two reads of it; a GetTime() read
 * may also have waited out the update, and in a shared window the calls before it keep clear of the update that long.
 */
double reference_limit_ppm(const struct sim_config *config, const struct report *report, const char *name)
{
	const struct reference_report *r = named(report, name);
	if (r->edges) {
		double polls_s = !strcmp(r->name, "rtc")
					 ? reference_read_s(config, "rtc") +
						   PORT_ACCESSES_PER_CMOS_READ *
							   (double)config->clocks.rtc.access.cost_ps / PS_PER_S
					 : 2 * reference_read_s(config, r->name) + RTC_UPDATE_WAIT_S;
		return 1e6 * 2 * polls_s / r->window_s;
	}
	return slope_limit_ppm(reading_error_s(config, report, name), r->window_s, r->samples);
}
