/* Cross-checking the references against each other, and choosing the best estimate of the TSC rate. */
#include "numeric.h"
#include "report.h"

static bool comparable(const struct reference_report *ref)
{
	return ref->measured && ref->tsc_hz > 0;
}

/* Only clocks that do not derive from the TSC can judge each other, or it. */
static bool independent(const struct reference_report *ref)
{
	return comparable(ref) && !ref->tsc_derived;
}

void crosscheck_run(struct report *r)
{
	unsigned agreements[REPORT_MAX_REFERENCES] = {0}, disagreements[REPORT_MAX_REFERENCES] = {0};

	r->cross_check_count = 0;
	for (unsigned a = 0; a < r->reference_count; a++) {
		for (unsigned b = a + 1; b < r->reference_count; b++) {
			const struct reference_report *ra = &r->references[a], *rb = &r->references[b];
			if (!comparable(ra) || !comparable(rb) || r->cross_check_count == REPORT_MAX_CROSS_CHECKS)
				continue;
			struct cross_check *c = &r->cross_checks[r->cross_check_count++];
			text_copy(c->a, sizeof(c->a), ra->name);
			text_copy(c->b, sizeof(c->b), rb->name);
			c->ppm = (ra->tsc_hz / rb->tsc_hz - 1) * 1e6;
			c->combined_ppm = numeric_sqrt(ra->uncertainty_ppm * ra->uncertainty_ppm +
						       rb->uncertainty_ppm * rb->uncertainty_ppm);
			c->agree = c->ppm <= c->combined_ppm && -c->ppm <= c->combined_ppm;
			if (!independent(ra) || !independent(rb))
				continue;
			(c->agree ? agreements : disagreements)[a]++;
			(c->agree ? agreements : disagreements)[b]++;
		}
	}

	/* An odd one out disagrees with more references than it agrees with. */
	const struct reference_report *best = NULL;
	for (unsigned i = 0; i < r->reference_count; i++) {
		struct reference_report *ref = &r->references[i];
		ref->disagrees = disagreements[i] > agreements[i];
		if (independent(ref) && !ref->disagrees && (!best || ref->uncertainty_ppm < best->uncertainty_ppm))
			best = ref;
	}
	/* When every reference is at odds with another, the most precise still gives the figure. */
	if (!best)
		for (unsigned i = 0; i < r->reference_count; i++)
			if (independent(&r->references[i]) &&
			    (!best || r->references[i].uncertainty_ppm < best->uncertainty_ppm))
				best = &r->references[i];

	r->tsc = (struct tsc_estimate){.backward_steps = r->tsc.backward_steps,
				       .largest_backward_step_ticks = r->tsc.largest_backward_step_ticks,
				       .rate_change = r->tsc.rate_change};
	if (!best)
		return;
	r->tsc.valid = true;
	r->tsc.hz = best->tsc_hz;
	r->tsc.uncertainty_ppm = best->uncertainty_ppm;
	text_copy(r->tsc.reference, sizeof(r->tsc.reference), best->name);
	/* A clock computed from the TSC is judged against the estimate from the independent ones. */
	for (unsigned i = 0; i < r->reference_count; i++) {
		struct reference_report *ref = &r->references[i];
		if (!comparable(ref) || !ref->tsc_derived)
			continue;
		double ppm = (ref->tsc_hz / r->tsc.hz - 1) * 1e6;
		double combined = numeric_sqrt(ref->uncertainty_ppm * ref->uncertainty_ppm +
					       r->tsc.uncertainty_ppm * r->tsc.uncertainty_ppm);
		ref->disagrees = ppm > combined || -ppm > combined;
	}
}

static bool disagree(const struct reference_report *a, const struct reference_report *b)
{
	double ppm = (b->tsc_hz / a->tsc_hz - 1) * 1e6;
	double combined =
		numeric_sqrt(a->uncertainty_ppm * a->uncertainty_ppm + b->uncertainty_ppm * b->uncertainty_ppm);
	return numeric_abs(ppm) > combined;
}

bool crosscheck_split(const struct report *r, const unsigned *order, unsigned count, struct rate_split *out)
{
	unsigned independents[REPORT_MAX_REFERENCES], n = 0;
	for (unsigned k = 0; k < count && n < REPORT_MAX_REFERENCES; k++)
		if (independent(&r->references[order[k]]))
			independents[n++] = order[k];

	for (unsigned split = 1; split < n; split++) {
		bool clean = true;
		*out = (struct rate_split){.early_count = split};
		for (unsigned e = 0; e < split && clean; e++) {
			const struct reference_report *early = &r->references[independents[e]];
			out->early[e] = independents[e];
			/* A clock seen to step or jump explains its own disagreement: nothing points at the TSC. */
			clean = !early->backward_steps && !early->jumps_backward && !early->jumps_forward;
			for (unsigned other = 0; other < e && clean; other++)
				clean = !disagree(early, &r->references[independents[other]]);
			for (unsigned l = split; l < n && clean; l++) {
				const struct reference_report *late = &r->references[independents[l]];
				int sign = late->tsc_hz > early->tsc_hz ? 1 : -1;
				clean = disagree(early, late) && (!out->direction || sign == out->direction);
				out->direction = sign;
				if (e == 0 && (l == split || numeric_abs(late->tsc_hz - early->tsc_hz) <
								     numeric_abs(out->nearest_late_hz - early->tsc_hz)))
					out->nearest_late_hz = late->tsc_hz;
			}
		}
		if (clean)
			return true;
	}
	return false;
}
