/* Idle experiments: the CPU idles while an independent reference times it; what the TSC missed is lost. */
#include "idle.h"

#include "counter.h"
#include "report.h"

/* Leaf 5: MWAIT's hint is EAX[7:4] = C-state - 1, EAX[3:0] = sub-state (SDM Vol. 2B, MWAIT). */
#define MWAIT_HINT(cstate, substate) ((uint32_t)((cstate)-1) << 4 | (substate))
/* Caps per run: no wake source wakes faster than every microsecond, no busy read takes under 10 ns. */
#define IDLE_MAX_WAKES_PER_US 1
#define IDLE_MAX_POLLS_PER_US 100
#define IDLE_MIN_CAP 10000
/*
 * A clock "stops" when it missed at least half the idle period, "slows" when it missed more than
 * its uncertainty and IDLE_NOTICEABLE_PPM; 10 ppm is under a second a day (docs/verdicts.md).
 */
#define IDLE_NOTICEABLE_PPM 10.0
#define IDLE_STOPPED_PPM 500000.0
/*
 * An idle call that the reference times under 100 us did not wait for the wake source. The firmware's
 * tick wakes the CPU every 10 ms (EDK2's LocalApicTimerDxe, 8254TimerDxe and HpetTimerDxe default to
 * it, OVMF's 100 Hz) and no firmware ticks faster than 1 ms: ten times above this. A call that returns
 * at once costs the instruction (a VM exit and entry, about 1 us, where KVM emulates MWAIT as a NOP;
 * QEMU TCG's pause, 0.2 us) and one read of the reference (a VM exit to the device model, at most a
 * few us: the references' read_cost_ns): ten times below it.
 */
#define IDLE_AT_ONCE_MAX_US 100.0
/*
 * This many such calls in one run, while the reference moved, say the method returns at once. A CPU that
 * sleeps until a tick at least 1 ms apart returns that fast at most once a run (its first call, which may
 * start just before a tick); after that the next tick is a whole period away. A run of calls that all
 * return that fast makes more than 10 of them in the shortest period (1 ms): 8 catches every such run.
 */
#define IDLE_AT_ONCE_RETURNS 8
/*
 * Once it is seen, a run ends after this many such calls: enough that the one-time cost of the first few
 * weighs little in their mean (on the cpu-amd matrix row the first 8 took 14 us each, TCG translating
 * the loop, against 0.65 us over 15000). They take at most 100 ms, each under IDLE_AT_ONCE_MAX_US, and
 * come before any run's iteration cap (at least IDLE_MIN_CAP calls).
 */
#define IDLE_AT_ONCE_TIMED_CALLS 1000

void idle_defaults(struct idle_settings *s)
{
	*s = (struct idle_settings){
		.enabled = true,
		.duration_count = 4,
		.durations_us = {1000, 10000, 100000, 1000000},
		.repeats = 2,
		.budget_s = 20,
	};
}

const char *idle_kind_name(enum idle_kind kind)
{
	return kind == IDLE_KIND_BUSY ? "busy" : kind == IDLE_KIND_HLT ? "hlt" : "mwait";
}

const char *idle_method_name(enum idle_kind kind)
{
	return kind == IDLE_KIND_BUSY ? "busy-waiting" : kind == IDLE_KIND_HLT ? "HLT" : "MWAIT";
}

bool idle_returned_at_once(const struct idle_run *run)
{
	return run->at_once.returns > 0;
}

const char *idle_outcome_name(enum idle_outcome outcome)
{
	static const char *const names[] = {[IDLE_RUNS] = "runs",
					    [IDLE_SLOWS] = "slows",
					    [IDLE_STOPS] = "stops",
					    [IDLE_NOT_MEASURED] = "not measured"};
	return names[outcome];
}

static enum idle_outcome loss_outcome(double lost_ppm, double uncertainty_ppm)
{
	if (lost_ppm <= uncertainty_ppm || lost_ppm <= IDLE_NOTICEABLE_PPM)
		return IDLE_RUNS;
	return lost_ppm >= IDLE_STOPPED_PPM ? IDLE_STOPS : IDLE_SLOWS;
}

enum idle_outcome idle_tsc_outcome(const struct idle_run *run)
{
	return loss_outcome(run->tsc_lost_ppm, run->uncertainty_ppm);
}

enum idle_outcome idle_lapic_outcome(const struct idle_run *run)
{
	return run->lapic_measured ? loss_outcome(run->lapic_lost_ppm, run->lapic_uncertainty_ppm) : IDLE_NOT_MEASURED;
}

const char *idle_tsc_word(const struct idle_run *run)
{
	return idle_outcome_name(idle_tsc_outcome(run));
}

const char *idle_lapic_word(const struct idle_run *run)
{
	return idle_outcome_name(idle_lapic_outcome(run));
}

static struct idle_run *new_run(struct idle_report *idle, enum idle_kind kind, uint32_t hint, const char *cstate)
{
	if (idle->run_count == IDLE_MAX_RUNS) {
		idle->runs_skipped++;
		return NULL;
	}
	struct idle_run *run = &idle->runs[idle->run_count++];
	*run = (struct idle_run){.kind = kind, .hint = hint};
	text_copy(run->cstate, sizeof(run->cstate), cstate);
	return run;
}

struct idle_context {
	struct machine *m;
	struct report *r;
	struct time_source *reference, *lapic;
	double reference_tsc_hz, reference_uncertainty_ppm, lapic_hz;
};

/*
 * A run's idle calls as the reference times them, from one read of it to the next. A call is fast under
 * IDLE_AT_ONCE_MAX_US; one over which the reference did not move at all says nothing (a reference that
 * stopped shows only those, and runs into the iteration cap, "the reference stopped moving").
 */
struct call_tally {
	double ticks_per_us;
	uint32_t fast_calls, fast_calls_moved;
	uint64_t fast_ticks;
	uint32_t fast_streaks; /* runs of consecutive fast calls: the sum over each is exact to one tick */
	bool in_streak;
};

/* Count one call that took `ticks` of the reference. */
static void tally_call(struct call_tally *t, uint64_t ticks)
{
	bool fast = (double)ticks < IDLE_AT_ONCE_MAX_US * t->ticks_per_us;
	if (fast) {
		t->fast_calls++;
		t->fast_calls_moved += ticks > 0;
		t->fast_ticks += ticks;
		t->fast_streaks += !t->in_streak;
	}
	t->in_streak = fast;
}

static bool tally_returned_at_once(const struct call_tally *t)
{
	return t->fast_calls_moved >= IDLE_AT_ONCE_RETURNS;
}

/* What the fast calls took each, with the reference's quantisation (under a tick per streak) and rate error. */
static struct idle_at_once tally_at_once(const struct call_tally *t, double reference_uncertainty_ppm)
{
	double each_us = (double)t->fast_ticks / t->ticks_per_us / t->fast_calls;
	return (struct idle_at_once){
		.returns = t->fast_calls,
		.each_us = each_us,
		.uncertainty_us =
			t->fast_streaks / t->ticks_per_us / t->fast_calls + reference_uncertainty_ppm * 1e-6 * each_us,
	};
}

/* One idle period of at least requested_us by the reference; false when the method faulted or did not wait. */
static bool measure(const struct idle_context *c, struct idle_run *run, uint32_t requested_us)
{
	struct machine *m = c->m;
	struct time_source *ref = c->reference;
	struct counter_unwrap unwrap;
	uint64_t target = (uint64_t)((double)requested_us * ref->nominal_hz / 1e6), ticks = 0, iterations = 0, last = 0;
	struct call_tally calls = {.ticks_per_us = ref->nominal_hz / 1e6};
	uint64_t cap =
		(uint64_t)requested_us * (run->kind == IDLE_KIND_BUSY ? IDLE_MAX_POLLS_PER_US : IDLE_MAX_WAKES_PER_US) +
		IDLE_MIN_CAP;

	run->requested_us = requested_us;
	counter_unwrap_init(&unwrap, ref->modulus);
	uint64_t lapic_before = c->lapic ? c->lapic->driver->read(c->lapic, m) : 0;
	struct bracketed_read before = calib_read_bracketed(m, ref);
	counter_unwrap(&unwrap, before.raw);
	while (ticks < target) {
		if (run->kind != IDLE_KIND_BUSY) {
			enum access_status status =
				m->idle(m, run->kind == IDLE_KIND_HLT ? IDLE_HLT : IDLE_MWAIT, run->hint);
			if (status != ACCESS_OK) {
				text_copy(run->status, sizeof(run->status),
					  status == ACCESS_FAULT_UD ? "#UD: it faulted although advertised"
								    : "could not idle");
				return false;
			}
			run->wakes++;
		}
		ticks = counter_unwrap(&unwrap, ref->driver->read(ref, m));
		if (run->kind != IDLE_KIND_BUSY) {
			tally_call(&calls, ticks - last);
			if (tally_returned_at_once(&calls) && calls.fast_calls >= IDLE_AT_ONCE_TIMED_CALLS)
				break;
		}
		last = ticks;
		if (++iterations > cap) {
			text_copy(run->status, sizeof(run->status), "the reference stopped moving");
			return false;
		}
	}
	if (tally_returned_at_once(&calls)) {
		/* No C-state was entered: what the TSC did meanwhile says nothing of idle. */
		run->at_once = tally_at_once(&calls, c->reference_uncertainty_ppm);
		text_copy(run->status, sizeof(run->status), IDLE_STATUS_RETURNED_AT_ONCE);
		return false;
	}
	struct bracketed_read after = calib_read_bracketed(m, ref);
	if (after.lo < before.hi) {
		/* A host rewrote the TSC meanwhile: the period says nothing of idle, and the step is a finding. */
		report_tsc_step(c->r, before.hi - after.lo);
		text_copy(run->status, sizeof(run->status), "the TSC went backwards during it");
		return true;
	}
	ticks = counter_unwrap(&unwrap, after.raw);
	uint64_t lapic_after = c->lapic ? c->lapic->driver->read(c->lapic, m) : 0;

	double actual_s = (double)ticks / ref->nominal_hz;
	double tsc_s = ((double)(after.lo - before.lo) +
			((double)(after.hi - after.lo) - (double)(before.hi - before.lo)) / 2) /
		       c->reference_tsc_hz;
	/* Where in each bracket the reference was read, a tick of the reference at each end, and the rate's own error. */
	double brackets_s = ((double)(before.hi - before.lo) + (double)(after.hi - after.lo)) / 2 / c->reference_tsc_hz;
	double uncertainty_s = brackets_s + 2 / ref->nominal_hz + c->reference_uncertainty_ppm * 1e-6 * actual_s;

	run->done = true;
	text_copy(run->status, sizeof(run->status), "ok");
	run->actual_us = actual_s * 1e6;
	run->tsc_lost_us = (actual_s - tsc_s) * 1e6;
	run->tsc_lost_ppm = (actual_s - tsc_s) / actual_s * 1e6;
	run->uncertainty_ppm = uncertainty_s / actual_s * 1e6;
	if (c->lapic && c->lapic_hz > 0) {
		double lapic_s = (double)counter_delta(lapic_before, lapic_after, c->lapic->modulus) / c->lapic_hz;
		run->lapic_measured = true;
		run->lapic_lost_ppm = (actual_s - lapic_s) / actual_s * 1e6;
		run->lapic_uncertainty_ppm = run->uncertainty_ppm + 2 / c->lapic_hz / actual_s * 1e6;
	}
	return true;
}

static double runs_total_s(const struct idle_report *idle)
{
	double total = 0;
	for (unsigned i = 0; i < idle->run_count; i++)
		total += idle->runs[i].actual_us / 1e6;
	return total;
}

/* Every duration, repeated, while the budget lasts; stops at the method's first fault. */
static void run_method(const struct idle_context *c, struct report *r, const struct probe_settings *settings,
		       enum idle_kind kind, uint32_t hint, const char *cstate)
{
	const struct idle_settings *s = &settings->idle;
	unsigned planned = s->duration_count * s->repeats, started = 0;
	for (unsigned d = 0; d < s->duration_count; d++) {
		for (unsigned k = 0; k < s->repeats; k++, started++) {
			if (runs_total_s(&r->idle) + s->durations_us[d] / 1e6 > s->budget_s) {
				r->idle.runs_skipped++;
				continue;
			}
			struct idle_run *run = new_run(&r->idle, kind, hint, cstate);
			if (!run)
				continue;
			if (settings->progress) {
				char what[80], length[16];
				uint32_t us = s->durations_us[d];
				format_string(length, sizeof(length), us % 1000 ? "%u us" : "%u ms",
					      us % 1000 ? us : us / 1000);
				format_string(what, sizeof(what), "Idle: %s %s for %s, run %u of %u",
					      idle_method_name(kind), cstate, length, started + 1, planned);
				settings->progress(settings->progress_ctx, what, s->budget_s - runs_total_s(&r->idle));
			}
			if (!measure(c, run, s->durations_us[d]))
				return;
		}
	}
}

void idle_run_all(struct machine *m, struct report *r, const struct probe_settings *settings,
		  struct time_source *reference, double reference_tsc_hz, double reference_uncertainty_ppm,
		  struct time_source *lapic, double lapic_hz)
{
	const struct idle_context c = {m, r, reference, lapic, reference_tsc_hz, reference_uncertainty_ppm, lapic_hz};
	const struct mwait_info *mwait = &r->platform.cpu.mwait;
	struct idle_report *idle = &r->idle;

	idle->ran = true;
	text_copy(idle->reference, sizeof(idle->reference), reference->driver->name);
	text_copy(idle->wake_source, sizeof(idle->wake_source), m->idle_wake_source);
	text_copy(idle->phase, sizeof(idle->phase), "boot services");
	idle->mwait_offered = r->platform.cpu.features[CPU_FEATURE_MONITOR_MWAIT];

	run_method(&c, r, settings, IDLE_KIND_BUSY, 0, "C0");
	run_method(&c, r, settings, IDLE_KIND_HLT, 0, "C1");
	if (!idle->mwait_offered) {
		struct idle_run *run = new_run(idle, IDLE_KIND_MWAIT, 0, "-");
		if (run)
			text_copy(run->status, sizeof(run->status), "not offered: CPUID.1:ECX[3] is clear");
		return;
	}
	/* C1 always exists; deeper C-states and sub-states as leaf 5 enumerates them. */
	for (unsigned state = 1; state < MWAIT_CSTATE_SLOTS; state++) {
		unsigned substates = mwait->present ? mwait->substates[state] : 0;
		if (state == 1 && substates == 0)
			substates = 1; /* hint 0 (C1) is always valid where MWAIT is; TCG enumerates no sub-states */
		for (unsigned sub = 0; sub < substates; sub++) {
			char cstate[8];
			unsigned before = idle->run_count;
			format_string(cstate, sizeof(cstate), sub ? "C%u.%u" : "C%u", state, sub);
			run_method(&c, r, settings, IDLE_KIND_MWAIT, MWAIT_HINT(state, sub), cstate);
			/* cppcheck-suppress knownConditionTrueFalse ; false positive: run_method adds runs through r */
			if (idle->run_count > before && !idle->runs[idle->run_count - 1].done &&
			    idle->runs[idle->run_count - 1].status[0] == '#')
				return; /* MWAIT faults: no point trying deeper hints */
		}
	}
}
