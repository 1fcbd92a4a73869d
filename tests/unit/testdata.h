/* Where unit tests find tests/data, so they run from any directory. */
#ifndef TSCPROBE_TESTDATA_H
#define TSCPROBE_TESTDATA_H

#include <stdio.h>
#include <stdlib.h>

/* $TSCPROBE_TESTDATA/relative, defaulting to tests/data (make test runs from the repository root). */
static inline const char *testdata_path(const char *relative)
{
	static char path[512];
	const char *root = getenv("TSCPROBE_TESTDATA");
	snprintf(path, sizeof(path), "%s/%s", root ? root : "tests/data", relative);
	return path;
}

#endif
