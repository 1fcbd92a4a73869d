/* tscprobe, the host CLI: one table of commands, each doing one job and saying in one line what went wrong. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "extract.h"
#include "host_sink.h"
#include "plot.h"
#include "report_read.h"
#include "simulate.h"

/* Usage and input errors alike, as cmp and diff do; 1 stays free for "differences found". */
#define EXIT_ERROR 2
#define ERROR_BYTES 512

struct command {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the command's name */
	const char *arguments;             /* synopsis after the name */
	const char *help;                  /* one line */
};

static int extract_command(int argc, char **argv);

static const struct command commands[] = {
	{"show", compare_show_command, "REPORT [--format text|md|csv|html|svg] [-o OUT]",
	 "print a report (JSON, or a serial capture holding one) as text, or as a one-column table"},
	{"compare", compare_command, COMPARE_ARGUMENTS,
	 "compare reports side by side: one column each, as text, Markdown, CSV, HTML with charts, or the charts as SVG"},
	{"extract", extract_command, "SERIAL.log [-o OUT.json]", "take the last JSON report out of a serial capture"},
	{"sim", simulate_command,
	 "SCENARIO.json [--json F] [--text F] [--window S] [--edge-window S] [--seed N] [--no-idle] [--watch D "
	 "[--watch-interval S] [--watch-busy] [--csv F]]",
	 "run the probe on a simulated machine and write its report (text to stdout by default)"},
	{"plot", plot_command, PLOT_ARGUMENTS, "draw a drift watch's CSV as an SVG chart (to stdout by default)"},
};
#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	int width = 0;

	for (size_t i = 0; i < COMMAND_COUNT; i++) {
		int w = (int)(strlen(commands[i].name) + 1 + strlen(commands[i].arguments));
		width = w > width ? w : width;
	}
	fprintf(out, "usage: tscprobe COMMAND ARGUMENTS...\n\nCommands:\n");
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		fprintf(out, "  %s %-*s  %s\n", commands[i].name, width - (int)strlen(commands[i].name) - 1,
			commands[i].arguments, commands[i].help);
	fprintf(out, "\nOptions:\n  --help     this text; COMMAND --help for one command\n"
		     "  --version  the tool's version and the report schema it reads\n");
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void command_usage(const struct command *c, FILE *out)
{
	fprintf(out, "usage: tscprobe %s %s\n  %s\n", c->name, c->arguments, c->help);
}

static int usage_error(const char *command_name, const char *problem)
{
	fprintf(stderr, "tscprobe: %s: %s\n", command_name, problem);
	command_usage(find_command(command_name), stderr);
	return EXIT_ERROR;
}

/* Errors arrive as "FILE: what is wrong". */
static int error_exit(const char *error)
{
	fprintf(stderr, "tscprobe: %s\n", error);
	return EXIT_ERROR;
}

static int extract_command(int argc, char **argv)
{
	const char *capture = NULL, *destination = NULL;
	struct extracted_report report;
	char error[ERROR_BYTES];
	struct output out;
	int status = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o")) {
			if (++i == argc)
				return usage_error(argv[0], "-o needs a file name");
			destination = argv[i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			char problem[64];
			snprintf(problem, sizeof(problem), "unknown option %.40s", argv[i]);
			return usage_error(argv[0], problem);
		} else if (capture) {
			return usage_error(argv[0], "expected one SERIAL.log");
		} else {
			capture = argv[i];
		}
	}
	if (!capture)
		return usage_error(argv[0], "expected one SERIAL.log");

	if (extract_report_file(capture, &report, error, sizeof(error)))
		return error_exit(error);
	if (report.truncated_begin_line)
		fprintf(stderr,
			"tscprobe: %s: warning: the report at line %u has no END (cut off); "
			"using the one at lines %u-%u\n",
			capture, report.truncated_begin_line, report.begin_line, report.end_line);
	if (output_open(&out, destination, error, sizeof(error))) {
		status = error_exit(error);
	} else {
		out.out.sink.write(&out.out.sink, report.json, report.length);
		if (output_close(&out, error, sizeof(error)))
			status = error_exit(error);
	}
	free(report.json);
	return status;
}

int main(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2) {
		usage(stderr);
		return EXIT_ERROR;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("tscprobe %s (reads report schema %s)\n", TSCPROBE_VERSION, REPORT_SCHEMA);
		return 0;
	}
	c = find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "tscprobe: unknown command '%s'\n\n", argv[1]);
		usage(stderr);
		return EXIT_ERROR;
	}
	if (argc == 3 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
		command_usage(c, stdout);
		return 0;
	}
	return c->run(argc - 1, argv + 1);
}
