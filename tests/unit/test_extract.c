/* Extracting the JSON report from serial captures: firmware chatter, terminal escapes, CR LF, reboots, cut-off runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "report.h"
#include "testdata.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BEGIN REPORT_BEGIN_MARKER "\n"
#define END REPORT_END_MARKER "\n"

static char error[512];

static const char *serial_path(const char *name, char *path, size_t size)
{
	char relative[128];
	snprintf(relative, sizeof(relative), "serial/%s", name);
	snprintf(path, size, "%s", testdata_path(relative));
	return path;
}

static void extract_fixture(const char *name, struct extracted_report *out)
{
	char path[512];
	if (extract_report_file(serial_path(name, path, sizeof(path)), out, error, sizeof(error)))
		fail_msg("%s", error);
}

/* What every extracted report must be: one JSON object, nothing of the terminal left in it. */
static json_t *parse_extracted(const char *name, const struct extracted_report *r)
{
	json_error_t parse_error;
	json_t *root;

	assert_int_equal(strlen(r->json), r->length);
	if (memchr(r->json, '\r', r->length) || memchr(r->json, '\x1b', r->length))
		fail_msg("%s: CR or ESC left in the report", name);
	assert_true(r->length > 4 && !strncmp(r->json, "{\n", 2) && !strcmp(r->json + r->length - 2, "}\n"));
	root = json_loadb(r->json, r->length, 0, &parse_error);
	if (!root)
		fail_msg("%s: not JSON (line %d: %s)", name, parse_error.line, parse_error.text);
	assert_string_equal(json_string_value(json_object_get(root, "schema")), REPORT_SCHEMA);
	return root;
}

struct capture_case {
	const char *file;
	unsigned begin_line, end_line, truncated_begin_line;
	const char *brand; /* tells the two QEMU CPUs apart */
};

/*
 * Real OVMF captures (see tests/data/serial/README.md): q35 with the default CPU (BEGIN on line 39)
 * and with -cpu max (BEGIN on line 41); two-boots.log is both, appended; the measured one is a
 * later build that also times the reference clocks.
 */
static const struct capture_case capture_cases[] = {
	{"ovmf-q35-tcg.log", 39, 86, 0, "QEMU Virtual CPU version 2.5+"},
	{"ovmf-q35-tcg-cpu-max.log", 41, 94, 0, "QEMU TCG CPU version 2.5+"},
	{"two-boots.log", 90 + 41, 90 + 94, 0, "QEMU TCG CPU version 2.5+"},        /* the last one wins */
	{"reboot-truncated.log", 39, 86, 90 + 41, "QEMU Virtual CPU version 2.5+"}, /* the cut-off one is flagged */
	{"escapes-mid-line.log", 39, 86, 0, "QEMU Virtual CPU version 2.5+"},
	{"ovmf-q35-tcg-measured.log", 85, 310, 0, "QEMU Virtual CPU version 2.5+"}, /* progress lines first */
};

static void test_captures_yield_the_last_complete_report(void **state)
{
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(capture_cases); i++) {
		const struct capture_case *c = &capture_cases[i];
		struct extracted_report r;
		json_t *root;

		extract_fixture(c->file, &r);
		if (r.begin_line != c->begin_line || r.end_line != c->end_line ||
		    r.truncated_begin_line != c->truncated_begin_line)
			fail_msg("%s: lines %u-%u (cut-off BEGIN %u), expected %u-%u (%u)", c->file, r.begin_line,
				 r.end_line, r.truncated_begin_line, c->begin_line, c->end_line,
				 c->truncated_begin_line);
		root = parse_extracted(c->file, &r);
		assert_string_equal(json_string_value(json_object_get(json_object_get(root, "cpu"), "brand")),
				    c->brand);
		json_decref(root);
		free(r.json);
	}
}

static void test_real_capture_holds_the_probe_results(void **state)
{
	struct extracted_report r;
	json_t *root, *base;
	(void)state;

	extract_fixture("ovmf-q35-tcg.log", &r);
	root = parse_extracted("ovmf-q35-tcg.log", &r);
	assert_string_equal(json_string_value(json_object_get(json_object_get(root, "tool"), "machine")), "uefi");
	assert_string_equal(json_string_value(json_object_get(json_object_get(root, "cpu"), "vendor")), "AuthenticAMD");
	assert_int_equal(json_array_size(json_object_get(root, "hypervisors")), 1);
	base = json_array_get(json_object_get(root, "hypervisors"), 0);
	assert_string_equal(json_string_value(json_object_get(base, "signature")), "TCGTCGTCGTCG");
	assert_string_equal(json_string_value(json_object_get(base, "timing_leaf_status")), "not_offered");
	assert_int_equal(json_array_size(json_object_get(base, "leaves")), 2);
	json_decref(root);
	free(r.json);
}

/* Escapes inside marker lines, keys, values and between tokens, a lone CR and a NUL: all gone, nothing else. */
static void test_escapes_mid_line_leave_exactly_the_clean_report(void **state)
{
	struct extracted_report clean, noisy;
	(void)state;

	extract_fixture("ovmf-q35-tcg.log", &clean);
	extract_fixture("escapes-mid-line.log", &noisy);
	assert_int_equal(noisy.length, clean.length);
	assert_string_equal(noisy.json, clean.json);
	free(clean.json);
	free(noisy.json);
}

struct failing_capture {
	const char *file;
	const char *message;
};

static const struct failing_capture failing_captures[] = {
	{"truncated.log", "truncated report (BEGIN at line 41 has no END)"},
	{"no-markers.log", "no report found (no line " REPORT_BEGIN_MARKER ")"},
	/* One comma lost on line 52; jansson notices at the next key, on line 53. */
	{"garbled.log",
	 "report at lines 39-86 is not valid JSON: line 53, column 20: '}' expected near '\"max_basic_leaf\"'"},
	{"no-such-capture.log", "cannot open: No such file or directory"},
};

static void test_failing_captures_say_why_naming_the_file(void **state)
{
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(failing_captures); i++) {
		const struct failing_capture *c = &failing_captures[i];
		struct extracted_report r;
		char path[512], expected[768];

		serial_path(c->file, path, sizeof(path));
		if (!extract_report_file(path, &r, error, sizeof(error)))
			fail_msg("%s: a report was extracted", c->file);
		assert_null(r.json);
		snprintf(expected, sizeof(expected), "%s: %s", path, c->message);
		assert_string_equal(error, expected);
	}
}

struct clean_case {
	const char *name;
	const char *input;
	size_t input_length; /* explicit: some inputs hold NUL */
	const char *output;
};
#define CLEAN(name, input, output)                     \
	{                                              \
		name, input, sizeof(input) - 1, output \
	}

static const struct clean_case clean_cases[] = {
	CLEAN("erase display", "a\x1b[2Jb", "ab"),
	CLEAN("cursor position", "\x1b[01;01Htext", "text"),
	CLEAN("OVMF mode set", "x\x1b[=3hy", "xy"),
	CLEAN("private mode", "x\x1b[?25ly", "xy"),
	CLEAN("colours", "x\x1b[0;37;40my", "xy"),
	CLEAN("character set (ESC ( B)", "x\x1b(By", "xy"),
	CLEAN("save cursor (ESC 7)",
	      "x\x1b"
	      "7y",
	      "xy"),
	CLEAN("CR LF", "line\r\nnext\r\n", "line\nnext\n"),
	CLEAN("lone CR", "Powering off in 5 s\rPowering off in 4 s", "Powering off in 5 sPowering off in 4 s"),
	CLEAN("NUL and BEL", "a\0b\ac", "abc"),
	CLEAN("tab kept", "a\tb", "a\tb"),
	CLEAN("UTF-8 kept", "caf\xc3\xa9", "caf\xc3\xa9"),
	CLEAN("escape cut off at the end", "text\x1b[12", "text"),
	CLEAN("escape cut off by a newline keeps the newline", "a\x1b[\nb", "a\nb"),
	CLEAN("lone ESC at the end", "a\x1b", "a"),
};

static void test_clean_removes_terminal_control_and_nothing_else(void **state)
{
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(clean_cases); i++) {
		const struct clean_case *c = &clean_cases[i];
		char buf[128];
		size_t length;

		memcpy(buf, c->input, c->input_length);
		length = extract_clean(buf, c->input_length);
		buf[length] = '\0';
		if (length != strlen(c->output) || memcmp(buf, c->output, length))
			fail_msg("%s: got \"%s\", expected \"%s\"", c->name, buf, c->output);
	}
}

struct marker_case {
	const char *name;
	const char *capture;
	const char *json;  /* NULL: extraction fails */
	const char *error; /* when it fails */
};

static const struct marker_case marker_cases[] = {
	{"markers padded with spaces", "  " REPORT_BEGIN_MARKER " \n{}\n\t" REPORT_END_MARKER "  \n", "{}\n", NULL},
	{"no newline after END", BEGIN "{\"a\": 1}\n" REPORT_END_MARKER, "{\"a\": 1}\n", NULL},
	{"END before any BEGIN is ignored", END BEGIN "{}\n" END, "{}\n", NULL},
	{"a second BEGIN restarts the report", BEGIN "{\"cut\":\n" BEGIN "{\"b\": 2}\n" END, "{\"b\": 2}\n", NULL},
	{"a marker inside a line is not a marker", "echo " REPORT_BEGIN_MARKER "\n{}\n" END, NULL, "no report found"},
	{"empty capture", "", NULL, "no report found"},
	{"empty report", BEGIN END, NULL, "report at lines 1-2 is not valid JSON"},
	{"BEGIN at the very end", "firmware\n" REPORT_BEGIN_MARKER, NULL,
	 "truncated report (BEGIN at line 2 has no END)"},
};

static void test_marker_lines_are_matched_whole(void **state)
{
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(marker_cases); i++) {
		const struct marker_case *c = &marker_cases[i];
		struct extracted_report r;
		int status = extract_report(c->capture, strlen(c->capture), &r, error, sizeof(error));

		if (c->json && (status || strcmp(r.json, c->json)))
			fail_msg("%s: got \"%s\" (%s), expected \"%s\"", c->name, status ? "" : r.json, error, c->json);
		if (!c->json && (!status || !strstr(error, c->error)))
			fail_msg("%s: expected the error \"%s\", got status %d (%s)", c->name, c->error, status, error);
		free(r.json);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_captures_yield_the_last_complete_report),
		cmocka_unit_test(test_real_capture_holds_the_probe_results),
		cmocka_unit_test(test_escapes_mid_line_leave_exactly_the_clean_report),
		cmocka_unit_test(test_failing_captures_say_why_naming_the_file),
		cmocka_unit_test(test_clean_removes_terminal_control_and_nothing_else),
		cmocka_unit_test(test_marker_lines_are_matched_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
