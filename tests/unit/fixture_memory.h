/* Firmware-table fixtures in fake physical memory, and the byte edits the corruption tests make to them. */
#ifndef TSCPROBE_FIXTURE_MEMORY_H
#define TSCPROBE_FIXTURE_MEMORY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fwtable.h" /* fwtable_set_checksum: the corruption tests make their edits valid again */

/* A range of fake physical memory holding one fixture file. */
struct region {
	uint64_t phys;
	uint8_t *bytes;
	size_t length;
};

/* length bytes at phys inside the region, or NULL when they are not all inside it. */
const void *region_view(const struct region *r, uint64_t phys, uint64_t length);

/* A little-endian field of width bytes at offset, inside the region (asserted). */
uint64_t get_le(const struct region *r, size_t offset, unsigned width);
void put_le(struct region *r, size_t offset, unsigned width, uint64_t value);

/*
 * tests/data/<kind>/<name>/layout (TSCPROBE_TESTDATA names tests/data elsewhere), open for reading; the folder's
 * path in dir. A missing file fails the test.
 */
FILE *fixture_layout_open(const char *kind, const char *name, char *dir, size_t dir_size);

#endif
