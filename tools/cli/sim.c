/* `tscprobe sim`: load a scenario, run the same probe flow the UEFI app runs, write the same report. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "host_sink.h"
#include "probe.h"
#include "scenario.h"

#define ERROR_BYTES 512

struct sim_arguments {
	const char *scenario, *json_path, *text_path, *csv_path;
	struct probe_settings settings;
	struct watch_settings watch;
	bool seed_given, window_given;
	unsigned long long seed;
};

static int fail(const char *format, const char *detail)
{
	fprintf(stderr, "tscprobe: sim: ");
	fprintf(stderr, format, detail);
	fprintf(stderr, "\n");
	return EXIT_ERROR;
}

/* A positive number of seconds for an option, or a usage error. */
static bool seconds_value(const char *text, double *out)
{
	char *end;
	errno = 0;
	/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker): parse() passes a value for every option that takes one */
	double v = strtod(text, &end);
	if (errno || end == text || *end || !(v > 0) || v > 3600)
		return false;
	*out = v;
	return true;
}

static int parse(int argc, char **argv, struct sim_arguments *a)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes_value = !strcmp(arg, "--json") || !strcmp(arg, "--text") || !strcmp(arg, "--window") ||
				   !strcmp(arg, "--edge-window") || !strcmp(arg, "--seed") || !strcmp(arg, "--watch") ||
				   !strcmp(arg, "--watch-interval") || !strcmp(arg, "--csv");
		if (takes_value && !value)
			return fail("%s needs a value", arg);
		if (!strcmp(arg, "--json")) {
			a->json_path = value;
		} else if (!strcmp(arg, "--text")) {
			a->text_path = value;
		} else if (!strcmp(arg, "--window")) {
			if (!seconds_value(value, &a->settings.window_s))
				return fail("--window takes seconds, not '%s'", value);
			a->window_given = true;
		} else if (!strcmp(arg, "--edge-window")) {
			if (!seconds_value(value, &a->settings.edge_window_s) || a->settings.edge_window_s < 2)
				return fail("--edge-window takes at least 2 seconds, not '%s'", value);
		} else if (!strcmp(arg, "--watch")) {
			if (!watch_parse_duration(value, &a->watch.duration_s))
				return fail("--watch takes a duration like 300, 300s, 5m or 2h, not '%s'", value);
		} else if (!strcmp(arg, "--watch-interval")) {
			if (!seconds_value(value, &a->watch.interval_s))
				return fail("--watch-interval takes seconds, not '%s'", value);
		} else if (!strcmp(arg, "--csv")) {
			a->csv_path = value;
		} else if (!strcmp(arg, "--watch-busy")) {
			a->watch.busy = true;
			continue;
		} else if (!strcmp(arg, "--no-idle")) {
			a->settings.idle.enabled = false;
			continue;
		} else if (!strcmp(arg, "--quick")) {
			a->settings.quick = true;
			a->settings.idle.enabled = false;
			continue;
		} else if (!strcmp(arg, "--sequential")) {
			a->settings.sequential = true;
			continue;
		} else if (!strcmp(arg, "--seed")) {
			char *end;
			/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker): --seed is among the options checked for a value */
			a->seed = strtoull(value, &end, 0);
			if (*end || !*value)
				return fail("--seed takes a number, not '%s'", value);
			a->seed_given = true;
		} else if (arg[0] == '-' && arg[1]) {
			return fail("unknown option %s", arg);
		} else if (!a->scenario) {
			a->scenario = arg;
			continue;
		} else {
			return fail("expected one SCENARIO.json, got also '%s'", arg);
		}
		i++;
	}
	if (a->settings.quick && !a->window_given)
		a->settings.window_s = PROBE_QUICK_WINDOW_S;
	return a->scenario ? 0 : fail("%s", "expected a SCENARIO.json");
}

/* Write one rendering of the report to path (or stdout), replacing a file only when complete. */
static int write_rendering(const char *path, const struct report *r,
			   void (*writer)(const struct report *, struct sink *))
{
	char error[ERROR_BYTES];
	struct output out;

	if (output_open(&out, path, error, sizeof(error)))
		return fail("%s", error);
	writer(r, &out.out.sink);
	if (output_close(&out, error, sizeof(error)))
		return fail("%s", error);
	return 0;
}

/* The watch's time series to a CSV file (or stdout), written whole at the end. */
static int watch_and_finish(struct probe *p, struct sim_arguments *a)
{
	static struct watch_workspace workspace; /* hundreds of KiB */
	char error[ERROR_BYTES];
	struct output csv;

	if (a->watch.duration_s <= 0) {
		probe_finish(p);
		return 0;
	}
	if (a->csv_path && output_open(&csv, a->csv_path, error, sizeof(error)))
		return fail("%s", error);
	a->watch.csv = a->csv_path ? &csv.out.sink : NULL;
	probe_watch(p, &a->watch, &workspace);
	probe_finish(p);
	if (a->csv_path && output_close(&csv, error, sizeof(error)))
		return fail("%s", error);
	return 0;
}

int simulate_command(int argc, char **argv)
{
	static struct sim_config config; /* large tables: kept off the stack */
	static struct report report;
	static struct sim sim;
	static struct probe probe;
	struct sim_arguments a = {.watch = {.interval_s = WATCH_DEFAULT_INTERVAL_S}};
	char error[ERROR_BYTES];
	int status;

	probe_defaults(&a.settings, TSCPROBE_VERSION);
	if ((status = parse(argc, argv, &a)))
		return status;
	if (!scenario_load_file(a.scenario, &config, error, sizeof(error))) {
		fprintf(stderr, "tscprobe: sim: %s\n", error);
		return EXIT_ERROR;
	}
	if (a.seed_given)
		config.seed = a.seed;
	sim_init(&sim, &config);
	probe_start(&probe, &sim.machine, &a.settings, &report);
	if ((status = watch_and_finish(&probe, &a)))
		return status;

	if (a.json_path && (status = write_rendering(a.json_path, &report, report_write_json)))
		return status;
	if (a.text_path || !a.json_path)
		return write_rendering(a.text_path, &report, report_write_text);
	return 0;
}
