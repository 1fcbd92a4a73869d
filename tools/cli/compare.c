/* `tscprobe compare`, whose flow `show` shares: read every input first, render into memory, then write once. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "commands.h"
#include "compare.h"
#include "host_sink.h"

#define ERROR_BYTES 640
/* Room for the narrowest headings and one column; no wider than a line this tool assembles. */
#define WIDTH_MIN 60
#define WIDTH_MAX 2000

struct compare_options {
	const char *command; /* "compare" or "show" */
	const char *synopsis;
	enum compare_format format;
	bool summary; /* show --format summary: the verdicts as the app's last screen shows them, no table */
	const char *destination, *title;
	unsigned width;
	unsigned path_count;
	const char **paths;
	unsigned label_count;
	const char **labels; /* NAME=FILE as given */
};

static int usage_error(const struct compare_options *o, const char *problem)
{
	fprintf(stderr, "tscprobe: %s: %s\nusage: tscprobe %s %s\n('tscprobe %s --help' lists the options)\n",
		o->command, problem, o->command, o->synopsis, o->command);
	return EXIT_ERROR;
}

static int input_error(const char *error)
{
	fprintf(stderr, "tscprobe: %s\n", error);
	return EXIT_ERROR;
}

/* The terminal's width when stdout is one, else $COLUMNS, else COMPARE_DEFAULT_WIDTH. */
static unsigned default_width(void)
{
	struct winsize size;
	const char *columns = getenv("COLUMNS");

	if (isatty(STDOUT_FILENO) && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) && size.ws_col)
		return size.ws_col;
	if (columns && atoi(columns) > 0)
		return (unsigned)atoi(columns);
	return COMPARE_DEFAULT_WIDTH;
}

/* Options and file names; 0, or the exit status of a usage error already reported. */
static int parse_options(int argc, char **argv, bool many, struct compare_options *o)
{
	const char *format = NULL, *width = NULL;
	const struct {
		const char *name;
		const char **value;
		bool many_only;
	} options[] = {{"--format", &format, false},
		       {"-o", &o->destination, false},
		       {"--title", &o->title, true},
		       {"--width", &width, true}};
	char problem[ERROR_BYTES];

	o->paths = calloc((size_t)argc, sizeof(*o->paths));
	o->labels = calloc((size_t)argc, sizeof(*o->labels));
	if (!o->paths || !o->labels)
		return input_error("out of memory");
	for (int i = 1; i < argc; i++) {
		size_t k = 0;
		while (k < sizeof(options) / sizeof(options[0]) &&
		       (strcmp(argv[i], options[k].name) || (options[k].many_only && !many)))
			k++;
		bool label = many && !strcmp(argv[i], "--label");
		if ((k < sizeof(options) / sizeof(options[0]) || label) && i + 1 == argc) {
			snprintf(problem, sizeof(problem), "%s needs a value", argv[i]);
			return usage_error(o, problem);
		}
		if (label) {
			o->labels[o->label_count++] = argv[++i];
		} else if (k < sizeof(options) / sizeof(options[0])) {
			*options[k].value = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			snprintf(problem, sizeof(problem), "unknown option %.40s", argv[i]);
			return usage_error(o, problem);
		} else {
			o->paths[o->path_count++] = argv[i];
		}
	}
	if (o->path_count == 0 || (!many && o->path_count > 1))
		return usage_error(o, many ? "expected at least one REPORT" : "expected one REPORT");
	o->summary = !many && format && !strcmp(format, "summary");
	if (format && !o->summary && !compare_format_parse(format, &o->format)) {
		snprintf(problem, sizeof(problem), "--format %.40s: expected text, md, csv, html or svg%s", format,
			 many ? "" : " (or summary)");
		return usage_error(o, problem);
	}
	o->width = default_width();
	if (width) {
		char *end;
		long value = strtol(width, &end, 10);
		if (*end || end == width || value < WIDTH_MIN || value > WIDTH_MAX) {
			snprintf(problem, sizeof(problem), "--width %.40s: expected a number of columns from %d to %d",
				 width, WIDTH_MIN, WIDTH_MAX);
			return usage_error(o, problem);
		}
		o->width = (unsigned)value;
	}
	return 0;
}

/* --label NAME=FILE onto the input read from FILE (as given on the command line). */
static int apply_labels(const struct compare_options *o, struct compare_input *inputs)
{
	char problem[ERROR_BYTES];

	for (unsigned l = 0; l < o->label_count; l++) {
		const char *equals = strchr(o->labels[l], '=');
		unsigned i = 0;
		if (!equals || equals == o->labels[l]) {
			snprintf(problem, sizeof(problem), "--label %.60s: expected NAME=FILE", o->labels[l]);
			return usage_error(o, problem);
		}
		while (i < o->path_count && strcmp(o->paths[i], equals + 1))
			i++;
		if (i == o->path_count) {
			snprintf(problem, sizeof(problem), "--label %.60s: %.200s is not one of the reports",
				 o->labels[l], equals + 1);
			return usage_error(o, problem);
		}
		snprintf(inputs[i].label, sizeof(inputs[i].label), "%.*s", (int)(equals - o->labels[l]), o->labels[l]);
		inputs[i].labelled = true;
	}
	return 0;
}

/*
 * The same report given twice (the same file, or identical JSON) is shown once, in the column of its
 * first mention, with a note; inputs is compacted and the new count returned.
 */
static unsigned drop_duplicates(const struct compare_options *o, struct compare_input *inputs, unsigned count)
{
	unsigned kept = 0;

	for (unsigned i = 0; i < count; i++) {
		int first = compare_find_same(inputs, kept, &inputs[i]);
		if (first < 0) {
			inputs[kept++] = inputs[i];
			continue;
		}
		fprintf(stderr, "tscprobe: %s: %s: the same report as %s; shown once\n", o->command, inputs[i].path,
			inputs[first].path);
		struct compare_input *original = &inputs[first];
		size_t used = strlen(original->note);
		snprintf(original->note + used, sizeof(original->note) - used, "%salso given as %s", used ? "; " : "",
			 inputs[i].path);
		compare_input_free(&inputs[i]);
	}
	return kept;
}

static void render(const struct compare_options *o, const struct compare_table *table, struct sink *out)
{
	char title[256];

	if (o->title)
		snprintf(title, sizeof(title), "%s", o->title);
	else if (table->column_count == 1)
		snprintf(title, sizeof(title), "tscprobe report: %s", table->columns[0].label);
	else
		snprintf(title, sizeof(title), "tscprobe compare: %u reports", table->column_count);
	switch (o->format) {
	case FORMAT_TEXT:
		compare_write_text(table, o->width, out);
		break;
	case FORMAT_MARKDOWN:
		compare_write_markdown(table, out);
		break;
	case FORMAT_CSV:
		compare_write_csv(table, out);
		break;
	case FORMAT_HTML:
		compare_write_html(table, title, out);
		break;
	case FORMAT_SVG:
		compare_write_svg(table, title, out);
		break;
	}
}

/* The rendered text to its destination in one go; a failure leaves a regular file as it was. */
static int write_out(const char *destination, const struct memory_sink *rendered)
{
	char error[ERROR_BYTES];
	struct output out;

	if (rendered->failed)
		return input_error("out of memory while rendering");
	if (output_open(&out, destination, error, sizeof(error)))
		return input_error(error);
	out.out.sink.write(&out.out.sink, rendered->data ? rendered->data : "", rendered->length);
	return output_close(&out, error, sizeof(error)) ? input_error(error) : 0;
}

int compare_run(int argc, char **argv, bool many, const char *synopsis)
{
	struct compare_options o = {.command = argv[0], .synopsis = synopsis};
	struct compare_input *inputs = NULL;
	struct compare_table table = {0};
	struct memory_sink rendered;
	char error[ERROR_BYTES];
	unsigned count = 0;
	int status;

	memory_sink_init(&rendered);
	status = parse_options(argc, argv, many, &o);
	if (!status && !(inputs = calloc(o.path_count, sizeof(*inputs))))
		status = input_error("out of memory");
	/* Every input is read before anything is written: one bad file, and nothing is. */
	for (; !status && count < o.path_count; count++)
		if (compare_input_read(o.paths[count], &inputs[count], error, sizeof(error)))
			status = input_error(error);
	if (!status)
		status = apply_labels(&o, inputs);
	if (!status) {
		for (unsigned i = 0; i < count; i++)
			if (inputs[i].note[0] && !many && !o.summary) /* the summary is an ending, not an inquiry */
				fprintf(stderr, "tscprobe: %s: %s: %s\n", o.command, inputs[i].path, inputs[i].note);
		count = drop_duplicates(&o, inputs, count);
		compare_label_inputs(inputs, count);
		if (o.summary)
			report_write_summary(&inputs[0].report, &rendered.sink, o.width, UINT_MAX);
		else if (!many && o.format == FORMAT_TEXT)
			report_write_text(&inputs[0].report, &rendered.sink);
		else if (compare_build(inputs, count, &table))
			status = input_error("out of memory while building the table");
		else
			render(&o, &table, &rendered.sink);
	}
	if (!status)
		status = write_out(o.destination, &rendered);
	compare_table_free(&table);
	memory_sink_free(&rendered);
	for (unsigned i = 0; i < count && inputs; i++)
		compare_input_free(&inputs[i]);
	free(inputs);
	free(o.paths);
	free(o.labels);
	return status;
}

int compare_command(int argc, char **argv)
{
	return compare_run(argc, argv, true, COMPARE_ARGUMENTS);
}
