/* Idle experiments: does the TSC (and the LAPIC timer) keep counting while the CPU idles in HLT or MWAIT? */
#ifndef TSCPROBE_IDLE_H
#define TSCPROBE_IDLE_H

#include "calib.h"

#define IDLE_MAX_RUNS 64
#define IDLE_MAX_DURATIONS 8

/* What the probe wants measured (probe_settings carries it). */
struct idle_settings {
	bool enabled;
	unsigned duration_count;
	uint32_t durations_us[IDLE_MAX_DURATIONS];
	unsigned repeats;
	double budget_s; /* the whole section stops starting runs past this */
};

enum idle_kind { IDLE_KIND_BUSY, IDLE_KIND_HLT, IDLE_KIND_MWAIT };

/* A run's status when its method returned at once instead of waiting for the wake source (idle_run.at_once). */
#define IDLE_STATUS_RETURNED_AT_ONCE "returned at once"

/*
 * The idle calls of a run that the reference timed under IDLE_AT_ONCE_MAX_US (core/idle.c): far below the
 * firmware's tick, so the CPU did not sleep. Set only when they ended the run (status "returned at once").
 */
struct idle_at_once {
	uint32_t returns;      /* such calls in the run; 0: the method waited */
	double each_us;        /* their mean duration by the reference: the instruction and one read of the reference */
	double uncertainty_us; /* of each_us: the reference's quantisation over them, and its rate's error */
};

/* One idle period, timed by an independent reference. */
struct idle_run {
	enum idle_kind kind;
	uint32_t hint;  /* MWAIT EAX */
	char cstate[8]; /* "C0" (busy), "C1" (HLT), "C1", "C2", "C3.1"... from the MWAIT hint */
	bool done;      /* false: it faulted or was not offered (status says) */
	char status[48];
	double requested_us, actual_us;
	double tsc_lost_us, tsc_lost_ppm, uncertainty_ppm;
	bool lapic_measured;
	double lapic_lost_ppm, lapic_uncertainty_ppm;
	uint32_t wakes;
	struct idle_at_once at_once;
};

struct idle_report {
	bool ran;
	char reference[16];   /* the clock that timed the idle periods */
	char wake_source[96]; /* what woke the CPU */
	char phase[32];       /* "boot services": the firmware's timer tick is running */
	char lapic_note[96];  /* how the LAPIC timer was watched, or why it was not */
	bool mwait_offered;   /* CPUID.1:ECX[3] */
	unsigned run_count;
	struct idle_run runs[IDLE_MAX_RUNS];
	unsigned runs_skipped; /* past the time budget */
	double duration_s;
};

void idle_defaults(struct idle_settings *s);

/*
 * Run the experiments: busy-wait control, HLT, and MWAIT for every hint CPUID leaf 5 enumerates.
 * reference is a running counter with a calibration (its own TSC rate), lapic the LAPIC timer's
 * source when the probe owns its full count (else NULL). Bounded by the budget and per-run caps.
 */
struct report;
struct probe_settings;
void idle_run_all(struct machine *m, struct report *r, const struct probe_settings *settings,
		  struct time_source *reference, double reference_tsc_hz, double reference_uncertainty_ppm,
		  struct time_source *lapic, double lapic_hz);

/* What a run says of a clock; idle_outcome_name gives its word: "runs", "slows", "stops", "not measured". */
enum idle_outcome { IDLE_RUNS, IDLE_SLOWS, IDLE_STOPS, IDLE_NOT_MEASURED };
const char *idle_outcome_name(enum idle_outcome outcome);
enum idle_outcome idle_tsc_outcome(const struct idle_run *run);
enum idle_outcome idle_lapic_outcome(const struct idle_run *run); /* IDLE_NOT_MEASURED unless lapic_measured */
/* The outcomes' words, for the writers and the reader. */
const char *idle_tsc_word(const struct idle_run *run);
const char *idle_lapic_word(const struct idle_run *run);
const char *idle_kind_name(enum idle_kind kind);
/* The method's name as the manuals write it: "busy-waiting", "HLT", "MWAIT". */
const char *idle_method_name(enum idle_kind kind);
/* The run ended because its method returned at once, again and again: nothing is known of the TSC in it. */
bool idle_returned_at_once(const struct idle_run *run);

#endif
