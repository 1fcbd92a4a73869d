/* tscprobe plot: a watch CSV read strictly, drawn as well-formed, self-contained SVG with one line per series. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "plot.h"
#include "testdata.h"
#include "xml_check.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static char svg[1 << 20];
static char error[512];
static struct watch_csv csv;

/* Three series a thousand-fold apart: the TSC by ns, the kvmclock and a clock trusting its claim by ms. */
static const char small_csv[] = "elapsed_s,tsc_offset_s,kvmclock_offset_s,claim.kvmclock_offset_s\n"
				"0.000000,0.000000000,0.000000000,0.000000000\n"
				"10.000000,0.000000100,-0.224700000,-0.224900000\n"
				"20.000000,0.000000150,-0.449400000,-0.449800000\n";

static void parse(const char *text, size_t length)
{
	watch_csv_free(&csv);
	if (watch_csv_parse(text, length, "w.csv", &csv, error, sizeof(error)))
		fail_msg("refused: %s", error);
}

/* The chart of the series in list (NULL: all), into svg. */
static const char *draw(const char *list, const char *title)
{
	struct plot_settings settings = {.title = title};
	struct buffer_sink b;

	if (plot_choose_series(&csv, list, &settings, error, sizeof(error)))
		fail_msg("--series %s refused: %s", list, error);
	buffer_sink_init(&b, svg, sizeof(svg));
	plot_write_svg(&csv, &settings, &b.sink);
	assert_false(b.truncated);
	return svg;
}

static size_t count(const char *text, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void assert_contains(const char *text, const char *needle)
{
	if (!strstr(text, needle))
		fail_msg("\"%s\" is not in the SVG", needle);
}

static void test_the_xml_checker_knows_well_formed_from_not(void **state)
{
	static const struct {
		const char *xml, *problem;
	} cases[] = {
		{"<a/>", NULL},
		{"<?xml version=\"1.0\"?>\n<a b=\"1\" c='2'><d>x &amp; &#955;</d>\n</a>\n", NULL},
		{"<a>", "an element not closed"},
		{"<a></b>", "an end tag that closes nothing open"},
		{"<a b=1/>", "an attribute value without quotes"},
		{"<a b=\"1\" b=\"2\"/>", "an attribute twice"},
		{"<a b=\"1\"c=\"2\"/>", "an attribute without space before it"},
		{"<a b=\"<\"/>", "an attribute value not closed"},
		{"<a>&nbsp;</a>", "a stray '&'"},
		{"<a>\x01</a>", "a control character"},
		{"<a/><b/>", "a second root element"},
		{"text<a/>", "text outside the root element"},
		{"<a", "a tag not closed"},
		{"", "no root element"},
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *problem = xml_check(cases[i].xml);
		if (problem != cases[i].problem && (!problem || !cases[i].problem || strcmp(problem, cases[i].problem)))
			fail_msg("\"%s\": \"%s\", expected \"%s\"", cases[i].xml, problem ? problem : "well-formed",
				 cases[i].problem ? cases[i].problem : "well-formed");
	}
}

/* ---- the chart ------------------------------------------------------------------------------- */

static void test_one_line_per_series_and_every_name_in_the_legend(void **state)
{
	(void)state;

	parse(small_csv, strlen(small_csv));
	assert_int_equal(csv.series_count, 3);
	assert_int_equal(csv.rows, 3);
	draw(NULL, "Drift watch");
	assert_well_formed(svg);
	assert_int_equal(count(svg, "<polyline "), 3);
	assert_int_equal(count(svg, "</polyline>"), 3);
	assert_contains(svg, "<title>tsc</title></polyline>");
	assert_contains(svg, ">tsc</text>");
	assert_contains(svg, ">kvmclock</text>");
	assert_contains(svg, ">claim.kvmclock</text>");
	/* Each series' final offset, in its own unit: the flat line at this scale still says what it is. */
	assert_contains(svg, "final offset +150.0 ns</text>");
	assert_contains(svg, "final offset −449.4 ms</text>");
	assert_contains(svg, "final offset −449.8 ms</text>");
	assert_contains(svg, "offset from the reference (ms)</text>");
	assert_contains(svg, "elapsed time by the reference (s)</text>");
	assert_contains(svg, ">−400</text>"); /* a y tick, with a real minus sign */
	assert_contains(svg, ">20</text>");   /* the last x tick */
}

/* No scripts, links or fonts from elsewhere; colours for light and dark from the viewer's own setting. */
static void test_the_chart_is_self_contained_and_follows_the_colour_scheme(void **state)
{
	static const char *const forbidden[] = {"<script",    "href",   "url(",          "@import",
						"@font-face", "<image", "<foreignObject"};
	(void)state;

	parse(small_csv, strlen(small_csv));
	draw(NULL, "Drift watch");
	for (size_t i = 0; i < ARRAY_SIZE(forbidden); i++)
		if (strstr(svg, forbidden[i]))
			fail_msg("the SVG has %s", forbidden[i]);
	assert_contains(svg, "<style>");
	assert_contains(svg, "@media (prefers-color-scheme: dark){");
	assert_contains(svg, "font-family:sans-serif");
	static const char start[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" ";
	assert_memory_equal(svg, start, sizeof(start) - 1);
}

/* --series draws the chosen ones, in that order, on a scale of their own. */
static void test_series_are_chosen_by_name(void **state)
{
	struct plot_settings settings;
	(void)state;

	parse(small_csv, strlen(small_csv));
	draw("tsc", "t");
	assert_int_equal(count(svg, "<polyline "), 1);
	assert_contains(svg, "offset from the reference (ns)</text>");
	draw("claim.kvmclock,tsc", "t");
	assert_int_equal(count(svg, "<polyline "), 2);
	assert_true(strstr(svg, "<title>claim.kvmclock</title>") < strstr(svg, "<title>tsc</title>"));

	assert_int_equal(plot_choose_series(&csv, "tsc,nope", &settings, error, sizeof(error)), -1);
	assert_string_equal(error, "--series: no series \"nope\" (the watch has tsc, kvmclock, claim.kvmclock)");
	assert_int_equal(plot_choose_series(&csv, "kvmclock,tsc,kvmclock", &settings, error, sizeof(error)), -1);
	assert_string_equal(error, "--series: \"kvmclock\" named twice");
	assert_int_equal(plot_choose_series(&csv, "", &settings, error, sizeof(error)), -1);
	assert_string_equal(error, "--series: no series \"\" (the watch has tsc, kvmclock, claim.kvmclock)");
}

/* The title is the user's text: markup escaped, what XML cannot carry replaced. */
static void test_the_title_is_escaped(void **state)
{
	(void)state;

	parse(small_csv, strlen(small_csv));
	draw(NULL, "<b>VirtualBox & \"KVM\"</b>\x01 \xff\xc3\xa9 \xed\xa0\x80");
	assert_well_formed(svg);
	assert_contains(
		svg,
		"<title id=\"plot-title\">&lt;b&gt;VirtualBox &amp; &quot;KVM&quot;&lt;/b&gt;? ?\xc3\xa9 \?\?\?</title>");
}

/* One sample, or nothing but zeros: still an axis with ticks, no NaN or infinity anywhere. */
static void test_degenerate_watches_still_draw(void **state)
{
	static const char *const cases[] = {
		"elapsed_s,tsc_offset_s\n0.000000,0.000000000\n",
		"elapsed_s,tsc_offset_s\n0,0\n10,0\n20,0\n",
		"elapsed_s,tsc_offset_s\n5,0.000000000001\n",
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		parse(cases[i], strlen(cases[i]));
		draw(NULL, "t");
		assert_well_formed(svg);
		assert_null(strstr(svg, "nan"));
		assert_null(strstr(svg, "inf"));
		assert_int_equal(count(svg, "<polyline "), 1);
		assert_true(count(svg, "class=\"grid\"") + count(svg, "class=\"zero\"") >= 4);
	}
}

/* A day at one sample a second: at most two points per pixel column, and a one-sample spike survives. */
static void test_a_long_watch_stays_small_and_keeps_its_spikes(void **state)
{
	enum { ROWS = 86400, SPIKE_ROW = 43210 };
	size_t capacity = ROWS * 32 + 64, length = 0;
	char *text = malloc(capacity);
	double first_y = 0, lowest_y = 1e9;
	size_t points = 0;
	(void)state;

	assert_non_null(text);
	length += (size_t)snprintf(text, capacity, "elapsed_s,hpet_offset_s\n");
	for (int r = 0; r < ROWS; r++)
		length += (size_t)snprintf(text + length, capacity - length, "%d.000000,%.9f\n", r,
					   r == SPIKE_ROW ? 0.001 : (r % 2 ? 1e-6 : -1e-6));
	parse(text, length);
	free(text);
	draw(NULL, "A day");
	assert_well_formed(svg);
	assert_contains(svg, "elapsed time by the reference (h)</text>");

	const char *p = strstr(svg, "points=\"") + strlen("points=\"");
	while (*p != '"') {
		double x, y;
		int used;
		assert_int_equal(sscanf(p, "%lf,%lf %n", &x, &y, &used), 2);
		if (points++ == 0)
			first_y = y;
		lowest_y = y < lowest_y ? y : lowest_y;
		p += used;
	}
	assert_true(points <= 2 * 960);
	assert_true(points > 500);
	assert_true(lowest_y < first_y - 200); /* the 1 ms spike reaches up the chart; the µs noise stays on the axis */
}

/* ---- reading the CSV ------------------------------------------------------------------------- */

/* What core/watch.c wrote in tscprobe sim tests/data/scenarios/virtualbox-5.0-kvm.json --watch 5m. */
static void test_reads_the_csv_sim_wrote(void **state)
{
	static const char *const names[] = {"tsc", "rtc", "pit", "uefi_time", "kvmclock", "claim.kvmclock.4b564d01"};
	(void)state;

	watch_csv_free(&csv);
	if (watch_csv_read_file(testdata_path("reports/sim-virtualbox-5.0-kvm-watch.csv"), &csv, error, sizeof(error)))
		fail_msg("%s", error);
	assert_int_equal(csv.series_count, ARRAY_SIZE(names));
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		assert_string_equal(csv.names[i], names[i]);
	assert_int_equal(csv.rows, 31);
	assert_true(csv.values[0] == 0.000006);
	draw(NULL, "VirtualBox 5.0, KVM provider");
	assert_well_formed(svg);
	assert_int_equal(count(svg, "<polyline "), 6);
	assert_contains(svg, ">claim.kvmclock.4b564d01</text>");
	/* The kvmclock and the clock trusting its claim both end 6.742 s behind, each note after its name. */
	const char *kvmclock_note = strstr(svg, "final offset −6.742 s</text>");
	assert_non_null(kvmclock_note);
	assert_true(strstr(svg, ">kvmclock</text>") < kvmclock_note);
	assert_true(strstr(svg, ">claim.kvmclock.4b564d01</text>") <
		    strstr(kvmclock_note + 1, "final offset −6.742 s</text>"));
	assert_contains(svg, "final offset −3.043 µs</text>"); /* the TSC's own series */
}

/* Line ends of either kind, with or without the last one, read the same. */
static void test_line_ends_of_either_kind_read_the_same(void **state)
{
	static const char *const texts[] = {
		"elapsed_s,tsc_offset_s\n0,0.5\n10,-1.25\n",
		"elapsed_s,tsc_offset_s\r\n0,0.5\r\n10,-1.25\r\n",
		"elapsed_s,tsc_offset_s\n0,0.5\n10,-1.25",
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
		parse(texts[i], strlen(texts[i]));
		assert_int_equal(csv.rows, 2);
		assert_string_equal(csv.names[0], "tsc");
		assert_true(csv.values[1] == 0.5 && csv.values[2] == 10 && csv.values[3] == -1.25);
	}
}

struct bad_csv {
	const char *text;
	size_t length; /* NUL bytes included */
	const char *message;
};
#define BAD(text, message)                      \
	{                                       \
		text, sizeof(text) - 1, message \
	}
#define HEADER "elapsed_s,tsc_offset_s\n"

static const struct bad_csv bad_csvs[] = {
	BAD("", "w.csv:1: empty, not a drift watch CSV"),
	BAD("time,tsc_offset_s\n0,0\n",
	    "w.csv:1: not a drift watch CSV: the header must start with elapsed_s, (it starts \"time,tsc_offset_s\")"),
	BAD("elapsed_s\n0\n",
	    "w.csv:1: not a drift watch CSV: the header must start with elapsed_s, (it starts \"elapsed_s\")"),
	BAD("{\"schema\": \"tscprobe/1\"}\n", "w.csv:1: not a drift watch CSV"),
	BAD("elapsed_s,tsc\n0,0\n", "w.csv:1: column 2, \"tsc\": not a <series>_offset_s column"),
	BAD("elapsed_s,tsc_offset_s,\n0,0,0\n", "w.csv:1: column 3, \"\": not a <series>_offset_s column"),
	BAD("elapsed_s,_offset_s\n0,0\n", "w.csv:1: column 2: no series name before _offset_s"),
	BAD("elapsed_s,tsc_offset_s,pit_offset_s,tsc_offset_s\n",
	    "w.csv:1: column 4: series \"tsc\" again (first in column 2)"),
	BAD("elapsed_s,claim.hyperv_reference_tsc_page.40000021_abcdefg_offset_s\n",
	    "w.csv:1: column 2: a series name of 48 characters, more than the 47 this tool holds"),
	BAD(HEADER, "w.csv:2: no samples after the header"),
	BAD(HEADER "0,0\n10\n", "w.csv:3: 1 field, expected 2 as in the header"),
	BAD(HEADER "0,0\n10,0,0\n", "w.csv:3: 3 fields, expected 2 as in the header"),
	BAD(HEADER "0,0\n\n10,0\n", "w.csv:3: 1 field, expected 2 as in the header"),
	BAD(HEADER "0,0\n10,abc\n", "w.csv:3: column 2 (tsc_offset_s): \"abc\" is not a number"),
	BAD(HEADER "0,\n", "w.csv:2: column 2 (tsc_offset_s): \"\" is not a number"),
	BAD(HEADER "0, 1\n", "w.csv:2: column 2 (tsc_offset_s): \" 1\" is not a number"),
	BAD(HEADER "0,1 \n", "w.csv:2: column 2 (tsc_offset_s): \"1 \" is not a number"),
	BAD(HEADER "zero,0\n", "w.csv:2: column 1 (elapsed_s): \"zero\" is not a number"),
	BAD(HEADER "0,nan\n", "w.csv:2: column 2 (tsc_offset_s): \"nan\" is not a finite number"),
	BAD(HEADER "0,-inf\n", "w.csv:2: column 2 (tsc_offset_s): \"-inf\" is not a finite number"),
	BAD(HEADER "0,1e300\n", "w.csv:2: column 2 (tsc_offset_s): \"1e300\" is out of range (beyond +/-1e+15)"),
	BAD(HEADER "0,0\n10,0\n5,0\n", "w.csv:4: elapsed_s 5 is not after the previous row's 10"),
	BAD(HEADER "0,0\n10,0\n10,0\n", "w.csv:4: elapsed_s 10 is not after the previous row's 10"),
	BAD(HEADER "0,0\n1\0,0\n", "w.csv:3: a NUL byte: binary data, not a CSV"),
};

static void test_malformed_csvs_are_refused_naming_line_and_problem(void **state)
{
	struct watch_csv refused;
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(bad_csvs); i++) {
		const struct bad_csv *c = &bad_csvs[i];
		if (!watch_csv_parse(c->text, c->length, "w.csv", &refused, error, sizeof(error)))
			fail_msg("case %zu was accepted", i);
		if (strncmp(error, c->message, strlen(c->message)))
			fail_msg("case %zu: error \"%s\" does not start \"%s\"", i, error, c->message);
		assert_null(refused.values); /* nothing half-read is left */
		assert_int_equal(refused.rows, 0);
	}
}

/* A watch writes at most WATCH_MAX_SERIES series: a header naming more is no watch's. */
static void test_more_series_than_a_watch_writes_are_refused(void **state)
{
	char header[1024] = "elapsed_s";
	struct watch_csv refused;
	(void)state;

	for (int k = 0; k <= WATCH_MAX_SERIES; k++)
		snprintf(header + strlen(header), sizeof(header) - strlen(header), ",s%d_offset_s", k);
	assert_int_equal(watch_csv_parse(header, strlen(header), "w.csv", &refused, error, sizeof(error)), -1);
	assert_string_equal(error, "w.csv:1: more than the 20 series a drift watch writes");
}

/* ---- the command ----------------------------------------------------------------------------- */

static char directory[] = "/tmp/tscprobe-test-plot-XXXXXX";

static const char *in_directory(const char *name)
{
	static char path[2][128];
	static int which;
	which = !which;
	snprintf(path[which], sizeof(path[which]), "%s/%s", directory, name);
	return path[which];
}

static void write_text(const char *name, const char *text)
{
	FILE *f = fopen(in_directory(name), "wb");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static const char *read_text(const char *name)
{
	FILE *f = fopen(in_directory(name), "rb");
	size_t n;
	assert_non_null(f);
	n = fread(svg, 1, sizeof(svg) - 1, f);
	fclose(f);
	svg[n] = '\0';
	return svg;
}

static int run(int argc, const char *const *argv)
{
	return plot_command(argc, (char **)argv);
}

static size_t directory_entries(void)
{
	DIR *d = opendir(directory);
	size_t n = 0;
	assert_non_null(d);
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static int make_directory(void **state)
{
	(void)state;
	return mkdtemp(directory) ? 0 : -1;
}

static int remove_directory(void **state)
{
	DIR *d = opendir(directory);
	(void)state;
	watch_csv_free(&csv);
	for (struct dirent *e; d && (e = readdir(d));)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlink(in_directory(e->d_name));
	if (d)
		closedir(d);
	return rmdir(directory);
}

static void test_the_command_writes_the_chart(void **state)
{
	(void)state;

	write_text("watch.csv", small_csv);
	const char *argv[] = {"plot",     in_directory("watch.csv"),
			      "-o",       in_directory("drift.svg"),
			      "--series", "tsc,kvmclock",
			      "--title",  "Two clocks"};
	assert_int_equal(run(ARRAY_SIZE(argv), argv), 0);
	read_text("drift.svg");
	assert_well_formed(svg);
	assert_int_equal(count(svg, "<polyline "), 2);
	assert_contains(svg, ">Two clocks</text>");
	assert_int_equal(directory_entries(), 2);
	unlink(in_directory("drift.svg"));
	unlink(in_directory("watch.csv"));
}

/* Exit status 2, and the destination as it was: nothing is written before the whole CSV has been read. */
static void test_a_bad_input_leaves_the_destination_as_it_was(void **state)
{
	struct {
		const char *csv;     /* NULL: no such file */
		const char *options; /* one extra option and its value, or NULL */
		const char *value;
	} cases[] = {
		{HEADER "0,0\n10\n", NULL, NULL},
		{"", NULL, NULL},
		{NULL, NULL, NULL},
		{small_csv, "--series", "tsc,nope"},
		{small_csv, "--bogus", "1"},
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		write_text("drift.svg", "the chart before\n");
		if (cases[i].csv)
			write_text("watch.csv", cases[i].csv);
		const char *argv[] = {
			"plot",        in_directory("watch.csv"), "-o", in_directory("drift.svg"), cases[i].options,
			cases[i].value};
		assert_int_equal(run(cases[i].options ? 6 : 4, argv), 2);
		assert_string_equal(read_text("drift.svg"), "the chart before\n");
		assert_int_equal(directory_entries(), cases[i].csv ? 2 : 1); /* no temporary left behind */
		unlink(in_directory("watch.csv"));
	}
	unlink(in_directory("drift.svg"));
}

static void test_usage_errors_exit_2(void **state)
{
	static const char *const no_file[] = {"plot"};
	static const char *const two_files[] = {"plot", "a.csv", "b.csv"};
	static const char *const no_value[] = {"plot", "a.csv", "-o"};
	(void)state;

	assert_int_equal(run(ARRAY_SIZE(no_file), no_file), 2);
	assert_int_equal(run(ARRAY_SIZE(two_files), two_files), 2);
	assert_int_equal(run(ARRAY_SIZE(no_value), no_value), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_xml_checker_knows_well_formed_from_not),
		cmocka_unit_test(test_one_line_per_series_and_every_name_in_the_legend),
		cmocka_unit_test(test_the_chart_is_self_contained_and_follows_the_colour_scheme),
		cmocka_unit_test(test_series_are_chosen_by_name),
		cmocka_unit_test(test_the_title_is_escaped),
		cmocka_unit_test(test_degenerate_watches_still_draw),
		cmocka_unit_test(test_a_long_watch_stays_small_and_keeps_its_spikes),
		cmocka_unit_test(test_reads_the_csv_sim_wrote),
		cmocka_unit_test(test_line_ends_of_either_kind_read_the_same),
		cmocka_unit_test(test_malformed_csvs_are_refused_naming_line_and_problem),
		cmocka_unit_test(test_more_series_than_a_watch_writes_are_refused),
		cmocka_unit_test(test_the_command_writes_the_chart),
		cmocka_unit_test(test_a_bad_input_leaves_the_destination_as_it_was),
		cmocka_unit_test(test_usage_errors_exit_2),
	};
	return cmocka_run_group_tests(tests, make_directory, remove_directory);
}
