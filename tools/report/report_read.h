/* The host's reader of JSON reports (schema tscprobe/1): the inverse of core/report_json.c. */
#ifndef TSCPROBE_REPORT_READ_H
#define TSCPROBE_REPORT_READ_H

#include <jansson.h>
#include <stddef.h>

#include "host_input.h"
#include "report.h"

/*
 * The most JSON a report may be: struct report, the whole model, is 90 KiB, and its JSON with names and
 * indentation a few times that, so 4 MiB is ten times any report a probe writes. jansson's tree takes some
 * 30 bytes per byte of a dense input: a report this size still parses in about 100 MiB.
 */
#define REPORT_MAX_BYTES (4u * MIB)

/*
 * Fill *out from a parsed report. 0 on success; -1 with a one-line reason naming the field
 * ("hypervisors[1].max_leaf: expected a hex string like ...") in error otherwise, *out then
 * incomplete. Unknown members are ignored and absent or null ones stay zero (reports from
 * before a section existed lack it), except the required schema, tool.version, cpu and
 * hypervisors, in each entry of claims, faults, verdicts, idle and watch.series the member naming
 * it (source, access, id, method, name), a verdict's severity, and all three figures of a rate
 * change. Members the writer derives from others
 * (hyperv's decoded fields, an idle run's words, wake_source and phase) are checked, not stored.
 */
int report_read_json(const json_t *root, struct report *out, char *error, size_t error_size);

/* The same from JSON text of `length` bytes, at most REPORT_MAX_BYTES; syntax errors give jansson's line and column. */
int report_read_string(const char *text, size_t length, struct report *out, char *error, size_t error_size);

/*
 * The same for a report of any schema version tscprobe/N (compare and show read old and new
 * reports alike): the members this tool knows are read with the same strictness, others are
 * ignored. *schema_version is N once the schema was read; errors start with source when not NULL.
 */
int report_read_any_schema(const char *text, size_t length, const char *source, struct report *out,
			   unsigned *schema_version, char *error, size_t error_size);

/* The same from a file; every error starts with the path. */
int report_read_file(const char *path, struct report *out, char *error, size_t error_size);

#endif
