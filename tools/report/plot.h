/* `tscprobe plot`: a drift watch's CSV as one self-contained SVG line chart of every series' offset over time. */
#ifndef TSCPROBE_PLOT_H
#define TSCPROBE_PLOT_H

#include <stddef.h>

#include "sink.h"
#include "watch.h"

/* A watch's time series as core/watch.c writes it: a header `elapsed_s,<series>_offset_s,...`, a row per sample. */
struct watch_csv {
	unsigned series_count;
	char names[WATCH_MAX_SERIES][sizeof(((struct watch_series *)0)->name)]; /* "tsc", "claim.kvmclock.4b564d01" */
	size_t rows;
	double *values; /* rows x (1 + series_count): elapsed_s, then each series' offset, in seconds */
};

/*
 * Parse `length` bytes of CSV. 0, or -1 with "SOURCE:LINE: what is wrong" in error and *csv empty.
 * Refused: a header that does not start `elapsed_s,` or names a column that is not `<series>_offset_s`
 * (or a name twice, or more than WATCH_MAX_SERIES), a row with another number of fields, a field
 * that is not a finite number within +/-1e15, an elapsed_s that does not increase, no rows at all.
 */
int watch_csv_parse(const char *text, size_t length, const char *source, struct watch_csv *csv, char *error,
		    size_t error_size);

/* The same from a file; errors start with the path. */
int watch_csv_read_file(const char *path, struct watch_csv *csv, char *error, size_t error_size);

void watch_csv_free(struct watch_csv *csv);

struct plot_settings {
	const char *title;
	unsigned count;                    /* series drawn, in this order */
	unsigned series[WATCH_MAX_SERIES]; /* indexes into watch_csv.names */
};

/* The series named in a comma-separated list, or every series for NULL. 0, or -1 with the reason in error. */
int plot_choose_series(const struct watch_csv *csv, const char *list, struct plot_settings *settings, char *error,
		       size_t error_size);

/* The chart: offsets against elapsed time, axes with ticks and units, a legend with each final offset.
 * csv is as watch_csv_parse or watch_csv_read_file gives it, with at least one row. */
void plot_write_svg(const struct watch_csv *csv, const struct plot_settings *settings, struct sink *out);

#endif
