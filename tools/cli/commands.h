/* The host CLI's commands, one file each in tools/cli/ named after the command: synopsis, help line, entry. */
#ifndef TSCPROBE_COMMANDS_H
#define TSCPROBE_COMMANDS_H

#include <stdbool.h>

/* Usage and input errors alike, as cmp and diff do; 1 stays free for "differences found". */
#define EXIT_ERROR 2

/* Each command takes its own name as argv[0] and returns the process's exit status. */

/*
 * Each command's help, for 80 columns: ARGUMENTS is the synopsis after its name, HELP one line of at most 72
 * characters, OPTIONS its options one per line, indented, each line at most 80 columns (tests/unit/test_cli.c).
 */
#define SHOW_ARGUMENTS "REPORT [OPTION]..."
#define SHOW_HELP "print a report (JSON, or a serial capture holding one) as text or a table"
#define SHOW_OPTIONS                                                                       \
	"  --format F    text (the report's own text; the default), md, csv, html, svg,\n" \
	"                or summary (the verdicts, as the app's last screen shows them)\n" \
	"  -o OUT        write to OUT instead of stdout\n"
/* The text report, or a one-column table in another format. */
int show_command(int argc, char **argv);

#define COMPARE_ARGUMENTS "REPORT... [OPTION]..."
#define COMPARE_HELP "compare reports side by side, one column each"
#define COMPARE_OPTIONS                                                               \
	"  --format F        text (default), md, csv, html (with charts) or svg\n"    \
	"  --label NAME=FILE title FILE's column NAME\n"                              \
	"  --width N         text width (default: the terminal's, $COLUMNS or 100)\n" \
	"  --title T         the table's title\n"                                     \
	"  -o OUT            write to OUT instead of stdout\n"
/* Exit 0, or 2 with one line on stderr and nothing written. */
int compare_command(int argc, char **argv);

/* What show shares with compare: many is false for show (one REPORT, as the report's own text by default). */
int compare_run(int argc, char **argv, bool many, const char *synopsis);

#define EXTRACT_ARGUMENTS "SERIAL.log [-o OUT.json]"
#define EXTRACT_HELP "take the last JSON report out of a serial capture"
#define EXTRACT_OPTIONS "  -o OUT.json   write to OUT.json instead of stdout\n"
int extract_command(int argc, char **argv);

#define SIM_ARGUMENTS "SCENARIO.json [OPTION]..."
#define SIM_HELP "run the probe on a simulated machine and write its report"
#define SIM_OPTIONS                                                                         \
	"  --json F            write the JSON report to F\n"                                \
	"  --text F            write the text report to F (stdout when neither is given)\n" \
	"  --window S          window per counter reference, in seconds (default 1)\n"      \
	"  --edge-window S     window for the RTC and UEFI time (default 3, at least 2)\n"  \
	"  --seed N            the scenario's random seed, for jitter\n"                    \
	"  --no-idle           skip the idle experiments\n"                                 \
	"  --quick             the best counter reference alone, 0.25 s, no idle\n"         \
	"  --sequential        the references one after another, not in one window\n"       \
	"  --watch D           then watch every clock's drift for D (300s, 5m, 2h)\n"       \
	"  --watch-interval S  seconds between watch samples (default 10)\n"                \
	"  --watch-busy        busy-wait between watch samples instead of HLT\n"            \
	"  --csv F             write the watch's samples to F as CSV\n"
int simulate_command(int argc, char **argv);

#define PLOT_ARGUMENTS "WATCH.csv [OPTION]..."
#define PLOT_HELP "draw a drift watch's CSV as an SVG chart"
#define PLOT_OPTIONS                                               \
	"  -o OUT        write the SVG to OUT instead of stdout\n" \
	"  --title T     the chart's title\n"                      \
	"  --series A,B  only these series (by name; default: every one)\n"
/* The SVG goes to stdout without -o. */
int plot_command(int argc, char **argv);

#define CHECK_ARGUMENTS "REPORT... [OPTION]..."
#define CHECK_HELP "a CI gate: one line per report; exit 0 if all pass, 1 if one fails"
#define CHECK_OPTIONS                                                                  \
	"  --fail-on W   fail on a verdict of fail (the default) or warn and worse\n"  \
	"  --require ID  this verdict must be there and pass: a verdict id, a claim\n" \
	"                (kvmclock.4b564d01) or a claim source (kvmclock); repeatable\n"
/* Exit 0 when every report passes, 1 when one fails, 2 on bad usage or an unreadable report. */
int check_command(int argc, char **argv);

#define SMBIOS_ARGUMENTS "DUMP"
#define SMBIOS_HELP "decode an SMBIOS dump (dmidecode --dump-bin) as the probe does"
#define SMBIOS_OPTIONS ""
/* Exit 0 when the dump holds a valid table, 1 when it does not (the problems say why), 2 on a usage error. */
int smbios_command(int argc, char **argv);

#endif
