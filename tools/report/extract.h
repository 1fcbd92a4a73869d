/* Finds the JSON report in a serial capture: the text between the BEGIN and END marker lines, cleaned. */
#ifndef TSCPROBE_EXTRACT_H
#define TSCPROBE_EXTRACT_H

#include <stddef.h>

struct extracted_report {
	char *json;                    /* malloc'd, NUL-terminated: the lines between the markers, cleaned */
	size_t length;                 /* bytes in json, without the NUL */
	unsigned begin_line;           /* line of the BEGIN marker in the capture, from 1 */
	unsigned end_line;             /* line of its END marker */
	unsigned truncated_begin_line; /* a later BEGIN that has no END (the last boot was cut off), else 0 */
};

/*
 * Remove what a terminal would not print as text: VT100/ANSI escape sequences (CSI such as
 * ESC[2J, ESC[01;01H, ESC[=3h, ESC[?25l, and two-byte escapes), CR and the other control bytes
 * except LF and TAB. Works in place; returns the new length. Line breaks are kept, so line
 * numbers stay those of the capture.
 */
size_t extract_clean(char *text, size_t length);

/*
 * Take the last complete report from a capture of `length` bytes and check that it parses as
 * JSON. 0 on success (free out->json with free()); -1 with a one-line reason in error:
 * no report, "truncated report (BEGIN at line N has no END)", or the JSON error.
 */
int extract_report(const char *capture, size_t length, struct extracted_report *out, char *error, size_t error_size);

/* The same from a file; every error starts with the path. */
int extract_report_file(const char *path, struct extracted_report *out, char *error, size_t error_size);

#endif
