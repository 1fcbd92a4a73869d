/* The compare model: reports read leniently from JSON or serial captures, labelled, and laid out as rows. */
#include "compare.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "host_input.h"
#include "report_read.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- reading ------------------------------------------------------------------------------------- */

static void add_note(struct compare_input *in, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void add_note(struct compare_input *in, const char *format, ...)
{
	size_t used = strlen(in->note);
	va_list args;

	if (used && used + 2 < sizeof(in->note)) {
		memcpy(in->note + used, "; ", 3);
		used += 2;
	}
	va_start(args, format);
	vsnprintf(in->note + used, sizeof(in->note) - used, format, args);
	va_end(args);
}

/* Sections a probe that stopped early leaves out, in the order the probe fills them. */
static void note_missing_sections(struct compare_input *in)
{
	const struct report *r = &in->report;
	const char *missing[3];
	size_t count = 0;

	if (!r->reference_count)
		missing[count++] = "measurements";
	if (!r->idle.ran && !r->idle.run_count)
		missing[count++] = "idle experiments";
	if (!r->verdict_count)
		missing[count++] = "verdicts";
	if (count == 1)
		add_note(in, "partial report: no %s", missing[0]);
	else if (count == 2)
		add_note(in, "partial report: no %s or %s", missing[0], missing[1]);
	else if (count == 3)
		add_note(in, "partial report: no %s, %s or %s", missing[0], missing[1], missing[2]);
}

/* Sorted keys and no spaces: two reports are the same exactly when these strings are. */
static int canonicalise(struct compare_input *in, const char *json, size_t length, char *error, size_t error_size)
{
	json_error_t parse_error;
	json_t *root = json_loadb(json, length, 0, &parse_error);

	in->canonical = root ? json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(root);
	if (in->canonical)
		return 0;
	format_string(error, error_size, "%s: out of memory", in->path);
	return -1;
}

int compare_input_read(const char *path, struct compare_input *in, char *error, size_t error_size)
{
	size_t length = 0;
	char *text;

	memset(in, 0, sizeof(*in));
	in->path = path;
	if (host_input_read(path, HOST_INPUT_MAX_BYTES, &text, &length, error, error_size))
		return -1;
	int status = compare_input_parse(path, text, length, in, error, error_size);
	free(text);
	return status;
}

int compare_input_parse(const char *path, const char *text, size_t length, struct compare_input *in, char *error,
			size_t error_size)
{
	struct extracted_report extracted = {0};
	const char *json = text;
	int status = -1;

	memset(in, 0, sizeof(*in));
	in->path = path;
	/* A capture holds the marker line; a report's JSON never does (its strings cannot hold a line break). */
	if (strstr(text, REPORT_BEGIN_MARKER)) {
		char reason[COMPARE_NOTE_BYTES];
		if (extract_report(text, length, &extracted, reason, sizeof(reason))) {
			format_string(error, error_size, "%s: serial capture: %s", path, reason);
			goto done;
		}
		in->from_serial_log = true;
		json = extracted.json;
		length = extracted.length;
	} else if (memchr(text, '\0', length)) {
		format_string(error, error_size, "%s: not a tscprobe report (binary data: a NUL byte)", path);
		goto done;
	}
	if (report_read_any_schema(json, length, path, &in->report, &in->schema_version, error, error_size) ||
	    canonicalise(in, json, length, error, error_size))
		goto done;

	unsigned readable = (unsigned)strtoul(&REPORT_SCHEMA[sizeof("tscprobe/") - 1], NULL, 10);
	if (in->from_serial_log)
		add_note(in, "taken from a serial capture (lines %u-%u)", extracted.begin_line, extracted.end_line);
	if (in->schema_version != readable)
		add_note(in, "schema tscprobe/%u, %s than this tool's %s: only the members it knows are shown",
			 in->schema_version, in->schema_version > readable ? "newer" : "older", REPORT_SCHEMA);
	note_missing_sections(in);
	status = 0;
done:
	free(extracted.json);
	if (status)
		compare_input_free(in);
	return status;
}

void compare_input_free(struct compare_input *in)
{
	free(in->canonical);
	in->canonical = NULL;
}

int compare_find_same(const struct compare_input *inputs, unsigned count, const struct compare_input *candidate)
{
	for (unsigned i = 0; i < count; i++)
		if (!strcmp(inputs[i].canonical, candidate->canonical))
			return (int)i;
	return -1;
}

/* Report strings come from strangers: control bytes (terminal escapes, line breaks) become '?'. */
static void make_printable(char *text)
{
	for (char *p = text; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

static void copy_printable(char *dst, size_t size, const char *src)
{
	format_string(dst, size, "%s", src);
	make_printable(dst);
}

/* ---- labels -------------------------------------------------------------------------------------- */

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* How much a column title says, from the least to the most: each level tells apart what the one before could not. */
enum label_detail { LABEL_SHORT, LABEL_VERSION, LABEL_FILE, LABEL_PATH, LABEL_DETAIL_COUNT };

static void make_label(struct compare_input *in, enum label_detail detail)
{
	const struct platform_identity *id = &in->report.platform.identity;
	char title[COMPARE_LABEL_BYTES];

	if (detail == LABEL_SHORT)
		format_string(title, sizeof(title), "%s", id->short_name[0] ? id->short_name : id->product);
	else
		identity_versioned_short(id, title, sizeof(title));
	if (detail == LABEL_FILE || detail == LABEL_PATH)
		format_string(in->label, sizeof(in->label), "%s (%s)", title,
			      detail == LABEL_FILE ? base_name(in->path) : in->path);
	else
		format_string(in->label, sizeof(in->label), "%s", title);
	/* File names and report strings come from strangers: no terminal escapes in a heading either. */
	make_printable(in->label);
}

static bool has_twin(const struct compare_input *inputs, unsigned count, unsigned i)
{
	for (unsigned j = 0; j < count; j++)
		if (j != i && !strcmp(inputs[i].label, inputs[j].label))
			return true;
	return false;
}

void compare_label_inputs(struct compare_input *inputs, unsigned count)
{
	bool *twin = calloc(count ? count : 1, sizeof(*twin));

	for (unsigned i = 0; i < count; i++)
		if (!inputs[i].labelled)
			make_label(&inputs[i], LABEL_SHORT);
		else
			make_printable(inputs[i].label);
	/* Equal titles say more, level by level, until they differ: the version, then the file, then its path. */
	for (enum label_detail detail = LABEL_VERSION; twin && detail < LABEL_DETAIL_COUNT; detail++) {
		for (unsigned i = 0; i < count; i++)
			twin[i] = has_twin(inputs, count, i);
		for (unsigned i = 0; i < count; i++)
			if (twin[i] && !inputs[i].labelled)
				make_label(&inputs[i], detail);
	}
	free(twin);
	/* What is still equal (the same file twice, or --label twice) gets a number. */
	for (unsigned i = 0; i < count; i++) {
		unsigned twins = 0;
		for (unsigned j = i + 1; j < count; j++) {
			char numbered[COMPARE_LABEL_BYTES + 16];
			if (strcmp(inputs[i].label, inputs[j].label))
				continue;
			format_string(numbered, sizeof(numbered), "%s #%u", inputs[j].label, ++twins + 1);
			format_string(inputs[j].label, sizeof(inputs[j].label), "%s", numbered);
		}
	}
}

/* ---- rows ---------------------------------------------------------------------------------------- */

const char *compare_group_title(enum compare_group group)
{
	static const char *const titles[GROUP_COUNT] = {
		[GROUP_IDENTITY] = "Identity",
		[GROUP_FEATURES] = "Advertised by CPUID",
		[GROUP_CLAIMS] = "Claims: what the platform says the TSC runs at",
		[GROUP_MEASURED] = "Measured: the TSC against each reference",
		[GROUP_CLAIM_ERRORS] = "Claims against the measured TSC",
		[GROUP_IDLE] = "Idle: the TSC in each state (its most precise run)",
		[GROUP_VERDICTS] = "Verdicts",
	};
	return group < GROUP_COUNT ? titles[group] : "";
}

/* What one report says for one row, before it is placed. */
struct row_spec {
	enum compare_group group;
	enum compare_chart chart;
	const char *unit;
	char key[64], subject[64], label[112];
};

struct builder {
	struct compare_table *table;
	unsigned column;
	enum compare_group group; /* the group being filled: reports add rows to it alone */
	unsigned group_start;     /* its first row */
	int last_row;             /* the row this report last filled in the group, or -1 */
	bool failed;
};

/*
 * The row keyed spec->key in the group, or a new one placed after the row this report filled last
 * (at the end when none yet):
 * each report's order is kept, and rows only some reports have sit beside their neighbours.
 */
static struct compare_row *find_or_add_row(struct builder *b, const struct row_spec *spec)
{
	struct compare_table *t = b->table;
	unsigned at;

	for (unsigned i = b->group_start; i < t->row_count; i++)
		if (!strcmp(t->rows[i].key, spec->key)) {
			b->last_row = (int)i;
			return &t->rows[i];
		}
	if (t->row_count == t->row_capacity) {
		unsigned more = t->row_capacity ? 2 * t->row_capacity : 64;
		struct compare_row *rows = realloc(t->rows, more * sizeof(*rows));
		if (!rows)
			return NULL;
		t->rows = rows;
		t->row_capacity = more;
	}
	struct compare_row row = {.group = spec->group, .chart = spec->chart};
	row.cells = calloc(t->column_count, sizeof(*row.cells));
	if (!row.cells)
		return NULL;
	for (unsigned c = 0; c < t->column_count; c++)
		row.cells[c].severity = CELL_NO_SEVERITY;
	format_string(row.key, sizeof(row.key), "%s", spec->key);
	format_string(row.subject, sizeof(row.subject), "%s", spec->subject);
	format_string(row.label, sizeof(row.label), "%s", spec->label);
	format_string(row.unit, sizeof(row.unit), "%s", spec->unit ? spec->unit : "");
	at = b->last_row >= 0 ? (unsigned)b->last_row + 1 : t->row_count;
	memmove(&t->rows[at + 1], &t->rows[at], (t->row_count - at) * sizeof(*t->rows));
	t->rows[at] = row;
	t->row_count++;
	b->last_row = (int)at;
	return &t->rows[at];
}

/* This report's cell in the row keyed `key` of the group being filled (made on first use); NULL out of memory. */
static struct compare_cell *cell(struct builder *b, enum compare_chart chart, const char *unit, const char *subject,
				 const char *key, const char *label)
{
	struct row_spec spec = {.group = b->group, .chart = chart, .unit = unit};
	struct compare_row *row;

	format_string(spec.key, sizeof(spec.key), "%s", key);
	copy_printable(spec.label, sizeof(spec.label), label);
	copy_printable(spec.subject, sizeof(spec.subject), subject ? subject : "");
	row = find_or_add_row(b, &spec);
	if (!row) {
		b->failed = true;
		return NULL;
	}
	return &row->cells[b->column];
}

/* A plain row's cell: its key is its label. */
static struct compare_cell *plain(struct builder *b, const char *label)
{
	return cell(b, CHART_NONE, NULL, NULL, label, label);
}

static void set_text(struct compare_cell *c, const char *text)
{
	if (!c)
		return;
	c->kind = CELL_TEXT;
	copy_printable(c->text, sizeof(c->text), text);
}

static void set_number(struct compare_cell *c, double value, int decimals, bool sign)
{
	if (!c)
		return;
	c->kind = CELL_NUMBER;
	c->value = value;
	format_string(c->text, sizeof(c->text), sign ? "%+.*f" : "%.*f", decimals, value);
	/* What rounds to zero shows no sign: "+0.00" and "-0.00" would claim a direction. */
	const char *digits = c->text + (c->text[0] == '+' || c->text[0] == '-');
	if (strspn(digits, "0.") == strlen(digits))
		format_string(c->text, sizeof(c->text), "%.*f", decimals, 0.0);
}

static void set_severity(struct compare_cell *c, enum severity severity, const char *detail)
{
	if (!c)
		return;
	c->severity = (int)severity;
	copy_printable(c->detail, sizeof(c->detail), detail ? detail : "");
}

/* "FAIL", "WARN", "INFO", "PASS": as the text report shows a verdict. */
static const char *severity_word(enum severity severity)
{
	static const char *const words[] = {
		[SEVERITY_FAIL] = "FAIL", [SEVERITY_WARN] = "WARN", [SEVERITY_INFO] = "INFO", [SEVERITY_PASS] = "PASS"};
	return severity <= SEVERITY_PASS ? words[severity] : "?";
}

static const char *yes_no(bool value)
{
	return value ? "yes" : "no";
}

static void add_identity(struct builder *b, const struct compare_input *in)
{
	const struct report *r = &in->report;
	char text[COMPARE_CELL_BYTES], signature[HV_SIGNATURE_TEXT_BYTES], label[48];

	set_text(plain(b, "platform"), r->platform.identity.summary);
	if (r->platform.identity.conflict[0])
		set_text(plain(b, "  conflict"), r->platform.identity.conflict);
	set_text(plain(b, "file"), in->path);
	format_string(text, sizeof(text), "tscprobe/%u", in->schema_version);
	set_text(plain(b, "schema"), text);
	set_text(plain(b, "tool version"), r->tool_version);
	if (r->machine_kind[0])
		set_text(plain(b, "machine"), r->machine_kind);
	if (r->mode[0])
		set_text(plain(b, "mode"), r->mode);
	for (unsigned i = 0; i < r->platform.hv.count; i++) {
		const struct hv_base *base = &r->platform.hv.bases[i];
		const char *name = hv_name(base->signature);
		format_string(label, sizeof(label), "hypervisor at 0x%08x", base->base);
		set_text(plain(b, label), name ? name : "unknown");
		hv_signature_text(base->signature, signature);
		format_string(text, sizeof(text), "\"%s\", max leaf 0x%08x", signature, base->max_leaf);
		format_string(label, sizeof(label), "  signature at 0x%08x", base->base);
		set_text(plain(b, label), text);
	}
	set_text(plain(b, "CPU vendor"), r->platform.cpu.vendor);
	if (r->platform.cpu.brand[0])
		set_text(plain(b, "CPU brand"), r->platform.cpu.brand);
	format_string(text, sizeof(text), "family 0x%x, model 0x%x, stepping %u", r->platform.cpu.family,
		      r->platform.cpu.model, r->platform.cpu.stepping);
	set_text(plain(b, "CPU signature"), text);
	if (in->note[0])
		set_text(plain(b, "notes"), in->note);
}

static void add_features(struct builder *b, const struct compare_input *in)
{
	static const enum cpu_feature features[] = {CPU_FEATURE_INVARIANT_TSC, CPU_FEATURE_ARAT,
						    CPU_FEATURE_MONITOR_MWAIT};
	for (size_t i = 0; i < ARRAY_SIZE(features); i++)
		set_text(plain(b, cpu_feature_defs[features[i]].label),
			 yes_no(in->report.platform.cpu.features[features[i]]));
}

static void add_claims(struct builder *b, const struct compare_input *in)
{
	const struct report *r = &in->report;
	char id[48], key[64], label[112];

	for (unsigned i = 0; i < r->claims.count; i++) {
		const struct claim *c = &r->claims.items[i];
		claim_key(c->source, c->where, id, sizeof(id));
		format_string(key, sizeof(key), "claim.%s", id);
		claim_title(c, label, sizeof(label));
		struct compare_cell *claimed = cell(b, CHART_NONE, "MHz", label, key, label);
		if (c->status == CLAIM_STATED)
			set_number(claimed, c->tsc_hz / 1e6, 6, false);
		else
			set_text(claimed, "none");
	}
}

/* A rate and its uncertainty as two rows: MHz to the Hz, ppm to the thousandth as the text report gives them. */
static void add_rate(struct builder *b, const char *key, const char *reference, double hz, double uncertainty_ppm,
		     const char *detail)
{
	char row_key[64], row_label[112];

	format_string(row_key, sizeof(row_key), "tsc.%s", key);
	format_string(row_label, sizeof(row_label), "TSC by %s", reference);
	struct compare_cell *rate = cell(b, CHART_NONE, "MHz", reference, row_key, row_label);
	set_number(rate, hz / 1e6, 6, false);
	format_string(row_key, sizeof(row_key), "uncertainty.%s", key);
	format_string(row_label, sizeof(row_label), "  +/-");
	set_number(cell(b, CHART_NONE, "ppm", reference, row_key, row_label), uncertainty_ppm, 3, false);
	if (detail)
		set_severity(rate, SEVERITY_WARN, detail);
}

static void add_measured(struct builder *b, const struct compare_input *in)
{
	const struct report *r = &in->report;
	if (r->tsc.valid) {
		const struct reference_report *best = report_reference(r, r->tsc.reference);
		add_rate(b, "best", "the best estimate", r->tsc.hz, r->tsc.uncertainty_ppm, NULL);
		set_text(plain(b, "best estimate from"), best ? best->label : r->tsc.reference);
	}
	for (unsigned i = 0; i < r->reference_count; i++) {
		const struct reference_report *ref = &r->references[i];
		if (ref->measured && ref->tsc_hz > 0)
			add_rate(b, ref->name, ref->label, ref->tsc_hz, ref->uncertainty_ppm,
				 ref->disagrees ? "at odds with the other references (cross-check)" : NULL);
	}
}

/* The verdict that judged a claim, with its figures: core/verdict.c names it claim.<source>.<where>. */
static const struct verdict *claim_verdict(const struct report *r, const struct claim *c)
{
	char key[48], id[sizeof(((struct verdict *)0)->id)];

	claim_key(c->source, c->where, key, sizeof(key));
	format_string(id, sizeof(id), "claim.%s", key);
	for (unsigned i = 0; i < r->verdict_count; i++)
		if (!strcmp(r->verdicts[i].id, id))
			return &r->verdicts[i];
	return NULL;
}

static void add_claim_errors(struct builder *b, const struct compare_input *in)
{
	const struct report *r = &in->report;
	char id[48], key[64], label[112];

	for (unsigned i = 0; i < r->claims.count; i++) {
		const struct claim *c = &r->claims.items[i];
		const struct verdict *v = claim_verdict(r, c);
		if (!v || !v->has_figures)
			continue;
		claim_key(c->source, c->where, id, sizeof(id));
		claim_title(c, label, sizeof(label));
		format_string(key, sizeof(key), "verdict.%s", id);
		struct compare_cell *judged = cell(b, CHART_NONE, NULL, label, key, label);
		set_text(judged, severity_word(v->severity));
		set_severity(judged, v->severity, v->message);
		format_string(key, sizeof(key), "error.%s", id);
		struct compare_cell *error = cell(b, CHART_CLAIMS, "ppm", label, key, "  off by");
		set_number(error, v->ppm, 2, true);
		set_severity(error, v->severity, v->message);
		format_string(key, sizeof(key), "drift.%s", id);
		struct compare_cell *drift = cell(b, CHART_NONE, "s/day", label, key, "  a guest trusting it drifts");
		set_number(drift, v->drift_s_per_day, 2, true);
		set_severity(drift, v->severity, v->message);
	}
}

/* The run of this state (method and C-state) with the smallest uncertainty: the longest that completed. */
static const struct idle_run *most_precise_run(const struct idle_report *idle, const struct idle_run *state)
{
	const struct idle_run *best = NULL;

	for (unsigned i = 0; i < idle->run_count; i++) {
		const struct idle_run *run = &idle->runs[i];
		if (run->done && run->kind == state->kind && !strcmp(run->cstate, state->cstate) &&
		    (!best || run->uncertainty_ppm < best->uncertainty_ppm))
			best = run;
	}
	return best;
}

static enum severity idle_severity(enum idle_outcome outcome)
{
	return outcome == IDLE_RUNS ? SEVERITY_PASS : outcome == IDLE_SLOWS ? SEVERITY_WARN : SEVERITY_FAIL;
}

static void add_idle(struct builder *b, const struct compare_input *in)
{
	const struct idle_report *idle = &in->report.idle;
	char key[64], subject[64], detail[160];

	for (unsigned i = 0; i < idle->run_count; i++) {
		const struct idle_run *run = most_precise_run(idle, &idle->runs[i]);
		if (run != &idle->runs[i])
			continue; /* each state once, at its most precise run */
		const char *word = idle_tsc_word(run);
		enum severity severity = idle_severity(idle_tsc_outcome(run));
		format_string(subject, sizeof(subject), "%s %s", idle_kind_name(run->kind), run->cstate);
		format_string(detail, sizeof(detail), "%s: the TSC %s (%.1f ppm lost, +/- %.1f, over %.3f ms)", subject,
			      word, run->tsc_lost_ppm, run->uncertainty_ppm, run->actual_us / 1e3);
		format_string(key, sizeof(key), "idle.%s", subject);
		struct compare_cell *state = cell(b, CHART_NONE, NULL, subject, key, subject);
		set_text(state, word);
		set_severity(state, severity, detail);
		format_string(key, sizeof(key), "idle.lost.%s", subject);
		struct compare_cell *lost = cell(b, CHART_IDLE, "ppm", subject, key, "  TSC lost");
		set_number(lost, run->tsc_lost_ppm, 1, true);
		set_severity(lost, severity, detail);
		format_string(key, sizeof(key), "idle.uncertainty.%s", subject);
		set_number(cell(b, CHART_NONE, "ppm", subject, key, "  +/-"), run->uncertainty_ppm, 1, false);
	}
}

static void add_verdicts(struct builder *b, const struct compare_input *in)
{
	const struct report *r = &in->report;
	unsigned counts[SEVERITY_PASS + 1] = {0};
	char summary[COMPARE_CELL_BYTES], key[80];

	if (!r->verdict_count)
		return;
	for (unsigned i = 0; i < r->verdict_count; i++)
		counts[r->verdicts[i].severity]++;
	format_string(summary, sizeof(summary), "%u fail, %u warn, %u info, %u pass", counts[SEVERITY_FAIL],
		      counts[SEVERITY_WARN], counts[SEVERITY_INFO], counts[SEVERITY_PASS]);
	set_text(plain(b, "count"), summary);
	for (unsigned i = 0; i < r->verdict_count; i++) {
		const struct verdict *v = &r->verdicts[i];
		struct compare_cell *c = cell(b, CHART_NONE, NULL, v->id, v->id, v->id);
		set_text(c, severity_word(v->severity));
		set_severity(c, v->severity, v->message);
		if (!v->fix[0])
			continue;
		format_string(key, sizeof(key), "fix.%s", v->id);
		set_text(cell(b, CHART_NONE, NULL, v->id, key, "  fix"), v->fix);
	}
}

int compare_build(const struct compare_input *inputs, unsigned count, struct compare_table *table)
{
	static void (*const adders[GROUP_COUNT])(struct builder *, const struct compare_input *) = {
		[GROUP_IDENTITY] = add_identity, [GROUP_FEATURES] = add_features,         [GROUP_CLAIMS] = add_claims,
		[GROUP_MEASURED] = add_measured, [GROUP_CLAIM_ERRORS] = add_claim_errors, [GROUP_IDLE] = add_idle,
		[GROUP_VERDICTS] = add_verdicts,
	};
	struct builder b = {.table = table};

	*table = (struct compare_table){.column_count = count, .columns = inputs};
	/* Group by group, report by report: a group's rows keep each report's order. */
	for (b.group = 0; b.group < GROUP_COUNT && !b.failed; b.group++) {
		b.group_start = table->row_count;
		for (b.column = 0; b.column < count && !b.failed; b.column++) {
			b.last_row = -1;
			adders[b.group](&b, &inputs[b.column]);
		}
	}
	if (!b.failed)
		return 0;
	compare_table_free(table);
	return -1;
}

void compare_table_free(struct compare_table *table)
{
	for (unsigned i = 0; i < table->row_count; i++)
		free(table->rows[i].cells);
	free(table->rows);
	*table = (struct compare_table){0};
}
