/* What the parse-only targets require of a parser's result, and how they say it does not hold. */
#ifndef TSCPROBE_FUZZ_PARSE_CHECK_H
#define TSCPROBE_FUZZ_PARSE_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

/* Abort, as a crash, with what broke: a parse-only target's invariant does not hold. */
static inline void fuzz_require(bool holds, const char *what)
{
	if (holds)
		return;
	fprintf(stderr, "fuzz: %s\n", what);
	abort();
}

/* A writer prints such a field with %s: it must hold its NUL. */
static inline bool fuzz_text_ends(const char *text, size_t capacity)
{
	for (size_t i = 0; i < capacity; i++)
		if (text[i] == '\0')
			return true;
	return false;
}

#endif
