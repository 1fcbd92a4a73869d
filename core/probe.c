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

static void measure_all(struct probe *p)
{
	const struct probe_settings *settings = p->settings;
	/* Under --quick one reference alone, the others say why they were left; without a counter, all. */
	unsigned only = settings->quick ? quick_reference(p) : DRIVER_COUNT;
	double left = 0;

	for (unsigned i = 0; i < DRIVER_COUNT; i++) {
		if (only == DRIVER_COUNT || i == only)
			left += expected_seconds(&p->sources[i], settings);
		else if (p->sources[i].available)
			format_string(p->r->references[i].reason, sizeof(p->r->references[i].reason),
				      "--quick times the TSC against the %s alone", drivers[only]->label);
	}
	/* Counters with a nominal rate first; then what needs an estimate: edge clocks and the LAPIC. */
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned i = 0; i < DRIVER_COUNT; i++) {
			struct time_source *s = &p->sources[i];
			bool first_pass = s->sampling == SAMPLING_COUNTER && s->nominal_hz > 0;
			if (!s->available || first_pass != (pass == 0) || (only != DRIVER_COUNT && i != only))
				continue;
			if (settings->progress) {
				char what[64];
				format_string(what, sizeof(what), "Timing the TSC against the %s", s->driver->label);
				settings->progress(settings->progress_ctx, what, left);
			}
			measure_source(p, i, &p->results[i]);
			p->order[p->measured_count++] = i;
			/* Findings made while reading (a stuck UIP flag, an impossible value) join the probe's. */
			record_source(&p->r->references[i], s);
			record_calibration(&p->r->references[i], &p->results[i]);
			left -= expected_seconds(s, settings);
		}
	}
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
		if (p->settings->progress) {
			char what[96];
			format_string(what, sizeof(what),
				      "Timing the TSC against the %s again: the later clocks disagree with it",
				      r->references[i].label);
			p->settings->progress(p->settings->progress_ctx, what,
					      expected_seconds(&p->sources[i], p->settings));
		}
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
	text_copy(r->mode, sizeof(r->mode), settings->quick ? "quick" : "full");
	claims_collect(m, &r->platform, &r->claims, &r->faults); /* what it says of its TSC's rate */
	find_references(p);                                      /* the clocks that can time the TSC */
	measure_all(p);                                          /* the TSC against each of them */
	crosscheck_run(r);                                       /* which agree; the best estimate */
	check_rate_change(p);                                    /* whether the TSC changed rate meanwhile */
	derive_from_estimate(r, p->results);                     /* the LAPIC's rate, by the best estimate */
	run_idle(m, settings, r, p->sources);                    /* whether the TSC and LAPIC count through idle */
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
