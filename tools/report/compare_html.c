/* The compare table as one self-contained HTML page with SVG bar charts, and the charts alone as SVG. */
#include "compare.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "svg.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Chart geometry, in pixels: item labels on the left, bars in the middle, each value as text on the right. */
#define CHART_WIDTH 1000
#define CHART_LEFT 290
#define CHART_RIGHT 860
#define CHART_VALUE_X 872
#define CHART_TOP 58
#define CHART_GROUP_PX 24 /* a report's name above its bars */
#define CHART_ITEM_PX 20
#define CHART_BAR_PX 12
#define CHART_BOTTOM_PX 64 /* tick labels and the axis title */
/* Symmetric log scale: linear within one ppm of zero, a decade per step beyond (so 3 ppm and 2.3 % both read). */
#define SYMLOG_LINEAR_PPM 1.0
/* The axis spans at least +/-1000 ppm (the band shows) and at most +/-100 % (a stopped TSC); beyond is clipped. */
#define SYMLOG_MIN_DECADE 3
#define SYMLOG_MAX_DECADE 6
#define PPM_PER_PERCENT 1e4

/* The page and the charts share these colours; the dark ones are for screens only, so print stays light. */
#define DARK_MEDIA "screen and (prefers-color-scheme: dark)"
static const struct svg_colour chart_colours[] = {
	{".sev-pass", "fill", "#1a7f37", "#3fb950"}, {".sev-warn", "fill", "#bf8700", "#d29922"},
	{".sev-fail", "fill", "#cf222e", "#f85149"}, {".sev-info", "fill", "#0969da", "#58a6ff"},
	{".band", "fill", "#fff8c5", "#3b2e00"},     {".clip", "stroke", "#1f2328", "#e6edf3"},
};

/* ---- the charts --------------------------------------------------------------------------------- */

struct chart {
	enum compare_chart kind;
	const char *title, *axis_title;
	double band_ppm; /* 0: none */
	int decade;      /* the axis spans +/-10^decade ppm */
	unsigned groups, items;
	int height;
};

static double symlog(double ppm)
{
	return copysign(log10(1 + fabs(ppm) / SYMLOG_LINEAR_PPM), ppm);
}

static double chart_x(const struct chart *c, double ppm)
{
	double limit = symlog(pow(10, c->decade));
	double t = fmax(-limit, fmin(limit, symlog(ppm)));
	return CHART_LEFT + (t + limit) / (2 * limit) * (CHART_RIGHT - CHART_LEFT);
}

/* Count what the chart draws and choose its scale: the decade at or above the largest value. */
static struct chart plan_chart(const struct compare_table *t, enum compare_chart kind)
{
	struct chart c = {.kind = kind, .decade = SYMLOG_MIN_DECADE};
	double largest = 0;

	for (unsigned col = 0; col < t->column_count; col++) {
		unsigned items = 0;
		for (unsigned r = 0; r < t->row_count; r++)
			if (t->rows[r].chart == kind && t->rows[r].cells[col].kind == CELL_NUMBER) {
				items++;
				largest = fmax(largest, fabs(t->rows[r].cells[col].value));
			}
		c.groups += items > 0;
		c.items += items;
	}
	while (c.decade < SYMLOG_MAX_DECADE && pow(10, c.decade) < largest)
		c.decade++;
	c.height = CHART_TOP + (int)(c.groups * CHART_GROUP_PX + c.items * CHART_ITEM_PX) + CHART_BOTTOM_PX;
	if (kind == CHART_CLAIMS) {
		c.title = "Each claim against the measured TSC";
		c.axis_title = "claimed minus measured, ppm (symmetric log scale; 1 % = 10000 ppm)";
		c.band_ppm = COMPARE_BAND_PPM;
	} else {
		c.title = "TSC lost while the CPU idles, per state";
		c.axis_title = "TSC lost, ppm of the idle time (symmetric log scale; 100 % = the TSC stops)";
	}
	return c;
}

/* A ppm figure as a person reads it: percent from 1 %, else ppm with two significant decimals. */
static void write_ppm(struct sink *out, double ppm)
{
	bool percent = fabs(ppm) >= PPM_PER_PERCENT;
	double value = percent ? ppm / PPM_PER_PERCENT : ppm;
	int decimals = percent || fabs(ppm) < 10 ? 2 : 1;

	/* A plus sign where the figure shows a value above zero, as the minus sign does below. */
	sink_puts(out, value >= 0.5 * pow(10, -decimals) ? "+" : "");
	svg_write_number(out, value, decimals);
	sink_puts(out, percent ? " %" : " ppm");
}

static const char *severity_class(int severity)
{
	static const char *const classes[] = {[SEVERITY_FAIL] = "sev-fail",
					      [SEVERITY_WARN] = "sev-warn",
					      [SEVERITY_INFO] = "sev-info",
					      [SEVERITY_PASS] = "sev-pass"};
	return severity >= 0 && severity < (int)ARRAY_SIZE(classes) ? classes[severity] : "sev-info";
}

static void write_axis(struct sink *out, const struct chart *c, int bottom)
{
	for (int sign = -1; sign <= 1; sign++)
		for (int d = sign ? 0 : c->decade; d <= c->decade; d++) {
			double ppm = sign * pow(10, d), x = chart_x(c, ppm);
			sink_printf(out, "<line class=\"%s\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n",
				    sign ? "grid" : "zero", x, CHART_TOP - 6, x, bottom);
			if (sign && d == 0)
				continue; /* +/-1 ppm sit too close to zero for a label of their own */
			sink_printf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">", x,
				    bottom + 16);
			if (fabs(ppm) >= PPM_PER_PERCENT) {
				svg_write_number(out, ppm / PPM_PER_PERCENT, 0);
				sink_puts(out, " %");
			} else {
				svg_write_number(out, ppm, 0);
			}
			sink_puts(out, "</text>\n");
		}
	sink_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">", (CHART_LEFT + CHART_RIGHT) / 2,
		    bottom + 40);
	svg_write_text(out, c->axis_title);
	sink_puts(out, "</text>\n");
}

static void write_band(struct sink *out, const struct chart *c, int bottom)
{
	double left = chart_x(c, -c->band_ppm), right = chart_x(c, c->band_ppm);

	if (!c->band_ppm)
		return;
	sink_printf(out, "<rect class=\"band\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>", left, CHART_TOP - 6,
		    right - left, bottom - CHART_TOP + 6);
	sink_printf(out,
		    "<text class=\"note\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">±%.0f ppm: within it a claim "
		    "passes or warns, beyond it fails</text>\n",
		    (left + right) / 2, CHART_TOP - 10, c->band_ppm);
}

static void write_bar(struct sink *out, const struct chart *c, const struct compare_row *row,
		      const struct compare_cell *cell, const char *report, int y)
{
	double zero = chart_x(c, 0), end = chart_x(c, cell->value);
	double limit = pow(10, c->decade);

	sink_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", CHART_LEFT - 10, y + CHART_BAR_PX - 1);
	svg_write_text(out, row->subject);
	sink_puts(out, "</text>");
	sink_printf(out, "<rect class=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"><title>",
		    severity_class(cell->severity), fmin(zero, end), y, fmax(fabs(end - zero), 1.0), CHART_BAR_PX);
	svg_write_text(out, report);
	sink_puts(out, ": ");
	svg_write_text(out, row->subject);
	sink_puts(out, ": ");
	svg_write_text(out, cell->text);
	sink_printf(out, " %s</title></rect>", row->unit);
	/* A value beyond the axis is drawn to its end with a double stroke, and its figure says how far. */
	if (fabs(cell->value) > limit)
		sink_printf(out, "<path class=\"clip\" d=\"M%.1f %dv%dM%.1f %dv%d\"/>", end - copysign(3, cell->value),
			    y - 2, CHART_BAR_PX + 4, end - copysign(6, cell->value), y - 2, CHART_BAR_PX + 4);
	sink_printf(out, "<text x=\"%d\" y=\"%d\">", CHART_VALUE_X, y + CHART_BAR_PX - 1);
	write_ppm(out, cell->value);
	sink_puts(out, "</text>\n");
}

/*
 * One chart as an <svg> element at y, nested in the SVG document or inline in the page: neither needs
 * a namespace of its own (HTML puts <svg> in SVG's), so the page names no URL at all.
 */
static void write_chart(struct sink *out, const struct compare_table *t, const struct chart *c, int y, bool titled)
{
	int bottom = c->height - CHART_BOTTOM_PX + 6, at = CHART_TOP;

	sink_printf(out, "<svg x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n", y,
		    CHART_WIDTH, c->height, CHART_WIDTH, c->height);
	sink_puts(out, "<title>");
	svg_write_text(out, c->title);
	sink_printf(out, "</title>\n<rect class=\"bg\" width=\"%d\" height=\"%d\"/>\n", CHART_WIDTH, c->height);
	if (titled) { /* the page has it as a heading */
		sink_puts(out, "<text class=\"title\" x=\"16\" y=\"24\">");
		svg_write_text(out, c->title);
		sink_puts(out, "</text>\n");
	}
	write_band(out, c, bottom);
	write_axis(out, c, bottom);
	for (unsigned col = 0; col < t->column_count; col++) {
		bool heading = false;
		for (unsigned r = 0; r < t->row_count; r++) {
			const struct compare_row *row = &t->rows[r];
			if (row->chart != c->kind || row->cells[col].kind != CELL_NUMBER)
				continue;
			if (!heading) {
				sink_printf(out, "<text class=\"group\" x=\"16\" y=\"%d\">", at + 15);
				svg_write_text(out, t->columns[col].label);
				sink_puts(out, "</text>\n");
				at += CHART_GROUP_PX;
				heading = true;
			}
			write_bar(out, c, row, &row->cells[col], t->columns[col].label, at);
			at += CHART_ITEM_PX;
		}
	}
	sink_puts(out, "</svg>\n");
}

/* CSS for the charts, in an SVG document's <style> or the page's. */
static void write_chart_style(struct sink *out)
{
	struct svg_colour colours[SVG_THEME_COUNT + ARRAY_SIZE(chart_colours)];

	sink_puts(out, "text{font-family:system-ui,sans-serif;font-size:12px}.title{font-size:15px;font-weight:bold}"
		       ".group{font-weight:bold}.note,.tick{font-size:11px}.grid,.zero{stroke-width:1}"
		       ".clip{stroke-width:1.5}\n");
	memcpy(colours, svg_theme, sizeof(svg_theme));
	memcpy(colours + SVG_THEME_COUNT, chart_colours, sizeof(chart_colours));
	svg_write_colours(out, colours, ARRAY_SIZE(colours), DARK_MEDIA);
}

void compare_write_svg(const struct compare_table *t, const char *title, struct sink *out)
{
	struct chart charts[] = {plan_chart(t, CHART_CLAIMS), plan_chart(t, CHART_IDLE)};
	int height = 0, y = 0;

	for (size_t i = 0; i < ARRAY_SIZE(charts); i++)
		height += charts[i].items ? charts[i].height : 0;
	sink_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	sink_printf(out,
		    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		    "role=\"img\">\n<title>",
		    CHART_WIDTH, height ? height : CHART_TOP, CHART_WIDTH, height ? height : CHART_TOP);
	svg_write_text(out, title);
	sink_puts(out, "</title>\n<style>\n");
	write_chart_style(out);
	sink_puts(out, "</style>\n");
	if (!height)
		sink_printf(out, "<text x=\"16\" y=\"30\">No report has a claim compared or an idle run.</text>\n");
	for (size_t i = 0; i < ARRAY_SIZE(charts); i++)
		if (charts[i].items) {
			write_chart(out, t, &charts[i], y, true);
			y += charts[i].height;
		}
	sink_puts(out, "</svg>\n");
}

/* ---- the page ------------------------------------------------------------------------------------ */

/* Page colours as CSS variables; the table and text take them. */
static const struct svg_colour page_colours[] = {
	{":root", "--bg", "#ffffff", "#0d1117"},    {":root", "--fg", "#1f2328", "#e6edf3"},
	{":root", "--muted", "#59636e", "#9198a1"}, {":root", "--line", "#d1d9e0", "#30363d"},
	{":root", "--group", "#f6f8fa", "#161b22"}, {":root", "--fail", "#cf222e", "#f85149"},
	{":root", "--warn", "#9a6700", "#d29922"},  {":root", "--pass", "#1a7f37", "#3fb950"},
	{":root", "--info", "#0969da", "#58a6ff"},
};

static void write_page_style(struct sink *out)
{
	sink_puts(out,
		  ":root{color-scheme:light dark}\n"
		  "body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,sans-serif}\n"
		  "main{max-width:1400px;margin:0 auto;padding:16px 24px}\n"
		  "h1{font-size:22px;margin:8px 0}h2{font-size:17px;margin:28px 0 8px}\n"
		  ".notes,.legend{color:var(--muted)}\n"
		  ".scroll{overflow-x:auto}\n"
		  "table{border-collapse:collapse;font-variant-numeric:tabular-nums}\n"
		  "th,td{border-bottom:1px solid var(--line);padding:3px 10px;vertical-align:top;text-align:left}\n"
		  "thead th{position:sticky;top:0;background:var(--bg);border-bottom:2px solid var(--fg)}\n"
		  "tbody th{font-weight:normal;white-space:nowrap}\n"
		  "th.indent{padding-left:28px}\n"
		  "tr.group th{background:var(--group);font-weight:bold;padding-top:10px}\n"
		  "td.num{text-align:right;white-space:nowrap}\n"
		  "td.missing{color:var(--muted);text-align:center}\n"
		  "td.sev-fail{color:var(--fail);font-weight:bold}td.sev-warn{color:var(--warn);font-weight:bold}\n"
		  "td.sev-pass{color:var(--pass)}td.sev-info{color:var(--info)}\n"
		  "figure{margin:0}figure svg{max-width:100%;height:auto}\n"
		  /* On paper the table cannot scroll: A4 landscape, smaller, and text cells that wrap anywhere. */
		  "@page{size:A4 landscape;margin:10mm}\n"
		  "@media print{body{font-size:8pt}main{max-width:none;padding:0}.scroll{overflow:visible}"
		  "th,td{padding:2px 4px}tbody th{white-space:normal}td.text{overflow-wrap:anywhere}"
		  "thead th{position:static}thead{display:table-header-group}tr,figure{break-inside:avoid}}\n");
	svg_write_colours(out, page_colours, ARRAY_SIZE(page_colours), DARK_MEDIA);
	write_chart_style(out);
}

static void write_table(struct sink *out, const struct compare_table *t)
{
	char heading[160];

	sink_puts(out, "<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">figure</th>");
	for (unsigned c = 0; c < t->column_count; c++) {
		sink_puts(out, "<th scope=\"col\">");
		svg_write_text(out, t->columns[c].label);
		sink_puts(out, "</th>");
	}
	sink_puts(out, "</tr></thead>\n");
	for (unsigned r = 0; r < t->row_count; r++) {
		const struct compare_row *row = &t->rows[r];
		if (r == 0 || t->rows[r - 1].group != row->group) {
			sink_printf(out, "%s<tbody><tr class=\"group\"><th scope=\"rowgroup\" colspan=\"%u\">",
				    r ? "</tbody>\n" : "", t->column_count + 1);
			svg_write_text(out, compare_group_title(row->group));
			sink_puts(out, "</th></tr>\n");
		}
		bool indent = row->label[0] == ' ';
		snprintf(heading, sizeof(heading), row->unit[0] ? "%s (%s)" : "%s",
			 row->label + strspn(row->label, " "), row->unit);
		sink_printf(out, "<tr><th scope=\"row\"%s>", indent ? " class=\"indent\"" : "");
		svg_write_text(out, heading);
		sink_puts(out, "</th>");
		for (unsigned c = 0; c < t->column_count; c++) {
			const struct compare_cell *cell = &row->cells[c];
			if (cell->kind == CELL_MISSING) {
				sink_puts(out, "<td class=\"missing\">" COMPARE_MISSING "</td>");
				continue;
			}
			sink_printf(out, "<td class=\"%s%s%s\"", cell->kind == CELL_NUMBER ? "num" : "text",
				    cell->severity != CELL_NO_SEVERITY ? " " : "",
				    cell->severity != CELL_NO_SEVERITY ? severity_class(cell->severity) : "");
			if (cell->detail[0]) {
				sink_puts(out, " title=\"");
				svg_write_text(out, cell->detail);
				sink_puts(out, "\"");
			}
			sink_puts(out, ">");
			svg_write_text(out, cell->text);
			sink_puts(out, "</td>");
		}
		sink_puts(out, "</tr>\n");
	}
	sink_puts(out, t->row_count ? "</tbody>\n</table></div>\n" : "</table></div>\n");
}

void compare_write_html(const struct compare_table *t, const char *title, struct sink *out)
{
	struct chart charts[] = {plan_chart(t, CHART_CLAIMS), plan_chart(t, CHART_IDLE)};

	sink_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
		       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
		       "<meta name=\"color-scheme\" content=\"light dark\"/>\n<title>");
	svg_write_text(out, title);
	sink_puts(out, "</title>\n<style>\n");
	write_page_style(out);
	sink_puts(out, "</style>\n</head>\n<body>\n<main>\n<h1>");
	svg_write_text(out, title);
	sink_printf(out,
		    "</h1>\n<p class=\"legend\">%u report%s, one column each. Hover a judged figure for its "
		    "verdict; " COMPARE_MISSING " marks a figure that report does not have.</p>\n",
		    t->column_count, t->column_count == 1 ? "" : "s");
	for (unsigned c = 0, listed = 0; c < t->column_count; c++) {
		if (!t->columns[c].note[0])
			continue;
		sink_puts(out, listed++ ? "<li><b>" : "<ul class=\"notes\">\n<li><b>");
		svg_write_text(out, t->columns[c].label);
		sink_puts(out, "</b>: ");
		svg_write_text(out, t->columns[c].note);
		sink_puts(out, "</li>\n");
	}
	for (unsigned c = 0; c < t->column_count; c++)
		if (t->columns[c].note[0]) {
			sink_puts(out, "</ul>\n");
			break;
		}
	write_table(out, t);
	for (size_t i = 0; i < ARRAY_SIZE(charts); i++) {
		sink_puts(out, "<h2>");
		svg_write_text(out, charts[i].title);
		sink_puts(out, "</h2>\n");
		if (!charts[i].items) {
			sink_puts(out, "<p class=\"notes\">None of these reports has one.</p>\n");
			continue;
		}
		sink_puts(out, "<figure>\n");
		write_chart(out, t, &charts[i], 0, false);
		sink_puts(out, "</figure>\n");
	}
	sink_puts(out, "</main>\n</body>\n</html>\n");
}
