/* The probe flow: one table of contents for every machine the probe runs on. */
#include "claims.h"
#include "numeric.h"
#include "probe.h"

/* The report lists references in this order; they are measured counters first, so that the
 * edge-timed clocks and the LAPIC (no nominal rate) can use the first estimate. */
static const struct time_source_driver *const drivers[] = {
	&pmtimer_driver, &hpet_driver,      &rtc_driver,      &pit_driver,
	&lapic_driver,   &uefi_time_driver, &kvmclock_driver, &hv_refcount_driver,
};
#define DRIVER_COUNT (sizeof(drivers) / sizeof(drivers[0]))
_Static_assert(DRIVER_COUNT == PROBE_SOURCES, "struct probe holds one source per driver");

void probe_defaults(struct probe_settings *settings, const char *version)
{
	*settings = (struct probe_settings){
		.version = version,
		.window_s = PROBE_DEFAULT_WINDOW_S,
		.edge_window_s = PROBE_DEFAULT_EDGE_WINDOW_S,
		.target_samples = PROBE_DEFAULT_SAMPLES,
	};
	idle_defaults(&settings->idle);
}

void probe_inventory(struct machine *m, const char *version, struct report *r)
{
	*r = (struct report){0};
	text_copy(r->tool_version, sizeof(r->tool_version), version);
	text_copy(r->machine_kind, sizeof(r->machine_kind), m->kind);
	platform_inventory(m, &r->platform);
}

/* Seconds a reference's measurement takes, for the progress line. */
static double expected_seconds(const struct time_source *s, const struct probe_settings *settings)
{
	if (!s->available)
		return 0;
	return s->sampling == SAMPLING_EDGES ? settings->edge_window_s + 1.5 : settings->window_s;
}

static void record_source(struct reference_report *out, const struct time_source *s)
{
	text_copy(out->name, sizeof(out->name), s->driver->name);
	text_copy(out->label, sizeof(out->label), s->driver->label);
	out->available = s->available;
	text_copy(out->reason, sizeof(out->reason), s->reason);
	text_copy(out->detail, sizeof(out->detail), s->detail);
	out->nominal_hz = s->nominal_hz;
	out->width_bits = s->width_bits;
	out->edges = s->sampling == SAMPLING_EDGES;
	out->tsc_derived = s->tsc_derived;
	out->finding_count = s->finding_count;
	for (unsigned i = 0; i < s->finding_count; i++)
		text_copy(out->findings[i], sizeof(out->findings[i]), s->findings[i]);
}

static void add_finding(struct reference_report *out, const char *finding)
{
	if (out->finding_count < REPORT_MAX_FINDINGS)
		text_copy(out->findings[out->finding_count++], sizeof(out->findings[0]), finding);
}

static void record_calibration(struct reference_report *out, const struct calib_result *c)
{
	out->measured = c->valid;
	if (!c->valid)
		text_copy(out->reason, sizeof(out->reason), c->reason);
	out->tsc_hz = c->tsc_hz;
	out->two_point_hz = c->two_point_hz;
	out->uncertainty_ppm = c->uncertainty_ppm;
	out->window_s = c->window_s;
	out->samples = c->samples;
	out->rejected = c->rejected;
	out->backward_steps = c->backward_steps;
	out->gaps_bridged = c->gaps_bridged;
	out->jumps_backward = c->jumps_backward;
	out->jumps_forward = c->jumps_forward;
	if (c->backward_steps || c->jumps_backward)
		add_finding(out, "it went backwards during the measurement: not monotonic");
	if (c->jumps_forward)
		add_finding(out, "it jumped forward against the TSC during the measurement");
}

/* The best estimate so far, to pace later measurements; 0 when there is none. */
static double best_hint(const struct report *r)
{
	double best_hz = 0, best_ppm = 0;
	for (unsigned i = 0; i < r->reference_count; i++) {
		const struct reference_report *ref = &r->references[i];
		if (ref->measured && ref->tsc_hz > 0 && (best_hz == 0 || ref->uncertainty_ppm < best_ppm)) {
			best_hz = ref->tsc_hz;
			best_ppm = ref->uncertainty_ppm;
		}
	}
	return best_hz;
}

/* Measure source i against the TSC; a step back of the TSC is noted and the measurement taken again, once. */
static void measure_source(struct probe *p, unsigned i, struct calib_result *result)
{
	static struct calib_sample workspace[CALIB_MAX_SAMPLES];
	struct time_source *s = &p->sources[i];
	struct calib_config config = {
		.window_s = p->settings->window_s,
		.edge_window_s = p->settings->edge_window_s,
		.target_samples = p->settings->target_samples,
		.tsc_hz_hint = best_hint(p->r),
	};
	calib_measure(p->m, s, &config, workspace, result);
	if (result->tsc_backward_ticks) {
		/* A step is a one-off (a host rewriting the TSC): note it and measure again, once. */
		report_tsc_step(p->r, result->tsc_backward_ticks);
		time_source_note(s, "the TSC went backwards during its measurement, which was taken again");
		calib_measure(p->m, s, &config, workspace, result);
		report_tsc_step(p->r, result->tsc_backward_ticks);
	}
}

/* --quick's one reference: the available counter with the finest tick, the HPET (10 MHz or more), else the
 * PM timer (3.58 MHz), else the PIT (1.19 MHz, 16 bits). DRIVER_COUNT when there is none. */
static unsigned quick_reference(const struct probe *p)
{
	static const struct time_source_driver *const finest_first[] = {&hpet_driver, &pmtimer_driver, &pit_driver};
	for (unsigned k = 0; k < sizeof(finest_first) / sizeof(finest_first[0]); k++)
		for (unsigned i = 0; i < DRIVER_COUNT; i++)
			if (p->sources[i].driver == finest_first[k] && p->sources[i].available)
				return i;
	return DRIVER_COUNT;
}

static void announce(const struct probe *p, const char *what, double seconds_left)
{
	if (p->settings->progress)
		p->settings->progress(p->settings->progress_ctx, what, seconds_left);
}

static void record_measured(struct probe *p, unsigned i)
{
	p->order[p->measured_count++] = i;
	/* Findings made while reading (a stuck UIP flag, an impossible value) join the probe's. */
	record_source(&p->r->references[i], &p->sources[i]);
	record_calibration(&p->r->references[i], &p->results[i]);
}

/* Counters with a nominal rate first; then what needs an estimate: edge clocks and the LAPIC. */
static bool measured_in_first_pass(const struct time_source *s)
{
	return s->sampling == SAMPLING_COUNTER && s->nominal_hz > 0;
}

/* One reference after another (--sequential), or the one of --quick when only < DRIVER_COUNT. */
static void measure_one_by_one(struct probe *p, unsigned only)
{
	double left = 0;
	for (unsigned i = 0; i < DRIVER_COUNT; i++)
		if (only == DRIVER_COUNT || i == only)
			left += expected_seconds(&p->sources[i], p->settings);
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned i = 0; i < DRIVER_COUNT; i++) {
			struct time_source *s = &p->sources[i];
			if (!s->available || measured_in_first_pass(s) != (pass == 0) ||
			    (only != DRIVER_COUNT && i != only))
				continue;
			char what[64];
			format_string(what, sizeof(what), "Timing the TSC against the %s", s->driver->label);
			announce(p, what, left);
			measure_source(p, i, &p->results[i]);
			record_measured(p, i);
			left -= expected_seconds(s, p->settings);
		}
	}
}

/*
 * Every reference in one shared window (the default): the longest one's time instead of the sum. Each keeps its
 * own samples, fit and uncertainty. A reference whose window the TSC stepped back in is measured again, alone.
 */
/* The shared window's samples, kept for the check of a rate change within it. */
static struct calib_sample shared_samples[DRIVER_COUNT][CALIB_MAX_SAMPLES];

static void measure_together(struct probe *p)
{
	struct time_source *sources[DRIVER_COUNT];
	struct calib_sample *spaces[DRIVER_COUNT];
	struct calib_result results[DRIVER_COUNT];
	unsigned index[DRIVER_COUNT], count = 0;
	double left = 0;

	/* In the report's order of measuring: the counters with a rate, then the others. */
	for (int pass = 0; pass < 2; pass++)
		for (unsigned i = 0; i < DRIVER_COUNT; i++)
			if (p->sources[i].available && measured_in_first_pass(&p->sources[i]) == (pass == 0)) {
				double seconds = expected_seconds(&p->sources[i], p->settings);
				left = seconds > left ? seconds : left;
				sources[count] = &p->sources[i];
				spaces[count] = shared_samples[i];
				index[count++] = i;
			}
	announce(p, "Timing the TSC against every reference at once", left);
	struct calib_config config = {
		.window_s = p->settings->window_s,
		.edge_window_s = p->settings->edge_window_s,
		.target_samples = p->settings->target_samples,
	};
	calib_measure_together(p->m, sources, count, &config, spaces, results);
	/* A step back ends every measurement under way at once: one step, and each of those measured again, alone. */
	uint64_t step = 0;
	for (unsigned k = 0; k < count; k++)
		step = results[k].tsc_backward_ticks > step ? results[k].tsc_backward_ticks : step;
	report_tsc_step(p->r, step);
	p->measured_count = 0;
	for (unsigned k = 0; k < count; k++) {
		unsigned i = index[k];
		p->results[i] = results[k];
		if (results[k].tsc_backward_ticks) {
			time_source_note(&p->sources[i], "the TSC went backwards during its measurement, which was "
							 "taken again alone");
			measure_source(p, i, &p->results[i]);
		}
		record_measured(p, i);
	}
}

/*
 * The two most precise independent counters measured in the shared window that never read backwards. Jumps against
 * the TSC do not rule one out: a TSC that changes rate makes them, in every counter alike.
 */
static unsigned steady_counters(const struct probe *p, unsigned best[2])
{
	unsigned found = 0;
	for (unsigned i = 0; i < DRIVER_COUNT; i++) {
		const struct reference_report *ref = &p->r->references[i];
		if (!ref->measured || ref->edges || ref->tsc_derived || ref->nominal_hz <= 0 || ref->backward_steps)
			continue;
		if (found < 2)
			best[found++] = i;
		else if (ref->uncertainty_ppm < p->r->references[best[1]].uncertainty_ppm)
			best[1] = i;
		if (found == 2 &&
		    p->r->references[best[1]].uncertainty_ppm < p->r->references[best[0]].uncertainty_ppm) {
			unsigned swap = best[0];
			best[0] = best[1];
			best[1] = swap;
		}
	}
	return found;
}

/*
 * Reference i's samples fitted over their first and their last quarter: the TSC's rate early and late in the window,
 * each on one side of a change anywhere in the middle half.
 */
static bool fit_quarters(const struct probe *p, unsigned i, struct calib_result *early, struct calib_result *late,
			 double *ppm, double *uncertainty)
{
	uint32_t n = p->results[i].samples, quarter = n / 4;
	double nominal_hz = p->r->references[i].nominal_hz;
	*early = (struct calib_result){0};
	*late = (struct calib_result){0};
	calib_fit(shared_samples[i], quarter, nominal_hz, 1.0, false, early);
	calib_fit(shared_samples[i] + n - quarter, quarter, nominal_hz, 1.0, false, late);
	if (!early->valid || !late->valid)
		return false;
	*ppm = (late->tsc_hz / early->tsc_hz - 1) * 1e6;
	*uncertainty = numeric_sqrt(early->uncertainty_ppm * early->uncertainty_ppm +
				    late->uncertainty_ppm * late->uncertainty_ppm);
	return true;
}

/*
 * In one shared window every clock spans the same time, so a TSC that changes rate bends them all alike and none
 * disagrees with another. The two most precise steady counters are each fitted over the first and the last quarter
 * of their samples: when both move beyond their uncertainties, the same way and by the same amount within them, the
 * TSC changed rate (a clock of its own would move one of them only). All are then measured again, together, and the
 * new figures, the TSC's rate now, replace the bent ones.
 */
static void check_rate_change_within(struct probe *p)
{
	struct report *r = p->r;
	struct calib_result early[2], late[2];
	double ppm[2], uncertainty[2];
	unsigned best[2];

	if (steady_counters(p, best) < 2)
		return;
	for (unsigned k = 0; k < 2; k++)
		if (!fit_quarters(p, best[k], &early[k], &late[k], &ppm[k], &uncertainty[k]) ||
		    numeric_abs(ppm[k]) <= uncertainty[k])
			return;
	if ((ppm[0] > 0) != (ppm[1] > 0) ||
	    numeric_abs(ppm[0] - ppm[1]) >
		    numeric_sqrt(uncertainty[0] * uncertainty[0] + uncertainty[1] * uncertainty[1]))
		return;
	announce(p, "Timing the TSC against every reference again: its rate changed during the window", 0);
	measure_together(p);
	crosscheck_run(r);
	const struct reference_report *again = &r->references[best[0]];
	double now_ppm = (again->tsc_hz / early[0].tsc_hz - 1) * 1e6;
	r->tsc.rate_change = (struct tsc_rate_change){
		.seen = true,
		.first_hz = early[0].tsc_hz,
		.again_hz = again->tsc_hz,
		.ppm = now_ppm,
		.uncertainty_ppm = numeric_sqrt(early[0].uncertainty_ppm * early[0].uncertainty_ppm +
						again->uncertainty_ppm * again->uncertainty_ppm),
	};
	text_copy(r->tsc.rate_change.reference, sizeof(r->tsc.rate_change.reference), again->name);
}

static void measure_all(struct probe *p)
{
	const struct probe_settings *settings = p->settings;
	/* Under --quick one reference alone, the others say why they were left; without a counter, all. */
	unsigned only = settings->quick ? quick_reference(p) : DRIVER_COUNT;
	bool rated_counter = false;

	for (unsigned i = 0; i < DRIVER_COUNT; i++) {
		rated_counter |= p->sources[i].available && measured_in_first_pass(&p->sources[i]);
		if (only != DRIVER_COUNT && i != only && p->sources[i].available)
			format_string(p->r->references[i].reason, sizeof(p->r->references[i].reason),
				      "--quick times the TSC against the %s alone", drivers[only]->label);
	}
	/* A shared window needs a counter with a rate to set the others' (the LAPIC's) span. */
	p->shared = !settings->quick && !settings->sequential && rated_counter;
	if (p->shared)
		measure_together(p);
	else
		measure_one_by_one(p, only);
}

/*
 * Clocks measured late that all disagree, on one side, with the clocks measured early: either the late ones are
 * wrong or the TSC changed rate in between. Measuring the early ones again tells which: a clock does not disagree
 * with itself, so when the first one's new figure moves beyond both uncertainties and at least half way towards the
 * late ones, the TSC changed, and the new figures, the TSC's rate now, replace the old. Otherwise nothing changes
 * and the cross-check's odd ones out stand.
 */
static void check_rate_change(struct probe *p)
{
	struct report *r = p->r;
	struct rate_split split;
	struct calib_result again[REPORT_MAX_REFERENCES] = {0};

	if (!crosscheck_split(r, p->order, p->measured_count, &split))
		return;
	for (unsigned e = 0; e < split.early_count; e++) {
		unsigned i = split.early[e];
		char what[96];
		format_string(what, sizeof(what),
			      "Timing the TSC against the %s again: the later clocks disagree with it",
			      r->references[i].label);
		announce(p, what, expected_seconds(&p->sources[i], p->settings));
		measure_source(p, i, &again[e]);
	}
	const struct reference_report *first = &r->references[split.early[0]];
	double ppm = (again[0].tsc_hz / first->tsc_hz - 1) * 1e6;
	double uncertainty = numeric_sqrt(first->uncertainty_ppm * first->uncertainty_ppm +
					  again[0].uncertainty_ppm * again[0].uncertainty_ppm);
	double way = (again[0].tsc_hz - first->tsc_hz) / (split.nearest_late_hz - first->tsc_hz);
	if (!again[0].valid || numeric_abs(ppm) <= uncertainty || way < 0.5)
		return;
	r->tsc.rate_change = (struct tsc_rate_change){.seen = true,
						      .first_hz = first->tsc_hz,
						      .again_hz = again[0].tsc_hz,
						      .ppm = ppm,
						      .uncertainty_ppm = uncertainty};
	text_copy(r->tsc.rate_change.reference, sizeof(r->tsc.rate_change.reference), first->name);
	for (unsigned e = 0; e < split.early_count; e++) {
		p->results[split.early[e]] = again[e];
		record_calibration(&r->references[split.early[e]], &again[e]);
	}
	crosscheck_run(r);
	/* A clock measured across the change gives a rate between the two: measured again, it gives the new one. */
	for (unsigned k = 0; k < p->measured_count; k++) {
		unsigned i = p->order[k];
		if (!r->references[i].disagrees || r->references[i].tsc_derived)
			continue;
		measure_source(p, i, &p->results[i]);
		record_calibration(&r->references[i], &p->results[i]);
	}
	crosscheck_run(r);
}

/* With the best TSC estimate known: read costs in ns, and the rate of references that have no nominal one. */
static void derive_from_estimate(struct report *r, const struct calib_result *results)
{
	if (!r->tsc.valid)
		return;
	for (unsigned i = 0; i < DRIVER_COUNT; i++) {
		struct reference_report *ref = &r->references[i];
		if (!ref->measured)
			continue;
		ref->read_cost_ns = results[i].read_cost_ticks / r->tsc.hz * 1e9;
		if (ref->nominal_hz == 0) {
			ref->rate_hz = r->tsc.hz / results[i].ratio;
			ref->rate_uncertainty_ppm = numeric_sqrt(ref->uncertainty_ppm * ref->uncertainty_ppm +
								 r->tsc.uncertainty_ppm * r->tsc.uncertainty_ppm);
		}
	}
}

/* The idle experiments need a running counter to time them: the most precise independent one. */
static void run_idle(struct machine *m, const struct probe_settings *settings, struct report *r,
		     struct time_source *sources)
{
	struct time_source *reference = NULL, *lapic = NULL;
	const struct reference_report *best = NULL, *lapic_report = NULL;

	if (!settings->idle.enabled)
		return;
	for (unsigned i = 0; i < DRIVER_COUNT; i++) {
		const struct reference_report *ref = &r->references[i];
		if (lapic_owned_by_probe(&sources[i]) && ref->measured && ref->rate_hz > 0) {
			lapic = &sources[i];
			lapic_report = ref;
		}
		if (!ref->measured || ref->tsc_derived || ref->edges || ref->tsc_hz <= 0)
			continue;
		/* The best estimate's clock when it is a counter; else the most precise, even if flagged. */
		bool estimate = text_equal(ref->name, r->tsc.reference);
		if (!best || estimate ||
		    (!text_equal(best->name, r->tsc.reference) && ref->uncertainty_ppm < best->uncertainty_ppm)) {
			best = ref;
			reference = &sources[i];
		}
	}
	if (!reference)
		return; /* nothing independent to time the idle periods with: the section stays empty */
	text_copy(r->idle.lapic_note, sizeof(r->idle.lapic_note),
		  lapic ? "the LAPIC timer's full count, programmed masked by the probe"
			: "not watched: the firmware drives its periodic tick with it (or it is unavailable)");
	idle_run_all(m, r, settings, reference, best->tsc_hz, best->uncertainty_ppm, lapic,
		     lapic_report ? lapic_report->rate_hz : 0);
}

/* Each driver finds and validates its clock from the platform alone. */
static void find_references(struct probe *p)
{
	struct report *r = p->r;

	r->reference_count = DRIVER_COUNT;
	for (unsigned i = 0; i < DRIVER_COUNT; i++) {
		struct time_source *s = &p->sources[i];
		*s = (struct time_source){.driver = drivers[i]};
		s->reason = s->driver->probe(s, p->m, &r->platform, &r->faults);
		s->available = s->reason == NULL;
		record_source(&r->references[i], s);
	}
}

void probe_start(struct probe *p, struct machine *m, const struct probe_settings *settings, struct report *r)
{
	*p = (struct probe){.m = m, .settings = settings, .r = r, .tsc_start = m->rdtsc(m)};
	probe_inventory(m, settings->version, r); /* what the machine is */
	text_copy(r->mode, sizeof(r->mode), settings->quick ? "quick" : settings->sequential ? "sequential" : "full");
	claims_collect(m, &r->platform, &r->claims, &r->faults); /* what it says of its TSC's rate */
	find_references(p);                                      /* the clocks that can time the TSC */
	measure_all(p);                                          /* the TSC against each of them */
	crosscheck_run(r);                                       /* which agree; the best estimate */
	if (p->shared)
		check_rate_change_within(p); /* whether the TSC changed rate during the shared window */
	else
		check_rate_change(p);         /* whether it changed between one reference and the next */
	derive_from_estimate(r, p->results);  /* the LAPIC's rate, by the best estimate */
	run_idle(m, settings, r, p->sources); /* whether the TSC and LAPIC count through idle */
	if (settings->progress)
		settings->progress(settings->progress_ctx, NULL, 0);
	if (r->tsc.valid)
		r->duration_s = (double)(m->rdtsc(m) - p->tsc_start) / r->tsc.hz;
}

void probe_finish(struct probe *p)
{
	/* Leave the machine as found, in the reverse order of setting it up. */
	for (unsigned i = DRIVER_COUNT; i-- > 0;)
		if (p->sources[i].available && p->sources[i].driver->restore)
			p->sources[i].driver->restore(&p->sources[i], p->m);
	verdicts_run(p->r); /* once, on everything measured and watched */
}

void probe_run(struct machine *m, const struct probe_settings *settings, struct report *r)
{
	static struct probe p; /* the sources' state: kept off the firmware's small stack */
	probe_start(&p, m, settings, r);
	probe_finish(&p);
}
