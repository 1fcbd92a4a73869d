/* The CI gate: whether a report passes, judged by its verdicts' severities and the verdicts a user requires. */
#ifndef TSCPROBE_GATE_H
#define TSCPROBE_GATE_H

#include <stddef.h>

#include "report.h"

#define GATE_MAX_REQUIRED 32

struct gate {
	enum severity fail_on; /* SEVERITY_FAIL (default) or SEVERITY_WARN: a verdict this bad or worse fails */
	unsigned required_count;
	const char *required[GATE_MAX_REQUIRED]; /* verdict ids, claim keys ("kvmclock.4b564d01") or claim sources */
};

/*
 * Judge r: true when it passes. The reason, one line, says why (the worst verdict that fails it, or a required
 * verdict that is absent or fails) or what passed (the count of each severity).
 */
bool gate_judge(const struct gate *g, const struct report *r, char *reason, size_t capacity);

#endif
