/* The report model: filled once by the probe (or read back from JSON on the host), written by two writers. */
#ifndef TSCPROBE_REPORT_H
#define TSCPROBE_REPORT_H

#include "claims.h"
#include "faults.h"
#include "idle.h"
#include "platform.h"
#include "sink.h"
#include "watch.h"

#define REPORT_SCHEMA "tscprobe/1"
#define REPORT_BEGIN_MARKER "-----BEGIN TSCPROBE REPORT-----"
#define REPORT_END_MARKER "-----END TSCPROBE REPORT-----"

#define REPORT_NAME_BYTES 16
#define REPORT_TEXT_BYTES 112
#define REPORT_MAX_REFERENCES 8
#define REPORT_MAX_FINDINGS 6
#define REPORT_MAX_CROSS_CHECKS (REPORT_MAX_REFERENCES * (REPORT_MAX_REFERENCES - 1) / 2)

/* One reference clock: whether it exists, how it was validated, what the TSC measured against it gave. */
struct reference_report {
	char name[REPORT_NAME_BYTES]; /* "acpi_pm", "hpet", "rtc", "pit", "lapic", "uefi_time" */
	char label[32];               /* "ACPI PM timer" */
	bool available;
	char reason[REPORT_TEXT_BYTES]; /* why it is unavailable or could not be measured */
	char detail[REPORT_TEXT_BYTES]; /* where and how it was read */
	double nominal_hz;              /* its specified rate; 0 when only measurement tells (LAPIC) */
	unsigned width_bits;
	bool edges;          /* timed at its ticks (RTC, UEFI time) rather than read as a counter */
	bool tsc_derived;    /* computed from the TSC by the hypervisor's scale (kvmclock): not independent */
	bool measured;       /* the fields below hold a result */
	double tsc_hz;       /* the TSC rate against this reference; 0 for references without a nominal rate */
	double two_point_hz; /* the same from its first and last sample alone (firmware's method); 0 when unknown */
	double uncertainty_ppm, window_s, read_cost_ns;
	double rate_hz; /* the reference's own rate against the best TSC estimate (LAPIC) */
	double rate_uncertainty_ppm;
	uint32_t samples, rejected, backward_steps, gaps_bridged;
	uint32_t jumps_backward, jumps_forward; /* steps against the TSC between samples: the reference is not steady */
	bool disagrees;                         /* the cross-check found it at odds with the other references */
	unsigned finding_count;
	char findings[REPORT_MAX_FINDINGS][REPORT_TEXT_BYTES];
};

/* Two references compared: the TSC rate each gives, their difference against their combined uncertainty. */
struct cross_check {
	char a[REPORT_NAME_BYTES], b[REPORT_NAME_BYTES];
	double ppm;          /* (a / b - 1) x 1e6 */
	double combined_ppm; /* both uncertainties in quadrature */
	bool agree;
};

/* A plain-words conclusion, with the figures behind it. Severity order is the text report's order. */
enum severity { SEVERITY_FAIL, SEVERITY_WARN, SEVERITY_INFO, SEVERITY_PASS };
#define REPORT_MAX_VERDICTS 64
struct verdict {
	char id[64]; /* "claim.kvmclock.4b564d01", "invariant_tsc.absent", ... */
	enum severity severity;
	char message[256];
	char fix[400]; /* FAIL and WARN: what to change, for the identified product, with the measured figures; else "" */
	/* Figures, where the verdict has them (NaN-free: has_figures says whether they are set). */
	bool has_figures;
	double ppm, combined_uncertainty_ppm, drift_s_per_day, drift_s_per_5min;
};

/*
 * The TSC changed rate mid-run: every clock measured after the first disagreed with it in one direction, and the
 * first, measured again, moved with them. Its two figures, and the change between them.
 */
struct tsc_rate_change {
	bool seen;
	char reference[REPORT_NAME_BYTES]; /* the clock measured twice */
	double first_hz, again_hz;         /* the TSC rate against it, first and again */
	double ppm, uncertainty_ppm;       /* (again / first - 1) x 10^6, both uncertainties in quadrature */
};

/* The best estimate of the TSC rate: the most precise reference that agrees with the others. */
struct tsc_estimate {
	bool valid;
	double hz, uncertainty_ppm;
	char reference[REPORT_NAME_BYTES];
	/* Times the TSC was seen to step back (each ended a measurement, measured again), and the largest step. */
	uint32_t backward_steps;
	uint64_t largest_backward_step_ticks;
	struct tsc_rate_change rate_change;
};

struct report {
	char tool_version[48];
	char machine_kind[16]; /* "uefi" or "sim" */
	char mode
		[12]; /* "full" (one shared window), "sequential" (--sequential), "quick" (--quick); empty in older reports */
	struct platform platform; /* the inventory: read-only to every phase after it */
	unsigned reference_count;
	struct reference_report references[REPORT_MAX_REFERENCES];
	struct tsc_estimate tsc;
	unsigned cross_check_count;
	struct cross_check cross_checks[REPORT_MAX_CROSS_CHECKS];
	struct claim_list claims;
	struct fault_log faults;
	struct idle_report idle;
	struct watch_report watch;
	unsigned verdict_count;
	struct verdict verdicts[REPORT_MAX_VERDICTS];
	double duration_s; /* the probe's own run time, by the TSC and its best estimate; 0 when unknown */
};

/* How a run measures; probe_defaults() gives the documented defaults. */
struct probe_settings {
	const char *version;
	double window_s;      /* per counter reference */
	double edge_window_s; /* RTC and UEFI time, whole seconds */
	uint32_t target_samples;
	bool quick;      /* --quick: the TSC against the best counter reference alone */
	bool sequential; /* --sequential: the references one after another, not in one shared window */
	struct idle_settings idle;
	/* Told what is being measured and how long is left; may be NULL. */
	/* what is a plain-English step: "Timing the TSC against the HPET", "Idle: HLT for 10 ms, run 3 of 8". */
	void (*progress)(void *ctx, const char *what, double seconds_left);
	void *progress_ctx;
};

#define PROBE_DEFAULT_WINDOW_S 1.0
#define PROBE_DEFAULT_EDGE_WINDOW_S 3.0
#define PROBE_DEFAULT_SAMPLES 256
/* --quick's window: the least-squares uncertainty falls as the window grows (0.06 ppm at 1 s under QEMU TCG
 * here), so a quarter second leaves four times the margin to a 1 ppm answer. */
#define PROBE_QUICK_WINDOW_S 0.25

void probe_defaults(struct probe_settings *settings, const char *version);

/* The probe flow, the same on every machine: inventory first, then measurements, leaving the machine as found. */
void probe_run(struct machine *m, const struct probe_settings *settings, struct report *r);

/* Its first part alone: a cleared report holding the platform inventory. */
void probe_inventory(struct machine *m, const char *version, struct report *r);

/* Compare every pair of measured references, flag the odd ones out, choose the best TSC estimate (pure). */
void crosscheck_run(struct report *r);

/* Clocks measured early and late that disagree as a group: the TSC may have changed rate between them. */
struct rate_split {
	unsigned early[REPORT_MAX_REFERENCES]; /* report indices of the early clocks, in measurement order */
	unsigned early_count;
	int direction;          /* +1: every late clock gives a higher TSC rate than every early one; -1: lower */
	double nearest_late_hz; /* the late TSC rate closest to the first early clock's */
};

/*
 * Whether the independent references, in measurement order (report indices in order[]), split into early ones that
 * agree with each other and late ones that each disagree with every early one, all on one side (pure).
 */
bool crosscheck_split(const struct report *r, const unsigned *order, unsigned count, struct rate_split *out);

/* A step back of the TSC that a measurement saw, backward_ticks at least (0: none): counted in r->tsc. */
void report_tsc_step(struct report *r, uint64_t backward_ticks);

/* The verdicts: pure functions of the claims, the measurements and the CPU's flags (core/verdict.c). */
void verdicts_run(struct report *r);

/* A fix for every FAIL and WARN verdict, for the identified product, measured figures filled in (core/fix.c). */
void fixes_attach(struct report *r);

const char *severity_name(enum severity severity);
/* A verdict's first columns in the text writers: "  FAIL  ", "  WARN  ", ... */
extern const char *const severity_tags[SEVERITY_PASS + 1];

/* The reference called name, or NULL. */
const struct reference_report *report_reference(const struct report *r, const char *name);

/* JSON (schema tscprobe/1, documented in docs/report-schema.md). */
void report_write_json(const struct report *r, struct sink *out);

/* Human text: findings first, then figures, aligned, with units. */
void report_write_text(const struct report *r, struct sink *out);

/*
 * The last screen (core/report_summary.c): the platform, then the verdicts worst first, wrapped to columns, in
 * at most max_lines lines; verdicts that do not fit are counted on the last line. Returns the lines written.
 */
unsigned report_write_summary(const struct report *r, struct sink *out, unsigned columns, unsigned max_lines);

/* Words for the enums, shared by both writers and the host reader: the schema's vocabulary, once. */
extern const char *const sampling_words[2];      /* by reference_report.edges; the ACPI words are in acpi.h */
#define IDLE_BUSY_WAKE_SOURCE "none (busy-wait)" /* a busy-wait's wake source: a CPU that never sleeps is not woken */
const char *hv_range_name(enum hv_range range);
const char *hv_timing_name(enum hv_timing_status timing);

#endif
