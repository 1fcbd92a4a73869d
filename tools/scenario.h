/* Scenario files (docs/scenario-format.md): a machine described in JSON, loaded into a sim_config. */
#ifndef TSCPROBE_SCENARIO_H
#define TSCPROBE_SCENARIO_H

#include <stddef.h>

#include "sim.h"

#define SCENARIO_SCHEMA "tscprobe-scenario/1"

/* Load path into *out (defaults first); false with a one-line reason naming the field otherwise. An "acpi"
 * fixture NAME is read from the acpi folder beside the scenario folder (tests/data/acpi/NAME). */
bool scenario_load_file(const char *path, struct sim_config *out, char *error, size_t error_size);

/* The same from a JSON text, for tests; fixtures come from $TSCPROBE_TESTDATA/acpi (default tests/data/acpi). */
bool scenario_load_string(const char *json, struct sim_config *out, char *error, size_t error_size);

#endif
