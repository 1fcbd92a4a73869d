/* SMBIOS (DMTF DSP0134): the firmware's own account of the product, found through the UEFI configuration table. */
#ifndef TSCPROBE_SMBIOS_H
#define TSCPROBE_SMBIOS_H

#include "machine.h"

#define SMBIOS_TEXT_BYTES 64
#define SMBIOS_MAX_OEM_STRINGS 8
#define SMBIOS_MAX_PROBLEMS 4
#define SMBIOS_PROBLEM_BYTES 112

/* Which entry point the table was found through. */
enum smbios_entry_kind {
	SMBIOS_ENTRY_NONE, /* the firmware published none, or none was valid */
	SMBIOS_ENTRY_32,   /* "_SM_" (SMBIOS 2.x), with its "_DMI_" intermediate anchor */
	SMBIOS_ENTRY_64,   /* "_SM3_" (SMBIOS 3.x) */
};

/*
 * What the probe reads of the tables: types 0 (BIOS), 1 (system: never the serial number or UUID, which identify a
 * customer's machine), 2 (baseboard), 3 (chassis) and 11 (OEM strings). Strings are printable ASCII, "" when absent.
 */
struct smbios_info {
	bool present; /* an entry point and a table that passed every check were decoded */
	enum smbios_entry_kind entry;
	uint8_t major, minor, docrev;
	uint64_t table_address;
	uint32_t table_length;
	unsigned structure_count;
	char bios_vendor[SMBIOS_TEXT_BYTES], bios_version[SMBIOS_TEXT_BYTES], bios_date[SMBIOS_TEXT_BYTES];
	char manufacturer[SMBIOS_TEXT_BYTES], product[SMBIOS_TEXT_BYTES], version[SMBIOS_TEXT_BYTES],
		family[SMBIOS_TEXT_BYTES];
	char board_vendor[SMBIOS_TEXT_BYTES], board_product[SMBIOS_TEXT_BYTES];
	char chassis_vendor[SMBIOS_TEXT_BYTES];
	unsigned oem_string_count;
	char oem_strings[SMBIOS_MAX_OEM_STRINGS][SMBIOS_TEXT_BYTES];
	/* A bad anchor, checksum, length or string set: named here, and the table is not used. A bad string: named
	 * here, and its field is "". Later problems are only counted. */
	unsigned problem_count;
	char problems[SMBIOS_MAX_PROBLEMS][SMBIOS_PROBLEM_BYTES];
	unsigned problems_dropped;
};

/* The decoded strings as data, for the decoder, the writers and the report reader: the JSON member, the structure
 * type and the byte of its formatted area holding the string number, and the field of struct smbios_info. */
struct smbios_string_def {
	const char *key;
	uint8_t type;
	uint8_t offset;
	size_t field;
};
#define SMBIOS_STRING_COUNT 10
extern const struct smbios_string_def smbios_string_defs[SMBIOS_STRING_COUNT];
const char *smbios_string(const struct smbios_info *s, const struct smbios_string_def *d);
char *smbios_string_slot(struct smbios_info *s, const struct smbios_string_def *d);

extern const char *const smbios_entry_words[3]; /* the schema's words, by enum smbios_entry_kind */

/* Find, validate and decode the tables from m->smbios3_entry, else m->smbios_entry (core/smbios.c). */
void smbios_discover(struct machine *m, struct smbios_info *out);

#endif
