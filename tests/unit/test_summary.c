/* The last screen: the verdicts, worst first, fitted to a console of any size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "host_sink.h"
#include "report.h"

static struct report report;

static int six_verdicts(void **state)
{
	static const struct {
		enum severity severity;
		const char *message;
	} verdicts[] = {
		{SEVERITY_FAIL, "KVM kvmclock (pvclock scale) claims 3478.274 MHz; measured 3400.109 MHz (+2.30 %): a "
				"guest trusting it runs slow: loses 6.74 s every 5 min (1941.6 s per day)"},
		{SEVERITY_WARN, "No invariant TSC is advertised: a guest cannot trust the TSC across idle states"},
		{SEVERITY_INFO, "MWAIT is not offered by the hypervisor"},
		{SEVERITY_INFO, "Only the KVM kvmclock states a TSC frequency"},
		{SEVERITY_PASS, "The TSC runs at 3400.108996 MHz +/- 0.073 ppm (by the ACPI PM timer)"},
		{SEVERITY_PASS, "HLT C1: the TSC keeps counting"},
	};
	(void)state;
	memset(&report, 0, sizeof(report));
	strcpy(report.tool_version, "test");
	for (size_t i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++) {
		struct verdict *v = &report.verdicts[report.verdict_count++];
		v->severity = verdicts[i].severity;
		snprintf(v->message, sizeof(v->message), "%s", verdicts[i].message);
	}
	return 0;
}

/* The summary at columns x max_lines; every line checked against the width, the line count returned. */
static unsigned summary(unsigned columns, unsigned max_lines, struct memory_sink *out)
{
	memory_sink_init(out);
	unsigned written = report_write_summary(&report, &out->sink, columns, max_lines);
	assert_false(out->failed);
	unsigned lines = 0;
	for (const char *line = out->data; *line; lines++) {
		const char *end = strchr(line, '\n');
		assert_non_null(end);
		if ((size_t)(end - line) > columns)
			fail_msg("%zu columns, at most %u: %.*s", (size_t)(end - line), columns, (int)(end - line),
				 line);
		line = end + 1;
	}
	assert_int_equal(lines, written);
	assert_true(lines <= max_lines);
	return lines;
}

static void test_everything_shows_on_a_screen_that_holds_it(void **state)
{
	struct memory_sink out;
	(void)state;
	unsigned lines = summary(80, 50, &out);
	assert_true(lines >= 2 + 6);
	assert_non_null(strstr(out.data, "  FAIL  KVM kvmclock"));
	assert_non_null(strstr(out.data, "  PASS  HLT C1"));
	assert_null(strstr(out.data, "more in the full report"));
	/* Worst first: the FAIL before the WARN before the PASSes. */
	assert_true(strstr(out.data, "FAIL") < strstr(out.data, "WARN"));
	assert_true(strstr(out.data, "WARN") < strstr(out.data, "PASS"));
	memory_sink_free(&out);
}

static void test_a_small_screen_keeps_the_worst_and_counts_the_rest(void **state)
{
	struct memory_sink out;
	(void)state;
	/* At 40 columns the title takes two lines, the FAIL six, the count two: with a blank, the WARN's three do not fit. */
	summary(40, 12, &out);
	assert_non_null(strstr(out.data, "  FAIL  KVM kvmclock"));
	assert_null(strstr(out.data, "WARN  "));
	assert_non_null(strstr(out.data, "  and 5 more in the full report: 1 warn\n  2 info 2 pass\n"));
	memory_sink_free(&out);
}

static void test_wrapping_keeps_long_words_whole_and_indents_under_the_text(void **state)
{
	struct memory_sink out;
	(void)state;
	memory_sink_init(&out);
	assert_int_equal(sink_wrapped(&out.sink, "  FAIL  ", "one two three", 16), 2);
	assert_string_equal(out.data, "  FAIL  one two\n        three\n");
	memory_sink_free(&out);
	memory_sink_init(&out);
	assert_int_equal(sink_wrapped(&out.sink, "> ", "short averyveryverylongword end", 10), 3);
	assert_string_equal(out.data, "> short\n  averyveryverylongword\n  end\n");
	memory_sink_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_everything_shows_on_a_screen_that_holds_it, six_verdicts),
		cmocka_unit_test_setup(test_a_small_screen_keeps_the_worst_and_counts_the_rest, six_verdicts),
		cmocka_unit_test(test_wrapping_keeps_long_words_whole_and_indents_under_the_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
