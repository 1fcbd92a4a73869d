/* Firmware-table fixtures in fake physical memory: shared by the ACPI and SMBIOS parser tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture_memory.h"

#include <stdlib.h>

const void *region_view(const struct region *r, uint64_t phys, uint64_t length)
{
	if (r->bytes && phys >= r->phys && phys - r->phys <= r->length && length <= r->length - (phys - r->phys))
		return r->bytes + (phys - r->phys);
	return NULL;
}

uint64_t get_le(const struct region *r, size_t offset, unsigned width)
{
	assert_true(offset + width <= r->length);
	uint64_t value = 0;
	for (unsigned i = width; i-- > 0;)
		value = value << 8 | r->bytes[offset + i];
	return value;
}

void put_le(struct region *r, size_t offset, unsigned width, uint64_t value)
{
	assert_true(offset + width <= r->length);
	for (unsigned i = 0; i < width; i++)
		r->bytes[offset + i] = (uint8_t)(value >> (8 * i));
}

FILE *fixture_layout_open(const char *kind, const char *name, char *dir, size_t dir_size)
{
	const char *data = getenv("TSCPROBE_TESTDATA");
	char path[1024];
	snprintf(dir, dir_size, "%s/%s/%s", data ? data : "tests/data", kind, name);
	snprintf(path, sizeof path, "%s/layout", dir);
	FILE *layout = fopen(path, "r");
	if (!layout)
		fail_msg("cannot open %s (set TSCPROBE_TESTDATA to the tests/data folder)", path);
	return layout;
}
