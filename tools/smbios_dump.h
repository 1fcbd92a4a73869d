/* A machine whose memory is one SMBIOS dump in dmidecode's --dump-bin layout: for `tscprobe smbios` and the fuzzer. */
#ifndef TSCPROBE_SMBIOS_DUMP_H
#define TSCPROBE_SMBIOS_DUMP_H

#include <stddef.h>
#include <stdint.h>

#include "machine.h"

/*
 * dmidecode --dump-bin writes the entry point at offset 0, its table address rewritten to 32 and its checksums
 * fixed, and the table from offset 32 on. The dump is served as physical memory from address 0, so the table
 * address 32 finds the table; the entry point gets a second view at SMBIOS_DUMP_ENTRY_ADDRESS, since address 0
 * means "no entry point" to struct machine.
 */
#define SMBIOS_DUMP_ENTRY_ADDRESS 0x100000000ull /* past any dump host_input_read accepts */

struct smbios_dump {
	struct machine machine; /* only phys_map works: anything else would be a bug, and crashes */
	const uint8_t *bytes;
	size_t length;
};

/* Sets d up over bytes (kept, not copied); "_SM3_" at offset 0 gives a 64-bit entry point, "_SM_" a 32-bit one,
 * anything else none, which smbios_discover reports as absent. */
void smbios_dump_init(struct smbios_dump *d, const uint8_t *bytes, size_t length);

#endif
