/* Fuzz target, parse-only: the report reader (tools/report/report_read.c) alone, without the writers and the round
 * trip that fuzz_report adds, for depth. */
#include <stdint.h>

#include "json_arena.h"
#include "report_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct report report; /* tens of KiB, as in the CLI */
	char error[512];

	fuzz_json_arena_begin();
	report_read_string((const char *)data, size, &report, error, sizeof(error));
	fuzz_json_arena_end();
	return 0;
}
