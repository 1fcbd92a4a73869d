/* Fuzz target, parse-only: the scenario loader (tools/sim/scenario.c) alone, without powering on the machine it
 * describes (fuzz_scenario runs its inventory), for depth. */
#include "json_arena.h"
#include "input_text.h"
#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sim_config config;
	char error[512];
	char *json = fuzz_input_text(data, size);

	if (!json)
		return 0;
	fuzz_json_arena_begin();
	scenario_load_string(json, &config, error, sizeof(error));
	free(json);
	fuzz_json_arena_end();
	return 0;
}
