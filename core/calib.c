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
/*
 * In a shared window, counter reads keep this far from an edge clock's next expected tick: a read in between two
 * polls would widen that edge's bracket, which counts in full (worst case) in the edge clock's uncertainty.
 */
#define EDGE_GUARD_S 0.005
/*
 * An MC146818 RTC raises its update-in-progress flag 244 us before an update cycle of up to 1984 us: a GetTime()
 * call started in that time waits it out. Its tick, when the new time shows, comes at the end; the expected tick
 * is known to within this margin once the counters have a rate. The datasheet's figure stands until the flag has
 * been seen ahead of a tick (QEMU's update takes no time: 244 us).
 */
#define RTC_UPDATE_LEAD_S 0.002228
#define EDGE_PREDICTION_MARGIN_S 0.00005
/* An edge clock ticks once a second: the counters wait this long for every edge clock's first tick, no longer. */
#define FIRST_TICK_WAIT_S 1.5
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
	out->two_point_hz = (midpoint(&samples[n - 1]) - midpoint(&samples[0])) / x_span * (double)nominal_hz;
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

/* The fastest of a few reads (returned in *fastest) sets what counts as an interrupted (wide) read. */
static uint64_t wide_bracket_threshold(struct machine *m, struct time_source *s, struct counter_unwrap *u,
				       uint64_t *fastest)
{
	*fastest = UINT64_MAX;
	for (int i = 0; i < WARMUP_READS; i++) {
		struct bracketed_read r = calib_read_bracketed(m, s);
		counter_unwrap(u, r.raw);
		if (r.hi - r.lo < *fastest)
			*fastest = r.hi - r.lo;
	}
	uint64_t by_factor = *fastest * WIDE_BRACKET_FACTOR, by_slack = *fastest + WIDE_BRACKET_SLACK_TICKS;
	return by_factor > by_slack ? by_factor : by_slack;
}

/* One counter reference being sampled: alone, or in turn with others in a shared window. */
struct counter_run {
	struct time_source *s;
	struct calib_sample *samples;
	struct calib_result *out;
	struct counter_unwrap u;
	struct limits l;
	struct bracketed_read last;
	uint64_t threshold, first, window_ticks, ticks;
	double rough_ratio; /* TSC ticks per reference tick: from the warm-up, then from the samples so far */
	double spacing_us, tsc_window;
	uint32_t n;
};

static void counter_begin(struct machine *m, struct counter_run *run, struct time_source *s,
			  const struct calib_config *c, struct calib_sample *samples, struct calib_result *out)
{
	uint32_t target = c->target_samples < CALIB_MAX_SAMPLES ? c->target_samples : CALIB_MAX_SAMPLES;
	*run = (struct counter_run){.s = s, .samples = samples, .out = out, .spacing_us = c->window_s * 1e6 / target};
	/* Sample at least eight times per counter period: wraps are seen directly, with margin for jitter. */
	if (s->nominal_hz > 0 && s->modulus) {
		double eighth_period_us = (double)s->modulus / s->nominal_hz * 1e6 / 8;
		if (run->spacing_us > eighth_period_us)
			run->spacing_us = eighth_period_us;
	}
	run->window_ticks = (uint64_t)(c->window_s * s->nominal_hz);
	run->tsc_window = c->window_s * c->tsc_hz_hint;

	counter_unwrap_init(&run->u, s->modulus);
	struct bracketed_read first_read = calib_read_bracketed(m, s);
	counter_unwrap(&run->u, first_read.raw);
	uint64_t fastest;
	run->threshold = wide_bracket_threshold(m, s, &run->u, &fastest);
	run->last = calib_read_bracketed(m, s);
	run->first = counter_unwrap(&run->u, run->last.raw);
	run->rough_ratio = run->first ? (double)(run->last.lo - first_read.lo) / (double)run->first : 0;
	limits_init(&run->l, m, c, c->window_s,
		    (uint64_t)(c->window_s * 1e6 / run->spacing_us + 1) * (RETRIES_PER_SAMPLE + 1) * 4);
}

/* Take one sample (retrying wide reads); false when the TSC stepped back, which ends the measurement. */
static bool counter_sample(struct machine *m, struct counter_run *run)
{
	struct bracketed_read r;
	bool narrow = false;
	for (int retry = 0; retry <= RETRIES_PER_SAMPLE && !narrow; retry++) {
		r = calib_read_bracketed(m, run->s);
		if (tsc_stepped_back(&run->last, &r, run->out))
			return false;
		double expected = run->rough_ratio > 0 ? (double)(r.lo - run->last.lo) / run->rough_ratio : 0;
		run->ticks = counter_unwrap_expecting(&run->u, r.raw, expected) - run->first;
		run->last = r;
		narrow = r.hi - r.lo <= run->threshold;
		run->out->rejected += !narrow;
	}
	if (narrow && run->n < CALIB_MAX_SAMPLES) {
		run->samples[run->n++] = (struct calib_sample){run->ticks, r.lo, r.hi};
		if (run->ticks > run->samples[0].ref_ticks)
			run->rough_ratio = (double)(r.lo - run->samples[0].tsc_lo) /
					   (double)(run->ticks - run->samples[0].ref_ticks);
	}
	return true;
}

/* The window is over by the reference's own ticks; without a nominal rate, by the TSC estimate or the stalls. */
static bool counter_window_done(const struct counter_run *run, double window_s)
{
	if (run->s->nominal_hz > 0)
		return run->ticks >= run->window_ticks;
	if (run->tsc_window > 0)
		return (double)(run->last.hi - run->l.tsc_start) >= run->tsc_window;
	return run->l.stalled_us >= window_s * 1e6;
}

/* Out of time: why, from whether the counter moved at all. */
static void counter_give_up(struct counter_run *run)
{
	run->out->reason = run->ticks == 0 ? "the counter did not move (stuck or absent)"
					   : "the window did not complete in time (the reference runs far too slow)";
	run->out->backward_steps = run->u.backward_steps;
}

static void counter_end(struct counter_run *run)
{
	struct calib_result *out = run->out;
	out->backward_steps = run->u.backward_steps;
	out->gaps_bridged = run->u.gaps_bridged;
	if (run->u.total - run->first == 0) {
		out->reason = "the counter did not move (stuck or absent)";
		return;
	}
	uint32_t rejected = out->rejected;
	calib_fit(run->samples, run->n, run->s->nominal_hz, 1.0, false, out);
	out->rejected = rejected;
}

static void measure_counter(struct machine *m, struct time_source *s, const struct calib_config *c,
			    struct calib_sample *samples, struct calib_result *out)
{
	struct counter_run run;
	counter_begin(m, &run, s, c, samples, out);
	for (;;) {
		if (!counter_sample(m, &run))
			return;
		if (counter_window_done(&run, c->window_s))
			break;
		if (limits_passed(&run.l, run.last.hi)) {
			counter_give_up(&run);
			return;
		}
		paced_stall(m, &run.l, run.spacing_us);
	}
	counter_end(&run);
}

/* One edge clock being watched for its ticks: alone, or beside counters in a shared window. */
struct edge_run {
	struct time_source *s;
	struct calib_sample *samples;
	struct calib_result *out;
	struct counter_unwrap u;
	struct limits l;
	struct bracketed_read before; /* the last read that still showed the old value */
	uint64_t before_ticks, threshold;
	uint64_t last_edge_tsc;      /* where the last edge was seen (kept or not); 0 before the first */
	uint64_t imminent_since;     /* since when the clock has said its tick is under way; 0 when it does not */
	uint64_t fastest_read_ticks; /* its fastest warm-up read */
	uint64_t off_ticks;          /* the farthest a tick came from where it was expected (in a shared window) */
	uint64_t update_ticks;       /* the longest seen from its tick-under-way flag to the tick; 0 until seen */
	uint64_t foreign_ticks;      /* spent reading other clocks since its own last read (in a shared window) */
	uint32_t n, edges_wanted;
};

static void edge_begin(struct machine *m, struct edge_run *run, struct time_source *s, const struct calib_config *c,
		       struct calib_sample *samples, struct calib_result *out)
{
	*run = (struct edge_run){.s = s, .samples = samples, .out = out};
	run->edges_wanted = (uint32_t)(c->edge_window_s + 0.5) + 1;
	double window_s = run->edges_wanted + 1; /* the first edge may be up to a second away */

	counter_unwrap_init(&run->u, s->modulus);
	run->threshold = 2 * wide_bracket_threshold(m, s, &run->u, &run->fastest_read_ticks);
	uint64_t slow_edge = (uint64_t)(EDGE_MAX_BRACKET_S * c->tsc_hz_hint);
	if (slow_edge > run->threshold)
		run->threshold = slow_edge;
	limits_init(&run->l, m, c, window_s, (uint64_t)(window_s * EDGE_POLLS_PER_S_MAX));
	run->before = calib_read_bracketed(m, s);
	run->before_ticks = counter_unwrap(&run->u, run->before.raw);
}

enum edge_poll { EDGE_WATCHING, EDGE_ENOUGH, EDGE_FAILED };

/* Read the clock once: an edge seen is a sample. */
static enum edge_poll edge_poll(struct machine *m, struct edge_run *run)
{
	struct calib_result *out = run->out;
	if (run->n >= run->edges_wanted || run->n >= CALIB_MAX_SAMPLES)
		return EDGE_ENOUGH;
	struct bracketed_read now = calib_read_bracketed(m, run->s);
	if (tsc_stepped_back(&run->before, &now, out))
		return EDGE_FAILED;
	uint64_t ticks = counter_unwrap(&run->u, now.raw);
	uint64_t warned_since = run->imminent_since;
	run->imminent_since = !run->s->tick_imminent ? 0 : run->imminent_since ? run->imminent_since : now.lo;
	if (limits_passed(&run->l, now.hi)) {
		out->reason = run->n > 0      ? "the clock stopped ticking during the window"
			      : out->rejected ? "every tick was seen only through a slow read: none could be timed"
					      : "the clock never ticked (frozen, or its update flag never cleared)";
		out->backward_steps = run->u.backward_steps;
		return EDGE_FAILED;
	}
	if (ticks != run->before_ticks) {
		/*
		 * The edge fell between the start of the last unchanged read and the end of this one. Reads of other
		 * clocks in between (a shared window) that took longer than one of its own, and than its ticks stray from
		 * where they are expected, make it no edge to time by.
		 */
		uint64_t foreign_allowed =
			run->fastest_read_ticks > run->off_ticks ? run->fastest_read_ticks : run->off_ticks;
		bool crossed = run->foreign_ticks > foreign_allowed;
		if (now.hi - run->before.lo <= run->threshold && !crossed)
			run->samples[run->n++] = (struct calib_sample){ticks, run->before.lo, now.hi};
		else
			out->rejected++;
		/* How long its flag warns ahead (the others keep clear that long); unknown again once a read crossed it. */
		if (crossed)
			run->update_ticks = 0;
		else if (warned_since && now.hi - warned_since > run->update_ticks)
			run->update_ticks = now.hi - warned_since;
		run->before_ticks = ticks;
		run->last_edge_tsc =
			now.hi; /* seen by then: a bracket widened by another clock's read ends at the tick */
	}
	run->before = now;
	run->foreign_ticks = 0;
	return EDGE_WATCHING;
}

static void edge_end(struct edge_run *run)
{
	struct calib_result *out = run->out;
	out->backward_steps = run->u.backward_steps;
	uint32_t rejected = out->rejected;
	calib_fit(run->samples, run->n, run->s->nominal_hz, 0.0, true, out);
	out->rejected = rejected;
}

/*
 * No sleeping between edges: the firmware's Stall runs on its own clock, which under -icount or a
 * descheduled vCPU can be far from this one's, and an edge slept through is lost.
 */
static void measure_edges(struct machine *m, struct time_source *s, const struct calib_config *c,
			  struct calib_sample *samples, struct calib_result *out)
{
	struct edge_run run;
	enum edge_poll state;
	edge_begin(m, &run, s, c, samples, out);
	while ((state = edge_poll(m, &run)) == EDGE_WATCHING)
		;
	if (state == EDGE_ENOUGH)
		edge_end(&run);
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

/* The TSC's rate by the first counter with a nominal rate and a ratio so far; 0 when none has one. */
static double rough_tsc_hz(const struct counter_run *counters, unsigned count)
{
	for (unsigned i = 0; i < count; i++)
		if (counters[i].s->nominal_hz > 0 && counters[i].rough_ratio > 0)
			return counters[i].rough_ratio * counters[i].s->nominal_hz;
	return 0;
}

/* Sleep until the next counter sample is due; every counter still sampling counts the stall towards its deadline. */
static void stall_until_due(struct machine *m, struct counter_run *counters, const bool *on, const uint64_t *due,
			    unsigned count, double tsc_hz)
{
	uint64_t now = m->rdtsc(m), next = UINT64_MAX;
	double us = 0;
	for (unsigned k = 0; k < count; k++)
		if (on[k] && due[k] < next)
			next = due[k];
	if (next == UINT64_MAX || next <= now)
		return;
	us = (double)(next - now) / tsc_hz * 1e6;
	if (us < 1)
		return;
	m->stall(m, (uint32_t)us);
	for (unsigned k = 0; k < count; k++)
		if (on[k])
			counters[k].l.stalled_us += us;
}

/*
 * Whether reads of other clocks should keep off now: within lead_s before the edge clock's next expected tick, or
 * EDGE_GUARD_S after it while it is late (one tick a second of its nominal rate, from its last). Never before its
 * first tick, nor without a rate to expect by.
 */
static bool edge_near(const struct edge_run *run, uint64_t now, double tsc_hz, double lead_s)
{
	if (!run->last_edge_tsc || tsc_hz <= 0 || run->s->nominal_hz <= 0)
		return false;
	double tick = tsc_hz / run->s->nominal_hz, since = (double)(now - run->last_edge_tsc);
	double lead = lead_s * tsc_hz;
	if (since < tick)
		return tick - since < lead;
	double into = since - tick * (double)(uint64_t)(since / tick); /* since the tick expected last, unseen */
	return tick - into < lead || into < EDGE_GUARD_S * tsc_hz;
}

/* How far from its expected place a clock's new tick came: ticks under a jittery host widen the keep-off. */
static void note_tick_place(struct edge_run *run, uint64_t previous_tick, double tsc_hz)
{
	if (!previous_tick || run->last_edge_tsc == previous_tick || tsc_hz <= 0 || run->s->nominal_hz <= 0)
		return;
	double tick = tsc_hz / run->s->nominal_hz, since = (double)(run->last_edge_tsc - previous_tick);
	double off = numeric_abs(since - tick * (double)(uint64_t)(since / tick + 0.5));
	if (off > (double)run->off_ticks && off < tick / 4)
		run->off_ticks = (uint64_t)off;
}

/*
 * Whether an edge clock says its tick is under way (the RTC's update-in-progress flag): until it has ticked it is
 * read alone, so that no other read (a GetTime() call waits out the whole update) widens its edge. For
 * EDGE_MAX_BRACKET_S at most, so that a flag stuck high cannot starve the others.
 */
static bool edge_holds(const struct edge_run *run, uint64_t now, double tsc_hz)
{
	return run->s->tick_imminent && run->imminent_since &&
	       (tsc_hz <= 0 || (double)(now - run->imminent_since) <= EDGE_MAX_BRACKET_S * tsc_hz);
}

/*
 * Whether clock k (an edge clock, or a counter when k == count) should not be read now: another edge clock's tick
 * is under way, or expected soon. A counter's read is short: EDGE_GUARD_S around the tick keeps it clear. An edge
 * clock keeps clear of the ticks of the clocks read faster than itself (theirs are the finer edges), from early
 * enough that its read, should it wait out an RTC update as GetTime() does, ends before the update begins.
 */
static bool keep_off(const struct edge_run *edges, const bool *on, unsigned count, unsigned k, uint64_t now,
		     double tsc_hz)
{
	for (unsigned j = 0; j < count; j++) {
		if (j == k || !on[j])
			continue;
		if (edge_holds(&edges[j], now, tsc_hz))
			return true;
		/* Counters have samples to spare: wider around a clock that ticks unevenly (a host's timer jitter). */
		if (k == count &&
		    edge_near(&edges[j], now, tsc_hz, EDGE_GUARD_S + 2.0 * (double)edges[j].off_ticks / tsc_hz))
			return true;
		if (k < count && edges[j].fastest_read_ticks < edges[k].fastest_read_ticks && tsc_hz > 0) {
			double update_s =
				edges[j].update_ticks ? (double)edges[j].update_ticks / tsc_hz : RTC_UPDATE_LEAD_S;
			if (edge_near(&edges[j], now, tsc_hz,
				      update_s + EDGE_PREDICTION_MARGIN_S +
					      (double)edges[k].fastest_read_ticks / tsc_hz))
				return true;
		}
	}
	return false;
}

/*
 * A read of one clock delays the next read of every edge clock: counted, so that an edge seen across it is known.
 * Not for clocks read slower than the reader (GetTime() across the RTC's reads): their own read would have taken as
 * long. Counters count for all (reader_fastest UINT64_MAX).
 */
static void count_foreign_read(struct edge_run *edges, const bool *on, unsigned count, unsigned except,
			       uint64_t reader_fastest, uint64_t ticks)
{
	for (unsigned j = 0; j < count; j++)
		if (j != except && on[j] && reader_fastest >= edges[j].fastest_read_ticks)
			edges[j].foreign_ticks += ticks;
}

/* Poll every edge clock still watching once, in turn, each unless it should keep off; false when none watches. */
static bool poll_edges(struct machine *m, struct edge_run *edges, bool *on, unsigned count, double tsc_hz)
{
	bool watching = false;
	for (unsigned k = 0; k < count; k++) {
		if (!on[k])
			continue;
		uint64_t start = m->rdtsc(m);
		if (keep_off(edges, on, count, k, start, tsc_hz)) {
			watching = true;
			continue;
		}
		uint64_t previous_tick = edges[k].last_edge_tsc;
		enum edge_poll state = edge_poll(m, &edges[k]);
		note_tick_place(&edges[k], previous_tick, tsc_hz);
		count_foreign_read(edges, on, count, k, edges[k].fastest_read_ticks, m->rdtsc(m) - start);
		if (state == EDGE_ENOUGH)
			edge_end(&edges[k]);
		on[k] = state == EDGE_WATCHING;
		watching |= on[k];
	}
	return watching;
}

/*
 * A factor from 0.5 to 1.5 for the next sample's spacing (xorshift64). On a machine whose time advances in fixed
 * steps (QEMU -icount) evenly spaced reads meet the counter's tick grid at the same few phases, and the fit
 * inherits their bias; spread at random, each read's tick error is independent, as the uncertainty assumes.
 */
static double dither(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return 0.5 + (double)(*state >> 11) / (double)(1ull << 53);
}

/*
 * Every reference in one window. The edge clocks are polled without sleeping, as alone; the counters start once each
 * edge clock has ticked (or a tick is overdue), so that their reads can keep clear of the next ticks (EDGE_GUARD_S),
 * and take their samples in turn, each at its own spacing, paced by the TSC at their rough rate. The edge clocks need
 * edge_window_s after their first tick: the counters span that too (a longer fit at no cost in time, and every clock
 * over the same interval, so a TSC that changes rate bends them all alike). Counters with a nominal rate end by their
 * own ticks; those without one (the LAPIC timer) when those have ended. The caller gives at least one counter with a
 * nominal rate.
 */
void calib_measure_together(struct machine *m, struct time_source *const *sources, unsigned count,
			    const struct calib_config *config, struct calib_sample *const *workspaces,
			    struct calib_result *results)
{
	struct counter_run counters[CALIB_MAX_TOGETHER];
	struct edge_run edges[CALIB_MAX_TOGETHER];
	struct calib_result *counter_results[CALIB_MAX_TOGETHER];
	struct calib_sample *counter_samples[CALIB_MAX_TOGETHER];
	unsigned counter_count = 0, edge_count = 0;
	bool counter_on[CALIB_MAX_TOGETHER] = {0}, edge_on[CALIB_MAX_TOGETHER] = {0};
	uint64_t due[CALIB_MAX_TOGETHER] = {0};
	uint64_t jitter = m->rdtsc(m) | 1;

	if (count > CALIB_MAX_TOGETHER)
		count = CALIB_MAX_TOGETHER;
	struct calib_config spanning = *config;
	for (unsigned i = 0; i < count; i++)
		if (sources[i]->sampling == SAMPLING_EDGES && spanning.window_s < config->edge_window_s)
			spanning.window_s = config->edge_window_s;
	for (unsigned i = 0; i < count; i++) {
		results[i] = (struct calib_result){.reason = "not measured"};
		if (sources[i]->sampling == SAMPLING_COUNTER) {
			counter_results[counter_count] = &results[i];
			counter_samples[counter_count] = workspaces[i];
			counter_begin(m, &counters[counter_count], sources[i], &spanning, workspaces[i], &results[i]);
			counter_on[counter_count++] = true;
		}
	}
	/* The edge clocks' deadlines and slow-edge allowance need the TSC's rate: the counters' warm-ups give it. */
	struct calib_config paced = *config;
	if (paced.tsc_hz_hint <= 0)
		paced.tsc_hz_hint = rough_tsc_hz(counters, counter_count);
	for (unsigned i = 0; i < count; i++)
		if (sources[i]->sampling == SAMPLING_EDGES) {
			edge_begin(m, &edges[edge_count], sources[i], &paced, workspaces[i], &results[i]);
			edge_on[edge_count++] = true;
		}
	/*
	 * Each edge clock's first tick (a second apart at most: a clock that has not ticked after FIRST_TICK_WAIT_S
	 * is left to its own deadline); then the counters warm up again, with no gap to their first sample.
	 */
	uint64_t first_tick_deadline = m->rdtsc(m) + (uint64_t)(FIRST_TICK_WAIT_S * paced.tsc_hz_hint);
	for (bool waiting = edge_count > 0; waiting;) {
		if (!poll_edges(m, edges, edge_on, edge_count, paced.tsc_hz_hint))
			break;
		waiting = paced.tsc_hz_hint <= 0 || m->rdtsc(m) < first_tick_deadline;
		bool untimed = false;
		for (unsigned k = 0; k < edge_count; k++)
			untimed |= edge_on[k] && !edges[k].last_edge_tsc;
		waiting &= untimed;
	}
	for (unsigned k = 0; k < counter_count && edge_count > 0; k++)
		counter_begin(m, &counters[k], counters[k].s, &spanning, counter_samples[k], counter_results[k]);

	for (;;) {
		bool nominal_on = false, counters_on = false;
		double tsc_hz = rough_tsc_hz(counters, counter_count);
		for (unsigned k = 0; k < counter_count; k++)
			nominal_on |= counter_on[k] && counters[k].s->nominal_hz > 0;
		for (unsigned k = 0; k < counter_count; k++) {
			struct counter_run *run = &counters[k];
			if (!counter_on[k])
				continue;
			if (run->s->nominal_hz == 0 && !nominal_on) {
				counter_on[k] =
					false; /* the references with a rate have ended, and with them its window */
				counter_end(run);
				continue;
			}
			counters_on = true;
			uint64_t now = m->rdtsc(m);
			if (now < due[k] || keep_off(edges, edge_on, edge_count, edge_count, now, tsc_hz))
				continue;
			bool sampled = counter_sample(m, run);
			count_foreign_read(edges, edge_on, edge_count, edge_count, UINT64_MAX, m->rdtsc(m) - now);
			if (!sampled) {
				counter_on[k] = false;
			} else if (run->s->nominal_hz > 0 && counter_window_done(run, spanning.window_s)) {
				counter_on[k] = false;
				counter_end(run);
			} else if (limits_passed(&run->l, run->last.hi)) {
				counter_on[k] = false;
				counter_give_up(run);
			} else {
				due[k] = run->last.hi + (uint64_t)(run->spacing_us * 1e-6 * tsc_hz * dither(&jitter));
			}
		}
		bool edges_on = poll_edges(m, edges, edge_on, edge_count, tsc_hz > 0 ? tsc_hz : paced.tsc_hz_hint);
		if (!counters_on && !edges_on)
			break;
		/* With an edge to watch, spin (see measure_edges); else sleep to the next sample, as alone. */
		if (!edges_on && tsc_hz > 0)
			stall_until_due(m, counters, counter_on, due, counter_count, tsc_hz);
	}
}
