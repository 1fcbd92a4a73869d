/* Fuzz target, parse-only: taking a report out of a serial capture (tools/report/extract.c), without reading it as a
 * report (fuzz_extract goes on to show it), for depth. */
#include <stdint.h>
#include <stdlib.h>

#include "json_arena.h"
#include "extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct extracted_report extracted;
	char error[512];

	fuzz_json_arena_begin();
	if (extract_report((const char *)data, size, &extracted, error, sizeof(error)) == 0)
		free(extracted.json);
	fuzz_json_arena_end();
	return 0;
}
