/* The probe flow in its phases, for callers that watch between measuring and leaving the machine as found. */
#ifndef TSCPROBE_PROBE_H
#define TSCPROBE_PROBE_H

#include "calib.h"
#include "report.h"

#define PROBE_SOURCES 8

struct probe {
	struct machine *m;
	const struct probe_settings *settings;
	struct report *r;
	struct time_source sources[PROBE_SOURCES];
	struct calib_result results[PROBE_SOURCES];
	unsigned order[PROBE_SOURCES]; /* sources' indices in the order they were measured */
	unsigned measured_count;
	bool shared; /* the references were measured in one shared window */
	uint64_t tsc_start;
};

/* Everything up to the verdicts; the clocks stay set up (HPET running, LAPIC programmed, pages enabled). */
void probe_start(struct probe *p, struct machine *m, const struct probe_settings *settings, struct report *r);

/* Watch every clock and claim for settings->duration_s (core/watch.c); adds r->watch. */
void probe_watch(struct probe *p, const struct watch_settings *settings, struct watch_workspace *ws);

/* Leave the machine as found, then the verdicts: once, on everything measured and watched. */
void probe_finish(struct probe *p);

#endif
