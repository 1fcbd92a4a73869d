/* The ACPI tables' byte layouts, once: core/acpi.c reads them in place, the simulator (tools/sim) writes them. */
#ifndef TSCPROBE_ACPI_TABLES_H
#define TSCPROBE_ACPI_TABLES_H

#include <stddef.h>
#include <stdint.h>

/*
 * Specifications cited:
 *   ACPI 6.5 (UEFI Forum, 2022), chapter 5.2 "ACPI System Description Tables";
 *   IA-PC HPET Specification 1.0a (Intel, 2004), section 3.2.4;
 *   Windows ACPI Emulated Devices Table 1.0 (Microsoft, 2009).
 * The structs declare the fields that core/acpi.c reads or the simulator writes; "unused_N" pads over
 * the rest, N being the byte offset where the padding starts. Tables are read and written in place,
 * hence packed and little-endian. tests/unit/test_acpi.c checks the offsets again, with its own numbers.
 */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "ACPI tables are little-endian and read in place");

#define ACPI_PACKED __attribute__((packed))
#define ACPI_ASSERT_OFFSET(type, member, offset) \
	_Static_assert(offsetof(struct type, member) == (offset), #type "." #member " is at byte " #offset)

/* Generic Address Structure, ACPI 6.5 §5.2.3.2. */
struct acpi_gas {
	uint8_t space_id;
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
} ACPI_PACKED;
ACPI_ASSERT_OFFSET(acpi_gas, space_id, 0);
ACPI_ASSERT_OFFSET(acpi_gas, access_size, 3);
ACPI_ASSERT_OFFSET(acpi_gas, address, 4);
_Static_assert(sizeof(struct acpi_gas) == 12, "a GAS is 12 bytes");
#define ACPI_GAS_SYSTEM_MEMORY 0
#define ACPI_GAS_SYSTEM_IO 1
#define ACPI_GAS_ACCESS_DWORD 3

/* Root System Description Pointer, ACPI 6.5 §5.2.5.3. */
struct acpi_rsdp {
	char signature[8]; /* "RSD PTR " */
	uint8_t checksum;  /* the first 20 bytes sum to zero */
	char oem_id[6];
	uint8_t revision; /* 0 for ACPI 1.0, whose RSDP ends after rsdt_address; 2 since ACPI 2.0 */
	uint32_t rsdt_address;
	uint32_t length; /* revision >= 2: whole structure, covered by the extended checksum */
	uint64_t xsdt_address;
	uint8_t extended_checksum; /* the whole structure sums to zero */
	uint8_t unused_33[3];
} ACPI_PACKED;
ACPI_ASSERT_OFFSET(acpi_rsdp, signature, 0);
ACPI_ASSERT_OFFSET(acpi_rsdp, checksum, 8);
ACPI_ASSERT_OFFSET(acpi_rsdp, oem_id, 9);
ACPI_ASSERT_OFFSET(acpi_rsdp, revision, 15);
ACPI_ASSERT_OFFSET(acpi_rsdp, rsdt_address, 16);
ACPI_ASSERT_OFFSET(acpi_rsdp, length, 20);
ACPI_ASSERT_OFFSET(acpi_rsdp, xsdt_address, 24);
ACPI_ASSERT_OFFSET(acpi_rsdp, extended_checksum, 32);
#define ACPI_RSDP_V1_BYTES 20u /* what the ACPI 1.0 checksum covers */
#define ACPI_RSDP_V2_BYTES 36u /* through the extended checksum and 3 reserved bytes */
_Static_assert(sizeof(struct acpi_rsdp) == ACPI_RSDP_V2_BYTES, "an ACPI 2.0 RSDP is 36 bytes");
#define ACPI_RSDP_FIRST_V2_REVISION 2

/* System Description Table header, ACPI 6.5 §5.2.6: every table starts with it, and sums to zero. */
struct acpi_sdt_header {
	char signature[4];
	uint32_t length; /* whole table, header included */
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} ACPI_PACKED;
ACPI_ASSERT_OFFSET(acpi_sdt_header, signature, 0);
ACPI_ASSERT_OFFSET(acpi_sdt_header, length, 4);
ACPI_ASSERT_OFFSET(acpi_sdt_header, checksum, 9);
ACPI_ASSERT_OFFSET(acpi_sdt_header, oem_id, 10);
ACPI_ASSERT_OFFSET(acpi_sdt_header, oem_table_id, 16);
ACPI_ASSERT_OFFSET(acpi_sdt_header, creator_id, 28);
_Static_assert(sizeof(struct acpi_sdt_header) == 36, "the SDT header is 36 bytes");

/* Fixed ACPI Description Table, ACPI 6.5 §5.2.9 (Table 5.9). It grew with every revision (ACPI 1.0: 116
 * bytes, QEMU's revision 3: 244, ACPI 6.5: 276), so a reader takes each field only when the table reaches it. */
struct acpi_fadt {
	struct acpi_sdt_header header;
	uint8_t unused_36[20];
	uint32_t pm1a_evt_blk; /* system I/O port of the PM1a event block */
	uint8_t unused_60[4];
	uint32_t pm1a_cnt_blk; /* and of the PM1a control block */
	uint8_t unused_68[8];
	uint32_t pm_tmr_blk; /* system I/O port of the PM timer */
	uint8_t unused_80[8];
	uint8_t pm1_evt_len;
	uint8_t pm1_cnt_len;
	uint8_t unused_90;
	uint8_t pm_tmr_len; /* "If the PM Timer is supported, this field's value must be 4" */
	uint8_t unused_92[16];
	uint8_t century;         /* RTC CMOS RAM index of the century; 0 = not supported */
	uint16_t iapc_boot_arch; /* IA-PC Boot Architecture Flags */
	uint8_t unused_111;
	uint32_t flags; /* Fixed Feature Flags */
	uint8_t unused_116[15];
	uint8_t minor_version; /* FADT Minor Version, since ACPI 5.1 */
	uint8_t unused_132[16];
	struct acpi_gas x_pm1a_evt_blk;
	uint8_t unused_160[12];
	struct acpi_gas x_pm1a_cnt_blk;
	uint8_t unused_184[24];
	struct acpi_gas x_pm_tmr_blk; /* ACPI 2.0+: takes precedence over pm_tmr_blk when nonzero */
	uint8_t unused_220[56];
} ACPI_PACKED;
ACPI_ASSERT_OFFSET(acpi_fadt, pm1a_evt_blk, 56);
ACPI_ASSERT_OFFSET(acpi_fadt, pm1a_cnt_blk, 64);
ACPI_ASSERT_OFFSET(acpi_fadt, pm_tmr_blk, 76);
ACPI_ASSERT_OFFSET(acpi_fadt, pm1_evt_len, 88);
ACPI_ASSERT_OFFSET(acpi_fadt, pm1_cnt_len, 89);
ACPI_ASSERT_OFFSET(acpi_fadt, pm_tmr_len, 91);
ACPI_ASSERT_OFFSET(acpi_fadt, century, 108);
ACPI_ASSERT_OFFSET(acpi_fadt, iapc_boot_arch, 109);
ACPI_ASSERT_OFFSET(acpi_fadt, flags, 112);
ACPI_ASSERT_OFFSET(acpi_fadt, minor_version, 131);
ACPI_ASSERT_OFFSET(acpi_fadt, x_pm1a_evt_blk, 148);
ACPI_ASSERT_OFFSET(acpi_fadt, x_pm1a_cnt_blk, 172);
ACPI_ASSERT_OFFSET(acpi_fadt, x_pm_tmr_blk, 208);
_Static_assert(sizeof(struct acpi_fadt) == 276, "ACPI 6.5's FADT, revision 6, is 276 bytes");
#define ACPI_PM_TMR_LEN_BYTES 4
/* Fixed Feature Flags: WBINVD (bit 0), PROC_C1 (bit 2), TMR_VAL_EXT (bit 8): the PM timer is 32 bits wide;
 * clear means 24 bits. */
#define ACPI_FADT_WBINVD (1u << 0)
#define ACPI_FADT_PROC_C1 (1u << 2)
#define ACPI_FADT_TMR_VAL_EXT (1u << 8)
/* IA-PC Boot Architecture Flags: an 8042 (bit 1); CMOS RTC Not Present (bit 5, ACPI 5.0+). */
#define ACPI_FADT_BOOT_ARCH_8042 (1u << 1)
#define ACPI_FADT_BOOT_ARCH_CMOS_RTC_NOT_PRESENT (1u << 5)

/* HPET Description Table, IA-PC HPET 1.0a §3.2.4. */
struct acpi_hpet {
	struct acpi_sdt_header header;
	uint32_t event_timer_block_id;
	struct acpi_gas base_address; /* must be system memory */
	uint8_t hpet_number;
	uint16_t min_tick;
	uint8_t page_protection;
} ACPI_PACKED;
ACPI_ASSERT_OFFSET(acpi_hpet, event_timer_block_id, 36);
ACPI_ASSERT_OFFSET(acpi_hpet, base_address, 40);
ACPI_ASSERT_OFFSET(acpi_hpet, hpet_number, 52);
ACPI_ASSERT_OFFSET(acpi_hpet, min_tick, 53);
_Static_assert(sizeof(struct acpi_hpet) == 56, "the HPET table is 56 bytes");

/* Multiple APIC Description Table, ACPI 6.5 §5.2.12; its entries follow the fixed part. */
struct acpi_madt {
	struct acpi_sdt_header header;
	uint32_t local_apic_address; /* 32-bit physical base, unless an override entry says otherwise */
	uint32_t flags;
} ACPI_PACKED;
ACPI_ASSERT_OFFSET(acpi_madt, local_apic_address, 36);
ACPI_ASSERT_OFFSET(acpi_madt, flags, 40);
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT entries start at byte 44");
#define ACPI_MADT_PCAT_COMPAT (1u << 0) /* dual 8259 PICs present */

struct acpi_madt_entry {
	uint8_t type;
	uint8_t length; /* whole entry, these two bytes included */
} ACPI_PACKED;
ACPI_ASSERT_OFFSET(acpi_madt_entry, type, 0);
ACPI_ASSERT_OFFSET(acpi_madt_entry, length, 1);

/* Processor Local APIC Structure, ACPI 6.5 §5.2.12.2. */
#define ACPI_MADT_LOCAL_APIC 0
struct acpi_madt_local_apic {
	struct acpi_madt_entry entry;
	uint8_t unused_2[2]; /* processor UID, APIC ID */
	uint32_t flags;
} ACPI_PACKED;
ACPI_ASSERT_OFFSET(acpi_madt_local_apic, flags, 4);
_Static_assert(sizeof(struct acpi_madt_local_apic) == 8, "a Processor Local APIC Structure is 8 bytes");
#define ACPI_MADT_LAPIC_ENABLED (1u << 0)

/* Local APIC Address Override Structure, ACPI 6.5 §5.2.12.8: at most one, 64-bit base. */
#define ACPI_MADT_LOCAL_APIC_OVERRIDE 5
struct acpi_madt_lapic_override {
	struct acpi_madt_entry entry;
	uint8_t unused_2[2]; /* reserved */
	uint64_t address;
} ACPI_PACKED;
ACPI_ASSERT_OFFSET(acpi_madt_lapic_override, address, 4);

/* Windows ACPI Emulated Devices Table 1.0: hypervisors state which emulated-device errata they lack. */
struct acpi_waet {
	struct acpi_sdt_header header;
	uint32_t emulated_device_flags;
} ACPI_PACKED;
ACPI_ASSERT_OFFSET(acpi_waet, emulated_device_flags, 36);
#define ACPI_WAET_RTC_GOOD (1u << 0)
#define ACPI_WAET_PM_TIMER_GOOD (1u << 1)

#endif
