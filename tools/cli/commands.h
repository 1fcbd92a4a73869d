/* The host CLI's commands, one file each in tools/cli/ named after the command: synopsis, help line, entry. */
#ifndef TSCPROBE_COMMANDS_H
#define TSCPROBE_COMMANDS_H

#include <stdbool.h>

/* Usage and input errors alike, as cmp and diff do; 1 stays free for "differences found". */
#define EXIT_ERROR 2

/* Each command takes its own name as argv[0] and returns the process's exit status. */

#define SHOW_ARGUMENTS "REPORT [--format text|md|csv|html|svg] [-o OUT]"
#define SHOW_HELP "print a report (JSON, or a serial capture holding one) as text, or as a one-column table"
/* The text report, or a one-column table in another format. */
int show_command(int argc, char **argv);

#define COMPARE_ARGUMENTS \
	"REPORT... [--format text|md|csv|html|svg] [--label NAME=FILE] [--width N] [--title T] [-o OUT]"
#define COMPARE_HELP \
	"compare reports side by side: one column each, as text, Markdown, CSV, HTML with charts, or the charts as SVG"
/* Exit 0, or 2 with one line on stderr and nothing written. */
int compare_command(int argc, char **argv);

/* What show shares with compare: many is false for show (one REPORT, as the report's own text by default). */
int compare_run(int argc, char **argv, bool many, const char *synopsis);

#define EXTRACT_ARGUMENTS "SERIAL.log [-o OUT.json]"
#define EXTRACT_HELP "take the last JSON report out of a serial capture"
int extract_command(int argc, char **argv);

#define SIM_ARGUMENTS                                                                                           \
	"SCENARIO.json [--json F] [--text F] [--window S] [--edge-window S] [--seed N] [--no-idle] [--watch D " \
	"[--watch-interval S] [--watch-busy] [--csv F]]"
#define SIM_HELP "run the probe on a simulated machine and write its report (text to stdout by default)"
int simulate_command(int argc, char **argv);

#define PLOT_ARGUMENTS "WATCH.csv [-o drift.svg] [--title T] [--series A,B]"
#define PLOT_HELP "draw a drift watch's CSV as an SVG chart (to stdout by default)"
/* The SVG goes to stdout without -o. */
int plot_command(int argc, char **argv);

#define SMBIOS_ARGUMENTS "DUMP"
#define SMBIOS_HELP "decode an SMBIOS dump (dmidecode --dump-bin) as the probe does: versions, strings, problems"
/* Exit 0 when the dump holds a valid table, 1 when it does not (the problems say why), 2 on a usage error. */
int smbios_command(int argc, char **argv);

#endif
