/* The report model: filled once by the probe (or read back from JSON on the host), written by two writers. */
#ifndef TSCPROBE_REPORT_H
#define TSCPROBE_REPORT_H

#include "acpi.h"
#include "cpuid.h"
#include "hypervisor.h"
#include "sink.h"

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
	char name[REPORT_NAME_BYTES];  /* "acpi_pm", "hpet", "rtc", "pit", "lapic", "uefi_time" */
	char label[32];                /* "ACPI PM timer" */
	bool available;
	char reason[REPORT_TEXT_BYTES]; /* why it is unavailable or could not be measured */
	char detail[REPORT_TEXT_BYTES]; /* where and how it was read */
	double nominal_hz;              /* its specified rate; 0 when only measurement tells (LAPIC) */
	unsigned width_bits;
	bool edges;    /* timed at its ticks (RTC, UEFI time) rather than read as a counter */
	bool measured; /* the fields below hold a result */
	double tsc_hz; /* the TSC rate against this reference; 0 for references without a nominal rate */
	double uncertainty_ppm, window_s, read_cost_ns;
	double rate_hz;              /* the reference's own rate against the best TSC estimate (LAPIC) */
	double rate_uncertainty_ppm;
	uint32_t samples, rejected, backward_steps, gaps_bridged;
	uint32_t jumps_backward, jumps_forward; /* steps against the TSC between samples: the reference is not steady */
	bool disagrees; /* the cross-check found it at odds with the other references */
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

/* The best estimate of the TSC rate: the most precise reference that agrees with the others. */
struct tsc_estimate {
	bool valid;
	double hz, uncertainty_ppm;
	char reference[REPORT_NAME_BYTES];
};

struct report {
	char tool_version[48];
	char machine_kind[16]; /* "uefi" or "sim" */
	struct cpu_info cpu;
	struct hv_inventory hv;
	struct acpi_info acpi;
	unsigned reference_count;
	struct reference_report references[REPORT_MAX_REFERENCES];
	struct tsc_estimate tsc;
	unsigned cross_check_count;
	struct cross_check cross_checks[REPORT_MAX_CROSS_CHECKS];
	double duration_s; /* the probe's own run time, by the TSC and its best estimate; 0 when unknown */
};

/* How a run measures; probe_defaults() gives the documented defaults. */
struct probe_settings {
	const char *version;
	double window_s;      /* per counter reference */
	double edge_window_s; /* RTC and UEFI time, whole seconds */
	uint32_t target_samples;
	/* Told what is being measured and how long is left; may be NULL. */
	void (*progress)(void *ctx, const char *what, double seconds_left);
	void *progress_ctx;
};

#define PROBE_DEFAULT_WINDOW_S 1.0
#define PROBE_DEFAULT_EDGE_WINDOW_S 3.0
#define PROBE_DEFAULT_SAMPLES 256

void probe_defaults(struct probe_settings *settings, const char *version);

/* The probe flow, the same on every machine: inventory first, then measurements, leaving the machine as found. */
void probe_run(struct machine *m, const struct probe_settings *settings, struct report *r);

/* Its first part alone: CPUID and hypervisor leaves (clears *r). */
void probe_inventory(struct machine *m, const char *version, struct report *r);

/* Compare every pair of measured references, flag the odd ones out, choose the best TSC estimate (pure). */
void crosscheck_run(struct report *r);

/* The reference called name, or NULL. */
const struct reference_report *report_reference(const struct report *r, const char *name);

/* JSON (schema tscprobe/1, documented in docs/report-schema.md). */
void report_write_json(const struct report *r, struct sink *out);

/* Human text: findings first, then figures, aligned, with units. */
void report_write_text(const struct report *r, struct sink *out);

/* Words for the enums, shared by both writers and the host reader. */
const char *hv_range_name(enum hv_range range);
const char *hv_timing_name(enum hv_timing_status timing);

#endif
