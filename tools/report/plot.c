/* What `tscprobe plot` draws: a drift watch's CSV read strictly, then drawn as SVG that needs nothing but itself. */
#include "plot.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_input.h"
#include "svg.h"

#define ERROR_BYTES 512
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char header_start[] = "elapsed_s,";
static const char column_suffix[] = "_offset_s";
/* A field is quoted in a message up to this many characters, so the error stays one readable line. */
#define QUOTED_CHARS 40
/* The longest number worth reading: the watch writes at most a dozen digits. */
#define NUMBER_BYTES 64
/* No watch comes near it (nine digits of hours are 3.6e12 s); beyond it the tick arithmetic loses its footing. */
#define PLOT_MAX_MAGNITUDE 1e15

/* ---- reading the CSV ------------------------------------------------------------------------- */

struct csv_reader {
	const char *source;
	unsigned line;
	char *error;
	size_t error_size;
};

/* Record "source:line: message" and return -1. */
static int csv_fail(struct csv_reader *rd, const char *format, ...) __attribute__((format(printf, 2, 3)));
static int csv_fail(struct csv_reader *rd, const char *format, ...)
{
	char message[ERROR_BYTES / 2];
	va_list args;

	va_start(args, format);
	vsnprintf(message, sizeof(message), format, args);
	va_end(args);
	snprintf(rd->error, rd->error_size, "%s:%u: %s", rd->source, rd->line, message);
	return -1;
}

/* The next comma-separated field of [*p, end); *p becomes NULL after the last one. */
static bool next_field(const char **p, const char *end, const char **field, size_t *length)
{
	const char *comma;

	if (!*p)
		return false;
	comma = memchr(*p, ',', (size_t)(end - *p));
	*field = *p;
	*length = (size_t)((comma ? comma : end) - *p);
	*p = comma ? comma + 1 : NULL;
	return true;
}

static int parse_header(struct csv_reader *rd, const char *line, size_t length, struct watch_csv *csv)
{
	const size_t suffix = sizeof(column_suffix) - 1, start = sizeof(header_start) - 1;
	const char *p = line + start, *field;
	size_t n;

	if (length < start || memcmp(line, header_start, start))
		return csv_fail(rd, "not a drift watch CSV: the header must start with %s (it starts \"%.*s\")",
				header_start, (int)(length < QUOTED_CHARS ? length : QUOTED_CHARS), line);
	for (unsigned column = 2; next_field(&p, line + length, &field, &n); column++) {
		if (n < suffix || memcmp(field + n - suffix, column_suffix, suffix))
			return csv_fail(rd, "column %u, \"%.*s\": not a <series>%s column", column,
					(int)(n < QUOTED_CHARS ? n : QUOTED_CHARS), field, column_suffix);
		size_t name = n - suffix;
		if (name == 0)
			return csv_fail(rd, "column %u: no series name before %s", column, column_suffix);
		if (name >= sizeof(csv->names[0]))
			return csv_fail(rd,
					"column %u: a series name of %zu characters, more than the %zu this tool holds",
					column, name, sizeof(csv->names[0]) - 1);
		if (csv->series_count == WATCH_MAX_SERIES)
			return csv_fail(rd, "more than the %d series a drift watch writes", WATCH_MAX_SERIES);
		for (unsigned k = 0; k < csv->series_count; k++)
			if (strlen(csv->names[k]) == name && !memcmp(csv->names[k], field, name))
				return csv_fail(rd, "column %u: series \"%s\" again (first in column %u)", column,
						csv->names[k], k + 2);
		memcpy(csv->names[csv->series_count], field, name);
		csv->names[csv->series_count++][name] = '\0';
	}
	return 0;
}

/* One field as a finite number; column 0 is elapsed_s, column k the k-th series. */
static int parse_number(struct csv_reader *rd, const struct watch_csv *csv, unsigned column, const char *field,
			size_t n, double *value)
{
	char text[NUMBER_BYTES], range[48], *end = NULL;
	const char *problem = "not a number";

	if (n > 0 && n < sizeof(text) && !isspace((unsigned char)field[0])) {
		memcpy(text, field, n);
		text[n] = '\0';
		*value = strtod(text, &end);
	}
	if (end == text + n && isfinite(*value) && fabs(*value) <= PLOT_MAX_MAGNITUDE)
		return 0;
	if (end == text + n && !isfinite(*value)) {
		problem = "not a finite number";
	} else if (end == text + n) {
		snprintf(range, sizeof(range), "out of range (beyond +/-%g)", PLOT_MAX_MAGNITUDE);
		problem = range;
	}
	return csv_fail(rd, "column %u (%s%s): \"%.*s\" is %s", column + 1,
			column ? csv->names[column - 1] : "elapsed_s", column ? column_suffix : "",
			(int)(n < QUOTED_CHARS ? n : QUOTED_CHARS), field, problem);
}

static int append_row(struct csv_reader *rd, struct watch_csv *csv, const double *row, size_t *capacity)
{
	size_t width = 1 + csv->series_count;

	if (csv->rows == *capacity) {
		size_t more = *capacity ? *capacity * 2 : 256;
		double *values = realloc(csv->values, more * width * sizeof(double));
		if (!values)
			return csv_fail(rd, "out of memory after %zu rows", csv->rows);
		csv->values = values;
		*capacity = more;
	}
	memcpy(csv->values + csv->rows++ * width, row, width * sizeof(double));
	return 0;
}

static int parse_row(struct csv_reader *rd, const char *line, size_t length, struct watch_csv *csv, size_t *capacity)
{
	size_t expected = 1 + csv->series_count, fields = 1, n;
	double row[1 + WATCH_MAX_SERIES];
	const char *p = line, *field;

	for (size_t i = 0; i < length; i++)
		fields += line[i] == ',';
	if (fields != expected)
		return csv_fail(rd, "%zu field%s, expected %zu as in the header", fields, fields == 1 ? "" : "s",
				expected);
	for (unsigned column = 0; next_field(&p, line + length, &field, &n); column++)
		if (parse_number(rd, csv, column, field, n, &row[column]))
			return -1;
	/* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult): next_field gives at least one field */
	if (csv->rows && !(row[0] > csv->values[(csv->rows - 1) * expected]))
		return csv_fail(rd, "elapsed_s %.9g is not after the previous row's %.9g", row[0],
				csv->values[(csv->rows - 1) * expected]);
	return append_row(rd, csv, row, capacity);
}

int watch_csv_parse(const char *text, size_t length, const char *source, struct watch_csv *csv, char *error,
		    size_t error_size)
{
	struct csv_reader rd = {source, 0, error, error_size};
	const char *p = text, *end = text + length;
	size_t capacity = 0;
	int status = 0;

	*csv = (struct watch_csv){0};
	/* Lines end in \n, or \r\n where a Windows tool saved the file; the last may lack its end. */
	while (!status && p < end) {
		const char *newline = memchr(p, '\n', (size_t)(end - p)), *line = p;
		size_t n = (size_t)((newline ? newline : end) - p);

		p = newline ? newline + 1 : end;
		rd.line++;
		if (n && line[n - 1] == '\r')
			n--;
		if (memchr(line, '\0', n))
			status = csv_fail(&rd, "a NUL byte: binary data, not a CSV");
		else
			status = rd.line == 1 ? parse_header(&rd, line, n, csv)
					      : parse_row(&rd, line, n, csv, &capacity);
	}
	if (!status && csv->rows == 0) {
		rd.line++; /* where the header or the first sample should be */
		status = csv_fail(&rd, "%s",
				  rd.line == 1 ? "empty, not a drift watch CSV" : "no samples after the header");
	}
	if (status)
		watch_csv_free(csv);
	return status;
}

int watch_csv_read_file(const char *path, struct watch_csv *csv, char *error, size_t error_size)
{
	size_t length;
	char *text;

	*csv = (struct watch_csv){0};
	if (host_input_read(path, HOST_INPUT_MAX_BYTES, &text, &length, error, error_size))
		return -1;
	int status = watch_csv_parse(text, length, path, csv, error, error_size);
	free(text);
	return status;
}

void watch_csv_free(struct watch_csv *csv)
{
	free(csv->values);
	*csv = (struct watch_csv){0};
}

int plot_choose_series(const struct watch_csv *csv, const char *list, struct plot_settings *settings, char *error,
		       size_t error_size)
{
	const char *p = list, *field;
	size_t n;

	settings->count = 0;
	if (!list) {
		for (unsigned k = 0; k < csv->series_count; k++)
			settings->series[settings->count++] = k;
		return 0;
	}
	while (next_field(&p, list + strlen(list), &field, &n)) {
		unsigned k = 0, i = 0;

		while (k < csv->series_count && !(strlen(csv->names[k]) == n && !memcmp(csv->names[k], field, n)))
			k++;
		for (; i < settings->count && settings->series[i] != k; i++)
			;
		if (k < csv->series_count && i == settings->count) {
			settings->series[settings->count++] = k;
			continue;
		}
		if (k < csv->series_count) {
			snprintf(error, error_size, "--series: \"%s\" named twice", csv->names[k]);
			return -1;
		}
		char names[ERROR_BYTES / 2] = "";
		for (unsigned j = 0; j < csv->series_count; j++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", j ? ", " : "",
				 csv->names[j]);
		snprintf(error, error_size, "--series: no series \"%.*s\" (the watch has %s)",
			 (int)(n < QUOTED_CHARS ? n : QUOTED_CHARS), field, names);
		return -1;
	}
	return 0;
}

/* ---- drawing --------------------------------------------------------------------------------- */

/* The canvas: the plot area, room left and below for tick labels and axis titles, the legend on the right. */
#define SVG_WIDTH 960
#define PLOT_LEFT 84
#define PLOT_RIGHT 664
#define PLOT_TOP 52
#define PLOT_BOTTOM_MARGIN 56
#define PLOT_MIN_HEIGHT 480
#define LEGEND_LEFT 688
#define LEGEND_ROW 36 /* the series' name, then its final offset */
/* About this many ticks on each axis: steps of 1, 2 or 5 times a power of ten. */
#define TARGET_TICKS 6
/* Tick marks outside the plot area, and the gap from them to their labels. */
#define TICK_PX 5
/* An axis spans at least this much of its unit (the smallest unit is the nanosecond). */
#define AXIS_MIN_SPAN 1e-3
/* Elapsed time fills the width; offsets get room above and below, so no line runs along the frame. */
#define ELAPSED_MARGIN 0.0
#define OFFSET_MARGIN 0.04

struct unit {
	double seconds;
	const char *name;
};

/* Offsets in the largest unit below their magnitude; elapsed time in minutes from 10 min, in hours from 10 h. */
static const struct unit offset_units[] = {{1, "s"}, {1e-3, "ms"}, {1e-6, "µs"}, {1e-9, "ns"}};
static const struct unit elapsed_units[] = {{3600, "h"}, {60, "min"}, {1, "s"}};
#define OFFSET_UNIT_FROM 1.0
#define ELAPSED_UNIT_FROM 10.0

static const struct unit *pick_unit(const struct unit *units, size_t count, double magnitude, double from)
{
	size_t i = 0;
	while (i + 1 < count && magnitude < from * units[i].seconds)
		i++;
	return &units[i];
}

/* An axis over [lo, hi] with zero, in seconds, shown in a unit, with ticks inside it, drawn from from_px to to_px. */
struct axis {
	const struct unit *unit;
	double lo, hi;     /* in the unit */
	double step;       /* between ticks, in the unit */
	long first, count; /* ticks at (first + i) * step, i < count */
	int decimals;      /* of a tick label */
	double from_px, to_px;
};

/* margin: room beyond the data, as a share of its span on each side. */
static struct axis make_axis(double lo, double hi, double margin, const struct unit *units, size_t unit_count,
			     double unit_from, double from_px, double to_px)
{
	struct axis a = {.from_px = from_px, .to_px = to_px};
	lo = fmin(lo, 0);
	hi = fmax(hi, 0);
	a.unit = pick_unit(units, unit_count, fmax(-lo, hi), unit_from);
	lo /= a.unit->seconds;
	hi /= a.unit->seconds;
	if (hi - lo < AXIS_MIN_SPAN)
		hi = lo + 1; /* all zero, or under a picosecond: one unit, the line on the axis */
	a.lo = lo - (hi - lo) * margin;
	a.hi = hi + (hi - lo) * margin;
	double raw = (a.hi - a.lo) / TARGET_TICKS, magnitude = pow(10, floor(log10(raw))), r = raw / magnitude;
	a.step = (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * magnitude;
	a.first = (long)ceil(a.lo / a.step);
	a.count = (long)floor(a.hi / a.step) - a.first + 1;
	a.decimals = a.step >= 1 ? 0 : (int)ceil(-log10(a.step) - 1e-9);
	return a;
}

/* Where a value in seconds lies on the axis, in pixels. */
static double axis_px(const struct axis *a, double seconds)
{
	return a->from_px + (seconds / a->unit->seconds - a->lo) / (a->hi - a->lo) * (a->to_px - a->from_px);
}

/* Series colours after Okabe and Ito, light and dark; the viewer's prefers-color-scheme picks. */
static const struct svg_colour palette[] = {
	{".c0", "stroke", "#0072b2", "#58a6ff"}, {".c1", "stroke", "#d55e00", "#ff7b39"},
	{".c2", "stroke", "#009e73", "#3fb950"}, {".c3", "stroke", "#cc79a7", "#f0a0d0"},
	{".c4", "stroke", "#e69f00", "#ffb84d"}, {".c5", "stroke", "#56b4e9", "#9fd8ff"},
	{".c6", "stroke", "#7b3294", "#c297ff"}, {".c7", "stroke", "#8c510a", "#d29b62"},
	{".c8", "stroke", "#525252", "#b0b0b0"}, {".c9", "stroke", "#b8a400", "#e3d44e"},
};

static void write_colours(struct sink *out)
{
	struct svg_colour colours[SVG_THEME_COUNT + ARRAY_SIZE(palette)];

	memcpy(colours, svg_theme, sizeof(svg_theme));
	memcpy(colours + SVG_THEME_COUNT, palette, sizeof(palette));
	svg_write_colours(out, colours, ARRAY_SIZE(colours), "(prefers-color-scheme: dark)");
}

static void write_head(struct sink *out, const struct plot_settings *settings, int height)
{
	sink_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	sink_printf(out,
		    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		    "role=\"img\" aria-labelledby=\"plot-title\">\n<title id=\"plot-title\">",
		    SVG_WIDTH, height, SVG_WIDTH, height);
	svg_write_text(out, settings->title);
	sink_puts(
		out,
		"</title>\n<style>\ntext{font-family:sans-serif;font-size:12px}.title{font-size:15px;font-weight:bold}"
		".note{font-size:11px}.axis,.grid,.zero{stroke-width:1}"
		".series{fill:none;stroke-width:1.5;stroke-linejoin:round;stroke-linecap:round}"
		".dashed{stroke-dasharray:6 3}\n");
	write_colours(out);
	sink_puts(out, "</style>\n");
	sink_printf(out, "<rect class=\"bg\" width=\"%d\" height=\"%d\"/>\n", SVG_WIDTH, height);
	sink_printf(out, "<text class=\"title\" x=\"%d\" y=\"%d\">", PLOT_LEFT, PLOT_TOP - 22);
	svg_write_text(out, settings->title);
	sink_puts(out, "</text>\n");
}

/* Grid lines, tick marks and labels of one axis; the grid line at zero stands out. */
static void write_ticks(struct sink *out, const struct axis *a, bool vertical, double across_from, double across_to)
{
	for (long i = 0; i < a->count; i++) {
		double value = (a->first + i) * a->step;
		double at = axis_px(a, value * a->unit->seconds);
		const char *grid = a->first + i == 0 ? "zero" : "grid";

		if (vertical) {
			sink_printf(out, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", grid,
				    at, across_from, at, across_to);
			sink_printf(out, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", at,
				    across_from, at, across_from + TICK_PX);
			sink_printf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", at,
				    across_from + TICK_PX + 14);
		} else {
			sink_printf(out, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", grid,
				    across_from, at, across_to, at);
			sink_printf(out, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
				    across_from - TICK_PX, at, across_from, at);
			sink_printf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", across_from - TICK_PX - 3,
				    at + 4);
		}
		svg_write_number(out, value, a->decimals);
		sink_puts(out, "</text>\n");
	}
}

static void write_axes(struct sink *out, const struct axis *x, const struct axis *y)
{
	double bottom = y->from_px;

	write_ticks(out, x, true, bottom, PLOT_TOP);
	write_ticks(out, y, false, PLOT_LEFT, PLOT_RIGHT);
	sink_printf(out, "<line class=\"axis\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", PLOT_LEFT, bottom,
		    PLOT_RIGHT, bottom);
	sink_printf(out, "<line class=\"axis\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%d\"/>\n", PLOT_LEFT, bottom,
		    PLOT_LEFT, PLOT_TOP);
	sink_printf(out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\">elapsed time by the reference (%s)</text>\n",
		    (PLOT_LEFT + PLOT_RIGHT) / 2, bottom + 44, x->unit->name);
	sink_printf(
		out,
		"<text transform=\"translate(18 %.1f) rotate(-90)\" text-anchor=\"middle\">offset from the reference "
		"(%s)</text>\n",
		(PLOT_TOP + bottom) / 2, y->unit->name);
}

static double sample(const struct watch_csv *csv, size_t row, unsigned column)
{
	/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference): a watch_csv has at least one row (plot.h) */
	return csv->values[row * (1 + csv->series_count) + column];
}

/*
 * Each row's point; where rows outnumber the pixel columns, only the lowest and highest of each
 * column, in their order: the same picture, spikes kept, in a file that stays small for any length of watch.
 */
static void write_points(struct sink *out, const struct watch_csv *csv, unsigned column, const struct axis *x,
			 const struct axis *y)
{
	for (size_t first = 0, next; first < csv->rows; first = next) {
		double pixel = floor(axis_px(x, sample(csv, first, 0)));
		size_t low = first, high = first;

		for (next = first + 1; next < csv->rows && floor(axis_px(x, sample(csv, next, 0))) == pixel; next++) {
			low = sample(csv, next, column) < sample(csv, low, column) ? next : low;
			high = sample(csv, next, column) > sample(csv, high, column) ? next : high;
		}
		size_t ends[2] = {low < high ? low : high, low < high ? high : low};
		for (size_t e = 0; e < (low == high ? 1u : 2u); e++)
			sink_printf(out, "%.1f,%.1f ", axis_px(x, sample(csv, ends[e], 0)),
				    axis_px(y, sample(csv, ends[e], column)));
	}
}

/* An offset in the largest unit below it, to four digits, for the legend. */
static void write_offset(struct sink *out, double seconds)
{
	const struct unit *unit = pick_unit(offset_units, ARRAY_SIZE(offset_units), fabs(seconds), OFFSET_UNIT_FROM);
	double value = seconds / unit->seconds;
	int decimals = value == 0 ? 0 : 3 - (int)floor(log10(fabs(value)));

	sink_puts(out, seconds > 0 ? "+" : "");
	svg_write_number(out, value, decimals < 0 ? 0 : decimals > 3 ? 3 : decimals);
	sink_printf(out, " %s", unit->name);
}

static void write_series(struct sink *out, const struct watch_csv *csv, const struct plot_settings *settings,
			 const struct axis *x, const struct axis *y)
{
	for (unsigned i = 0; i < settings->count; i++) {
		unsigned k = settings->series[i];
		const char *dashed = i >= ARRAY_SIZE(palette) ? " dashed" : "";
		double row_y = PLOT_TOP + i * LEGEND_ROW;

		sink_printf(out, "<polyline class=\"series c%zu%s\" points=\"", i % ARRAY_SIZE(palette), dashed);
		write_points(out, csv, k + 1, x, y);
		sink_puts(out, "\"><title>");
		svg_write_text(out, csv->names[k]);
		sink_puts(out, "</title></polyline>\n");

		sink_printf(out, "<line class=\"series c%zu%s\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>",
			    i % ARRAY_SIZE(palette), dashed, LEGEND_LEFT, row_y + 8, LEGEND_LEFT + 24, row_y + 8);
		sink_printf(out, "<text x=\"%d\" y=\"%.1f\">", LEGEND_LEFT + 32, row_y + 12);
		svg_write_text(out, csv->names[k]);
		sink_printf(out, "</text><text class=\"note\" x=\"%d\" y=\"%.1f\">final offset ", LEGEND_LEFT + 32,
			    row_y + 27);
		write_offset(out, sample(csv, csv->rows - 1, k + 1));
		sink_puts(out, "</text>\n");
	}
}

void plot_write_svg(const struct watch_csv *csv, const struct plot_settings *settings, struct sink *out)
{
	int height = PLOT_TOP + (int)settings->count * LEGEND_ROW + PLOT_BOTTOM_MARGIN;
	double lo = 0, hi = 0;

	height = height > PLOT_MIN_HEIGHT ? height : PLOT_MIN_HEIGHT;
	for (size_t r = 0; r < csv->rows; r++)
		for (unsigned i = 0; i < settings->count; i++) {
			lo = fmin(lo, sample(csv, r, settings->series[i] + 1));
			hi = fmax(hi, sample(csv, r, settings->series[i] + 1));
		}
	struct axis x = make_axis(sample(csv, 0, 0), sample(csv, csv->rows - 1, 0), ELAPSED_MARGIN, elapsed_units,
				  ARRAY_SIZE(elapsed_units), ELAPSED_UNIT_FROM, PLOT_LEFT, PLOT_RIGHT);
	struct axis y = make_axis(lo, hi, OFFSET_MARGIN, offset_units, ARRAY_SIZE(offset_units), OFFSET_UNIT_FROM,
				  height - PLOT_BOTTOM_MARGIN, PLOT_TOP);

	write_head(out, settings, height);
	write_axes(out, &x, &y);
	write_series(out, csv, settings, &x, &y);
	sink_puts(out, "</svg>\n");
}
