/* What the ACPI and SMBIOS readers share: firmware tables are mapped only whole and trusted only when they sum to 0. */
#ifndef TSCPROBE_FWTABLE_H
#define TSCPROBE_FWTABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "machine.h"

static inline bool fwtable_same_bytes(const char *a, const char *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

static inline uint8_t fwtable_sum(const uint8_t *bytes, uint32_t length)
{
	uint8_t sum = 0;
	for (uint32_t i = 0; i < length; i++)
		sum = (uint8_t)(sum + bytes[i]);
	return sum;
}

/* ACPI's and SMBIOS's checksums alike: the covered bytes, checksum included, sum to zero modulo 256. */
static inline bool fwtable_sums_to_zero(const uint8_t *bytes, uint32_t length)
{
	return fwtable_sum(bytes, length) == 0;
}

/* The inverse, for those who build tables (the simulator, the corruption tests): the checksum byte at
 * checksum_offset set so that length bytes sum to zero. */
static inline void fwtable_set_checksum(uint8_t *bytes, uint32_t length, uint32_t checksum_offset)
{
	bytes[checksum_offset] = 0;
	bytes[checksum_offset] = (uint8_t)-fwtable_sum(bytes, length);
}

/* A view of [phys, phys + length), or NULL when that range is unmapped or wraps the address space. */
static inline const void *fwtable_map(struct machine *m, uint64_t phys, uint64_t length)
{
	if (phys == 0 || length > UINT64_MAX - phys)
		return NULL;
	return m->phys_map(m, phys, length);
}

#endif
