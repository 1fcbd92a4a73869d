/* The last screen a person at the VM's console sees: who the platform is and the verdicts, fitted to the screen. */
#include "report.h"

static void discard(struct sink *s, const char *text, size_t len)
{
	(void)s;
	(void)text;
	(void)len;
}

/* Who the platform is, and any conflict in the evidence; wrapped like the rest. Returns its lines. */
static unsigned write_platform(const struct report *r, struct sink *out, unsigned columns)
{
	const struct platform_identity *id = &r->platform.identity;
	char line[REPORT_TEXT_BYTES + IDENTITY_LINE_BYTES * 2];

	format_string(line, sizeof(line), "tscprobe %s: %s%s%s", r->tool_version,
		      id->summary[0] ? id->summary : "unknown", id->conflict[0] ? " -- conflict: " : "", id->conflict);
	return sink_wrapped(out, "", line, columns);
}

/* A verdict and its fix; written to a sink that discards, it counts the lines first. Returns its lines. */
static unsigned write_verdict(const struct verdict *v, struct sink *out, unsigned columns)
{
	unsigned lines = sink_wrapped(out, severity_tags[v->severity], v->message, columns);
	return lines + (v->fix[0] ? sink_wrapped(out, "        fix: ", v->fix, columns) : 0);
}

/* The line that counts the verdicts left out, by severity. */
static void left_out_line(const struct report *r, unsigned shown, char *line, size_t capacity)
{
	unsigned left[SEVERITY_PASS + 1] = {0};
	struct buffer_sink b;

	for (unsigned i = shown; i < r->verdict_count; i++)
		left[r->verdicts[i].severity]++;
	buffer_sink_init(&b, line, capacity);
	sink_printf(&b.sink, "and %u more in the full report:", r->verdict_count - shown);
	for (unsigned s = SEVERITY_FAIL; s <= SEVERITY_PASS; s++)
		if (left[s])
			sink_printf(&b.sink, " %u %s", left[s], severity_name((enum severity)s));
}

unsigned report_write_summary(const struct report *r, struct sink *out, unsigned columns, unsigned max_lines)
{
	struct sink measure = {.write = discard};
	char line[96];
	unsigned lines = write_platform(r, out, columns) + 1, shown = 0;

	sink_puts(out, "\n");
	/* Worst first, as the report orders them, while the line that counts the rest still fits after them. */
	for (; shown < r->verdict_count; shown++) {
		const struct verdict *v = &r->verdicts[shown];
		unsigned reserve = 0;
		if (shown + 1 < r->verdict_count) {
			left_out_line(r, shown + 1, line, sizeof(line));
			reserve = sink_wrapped(&measure, "  ", line, columns);
		}
		if (lines + write_verdict(v, &measure, columns) + reserve > max_lines)
			break;
		lines += write_verdict(v, out, columns);
	}
	if (shown == r->verdict_count)
		return lines;
	left_out_line(r, shown, line, sizeof(line));
	return lines + sink_wrapped(out, "  ", line, columns);
}
