/* The app's command-line options: one table of words, parsed the same from the shell and from options.txt. */
#include "options.h"

#include "report.h"
#include "watch.h"

void options_defaults(struct options *o)
{
	*o = (struct options){
		.finish = FINISH_POWER_OFF,
		.countdown_s = OPTIONS_DEFAULT_COUNTDOWN_S,
		.write_files = true,
		.window_s = PROBE_DEFAULT_WINDOW_S,
		.edge_window_s = (unsigned)PROBE_DEFAULT_EDGE_WINDOW_S,
	};
	idle_defaults(&o->idle);
	o->watch_interval_s = WATCH_DEFAULT_INTERVAL_S;
}

unsigned options_countdown(const struct options *o, bool on_screen)
{
	return o->countdown_chosen || !on_screen ? o->countdown_s : OPTIONS_READING_COUNTDOWN_S;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Next word of *cursor into word (truncated to capacity); false at the end. */
static bool next_word(const char **cursor, char *word, size_t capacity)
{
	const char *p = *cursor;
	size_t n = 0;

	while (is_space(*p))
		p++;
	if (!*p)
		return false;
	for (; *p && !is_space(*p); p++)
		if (n + 1 < capacity)
			word[n++] = *p;
	word[n] = '\0';
	*cursor = p;
	return true;
}

/* A decimal number of seconds ("2", "0.25") within [min, max]. */
static bool parse_seconds(const char *word, double min, double max, double *out)
{
	double v = 0, scale = 0;
	if (!*word)
		return false;
	for (; *word; word++) {
		if (*word == '.' && scale == 0) {
			scale = 1;
			continue;
		}
		if (*word < '0' || *word > '9' || v > max * 10)
			return false;
		if (scale > 0)
			v += (*word - '0') * (scale /= 10);
		else
			v = v * 10 + (*word - '0');
	}
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* The word after an option, as seconds; false with the message set when it is missing or out of range. */
static bool option_seconds(const char **args, const char *option, double min, double max, bool whole, struct options *o,
			   double *out)
{
	char word[32];
	if (next_word(args, word, sizeof(word)) && parse_seconds(word, min, max, out) &&
	    (!whole || *out == (double)(unsigned)*out))
		return true;
	int decimals = whole ? 0 : 2;
	format_string(o->error, sizeof(o->error), "%s takes %sseconds from %.*f to %.*f", option, whole ? "whole " : "",
		      decimals, min, decimals, max);
	return false;
}

/* "1,10,100" milliseconds into durations_us; false when any item is not a whole number in range. */
static bool parse_durations(const char *word, struct idle_settings *idle)
{
	struct idle_settings parsed = *idle;
	parsed.duration_count = 0;
	while (*word) {
		unsigned ms = 0, digits = 0;
		for (; *word >= '0' && *word <= '9' && digits < 6; word++, digits++)
			ms = ms * 10 + (unsigned)(*word - '0');
		if (!digits || ms == 0 || ms > OPTIONS_MAX_IDLE_MS || parsed.duration_count == IDLE_MAX_DURATIONS ||
		    (*word && *word != ','))
			return false;
		parsed.durations_us[parsed.duration_count++] = ms * 1000;
		if (*word == ',')
			word++;
	}
	if (!parsed.duration_count)
		return false;
	*idle = parsed;
	return true;
}

bool options_parse(const char *args, struct options *o)
{
	char word[64];
	bool first = true;
	double seconds;

	o->error[0] = '\0';
	while (next_word(&args, word, sizeof(word))) {
		bool was_first = first;
		first = false;
		if (text_equal(word, "--help") || text_equal(word, "-h")) {
			o->help = true;
		} else if (text_equal(word, "--power-off")) {
			o->finish = FINISH_POWER_OFF;
			o->countdown_chosen = true;
		} else if (text_equal(word, "--wait-key")) {
			o->finish = FINISH_WAIT_KEY;
		} else if (text_equal(word, "--return")) {
			o->finish = FINISH_RETURN;
		} else if (text_equal(word, "--no-files")) {
			o->write_files = false;
		} else if (text_equal(word, "--watch")) {
			if (!next_word(&args, word, sizeof(word)) || !watch_parse_duration(word, &o->watch_s)) {
				format_string(o->error, sizeof(o->error),
					      "--watch takes a duration like 300, 300s, 5m or 2h");
				return false;
			}
		} else if (text_equal(word, "--watch-interval")) {
			if (!option_seconds(&args, word, 1, 3600, false, o, &o->watch_interval_s))
				return false;
		} else if (text_equal(word, "--watch-busy")) {
			o->watch_busy = true;
		} else if (text_equal(word, "--no-idle")) {
			o->idle.enabled = false;
		} else if (text_equal(word, "--quick")) {
			o->quick = true;
			o->idle.enabled = false;
			if (!o->window_chosen)
				o->window_s = PROBE_QUICK_WINDOW_S;
		} else if (text_equal(word, "--sequential")) {
			o->sequential = true;
		} else if (text_equal(word, "--idle-durations")) {
			if (!next_word(&args, word, sizeof(word)) || !parse_durations(word, &o->idle)) {
				format_string(o->error, sizeof(o->error),
					      "--idle-durations takes up to %u milliseconds, 1 to %u, like 1,10,100",
					      IDLE_MAX_DURATIONS, OPTIONS_MAX_IDLE_MS);
				return false;
			}
		} else if (text_equal(word, "--idle-repeats")) {
			if (!option_seconds(&args, word, 1, OPTIONS_MAX_IDLE_REPEATS, true, o, &seconds)) {
				format_string(o->error, sizeof(o->error), "--idle-repeats takes a count from 1 to %u",
					      OPTIONS_MAX_IDLE_REPEATS);
				return false;
			}
			o->idle.repeats = (unsigned)seconds;
		} else if (text_equal(word, "--countdown")) {
			if (!option_seconds(&args, word, 0, OPTIONS_MAX_COUNTDOWN_S, true, o, &seconds))
				return false;
			o->countdown_s = (unsigned)seconds;
			o->countdown_chosen = true;
		} else if (text_equal(word, "--window")) {
			if (!option_seconds(&args, word, OPTIONS_MIN_WINDOW_S, OPTIONS_MAX_WINDOW_S, false, o,
					    &o->window_s))
				return false;
			o->window_chosen = true;
		} else if (text_equal(word, "--edge-window")) {
			if (!option_seconds(&args, word, OPTIONS_MIN_EDGE_WINDOW_S, OPTIONS_MAX_EDGE_WINDOW_S, true, o,
					    &seconds))
				return false;
			o->edge_window_s = (unsigned)seconds;
		} else if (!(was_first && word[0] != '-')) {
			format_string(o->error, sizeof(o->error), "unknown option '%s' (see --help)", word);
			return false;
		}
	}
	return true;
}

void options_usage(struct sink *out)
{
	/* 80 columns: a hypervisor's console window, or a serial terminal, is often no wider. */
	sink_printf(out,
		    "Usage: tscprobe.efi [OPTION]...\n"
		    "At the end:\n"
		    "  --power-off          count down, then power off (default; a key stops it and\n"
		    "                       opens the report on a screen)\n"
		    "  --countdown SEC      length of that countdown (default %u s, %u s with the\n"
		    "                       summary on a screen; 0: none)\n"
		    "  --wait-key           wait for a key, then return to the firmware or shell\n"
		    "  --return             return to the firmware or shell at once\n"
		    "Measuring:\n"
		    "  --window SEC         window per counter reference (default %.2f s)\n"
		    "  --edge-window SEC    window for the RTC and UEFI time (default %u s)\n"
		    "  --no-idle            skip the idle experiments (HLT, MWAIT)\n"
		    "  --quick              the best counter reference alone, a %.2f s window, no\n"
		    "                       idle experiments: an answer within 1 ppm in seconds\n"
		    "  --sequential         time the references one after another, not all in one\n"
		    "                       shared window (slower; for comparison)\n"
		    "  --idle-durations MS,...  idle periods (default 1,10,100,1000 ms)\n"
		    "  --idle-repeats N     each period this many times (default 2)\n"
		    "Watching, after the report:\n"
		    "  --watch DURATION     watch every clock's drift (300s, 5m, 2h; a key stops it)\n"
		    "  --watch-interval SEC seconds between samples (default 10)\n"
		    "  --watch-busy         busy-wait between samples instead of HLT\n"
		    "Files:\n"
		    "  --no-files           write no \\tscprobe\\ report files\n"
		    "  --help               this text\n"
		    "Options are also read from \\tscprobe\\options.txt on the boot volume;\n"
		    "the command line wins.\n",
		    OPTIONS_DEFAULT_COUNTDOWN_S, OPTIONS_READING_COUNTDOWN_S, PROBE_DEFAULT_WINDOW_S,
		    (unsigned)PROBE_DEFAULT_EDGE_WINDOW_S, PROBE_QUICK_WINDOW_S);
}
