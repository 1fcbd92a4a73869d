/* Fuzz target: taking a report out of a serial capture (tools/report/extract.c), then showing it as the CLI would. */
#include <stdint.h>
#include <stdlib.h>

#include "extract.h"
#include "report_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct extracted_report extracted;
	char error[512];

	if (extract_report((const char *)data, size, &extracted, error, sizeof(error)))
		return 0;
	fuzz_report_show(extracted.json, extracted.length);
	free(extracted.json);
	return 0;
}
