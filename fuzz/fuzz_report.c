/* Fuzz target: reading a JSON report (tools/report/report_read.c) and writing it again as JSON and text, as
 * `tscprobe show` does; what was read must write, read back and write again the same. */
#include <stdint.h>

#include "report_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_report_show((const char *)data, size);
	return 0;
}
