/* Fuzz target: scenario files (tools/sim/scenario.c, docs/scenario-format.md), then the simulated machine they
 * describe through the probe's inventory. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "machine_run.h"
#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sim_config config;
	char error[512];
	char *json = malloc(size + 1); /* the loader takes a C string, as a file's text */

	if (!json)
		return 0;
	memcpy(json, data, size);
	json[size] = '\0';
	if (scenario_load_string(json, &config, error, sizeof(error)))
		fuzz_machine_run(&config);
	free(json);
	return 0;
}
