/* The report model: filled once by the probe (or read back from JSON on the host), written by two writers. */
#ifndef TSCPROBE_REPORT_H
#define TSCPROBE_REPORT_H

#include "cpuid.h"
#include "hypervisor.h"
#include "sink.h"

#define REPORT_SCHEMA "tscprobe/1"
#define REPORT_BEGIN_MARKER "-----BEGIN TSCPROBE REPORT-----"
#define REPORT_END_MARKER "-----END TSCPROBE REPORT-----"

struct report {
	char tool_version[48];
	char machine_kind[16]; /* "uefi" or "sim" */
	struct cpu_info cpu;
	struct hv_inventory hv;
};

/* The probe flow, the same on every machine: inventory first, measurements after. */
void probe_run(struct machine *m, const char *version, struct report *r);

/* JSON (schema tscprobe/1, documented in docs/report-schema.md). */
void report_write_json(const struct report *r, struct sink *out);

/* Human text: findings first, then figures, aligned, with units. */
void report_write_text(const struct report *r, struct sink *out);

/* Words for the enums, shared by both writers and the host reader. */
const char *hv_range_name(enum hv_range range);
const char *hv_timing_name(enum hv_timing_status timing);

#endif
