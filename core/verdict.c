/* Verdicts: plain-words conclusions from the claims and the measurements; thresholds in docs/verdicts.md. */
#include "numeric.h"
#include "units.h"
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
#define SECONDS_PER_5_MIN 300.0

static struct verdict *add(struct report *r, const char *id, enum severity severity)
{
	if (r->verdict_count == REPORT_MAX_VERDICTS)
		return NULL;
	struct verdict *v = &r->verdicts[r->verdict_count++];
	*v = (struct verdict){.severity = severity};
	text_copy(v->id, sizeof(v->id), id);
	return v;
}

/*
 * CPUID 0x16's base frequency is the model's nominal figure in whole MHz, and nothing promises that the TSC runs
 * at it: a crystal-derived TSC (3192 MHz on a part sold as 3.2 GHz, -2500 ppm) or a bus clock with the usual
 * 0.5 % spread-spectrum down-spread is normal. Within 1 % it is information; beyond, worth a look; never a failure.
 */
#define NOMINAL_WARN_PPM 10000.0

/* The claim's own resolution (half its unit) in ppm of its figure. */
static double resolution_ppm(const struct claim_source *source, const struct claim *c)
{
	return source ? claim_resolution_hz(source->nature) / c->tsc_hz * 1e6 : 0;
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
 * Pass within the uncertainty or CLAIM_PASS_PPM, warn up to CLAIM_FAIL_PPM, fail only when the figure is beyond
 * CLAIM_FAIL_PPM by more than its uncertainty: a FAIL must be beyond doubt. A figure whose uncertainty reaches past
 * CLAIM_FAIL_PPM cannot pass either: it cannot rule out a failing clock (an erratic one).
 */
static enum severity drift_severity(double ppm, double uncertainty_ppm)
{
	double magnitude = numeric_abs(ppm);
	if (magnitude <= uncertainty_ppm || magnitude <= CLAIM_PASS_PPM)
		return uncertainty_ppm <= CLAIM_FAIL_PPM ? SEVERITY_PASS : SEVERITY_WARN;
	return magnitude - uncertainty_ppm > CLAIM_FAIL_PPM ? SEVERITY_FAIL : SEVERITY_WARN;
}

/* What a verdict's message adds when drift_severity could not decide for sure, else "". */
static const char *judgement_note(double ppm, double uncertainty_ppm)
{
	if (uncertainty_ppm > CLAIM_FAIL_PPM)
		return " (too uncertain to judge: beyond the 500 ppm fail threshold)";
	if (numeric_abs(ppm) > CLAIM_FAIL_PPM && numeric_abs(ppm) - uncertainty_ppm <= CLAIM_FAIL_PPM)
		return " (too close to call: the 500 ppm fail threshold is within its uncertainty)";
	return "";
}

/* A nominal figure: pass within its resolution, information within NOMINAL_WARN_PPM, a warning beyond. */
static enum severity nominal_severity(double ppm, double uncertainty_ppm)
{
	double magnitude = numeric_abs(ppm);
	if (magnitude <= uncertainty_ppm || magnitude <= CLAIM_PASS_PPM)
		return SEVERITY_PASS;
	return magnitude - uncertainty_ppm > NOMINAL_WARN_PPM ? SEVERITY_WARN : SEVERITY_INFO;
}

/* A verdict's figures for a clock that runs ppm off true time: what it gains per day and per 5 min. */
static void rate_figures(struct verdict *v, double ppm, double uncertainty_ppm)
{
	v->has_figures = true;
	v->ppm = ppm;
	v->combined_uncertainty_ppm = uncertainty_ppm;
	v->drift_s_per_day = ppm * 1e-6 * SECONDS_PER_DAY;
	v->drift_s_per_5min = ppm * 1e-6 * SECONDS_PER_5_MIN;
}

static void claim_figures(struct verdict *v, double ppm, double combined, double measured_hz, double claimed_hz)
{
	/* A guest that trusts the claim counts true time x measured / claimed. */
	double fraction = measured_hz / claimed_hz - 1;
	v->has_figures = true;
	v->ppm = ppm;
	v->combined_uncertainty_ppm = combined;
	v->drift_s_per_day = fraction * SECONDS_PER_DAY;
	v->drift_s_per_5min = fraction * SECONDS_PER_5_MIN;
}

/* Whether another claim comes from the same kind of source (two timing leaves at two bases). */
static bool has_twin(const struct report *r, const struct claim *c)
{
	for (unsigned i = 0; i < r->claims.count; i++)
		if (&r->claims.items[i] != c && c->kind && r->claims.items[i].kind == c->kind)
			return true;
	return false;
}

static void claim_verdict(struct report *r, const struct claim *c)
{
	const struct claim_source *source = c->kind;
	bool nominal = source && source->nature == CLAIM_NATURE_NOMINAL_MHZ;
	char id[64], key[48], drift[96], offset[64], name[112], who[IDENTITY_LINE_BYTES];
	struct verdict *v;

	/* Where two claims come from one kind of source, the message says which (the id always does). */
	if (has_twin(r, c))
		claim_title(c, name, sizeof(name));
	else
		text_copy(name, sizeof(name), c->label);
	/* Who makes the claim, through which interface: the identified product, never the interface's name alone. */
	identity_claimant(&r->platform.identity, source ? source->family : NULL, who, sizeof(who));

	claim_key(c->source, c->where, key, sizeof(key));
	format_string(id, sizeof(id), "claim.%s", key);
	if (c->status == CLAIM_EMPTY) {
		if ((v = add(r, id, SEVERITY_WARN)))
			format_string(v->message, sizeof(v->message),
				      "%s states no frequency through the %s: %s; a guest that uses it has no working "
				      "clock from it",
				      who, name,
				      source && source->empty_meaning ? source->empty_meaning : "it reads 0");
		return;
	}
	if (!(c->tsc_hz >= 1)) {
		if ((v = add(r, id, SEVERITY_FAIL)))
			format_string(v->message, sizeof(v->message),
				      "%s gives no usable frequency through the %s (below 1 Hz): a guest trusting it "
				      "cannot keep time",
				      who, name);
		return;
	}
	if (!r->tsc.valid) {
		if ((v = add(r, id, SEVERITY_INFO)))
			format_string(v->message, sizeof(v->message),
				      "%s claims %.3f MHz through the %s; not compared: no reference clock could be "
				      "measured",
				      who, c->tsc_hz / 1e6, name);
		return;
	}
	double ppm = (c->tsc_hz / r->tsc.hz - 1) * 1e6;
	double resolution = resolution_ppm(source, c);
	double combined = numeric_sqrt(r->tsc.uncertainty_ppm * r->tsc.uncertainty_ppm + resolution * resolution);
	if (!(v = add(r, id, nominal ? nominal_severity(ppm, combined) : drift_severity(ppm, combined))))
		return;
	claim_figures(v, ppm, combined, r->tsc.hz, c->tsc_hz);
	describe_drift(drift, sizeof(drift), v->drift_s_per_5min, v->drift_s_per_day);
	if (numeric_abs(ppm) >= 1e4)
		format_string(offset, sizeof(offset), "%+.2f %%", ppm / 1e4);
	else
		format_string(offset, sizeof(offset), "%+.2f ppm, +/- %.2f", ppm, combined);
	if (nominal)
		format_string(
			v->message, sizeof(v->message),
			"%s says %.0f MHz through the %s; the TSC runs at %.3f MHz (%s): a nominal figure, which the "
			"TSC need not match; %s",
			who, c->tsc_hz / 1e6, name, r->tsc.hz / 1e6, offset,
			v->severity == SEVERITY_WARN ? "more than 1 % off, a guest taking it as the TSC's rate drifts"
						     : "within 1 % is normal");
	else
		format_string(v->message, sizeof(v->message),
			      "%s claims %.3f MHz through the %s; measured %.3f MHz (%s)%s: a guest trusting it %s",
			      who, c->tsc_hz / 1e6, name, r->tsc.hz / 1e6, offset, judgement_note(ppm, combined),
			      drift);
}

/* The claim of this source found at where, or NULL. */
static const struct claim *find_claim(const struct report *r, const struct claim_source *source, uint32_t where)
{
	for (unsigned i = 0; i < r->claims.count; i++)
		if (r->claims.items[i].kind == source && r->claims.items[i].where == where)
			return &r->claims.items[i];
	return NULL;
}

static bool detail_uint(const struct claim *c, const char *key, uint64_t *value)
{
	for (unsigned i = 0; i < c->detail_count; i++)
		if (text_equal(c->details[i].key, key)) {
			*value = c->details[i].u;
			return true;
		}
	return false;
}

/*
 * Xen's time leaf states the guest's TSC twice (sub-leaf 0 in kHz, sub-leaf 1 as a scale): they must agree within
 * the kHz rounding, or one is wrong. Sub-leaf 2's host TSC differs from them when Xen scales or emulates the
 * guest's TSC: that is said, with which of the two the measurement matches.
 */
static void xen_verdicts(struct report *r)
{
	struct verdict *v;
	for (unsigned i = 0; i < r->claims.count; i++) {
		const struct claim *leaf = &r->claims.items[i];
		uint64_t host_khz;
		if (leaf->kind != &claim_source_xen_leaf || leaf->status != CLAIM_STATED)
			continue;
		const struct claim *scale = find_claim(r, &claim_source_xen_scale, leaf->where);
		double tolerance_ppm = claim_resolution_hz(CLAIM_NATURE_KHZ) / leaf->tsc_hz * 1e6;
		if (scale && scale->status == CLAIM_STATED &&
		    numeric_abs((scale->tsc_hz / leaf->tsc_hz - 1) * 1e6) > tolerance_ppm &&
		    (v = add(r, "xen.time_leaf.contradiction", SEVERITY_WARN)))
			format_string(
				v->message, sizeof(v->message),
				"Xen's time leaf contradicts itself: sub-leaf 0 says %.3f MHz, sub-leaf 1's scale implies "
				"%.3f MHz (%+.1f ppm): one of them is wrong (their claim verdicts say which matches)",
				leaf->tsc_hz / 1e6, scale->tsc_hz / 1e6, (scale->tsc_hz / leaf->tsc_hz - 1) * 1e6);
		if (!detail_uint(leaf, "host_tsc_khz", &host_khz) || host_khz == 0 ||
		    (double)host_khz * 1e3 == leaf->tsc_hz || !(v = add(r, "xen.host_tsc", SEVERITY_INFO)))
			continue;
		char measured[96] = "";
		if (r->tsc.valid)
			format_string(measured, sizeof(measured), "; measured %.3f MHz, %+.1f ppm from the host's rate",
				      r->tsc.hz / 1e6, (r->tsc.hz / ((double)host_khz * 1e3) - 1) * 1e6);
		format_string(
			v->message, sizeof(v->message),
			"Xen scales or emulates this guest's TSC: the host's TSC runs at %.3f MHz, the guest's is "
			"stated as %.3f MHz%s",
			(double)host_khz / 1e3, leaf->tsc_hz / 1e6, measured);
	}
}

static void measurement_verdicts(struct report *r)
{
	struct verdict *v;
	if (r->tsc.backward_steps && (v = add(r, "tsc.backwards", SEVERITY_FAIL))) {
		char step[48];
		unsigned long long ticks = (unsigned long long)r->tsc.largest_backward_step_ticks;
		if (r->tsc.valid)
			format_string(step, sizeof(step), "%llu ticks (%.3f ms)", ticks,
				      (double)ticks / r->tsc.hz * 1e3);
		else
			format_string(step, sizeof(step), "%llu ticks", ticks);
		format_string(
			v->message, sizeof(v->message),
			"The TSC went backwards %u time%s, by at least %s: not monotonic, so time read from it runs "
			"backwards (what it interrupted was measured again or dropped)",
			r->tsc.backward_steps, r->tsc.backward_steps == 1 ? "" : "s", step);
	}
	const struct tsc_rate_change *change = &r->tsc.rate_change;
	if (change->seen && (v = add(r, "tsc.rate_changed", drift_severity(change->ppm, change->uncertainty_ppm)))) {
		const struct reference_report *ref = report_reference(r, change->reference);
		/* A guest that calibrated the TSC at the first rate counts true time x again / first. */
		rate_figures(v, change->ppm, change->uncertainty_ppm);
		format_string(
			v->message, sizeof(v->message),
			"The TSC changed rate mid-run: the %s gave %.3f MHz, then %.3f MHz (%+.1f ppm, +/- %.1f), as "
			"every later clock saw; a guest that calibrated it once keeps the wrong time",
			ref ? ref->label : change->reference, change->first_hz / 1e6, change->again_hz / 1e6,
			change->ppm, change->uncertainty_ppm);
	}
	if (!r->tsc.valid) {
		if ((v = add(r, "tsc.unmeasured", SEVERITY_WARN)))
			text_copy(v->message, sizeof(v->message),
				  "No reference clock could be measured: the TSC's rate is unknown");
		return;
	}
	for (unsigned i = 0; i < r->reference_count; i++) {
		const struct reference_report *ref = &r->references[i];
		char id[64];
		if (!ref->disagrees)
			continue;
		format_string(id, sizeof(id), "reference.%s.disagrees", ref->name);
		if (!(v = add(r, id, SEVERITY_WARN)))
			continue;
		if (ref->tsc_derived)
			format_string(
				v->message, sizeof(v->message),
				"The %s, computed from the TSC with the hypervisor's scale, runs %+.1f ppm off the "
				"independent clocks: guests using it keep the wrong time",
				ref->label, (ref->tsc_hz / r->tsc.hz - 1) * 1e6);
		else
			format_string(
				v->message, sizeof(v->message),
				"The %s disagrees with the other clocks: it gives %.3f MHz for the TSC, %+.1f ppm "
				"off (it runs on another clock, or is emulated badly)",
				ref->label, ref->tsc_hz / 1e6, (ref->tsc_hz / r->tsc.hz - 1) * 1e6);
	}
	/* A rate more uncertain than the fail threshold can judge no claim: it is not a pass. */
	bool judged = r->tsc.uncertainty_ppm <= CLAIM_FAIL_PPM;
	if ((v = add(r, "tsc.measured", judged ? SEVERITY_PASS : SEVERITY_WARN)))
		format_string(v->message, sizeof(v->message), "The TSC runs at %.6f MHz +/- %.3f ppm (by the %s)%s",
			      r->tsc.hz / 1e6, r->tsc.uncertainty_ppm, report_reference(r, r->tsc.reference)->label,
			      judged ? "" : ": too uncertain to judge any claim against");
}

static void cpu_verdicts(struct report *r)
{
	struct verdict *v;
	bool invariant = r->platform.cpu.features[CPU_FEATURE_INVARIANT_TSC];
	bool references_disagree = r->tsc.rate_change.seen;
	for (unsigned i = 0; i < r->reference_count; i++)
		references_disagree |= r->references[i].disagrees || r->references[i].jumps_backward ||
				       r->references[i].jumps_forward || r->references[i].backward_steps;

	if (!invariant && (v = add(r, "invariant_tsc.absent", SEVERITY_WARN)))
		text_copy(v->message, sizeof(v->message),
			  "No invariant TSC is advertised: a guest cannot trust the TSC across idle states and will "
			  "lose time if the host stops it (the Hyper-V C-state case)");
	if (invariant && references_disagree && (v = add(r, "invariant_tsc.contradicted", SEVERITY_WARN)))
		text_copy(
			v->message, sizeof(v->message),
			"An invariant TSC is advertised, but the clocks do not agree on its rate: see the references");
}

/* What a base's max leaf let the probe read, where that is worth saying: why its timing leaf was not read. */
static void base_verdicts(struct report *r, const struct hv_base *b)
{
	struct verdict *v;
	char id[64];
	uint32_t timing_leaf = b->base + HV_TIMING_LEAF_OFFSET;

	if (b->range == HV_RANGE_KVM_ZERO) {
		format_string(id, sizeof(id), "hypervisor.kvm_zero.%08x", b->base);
		if ((v = add(r, id, SEVERITY_INFO)))
			format_string(
				v->message, sizeof(v->message),
				"KVM at 0x%08x reports max leaf 0, as old hosts do: read as 0x%08x, the rule KVM's CPUID "
				"documentation gives",
				b->base, b->base + 1);
	}
	if (b->timing != HV_TIMING_NOT_OFFERED)
		return;
	format_string(id, sizeof(id), "timing_leaf.not_offered.%08x", b->base);
	if (!(v = add(r, id, SEVERITY_INFO)))
		return;
	if (b->range == HV_RANGE_BEYOND_BLOCK)
		format_string(
			v->message, sizeof(v->message),
			"Base 0x%08x reports max leaf 0x%08x, outside its own 0x100-leaf block: garbage, so only the "
			"base leaf was read, and not its timing leaf 0x%08x",
			b->base, b->max_leaf, timing_leaf);
	else if (b->range == HV_RANGE_BELOW_BASE)
		format_string(
			v->message, sizeof(v->message),
			"Base 0x%08x reports max leaf 0x%08x, below the base itself: it offers no leaf beyond it, "
			"so its timing leaf 0x%08x was not read",
			b->base, b->max_leaf, timing_leaf);
	else
		format_string(
			v->message, sizeof(v->message),
			"CPUID 0x%08x (timing leaf) is beyond base 0x%08x's max leaf 0x%08x: not read (a tool that "
			"reads it anyway gets another leaf's registers)",
			timing_leaf, b->base, b->range == HV_RANGE_KVM_ZERO ? b->base + 1 : b->max_leaf);
}

static void claims_overview(struct report *r)
{
	struct verdict *v;
	const struct claim *stated = NULL;
	unsigned stated_count = 0;
	for (unsigned i = 0; i < r->claims.count; i++)
		if (r->claims.items[i].status == CLAIM_STATED && !stated_count++)
			stated = &r->claims.items[i];

	if (stated_count == 0 && (v = add(r, "claims.none", SEVERITY_INFO)))
		text_copy(v->message, sizeof(v->message),
			  "The platform states no TSC frequency anywhere: guests must calibrate it themselves");
	if (stated_count == 1 && (v = add(r, "claims.single", SEVERITY_INFO)))
		format_string(v->message, sizeof(v->message),
			      "Only the %s states a TSC frequency: nothing else on the platform corroborates it",
			      stated->label);
	for (uint32_t i = 0; i < r->platform.hv.count; i++)
		base_verdicts(r, &r->platform.hv.bases[i]);
	for (unsigned i = 0; i < r->faults.count; i++) {
		const struct fault *f = &r->faults.entries[i];
		if ((v = add(r, "fault", SEVERITY_WARN)))
			format_string(v->message, sizeof(v->message),
				      "%s 0x%x failed (%s): that interface is not usable", f->access, f->msr,
				      f->status);
	}
}

/* The run of a method and hint that lost the largest share of its time, or NULL when none finished. */
static const struct idle_run *worst_run(const struct idle_report *idle, const struct idle_run *group, bool lapic)
{
	const struct idle_run *worst = NULL;
	for (unsigned i = 0; i < idle->run_count; i++) {
		const struct idle_run *run = &idle->runs[i];
		if (!run->done || run->kind != group->kind || run->hint != group->hint ||
		    (lapic && !run->lapic_measured))
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
		if (idle->runs[i].kind == group->kind && idle->runs[i].hint == group->hint &&
		    idle_returned_at_once(&idle->runs[i]))
			return true;
	return false;
}

static void idle_group_verdicts(struct report *r, const struct idle_run *group)
{
	const struct idle_run *worst = worst_run(&r->idle, group, false);
	const char *method = idle_method_name(group->kind);
	bool invariant = r->platform.cpu.features[CPU_FEATURE_INVARIANT_TSC],
	     arat = r->platform.cpu.features[CPU_FEATURE_ARAT];
	struct verdict *v;
	char id[64];

	if (!worst || group_returned_at_once(&r->idle, group))
		return;
	format_string(id, sizeof(id), "idle.%s.%s.tsc", idle_kind_name(group->kind), group->cstate);
	const char *tsc = idle_tsc_word(worst);
	if (idle_tsc_outcome(worst) == IDLE_RUNS) {
		/* Busy-waiting is the control: it earns a line only when it shows a loss (below). */
		if (group->kind != IDLE_KIND_BUSY && (v = add(r, id, SEVERITY_PASS)))
			format_string(v->message, sizeof(v->message),
				      "%s %s: the TSC keeps counting (no loss within %.2f ppm)", method, group->cstate,
				      worst->uncertainty_ppm);
	} else if (group->kind == IDLE_KIND_BUSY) {
		if ((v = add(r, id, SEVERITY_WARN)))
			format_string(
				v->message, sizeof(v->message),
				"The TSC %s even while the CPU is busy: %.1f ms of %.1f ms lost; the vCPU is descheduled "
				"or the TSC is unsteady",
				tsc, worst->tsc_lost_us / 1e3, worst->actual_us / 1e3);
	} else if ((v = add(r, id, SEVERITY_FAIL))) {
		format_string(v->message, sizeof(v->message), "The TSC %s in %s %s: %.1f ms of %.1f ms lost; %s", tsc,
			      method, group->cstate, worst->tsc_lost_us / 1e3, worst->actual_us / 1e3,
			      invariant ? "yet an invariant TSC is advertised: the promise is broken"
					: "a guest without invariant TSC falls behind whenever it idles");
	}

	const struct idle_run *lapic_worst = worst_run(&r->idle, group, true);
	if (!lapic_worst || idle_lapic_outcome(lapic_worst) == IDLE_RUNS)
		return;
	format_string(id, sizeof(id), "idle.%s.%s.lapic", idle_kind_name(group->kind), group->cstate);
	if ((v = add(r, id, arat ? SEVERITY_FAIL : SEVERITY_WARN)))
		format_string(v->message, sizeof(v->message), "The LAPIC timer %s in %s %s and ARAT is %s",
			      idle_lapic_word(lapic_worst), method, group->cstate,
			      arat ? "advertised: the promise is broken"
				   : "not advertised: timer interrupts stop in that state");
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
		format_string(where, sizeof(where), "%s returned at once in %u of %u states (%s: ", method, at_once,
			      states, first->cstate);
	format_string(id, sizeof(id), "idle.%s.returns_at_once", idle_kind_name(kind));
	if ((v = add(r, id, SEVERITY_WARN)))
		format_string(v->message, sizeof(v->message),
			      "%s%u times, %.3f +/- %.3f us each): this hypervisor treats %s as a no-op: no C-state is "
			      "entered; the TSC is not judged there",
			      where, first->at_once.returns, first->at_once.each_us, first->at_once.uncertainty_us,
			      method);
}

static void idle_verdicts(struct report *r)
{
	const struct idle_report *idle = &r->idle;
	struct verdict *v;

	idle_at_once_verdict(r, IDLE_KIND_HLT);
	idle_at_once_verdict(r, IDLE_KIND_MWAIT);
	for (unsigned i = 0; i < idle->run_count; i++) {
		const struct idle_run *run = &idle->runs[i];
		bool first_of_group =
			i == 0 || run->kind != idle->runs[i - 1].kind || run->hint != idle->runs[i - 1].hint;
		if (first_of_group)
			idle_group_verdicts(r, run);
		if (run->kind == IDLE_KIND_MWAIT && !run->done && !idle_returned_at_once(run) && first_of_group) {
			bool offered = idle->mwait_offered;
			if (!offered && (v = add(r, "idle.mwait.not_offered", SEVERITY_INFO)))
				text_copy(
					v->message, sizeof(v->message),
					"MWAIT is not offered by the hypervisor (CPUID.1:ECX[3] is clear): guests idle with HLT");
			else if (offered && (v = add(r, "idle.mwait.faults", SEVERITY_WARN)))
				format_string(v->message, sizeof(v->message),
					      "MWAIT %s could not be used although CPUID advertises MONITOR/MWAIT: %s",
					      run->cstate, run->status);
		}
	}
	if (idle->runs_skipped && (v = add(r, "idle.budget", SEVERITY_INFO)))
		format_string(v->message, sizeof(v->message),
			      "%u idle runs were skipped to keep the idle section within its time budget",
			      idle->runs_skipped);
}

static void watch_verdicts(struct report *r)
{
	const struct watch_report *watch = &r->watch;
	struct verdict *v;
	char id[64];

	if (!watch->ran)
		return;
	if ((v = add(r, "watch.summary", SEVERITY_INFO)))
		format_string(v->message, sizeof(v->message),
			      "Watched %.0f s%s against the %s: %u samples every %.0f s, %s between them",
			      watch->duration_s, watch->stopped_early ? " (stopped early)" : "", watch->reference,
			      watch->samples, watch->interval_s, watch->busy ? "busy-waiting" : "idling with HLT");
	for (unsigned i = 0; i < watch->series_count; i++) {
		const struct watch_series *s = &watch->series[i];
		format_string(id, sizeof(id), "watch.%s", s->name);
		/* The prediction holds when observation and prediction agree within both their bands. */
		bool predicted = numeric_abs(s->drift_ppm - s->predicted_ppm) <=
				 s->uncertainty_ppm + s->prediction_uncertainty_ppm;
		if ((v = add(r, id, drift_severity(s->drift_ppm, s->uncertainty_ppm)))) {
			rate_figures(v, s->drift_ppm, s->uncertainty_ppm);
			format_string(
				v->message, sizeof(v->message),
				"%s: %+.3f s after %.0f s (%+.2f ppm +/- %.2f)%s; the short calibration predicted "
				"%+.2f ppm%s",
				s->label, s->final_offset_s, watch->duration_s, s->drift_ppm, s->uncertainty_ppm,
				judgement_note(s->drift_ppm, s->uncertainty_ppm), s->predicted_ppm,
				predicted ? ", as observed" : ": the observation differs");
		}
		if (!s->rate_changed)
			continue;
		format_string(id, sizeof(id), "watch.%s.rate_change", s->name);
		if ((v = add(r, id, SEVERITY_WARN)))
			format_string(
				v->message, sizeof(v->message),
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
	for (unsigned i = 0; i < r->claims.count; i++)
		claim_verdict(r, &r->claims.items[i]);
	xen_verdicts(r);
	measurement_verdicts(r);
	cpu_verdicts(r);
	idle_verdicts(r);
	watch_verdicts(r);
	claims_overview(r);
	sort_by_severity(r);
	fixes_attach(r);
}
