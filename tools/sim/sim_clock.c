/* Each simulated clock's count over virtual time: its nominal rate, the rate error the scenario gives it and its
 * events change, and what idling took from it, all in exact integer arithmetic. */
#include "sim_device.h"

#include <math.h>

/* A picosecond at the nominal rate counts 10^9 zeptoseconds; a rate error is kept in parts per billion. */
#define ZS_PER_PS 1000000000ull
#define PPB_PER_PPM 1000.0

/* The rate error a clock starts with: its device's rate_ppm (the TSC's truth is tsc_hz itself). */
static double power_on_rate_ppm(const struct sim_config *c, enum sim_clock_id id)
{
	switch (id) {
	case SIM_CLOCK_PM_TIMER:
		return c->clocks.pm_timer.rate_ppm;
	case SIM_CLOCK_HPET:
		return c->clocks.hpet.rate_ppm;
	case SIM_CLOCK_RTC:
		return c->clocks.rtc.rate_ppm;
	case SIM_CLOCK_PIT:
		return c->clocks.pit.rate_ppm;
	case SIM_CLOCK_LAPIC:
		return c->clocks.lapic.rate_ppm;
	case SIM_CLOCK_HV_REFERENCE_COUNTER:
		return c->hyperv.reference_counter_rate_ppm;
	default:
		return 0;
	}
}

static uint64_t zs_per_ps(double rate_ppm)
{
	return (uint64_t)((int64_t)ZS_PER_PS + llround(rate_ppm * PPB_PER_PPM));
}

/* A rate event at start_ps: a new segment, after what the last one counted, or the last one's rate replaced when it
 * starts at the same moment. */
static void add_segment(struct sim_timeline *t, uint64_t start_ps, double rate_ppm)
{
	struct sim_rate_segment *last = &t->segments[t->segment_count - 1];
	if (last->start_ps == start_ps) {
		last->zs_per_ps = zs_per_ps(rate_ppm);
		return;
	}
	sim_zs before = last->progress_before + (sim_zs)(start_ps - last->start_ps) * last->zs_per_ps;
	t->segments[t->segment_count++] = (struct sim_rate_segment){start_ps, zs_per_ps(rate_ppm), before};
}

/* The config's events in time order (stable: of two at the same moment, the later listed wins). */
static uint32_t events_in_time_order(const struct sim_config *c, const struct sim_event *order[SIM_MAX_EVENTS])
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < c->event_count && i < SIM_MAX_EVENTS; i++) {
		uint32_t k = n++;
		for (; k > 0 && order[k - 1]->at_ps > c->events[i].at_ps; k--)
			order[k] = order[k - 1];
		order[k] = &c->events[i];
	}
	return n;
}

void sim_timelines_init(struct sim *s)
{
	const struct sim_event *order[SIM_MAX_EVENTS];
	uint32_t count = events_in_time_order(s->config, order);

	for (unsigned id = 0; id < SIM_CLOCK_COUNT; id++)
		s->timelines[id] = (struct sim_timeline){
			.segment_count = 1,
			.segments = {{.zs_per_ps = zs_per_ps(power_on_rate_ppm(s->config, (enum sim_clock_id)id))}},
		};
	for (uint32_t i = 0; i < count; i++) {
		struct sim_timeline *t = &s->timelines[order[i]->clock];
		if (order[i]->kind == SIM_EVENT_RATE)
			add_segment(t, order[i]->at_ps, order[i]->rate_ppm);
		else if (order[i]->kind == SIM_EVENT_IDLE_STOPS)
			t->idle_stops = order[i];
	}
}

/* Virtual time in [0, to_ps) spent inside the stop windows [at + k * every, at + k * every + for). */
static uint64_t windowed_ps(const struct sim_event *stops, uint64_t to_ps)
{
	if (to_ps <= stops->at_ps)
		return 0;
	uint64_t since = to_ps - stops->at_ps, phase = since % stops->stops_every_ps;
	uint64_t in_last = phase < stops->stops_for_ps ? phase : stops->stops_for_ps;
	return since / stops->stops_every_ps * stops->stops_for_ps + in_last;
}

/* The segment at_ps lies in: the last one, for every read after the last event. */
static inline const struct sim_rate_segment *segment_at(const struct sim_timeline *t, uint64_t at_ps)
{
	const struct sim_rate_segment *segment = &t->segments[t->segment_count - 1];
	while (segment > t->segments && segment->start_ps > at_ps)
		segment--;
	return segment;
}

/* The progress the rate schedule has made by at_ps, idling aside. */
static inline sim_zs scheduled_progress(const struct sim_timeline *t, uint64_t at_ps)
{
	const struct sim_rate_segment *segment = segment_at(t, at_ps);
	return segment->progress_before + (sim_zs)(at_ps - segment->start_ps) * segment->zs_per_ps;
}

/* The progress the rate schedule makes over the part of [from_ps, to_ps) inside the stop windows: each segment's
 * windowed time at its own rate, so a change in the middle of a sleep is counted exactly. */
static sim_zs windowed_progress(const struct sim_timeline *t, const struct sim_event *windows, uint64_t from_ps,
				uint64_t to_ps)
{
	sim_zs sum = 0;
	for (uint32_t i = 0; i < t->segment_count; i++) {
		uint64_t lo = t->segments[i].start_ps;
		uint64_t hi = i + 1 < t->segment_count ? t->segments[i + 1].start_ps : UINT64_MAX;
		lo = lo > from_ps ? lo : from_ps;
		hi = hi < to_ps ? hi : to_ps;
		if (lo < hi)
			sum += (sim_zs)(windowed_ps(windows, hi) - windowed_ps(windows, lo)) * t->segments[i].zs_per_ps;
	}
	return sum;
}

sim_zs sim_clock_progress(const struct sim *s, enum sim_clock_id id, uint64_t at_ps)
{
	const struct sim_timeline *t = &s->timelines[id];
	return scheduled_progress(t, at_ps) - t->idle_lost;
}

/* One division while progress * numerator fits 128 bits (below 2^88 zs, 86 hours, and 2^40 Hz); past that, split so
 * that no product overflows, whatever the progress: the remainder (below 10^21) times any numerator a scenario allows
 * (10^11 Hz at most) fits. */
#define SINGLE_DIVISION_MAX_PROGRESS_BITS 88
#define SINGLE_DIVISION_MAX_NUMERATOR_BITS 40

uint64_t sim_clock_ticks(const struct sim_clock *c, sim_zs progress)
{
	sim_zs per_tick_scale = (sim_zs)c->denominator * ZS_PER_PS;
	if (!(progress >> SINGLE_DIVISION_MAX_PROGRESS_BITS) && !(c->numerator >> SINGLE_DIVISION_MAX_NUMERATOR_BITS))
		return (uint64_t)(progress * c->numerator / per_tick_scale);
	sim_zs whole = progress / per_tick_scale, rest = progress - whole * per_tick_scale;
	return (uint64_t)(whole * c->numerator + rest * c->numerator / per_tick_scale);
}

/* What idling took cancels out; counting from power-on (the PM timer, the RTC, the reference counter) needs one
 * progress, not two. */
uint64_t sim_clock_ticks_between(const struct sim *s, const struct sim_clock *c, uint64_t from_ps, uint64_t to_ps)
{
	const struct sim_timeline *t = &s->timelines[c->id];
	sim_zs from = from_ps ? scheduled_progress(t, from_ps) : 0;
	return sim_clock_ticks(c, scheduled_progress(t, to_ps) - from);
}

double sim_clock_true_hz(const struct sim *s, const struct sim_clock *c)
{
	double factor = (double)s->timelines[c->id].segments[0].zs_per_ps / ZS_PER_PS;
	return (double)c->numerator * (double)PS_PER_S / (double)c->denominator * factor;
}

double sim_clock_rate_ppm(const struct sim *s, enum sim_clock_id clock, uint64_t at_ps)
{
	return ((double)segment_at(&s->timelines[clock], at_ps)->zs_per_ps - (double)ZS_PER_PS) / PPB_PER_PPM;
}

/* What a clock running at rate loses over asleep_ps of virtual time. */
static uint64_t lost_ps(uint64_t asleep_ps, double rate)
{
	return asleep_ps - (uint64_t)llround((double)asleep_ps * rate);
}

/*
 * The windows stop the clock outright; the rest of the sleep loses what the state's rate takes, spread evenly over
 * it, so that at a constant rate error the clock loses exactly rest_lost_ps picoseconds' worth of progress. A sleep
 * lasts at most the 10 s wake interval: the product below stays far inside 128 bits.
 */
uint64_t sim_clock_idle(struct sim *s, enum sim_clock_id id, uint64_t start_ps, uint64_t wake_ps, double rate)
{
	struct sim_timeline *t = &s->timelines[id];
	const struct sim_event *stops = t->idle_stops;
	uint64_t windowed = stops ? windowed_ps(stops, wake_ps) - windowed_ps(stops, start_ps) : 0;
	uint64_t rest_ps = wake_ps - start_ps - windowed, rest_lost_ps = lost_ps(rest_ps, rate);
	sim_zs in_windows = stops ? windowed_progress(t, stops, start_ps, wake_ps) : 0;
	sim_zs rest_progress = scheduled_progress(t, wake_ps) - scheduled_progress(t, start_ps) - in_windows;

	t->idle_lost += in_windows + (rest_ps ? rest_progress * rest_lost_ps / rest_ps : 0);
	return windowed + rest_lost_ps;
}
