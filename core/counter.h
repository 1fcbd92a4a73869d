/* Wrap-safe counter arithmetic: one helper for every counter width and modulus. */
#ifndef TSCPROBE_COUNTER_H
#define TSCPROBE_COUNTER_H

#include <stdbool.h>
#include <stdint.h>

/* Ticks from `before` to `now` on a counter that counts up modulo `modulus` (0 means 2^64). */
static inline uint64_t counter_delta(uint64_t before, uint64_t now, uint64_t modulus)
{
	if (modulus == 0)
		return now - before;
	before %= modulus;
	now %= modulus;
	return now >= before ? now - before : modulus - before + now;
}

/* The modulus of an n-bit counter (0 for 64 bits, meaning 2^64). */
static inline uint64_t counter_modulus(unsigned width_bits)
{
	return width_bits >= 64 ? 0 : (uint64_t)1 << width_bits;
}

/*
 * Extends a wrapping counter to 64 bits. Reads must come more often than once per half period;
 * a step of more than half the period is taken as the counter going backwards, not as a wrap.
 */
struct counter_unwrap {
	uint64_t modulus;
	uint64_t last_raw;
	uint64_t total;
	bool started;
	uint32_t backward_steps; /* how often the counter went backwards */
	uint32_t gaps_bridged;   /* readings more than half a period apart, completed by an outside clock */
};

static inline void counter_unwrap_init(struct counter_unwrap *u, uint64_t modulus)
{
	*u = (struct counter_unwrap){.modulus = modulus};
}

/* The 64-bit count for a new raw reading. */
static inline uint64_t counter_unwrap(struct counter_unwrap *u, uint64_t raw)
{
	if (!u->started) {
		u->started = true;
		u->last_raw = raw;
		return u->total;
	}
	uint64_t step = counter_delta(u->last_raw, raw, u->modulus);
	uint64_t half = u->modulus ? u->modulus / 2 : (uint64_t)1 << 63;
	if (step > half) {
		u->backward_steps++; /* ignore the reading: it is behind the last one */
		return u->total;
	}
	u->last_raw = raw;
	u->total += step;
	return u->total;
}

/*
 * As counter_unwrap, when another clock says about `expected` ticks passed since the last reading.
 * Readings further apart than half a period (a preempted vCPU, a slow firmware call) hide whole
 * periods; the other clock, good to a fraction of a period, says how many.
 */
static inline uint64_t counter_unwrap_expecting(struct counter_unwrap *u, uint64_t raw, double expected)
{
	if (!u->started || u->modulus == 0 || expected < (double)(u->modulus / 2))
		return counter_unwrap(u, raw);
	uint64_t step = counter_delta(u->last_raw, raw, u->modulus);
	double periods = (expected - (double)step) / (double)u->modulus;
	uint64_t whole = periods > 0 ? (uint64_t)(periods + 0.5) : 0;
	u->gaps_bridged++;
	u->last_raw = raw;
	u->total += step + whole * u->modulus;
	return u->total;
}

#endif
