/* The app's options: the same words from the UEFI shell and from options.txt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "host_sink.h"
#include "options.h"
#include "report.h"

#include <string.h>

static void test_defaults_power_off_after_a_countdown_and_write_files(void **state)
{
	struct options o;
	(void)state;
	options_defaults(&o);
	assert_true(options_parse("", &o));
	assert_int_equal(o.finish, FINISH_POWER_OFF);
	assert_int_equal(o.countdown_s, OPTIONS_DEFAULT_COUNTDOWN_S);
	assert_true(o.write_files);
	assert_false(o.help);
}

static void test_shell_command_line_skips_the_program_name(void **state)
{
	struct options o;
	(void)state;
	options_defaults(&o);
	assert_true(options_parse("fs0:\\EFI\\BOOT\\tscprobe.efi --wait-key --no-files", &o));
	assert_int_equal(o.finish, FINISH_WAIT_KEY);
	assert_false(o.write_files);
}

static void test_countdown_takes_seconds_and_options_txt_lines(void **state)
{
	struct options o;
	(void)state;
	options_defaults(&o);
	assert_true(options_parse("--countdown 0\r\n--return\n", &o));
	assert_int_equal(o.countdown_s, 0);
	assert_int_equal(o.finish, FINISH_RETURN);
}

/* A person at a screen gets time to read the last screen; an unattended run, or one that chose, does not wait. */
static void test_the_countdown_waits_for_a_reader_only_when_nobody_chose_one(void **state)
{
	static const struct {
		const char *args;
		unsigned on_screen, unattended;
	} cases[] = {
		{"", OPTIONS_READING_COUNTDOWN_S, OPTIONS_DEFAULT_COUNTDOWN_S},
		{"--countdown 0", 0, 0},
		{"--countdown 12", 12, 12},
		{"--power-off", OPTIONS_DEFAULT_COUNTDOWN_S, OPTIONS_DEFAULT_COUNTDOWN_S},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct options o;
		options_defaults(&o);
		assert_true(options_parse(cases[i].args, &o));
		assert_int_equal(options_countdown(&o, true), cases[i].on_screen);
		assert_int_equal(options_countdown(&o, false), cases[i].unattended);
	}
}

static void test_later_options_override_earlier_ones(void **state)
{
	struct options o;
	(void)state;
	options_defaults(&o);
	assert_true(options_parse("--countdown 9 --return", &o));                 /* options.txt */
	assert_true(options_parse("tscprobe.efi --countdown 2 --power-off", &o)); /* command line */
	assert_int_equal(o.countdown_s, 2);
	assert_int_equal(o.finish, FINISH_POWER_OFF);
}

static void test_quick_takes_a_short_window_and_no_idle_unless_a_window_is_given(void **state)
{
	struct options o;
	(void)state;
	options_defaults(&o);
	assert_false(o.quick);
	assert_true(options_parse("--quick", &o));
	assert_true(o.quick);
	assert_false(o.idle.enabled);
	assert_true(o.window_s == PROBE_QUICK_WINDOW_S);

	/* A window the user gave stands, before --quick or after it (options.txt, then the shell's line). */
	options_defaults(&o);
	assert_true(options_parse("--window 0.5", &o));
	assert_true(options_parse("--quick", &o));
	assert_true(o.window_s == 0.5);
	options_defaults(&o);
	assert_true(options_parse("--quick --window 2", &o));
	assert_true(o.window_s == 2.0);
	assert_true(o.quick);
}

static void test_bad_options_are_refused_with_a_reason(void **state)
{
	static const struct {
		const char *args, *reason;
	} bad[] = {
		{"--frobnicate", "unknown option '--frobnicate' (see --help)"},
		{"--countdown", "--countdown takes whole seconds from 0 to 3600"},
		{"--countdown soon", "--countdown takes whole seconds from 0 to 3600"},
		{"--countdown 99999999999", "--countdown takes whole seconds from 0 to 3600"},
		{"--countdown 3601", "--countdown takes whole seconds from 0 to 3600"},
		{"--help stray", "unknown option 'stray' (see --help)"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct options o;
		options_defaults(&o);
		assert_false(options_parse(bad[i].args, &o));
		assert_string_equal(o.error, bad[i].reason);
	}
}

/* A hypervisor's console window or a serial terminal is often 80 columns: the help must not wrap there. */
static void test_help_fits_80_columns(void **state)
{
	struct memory_sink help;
	unsigned lines = 0;
	(void)state;

	memory_sink_init(&help);
	options_usage(&help.sink);
	assert_false(help.failed);
	for (const char *line = help.data; *line; lines++) {
		const char *end = strchr(line, '\n');
		size_t length = end ? (size_t)(end - line) : strlen(line);
		if (length > 80)
			fail_msg("%zu columns: %.*s", length, (int)length, line);
		line += length + (end != NULL);
	}
	assert_true(lines > 10); /* every option is listed, not an empty text */
	memory_sink_free(&help);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_power_off_after_a_countdown_and_write_files),
		cmocka_unit_test(test_shell_command_line_skips_the_program_name),
		cmocka_unit_test(test_countdown_takes_seconds_and_options_txt_lines),
		cmocka_unit_test(test_later_options_override_earlier_ones),
		cmocka_unit_test(test_quick_takes_a_short_window_and_no_idle_unless_a_window_is_given),
		cmocka_unit_test(test_bad_options_are_refused_with_a_reason),
		cmocka_unit_test(test_help_fits_80_columns),
		cmocka_unit_test(test_the_countdown_waits_for_a_reader_only_when_nobody_chose_one),
	};
	return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
