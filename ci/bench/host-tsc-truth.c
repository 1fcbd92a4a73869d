/* The host's TSC rate over one guest run, the truth of `make bench`'s host rows: under plain QEMU
 * TCG the guest's RDTSC returns the host's TSC, so its true rate is the host TSC's rate.
 * Started before QEMU and stopped after it (SIGTERM or SIGINT): stamps the TSC against
 * CLOCK_MONOTONIC_RAW (and CLOCK_MONOTONIC, the clock behind QEMU's virtual clock and so behind
 * the guest's HPET, PM timer and PIT) every STAMP_INTERVAL_NS, then writes one JSON object.
 * Built and run by ci/bench-calibration with the host's gcc. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

/* Half a second between stamps: a 30 s guest run gives 60 points for the fit, and the helper
 * sleeps through nearly all of it, so it takes nothing from QEMU on a loaded host. */
#define STAMP_INTERVAL_NS 500000000L
/* An hour of stamps; a longer run keeps its first MAX_STAMPS - 1 and its last. */
#define MAX_STAMPS 7200
/* Brackets tried per stamp: a descheduled thread widens one, rarely twenty in a row. */
#define BRACKET_TRIES 20
/* Three standard errors, as the probe states its own fits (docs/calibration.md). */
#define FIT_SIGMAS 3.0

struct stamp {
	double tsc;     /* midpoint of the two TSC reads around the clock reads */
	double raw_ns;  /* CLOCK_MONOTONIC_RAW */
	double mono_ns; /* CLOCK_MONOTONIC, read right after */
	double half_width_ticks;
};

static volatile sig_atomic_t stop_requested;

static void stop_on_signal(int signal_number)
{
	(void)signal_number;
	stop_requested = 1;
}

static double clock_ns(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The narrowest of BRACKET_TRIES brackets: both clocks read between two TSC reads. */
static struct stamp stamp_take(void)
{
	struct stamp best = {0, 0, 0, 0};
	uint64_t best_width = UINT64_MAX;
	for (int i = 0; i < BRACKET_TRIES; i++) {
		uint64_t before = __rdtsc();
		double raw_ns = clock_ns(CLOCK_MONOTONIC_RAW);
		double mono_ns = clock_ns(CLOCK_MONOTONIC);
		uint64_t after = __rdtsc();
		if (after >= before && after - before < best_width) {
			best_width = after - before;
			best = (struct stamp){(double)before + (double)(after - before) / 2, raw_ns, mono_ns,
					      (double)(after - before) / 2};
		}
	}
	return best;
}

/* Least-squares slope of TSC ticks per ns of CLOCK_MONOTONIC_RAW, and its standard error. */
static void fit_slope(const struct stamp *s, int n, double *slope, double *standard_error)
{
	double mean_x = 0, mean_y = 0, sxx = 0, sxy = 0, residuals = 0;
	for (int i = 0; i < n; i++) {
		mean_x += s[i].raw_ns - s[0].raw_ns;
		mean_y += s[i].tsc - s[0].tsc;
	}
	mean_x /= n;
	mean_y /= n;
	for (int i = 0; i < n; i++) {
		double x = s[i].raw_ns - s[0].raw_ns - mean_x, y = s[i].tsc - s[0].tsc - mean_y;
		sxx += x * x;
		sxy += x * y;
	}
	*slope = sxy / sxx;
	for (int i = 0; i < n; i++) {
		double x = s[i].raw_ns - s[0].raw_ns - mean_x, y = s[i].tsc - s[0].tsc - mean_y;
		residuals += (y - *slope * x) * (y - *slope * x);
	}
	*standard_error = n > 2 ? sqrt(residuals / (n - 2) / sxx) : 0;
}

/* TSC ticks per ns of CLOCK_MONOTONIC_RAW between stamps a and b. */
static double rate_between(const struct stamp *a, const struct stamp *b)
{
	return (b->tsc - a->tsc) / (b->raw_ns - a->raw_ns);
}

static struct stamp stamps[MAX_STAMPS];

int main(void)
{
	struct sigaction action;
	memset(&action, 0, sizeof(action));
	action.sa_handler = stop_on_signal; /* no SA_RESTART: the signal ends the sleep at once */
	sigaction(SIGTERM, &action, NULL);
	sigaction(SIGINT, &action, NULL);

	int n = 0;
	stamps[n++] = stamp_take();
	while (!stop_requested) {
		struct timespec pause = {0, STAMP_INTERVAL_NS};
		if (nanosleep(&pause, NULL) && errno != EINTR)
			break;
		stamps[n < MAX_STAMPS ? n++ : MAX_STAMPS - 1] = stamp_take();
	}
	if (n < 3 || stamps[n - 1].raw_ns <= stamps[0].raw_ns || stamps[n - 1].tsc <= stamps[0].tsc) {
		fprintf(stderr, "host-tsc-truth: too short a run, or the TSC or CLOCK_MONOTONIC_RAW did not advance\n");
		return 1;
	}

	const struct stamp *first = &stamps[0], *last = &stamps[n - 1], *middle = &stamps[n / 2];
	double span_ns = last->raw_ns - first->raw_ns;
	double ends_hz = rate_between(first, last) * 1e9;
	double slope, standard_error;
	fit_slope(stamps, n, &slope, &standard_error);
	double fit_hz = slope * 1e9;
	/* Where inside their brackets the two end stamps fell, as a share of the span. */
	double bracket_ppm = (first->half_width_ticks + last->half_width_ticks) / (ends_hz * span_ns / 1e9) * 1e6;
	double fit_ppm = FIT_SIGMAS * standard_error / slope * 1e6;
	/* A TSC that changed rate during the run: the two halves' rates apart. */
	double halves_ppm = (rate_between(middle, last) / rate_between(first, middle) - 1) * 1e6;
	double uncertainty_ppm = sqrt(bracket_ppm * bracket_ppm + fit_ppm * fit_ppm + halves_ppm * halves_ppm);
	double mono_vs_raw_ppm = ((last->mono_ns - first->mono_ns) / span_ns - 1) * 1e6;

	printf("{\"clock\": \"CLOCK_MONOTONIC_RAW\", \"tsc_hz\": %.3f, \"ends_hz\": %.3f, \"uncertainty_ppm\": %.6f, "
	       "\"bracket_ppm\": %.6f, \"fit_ppm\": %.6f, \"halves_ppm\": %.6f, \"span_s\": %.3f, \"stamps\": %d, "
	       "\"monotonic_vs_raw_ppm\": %.6f}\n",
	       fit_hz, ends_hz, uncertainty_ppm, bracket_ppm, fit_ppm, halves_ppm, span_ns / 1e9, n, mono_vs_raw_ppm);
	return 0;
}
