/* Finds the JSON report in a serial capture, past firmware chatter, terminal escapes and repeated boots. */
#include "extract.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_input.h"
#include "report.h"
#include "report_read.h"

#define ESC '\x1b'
/* Room for a reason; a path is added in front of it by extract_report_file. */
#define REASON_BYTES 256

static int fail(char *error, size_t error_size, const char *format, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *error, size_t error_size, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	vsnprintf(error, error_size, format, args);
	va_end(args);
	return -1;
}

/*
 * Bytes in the escape sequence at p (ECMA-48): CSI is ESC '[', parameter bytes 0x30-0x3F,
 * intermediate bytes 0x20-0x2F and one final byte 0x40-0x7E; other escapes are ESC,
 * intermediates and one final byte 0x30-0x7E. A sequence cut off by a line break or the
 * end of the capture ends there: a newline is never swallowed.
 */
static size_t escape_length(const char *p, const char *end)
{
	const char *q = p + 1;
	char final_first = '0';

	if (q < end && *q == '[') {
		q++;
		while (q < end && *q >= 0x30 && *q <= 0x3f)
			q++;
		final_first = '@';
	}
	while (q < end && *q >= 0x20 && *q <= 0x2f)
		q++;
	if (q < end && *q >= final_first && *q <= 0x7e)
		q++;
	return (size_t)(q - p);
}

/*
 * CR is dropped (serial lines end in CR LF), and so is every other control byte but LF and TAB:
 * a UART picks up stray NULs around resets, and the JSON writer never emits a raw control byte.
 */
size_t extract_clean(char *text, size_t length)
{
	const char *p = text, *end = text + length;
	char *out = text;

	while (p < end) {
		unsigned char c = (unsigned char)*p;
		if (c == ESC)
			p += escape_length(p, end);
		else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			p++;
		else
			*out++ = *p++;
	}
	return (size_t)(out - text);
}

/* The marker alone on its line; terminals may pad it with spaces. */
static bool is_marker_line(const char *line, size_t length, const char *marker)
{
	size_t marker_length = strlen(marker);

	while (length && (*line == ' ' || *line == '\t'))
		line++, length--;
	while (length && (line[length - 1] == ' ' || line[length - 1] == '\t'))
		length--;
	return length == marker_length && !memcmp(line, marker, marker_length);
}

struct report_span {
	size_t start, length; /* of the JSON, in the cleaned text */
	unsigned begin_line, end_line;
};

/* The last BEGIN..END pair in clean text; *open_begin is a BEGIN after it that has no END, else 0. */
static bool find_last_report(const char *text, size_t length, struct report_span *found, unsigned *open_begin)
{
	const char *end = text + length;
	size_t open_start = 0;
	bool any = false;
	unsigned line = 1;

	*open_begin = 0;
	for (const char *p = text; p < end; line++) {
		const char *newline = memchr(p, '\n', (size_t)(end - p));
		const char *next = newline ? newline + 1 : end;
		size_t line_length = (size_t)((newline ? newline : end) - p);

		/* A second BEGIN before an END means the first boot was cut off: start over from it. */
		if (is_marker_line(p, line_length, REPORT_BEGIN_MARKER)) {
			*open_begin = line;
			open_start = (size_t)(next - text);
		} else if (*open_begin && is_marker_line(p, line_length, REPORT_END_MARKER)) {
			*found = (struct report_span){open_start, (size_t)(p - text) - open_start, *open_begin, line};
			*open_begin = 0;
			any = true;
		}
		p = next;
	}
	return any;
}

/* Works on text (malloc'd, length + 1 bytes) in place and hands it to out (zeroed), or frees it. */
static int extract_owned(char *text, size_t length, struct extracted_report *out, char *error, size_t error_size)
{
	struct report_span span;
	unsigned open_begin;
	json_error_t parse_error;
	json_t *root;

	length = extract_clean(text, length);
	if (!find_last_report(text, length, &span, &open_begin)) {
		free(text);
		if (open_begin)
			return fail(error, error_size, "truncated report (BEGIN at line %u has no END)", open_begin);
		return fail(error, error_size, "no report found (no line " REPORT_BEGIN_MARKER ")");
	}
	if (span.length > REPORT_MAX_BYTES) {
		free(text);
		return fail(error, error_size,
			    "report at lines %u-%u is %zu bytes, more than the %u MiB a report may hold",
			    span.begin_line, span.end_line, span.length, REPORT_MAX_BYTES / MIB);
	}
	memmove(text, text + span.start, span.length);
	text[span.length] = '\0';

	root = json_loadb(text, span.length, 0, &parse_error);
	if (!root) {
		free(text);
		/* jansson counts lines from 1 within the report, which starts on the line after BEGIN. */
		return fail(error, error_size, "report at lines %u-%u is not valid JSON: line %u, column %d: %s",
			    span.begin_line, span.end_line, span.begin_line + (unsigned)parse_error.line,
			    parse_error.column, parse_error.text);
	}
	json_decref(root);
	*out = (struct extracted_report){text, span.length, span.begin_line, span.end_line, open_begin};
	return 0;
}

int extract_report(const char *capture, size_t length, struct extracted_report *out, char *error, size_t error_size)
{
	char *text = malloc(length + 1);

	*out = (struct extracted_report){0};
	if (!text)
		return fail(error, error_size, "out of memory for a %zu-byte capture", length);
	memcpy(text, capture, length);
	return extract_owned(text, length, out, error, error_size);
}

int extract_report_file(const char *path, struct extracted_report *out, char *error, size_t error_size)
{
	char reason[REASON_BYTES];
	size_t length = 0;
	char *text;

	*out = (struct extracted_report){0};
	if (host_input_read(path, HOST_INPUT_MAX_BYTES, &text, &length, error, error_size))
		return -1;
	if (extract_owned(text, length, out, reason, sizeof(reason)))
		return fail(error, error_size, "%s: %s", path, reason);
	return 0;
}
