/* Fuzz target: SMBIOS discovery (core/smbios.c) over a dmidecode --dump-bin file: entry point, then its table. */
#include <stdint.h>
#include <stdlib.h>

#include "smbios.h"
#include "smbios_dump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every decoded string is what the report writers may print as is: NUL-terminated printable ASCII. */
static void check_text(const char *text, size_t capacity)
{
	size_t n = 0;
	for (; n < capacity && text[n]; n++)
		if (text[n] < ' ' || text[n] > '~')
			abort();
	if (n == capacity)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smbios_dump dump;
	struct smbios_info info;

	smbios_dump_init(&dump, data, size);
	smbios_discover(&dump.machine, &info);
	if (info.problem_count > SMBIOS_MAX_PROBLEMS || info.oem_string_count > SMBIOS_MAX_OEM_STRINGS ||
	    (info.present && info.entry == SMBIOS_ENTRY_NONE))
		abort();
	for (unsigned i = 0; i < SMBIOS_STRING_COUNT; i++)
		check_text(smbios_string(&info, &smbios_string_defs[i]), SMBIOS_TEXT_BYTES);
	for (unsigned i = 0; i < info.oem_string_count; i++)
		check_text(info.oem_strings[i], SMBIOS_TEXT_BYTES);
	return 0;
}
