/* The simulated firmware's SMBIOS: a structure table built from the scenario's strings, and its entry points. */
#include "fwtable.h"
#include "sim_device.h"

#include <stddef.h>
#include <string.h>

#include "smbios_tables.h"

#define ENTRY64_AT (SIM_SMBIOS_BASE)
#define ENTRY32_AT (SIM_SMBIOS_BASE + 0x20)
#define TABLE_OFFSET 0x40u
/* The versions QEMU 7.2 states (tests/data/smbios): 3.0 behind a 64-bit entry point, 2.8 behind a 32-bit one. */
#define SMBIOS3_MAJOR 3
#define SMBIOS3_MINOR 0
#define SMBIOS2_MAJOR 2
#define SMBIOS2_MINOR 8
#define SMBIOS2_BCD_REVISION 0x28

/* Formatted-area lengths of the structures built: up to the last field the layouts name. */
static const uint8_t formatted_bytes[] = {
	[SMBIOS_TYPE_BIOS] = sizeof(struct smbios_bios),
	[SMBIOS_TYPE_SYSTEM] = sizeof(struct smbios_system),
	[SMBIOS_TYPE_BASEBOARD] = sizeof(struct smbios_baseboard),
	[SMBIOS_TYPE_CHASSIS] = sizeof(struct smbios_chassis),
};
#define CHASSIS_TYPE_OTHER 1 /* DSP0134 §7.4.1, what QEMU states */

/* Appends structures to the table; each string set is closed by structure_end. */
struct table_builder {
	uint8_t *bytes;
	uint32_t used;
	uint16_t structures;
	uint8_t strings; /* of the structure being built */
};

static uint8_t *structure_begin(struct table_builder *b, uint8_t type, uint8_t length)
{
	uint8_t *formatted = b->bytes + b->used;
	memset(formatted, 0, length);
	*(struct smbios_header *)(void *)formatted = (struct smbios_header){type, length, b->structures};
	b->used += length;
	b->strings = 0;
	return formatted;
}

/* The string's number in the set, 0 for "" (no string), as firmware writes it. */
static uint8_t string_add(struct table_builder *b, const char *text)
{
	size_t length = strlen(text);
	if (length == 0)
		return 0;
	memcpy(b->bytes + b->used, text, length + 1);
	b->used += (uint32_t)length + 1;
	return ++b->strings;
}

static void structure_end(struct table_builder *b)
{
	if (b->strings == 0)
		b->bytes[b->used++] = 0; /* an empty set is two NULs */
	b->bytes[b->used++] = 0;
	b->structures++;
}

static bool type_has_strings(const struct smbios_info *strings, uint8_t type)
{
	for (unsigned i = 0; i < SMBIOS_STRING_COUNT; i++)
		if (smbios_string_defs[i].type == type && smbios_string(strings, &smbios_string_defs[i])[0])
			return true;
	return false;
}

static void build_table(const struct smbios_info *strings, struct table_builder *b)
{
	for (uint8_t type = SMBIOS_TYPE_BIOS; type <= SMBIOS_TYPE_CHASSIS; type++) {
		/* QEMU builds no baseboard unless told to: neither does the simulator. */
		if (type == SMBIOS_TYPE_BASEBOARD && !type_has_strings(strings, type))
			continue;
		uint8_t *formatted = structure_begin(b, type, formatted_bytes[type]);
		for (unsigned i = 0; i < SMBIOS_STRING_COUNT; i++)
			if (smbios_string_defs[i].type == type)
				formatted[smbios_string_defs[i].offset] =
					string_add(b, smbios_string(strings, &smbios_string_defs[i]));
		if (type == SMBIOS_TYPE_CHASSIS)
			((struct smbios_chassis *)(void *)formatted)->type = CHASSIS_TYPE_OTHER;
		structure_end(b);
	}
	if (strings->oem_string_count) {
		struct smbios_oem_strings *oem = (void *)structure_begin(b, SMBIOS_TYPE_OEM_STRINGS, sizeof(*oem));
		for (unsigned i = 0; i < strings->oem_string_count; i++)
			string_add(b, strings->oem_strings[i]);
		oem->count = b->strings;
		structure_end(b);
	}
	structure_begin(b, SMBIOS_TYPE_END_OF_TABLE, sizeof(struct smbios_header));
	structure_end(b);
}

static void build_entry64(struct sim *s, const struct table_builder *b)
{
	struct smbios_entry64 *e = (void *)s->phys.smbios;
	*e = (struct smbios_entry64){.length = SMBIOS_ENTRY64_BYTES,
				     .major = SMBIOS3_MAJOR,
				     .minor = SMBIOS3_MINOR,
				     .entry_point_revision = SMBIOS_ENTRY64_REVISION,
				     .table_max_size = b->used,
				     .table_address = SIM_SMBIOS_BASE + TABLE_OFFSET};
	memcpy(e->anchor, "_SM3_", sizeof(e->anchor));
	fwtable_set_checksum((uint8_t *)e, sizeof(*e), offsetof(struct smbios_entry64, checksum));
	s->machine.smbios3_entry = ENTRY64_AT;
}

static void build_entry32(struct sim *s, const struct table_builder *b, bool beside_64)
{
	struct smbios_entry32 *e = (void *)(s->phys.smbios + (ENTRY32_AT - SIM_SMBIOS_BASE));
	*e = (struct smbios_entry32){.length = SMBIOS_ENTRY32_BYTES,
				     .major = beside_64 ? SMBIOS3_MAJOR : SMBIOS2_MAJOR,
				     .minor = beside_64 ? SMBIOS3_MINOR : SMBIOS2_MINOR,
				     .table_length = (uint16_t)b->used,
				     .table_address = (uint32_t)(SIM_SMBIOS_BASE + TABLE_OFFSET),
				     .structure_count = b->structures,
				     .bcd_revision = SMBIOS2_BCD_REVISION};
	memcpy(e->anchor, "_SM_", sizeof(e->anchor));
	memcpy(e->intermediate_anchor, "_DMI_", sizeof(e->intermediate_anchor));
	fwtable_set_checksum((uint8_t *)e->intermediate_anchor, SMBIOS_INTERMEDIATE_BYTES,
			     offsetof(struct smbios_entry32, intermediate_checksum) -
				     offsetof(struct smbios_entry32, intermediate_anchor));
	fwtable_set_checksum((uint8_t *)e, sizeof(*e), offsetof(struct smbios_entry32, checksum));
	s->machine.smbios_entry = ENTRY32_AT;
}

void sim_smbios_build(struct sim *s)
{
	const struct sim_smbios_config *c = &s->config->smbios;
	if (c->entries == SIM_SMBIOS_NONE)
		return;
	struct table_builder b = {.bytes = s->phys.smbios + TABLE_OFFSET};
	build_table(&c->strings, &b);
	s->phys.smbios_length = TABLE_OFFSET + b.used;
	if (c->entries != SIM_SMBIOS_32)
		build_entry64(s, &b);
	if (c->entries != SIM_SMBIOS_64)
		build_entry32(s, &b, c->entries == SIM_SMBIOS_BOTH);
}
