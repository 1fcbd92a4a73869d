/* Drift watch: every interval, every clock and every claim against the reference; fits show drift and rate changes. */
#include "counter.h"
#include "numeric.h"
#include "probe.h"

/* A run reads every counter at least this often (HLT wakes on the firmware tick, well inside it). */
#define WATCH_MAX_POLLS_PER_S 200000.0
#define WATCH_MIN_POLLS 100000.0
/* An edge is waited for at most this long, by the reference. */
#define WATCH_EDGE_WAIT_S 1.5
/* A rate change must split the run into parts of at least this share, and differ by this much. */
#define WATCH_CHANGE_MIN_SHARE 0.15
#define WATCH_CHANGE_MIN_PPM 10.0

bool watch_parse_duration(const char *text, double *seconds)
{
	double v = 0;
	unsigned digits = 0;
	for (; *text >= '0' && *text <= '9' && digits < 9; text++, digits++)
		v = v * 10 + (*text - '0');
	if (!digits)
		return false;
	if (*text == 'h')
		v *= 3600, text++;
	else if (*text == 'm')
		v *= 60, text++;
	else if (*text == 's')
		text++;
	if (*text || v <= 0)
		return false;
	*seconds = v;
	return true;
}

/* What one series follows, and how it turns TSC ticks or its own ticks into elapsed seconds. */
struct follower {
	struct time_source *source; /* NULL: the TSC itself, or a claim */
	double tsc_hz;              /* for the TSC and claims: the rate to divide TSC ticks by */
	double resolution_s;        /* a reading's granularity, for the uncertainty */
	struct counter_unwrap unwrap;
	uint64_t last_poll_tsc;
	uint64_t first_edge_ticks;
	double first_edge_t;
	bool edge_started;
};

struct watch_run {
	struct probe *p;
	const struct watch_settings *settings;
	struct watch_workspace *ws;
	struct time_source *reference;
	struct counter_unwrap reference_unwrap;
	uint64_t tsc_first;
	unsigned follower_count;
	struct follower followers[WATCH_MAX_SERIES];
};

static double reference_now(struct watch_run *w, uint64_t *tsc_mid)
{
	struct machine *m = w->p->m;
	uint64_t lo = m->rdtsc(m);
	uint64_t raw = w->reference->driver->read(w->reference, m);
	uint64_t hi = m->rdtsc(m);
	if (tsc_mid)
		*tsc_mid = lo + (hi - lo) / 2;
	return (double)counter_unwrap(&w->reference_unwrap, raw) / w->reference->nominal_hz;
}

/* A counter's unwrapped count now; reads further apart than half its period are completed by the TSC. */
static uint64_t read_counter(struct watch_run *w, struct follower *f)
{
	struct machine *m = w->p->m;
	uint64_t now = m->rdtsc(m);
	double expected = f->last_poll_tsc ? (double)(now - f->last_poll_tsc) / f->tsc_hz * f->source->nominal_hz : 0;
	f->last_poll_tsc = now;
	return counter_unwrap_expecting(&f->unwrap, f->source->driver->read(f->source, m), expected);
}

/* Keep every counter's unwrap current (after each wake, and while waiting for edges). */
static void poll_counters(struct watch_run *w)
{
	for (unsigned i = 0; i < w->follower_count; i++) {
		struct follower *f = &w->followers[i];
		if (f->source && f->source->sampling == SAMPLING_COUNTER)
			read_counter(w, f);
	}
}

static void add_series(struct watch_run *w, const char *name, const char *label, bool is_claim, double predicted_ppm,
		       double prediction_uncertainty_ppm, struct time_source *source, double tsc_hz,
		       double resolution_s)
{
	struct watch_report *report = &w->p->r->watch;
	if (report->series_count == WATCH_MAX_SERIES)
		return;
	struct watch_series *s = &report->series[report->series_count];
	struct follower *f = &w->followers[report->series_count];
	*s = (struct watch_series){
		.is_claim = is_claim,
		.predicted_ppm = predicted_ppm,
		.prediction_uncertainty_ppm = prediction_uncertainty_ppm,
	};
	text_copy(s->name, sizeof(s->name), name);
	text_copy(s->label, sizeof(s->label), label);
	*f = (struct follower){.source = source, .tsc_hz = tsc_hz, .resolution_s = resolution_s};
	if (source)
		counter_unwrap_init(&f->unwrap, source->modulus);
	report->series_count++;
	w->follower_count++;
}

/* The TSC, every other measured reference with a nominal rate, and every claim. */
static void choose_series(struct watch_run *w, double reference_tsc_hz, double reference_ppm)
{
	struct report *r = w->p->r;
	add_series(w, "tsc", "TSC at the measured rate", false, 0, reference_ppm, NULL, reference_tsc_hz,
		   2 / w->reference->nominal_hz);
	for (unsigned i = 0; i < r->reference_count; i++) {
		const struct reference_report *ref = &r->references[i];
		struct time_source *s = &w->p->sources[i];
		if (!ref->measured || ref->tsc_hz <= 0 || s == w->reference)
			continue;
		/* An edge is found to within one read of it; a counter to a tick at each end. */
		double resolution =
			ref->edges ? 2 * (ref->read_cost_ns > 1e3 ? ref->read_cost_ns : 1e3) * 1e-9 : 2 / s->nominal_hz;
		add_series(w, ref->name, ref->label, false, (reference_tsc_hz / ref->tsc_hz - 1) * 1e6,
			   numeric_sqrt(reference_ppm * reference_ppm + ref->uncertainty_ppm * ref->uncertainty_ppm), s,
			   ref->tsc_hz, resolution);
	}
	for (unsigned i = 0; i < r->claims.count; i++) {
		const struct claim *c = &r->claims.items[i];
		char key[40], name[48], label[48];
		if (!(c->tsc_hz >= 1))
			continue;
		claim_key(c->source, c->where, key, sizeof(key));
		format_string(name, sizeof(name), "claim.%s", key);
		format_string(label, sizeof(label), "clock trusting %s", c->label);
		add_series(w, name, label, true, (reference_tsc_hz / c->tsc_hz - 1) * 1e6, reference_ppm, NULL,
			   c->tsc_hz, 2 / w->reference->nominal_hz);
	}
}

/* An edge clock's offset: wait (bounded by the reference) for its next tick, then compare its seconds. */
static bool edge_offset(struct watch_run *w, struct follower *f, double *offset)
{
	struct machine *m = w->p->m;
	uint64_t before = counter_unwrap(&f->unwrap, f->source->driver->read(f->source, m));
	double start = reference_now(w, NULL), t = start;
	for (unsigned long polls = 0; t - start < WATCH_EDGE_WAIT_S && polls < (unsigned long)WATCH_MIN_POLLS * 100;
	     polls++) {
		uint64_t ticks = counter_unwrap(&f->unwrap, f->source->driver->read(f->source, m));
		t = reference_now(w, NULL);
		if (polls % 64 == 0)
			poll_counters(w); /* a second of spinning is longer than some counters' half period */
		if (ticks == before)
			continue;
		if (!f->edge_started) {
			f->edge_started = true;
			f->first_edge_ticks = ticks;
			f->first_edge_t = t;
		}
		*offset = (double)(ticks - f->first_edge_ticks) / f->source->nominal_hz - (t - f->first_edge_t);
		return true;
	}
	return false;
}

/* Keep the sample, halving the kept ones when full so that memory stays bounded for any duration. */
static void keep(struct watch_run *w, double t, const double *offsets)
{
	struct watch_workspace *ws = w->ws;
	if (ws->seen++ % ws->stride)
		return;
	if (ws->kept == WATCH_MAX_SAMPLES) {
		for (unsigned i = 0; i < WATCH_MAX_SAMPLES / 2; i++) {
			ws->t[i] = ws->t[2 * i];
			for (unsigned k = 0; k < w->follower_count; k++)
				ws->offset[k][i] = ws->offset[k][2 * i];
		}
		ws->kept = WATCH_MAX_SAMPLES / 2;
		ws->stride *= 2;
	}
	ws->t[ws->kept] = t;
	for (unsigned k = 0; k < w->follower_count; k++)
		ws->offset[k][ws->kept] = offsets[k];
	ws->kept++;
}

static void take_sample(struct watch_run *w, double *last_offsets)
{
	struct machine *m = w->p->m;
	struct watch_report *report = &w->p->r->watch;
	uint64_t tsc_mid;
	double t = reference_now(w, &tsc_mid);
	double tsc_ticks = (double)(tsc_mid - w->tsc_first);

	/* Counters first, close to the reference read; the edge clocks after, as each waits for its tick. */
	for (unsigned k = 0; k < w->follower_count; k++) {
		struct follower *f = &w->followers[k];
		if (!f->source) {
			last_offsets[k] = tsc_ticks / f->tsc_hz - t;
		} else if (f->source->sampling != SAMPLING_EDGES) {
			uint64_t lo = m->rdtsc(m);
			uint64_t ticks = read_counter(w, f);
			uint64_t hi = m->rdtsc(m);
			/* The reference read a moment earlier: move it to this read's time by the TSC. */
			double t_here = t + (double)(lo + (hi - lo) / 2 - tsc_mid) / w->followers[0].tsc_hz;
			last_offsets[k] = (double)ticks / f->source->nominal_hz - t_here;
		}
	}
	for (unsigned k = 0; k < w->follower_count; k++) {
		struct follower *f = &w->followers[k];
		double offset;
		if (f->source && f->source->sampling == SAMPLING_EDGES && edge_offset(w, f, &offset))
			last_offsets[k] = offset;
	}
	keep(w, t, last_offsets);
	report->samples++;
	for (unsigned k = 0; k < w->follower_count; k++) { /* a provisional figure for the live display */
		report->series[k].final_offset_s = last_offsets[k];
		report->series[k].drift_ppm = t > 0 ? last_offsets[k] / t * 1e6 : 0;
	}

	if (w->settings->csv) {
		sink_printf(w->settings->csv, "%.6f", t);
		for (unsigned k = 0; k < w->follower_count; k++)
			sink_printf(w->settings->csv, ",%.9f", last_offsets[k]);
		sink_puts(w->settings->csv, "\n");
	}
	if (w->settings->sample) {
		char line[512];
		struct buffer_sink b;
		buffer_sink_init(&b, line, sizeof(line));
		sink_printf(&b.sink, "watch t=%.1f s", t);
		for (unsigned k = 0; k < w->follower_count; k++)
			sink_printf(&b.sink, " %s=%+.6f s", report->series[k].name, last_offsets[k]);
		w->settings->sample(w->settings->sample_ctx, report, t, line);
	}
}

/* Least squares of y on t over [from, to): slope and the sum of squared residuals. */
struct line_fit {
	double slope, ssr, sxx;
	unsigned n;
};

static struct line_fit fit(const double *t, const double *y, unsigned from, unsigned to)
{
	struct line_fit f = {.n = to - from};
	double mt = 0, my = 0, sxy = 0;
	if (f.n < 3)
		return f;
	for (unsigned i = from; i < to; i++)
		mt += t[i], my += y[i];
	mt /= f.n;
	my /= f.n;
	for (unsigned i = from; i < to; i++)
		f.sxx += (t[i] - mt) * (t[i] - mt), sxy += (t[i] - mt) * (y[i] - my);
	if (f.sxx <= 0)
		return f;
	f.slope = sxy / f.sxx;
	for (unsigned i = from; i < to; i++) {
		double r = y[i] - my - f.slope * (t[i] - mt);
		f.ssr += r * r;
	}
	return f;
}

static double slope_error(const struct line_fit *f)
{
	return f->n > 2 && f->sxx > 0 ? numeric_sqrt(f->ssr / (f->n - 2) / f->sxx) : 0;
}

/* The best split into two lines; a change when their slopes differ beyond both errors and 10 ppm. */
static void find_rate_change(const struct watch_workspace *ws, const double *y, struct watch_series *s)
{
	unsigned n = ws->kept, best = 0;
	double best_ssr = fit(ws->t, y, 0, n).ssr;
	unsigned margin = (unsigned)(n * WATCH_CHANGE_MIN_SHARE);
	if (margin < 3)
		return;
	for (unsigned k = margin; k + margin <= n; k++) {
		double ssr = fit(ws->t, y, 0, k).ssr + fit(ws->t, y, k, n).ssr;
		if (ssr < best_ssr)
			best_ssr = ssr, best = k;
	}
	if (!best)
		return;
	struct line_fit before = fit(ws->t, y, 0, best), after = fit(ws->t, y, best, n);
	double difference = numeric_abs(after.slope - before.slope) * 1e6;
	double error =
		COVERAGE_FACTOR *
		numeric_sqrt(slope_error(&before) * slope_error(&before) + slope_error(&after) * slope_error(&after)) *
		1e6;
	if (difference <= error || difference <= WATCH_CHANGE_MIN_PPM)
		return;
	s->rate_changed = true;
	s->change_at_s = ws->t[best];
	s->rate_before_ppm = before.slope * 1e6;
	s->rate_after_ppm = after.slope * 1e6;
}

static void summarise(struct watch_run *w, const double *last_offsets)
{
	struct watch_report *report = &w->p->r->watch;
	const struct watch_workspace *ws = w->ws;
	double span = ws->kept ? ws->t[ws->kept - 1] - ws->t[0] : 0;
	for (unsigned k = 0; k < w->follower_count; k++) {
		struct watch_series *s = &report->series[k];
		struct line_fit f = fit(ws->t, ws->offset[k], 0, ws->kept);
		double resolution = span > 0 ? 2 * w->followers[k].resolution_s / span : 0;
		s->final_offset_s = last_offsets[k];
		s->drift_ppm = f.slope * 1e6;
		s->uncertainty_ppm =
			numeric_sqrt(COVERAGE_FACTOR * slope_error(&f) * COVERAGE_FACTOR * slope_error(&f) +
				     resolution * resolution) *
			1e6;
		find_rate_change(ws, ws->offset[k], s);
	}
}

/* The watch's reference: the clock the best estimate came from when it is a counter, else the most
 * precise independent counter (flagged or not: when every clock disagrees, the best still times). */
static struct time_source *choose_reference(struct probe *p, double *tsc_hz, double *uncertainty_ppm)
{
	const struct reference_report *best = NULL;
	struct time_source *source = NULL;
	for (unsigned i = 0; i < p->r->reference_count; i++) {
		const struct reference_report *ref = &p->r->references[i];
		if (!ref->measured || ref->tsc_derived || ref->edges || ref->tsc_hz <= 0)
			continue;
		bool estimate = text_equal(ref->name, p->r->tsc.reference);
		if (!best || estimate ||
		    (!text_equal(best->name, p->r->tsc.reference) && ref->uncertainty_ppm < best->uncertainty_ppm))
			best = ref, source = &p->sources[i];
	}
	if (best) {
		*tsc_hz = best->tsc_hz;
		*uncertainty_ppm = best->uncertainty_ppm;
	}
	return source;
}

void probe_watch(struct probe *p, const struct watch_settings *settings, struct watch_workspace *ws)
{
	static struct watch_run w;
	static double last_offsets[WATCH_MAX_SERIES];
	struct watch_report *report = &p->r->watch;
	struct machine *m = p->m;
	double reference_tsc_hz = 0, reference_ppm = 0;

	*report = (struct watch_report){.interval_s = settings->interval_s, .busy = settings->busy};
	w = (struct watch_run){.p = p, .settings = settings, .ws = ws};
	*ws = (struct watch_workspace){.stride = 1};
	w.reference = choose_reference(p, &reference_tsc_hz, &reference_ppm);
	if (!w.reference || settings->duration_s <= 0 || settings->interval_s <= 0)
		return;
	report->ran = true;
	text_copy(report->reference, sizeof(report->reference), w.reference->driver->name);
	choose_series(&w, reference_tsc_hz, reference_ppm);
	counter_unwrap_init(&w.reference_unwrap, w.reference->modulus);

	if (settings->csv) {
		sink_puts(settings->csv, "elapsed_s");
		for (unsigned k = 0; k < w.follower_count; k++)
			sink_printf(settings->csv, ",%s_offset_s", report->series[k].name);
		sink_puts(settings->csv, "\n");
	}
	uint64_t tsc_mid;
	reference_now(&w, &tsc_mid);
	w.tsc_first = tsc_mid;
	poll_counters(&w);
	take_sample(&w, last_offsets);

	double t = 0, next = settings->interval_s;
	double polls_cap = settings->interval_s * WATCH_MAX_POLLS_PER_S + WATCH_MIN_POLLS;
	while (t < settings->duration_s) {
		double polls = 0;
		while (t < next && t < settings->duration_s) {
			if (settings->stop_requested && settings->stop_requested(settings->stop_ctx)) {
				report->stopped_early = true;
				goto done;
			}
			if (!settings->busy)
				m->idle(m, IDLE_HLT,
					0); /* a HLT that cannot be done returns at once: then this busy-waits */
			poll_counters(&w);
			t = reference_now(&w, NULL);
			if (++polls > polls_cap) {
				report->stopped_early = true; /* the reference stopped moving */
				goto done;
			}
		}
		take_sample(&w, last_offsets);
		next += settings->interval_s;
	}
done:
	report->duration_s = t;
	summarise(&w, last_offsets);
}
