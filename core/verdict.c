/* Verdicts: plain-words conclusions from the claims and the measurements; thresholds in docs/verdicts.md. */
#include "numeric.h"
#include "report.h"

/*
 * A claim within this of the measured rate passes even when the difference is beyond the
 * measurement's uncertainty: 10 ppm is 0.86 s per day, below what a user notices without NTP.
 */
#define CLAIM_PASS_PPM 10.0
/*
 * NTP (ntpd, chrony, the kernel PLL) slews a clock by at most 500 ppm: a guest whose clock is off
 * by more cannot be disciplined and drifts more than 43 s per day.
 */
#define CLAIM_FAIL_PPM 500.0
#define SECONDS_PER_DAY 86400.0
#define SECONDS_PER_5_MIN 300.0

const char *severity_name(enum severity severity)
{
	static const char *const names[] = {"fail", "warn", "info", "pass"};
	return names[severity];
}

static struct verdict *add(struct report *r, const char *id, enum severity severity)
{
	if (r->verdict_count == REPORT_MAX_VERDICTS)
		return NULL;
	struct verdict *v = &r->verdicts[r->verdict_count++];
	*v = (struct verdict){.severity = severity};
	text_copy(v->id, sizeof(v->id), id);
	return v;
}

/* A claim rounded to kHz (timing leaf, Xen) or MHz (leaf 0x16) cannot be better than half its unit. */
static double resolution_ppm(const struct claim *c)
{
	double unit_hz = text_equal(c->source, "cpuid_leaf16") ? 1e6
			 : text_equal(c->source, "cpuid_timing_leaf") || text_equal(c->source, "xen_time_leaf") ? 1e3
															   : 0;
	return unit_hz / 2 / c->tsc_hz * 1e6;
}

/* "runs slow: loses 6.74 s every 5 min (1941 s per day)" for a guest clock ratio-off of the truth. */
static void describe_drift(char *dst, size_t capacity, double per_5min, double per_day)
{
	const char *direction = per_day < 0 ? "runs slow: loses" : "runs fast: gains";
	if (numeric_abs(per_5min) >= 0.01)
		format_string(dst, capacity, "%s %.2f s every 5 min (%.1f s per day)", direction, numeric_abs(per_5min),
			      numeric_abs(per_day));
	else
		format_string(dst, capacity, "%s %.3f s per day", direction, numeric_abs(per_day));
}

/*
 * Pass within the uncertainty or CLAIM_PASS_PPM, warn up to CLAIM_FAIL_PPM, fail beyond. A figure whose
 * uncertainty reaches past CLAIM_FAIL_PPM cannot pass: it cannot rule out a failing clock (an erratic one).
 */
static enum severity drift_severity(double ppm, double uncertainty_ppm)
{
	double magnitude = numeric_abs(ppm);
	if (magnitude <= uncertainty_ppm || magnitude <= CLAIM_PASS_PPM)
		return uncertainty_ppm <= CLAIM_FAIL_PPM ? SEVERITY_PASS : SEVERITY_WARN;
	return magnitude <= CLAIM_FAIL_PPM ? SEVERITY_WARN : SEVERITY_FAIL;
}

/* What a verdict's message adds when its figure is too uncertain to judge, else "". */
static const char *too_uncertain(double uncertainty_ppm)
{
	return uncertainty_ppm > CLAIM_FAIL_PPM ? " (too uncertain to judge: beyond the 500 ppm fail threshold)" : "";
}

static void claim_verdict(struct report *r, const struct claim *c)
{
	char id[40], drift[96];
	format_string(id, sizeof(id), "claim.%s", c->source);

	if (!(c->tsc_hz >= 1)) {
		struct verdict *v = add(r, id, SEVERITY_FAIL);
		if (v)
			format_string(v->message, sizeof(v->message),
				      "%s gives no usable frequency (0 Hz): a guest trusting it cannot keep time", c->label);
		return;
	}
	if (!r->tsc.valid) {
		struct verdict *v = add(r, id, SEVERITY_INFO);
		if (v)
			format_string(v->message, sizeof(v->message),
				      "%s claims %.3f MHz; not compared: no reference clock could be measured", c->label,
				      c->tsc_hz / 1e6);
		return;
	}
	double ppm = (c->tsc_hz / r->tsc.hz - 1) * 1e6;
	double resolution = resolution_ppm(c);
	double combined = numeric_sqrt(r->tsc.uncertainty_ppm * r->tsc.uncertainty_ppm + resolution * resolution);
	struct verdict *v = add(r, id, drift_severity(ppm, combined));
	if (!v)
		return;
	/* A guest that trusts the claim counts true time x measured / claimed. */
	double fraction = r->tsc.hz / c->tsc_hz - 1;
	v->has_figures = true;
	v->ppm = ppm;
	v->combined_uncertainty_ppm = combined;
	v->drift_s_per_day = fraction * SECONDS_PER_DAY;
	v->drift_s_per_5min = fraction * SECONDS_PER_5_MIN;
	describe_drift(drift, sizeof(drift), v->drift_s_per_5min, v->drift_s_per_day);
	if (numeric_abs(ppm) >= 1e4)
		format_string(v->message, sizeof(v->message),
			      "%s claims %.3f MHz; measured %.3f MHz (%+.2f %%): a guest trusting it %s", c->label,
			      c->tsc_hz / 1e6, r->tsc.hz / 1e6, ppm / 1e4, drift);
	else
		format_string(v->message, sizeof(v->message),
			      "%s claims %.3f MHz; measured %.3f MHz (%+.2f ppm, +/- %.2f)%s: a guest trusting it %s",
			      c->label, c->tsc_hz / 1e6, r->tsc.hz / 1e6, ppm, combined, too_uncertain(combined), drift);
}

static void measurement_verdicts(struct report *r)
{
	struct verdict *v;
	if (r->tsc.backward_steps && (v = add(r, "tsc.backwards", SEVERITY_FAIL))) {
		char step[48];
		unsigned long long ticks = (unsigned long long)r->tsc.largest_backward_step_ticks;
		if (r->tsc.valid)
			format_string(step, sizeof(step), "%llu ticks (%.3f ms)", ticks, (double)ticks / r->tsc.hz * 1e3);
		else
			format_string(step, sizeof(step), "%llu ticks", ticks);
		format_string(v->message, sizeof(v->message),
			      "The TSC went backwards %u time%s, by at least %s: not monotonic, so time read from it runs "
			      "backwards (what it interrupted was measured again or dropped)",
			      r->tsc.backward_steps, r->tsc.backward_steps == 1 ? "" : "s", step);
	}
	if (!r->tsc.valid) {
		if ((v = add(r, "tsc.unmeasured", SEVERITY_WARN)))
			text_copy(v->message, sizeof(v->message),
				  "No reference clock could be measured: the TSC's rate is unknown");
		return;
	}
	for (unsigned i = 0; i < r->reference_count; i++) {
		const struct reference_report *ref = &r->references[i];
		char id[40];
		if (!ref->disagrees)
			continue;
		format_string(id, sizeof(id), "reference.%s.disagrees", ref->name);
		if (!(v = add(r, id, SEVERITY_WARN)))
			continue;
		if (ref->tsc_derived)
			format_string(v->message, sizeof(v->message),
				      "The %s, computed from the TSC with the hypervisor's scale, runs %+.1f ppm off the "
				      "independent clocks: guests using it keep the wrong time",
				      ref->label, (ref->tsc_hz / r->tsc.hz - 1) * 1e6);
		else
			format_string(v->message, sizeof(v->message),
				      "The %s disagrees with the other clocks: it gives %.3f MHz for the TSC, %+.1f ppm "
				      "off (it runs on another clock, or is emulated badly)",
				      ref->label, ref->tsc_hz / 1e6, (ref->tsc_hz / r->tsc.hz - 1) * 1e6);
	}
	if ((v = add(r, "tsc.measured", SEVERITY_PASS)))
		format_string(v->message, sizeof(v->message), "The TSC runs at %.6f MHz +/- %.3f ppm (by the %s)",
			      r->tsc.hz / 1e6, r->tsc.uncertainty_ppm, report_reference(r, r->tsc.reference)->label);
}

static void cpu_verdicts(struct report *r)
{
	struct verdict *v;
	bool invariant = r->cpu.features[CPU_FEATURE_INVARIANT_TSC];
	bool references_disagree = false;
	for (unsigned i = 0; i < r->reference_count; i++)
		references_disagree |= r->references[i].disagrees || r->references[i].jumps_backward ||
				       r->references[i].jumps_forward || r->references[i].backward_steps;

	if (!invariant && (v = add(r, "invariant_tsc.absent", SEVERITY_WARN)))
		text_copy(v->message, sizeof(v->message),
			  "No invariant TSC is advertised: a guest cannot trust the TSC across idle states and will "
			  "lose time if the host stops it (the Hyper-V C-state case)");
	if (invariant && references_disagree && (v = add(r, "invariant_tsc.contradicted", SEVERITY_WARN)))
		text_copy(v->message, sizeof(v->message),
			  "An invariant TSC is advertised, but the clocks do not agree on its rate: see the references");
}

static void claims_overview(struct report *r)
{
	struct verdict *v;
	if (r->claim_count == 0 && (v = add(r, "claims.none", SEVERITY_INFO)))
		text_copy(v->message, sizeof(v->message),
			  "The platform states no TSC frequency anywhere: guests must calibrate it themselves");
	if (r->claim_count == 1 && (v = add(r, "claims.single", SEVERITY_INFO)))
		format_string(v->message, sizeof(v->message),
			      "Only the %s states a TSC frequency: nothing else on the platform corroborates it",
			      r->claims[0].label);
	for (uint32_t i = 0; i < r->hv.count; i++) {
		const struct hv_base *b = &r->hv.bases[i];
		char id[40];
		if (b->timing != HV_TIMING_NOT_OFFERED)
			continue;
		format_string(id, sizeof(id), "timing_leaf.not_offered.%08x", b->base);
		if ((v = add(r, id, SEVERITY_INFO)))
			format_string(v->message, sizeof(v->message),
				      "CPUID 0x%08x (timing leaf) is beyond base 0x%08x's max leaf 0x%08x: not read (a "
				      "tool that reads it anyway gets another leaf's registers)",
				      b->base + HV_TIMING_LEAF_OFFSET, b->base, b->max_leaf);
	}
	for (unsigned i = 0; i < r->fault_count; i++) {
		const struct fault *f = &r->faults[i];
		if ((v = add(r, "fault", SEVERITY_WARN)))
			format_string(v->message, sizeof(v->message), "%s 0x%x failed (%s): that interface is not usable",
				      f->access, f->msr, f->status);
	}
}

/* The run of a method and hint that lost the largest share of its time, or NULL when none finished. */
static const struct idle_run *worst_run(const struct idle_report *idle, const struct idle_run *group, bool lapic)
{
	const struct idle_run *worst = NULL;
	for (unsigned i = 0; i < idle->run_count; i++) {
		const struct idle_run *run = &idle->runs[i];
		if (!run->done || run->kind != group->kind || run->hint != group->hint || (lapic && !run->lapic_measured))
			continue;
		double lost = lapic ? run->lapic_lost_ppm : run->tsc_lost_ppm;
		if (!worst || lost > (lapic ? worst->lapic_lost_ppm : worst->tsc_lost_ppm))
			worst = run;
	}
	return worst;
}

/*
 * Whether a run of this method and hint returned at once. Its state was then never entered, and the runs of
 * it that ended "ok" say nothing of it either: a host that deschedules the vCPU for the whole of a short
 * period makes a single call that returned at once look like a sleep until the tick.
 */
static bool group_returned_at_once(const struct idle_report *idle, const struct idle_run *group)
{
	for (unsigned i = 0; i < idle->run_count; i++)
		if (idle->runs[i].kind == group->kind && idle->runs[i].hint == group->hint && idle_returned_at_once(&idle->runs[i]))
			return true;
	return false;
}

static void idle_group_verdicts(struct report *r, const struct idle_run *group)
{
	const struct idle_run *worst = worst_run(&r->idle, group, false);
	const char *method = idle_method_name(group->kind);
	bool invariant = r->cpu.features[CPU_FEATURE_INVARIANT_TSC], arat = r->cpu.features[CPU_FEATURE_ARAT];
	struct verdict *v;
	char id[40];

	if (!worst || group_returned_at_once(&r->idle, group))
		return;
	format_string(id, sizeof(id), "idle.%s.%s.tsc", idle_kind_name(group->kind), group->cstate);
	const char *tsc = idle_tsc_word(worst);
	if (text_equal(tsc, "runs")) {
		/* Busy-waiting is the control: it earns a line only when it shows a loss (below). */
		if (group->kind != IDLE_KIND_BUSY && (v = add(r, id, SEVERITY_PASS)))
			format_string(v->message, sizeof(v->message), "%s %s: the TSC keeps counting (no loss within %.2f ppm)",
				      method, group->cstate, worst->uncertainty_ppm);
	} else if (group->kind == IDLE_KIND_BUSY) {
		if ((v = add(r, id, SEVERITY_WARN)))
			format_string(v->message, sizeof(v->message),
				      "The TSC %s even while the CPU is busy: %.1f ms of %.1f ms lost; the vCPU is descheduled "
				      "or the TSC is unsteady",
				      tsc, worst->tsc_lost_us / 1e3, worst->actual_us / 1e3);
	} else if ((v = add(r, id, SEVERITY_FAIL))) {
		format_string(v->message, sizeof(v->message),
			      "The TSC %s in %s %s: %.1f ms of %.1f ms lost; %s", tsc, method, group->cstate,
			      worst->tsc_lost_us / 1e3, worst->actual_us / 1e3,
			      invariant ? "yet an invariant TSC is advertised: the promise is broken"
					: "a guest without invariant TSC falls behind whenever it idles");
	}

	const struct idle_run *lapic_worst = worst_run(&r->idle, group, true);
	if (!lapic_worst || text_equal(idle_lapic_word(lapic_worst), "runs"))
		return;
	format_string(id, sizeof(id), "idle.%s.%s.lapic", idle_kind_name(group->kind), group->cstate);
	if ((v = add(r, id, arat ? SEVERITY_FAIL : SEVERITY_WARN)))
		format_string(v->message, sizeof(v->message), "The LAPIC timer %s in %s %s and ARAT is %s", idle_lapic_word(lapic_worst),
			      method, group->cstate,
			      arat ? "advertised: the promise is broken" : "not advertised: timer interrupts stop in that state");
}

/*
 * One verdict for a method whose calls returned at once: the first such state's figures, and how many of
 * the states tried did the same. Nothing is judged of the TSC there (those runs are not done).
 */
static void idle_at_once_verdict(struct report *r, enum idle_kind kind)
{
	const struct idle_report *idle = &r->idle;
	const struct idle_run *first = NULL;
	unsigned states = 0, at_once = 0;
	struct verdict *v;
	char id[40], where[48];

	for (unsigned i = 0; i < idle->run_count; i++) {
		const struct idle_run *run = &idle->runs[i];
		if (run->kind != kind)
			continue;
		states += i == 0 || idle->runs[i - 1].kind != kind || idle->runs[i - 1].hint != run->hint;
		if (idle_returned_at_once(run) && !at_once++)
			first = run;
	}
	if (!first)
		return;
	const char *method = idle_method_name(kind);
	if (states == 1)
		format_string(where, sizeof(where), "%s %s returned at once (", method, first->cstate);
	else
		format_string(where, sizeof(where), "%s returned at once in %u of %u states (%s: ", method, at_once, states,
			      first->cstate);
	format_string(id, sizeof(id), "idle.%s.returns_at_once", idle_kind_name(kind));
	if ((v = add(r, id, SEVERITY_WARN)))
		format_string(v->message, sizeof(v->message),
			      "%s%u times, %.3f +/- %.3f us each): this hypervisor treats %s as a no-op: no C-state is "
			      "entered; the TSC is not judged there",
			      where, first->at_once.returns, first->at_once.each_us, first->at_once.uncertainty_us, method);
}

static void idle_verdicts(struct report *r)
{
	const struct idle_report *idle = &r->idle;
	struct verdict *v;

	idle_at_once_verdict(r, IDLE_KIND_HLT);
	idle_at_once_verdict(r, IDLE_KIND_MWAIT);
	for (unsigned i = 0; i < idle->run_count; i++) {
		const struct idle_run *run = &idle->runs[i];
		bool first_of_group = i == 0 || run->kind != idle->runs[i - 1].kind || run->hint != idle->runs[i - 1].hint;
		if (first_of_group)
			idle_group_verdicts(r, run);
		if (run->kind == IDLE_KIND_MWAIT && !run->done && !idle_returned_at_once(run) && first_of_group) {
			bool offered = idle->mwait_offered;
			if ((v = add(r, offered ? "idle.mwait.faults" : "idle.mwait.not_offered", offered ? SEVERITY_WARN : SEVERITY_INFO)))
				format_string(v->message, sizeof(v->message), "MWAIT %s %s: %s", run->cstate,
					      offered ? "could not be used although CPUID advertises MONITOR/MWAIT"
						      : "is not offered by the hypervisor",
					      run->status);
		}
	}
	if (idle->runs_skipped && (v = add(r, "idle.budget", SEVERITY_INFO)))
		format_string(v->message, sizeof(v->message), "%u idle runs were skipped to keep the idle section within its time budget",
			      idle->runs_skipped);
}

static void watch_verdicts(struct report *r)
{
	const struct watch_report *watch = &r->watch;
	struct verdict *v;
	char id[48];

	if (!watch->ran)
		return;
	if ((v = add(r, "watch.summary", SEVERITY_INFO)))
		format_string(v->message, sizeof(v->message), "Watched %.0f s%s against the %s: %u samples every %.0f s, %s between them",
			      watch->duration_s, watch->stopped_early ? " (stopped early)" : "", watch->reference, watch->samples,
			      watch->interval_s, watch->busy ? "busy-waiting" : "idling with HLT");
	for (unsigned i = 0; i < watch->series_count; i++) {
		const struct watch_series *s = &watch->series[i];
		format_string(id, sizeof(id), "watch.%s", s->name);
		/* The prediction holds when observation and prediction agree within both their bands. */
		bool predicted = numeric_abs(s->drift_ppm - s->predicted_ppm) <= s->uncertainty_ppm + s->prediction_uncertainty_ppm;
		if ((v = add(r, id, drift_severity(s->drift_ppm, s->uncertainty_ppm)))) {
			v->has_figures = true;
			v->ppm = s->drift_ppm;
			v->combined_uncertainty_ppm = s->uncertainty_ppm;
			v->drift_s_per_day = s->drift_ppm * 1e-6 * SECONDS_PER_DAY;
			v->drift_s_per_5min = s->drift_ppm * 1e-6 * SECONDS_PER_5_MIN;
			format_string(v->message, sizeof(v->message),
				      "%s: %+.3f s after %.0f s (%+.2f ppm +/- %.2f)%s; the short calibration predicted "
				      "%+.2f ppm%s",
				      s->label, s->final_offset_s, watch->duration_s, s->drift_ppm, s->uncertainty_ppm,
				      too_uncertain(s->uncertainty_ppm), s->predicted_ppm,
				      predicted ? ", as observed" : ": the observation differs");
		}
		if (!s->rate_changed)
			continue;
		format_string(id, sizeof(id), "watch.%s.rate_change", s->name);
		if ((v = add(r, id, SEVERITY_WARN)))
			format_string(v->message, sizeof(v->message),
				      "The %s changed rate %.0f s into the watch: %+.1f ppm before, %+.1f ppm after (idle "
				      "loss, host power management, or a hypervisor that recalibrates)",
				      s->label, s->change_at_s, s->rate_before_ppm, s->rate_after_ppm);
	}
}

/* Worst first, keeping the order of equals (insertion sort is stable). */
static void sort_by_severity(struct report *r)
{
	for (unsigned i = 1; i < r->verdict_count; i++) {
		struct verdict key = r->verdicts[i];
		unsigned j = i;
		for (; j > 0 && r->verdicts[j - 1].severity > key.severity; j--)
			r->verdicts[j] = r->verdicts[j - 1];
		r->verdicts[j] = key;
	}
}

void verdicts_run(struct report *r)
{
	r->verdict_count = 0;
	for (unsigned i = 0; i < r->claim_count; i++)
		claim_verdict(r, &r->claims[i]);
	measurement_verdicts(r);
	cpu_verdicts(r);
	idle_verdicts(r);
	watch_verdicts(r);
	claims_overview(r);
	sort_by_severity(r);
}
