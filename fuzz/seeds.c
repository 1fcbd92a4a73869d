/* fuzz-seeds: the binary fuzz inputs of the fixtures (ACPI captures, the scenarios' CPUID tables), so that
 * the seed corpora follow tests/data instead of being copies of it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "machine_input.h"
#include "scenario.h"

#define ERROR_BYTES 512
/* Room for either kind: all the ACPI memory the simulator holds, or a full CPUID table. */
#define ACPI_SEED_MAX_BYTES \
	(FUZZ_ACPI_HEADER_BYTES + SIM_ACPI_MAX_TABLES * FUZZ_ACPI_REGION_HEADER_BYTES + SIM_ACPI_MAX_BYTES)
#define CPUID_SEED_MAX_BYTES (FUZZ_CPUID_HEADER_BYTES + SIM_MAX_CPUID * FUZZ_CPUID_RECORD_BYTES)
#define SEED_MAX_BYTES (ACPI_SEED_MAX_BYTES > CPUID_SEED_MAX_BYTES ? ACPI_SEED_MAX_BYTES : CPUID_SEED_MAX_BYTES)

/* Load one fixture into c: an ACPI capture folder, or a scenario file. */
typedef bool (*fixture_loader)(const char *path, struct sim_config *c, char *error, size_t error_size);
typedef size_t (*seed_encoder)(const struct sim_config *c, uint8_t *out, size_t capacity);

static bool acpi_load(const char *path, struct sim_config *c, char *error, size_t error_size)
{
	sim_config_defaults(c);
	return sim_acpi_load_fixture(c, path, error, error_size);
}

static const struct seed_kind {
	const char *target;
	const char *fixtures; /* for the usage */
	fixture_loader load;
	seed_encoder encode;
} KINDS[] = {
	{"acpi", "tests/data/acpi/NAME...", acpi_load, fuzz_acpi_encode},
	{"cpuid", "tests/data/scenarios/NAME.json...", scenario_load_file, fuzz_cpuid_encode},
};
#define KIND_COUNT (sizeof(KINDS) / sizeof(KINDS[0]))

/* OUT/NAME.bin, NAME being the fixture's last path component without ".json". */
static void seed_path(char *out, size_t capacity, const char *dir, const char *fixture)
{
	size_t length = strlen(fixture);
	while (length > 1 && fixture[length - 1] == '/')
		length--;
	const char *name = fixture + length;
	while (name > fixture && name[-1] != '/')
		name--;
	size_t name_length = (size_t)(fixture + length - name);
	if (name_length > 5 && !memcmp(name + name_length - 5, ".json", 5))
		name_length -= 5;
	snprintf(out, capacity, "%s/%.*s.bin", dir, (int)name_length, name);
}

static int write_seed(const struct seed_kind *kind, const char *dir, const char *fixture)
{
	static struct sim_config config;
	static uint8_t seed[SEED_MAX_BYTES];
	char error[ERROR_BYTES], path[1024];

	if (!kind->load(fixture, &config, error, sizeof(error))) {
		fprintf(stderr, "fuzz-seeds: %s\n", error);
		return 1;
	}
	size_t length = kind->encode(&config, seed, sizeof(seed));
	if (length == 0) {
		fprintf(stderr, "fuzz-seeds: %s: does not fit a %s fuzz input\n", fixture, kind->target);
		return 1;
	}
	seed_path(path, sizeof(path), dir, fixture);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(seed, 1, length, f) != length || fclose(f)) {
		fprintf(stderr, "fuzz-seeds: %s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	for (size_t k = 0; argc >= 4 && k < KIND_COUNT; k++) {
		if (strcmp(argv[1], KINDS[k].target))
			continue;
		int status = 0;
		for (int i = 3; i < argc; i++)
			status |= write_seed(&KINDS[k], argv[2], argv[i]);
		return status;
	}
	fprintf(stderr, "usage: fuzz-seeds KIND OUT_DIR FIXTURE..., KIND and FIXTURE being:\n");
	for (size_t k = 0; k < KIND_COUNT; k++)
		fprintf(stderr, "  %-6s %s\n", KINDS[k].target, KINDS[k].fixtures);
	return 2;
}
