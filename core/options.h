/* The app's command-line options, parsed from the UEFI shell's load options or \tscprobe\options.txt. */
#ifndef TSCPROBE_OPTIONS_H
#define TSCPROBE_OPTIONS_H

#include "idle.h"
#include "sink.h"

enum finish_action {
	FINISH_POWER_OFF, /* countdown (any key cancels), then power off: automated runs end by themselves */
	FINISH_WAIT_KEY,  /* wait for a key, then return to the firmware or shell */
	FINISH_RETURN     /* return to the firmware or shell at once */
};

#define OPTIONS_DEFAULT_COUNTDOWN_S 5
/*
 * On a screen, unless --countdown or --power-off is given: long enough to read the last screen. It holds the
 * platform line and a few verdicts with their fixes, 150 to 250 words; technical text reads at about 200 words a
 * minute, and a person may look up only when the run has ended.
 */
#define OPTIONS_READING_COUNTDOWN_S 60
#define OPTIONS_MAX_COUNTDOWN_S 3600

#define OPTIONS_MIN_WINDOW_S 0.05
#define OPTIONS_MAX_WINDOW_S 60.0
#define OPTIONS_MIN_EDGE_WINDOW_S 2u /* a line through fewer than 3 edges has no residual */
#define OPTIONS_MAX_EDGE_WINDOW_S 600u
#define OPTIONS_MAX_IDLE_MS 10000u /* one idle period; the 24-bit PM timer wraps in 4.7 s, but HPET timing holds */
#define OPTIONS_MAX_IDLE_REPEATS 10u

struct options {
	bool help;
	double window_s;        /* per counter reference */
	bool window_chosen;     /* --window given: --quick keeps it */
	bool quick;             /* --quick */
	bool sequential;        /* --sequential */
	unsigned edge_window_s; /* RTC and UEFI time */
	enum finish_action finish;
	unsigned countdown_s;
	bool countdown_chosen; /* --countdown or --power-off given: the countdown is what the user asked for */
	bool write_files;
	struct idle_settings idle;
	double watch_s;          /* --watch: 0 for none */
	double watch_interval_s; /* --watch-interval */
	bool watch_busy;         /* --watch-busy */
	char error[96];          /* why parsing failed; empty when it did not */
};

void options_defaults(struct options *o);

/* Seconds to count down before powering off: the chosen countdown, else one to read the last screen by when the
 * summary is on a screen, else the default for unattended runs. */
unsigned options_countdown(const struct options *o, bool on_screen);

/*
 * Parse whitespace-separated arguments into *o (which holds defaults or earlier options).
 * A first word not starting with '-' is the program's name and skipped. False on a bad option.
 */
bool options_parse(const char *args, struct options *o);

/* The --help text. */
void options_usage(struct sink *out);

#endif
