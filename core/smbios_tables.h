/* The SMBIOS entry points' and structures' byte layouts, once: core/smbios.c reads them, the simulator writes them. */
#ifndef TSCPROBE_SMBIOS_TABLES_H
#define TSCPROBE_SMBIOS_TABLES_H

#include <stddef.h>
#include <stdint.h>

/*
 * Specification cited: DMTF DSP0134 "System Management BIOS (SMBIOS) Reference Specification" 3.7.0 (2023).
 * The structs declare the fields core/smbios.c reads or the simulator writes; "unused_N" pads over the rest, N being
 * the byte offset where the padding starts. Everything is read in place, hence packed and little-endian.
 * tests/unit/test_smbios.c derives its corruptions with its own offsets, an independent check of these.
 */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "SMBIOS structures are little-endian and read in place");

#define SMBIOS_PACKED __attribute__((packed))
#define SMBIOS_ASSERT_OFFSET(type, member, offset) \
	_Static_assert(offsetof(struct type, member) == (offset), #type "." #member " is at byte " #offset)

/* SMBIOS 2.1 (32-bit) Entry Point, DSP0134 §5.2.1: "_SM_", then the legacy "_DMI_" intermediate part. */
struct smbios_entry32 {
	char anchor[4];   /* "_SM_" */
	uint8_t checksum; /* the entry_length bytes sum to zero */
	uint8_t length;   /* 0x1F */
	uint8_t major, minor;
	uint16_t max_structure_size;
	uint8_t entry_point_revision;
	uint8_t formatted_area[5];
	char intermediate_anchor[5];   /* "_DMI_" */
	uint8_t intermediate_checksum; /* the 15 bytes from intermediate_anchor on sum to zero */
	uint16_t table_length;
	uint32_t table_address;
	uint16_t structure_count;
	uint8_t bcd_revision;
} SMBIOS_PACKED;
SMBIOS_ASSERT_OFFSET(smbios_entry32, checksum, 0x04);
SMBIOS_ASSERT_OFFSET(smbios_entry32, length, 0x05);
SMBIOS_ASSERT_OFFSET(smbios_entry32, major, 0x06);
SMBIOS_ASSERT_OFFSET(smbios_entry32, minor, 0x07);
SMBIOS_ASSERT_OFFSET(smbios_entry32, intermediate_anchor, 0x10);
SMBIOS_ASSERT_OFFSET(smbios_entry32, intermediate_checksum, 0x15);
SMBIOS_ASSERT_OFFSET(smbios_entry32, table_length, 0x16);
SMBIOS_ASSERT_OFFSET(smbios_entry32, table_address, 0x18);
SMBIOS_ASSERT_OFFSET(smbios_entry32, structure_count, 0x1C);
SMBIOS_ASSERT_OFFSET(smbios_entry32, bcd_revision, 0x1E);
#define SMBIOS_ENTRY32_BYTES 0x1Fu
_Static_assert(sizeof(struct smbios_entry32) == SMBIOS_ENTRY32_BYTES, "the 32-bit entry point is 31 bytes");
/* SMBIOS 2.1 stated the length as 0x1E by mistake and firmware of that era wrote it so (DSP0134 §5.2.1, note). */
#define SMBIOS_ENTRY32_ERRATUM_BYTES 0x1Eu
#define SMBIOS_INTERMEDIATE_BYTES 0x0Fu /* what the intermediate checksum covers */

/* SMBIOS 3.0 (64-bit) Entry Point, DSP0134 §5.2.2: no structure count, a maximum table size instead. */
struct smbios_entry64 {
	char anchor[5];   /* "_SM3_" */
	uint8_t checksum; /* the length bytes sum to zero */
	uint8_t length;   /* 0x18 */
	uint8_t major, minor, docrev;
	uint8_t entry_point_revision; /* 1: this layout */
	uint8_t unused_11;
	uint32_t table_max_size; /* the table is at most this long; a type 127 structure ends it */
	uint64_t table_address;
} SMBIOS_PACKED;
SMBIOS_ASSERT_OFFSET(smbios_entry64, checksum, 0x05);
SMBIOS_ASSERT_OFFSET(smbios_entry64, length, 0x06);
SMBIOS_ASSERT_OFFSET(smbios_entry64, major, 0x07);
SMBIOS_ASSERT_OFFSET(smbios_entry64, docrev, 0x09);
SMBIOS_ASSERT_OFFSET(smbios_entry64, entry_point_revision, 0x0A);
SMBIOS_ASSERT_OFFSET(smbios_entry64, table_max_size, 0x0C);
SMBIOS_ASSERT_OFFSET(smbios_entry64, table_address, 0x10);
#define SMBIOS_ENTRY64_BYTES 0x18u
_Static_assert(sizeof(struct smbios_entry64) == SMBIOS_ENTRY64_BYTES, "the 64-bit entry point is 24 bytes");
#define SMBIOS_ENTRY64_REVISION 1

/*
 * Every structure, DSP0134 §6.1.2: this header, the rest of its formatted area (length bytes in all), then its
 * string set: NUL-terminated strings, the set ended by one more NUL (two NULs when there are no strings).
 * A string field holds the string's number in the set, from 1; 0 means "no string".
 */
struct smbios_header {
	uint8_t type;
	uint8_t length; /* of the formatted area, this header included */
	uint16_t handle;
} SMBIOS_PACKED;
_Static_assert(sizeof(struct smbios_header) == 4, "a structure header is 4 bytes");
#define SMBIOS_STRING_SET_MIN_BYTES 2u /* an empty set is its two NULs */

#define SMBIOS_TYPE_BIOS 0
#define SMBIOS_TYPE_SYSTEM 1
#define SMBIOS_TYPE_BASEBOARD 2
#define SMBIOS_TYPE_CHASSIS 3
#define SMBIOS_TYPE_OEM_STRINGS 11
#define SMBIOS_TYPE_END_OF_TABLE 127

/* BIOS Information (type 0), DSP0134 §7.1. */
struct smbios_bios {
	struct smbios_header header;
	uint8_t vendor, version;
	uint16_t unused_6; /* BIOS starting address segment */
	uint8_t release_date;
} SMBIOS_PACKED;
SMBIOS_ASSERT_OFFSET(smbios_bios, vendor, 0x04);
SMBIOS_ASSERT_OFFSET(smbios_bios, version, 0x05);
SMBIOS_ASSERT_OFFSET(smbios_bios, release_date, 0x08);

/* System Information (type 1), DSP0134 §7.2. The serial number, UUID and SKU are skipped on purpose: they
 * identify a customer's machine. */
struct smbios_system {
	struct smbios_header header;
	uint8_t manufacturer, product_name, version;
	uint8_t unused_7[18]; /* serial number, UUID, wake-up type */
	uint8_t unused_25;    /* SKU number */
	uint8_t family;       /* since SMBIOS 2.4 */
} SMBIOS_PACKED;
SMBIOS_ASSERT_OFFSET(smbios_system, manufacturer, 0x04);
SMBIOS_ASSERT_OFFSET(smbios_system, product_name, 0x05);
SMBIOS_ASSERT_OFFSET(smbios_system, version, 0x06);
SMBIOS_ASSERT_OFFSET(smbios_system, family, 0x1A);

/* Baseboard Information (type 2), DSP0134 §7.3. */
struct smbios_baseboard {
	struct smbios_header header;
	uint8_t manufacturer, product;
} SMBIOS_PACKED;
SMBIOS_ASSERT_OFFSET(smbios_baseboard, manufacturer, 0x04);
SMBIOS_ASSERT_OFFSET(smbios_baseboard, product, 0x05);

/* System Enclosure or Chassis (type 3), DSP0134 §7.4. */
struct smbios_chassis {
	struct smbios_header header;
	uint8_t manufacturer;
	uint8_t type; /* bits 6:0 the enclosure type: 1 "Other" */
} SMBIOS_PACKED;
SMBIOS_ASSERT_OFFSET(smbios_chassis, manufacturer, 0x04);
SMBIOS_ASSERT_OFFSET(smbios_chassis, type, 0x05);

/* OEM Strings (type 11), DSP0134 §7.12: `count` strings, numbered 1 to count. */
struct smbios_oem_strings {
	struct smbios_header header;
	uint8_t count;
} SMBIOS_PACKED;
SMBIOS_ASSERT_OFFSET(smbios_oem_strings, count, 0x04);

#endif
