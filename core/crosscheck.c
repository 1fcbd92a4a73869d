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
			c->combined_ppm = numeric_sqrt(ra->uncertainty_ppm * ra->uncertainty_ppm + rb->uncertainty_ppm * rb->uncertainty_ppm);
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
				       .largest_backward_step_ticks = r->tsc.largest_backward_step_ticks};
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
		double combined = numeric_sqrt(ref->uncertainty_ppm * ref->uncertainty_ppm + r->tsc.uncertainty_ppm * r->tsc.uncertainty_ppm);
		ref->disagrees = ppm > combined || -ppm > combined;
	}
}

void report_tsc_step(struct report *r, uint64_t backward_ticks)
{
	if (!backward_ticks)
		return;
	r->tsc.backward_steps++;
	if (backward_ticks > r->tsc.largest_backward_step_ticks)
		r->tsc.largest_backward_step_ticks = backward_ticks;
}
