/* Drift watch: keep measuring every clock and every claim against the reference for minutes or hours. */
#ifndef TSCPROBE_WATCH_H
#define TSCPROBE_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "sink.h"

#define WATCH_MAX_SERIES 20
/* Samples kept per series; a longer run keeps every second one, then every fourth... (bounded memory). */
#define WATCH_MAX_SAMPLES 2048
#define WATCH_DEFAULT_INTERVAL_S 10.0

struct watch_report;

struct watch_settings {
	double duration_s; /* 0: no watch */
	double interval_s;
	bool busy; /* busy-wait between samples instead of HLT (to compare) */
	/* Asked between samples; a key press ends the watch early. May be NULL. */
	bool (*stop_requested)(void *ctx);
	void *stop_ctx;
	/* Told each sample: the series with their offsets and drift so far, and one line for serial and logs. */
	void (*sample)(void *ctx, const struct watch_report *live, double elapsed_s, const char *line);
	void *sample_ctx;
	struct sink *csv; /* the time series; NULL for none */
};

/* One clock or one claim over the run: its offset from the reference, fitted. */
struct watch_series {
	char name[48];  /* "tsc", a reference's name, or "claim.<source>.<where>" */
	char label[48]; /* human name */
	bool is_claim;
	double final_offset_s;
	double drift_ppm, uncertainty_ppm;
	double predicted_ppm;              /* what the short calibration (or the claim against it) predicted */
	double prediction_uncertainty_ppm; /* the short calibration's own uncertainty in that prediction */
	bool rate_changed;
	double change_at_s, rate_before_ppm, rate_after_ppm;
};

struct watch_report {
	bool ran, stopped_early;
	double duration_s, interval_s;
	bool busy;
	char reference[16];
	unsigned samples;
	unsigned series_count;
	struct watch_series series[WATCH_MAX_SERIES];
};

/* The offsets of every series at each kept sample; the caller provides it (large). */
struct watch_workspace {
	unsigned kept, stride, seen;
	double t[WATCH_MAX_SAMPLES];
	double offset[WATCH_MAX_SERIES][WATCH_MAX_SAMPLES];
};

/* Parse "300", "300s", "5m", "2h" into seconds; false when it is none of those. */
bool watch_parse_duration(const char *text, double *seconds);

#endif
