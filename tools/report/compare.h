/* `tscprobe compare`: many reports as one table (rows of figures, a column per report) and its renderers. */
#ifndef TSCPROBE_COMPARE_H
#define TSCPROBE_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "report.h"
#include "sink.h"

#define COMPARE_LABEL_BYTES 96
#define COMPARE_NOTE_BYTES 320
#define COMPARE_CELL_BYTES (sizeof(((struct verdict *)0)->fix) + 32) /* a fix, and a note, fit whole */
/* What the text renderer wraps to when neither --width nor the terminal says. */
#define COMPARE_DEFAULT_WIDTH 100
/* The band of the claims chart: core/verdict.c fails a claim further than this from the measured TSC. */
#define COMPARE_BAND_PPM 500.0

/* ---- one input: a report read from a file, with what the reader noticed ---------------------- */

struct compare_input {
	const char *path;                /* as given */
	char label[COMPARE_LABEL_BYTES]; /* --label, else made by compare_label_inputs */
	bool labelled;                   /* the label came from --label */
	struct report report;            /* the model, as report_read fills it */
	unsigned schema_version;         /* N of tscprobe/N */
	bool from_serial_log;            /* the report was taken out of a serial capture */
	char *canonical;                 /* the JSON with sorted keys, to know identical reports */
	char note[COMPARE_NOTE_BYTES];   /* what the reader noticed: schema, sections missing, duplicates */
};

/*
 * Read one file: a JSON report, or a serial capture (it holds the BEGIN marker line) from which the
 * last complete report is taken. Any schema tscprobe/N is read; another N than this tool's gives a
 * note, and so does a report that stopped early (no measurements, idle experiments or verdicts).
 * 0, or -1 with "PATH: what is wrong" in error. Free with compare_input_free.
 */
int compare_input_read(const char *path, struct compare_input *in, char *error, size_t error_size);
/* The same from text of length bytes (NUL-terminated after them), read from path. */
int compare_input_parse(const char *path, const char *text, size_t length, struct compare_input *in, char *error,
			size_t error_size);
void compare_input_free(struct compare_input *in);

/* Among inputs[0..count), the one with the same report as *candidate (same file or same JSON): its index, or -1. */
int compare_find_same(const struct compare_input *inputs, unsigned count, const struct compare_input *candidate);

/*
 * Give every input without --label a label: the hypervisor's name (first base), its version where
 * CPUID says it (Hyper-V), and the file's name. Equal labels are told apart by their paths, then by
 * a number.
 */
void compare_label_inputs(struct compare_input *inputs, unsigned count);

/* ---- the table --------------------------------------------------------------------------------- */

/* Row groups, in the table's order. */
enum compare_group {
	GROUP_IDENTITY,
	GROUP_FEATURES,
	GROUP_CLAIMS,
	GROUP_MEASURED,
	GROUP_CLAIM_ERRORS,
	GROUP_IDLE,
	GROUP_VERDICTS,
	GROUP_COUNT
};
const char *compare_group_title(enum compare_group group);

/* Rows the charts draw: a claim's error against the measured TSC, or the TSC lost in an idle state. */
enum compare_chart { CHART_NONE, CHART_CLAIMS, CHART_IDLE };

enum cell_kind { CELL_MISSING, CELL_NUMBER, CELL_TEXT };
#define COMPARE_MISSING "—" /* how every renderer shows a CELL_MISSING */
#define CELL_NO_SEVERITY (-1)

struct compare_cell {
	enum cell_kind kind;
	char text[COMPARE_CELL_BYTES]; /* a number as shown (fixed decimals per row), or text without control bytes */
	double value;                  /* CELL_NUMBER */
	int severity;                  /* enum severity where the figure is judged, else CELL_NO_SEVERITY */
	char detail[sizeof(((struct verdict *)0)->message)]; /* a verdict's words, for a tooltip */
};

struct compare_row {
	enum compare_group group;
	enum compare_chart chart;
	char key[64];               /* what matches a row across reports: "claim.kvmclock", "tsc.acpi_pm" */
	char subject[64];           /* what the chart calls it: "KVM kvmclock (pvclock scale)", "hlt C1" */
	char label[112];            /* the row's heading, without its unit */
	char unit[16];              /* "MHz", "ppm", "s/day", or "" */
	struct compare_cell *cells; /* one per column */
};

struct compare_table {
	unsigned column_count;
	const struct compare_input *columns; /* the inputs, in order */
	unsigned row_count, row_capacity;
	struct compare_row *rows;
};

/* Rows from the inputs: a row where at least one report has a figure, CELL_MISSING elsewhere. 0, or -1 out of memory. */
int compare_build(const struct compare_input *inputs, unsigned count, struct compare_table *table);
void compare_table_free(struct compare_table *table);

/* ---- renderers (pure: the table in, text out) ------------------------------------------------- */

enum compare_format { FORMAT_TEXT, FORMAT_MARKDOWN, FORMAT_CSV, FORMAT_HTML, FORMAT_SVG };
/* "text", "md", "csv", "html", "svg"; false for another name. */
bool compare_format_parse(const char *name, enum compare_format *format);

/* Aligned columns within `width` characters: long cells wrap, columns that do not fit go to a further block. */
void compare_write_text(const struct compare_table *table, unsigned width, struct sink *out);
/* A GitHub-flavoured Markdown table with the report's strings escaped. */
void compare_write_markdown(const struct compare_table *table, struct sink *out);
/* RFC 4180 CSV: group, row, unit, then a column per report; missing cells empty. */
void compare_write_csv(const struct compare_table *table, struct sink *out);
/* One self-contained HTML page: notes, the table, the charts; light, dark and print styles. */
void compare_write_html(const struct compare_table *table, const char *title, struct sink *out);
/* The charts alone as one SVG document (the README's picture). */
void compare_write_svg(const struct compare_table *table, const char *title, struct sink *out);

#endif
