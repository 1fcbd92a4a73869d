/* tscprobe, the host CLI: one table of commands, each doing one job and saying in one line what went wrong. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "report_read.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the command's name */
	const char *arguments;             /* synopsis after the name */
	const char *help;                  /* one line */
	const char *options;               /* one line each, indented */
};

static const struct command commands[] = {
	{"sim", simulate_command, SIM_ARGUMENTS, SIM_HELP, SIM_OPTIONS},
	{"show", show_command, SHOW_ARGUMENTS, SHOW_HELP, SHOW_OPTIONS},
	{"compare", compare_command, COMPARE_ARGUMENTS, COMPARE_HELP, COMPARE_OPTIONS},
	{"extract", extract_command, EXTRACT_ARGUMENTS, EXTRACT_HELP, EXTRACT_OPTIONS},
	{"plot", plot_command, PLOT_ARGUMENTS, PLOT_HELP, PLOT_OPTIONS},
	{"check", check_command, CHECK_ARGUMENTS, CHECK_HELP, CHECK_OPTIONS},
	{"smbios", smbios_command, SMBIOS_ARGUMENTS, SMBIOS_HELP, SMBIOS_OPTIONS},
};
#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

/* 80 columns: each command's synopsis on its line, its help indented below it. */
static void usage(FILE *out)
{
	fprintf(out, "usage: tscprobe COMMAND [ARGUMENT]...\n\nCommands:\n");
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		fprintf(out, "  %s %s\n      %s\n", commands[i].name, commands[i].arguments, commands[i].help);
	fprintf(out, "\nOptions:\n  --help     this text; 'tscprobe COMMAND --help' for one command's options\n"
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
	fprintf(out, "usage: tscprobe %s %s\n%s\n", c->name, c->arguments, c->help);
	if (c->options[0])
		fprintf(out, "\nOptions:\n%s", c->options);
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
