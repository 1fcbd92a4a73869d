/* The report history's names and the test the app applies after a power cut: is this report file whole? */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "history.h"
#include "report.h"
#include "report_read.h"
#include "sink.h"
#include "testdata.h"

#define REPORT_BYTES (1u << 20)

static struct report report;
static char rendered[REPORT_BYTES];

static void test_run_numbers_come_from_run_json_names_in_any_case(void **state)
{
	(void)state;
	assert_int_equal(history_run_number("run-0001.json"), 1);
	assert_int_equal(history_run_number("RUN-0042.JSON"), 42);
	assert_int_equal(history_run_number("run-9999999.json"), HISTORY_RUN_LAST);
	assert_int_equal(history_run_number("run-12345.json"), 12345);
}

static void test_other_names_have_no_run_number(void **state)
{
	static const char *const names[] = {
		"run-0001.txt", "run-.json",      "run-0001.json.new", "latest.json",       "watch-0001.csv",
		"run-0001",     "xrun-0001.json", "run-00a1.json",     "run-12345678.json", "",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (history_run_number(names[i]))
			fail_msg("'%s' has run number %u", names[i], history_run_number(names[i]));
}

/* What the app's writers produce for a real report: whole as written, and not whole at any shorter length. */
static void check_whole_only_at_full_length(enum history_kind kind)
{
	char error[256];
	struct buffer_sink out;

	if (report_read_file(testdata_path("reports/sim-kvm-hyperv.json"), &report, error, sizeof(error)))
		fail_msg("fixture: %s", error);
	buffer_sink_init(&out, rendered, sizeof(rendered));
	if (kind == HISTORY_JSON)
		report_write_json(&report, &out.sink);
	else
		report_write_text(&report, &out.sink);
	assert_false(out.truncated);
	size_t length = strlen(rendered);
	assert_true(length > 1000);
	assert_true(history_file_whole(kind, rendered, length, length));
	/* A cut write leaves an empty file; any other shorter length must not pass for whole either, except
	 * where a text report's line ends, which the text cannot tell from its end. */
	assert_false(history_file_whole(kind, rendered, 0, 0));
	for (size_t cut = 1; cut < length; cut++) {
		bool whole = history_file_whole(kind, rendered, cut, cut);
		if (whole && (kind == HISTORY_JSON || rendered[cut - 1] != '\n'))
			fail_msg("%s cut to %zu of %zu bytes passes for whole", kind == HISTORY_JSON ? "JSON" : "text",
				 cut, length);
	}
}

static void test_a_json_report_is_whole_only_as_written(void **state)
{
	(void)state;
	check_whole_only_at_full_length(HISTORY_JSON);
}

static void test_a_text_report_is_whole_as_written(void **state)
{
	(void)state;
	check_whole_only_at_full_length(HISTORY_TEXT);
}

static void test_a_file_read_short_is_not_whole(void **state)
{
	static const char json[] = "{\n}\n";
	(void)state;
	assert_true(history_file_whole(HISTORY_JSON, json, 4, 4));
	/* The tail read back is shorter than the size the directory entry claims: a broken cluster chain. */
	assert_false(history_file_whole(HISTORY_JSON, json, 4, 0));
	assert_false(history_file_whole(HISTORY_JSON, json, 4, 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_numbers_come_from_run_json_names_in_any_case),
		cmocka_unit_test(test_other_names_have_no_run_number),
		cmocka_unit_test(test_a_json_report_is_whole_only_as_written),
		cmocka_unit_test(test_a_text_report_is_whole_as_written),
		cmocka_unit_test(test_a_file_read_short_is_not_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
