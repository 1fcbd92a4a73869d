/* The simulated CPU idling: HLT or MWAIT sleeps until the platform's next periodic interrupt, in a state that may
 * stop or slow the TSC and the LAPIC timer (as may their idle-stop events) while every other clock keeps virtual
 * time. */
#include "sim_paravirt.h"

#include <stdio.h>

#include "cpuid.h"

/* Without a firmware LAPIC tick, the platform wakes the CPU at 100 Hz, OVMF's timer rate (qemu-tcg.json). */
#define SIM_DEFAULT_WAKE_INTERVAL_PS (10000 * PS_PER_US)

/*
 * What an idle call that returns at once costs: QEMU TCG's MWAIT with more than one vCPU is a pause that
 * leaves the CPU loop, 0.2 us on the cpu-amd matrix row (0.65 us a call, less the HPET's 0.44 us read);
 * KVM's NOP emulation is a VM exit and entry, about 1 us.
 */
#define SIM_IDLE_AT_ONCE_PS 200000ull

/* The state the scenario lists for this method and hint (MWAIT's hint matched exactly), or NULL. */
static const struct sim_idle_state *listed_state(const struct sim_idle_config *c, enum idle_method method,
						 uint32_t hint)
{
	for (uint32_t i = 0; i < c->state_count; i++)
		if (c->states[i].method == method && (method == IDLE_HLT || c->states[i].hint == hint))
			return &c->states[i];
	return NULL;
}

/* SDM Vol. 2B MWAIT: #UD when CPUID.01H:ECX.MONITOR[bit 3] = 0. */
static bool monitor_advertised(const struct sim_config *c)
{
	const struct cpu_feature_def *f = &cpu_feature_defs[CPU_FEATURE_MONITOR_MWAIT];
	struct cpuid_regs r;
	sim_config_cpuid(c, f->leaf, f->subleaf, &r);
	return cpuid_register_value(&r, f->reg) >> f->bit & 1;
}

static void record(struct sim *s, const struct sim_idle_record *r)
{
	if (s->trace.idle_log_count < SIM_IDLE_LOG_ENTRIES)
		s->trace.idle_log[s->trace.idle_log_count++] = *r;
}

/*
 * The interrupt comes on a fixed grid of virtual time from power-on, whatever the guest-visible LAPIC count does in
 * the state: the host delivers it, so a state that stops the timer never sleeps forever.
 */
static enum access_status sim_idle(struct machine *m, enum idle_method method, uint32_t hint)
{
	struct sim *s = sim_of(m);
	const struct sim_idle_config *c = &s->config->idle;
	struct sim_idle_record r = {.method = method, .hint = hint, .start_ps = s->now_ps};

	s->trace.idle_calls++;
	if (method == IDLE_HLT)
		s->trace.idle_hlt_calls++;
	else
		s->trace.idle_mwait_calls++;
	if (method == IDLE_MWAIT && (c->mwait_faults || !monitor_advertised(s->config))) {
		s->trace.idle_faults++;
		r.status = ACCESS_FAULT_UD;
		r.wake_ps = r.end_ps = r.start_ps;
		record(s, &r);
		return ACCESS_FAULT_UD;
	}

	if (method == IDLE_MWAIT ? c->mwait_returns_at_once : c->hlt_returns_at_once) {
		s->trace.idle_at_once++;
		r.wake_ps = r.start_ps;
		r.end_ps = r.start_ps + SIM_IDLE_AT_ONCE_PS;
		s->now_ps = r.end_ps;
		record(s, &r);
		return ACCESS_OK;
	}

	const struct sim_idle_state *state = listed_state(c, method, hint);
	uint64_t interval = s->truth.wake_interval_ps;
	r.wake_ps = (r.start_ps / interval + 1) * interval;
	r.end_ps = r.wake_ps + c->wake_latency_ps;
	double tsc_rate = state ? state->tsc_rate : SIM_IDLE_RUNS;
	double lapic_rate = state ? state->lapic_rate : SIM_IDLE_RUNS;
	r.tsc_lost_ps = sim_clock_idle(s, SIM_CLOCK_TSC, r.start_ps, r.wake_ps, tsc_rate);
	r.lapic_lost_ps = sim_clock_idle(s, SIM_CLOCK_LAPIC, r.start_ps, r.wake_ps, lapic_rate);

	s->truth.tsc_idle_lost_ps += r.tsc_lost_ps;
	s->truth.lapic_idle_lost_ps += r.lapic_lost_ps;
	s->now_ps = r.end_ps;
	s->trace.idle_wakes++;
	s->trace.idle_ps += r.end_ps - r.start_ps;
	record(s, &r);
	return ACCESS_OK;
}

void sim_idle_attach(struct sim *s)
{
	uint64_t interval = s->config->idle.wake_interval_ps;

	if (!interval)
		interval = sim_lapic_tick_period_ps(s);
	if (!interval)
		interval = SIM_DEFAULT_WAKE_INTERVAL_PS;
	s->truth.wake_interval_ps = interval;
	/* Whole microseconds as they are, a firmware tick's odd period (10000.001 us) to the nanosecond. */
	snprintf(s->idle_wake_source, sizeof(s->idle_wake_source),
		 "the simulated platform's periodic interrupt (every %.*f us)", interval % PS_PER_US ? 3 : 0,
		 (double)interval / PS_PER_US);
	s->machine.idle = sim_idle;
	s->machine.idle_wake_source = s->idle_wake_source;
}
