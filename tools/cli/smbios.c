/* `tscprobe smbios`: what the probe's SMBIOS parser (core/smbios.c) reads from a dmidecode --dump-bin file. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "host_input.h"
#include "smbios.h"
#include "smbios_dump.h"

#define ERROR_BYTES 512
/* A dump is its 32-byte head and a table that core/smbios.c accepts only up to 1 MiB. */
#define SMBIOS_DUMP_MAX_BYTES (2u * MIB)

static int usage_error(const char *command_name, const char *problem)
{
	fprintf(stderr, "tscprobe: %s: %s\nusage: tscprobe %s " SMBIOS_ARGUMENTS "\n  " SMBIOS_HELP "\n", command_name,
		problem, command_name);
	return EXIT_ERROR;
}

/* One "key: value" line per field, the same keys as the report's JSON, so scripts can compare. */
static void print_info(const struct smbios_info *s)
{
	printf("entry: %s\n", smbios_entry_words[s->entry]);
	if (s->present) {
		printf("smbios_version: %u.%u.%u\n", s->major, s->minor, s->docrev);
		printf("table: %" PRIu32 " bytes, %u structures\n", s->table_length, s->structure_count);
		for (unsigned i = 0; i < SMBIOS_STRING_COUNT; i++)
			printf("%s: %s\n", smbios_string_defs[i].key, smbios_string(s, &smbios_string_defs[i]));
		for (unsigned i = 0; i < s->oem_string_count; i++)
			printf("oem_string %u: %s\n", i + 1, s->oem_strings[i]);
	}
	for (unsigned i = 0; i < s->problem_count; i++)
		printf("problem: %s\n", s->problems[i]);
	if (s->problems_dropped)
		printf("problem: %u more not kept\n", s->problems_dropped);
}

int smbios_command(int argc, char **argv)
{
	const char *path = NULL;
	char error[ERROR_BYTES];
	char *bytes;
	size_t length;

	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1]) {
			char problem[64];
			snprintf(problem, sizeof(problem), "unknown option %.40s", argv[i]);
			return usage_error(argv[0], problem);
		}
		if (path)
			return usage_error(argv[0], "expected one DUMP");
		path = argv[i];
	}
	if (!path)
		return usage_error(argv[0], "expected one DUMP");
	if (host_input_read(path, SMBIOS_DUMP_MAX_BYTES, &bytes, &length, error, sizeof(error))) {
		fprintf(stderr, "tscprobe: %s\n", error);
		return EXIT_ERROR;
	}

	struct smbios_dump dump;
	struct smbios_info info;
	smbios_dump_init(&dump, (const uint8_t *)bytes, length);
	smbios_discover(&dump.machine, &info);
	print_info(&info);
	free(bytes);
	return info.present ? 0 : 1;
}
