/* The calibration engine: TSC against one reference, bracketed samples, a least-squares fit, an honest uncertainty. */
#ifndef TSCPROBE_CALIB_H
#define TSCPROBE_CALIB_H

#include "timesource.h"

/* Three standard errors: a stated uncertainty that the truth falls inside 99.7 % of the time (calib, watch). */
#define COVERAGE_FACTOR 3.0

#define CALIB_MAX_SAMPLES 1024

/* One reference reading between two TSC reads: the reference held ref_ticks somewhere in [tsc_lo, tsc_hi]. */
struct calib_sample {
	uint64_t ref_ticks; /* unwrapped, counting from the first sample */
	uint64_t tsc_lo, tsc_hi;
};

/* One reference read between two TSC reads: the reference held raw somewhere in [lo, hi]. */
struct bracketed_read {
	uint64_t lo, raw, hi;
};
struct bracketed_read calib_read_bracketed(struct machine *m, struct time_source *s);

struct calib_config {
	double window_s;         /* counter sources: reference time to measure over */
	double edge_window_s;    /* edge sources (RTC, UEFI time): at least this long, whole seconds */
	uint32_t target_samples; /* samples to spread over the window */
	double tsc_hz_hint;      /* best TSC estimate so far, for deadlines and paced waits; 0 = none yet */
};

struct calib_result {
	bool valid;
	const char *reason;  /* why not valid */
	double ratio;        /* TSC ticks per reference tick */
	double tsc_hz;       /* ratio x nominal; 0 when the reference has no nominal rate */
	double two_point_hz; /* from the first and last sample alone, as most firmware calibrates; 0 without a nominal */
	double uncertainty_ppm;
	double fit_ppm, quantisation_ppm, bracket_ppm; /* the parts of the uncertainty */
	double window_s;
	uint32_t samples, rejected;
	double read_cost_ticks;  /* median bracket width, TSC ticks */
	uint32_t backward_steps; /* readings behind the one before (seen by the unwrap) */
	uint32_t gaps_bridged;   /* reads more than half a counter period apart, completed using the TSC */
	uint32_t jumps_backward, jumps_forward; /* steps the reference took that the TSC did not (seen by the fit) */
	uint64_t tsc_backward_ticks; /* how far the TSC stepped back, which ended the measurement; 0 if it never did */
};

/* Measure the TSC against s (probed and available). Bounded: deadlines on two clocks and an iteration cap. */
void calib_measure(struct machine *m, struct time_source *s, const struct calib_config *config,
		   struct calib_sample *workspace, struct calib_result *out);

/* The most references calib_measure_together takes at once. */
#define CALIB_MAX_TOGETHER 8

/*
 * Measure the TSC against every one of sources (probed and available) in one shared window: the window the
 * longest of them needs, not the sum. Each gets its own samples (workspaces[i]), fit and results[i], as alone.
 * At least one of them must be a counter with a nominal rate: it sets the window of those without one.
 */
void calib_measure_together(struct machine *m, struct time_source *const *sources, unsigned count,
			    const struct calib_config *config, struct calib_sample *const *workspaces,
			    struct calib_result *results);

/*
 * Fit TSC against reference ticks (pure). quantisation_ticks is the reference's reading error
 * (1 tick for a counter, 0 for an edge); edges makes the bracket term worst-case, not averaged.
 */
void calib_fit(const struct calib_sample *samples, uint32_t count, double nominal_hz, double quantisation_ticks,
	       bool edges, struct calib_result *out);

#endif
