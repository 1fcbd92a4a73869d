/* The compare table as terminal text, Markdown and CSV: pure functions from the table to a sink. */
#include "compare.h"

#include <stdio.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* The row headings' column: wider headings wrap. */
#define TEXT_LABEL_MAX_CHARS 42
#define TEXT_LABEL_MIN_CHARS 16
/* A report's column: text wraps past this, numbers never do. */
#define TEXT_CELL_MAX_CHARS 24
#define TEXT_CELL_MIN_CHARS 10
#define TEXT_GAP_CHARS 2
/* A wrapped cell: lines of at most a cell's bytes plus the unit. */
#define WRAP_MAX_LINES 32
#define WRAP_LINE_BYTES (COMPARE_CELL_BYTES + 32)

bool compare_format_parse(const char *name, enum compare_format *format)
{
	static const char *const names[] = {
		[FORMAT_TEXT] = "text", [FORMAT_MARKDOWN] = "md", [FORMAT_CSV] = "csv",
		[FORMAT_HTML] = "html", [FORMAT_SVG] = "svg",
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i])) {
			*format = (enum compare_format)i;
			return true;
		}
	return false;
}

/* The row's heading with its unit: "TSC by ACPI PM timer (MHz)", or ", MHz" after a closing parenthesis. */
static void row_heading(const struct compare_row *row, char *dst, size_t size)
{
	size_t n = strlen(row->label);
	if (!row->unit[0])
		snprintf(dst, size, "%s", row->label);
	else
		snprintf(dst, size, n && row->label[n - 1] == ')' ? "%s, %s" : "%s (%s)", row->label, row->unit);
}

/* ---- text ------------------------------------------------------------------------------------------ */

/* Characters on a terminal: UTF-8 continuation bytes take no column. */
static unsigned display_width(const char *text, size_t bytes)
{
	unsigned width = 0;
	for (size_t i = 0; i < bytes && text[i]; i++)
		width += ((unsigned char)text[i] & 0xc0) != 0x80;
	return width;
}

/* Bytes of text that fill at most `width` columns, not splitting a UTF-8 sequence. */
static size_t bytes_within(const char *text, size_t bytes, unsigned width)
{
	size_t i = 0;
	for (unsigned columns = 0; i < bytes; columns++) {
		if (columns == width)
			break;
		i++;
		while (i < bytes && ((unsigned char)text[i] & 0xc0) == 0x80)
			i++;
	}
	return i;
}

struct wrapped {
	unsigned count;
	char lines[WRAP_MAX_LINES][WRAP_LINE_BYTES];
};

static void wrap_push(struct wrapped *w, const char *prefix, size_t prefix_bytes, const char *part, size_t bytes)
{
	if (w->count < WRAP_MAX_LINES)
		snprintf(w->lines[w->count++], WRAP_LINE_BYTES, "%.*s%.*s", (int)prefix_bytes, prefix, (int)bytes,
			 part);
}

/*
 * Text in lines of at most `width` columns, broken at spaces (within a word that is longer);
 * leading spaces indent every line.
 */
static void wrap(const char *text, unsigned width, struct wrapped *w)
{
	size_t indent = strspn(text, " ");
	const char *p = text + indent, *line = p, *line_end = p;
	unsigned room = width > indent + 1 ? width - (unsigned)indent : 1;

	w->count = 0;
	while (*p) {
		const char *word = p, *end = strchr(p, ' ');
		end = end ? end : p + strlen(p);
		p = *end ? end + 1 : end;
		if (display_width(line, (size_t)(end - line)) <= room) {
			line_end = end;
			continue;
		}
		if (line_end > line) /* the line so far, then the word on the next */
			wrap_push(w, text, indent, line, (size_t)(line_end - line));
		line = word;
		while (display_width(line, (size_t)(end - line)) > room) {
			size_t take = bytes_within(line, (size_t)(end - line), room);
			wrap_push(w, text, indent, line, take);
			line += take;
		}
		line_end = end;
	}
	if (line_end > line || w->count == 0)
		wrap_push(w, text, indent, line, (size_t)(line_end - line));
}

/* A column's numbers aligned on their decimal point: widths of the parts before and from the point. */
struct column_layout {
	unsigned width, integer_width, fraction_width;
};

static unsigned integer_part(const char *number)
{
	const char *point = strchr(number, '.');
	return point ? (unsigned)(point - number) : (unsigned)strlen(number);
}

static bool row_has_numbers(const struct compare_row *row, unsigned columns)
{
	for (unsigned c = 0; c < columns; c++)
		if (row->cells[c].kind == CELL_NUMBER)
			return true;
	return false;
}

static struct column_layout lay_out_column(const struct compare_table *t, unsigned c)
{
	struct column_layout l = {0};
	unsigned text_width = display_width(COMPARE_MISSING, sizeof(COMPARE_MISSING));

	for (unsigned r = 0; r < t->row_count; r++) {
		const struct compare_cell *cell = &t->rows[r].cells[c];
		unsigned integer = integer_part(cell->text);
		if (cell->kind == CELL_NUMBER) {
			l.integer_width = integer > l.integer_width ? integer : l.integer_width;
			unsigned fraction = (unsigned)strlen(cell->text) - integer;
			l.fraction_width = fraction > l.fraction_width ? fraction : l.fraction_width;
		} else if (cell->kind == CELL_TEXT) {
			unsigned w = display_width(cell->text, sizeof(cell->text));
			text_width = w > text_width ? w : text_width;
		}
	}
	text_width = text_width < TEXT_CELL_MAX_CHARS ? text_width : TEXT_CELL_MAX_CHARS;
	l.width = l.integer_width + l.fraction_width;
	l.width = l.width > text_width ? l.width : text_width;
	l.width = l.width > TEXT_CELL_MIN_CHARS ? l.width : TEXT_CELL_MIN_CHARS;
	return l;
}

/* Text left-aligned in `width` columns. */
static void write_padded(struct sink *out, const char *text, unsigned width)
{
	unsigned w = display_width(text, strlen(text));
	sink_printf(out, "%s%*s", text, (int)(w < width ? width - w : 0), "");
}

/* One cell's line `line` in its column: numbers on the column's decimal point, "—" where its integer part ends. */
static void write_cell_line(struct sink *out, const struct compare_cell *cell, bool numeric_row,
			    const struct column_layout *l, unsigned line)
{
	static struct wrapped w; /* large: kept off the stack */

	if (cell->kind == CELL_NUMBER || (cell->kind == CELL_MISSING && numeric_row)) {
		const char *text = cell->kind == CELL_NUMBER ? cell->text : COMPARE_MISSING;
		unsigned width = display_width(text, strlen(text));
		unsigned integer = cell->kind == CELL_NUMBER ? integer_part(text) : width;
		unsigned lead = l->width - (l->integer_width + l->fraction_width) + l->integer_width - integer;
		if (line == 0)
			sink_printf(out, "%*s%s%*s", (int)lead, "", text, (int)(l->width - lead - width), "");
		else
			sink_printf(out, "%*s", (int)l->width, "");
		return;
	}
	wrap(cell->kind == CELL_TEXT ? cell->text : COMPARE_MISSING, l->width, &w);
	write_padded(out, line < w.count ? w.lines[line] : "", l->width);
}

/* Lines a row takes: its heading's and its text cells' wrapped lines. */
static unsigned row_lines(const struct compare_row *row, const char *heading, const struct column_layout *layout,
			  unsigned from, unsigned to, unsigned label_width)
{
	static struct wrapped w;
	unsigned lines;

	wrap(heading, label_width, &w);
	lines = w.count;
	for (unsigned c = from; c < to; c++) {
		if (row->cells[c].kind != CELL_TEXT)
			continue;
		wrap(row->cells[c].text, layout[c - from].width, &w);
		lines = w.count > lines ? w.count : lines;
	}
	return lines;
}

/* Lines are assembled whole so that their trailing spaces can go. */
#define TEXT_LINE_BYTES 8192

static void flush_line(struct sink *out, struct buffer_sink *line)
{
	while (line->length && line->buf[line->length - 1] == ' ')
		line->length--;
	out->write(out, line->buf, line->length);
	out->write(out, "\n", 1);
	line->length = 0;
	line->buf[0] = '\0';
}

static void write_text_row(struct sink *out, struct buffer_sink *line, const struct compare_table *t,
			   const struct compare_row *row, const struct column_layout *layout, unsigned from,
			   unsigned to, unsigned label_width)
{
	static struct wrapped heading;
	char text[WRAP_LINE_BYTES];
	bool numeric = row_has_numbers(row, t->column_count);
	unsigned lines;

	row_heading(row, text, sizeof(text));
	lines = row_lines(row, text, layout, from, to, label_width);
	wrap(text, label_width, &heading);
	for (unsigned l = 0; l < lines; l++) {
		sink_puts(&line->sink, "  ");
		write_padded(&line->sink, l < heading.count ? heading.lines[l] : "", label_width);
		for (unsigned c = from; c < to; c++) {
			sink_printf(&line->sink, "%*s", TEXT_GAP_CHARS, "");
			write_cell_line(&line->sink, &row->cells[c], numeric, &layout[c - from], l);
		}
		flush_line(out, line);
	}
}

/* Column headings: each report's label wrapped in its column, under the block's title. */
static void write_text_header(struct sink *out, struct buffer_sink *line, const struct compare_table *t,
			      const struct column_layout *layout, unsigned from, unsigned to, unsigned label_width)
{
	static struct wrapped w;
	unsigned lines = 0, rule = 2 + label_width;

	for (unsigned c = from; c < to; c++) {
		wrap(t->columns[c].label, layout[c - from].width, &w);
		lines = w.count > lines ? w.count : lines;
		rule += TEXT_GAP_CHARS + layout[c - from].width;
	}
	for (unsigned l = 0; l < lines; l++) {
		sink_printf(&line->sink, "  %*s", (int)label_width, "");
		for (unsigned c = from; c < to; c++) {
			wrap(t->columns[c].label, layout[c - from].width, &w);
			sink_printf(&line->sink, "%*s", TEXT_GAP_CHARS, "");
			write_padded(&line->sink, l < w.count ? w.lines[l] : "", layout[c - from].width);
		}
		flush_line(out, line);
	}
	for (unsigned i = 0; i < rule; i++)
		sink_puts(&line->sink, "-");
	flush_line(out, line);
}

static unsigned heading_width(const struct compare_table *t)
{
	char text[WRAP_LINE_BYTES];
	unsigned width = 0;

	for (unsigned r = 0; r < t->row_count; r++) {
		row_heading(&t->rows[r], text, sizeof(text));
		unsigned w = display_width(text, strlen(text));
		width = w > width ? w : width;
	}
	return width < TEXT_LABEL_MAX_CHARS ? width : TEXT_LABEL_MAX_CHARS;
}

static void write_text_block(struct sink *out, struct buffer_sink *line, const struct compare_table *t,
			     const struct column_layout *layout, unsigned from, unsigned to, unsigned label_width)
{
	write_text_header(out, line, t, layout, from, to, label_width);
	for (unsigned r = 0; r < t->row_count; r++) {
		const struct compare_row *row = &t->rows[r];
		if (r == 0 || t->rows[r - 1].group != row->group) {
			if (r)
				flush_line(out, line);
			sink_printf(out, "%s\n", compare_group_title(row->group));
		}
		write_text_row(out, line, t, row, layout, from, to, label_width);
	}
}

void compare_write_text(const struct compare_table *t, unsigned width, struct sink *out)
{
	static char line_bytes[TEXT_LINE_BYTES];
	static struct column_layout layout[TEXT_LINE_BYTES / (TEXT_CELL_MIN_CHARS + TEXT_GAP_CHARS)];
	unsigned label_width = heading_width(t), max_width = TEXT_LINE_BYTES / 4;
	struct buffer_sink line;

	buffer_sink_init(&line, line_bytes, sizeof(line_bytes));
	width = width < max_width ? width : max_width;
	sink_printf(out, "tscprobe compare: %u report%s\n", t->column_count, t->column_count == 1 ? "" : "s");
	/* As many columns side by side as the width holds, at least one; the rest in further blocks. */
	for (unsigned from = 0, to; from < t->column_count; from = to) {
		unsigned used = 2 + label_width;
		for (to = from; to < t->column_count && to - from < ARRAY_SIZE(layout); to++) {
			struct column_layout l = lay_out_column(t, to);
			if (to > from && used + TEXT_GAP_CHARS + l.width > width)
				break;
			layout[to - from] = l;
			used += TEXT_GAP_CHARS + l.width;
		}
		/* A narrow terminal: the headings give way, down to a readable minimum, before a column would be cut. */
		unsigned block_label_width = label_width;
		if (used > width)
			block_label_width = used - width < label_width - TEXT_LABEL_MIN_CHARS
						    ? label_width - (used - width)
						    : TEXT_LABEL_MIN_CHARS;
		sink_puts(out, "\n");
		if (to - from == 1 && t->column_count > 1)
			sink_printf(out, "Report %u of %u\n", to, t->column_count);
		else if (from > 0 || to < t->column_count)
			sink_printf(out, "Reports %u-%u of %u\n", from + 1, to, t->column_count);
		write_text_block(out, &line, t, layout, from, to, block_label_width);
	}
}

/* ---- Markdown ------------------------------------------------------------------------------------- */

/* A report's string in a table cell: what Markdown would read as markup, a cell break or HTML is escaped. */
static void write_markdown_text(struct sink *out, const char *text)
{
	for (const char *p = text; *p; p++) {
		if (*p == '<')
			sink_puts(out, "&lt;");
		else if (*p == '>')
			sink_puts(out, "&gt;");
		else if (*p == '&')
			sink_puts(out, "&amp;");
		else if (strchr("\\`*_[]|~#!", *p))
			sink_printf(out, "\\%c", *p);
		else
			out->write(out, p, 1);
	}
}

void compare_write_markdown(const struct compare_table *t, struct sink *out)
{
	char heading[WRAP_LINE_BYTES];

	sink_puts(out, "| |");
	for (unsigned c = 0; c < t->column_count; c++) {
		sink_puts(out, " ");
		write_markdown_text(out, t->columns[c].label);
		sink_puts(out, " |");
	}
	sink_puts(out, "\n|:--|");
	for (unsigned c = 0; c < t->column_count; c++)
		sink_puts(out, "--:|");
	sink_puts(out, "\n");
	for (unsigned r = 0; r < t->row_count; r++) {
		const struct compare_row *row = &t->rows[r];
		if (r == 0 || t->rows[r - 1].group != row->group) {
			sink_printf(out, "| **%s** |", compare_group_title(row->group));
			for (unsigned c = 0; c < t->column_count; c++)
				sink_puts(out, " |");
			sink_puts(out, "\n");
		}
		row_heading(row, heading, sizeof(heading));
		/* Indentation shows as non-breaking spaces: Markdown drops leading spaces in a cell. */
		size_t indent = strspn(heading, " ");
		sink_puts(out, "| ");
		for (size_t i = 0; i < indent; i++)
			sink_puts(out, "&nbsp;");
		write_markdown_text(out, heading + indent);
		sink_puts(out, " |");
		for (unsigned c = 0; c < t->column_count; c++) {
			const struct compare_cell *cell = &row->cells[c];
			sink_puts(out, " ");
			if (cell->kind == CELL_MISSING)
				sink_puts(out, COMPARE_MISSING);
			else if (cell->severity == SEVERITY_FAIL || cell->severity == SEVERITY_WARN) {
				/* What went wrong stands out. */
				sink_puts(out, "**");
				write_markdown_text(out, cell->text);
				sink_puts(out, "**");
			} else {
				write_markdown_text(out, cell->text);
			}
			sink_puts(out, " |");
		}
		sink_puts(out, "\n");
	}
}

/* ---- CSV -------------------------------------------------------------------------------------------- */

/*
 * One field, RFC 4180: quoted when it holds a comma, a quote or a line end. A report's string that
 * a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe (OWASP's advice).
 */
static void write_csv_field(struct sink *out, const char *text, bool from_report)
{
	bool formula = from_report && strchr("=+-@\t\r", text[0]) && text[0];
	bool quote = formula || strpbrk(text, ",\"\r\n") != NULL;

	sink_puts(out, quote ? "\"" : "");
	sink_puts(out, formula ? "'" : "");
	for (const char *p = text; *p; p++) {
		if (*p == '"')
			sink_puts(out, "\"\"");
		else
			out->write(out, p, 1);
	}
	sink_puts(out, quote ? "\"" : "");
}

void compare_write_csv(const struct compare_table *t, struct sink *out)
{
	static const char *const group_keys[GROUP_COUNT] = {
		[GROUP_IDENTITY] = "identity", [GROUP_FEATURES] = "features",         [GROUP_CLAIMS] = "claims",
		[GROUP_MEASURED] = "measured", [GROUP_CLAIM_ERRORS] = "claim_errors", [GROUP_IDLE] = "idle",
		[GROUP_VERDICTS] = "verdicts",
	};

	sink_puts(out, "group,key,row,unit");
	for (unsigned c = 0; c < t->column_count; c++) {
		sink_puts(out, ",");
		write_csv_field(out, t->columns[c].label, true);
	}
	sink_puts(out, "\r\n");
	for (unsigned r = 0; r < t->row_count; r++) {
		const struct compare_row *row = &t->rows[r];
		sink_printf(out, "%s,", group_keys[row->group]);
		write_csv_field(out, row->key, true);
		sink_puts(out, ",");
		write_csv_field(out, row->label + strspn(row->label, " "), true);
		sink_printf(out, ",%s", row->unit);
		for (unsigned c = 0; c < t->column_count; c++) {
			sink_puts(out, ",");
			if (row->cells[c].kind != CELL_MISSING)
				write_csv_field(out, row->cells[c].text, row->cells[c].kind == CELL_TEXT);
		}
		sink_puts(out, "\r\n");
	}
}
