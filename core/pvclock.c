/* Reading a pvclock page safely and turning its scale into a frequency. */
#include "pvclock.h"

/* An update takes the host microseconds; this many tries is far longer, and a page stuck odd is a finding. */
#define PVCLOCK_MAX_TRIES 10000

bool pvclock_read(const volatile void *page, struct pvclock_snapshot *out)
{
	const volatile struct pvclock_vcpu_time_info *p = page;

	for (int tries = 0; tries < PVCLOCK_MAX_TRIES; tries++) {
		uint32_t version = p->version;
		__atomic_thread_fence(__ATOMIC_ACQUIRE); /* the fields after the version, as msr.rst requires */
		out->tsc_timestamp = p->tsc_timestamp;
		out->system_time_ns = p->system_time;
		out->tsc_to_system_mul = p->tsc_to_system_mul;
		out->tsc_shift = p->tsc_shift;
		out->flags = p->flags;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (!(version & 1) && version == p->version) {
			out->version = version;
			return true;
		}
	}
	return false;
}

double pvclock_tsc_hz(uint32_t mul, int8_t shift)
{
	if (mul == 0)
		return 0;
	double hz = 1e9 * 4294967296.0 / (double)mul;
	for (int8_t i = 0; i < shift; i++)
		hz /= 2;
	for (int8_t i = shift; i < 0; i++)
		hz *= 2;
	return hz;
}

/* A 64-bit delta shifted this far either way has no bits left; C leaves such a shift undefined. */
#define PVCLOCK_SHIFT_OUT 64

uint64_t pvclock_ns(const struct pvclock_snapshot *p, uint64_t tsc)
{
	uint64_t delta = tsc - p->tsc_timestamp;
	/* KVM keeps tsc_shift within a few steps of 0; a page with more is garbage, computed without UB. */
	if (p->tsc_shift >= PVCLOCK_SHIFT_OUT || p->tsc_shift <= -PVCLOCK_SHIFT_OUT)
		delta = 0;
	else if (p->tsc_shift >= 0)
		delta <<= p->tsc_shift;
	else
		delta >>= -p->tsc_shift;
	return p->system_time_ns + (uint64_t)(((unsigned __int128)delta * p->tsc_to_system_mul) >> 32);
}
