/* `tscprobe plot`: a drift watch's CSV (tools/report/plot.c parses and draws it) as an SVG file. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "host_sink.h"
#include "plot.h"

#define ERROR_BYTES 512
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int plot_usage_error(const char *problem)
{
	fprintf(stderr, "tscprobe: plot: %s\nusage: tscprobe plot %s\n('tscprobe plot --help' lists the options)\n",
		problem, PLOT_ARGUMENTS);
	return EXIT_ERROR;
}

static int plot_error(const char *error)
{
	fprintf(stderr, "tscprobe: %s\n", error);
	return EXIT_ERROR;
}

int plot_command(int argc, char **argv)
{
	const char *path = NULL, *destination = NULL, *title = NULL, *series = NULL;
	const struct {
		const char *name;
		const char **value;
	} options[] = {{"-o", &destination}, {"--title", &title}, {"--series", &series}};
	char error[ERROR_BYTES], default_title[ERROR_BYTES];
	struct plot_settings settings;
	struct watch_csv csv;
	struct output out;
	int status = 0;

	for (int i = 1; i < argc; i++) {
		size_t o = 0;
		while (o < ARRAY_SIZE(options) && strcmp(argv[i], options[o].name))
			o++;
		if (o < ARRAY_SIZE(options) && i + 1 == argc) {
			snprintf(error, sizeof(error), "%s needs a value", argv[i]);
			return plot_usage_error(error);
		}
		if (o < ARRAY_SIZE(options)) {
			*options[o].value = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			snprintf(error, sizeof(error), "unknown option %.40s", argv[i]);
			return plot_usage_error(error);
		} else if (path) {
			return plot_usage_error("expected one WATCH.csv");
		} else {
			path = argv[i];
		}
	}
	if (!path)
		return plot_usage_error("expected one WATCH.csv");

	if (watch_csv_read_file(path, &csv, error, sizeof(error)))
		return plot_error(error);
	if (plot_choose_series(&csv, series, &settings, error, sizeof(error))) {
		watch_csv_free(&csv);
		return plot_usage_error(error);
	}
	snprintf(default_title, sizeof(default_title), "Drift watch: %s", path);
	settings.title = title ? title : default_title;
	/* Parsed whole before a byte is written: a bad file leaves the destination as it was. */
	if (output_open(&out, destination, error, sizeof(error))) {
		status = plot_error(error);
	} else {
		plot_write_svg(&csv, &settings, &out.out.sink);
		if (output_close(&out, error, sizeof(error)))
			status = plot_error(error);
	}
	watch_csv_free(&csv);
	return status;
}
