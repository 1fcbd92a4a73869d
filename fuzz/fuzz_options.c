/* Fuzz target: the app's options (core/options.c), as the UEFI shell or \tscprobe\options.txt give them; what a
 * parse accepts must lie within the limits options.h states, and a refusal must say why. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(bool holds, const char *what, const char *args)
{
	if (holds)
		return;
	fprintf(stderr, "fuzz: options \"%s\" were accepted with %s\n", args, what);
	abort();
}

static bool within(double value, double min, double max)
{
	return value >= min && value <= max;
}

static void check_accepted(const struct options *o, const char *args)
{
	require(within(o->window_s, OPTIONS_MIN_WINDOW_S, OPTIONS_MAX_WINDOW_S), "a window out of range", args);
	require(within(o->edge_window_s, OPTIONS_MIN_EDGE_WINDOW_S, OPTIONS_MAX_EDGE_WINDOW_S),
		"an edge window out of range", args);
	require(o->countdown_s <= OPTIONS_MAX_COUNTDOWN_S, "a countdown out of range", args);
	require(within(o->idle.repeats, 1, OPTIONS_MAX_IDLE_REPEATS), "idle repeats out of range", args);
	require(within(o->idle.duration_count, 1, IDLE_MAX_DURATIONS), "no idle durations, or too many", args);
	for (unsigned i = 0; i < o->idle.duration_count; i++)
		require(within(o->idle.durations_us[i], 1000, OPTIONS_MAX_IDLE_MS * 1000.0),
			"an idle duration out of range", args);
	require(o->watch_s >= 0 && o->watch_s - o->watch_s == 0, "a watch duration that is not a finite figure", args);
	require(within(o->watch_interval_s, 1, 3600), "a watch interval out of range", args);
	require(o->error[0] == '\0', "an error message", args);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct options o;
	char *args = malloc(size + 1); /* the app passes a NUL-terminated text */

	if (!args)
		return 0;
	memcpy(args, data, size);
	args[size] = '\0';
	options_defaults(&o);
	if (options_parse(args, &o))
		check_accepted(&o, args);
	else if (!memchr(o.error, '\0', sizeof(o.error)) || o.error[0] == '\0')
		require(false, "a refusal that gives no reason", args);
	free(args);
	return 0;
}
