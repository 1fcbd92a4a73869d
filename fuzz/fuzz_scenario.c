/* Fuzz target: scenario files (tools/sim/scenario.c, docs/scenario-format.md), then the simulated machine they
 * describe through the probe's inventory. */
#include "input_text.h"
#include "machine_run.h"
#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sim_config config;
	char error[512];
	char *json = fuzz_input_text(data, size);

	if (!json)
		return 0;
	if (scenario_load_string(json, &config, error, sizeof(error)))
		fuzz_machine_run(&config);
	free(json);
	return 0;
}
