/* A machine whose memory is one SMBIOS dump in dmidecode's --dump-bin layout. */
#include "smbios_dump.h"

#include <string.h>

static const void *dump_phys_map(struct machine *m, uint64_t phys, uint64_t len)
{
	const struct smbios_dump *d = m->ctx;
	uint64_t offset = phys >= SMBIOS_DUMP_ENTRY_ADDRESS ? phys - SMBIOS_DUMP_ENTRY_ADDRESS : phys;
	if (offset > d->length || len > d->length - offset)
		return NULL;
	return d->bytes + offset;
}

void smbios_dump_init(struct smbios_dump *d, const uint8_t *bytes, size_t length)
{
	*d = (struct smbios_dump){.bytes = bytes, .length = length};
	d->machine.kind = "smbios-dump";
	d->machine.phys_map = dump_phys_map;
	d->machine.ctx = d;
	if (length >= 5 && !memcmp(bytes, "_SM3_", 5))
		d->machine.smbios3_entry = SMBIOS_DUMP_ENTRY_ADDRESS;
	else if (length >= 4 && !memcmp(bytes, "_SM_", 4))
		d->machine.smbios_entry = SMBIOS_DUMP_ENTRY_ADDRESS;
}
