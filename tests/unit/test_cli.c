/* The host CLI's help, as a person reads it in an 80-column terminal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "commands.h"

static const struct {
	const char *name, *arguments, *help, *options;
} commands[] = {
	{"sim", SIM_ARGUMENTS, SIM_HELP, SIM_OPTIONS},
	{"show", SHOW_ARGUMENTS, SHOW_HELP, SHOW_OPTIONS},
	{"compare", COMPARE_ARGUMENTS, COMPARE_HELP, COMPARE_OPTIONS},
	{"extract", EXTRACT_ARGUMENTS, EXTRACT_HELP, EXTRACT_OPTIONS},
	{"plot", PLOT_ARGUMENTS, PLOT_HELP, PLOT_OPTIONS},
	{"check", CHECK_ARGUMENTS, CHECK_HELP, CHECK_OPTIONS},
	{"smbios", SMBIOS_ARGUMENTS, SMBIOS_HELP, SMBIOS_OPTIONS},
};

/* Every line of text at most limit columns; the number of lines. */
static unsigned assert_lines_fit(const char *command, const char *text, size_t limit)
{
	unsigned lines = 0;
	for (const char *line = text; *line; lines++) {
		const char *end = strchr(line, '\n');
		size_t length = end ? (size_t)(end - line) : strlen(line);
		if (length > limit)
			fail_msg("%s: %zu columns (at most %zu): %.*s", command, length, limit, (int)length, line);
		line += length + (end != NULL);
	}
	return lines;
}

static void test_every_synopsis_and_help_line_fits_80_columns(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		/* "usage: tscprobe NAME ARGUMENTS" and, in the command list, "  NAME ARGUMENTS". */
		size_t usage =
			strlen("usage: tscprobe ") + strlen(commands[i].name) + 1 + strlen(commands[i].arguments);
		if (usage > 80)
			fail_msg("%s: the usage line is %zu columns", commands[i].name, usage);
		/* Indented by six under its command in `tscprobe --help`. */
		assert_lines_fit(commands[i].name, commands[i].help, 74);
		assert_lines_fit(commands[i].name, commands[i].options, 80);
	}
}

/* Each option line names an option first, or continues the one above, indented further: a reader scanning the
 * left edge finds every option. */
static void test_every_option_line_starts_with_an_option(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (commands[i].options[0] && strncmp(commands[i].options, "  -", 3) != 0)
			fail_msg("%s: the options do not start with one", commands[i].name);
		for (const char *line = commands[i].options; *line;) {
			if (strncmp(line, "  -", 3) != 0 && strncmp(line, "      ", 6) != 0)
				fail_msg("%s: neither an option nor its continuation: %.40s", commands[i].name, line);
			const char *end = strchr(line, '\n');
			assert_non_null(end); /* every line ends, the last one too */
			line = end + 1;
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_synopsis_and_help_line_fits_80_columns),
		cmocka_unit_test(test_every_option_line_starts_with_an_option),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
