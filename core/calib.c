/* The calibration engine: read a reference between two TSC reads, keep the narrow brackets, fit a line. */
#include "calib.h"

#include "counter.h"
#include "numeric.h"

/*
 * Reads slower than this multiple of the fastest warm-up read were interrupted by something
 * (a VM exit, an SMI, a descheduled vCPU): their bracket says little about when the reference
 * was read. Linux's tsc.c retries reads for the same reason (SMI_TRESHOLD, MAX_RETRIES).
 */
#define WIDE_BRACKET_FACTOR 4
/* Very fast reads (tens of ticks) vary by more than 4x with cache effects alone: allow this much. */
#define WIDE_BRACKET_SLACK_TICKS 256
#define WARMUP_READS 16
#define RETRIES_PER_SAMPLE 8
/* No x86 TSC runs faster than this: the deadline when no estimate exists yet. */
#define TSC_CEILING_HZ 10e9
/* A window may take this many times its nominal length (by any clock) before it is abandoned. */
#define DEADLINE_FACTOR 3.0
/* Edge polls per second of window at most: bounds the spin when no estimate paces the wait. */
#define EDGE_POLLS_PER_S_MAX 5000000.0
/*
 * An edge bracket up to this long is kept even when wider than the fastest reads: a read that
 * sees the new second may have waited out the RTC's update (up to ~2 ms after a 244 us lead, as
 * OVMF's GetTime does), yet it is still far shorter than a tick. Its width enters the uncertainty.
 */
#define EDGE_MAX_BRACKET_S 0.005
/* Pairs of samples needed before their median rate can judge a jump; and the margin over a pair's read error. */
#define JUMP_MIN_PAIRS 8
#define JUMP_MARGIN 2.0

static double midpoint(const struct calib_sample *s)
{
	return (double)s->tsc_lo + (double)(s->tsc_hi - s->tsc_lo) / 2;
}

/*
 * Steps the reference took that the TSC did not: each pair of neighbouring samples is held against
 * the median rate of all pairs (one jump cannot move a median). A pair's reference advance may
 * differ from what its TSC advance predicts only by the reads' quantisation and their brackets;
 * beyond JUMP_MARGIN times that, the reference jumped (a step backwards smaller than the sample
 * spacing looks like a short advance, and would otherwise pass unseen).
 */
static void find_jumps(const struct calib_sample *samples, uint32_t n, double quantisation_ticks,
		       struct calib_result *out)
{
	double rates[CALIB_MAX_SAMPLES];
	uint32_t m = 0;

	for (uint32_t i = 1; i < n; i++)
		if (samples[i].ref_ticks > samples[i - 1].ref_ticks)
			rates[m++] = (midpoint(&samples[i]) - midpoint(&samples[i - 1])) /
				     (double)(samples[i].ref_ticks - samples[i - 1].ref_ticks);
	if (m < JUMP_MIN_PAIRS)
		return;
	numeric_sort(rates, m);
	double rate = rates[m / 2]; /* TSC ticks per reference tick */
	for (uint32_t i = 1; i < n; i++) {
		double advance = (double)samples[i].ref_ticks - (double)samples[i - 1].ref_ticks;
		double predicted = (midpoint(&samples[i]) - midpoint(&samples[i - 1])) / rate;
		double brackets = (double)(samples[i].tsc_hi - samples[i].tsc_lo + samples[i - 1].tsc_hi -
					   samples[i - 1].tsc_lo) /
				  rate;
		double tolerance = JUMP_MARGIN * (2 * quantisation_ticks + brackets);
		if (advance - predicted < -tolerance)
			out->jumps_backward++;
		else if (advance - predicted > tolerance)
			out->jumps_forward++;
	}
}

void calib_fit(const struct calib_sample *samples, uint32_t count, double nominal_hz, double quantisation_ticks,
	       bool edges, struct calib_result *out)
{
	double brackets[CALIB_MAX_SAMPLES];
	double mean_x = 0, mean_y = 0, mean_w = 0, sxx = 0, sxy = 0, sxw = 0, ssr = 0;
	uint32_t n = count < CALIB_MAX_SAMPLES ? count : CALIB_MAX_SAMPLES;

	out->samples = n;
	/* cppcheck-suppress knownConditionTrueFalse ; false positive: n is count capped, any value up to 512 */
	if (n < 3) {
		out->valid = false;
		out->reason = "fewer than 3 usable samples";
		return;
	}
	/* Work relative to the first sample: doubles then hold every value exactly. */
	uint64_t x0 = samples[0].ref_ticks, y0 = samples[0].tsc_lo;
	for (uint32_t i = 0; i < n; i++) {
		mean_x += (double)(samples[i].ref_ticks - x0);
		mean_y += (double)(samples[i].tsc_lo - y0) + (double)(samples[i].tsc_hi - samples[i].tsc_lo) / 2;
		brackets[i] = (double)(samples[i].tsc_hi - samples[i].tsc_lo);
		mean_w += brackets[i];
	}
	mean_x /= n;
	mean_y /= n;
	mean_w /= n;
	for (uint32_t i = 0; i < n; i++) {
		double dx = (double)(samples[i].ref_ticks - x0) - mean_x;
		double dy = (double)(samples[i].tsc_lo - y0) + brackets[i] / 2 - mean_y;
		sxx += dx * dx;
		sxy += dx * dy;
		sxw += dx * (brackets[i] - mean_w);
	}
	if (sxx <= 0) {
		out->valid = false;
		out->reason = "the reference did not move during the window";
		return;
	}
	double slope = sxy / sxx, intercept = mean_y - slope * mean_x;
	if (slope <= 0) {
		out->valid = false;
		out->reason = "the TSC did not advance with the reference";
		return;
	}
	for (uint32_t i = 0; i < n; i++) {
		double x = (double)(samples[i].ref_ticks - x0);
		double r = (double)(samples[i].tsc_lo - y0) + brackets[i] / 2 - (intercept + slope * x);
		ssr += r * r;
	}

	double x_span = (double)(samples[n - 1].ref_ticks - x0);
	double y_span = x_span * slope;
	numeric_sort(brackets, n);

	out->ratio = slope;
	out->tsc_hz = nominal_hz ? slope * (double)nominal_hz : 0;
	out->window_s = nominal_hz ? x_span / (double)nominal_hz : 0;
	out->read_cost_ticks = brackets[n / 2];
	out->fit_ppm = 1e6 * COVERAGE_FACTOR * numeric_sqrt(ssr / (n - 2) / sxx) / slope;
	/* A counter reads up to one tick late at every sample; averaged over n samples by the fit. */
	out->quantisation_ppm = 1e6 * quantisation_ticks / (x_span * numeric_sqrt(n));
	/*
	 * Where inside its bracket a read happened: averaged for counters, worst case at the ends for
	 * edges. For counters also a systematic part: when brackets widen or narrow over the window (VM
	 * exits getting slower, -icount shift=auto changing its time per instruction), the read's place
	 * moves with them. Lines through the brackets' starts and ends differ in slope by the trend of
	 * the width, and the read's line lies between them: half that trend bounds the tilt.
	 */
	if (edges) {
		out->bracket_ppm = 1e6 * brackets[n - 1] / y_span;
	} else {
		double random = brackets[n / 2] / 2 / numeric_sqrt(n) / y_span;
		double trend = numeric_abs(sxw / sxx) / 2 / slope;
		out->bracket_ppm = 1e6 * numeric_sqrt(random * random + trend * trend);
	}
	out->uncertainty_ppm =
		numeric_sqrt(out->fit_ppm * out->fit_ppm + out->quantisation_ppm * out->quantisation_ppm +
			     out->bracket_ppm * out->bracket_ppm);
	if (!edges)
		find_jumps(samples, n, quantisation_ticks, out);
	out->valid = true;
	out->reason = NULL;
}

struct bracketed_read calib_read_bracketed(struct machine *m, struct time_source *s)
{
	struct bracketed_read r;
	r.lo = m->rdtsc(m);
	r.raw = s->driver->read(s, m);
	r.hi = m->rdtsc(m);
	return r;
}

/*
 * The TSC never runs backwards on sound hardware: a read that starts before the one before it ended is a step
 * back (a host rewriting the TSC), and no figure taken across it means anything, so the measurement ends.
 */
static bool tsc_stepped_back(const struct bracketed_read *before, const struct bracketed_read *now,
			     struct calib_result *out)
{
	uint64_t latest = before->hi;
	if (now->lo >= latest && now->hi >= now->lo)
		return false;
	out->tsc_backward_ticks = latest - (now->lo < now->hi ? now->lo : now->hi);
	out->reason = "the TSC went backwards during the measurement";
	return true;
}

/* Bounds shared by both sampling loops: an iteration cap, a TSC deadline and a firmware-stall deadline. */
struct limits {
	uint64_t tsc_start, tsc_deadline_ticks;
	double stalled_us, stall_deadline_us;
	uint64_t iterations, iteration_cap;
};

static void limits_init(struct limits *l, struct machine *m, const struct calib_config *c, double window_s,
			uint64_t iteration_cap)
{
	double tsc_hz = c->tsc_hz_hint > 0 ? c->tsc_hz_hint : TSC_CEILING_HZ;
	*l = (struct limits){
		.tsc_start = m->rdtsc(m),
		.tsc_deadline_ticks = (uint64_t)(tsc_hz * window_s * DEADLINE_FACTOR),
		.stall_deadline_us = window_s * 1e6 * DEADLINE_FACTOR,
		.iteration_cap = iteration_cap,
	};
}

static bool limits_passed(struct limits *l, uint64_t tsc_now)
{
	return ++l->iterations > l->iteration_cap || tsc_now - l->tsc_start > l->tsc_deadline_ticks ||
	       l->stalled_us > l->stall_deadline_us;
}

static void paced_stall(struct machine *m, struct limits *l, double us)
{
	if (us >= 1) {
		m->stall(m, (uint32_t)us);
		l->stalled_us += us;
	}
}

/* The fastest of a few reads sets what counts as an interrupted (wide) read. */
static uint64_t wide_bracket_threshold(struct machine *m, struct time_source *s, struct counter_unwrap *u)
{
	uint64_t fastest = UINT64_MAX;
	for (int i = 0; i < WARMUP_READS; i++) {
		struct bracketed_read r = calib_read_bracketed(m, s);
		counter_unwrap(u, r.raw);
		if (r.hi - r.lo < fastest)
			fastest = r.hi - r.lo;
	}
	uint64_t by_factor = fastest * WIDE_BRACKET_FACTOR, by_slack = fastest + WIDE_BRACKET_SLACK_TICKS;
	return by_factor > by_slack ? by_factor : by_slack;
}

static void measure_counter(struct machine *m, struct time_source *s, const struct calib_config *c,
			    struct calib_sample *samples, struct calib_result *out)
{
	struct counter_unwrap u;
	struct limits l;
	uint32_t n = 0, target = c->target_samples < CALIB_MAX_SAMPLES ? c->target_samples : CALIB_MAX_SAMPLES;
	double spacing_us = c->window_s * 1e6 / target;
	/* Sample at least eight times per counter period: wraps are seen directly, with margin for jitter. */
	if (s->nominal_hz > 0 && s->modulus) {
		double eighth_period_us = (double)s->modulus / s->nominal_hz * 1e6 / 8;
		if (spacing_us > eighth_period_us)
			spacing_us = eighth_period_us;
	}
	uint64_t window_ticks = (uint64_t)(c->window_s * s->nominal_hz);
	double tsc_window = c->window_s * c->tsc_hz_hint;

	counter_unwrap_init(&u, s->modulus);
	struct bracketed_read first_read = calib_read_bracketed(m, s);
	counter_unwrap(&u, first_read.raw);
	uint64_t threshold = wide_bracket_threshold(m, s, &u);
	struct bracketed_read last = calib_read_bracketed(m, s);
	uint64_t first = counter_unwrap(&u, last.raw);
	/* TSC ticks per reference tick, roughly: from the warm-up, then from the samples so far. */
	double rough_ratio = first ? (double)(last.lo - first_read.lo) / (double)first : 0;
	limits_init(&l, m, c, c->window_s,
		    (uint64_t)(c->window_s * 1e6 / spacing_us + 1) * (RETRIES_PER_SAMPLE + 1) * 4);

	for (;;) {
		struct bracketed_read r;
		uint64_t ticks = 0;
		bool narrow = false;
		for (int retry = 0; retry <= RETRIES_PER_SAMPLE && !narrow; retry++) {
			r = calib_read_bracketed(m, s);
			if (tsc_stepped_back(&last, &r, out))
				return;
			double expected = rough_ratio > 0 ? (double)(r.lo - last.lo) / rough_ratio : 0;
			ticks = counter_unwrap_expecting(&u, r.raw, expected) - first;
			last = r;
			narrow = r.hi - r.lo <= threshold;
			out->rejected += !narrow;
		}
		if (narrow && n < CALIB_MAX_SAMPLES) {
			samples[n++] = (struct calib_sample){ticks, r.lo, r.hi};
			if (ticks > samples[0].ref_ticks)
				rough_ratio =
					(double)(r.lo - samples[0].tsc_lo) / (double)(ticks - samples[0].ref_ticks);
		}

		bool window_done = s->nominal_hz > 0 ? ticks >= window_ticks
				   : tsc_window > 0  ? (double)(r.hi - l.tsc_start) >= tsc_window
						     : l.stalled_us >= c->window_s * 1e6;
		if (window_done)
			break;
		if (limits_passed(&l, r.hi)) {
			out->reason = ticks == 0
					      ? "the counter did not move (stuck or absent)"
					      : "the window did not complete in time (the reference runs far too slow)";
			out->backward_steps = u.backward_steps;
			return;
		}
		paced_stall(m, &l, spacing_us);
	}
	out->backward_steps = u.backward_steps;
	out->gaps_bridged = u.gaps_bridged;
	if (u.total - first == 0) {
		out->reason = "the counter did not move (stuck or absent)";
		return;
	}
	uint32_t rejected = out->rejected;
	calib_fit(samples, n, s->nominal_hz, 1.0, false, out);
	out->rejected = rejected;
}

static void measure_edges(struct machine *m, struct time_source *s, const struct calib_config *c,
			  struct calib_sample *samples, struct calib_result *out)
{
	struct counter_unwrap u;
	struct limits l;
	uint32_t edges_wanted = (uint32_t)(c->edge_window_s + 0.5) + 1, n = 0;
	double window_s = edges_wanted + 1; /* the first edge may be up to a second away */

	counter_unwrap_init(&u, s->modulus);
	uint64_t threshold = 2 * wide_bracket_threshold(m, s, &u);
	uint64_t slow_edge = (uint64_t)(EDGE_MAX_BRACKET_S * c->tsc_hz_hint);
	if (slow_edge > threshold)
		threshold = slow_edge;
	limits_init(&l, m, c, window_s, (uint64_t)(window_s * EDGE_POLLS_PER_S_MAX));

	struct bracketed_read before = calib_read_bracketed(m, s);
	uint64_t before_ticks = counter_unwrap(&u, before.raw);
	while (n < edges_wanted && n < CALIB_MAX_SAMPLES) {
		struct bracketed_read now = calib_read_bracketed(m, s);
		if (tsc_stepped_back(&before, &now, out))
			return;
		uint64_t ticks = counter_unwrap(&u, now.raw);
		if (limits_passed(&l, now.hi)) {
			out->reason = n > 0 ? "the clock stopped ticking during the window"
				      : out->rejected
					      ? "every tick was seen only through a slow read: none could be timed"
					      : "the clock never ticked (frozen, or its update flag never cleared)";
			out->backward_steps = u.backward_steps;
			return;
		}
		if (ticks == before_ticks) {
			before = now;
			continue;
		}
		/* The edge fell between the start of the last unchanged read and the end of this one. */
		/*
		 * No sleeping between edges: the firmware's Stall runs on its own clock, which under
		 * -icount or a descheduled vCPU can be far from this one's, and an edge slept through is lost.
		 */
		if (now.hi - before.lo <= threshold)
			samples[n++] = (struct calib_sample){ticks, before.lo, now.hi};
		else
			out->rejected++;
		before = now;
		before_ticks = ticks;
	}
	out->backward_steps = u.backward_steps;
	uint32_t rejected = out->rejected;
	calib_fit(samples, n, s->nominal_hz, 0.0, true, out);
	out->rejected = rejected;
}

void calib_measure(struct machine *m, struct time_source *s, const struct calib_config *config,
		   struct calib_sample *workspace, struct calib_result *out)
{
	*out = (struct calib_result){.reason = "not measured"};
	if (s->sampling == SAMPLING_EDGES)
		measure_edges(m, s, config, workspace, out);
	else
		measure_counter(m, s, config, workspace, out);
}
