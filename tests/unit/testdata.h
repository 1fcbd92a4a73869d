/* Where unit tests find tests/data, so they run from any directory. */
#ifndef TSCPROBE_TESTDATA_H
#define TSCPROBE_TESTDATA_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "sim.h"

/* $TSCPROBE_TESTDATA/relative, defaulting to tests/data (make test runs from the repository root). */
static inline const char *testdata_path(const char *relative)
{
	static char path[512];
	const char *root = getenv("TSCPROBE_TESTDATA");
	snprintf(path, sizeof(path), "%s/%s", root ? root : "tests/data", relative);
	return path;
}

/*
 * Run the whole probe on a simulated machine fresh from sim_init: short calibration windows (the verdicts do not
 * depend on their length) and the given idle periods, once each.
 */
static inline void testdata_run_probe(struct sim *sim, struct report *report, const uint32_t *idle_us,
				      unsigned idle_count)
{
	struct probe_settings settings;
	probe_defaults(&settings, "test");
	settings.window_s = 0.2;
	settings.edge_window_s = 2;
	for (unsigned i = 0; i < idle_count; i++)
		settings.idle.durations_us[i] = idle_us[i];
	settings.idle.duration_count = idle_count;
	settings.idle.repeats = 1;
	probe_run(&sim->machine, &settings, report);
}

/* The report's verdict of this id, or NULL. */
static inline const struct verdict *testdata_verdict(const struct report *report, const char *id)
{
	for (unsigned i = 0; i < report->verdict_count; i++)
		if (!strcmp(report->verdicts[i].id, id))
			return &report->verdicts[i];
	return NULL;
}

#endif
