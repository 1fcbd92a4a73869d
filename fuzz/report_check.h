/* What the fuzz targets that end in a report share: writing it as the CLI does, and the reader-writer round trip. */
#ifndef TSCPROBE_FUZZ_REPORT_CHECK_H
#define TSCPROBE_FUZZ_REPORT_CHECK_H

#include <stddef.h>

#include "report.h"

/* Write r as JSON and as text, as `sim` does; the JSON must read back, and write again the same (else abort). */
void fuzz_report_write(const struct report *r);

/* `tscprobe show` on JSON text of length bytes: read it and, when it reads, write it as fuzz_report_write does. */
void fuzz_report_show(const char *json, size_t length);

#endif
