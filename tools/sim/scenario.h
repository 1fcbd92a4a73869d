/* Scenario files (docs/scenario-format.md): a machine described in JSON, loaded into a sim_config. */
#ifndef TSCPROBE_SCENARIO_H
#define TSCPROBE_SCENARIO_H

#include <stddef.h>

#include "host_input.h"
#include "sim.h"

#define SCENARIO_SCHEMA "tscprobe-scenario/1"
/* Hand-written scenarios are a few KiB; the loader's tables (512 CPUID entries, 32 MSRs, 16 events) fill
 * some 60 KiB of JSON. Anything past 1 MiB is not a scenario. */
#define SCENARIO_MAX_BYTES (1u * MIB)

/* Load path ("-": standard input; at most SCENARIO_MAX_BYTES) into *out (defaults first); false with a one-line
 * reason "PATH: field: what is wrong" otherwise. Every member must be one the format knows, every physical
 * quantity within its bounds (docs/scenario-format.md). An "acpi" fixture NAME is read from the acpi folder
 * beside the scenario folder (tests/data/acpi/NAME). */
bool scenario_load_file(const char *path, struct sim_config *out, char *error, size_t error_size);

/* The same from a JSON text, for tests; fixtures come from $TSCPROBE_TESTDATA/acpi (default tests/data/acpi). */
bool scenario_load_string(const char *json, struct sim_config *out, char *error, size_t error_size);

#endif
