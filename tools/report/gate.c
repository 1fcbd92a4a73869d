/* The CI gate over a report's verdicts (`tscprobe check`, `ci/qemu-run --fail-on`). */
#include "gate.h"

#include <stdio.h>
#include <string.h>

static bool fails(const struct gate *g, enum severity severity)
{
	return severity <= g->fail_on; /* severities are ordered worst first */
}

/*
 * Whether verdict id answers the requirement: the id itself; a claim key, whose verdict is "claim.<key>"; or a
 * claim source, whose verdicts are "claim.<source>.<where>" (any location) or "claim.<source>" (reports before
 * locations).
 */
static bool answers(const char *id, const char *required)
{
	size_t length = strlen(required);
	if (!strcmp(id, required))
		return true;
	if (strncmp(id, "claim.", 6) != 0 || strncmp(id + 6, required, length) != 0)
		return false;
	return id[6 + length] == '\0' || (id[6 + length] == '.' && !strchr(required, '.'));
}

/* The worst verdict answering the requirement, or NULL when none does. */
static const struct verdict *required_verdict(const struct report *r, const char *required)
{
	const struct verdict *worst = NULL;
	for (unsigned i = 0; i < r->verdict_count; i++)
		if (answers(r->verdicts[i].id, required) && (!worst || r->verdicts[i].severity < worst->severity))
			worst = &r->verdicts[i];
	return worst;
}

bool gate_judge(const struct gate *g, const struct report *r, char *reason, size_t capacity)
{
	unsigned counts[SEVERITY_PASS + 1] = {0};
	const struct verdict *worst = NULL;

	for (unsigned i = 0; i < g->required_count; i++) {
		const struct verdict *v = required_verdict(r, g->required[i]);
		if (!v) {
			snprintf(reason, capacity, "required %s is absent", g->required[i]);
			return false;
		}
		if (fails(g, v->severity)) {
			snprintf(reason, capacity, "required %s is %s: %s", v->id, severity_name(v->severity),
				 v->message);
			return false;
		}
	}
	for (unsigned i = 0; i < r->verdict_count; i++) {
		const struct verdict *v = &r->verdicts[i];
		counts[v->severity]++;
		if (fails(g, v->severity) && (!worst || v->severity < worst->severity))
			worst = v;
	}
	if (worst) {
		snprintf(reason, capacity, "%s: %s", worst->id, worst->message);
		return false;
	}
	snprintf(reason, capacity, "%u fail, %u warn, %u info, %u pass", counts[SEVERITY_FAIL], counts[SEVERITY_WARN],
		 counts[SEVERITY_INFO], counts[SEVERITY_PASS]);
	return true;
}
