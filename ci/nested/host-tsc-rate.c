/* The host's TSC rate, measured against CLOCK_MONOTONIC: under QEMU TCG, L1's and L2's TSC
 * is this TSC (QEMU's rdtsc returns the host's), and L0's HPET and PM timer run on this clock,
 * so this is the true TSC rate of every guest in the nested lane (ci/nested-kvm).
 * Prints "HZ SPREAD_PPM": the median of WINDOWS windows and the spread between their extremes.
 * Built and run by ci/nested-kvm with the host's gcc. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <x86intrin.h>

/* Five windows of 0.4 s: long enough that a 2 us bracket is 5 ppm, short enough to take 2 s. */
#define WINDOWS 5
#define WINDOW_NS 400000000LL
/* Brackets tried per stamp: a descheduled thread widens one, rarely twenty in a row. */
#define BRACKET_TRIES 20

struct stamp {
	uint64_t tsc; /* midpoint of the two TSC reads around the clock read */
	int64_t ns;
};

static int64_t monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The narrowest of BRACKET_TRIES brackets: a clock read between two TSC reads. */
static struct stamp stamp_take(void)
{
	struct stamp best = {0, 0};
	uint64_t best_width = UINT64_MAX;
	for (int i = 0; i < BRACKET_TRIES; i++) {
		uint64_t before = __rdtsc();
		int64_t ns = monotonic_ns();
		uint64_t after = __rdtsc();
		if (after >= before && after - before < best_width) {
			best_width = after - before;
			best = (struct stamp){before + (after - before) / 2, ns};
		}
	}
	return best;
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(void)
{
	double hz[WINDOWS];
	for (int w = 0; w < WINDOWS; w++) {
		struct stamp start = stamp_take();
		struct timespec pause = {0, WINDOW_NS};
		nanosleep(&pause, NULL);
		struct stamp end = stamp_take();
		if (end.ns <= start.ns || end.tsc <= start.tsc) {
			fprintf(stderr, "host-tsc-rate: the TSC or CLOCK_MONOTONIC did not advance\n");
			return 1;
		}
		hz[w] = (double)(end.tsc - start.tsc) * 1e9 / (double)(end.ns - start.ns);
	}
	qsort(hz, WINDOWS, sizeof hz[0], compare_doubles);
	printf("%.0f %.1f\n", hz[WINDOWS / 2], (hz[WINDOWS - 1] / hz[0] - 1) * 1e6);
	return 0;
}
