/* tscprobe compare and show --format: rows from many reports, every renderer, strict input, hostile strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "compare.h"
#include "host_sink.h"
#include "report_read.h"
#include "testdata.h"
#include "xml_check.h"

#define ERROR_BYTES 1024
/* The width the golden text is rendered at: wide enough for two columns, so six reports make three blocks. */
#define GOLDEN_WIDTH 100

static char error[ERROR_BYTES];

/* The shipped scenarios' sim reports (tests/data/compare/README.md), in the golden files' column order. */
static const char *const sim_reports[] = {
	"sim-virtualbox-5.0-kvm.json", "sim-virtualbox-minimal.json",
	"sim-virtualbox-hyperv.json",  "sim-vmware.json",
	"sim-hyperv-gen2.json",        "sim-kvm.json",
};
#define SIM_COUNT (sizeof(sim_reports) / sizeof(sim_reports[0]))
#define VIRTUALBOX_KVM 0 /* its column */

static char *data_path(const char *folder, const char *name)
{
	char relative[256];
	snprintf(relative, sizeof(relative), "%s/%s", folder, name);
	return strdup(testdata_path(relative));
}

/* Read an input that must read; its path (the file row) becomes the name alone, the same from any directory. */
static void read_input(const char *folder, const char *name, struct compare_input *in)
{
	char *path = data_path(folder, name);
	if (compare_input_read(path, in, error, sizeof(error)))
		fail_msg("%s", error);
	free(path);
	in->path = name;
}

static struct compare_input *read_sims(unsigned count)
{
	struct compare_input *inputs = calloc(count, sizeof(*inputs));
	assert_non_null(inputs);
	for (unsigned i = 0; i < count; i++)
		read_input("compare", sim_reports[i], &inputs[i]);
	compare_label_inputs(inputs, count);
	return inputs;
}

static void free_inputs(struct compare_input *inputs, unsigned count)
{
	for (unsigned i = 0; i < count; i++)
		compare_input_free(&inputs[i]);
	free(inputs);
}

/* One format of a table, rendered into a malloc'd string. */
static char *render(const struct compare_table *t, enum compare_format format, unsigned width)
{
	struct memory_sink m;

	memory_sink_init(&m);
	switch (format) {
	case FORMAT_TEXT:
		compare_write_text(t, width, &m.sink);
		break;
	case FORMAT_MARKDOWN:
		compare_write_markdown(t, &m.sink);
		break;
	case FORMAT_CSV:
		compare_write_csv(t, &m.sink);
		break;
	case FORMAT_HTML:
		compare_write_html(t, "tscprobe compare", &m.sink);
		break;
	case FORMAT_SVG:
		compare_write_svg(t, "tscprobe compare", &m.sink);
		break;
	}
	assert_false(m.failed);
	assert_non_null(m.data);
	return m.data;
}

static const struct compare_row *find_row(const struct compare_table *t, const char *key)
{
	for (unsigned r = 0; r < t->row_count; r++)
		if (!strcmp(t->rows[r].key, key))
			return &t->rows[r];
	return NULL;
}

static unsigned count_of(const char *text, const char *needle)
{
	unsigned n = 0;
	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void assert_contains(const char *text, const char *needle)
{
	if (!strstr(text, needle))
		fail_msg("\"%s\" is not in the output", needle);
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = malloc((size_t)n + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	text[n] = '\0';
	fclose(f);
	return text;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

/* ---- golden files ------------------------------------------------------------------------------ */

/*
 * Output against its golden file; TSCPROBE_UPDATE_GOLDEN=1 (make compare-golden) rewrites the file
 * instead, for review in the diff. A mismatch names the first line that differs.
 */
static void check_golden(const char *name, const char *output)
{
	char *path = data_path("compare/golden", name), *expected;
	const char *update = getenv("TSCPROBE_UPDATE_GOLDEN");

	if (update && !strcmp(update, "1")) {
		write_text(path, output);
		free(path);
		return;
	}
	expected = read_text(path);
	if (!expected)
		fail_msg("%s: missing; make compare-golden writes it", path);
	if (strcmp(expected, output)) {
		unsigned line = 1;
		size_t i = 0;
		while (expected[i] && expected[i] == output[i])
			line += expected[i++] == '\n';
		fail_msg("%s: differs from the output at line %u (make compare-golden rewrites it for review)", path,
			 line);
	}
	free(expected);
	free(path);
}

static void test_every_format_matches_its_golden_file(void **state)
{
	static const struct {
		enum compare_format format;
		const char *file;
	} formats[] = {{FORMAT_TEXT, "compare.txt"},
		       {FORMAT_MARKDOWN, "compare.md"},
		       {FORMAT_CSV, "compare.csv"},
		       {FORMAT_HTML, "compare.html"},
		       {FORMAT_SVG, "compare.svg"}};
	struct compare_input *inputs = read_sims(SIM_COUNT);
	struct compare_table table;

	(void)state;
	assert_int_equal(compare_build(inputs, SIM_COUNT, &table), 0);
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		char *output = render(&table, formats[i].format, GOLDEN_WIDTH);
		check_golden(formats[i].file, output);
		free(output);
	}
	compare_table_free(&table);
	free_inputs(inputs, SIM_COUNT);
}

/* ---- what the table says ------------------------------------------------------------------------ */

/* The verdict's figure as the report's JSON has it, read here with jansson alone. */
static double verdict_figure(const char *report, const char *id, const char *figure)
{
	char *path = data_path("compare", report);
	json_t *root = json_load_file(path, 0, NULL), *verdict;
	size_t i;
	double value = NAN;

	assert_non_null(root);
	json_array_foreach(json_object_get(root, "verdicts"), i,
			   verdict) if (!strcmp(json_string_value(json_object_get(verdict, "id")), id)) value =
		json_number_value(json_object_get(verdict, figure));
	json_decref(root);
	free(path);
	assert_false(isnan(value));
	return value;
}

static void test_the_virtualbox_kvm_column_shows_the_failing_kvmclock_claim_in_every_format(void **state)
{
	struct compare_input *inputs = read_sims(SIM_COUNT);
	char ppm[32], drift[32];
	struct compare_table table;
	const struct compare_row *error_row, *drift_row;

	(void)state;
	snprintf(ppm, sizeof(ppm), "%+.2f", verdict_figure(sim_reports[0], "claim.kvmclock.4b564d01", "ppm"));
	snprintf(drift, sizeof(drift), "%+.2f",
		 verdict_figure(sim_reports[0], "claim.kvmclock.4b564d01", "drift_s_per_day"));
	assert_int_equal(compare_build(inputs, SIM_COUNT, &table), 0);
	assert_non_null(error_row = find_row(&table, "error.kvmclock.4b564d01"));
	assert_non_null(drift_row = find_row(&table, "drift.kvmclock.4b564d01"));
	assert_string_equal(error_row->cells[VIRTUALBOX_KVM].text, ppm);
	assert_int_equal(error_row->cells[VIRTUALBOX_KVM].severity, SEVERITY_FAIL);
	assert_string_equal(drift_row->cells[VIRTUALBOX_KVM].text, drift);
	assert_int_equal(find_row(&table, "verdict.kvmclock.4b564d01")->cells[VIRTUALBOX_KVM].severity, SEVERITY_FAIL);
	/* Plain KVM's kvmclock is right: the same row, another verdict. */
	assert_int_equal(error_row->cells[SIM_COUNT - 1].severity, SEVERITY_PASS);
	for (enum compare_format f = FORMAT_TEXT; f <= FORMAT_HTML; f++) {
		char *output = render(&table, f, GOLDEN_WIDTH);
		assert_contains(output, ppm);
		assert_contains(output, drift);
		assert_contains(output, "FAIL");
		free(output);
	}
	compare_table_free(&table);
	free_inputs(inputs, SIM_COUNT);
}

static void test_rows_no_report_has_are_dropped_and_missing_cells_show_a_dash(void **state)
{
	struct compare_input *inputs = calloc(2, sizeof(*inputs));
	struct compare_table table;
	char *text;

	(void)state;
	read_input("compare", "sim-vmware.json", &inputs[0]);
	compare_label_inputs(inputs, 1);
	assert_int_equal(compare_build(inputs, 1, &table), 0);
	/* VMware alone: no kvmclock, no Hyper-V, so no such rows. */
	assert_null(find_row(&table, "claim.kvmclock.4b564d01"));
	assert_null(find_row(&table, "tsc.kvmclock"));
	assert_null(find_row(&table, "claim.hyperv_tsc_frequency_msr.40000022"));
	assert_non_null(find_row(&table, "claim.vmware_backdoor.00005658"));
	for (unsigned r = 0; r < table.row_count; r++)
		assert_int_not_equal(table.rows[r].cells[0].kind, CELL_MISSING);
	compare_table_free(&table);

	read_input("compare", "sim-kvm.json", &inputs[1]);
	compare_label_inputs(inputs, 2);
	assert_int_equal(compare_build(inputs, 2, &table), 0);
	const struct compare_row *kvmclock = find_row(&table, "claim.kvmclock.4b564d01");
	assert_non_null(kvmclock);
	assert_int_equal(kvmclock->cells[0].kind, CELL_MISSING);
	assert_int_equal(kvmclock->cells[1].kind, CELL_NUMBER);
	text = render(&table, FORMAT_TEXT, 120);
	const char *line = strstr(text, "KVM kvmclock (pvclock scale) at msr"); /* the label wraps after it */
	assert_non_null(line);
	assert_true(strstr(line, "—") && strstr(line, "—") < strchr(line, '\n'));
	free(text);
	text = render(&table, FORMAT_HTML, 0);
	assert_contains(text, "<td class=\"missing\">—</td>");
	free(text);
	text = render(&table, FORMAT_MARKDOWN, 0);
	assert_contains(text, "| — |");
	free(text);
	compare_table_free(&table);
	free_inputs(inputs, 2);
}

/* In every block of the text, each report's numbers share the column of their decimal point. */
static void test_text_aligns_numbers_on_their_decimal_point(void **state)
{
	struct compare_input *inputs = read_sims(1);
	struct compare_table table;
	unsigned numbers = 0;
	long point = -1;
	char *text;

	(void)state;
	assert_int_equal(compare_build(inputs, 1, &table), 0);
	text = render(&table, FORMAT_TEXT, GOLDEN_WIDTH);
	char *rest = NULL;
	for (char *line = strtok_r(text, "\n", &rest); line; line = strtok_r(NULL, "\n", &rest)) {
		char *last = strrchr(line, ' '), *end;
		if (!last || !strchr(last, '.'))
			continue;
		strtod(last + 1, &end);
		if (*end || end == last + 1)
			continue; /* the last word is not a number */
		long at = strchr(last, '.') - line;
		if (point >= 0 && at != point)
			fail_msg("decimal point at column %ld, not %ld: \"%s\"", at, point, line);
		point = at;
		numbers++;
	}
	/* MHz to six decimals, ppm to three and two, idle to one: all on the same point. */
	assert_true(numbers >= 15);
	free(text);
	compare_table_free(&table);
	free_inputs(inputs, 1);
}

static unsigned display_width(const char *line, size_t bytes)
{
	unsigned width = 0;
	for (size_t i = 0; i < bytes; i++)
		width += ((unsigned char)line[i] & 0xc0) != 0x80;
	return width;
}

/* The reports each block holds, from its "Reports A-B of N" or "Report A of N" line; 0 when one block holds all. */
static unsigned covered_reports(const char *text, unsigned count)
{
	unsigned next = 1, from, to, of;

	for (const char *p = text; (p = strstr(p, "\nReport")); p++) {
		if (sscanf(p, "\nReports %u-%u of %u", &from, &to, &of) != 3 &&
		    sscanf(p, "\nReport %u of %u", &from, &of) == 2)
			to = from;
		assert_int_equal(of, count);
		assert_int_equal(from, next); /* blocks follow each other, none lost */
		next = to + 1;
	}
	return next - 1;
}

static void test_text_fits_the_width_in_blocks_of_reports(void **state)
{
	static const unsigned widths[] = {60, 80, 100, 160, 220};
	struct compare_input *inputs = read_sims(SIM_COUNT);
	struct compare_table table;

	(void)state;
	assert_int_equal(compare_build(inputs, SIM_COUNT, &table), 0);
	for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
		char *text = render(&table, FORMAT_TEXT, widths[w]);
		for (const char *line = text, *end; *line; line = end + 1) {
			end = strchr(line, '\n');
			assert_non_null(end);
			if (display_width(line, (size_t)(end - line)) > widths[w])
				fail_msg("width %u: a line of %u: \"%.*s\"", widths[w],
					 display_width(line, (size_t)(end - line)), (int)(end - line), line);
		}
		/* Six columns of 24 and the headings need about 200: narrower splits into blocks. */
		assert_int_equal(covered_reports(text, SIM_COUNT), widths[w] < 200 ? SIM_COUNT : 0);
		free(text);
	}
	compare_table_free(&table);
	free_inputs(inputs, SIM_COUNT);
}

/* ---- HTML and SVG --------------------------------------------------------------------------------- */

static void test_html_is_self_contained_well_formed_and_has_a_column_per_report(void **state)
{
	static const char *const external[] = {
		"http:", "https:", "src=", "href=", "@import", "url(", "<script", "<link"};
	struct compare_input *inputs = read_sims(SIM_COUNT);
	struct compare_table table;
	char *html, *svg;
	unsigned columns = 0;

	(void)state;
	assert_int_equal(compare_build(inputs, SIM_COUNT, &table), 0);
	html = render(&table, FORMAT_HTML, 0);
	assert_well_formed(html);
	for (size_t i = 0; i < sizeof(external) / sizeof(external[0]); i++)
		if (strstr(html, external[i]))
			fail_msg("the page refers outside itself: %s", external[i]);
	const char *head_end = strstr(html, "</thead>");
	for (const char *p = strstr(html, "<thead>"); (p = strstr(p + 1, "<th scope=\"col\">")) && p < head_end;)
		columns++;
	assert_int_equal(columns, SIM_COUNT + 1); /* the headings' column and one per report */
	assert_contains(html, "prefers-color-scheme: dark");
	assert_contains(html, "@media print");
	/* Two charts: a bar per judged claim (nine in these reports) and per idle state (busy and HLT in each of six). */
	assert_int_equal(count_of(html, "<rect class=\"sev-"), 9 + 2 * SIM_COUNT);
	const char *first_chart = strstr(html, "</svg>");
	assert_non_null(first_chart);
	assert_non_null(strstr(first_chart + 1, "</svg>"));
	assert_null(strstr(strstr(first_chart + 1, "</svg>") + 1, "</svg>"));
	svg = render(&table, FORMAT_SVG, 0);
	assert_well_formed(svg);
	assert_contains(svg, "±500 ppm");
	assert_contains(svg, "+2.30 %");
	free(svg);
	free(html);
	compare_table_free(&table);
	free_inputs(inputs, SIM_COUNT);
}

/* A report whose strings are markup: the page shows them as text, and the other formats keep their own syntax. */
static void test_hostile_strings_are_escaped_in_every_format(void **state)
{
	char *source = data_path("compare", "sim-virtualbox-5.0-kvm.json");
	char hostile_path[] = "/tmp/tscprobe-hostile-XXXXXX";
	json_t *root = json_load_file(source, 0, NULL), *claim, *verdict;
	struct compare_input input;
	struct compare_table table;
	int fd = mkstemp(hostile_path);

	(void)state;
	assert_non_null(root);
	assert_true(fd >= 0);
	json_object_set_new(json_object_get(root, "cpu"), "brand", json_string("<script>alert(1)</script>"));
	json_object_set_new(json_object_get(root, "tool"), "version", json_string("=cmd|' /C calc'!A0"));
	claim = json_array_get(json_object_get(root, "claims"), 0);
	json_object_set_new(claim, "label", json_string("<img src=x onerror=alert(2)> a|b *c*"));
	verdict = json_array_get(json_object_get(root, "verdicts"), 0);
	json_object_set_new(verdict, "message", json_string("\"><svg onload=alert(3)>\x1b[2J"));
	assert_int_equal(json_dumpfd(root, fd, 0), 0);
	close(fd);
	json_decref(root);
	if (compare_input_read(hostile_path, &input, error, sizeof(error)))
		fail_msg("%s", error);
	snprintf(input.label, sizeof(input.label), "<b>&amp;</b>\x1b[31m");
	input.labelled = true;
	compare_label_inputs(&input, 1);
	assert_int_equal(compare_build(&input, 1, &table), 0);

	char *html = render(&table, FORMAT_HTML, 0), *svg = render(&table, FORMAT_SVG, 0);
	assert_well_formed(html);
	assert_well_formed(svg);
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<img"));
	assert_null(strstr(html, "<svg onload"));
	assert_null(strstr(html, "<b>&amp;"));
	assert_contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;");
	assert_contains(html, "&lt;b&gt;&amp;amp;&lt;/b&gt;");
	assert_contains(html, "&quot;&gt;&lt;svg onload=alert(3)&gt;?[2J"); /* the escape byte is gone too */
	assert_null(strstr(svg, "<img"));
	char *md = render(&table, FORMAT_MARKDOWN, 0);
	assert_contains(md, "&lt;img src=x onerror=alert(2)&gt; a\\|b \\*c\\*");
	assert_null(strstr(md, "<script"));
	char *csv = render(&table, FORMAT_CSV, 0);
	assert_contains(csv, "\"'=cmd|' /C calc'!A0\""); /* not a formula in a spreadsheet */
	char *text = render(&table, FORMAT_TEXT, GOLDEN_WIDTH);
	assert_null(strchr(text, '\x1b'));
	free(text);
	free(csv);
	free(md);
	free(svg);
	free(html);
	compare_table_free(&table);
	compare_input_free(&input);
	unlink(hostile_path);
	free(source);
}

/* ---- input -------------------------------------------------------------------------------------------- */

/* Every file of the reader's malformed corpus: the same one-line error as the strict reader, naming the file. */
static void test_malformed_reports_give_the_readers_one_line_error(void **state)
{
	char *folder = data_path("reports", "bad");
	DIR *dir = opendir(folder);
	struct dirent *entry;
	unsigned files = 0;

	(void)state;
	assert_non_null(dir);
	while ((entry = readdir(dir))) {
		char path[1024], strict[ERROR_BYTES];
		static struct report report;
		struct compare_input input;
		if (entry->d_name[0] == '.' || !strstr(entry->d_name, ".json"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", folder, entry->d_name);
		int strict_status = report_read_file(path, &report, strict, sizeof(strict));
		int status = compare_input_read(path, &input, error, sizeof(error));
		files++;
		if (!strncmp(entry->d_name, "schema-0", 8) || !strncmp(entry->d_name, "schema-2", 8)) {
			/* Another version is read, with a note saying so. */
			assert_int_not_equal(strict_status, 0);
			if (status)
				fail_msg("%s: %s", entry->d_name, error);
			assert_non_null(strstr(input.note, entry->d_name[7] == '2' ? "newer" : "older"));
			compare_input_free(&input);
			continue;
		}
		assert_int_not_equal(strict_status, 0);
		if (!status)
			fail_msg("%s: read, but the strict reader says: %s", entry->d_name, strict);
		assert_string_equal(error, strict);
		assert_null(strchr(error, '\n'));
		assert_true(!strncmp(error, path, strlen(path)));
	}
	closedir(dir);
	assert_true(files >= 50);
	free(folder);
}

static void test_other_inputs_are_named_and_explained(void **state)
{
	static const struct {
		const char *folder, *file, *message;
	} cases[] = {
		{"scenarios", "kvm.json", "not a tscprobe report (schema is \"tscprobe-scenario/1\""},
		{"serial", "no-markers.log", "JSON syntax error"},
		{"serial", "truncated.log", "serial capture: truncated report (BEGIN at line"},
		{"compare/bad", "binary.bin", "not a tscprobe report (binary data: a NUL byte)"},
		{"compare/bad", "missing.json", "cannot open: No such file or directory"},
		{"compare/bad", "half-written.json", "JSON syntax error"},
	};
	struct compare_input input;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *path = data_path(cases[i].folder, cases[i].file);
		assert_int_not_equal(compare_input_read(path, &input, error, sizeof(error)), 0);
		if (strncmp(error, path, strlen(path)) || !strstr(error, cases[i].message) || strchr(error, '\n'))
			fail_msg("%s: \"%s\" does not name the file and say \"%s\" on one line", cases[i].file, error,
				 cases[i].message);
		free(path);
	}
}

static void test_a_serial_capture_and_a_partial_report_read_with_notes(void **state)
{
	struct compare_input input;

	(void)state;
	read_input("serial", "ovmf-q35-tcg-measured.log", &input);
	assert_true(input.from_serial_log);
	assert_non_null(strstr(input.note, "taken from a serial capture (lines "));
	assert_true(input.report.reference_count > 0);
	compare_input_free(&input);

	/* The inventory-only app of an earlier day stopped before measuring: sections missing, said so. */
	read_input("reports", "qemu-q35-tcg.json", &input);
	assert_string_equal(input.note, "partial report: no measurements, idle experiments or verdicts");
	struct compare_table table;
	assert_int_equal(compare_build(&input, 1, &table), 0);
	assert_null(find_row(&table, "tsc.best"));
	assert_non_null(find_row(&table, "notes"));
	compare_table_free(&table);
	compare_input_free(&input);
}

static void test_labels_are_made_and_told_apart(void **state)
{
	struct compare_input inputs[5];

	(void)state;
	read_input("compare", "sim-hyperv-gen2.json", &inputs[0]);
	read_input("compare", "sim-kvm.json", &inputs[1]);
	inputs[2] = inputs[1];
	inputs[2].canonical = NULL; /* a shallow copy: freed once */
	inputs[1].path = "a/sim-kvm.json";
	inputs[2].path = "b/sim-kvm.json";
	inputs[3] = inputs[0];
	inputs[3].canonical = NULL;
	snprintf(inputs[3].label, sizeof(inputs[3].label), "Hyper-V");
	inputs[3].labelled = true;
	inputs[4] = inputs[0];
	inputs[4].canonical = NULL;
	snprintf(inputs[4].report.platform.identity.version, sizeof(inputs[4].report.platform.identity.version),
		 "10.0 build 17763");
	compare_label_inputs(inputs, 5);
	/* The identity's short form titles a column; --label wins, and a twin says its version, else its file. */
	assert_string_equal(inputs[0].label, "Hyper-V 10.0 build 20348");
	assert_string_equal(inputs[1].label, "QEMU/KVM 7.2 (pc-q35-7.2) (a/sim-kvm.json)");
	assert_string_equal(inputs[2].label, "QEMU/KVM 7.2 (pc-q35-7.2) (b/sim-kvm.json)");
	assert_string_equal(inputs[3].label, "Hyper-V");
	assert_string_equal(inputs[4].label, "Hyper-V 10.0 build 17763");
	compare_input_free(&inputs[0]);
	compare_input_free(&inputs[1]);
}

/* ---- the commands -------------------------------------------------------------------------------------- */

/* Run a command with stderr captured into err; its exit status. */
static int run_command(int (*command)(int, char **), char **argv, char *err, size_t err_size)
{
	char err_path[] = "/tmp/tscprobe-stderr-XXXXXX";
	int fd = mkstemp(err_path), saved = dup(STDERR_FILENO), argc = 0, status;
	FILE *f;

	assert_true(fd >= 0 && saved >= 0);
	while (argv[argc])
		argc++;
	fflush(stderr);
	dup2(fd, STDERR_FILENO);
	status = command(argc, argv);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fd);
	f = fopen(err_path, "rb");
	size_t n = fread(err, 1, err_size - 1, f);
	err[n] = '\0';
	fclose(f);
	unlink(err_path);
	return status;
}

static void test_a_bad_input_exits_2_with_one_line_and_writes_nothing(void **state)
{
	char out_path[] = "/tmp/tscprobe-compare-XXXXXX", err[2048];
	char *good = data_path("compare", "sim-kvm.json"), *bad = data_path("reports/bad", "truncated.json");
	int fd = mkstemp(out_path);
	char *argv[] = {"compare", good, bad, "--format", "html", "-o", out_path, NULL};

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "as it was\n", 10), 10);
	close(fd);
	assert_int_equal(run_command(compare_command, argv, err, sizeof(err)), 2);
	assert_true(!strncmp(err, "tscprobe: ", 10) && strstr(err, bad));
	assert_true(strchr(err, '\n') == err + strlen(err) - 1); /* one line */
	char *kept = read_text(out_path);
	assert_string_equal(kept, "as it was\n");
	free(kept);

	/* The same report twice: shown once, said so, and the page written whole. */
	char *twice[] = {"compare", good, good, "--format", "csv", "-o", out_path, NULL};
	assert_int_equal(run_command(compare_command, twice, err, sizeof(err)), 0);
	assert_contains(err, "the same report as");
	char *csv = read_text(out_path);
	assert_non_null(strstr(csv, "also given as"));
	assert_int_equal(strchr(csv, '\r') - csv, strlen("group,key,row,unit,QEMU/KVM")); /* one column */
	free(csv);

	char *usage[][8] = {{"compare", NULL},
			    {"compare", good, "--format", "pdf", NULL},
			    {"compare", good, "--label", "x=other.json", NULL},
			    {"compare", good, "--width", "3", NULL},
			    {"show", good, good, NULL}};
	for (size_t i = 0; i < sizeof(usage) / sizeof(usage[0]); i++)
		assert_int_equal(run_command(i == 4 ? show_command : compare_command, usage[i], err, sizeof(err)), 2);
	unlink(out_path);
	free(good);
	free(bad);
}

static void test_show_gives_the_text_report_or_a_one_column_table(void **state)
{
	char out_path[] = "/tmp/tscprobe-show-XXXXXX", err[2048];
	char *json = data_path("reports", "sim-kvm-hyperv.json"), *txt = data_path("reports", "sim-kvm-hyperv.txt");
	int fd = mkstemp(out_path);
	char *text_argv[] = {"show", json, "-o", out_path, NULL};
	char *md_argv[] = {"show", json, "--format", "md", "-o", out_path, NULL};

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(run_command(show_command, text_argv, err, sizeof(err)), 0);
	char *shown = read_text(out_path), *expected = read_text(txt);
	assert_string_equal(shown, expected);
	free(shown);
	free(expected);
	assert_int_equal(run_command(show_command, md_argv, err, sizeof(err)), 0);
	shown = read_text(out_path);
	assert_true(!strncmp(shown, "| | ", 4));
	assert_contains(shown, "\n|:--|--:|\n"); /* one report column */
	free(shown);
	unlink(out_path);
	free(json);
	free(txt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_format_matches_its_golden_file),
		cmocka_unit_test(test_the_virtualbox_kvm_column_shows_the_failing_kvmclock_claim_in_every_format),
		cmocka_unit_test(test_rows_no_report_has_are_dropped_and_missing_cells_show_a_dash),
		cmocka_unit_test(test_text_aligns_numbers_on_their_decimal_point),
		cmocka_unit_test(test_text_fits_the_width_in_blocks_of_reports),
		cmocka_unit_test(test_html_is_self_contained_well_formed_and_has_a_column_per_report),
		cmocka_unit_test(test_hostile_strings_are_escaped_in_every_format),
		cmocka_unit_test(test_malformed_reports_give_the_readers_one_line_error),
		cmocka_unit_test(test_other_inputs_are_named_and_explained),
		cmocka_unit_test(test_a_serial_capture_and_a_partial_report_read_with_notes),
		cmocka_unit_test(test_labels_are_made_and_told_apart),
		cmocka_unit_test(test_a_bad_input_exits_2_with_one_line_and_writes_nothing),
		cmocka_unit_test(test_show_gives_the_text_report_or_a_one_column_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
