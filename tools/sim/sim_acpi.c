/* The simulated firmware's ACPI tables: synthesized from the clocks or captured from a machine, faults on demand. */
#include "sim_device.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_input.h"

/*
 * Layouts from ACPI 6.5 (UEFI Forum, 2022): §5.2.3.2 Generic Address Structure, §5.2.5.3 RSDP,
 * §5.2.6 table header, §5.2.7 RSDT, §5.2.8 XSDT, §5.2.9 FADT (Table 5.9), §5.2.12 MADT;
 * IA-PC HPET Specification 1.0a §3.2.4 for the HPET table. Offsets are in bytes.
 */
#define SDT_LENGTH 4
#define SDT_REVISION 8
#define SDT_CHECKSUM 9
#define SDT_OEM_ID 10
#define SDT_OEM_TABLE_ID 16
#define SDT_OEM_REVISION 24
#define SDT_CREATOR_ID 28
#define SDT_CREATOR_REVISION 32
#define SDT_HEADER_BYTES 36

#define RSDP_CHECKSUM 8
#define RSDP_OEM_ID 9
#define RSDP_REVISION 15
#define RSDP_RSDT_ADDRESS 16
#define RSDP_LENGTH 20
#define RSDP_XSDT_ADDRESS 24
#define RSDP_EXTENDED_CHECKSUM 32
#define RSDP_V1_BYTES 20
#define RSDP_BYTES 36
#define RSDP_REVISION_ACPI_2 2

#define GAS_BYTES 12
#define GAS_SYSTEM_MEMORY 0
#define GAS_SYSTEM_IO 1
#define GAS_ACCESS_DWORD 3

/* FADT revision 6 as ACPI 6.5 defines it (276 bytes, minor version 5). */
#define FADT_REVISION 6
#define FADT_MINOR_VERSION 5
#define FADT_BYTES 276
#define FADT_PM1A_EVT_BLK 56
#define FADT_PM1A_CNT_BLK 64
#define FADT_PM_TMR_BLK 76
#define FADT_PM1_EVT_LEN 88
#define FADT_PM1_CNT_LEN 89
#define FADT_PM_TMR_LEN 91
#define FADT_CENTURY 108
#define FADT_IAPC_BOOT_ARCH 109
#define FADT_FLAGS 112
#define FADT_MINOR_VERSION_OFFSET 131
#define FADT_X_PM1A_EVT_BLK 148
#define FADT_X_PM1A_CNT_BLK 172
#define FADT_X_PM_TMR_BLK 208
/* The PIIX4/ICH9 PM I/O block: PM1a event at +0 (4 bytes), PM1a control at +4 (2 bytes), the timer at +8. */
#define PM_BLOCK_TIMER_OFFSET 8
#define PM_BLOCK_CONTROL_OFFSET 4
#define PM1_EVT_BYTES 4
#define PM1_CNT_BYTES 2
#define PM_TMR_BYTES 4
/* Fixed Feature Flags: WBINVD (0), PROC_C1 (2), TMR_VAL_EXT (8): the PM timer is 32 bits wide. */
#define FADT_FLAG_WBINVD (1u << 0)
#define FADT_FLAG_PROC_C1 (1u << 2)
#define FADT_FLAG_TMR_VAL_EXT (1u << 8)
/* IA-PC Boot Architecture Flags: an 8042 (bit 1) as q35 reports; CMOS RTC Not Present (bit 5, ACPI 5.0+). */
#define IAPC_BOOT_ARCH_8042 (1u << 1)
#define IAPC_BOOT_ARCH_CMOS_RTC_NOT_PRESENT (1u << 5)

#define HPET_TABLE_BYTES 56
#define HPET_TABLE_BLOCK_ID 36
#define HPET_TABLE_BASE_ADDRESS 40

#define MADT_LOCAL_APIC_ADDRESS 36
#define MADT_FLAGS 40
#define MADT_FIXED_BYTES 44
#define MADT_PCAT_COMPAT 1u /* dual 8259 PICs present */
#define MADT_LOCAL_APIC 0
#define MADT_LOCAL_APIC_BYTES 8
#define MADT_LOCAL_APIC_ENABLED 1u

/* Where the synthesized tables live: near the top of a 128 MiB guest, as OVMF places them. */
#define SIM_ACPI_BASE 0x07FE0000ull
#define RSDP_AT (SIM_ACPI_BASE)
#define XSDT_AT (SIM_ACPI_BASE + 0x100)
#define RSDT_AT (SIM_ACPI_BASE + 0x200)
#define FADT_AT (SIM_ACPI_BASE + 0x1000)
#define HPET_AT (SIM_ACPI_BASE + 0x2000)
#define MADT_AT (SIM_ACPI_BASE + 0x3000)
#define MAX_ROOT_ENTRIES 3

static void put16(uint8_t *at, uint16_t v)
{
	at[0] = (uint8_t)v;
	at[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *at, uint32_t v)
{
	put16(at, (uint16_t)v);
	put16(at + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *at, uint64_t v)
{
	put32(at, (uint32_t)v);
	put32(at + 4, (uint32_t)(v >> 32));
}

static uint32_t get32(const uint8_t *at)
{
	return (uint32_t)at[0] | (uint32_t)at[1] << 8 | (uint32_t)at[2] << 16 | (uint32_t)at[3] << 24;
}

static uint64_t get64(const uint8_t *at)
{
	return get32(at) | (uint64_t)get32(at + 4) << 32;
}

/* Sets the checksum byte so that length bytes sum to zero modulo 256. */
static void set_checksum(uint8_t *bytes, uint32_t length, uint32_t checksum_offset)
{
	uint8_t sum = 0;
	bytes[checksum_offset] = 0;
	for (uint32_t i = 0; i < length; i++)
		sum = (uint8_t)(sum + bytes[i]);
	bytes[checksum_offset] = (uint8_t)-sum;
}

/* Zeroed room for one table of length bytes at phys. It always fits: a fixture was loaded into the same
 * capacity, and the synthesized tables take six entries and under 1 KiB. */
static uint8_t *add_table(struct sim_phys *p, uint64_t phys, uint32_t length)
{
	p->tables[p->table_count++] = (struct sim_acpi_table){phys, p->used, length};
	uint8_t *bytes = p->bytes + p->used;
	memset(bytes, 0, length);
	p->used += length;
	return bytes;
}

static struct sim_acpi_table *find_table(struct sim_phys *p, const char *signature)
{
	for (uint32_t i = 0; i < p->table_count; i++)
		if (p->tables[i].length >= SDT_HEADER_BYTES && !memcmp(p->bytes + p->tables[i].offset, signature, 4))
			return &p->tables[i];
	return NULL;
}

static void put_gas(uint8_t *at, uint8_t space, uint8_t bit_width, uint8_t access_size, uint64_t address)
{
	at[0] = space;
	at[1] = bit_width;
	at[2] = 0; /* bit offset */
	at[3] = access_size;
	put64(at + 4, address);
}

static void put_header(uint8_t *t, const struct sim_config *c, const char *signature, uint32_t length,
		       uint8_t revision)
{
	memcpy(t, signature, 4);
	put32(t + SDT_LENGTH, length);
	t[SDT_REVISION] = revision;
	memcpy(t + SDT_OEM_ID, c->acpi.oem_id, 6);
	memcpy(t + SDT_OEM_TABLE_ID, "TSCPROBE", 8);
	put32(t + SDT_OEM_REVISION, 1);
	memcpy(t + SDT_CREATOR_ID, "TSCP", 4);
	put32(t + SDT_CREATOR_REVISION, 1);
}

static void build_fadt(struct sim *s, uint8_t *t)
{
	const struct sim_clocks_config *clocks = &s->config->clocks;
	const struct sim_pm_timer_config *pm = &clocks->pm_timer;
	uint32_t flags = FADT_FLAG_WBINVD | FADT_FLAG_PROC_C1;

	put_header(t, s->config, "FACP", FADT_BYTES, FADT_REVISION);
	t[FADT_MINOR_VERSION_OFFSET] = FADT_MINOR_VERSION;
	if (pm->present) {
		uint16_t block = (uint16_t)(pm->port - PM_BLOCK_TIMER_OFFSET);
		put32(t + FADT_PM1A_EVT_BLK, block);
		put32(t + FADT_PM1A_CNT_BLK, block + PM_BLOCK_CONTROL_OFFSET);
		put32(t + FADT_PM_TMR_BLK, pm->port);
		t[FADT_PM1_EVT_LEN] = PM1_EVT_BYTES;
		t[FADT_PM1_CNT_LEN] = PM1_CNT_BYTES;
		t[FADT_PM_TMR_LEN] = PM_TMR_BYTES;
		put_gas(t + FADT_X_PM1A_EVT_BLK, GAS_SYSTEM_IO, 8 * PM1_EVT_BYTES, 0, block);
		put_gas(t + FADT_X_PM1A_CNT_BLK, GAS_SYSTEM_IO, 8 * PM1_CNT_BYTES, 0, block + PM_BLOCK_CONTROL_OFFSET);
		put_gas(t + FADT_X_PM_TMR_BLK, GAS_SYSTEM_IO, 8 * PM_TMR_BYTES, GAS_ACCESS_DWORD, pm->port);
		if (pm->bits == 32)
			flags |= FADT_FLAG_TMR_VAL_EXT;
	}
	t[FADT_CENTURY] = clocks->rtc.present ? clocks->rtc.century_index : 0;
	put16(t + FADT_IAPC_BOOT_ARCH, (uint16_t)((clocks->pit.present ? IAPC_BOOT_ARCH_8042 : 0) |
						  (clocks->rtc.present ? 0 : IAPC_BOOT_ARCH_CMOS_RTC_NOT_PRESENT)));
	put32(t + FADT_FLAGS, flags);
}

static void build_hpet(struct sim *s, uint8_t *t)
{
	const struct sim_hpet_config *hpet = &s->config->clocks.hpet;

	put_header(t, s->config, "HPET", HPET_TABLE_BYTES, 1);
	put32(t + HPET_TABLE_BLOCK_ID, (uint32_t)sim_hpet_capabilities(hpet));
	put_gas(t + HPET_TABLE_BASE_ADDRESS, GAS_SYSTEM_MEMORY, 64, 0, hpet->base);
}

static void build_madt(struct sim *s, uint8_t *t, uint32_t length)
{
	put_header(t, s->config, "APIC", length, 1);
	put32(t + MADT_LOCAL_APIC_ADDRESS, (uint32_t)s->config->clocks.lapic.base);
	put32(t + MADT_FLAGS, s->config->clocks.pit.present ? MADT_PCAT_COMPAT : 0);
	uint8_t *entry = t + MADT_FIXED_BYTES;
	entry[0] = MADT_LOCAL_APIC;
	entry[1] = MADT_LOCAL_APIC_BYTES;
	entry[2] = 0; /* ACPI processor UID */
	entry[3] = 0; /* APIC ID */
	put32(entry + 4, MADT_LOCAL_APIC_ENABLED);
}

/* A root table (XSDT: 8-byte entries, RSDT: 4-byte) listing the given tables. */
static void build_root(struct sim *s, uint64_t at, const char *signature, unsigned entry_bytes,
		       const uint64_t *entries, unsigned count)
{
	uint32_t length = SDT_HEADER_BYTES + count * entry_bytes;
	uint8_t *t = add_table(&s->phys, at, length);
	put_header(t, s->config, signature, length, 1);
	for (unsigned i = 0; i < count; i++) {
		uint8_t *slot = t + SDT_HEADER_BYTES + i * entry_bytes;
		if (entry_bytes == 8)
			put64(slot, entries[i]);
		else
			put32(slot, (uint32_t)entries[i]);
	}
	set_checksum(t, length, SDT_CHECKSUM);
}

static void build_rsdp(struct sim *s)
{
	uint8_t *r = add_table(&s->phys, RSDP_AT, RSDP_BYTES);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + RSDP_OEM_ID, s->config->acpi.oem_id, 6);
	r[RSDP_REVISION] = RSDP_REVISION_ACPI_2;
	put32(r + RSDP_RSDT_ADDRESS, (uint32_t)RSDT_AT);
	put32(r + RSDP_LENGTH, RSDP_BYTES);
	put64(r + RSDP_XSDT_ADDRESS, XSDT_AT);
	set_checksum(r, RSDP_V1_BYTES, RSDP_CHECKSUM);
	set_checksum(r, RSDP_BYTES, RSDP_EXTENDED_CHECKSUM);
	s->machine.acpi_rsdp = RSDP_AT;
}

/* RSDP -> XSDT and RSDT -> FADT, HPET (when there is one), MADT (when there is a LAPIC). */
static void synthesize(struct sim *s)
{
	const struct sim_clocks_config *clocks = &s->config->clocks;
	uint64_t entries[MAX_ROOT_ENTRIES];
	unsigned count = 0;
	uint8_t *t;

	t = add_table(&s->phys, FADT_AT, FADT_BYTES);
	build_fadt(s, t);
	set_checksum(t, FADT_BYTES, SDT_CHECKSUM);
	entries[count++] = FADT_AT;
	if (clocks->hpet.present) {
		t = add_table(&s->phys, HPET_AT, HPET_TABLE_BYTES);
		build_hpet(s, t);
		set_checksum(t, HPET_TABLE_BYTES, SDT_CHECKSUM);
		entries[count++] = HPET_AT;
	}
	if (clocks->lapic.present) {
		uint32_t length = MADT_FIXED_BYTES + MADT_LOCAL_APIC_BYTES;
		t = add_table(&s->phys, MADT_AT, length);
		build_madt(s, t, length);
		set_checksum(t, length, SDT_CHECKSUM);
		entries[count++] = MADT_AT;
	}
	build_root(s, XSDT_AT, "XSDT", 8, entries, count);
	build_root(s, RSDT_AT, "RSDT", 4, entries, count);
	build_rsdp(s);
}

static void copy_fixture(struct sim *s)
{
	const struct sim_acpi_fixture *f = &s->config->acpi.fixture;
	for (uint32_t i = 0; i < f->table_count; i++)
		memcpy(add_table(&s->phys, f->tables[i].phys, f->tables[i].length), f->bytes + f->tables[i].offset,
		       f->tables[i].length);
	s->machine.acpi_rsdp = f->rsdp;
}

/* Drops the entries pointing at phys from a root table, which stays valid (shorter, re-checksummed). */
static void drop_root_entry(struct sim_phys *p, const char *signature, unsigned entry_bytes, uint64_t phys)
{
	struct sim_acpi_table *root = find_table(p, signature);
	if (!root)
		return;
	uint8_t *t = p->bytes + root->offset;
	uint32_t length = get32(t + SDT_LENGTH), kept = SDT_HEADER_BYTES;
	for (uint32_t at = SDT_HEADER_BYTES; at + entry_bytes <= length; at += entry_bytes) {
		uint64_t entry = entry_bytes == 8 ? get64(t + at) : get32(t + at);
		if (entry != phys) {
			memmove(t + kept, t + at, entry_bytes);
			kept += entry_bytes;
		}
	}
	put32(t + SDT_LENGTH, kept);
	set_checksum(t, kept, SDT_CHECKSUM);
}

static void apply_faults(struct sim *s)
{
	uint32_t faults = s->config->acpi.faults;
	struct sim_acpi_table *fadt = find_table(&s->phys, "FACP");

	if (fadt && (faults & SIM_ACPI_ZERO_PM_PORT)) {
		uint8_t *t = s->phys.bytes + fadt->offset;
		put32(t + FADT_PM_TMR_BLK, 0);
		if (fadt->length >= FADT_X_PM_TMR_BLK + GAS_BYTES)
			put64(t + FADT_X_PM_TMR_BLK + 4, 0);
		set_checksum(t, fadt->length, SDT_CHECKSUM);
	}
	if (fadt && (faults & SIM_ACPI_NO_FADT)) {
		drop_root_entry(&s->phys, "XSDT", 8, fadt->phys);
		drop_root_entry(&s->phys, "RSDT", 4, fadt->phys);
	}
	if (fadt && (faults & SIM_ACPI_FADT_BAD_CHECKSUM))
		s->phys.bytes[fadt->offset + SDT_CHECKSUM]++;
	if (faults & SIM_ACPI_NO_RSDP)
		s->machine.acpi_rsdp = 0;
}

void sim_acpi_build(struct sim *s)
{
	if (s->config->acpi.use_fixture)
		copy_fixture(s);
	else
		synthesize(s);
	apply_faults(s);
}

void sim_acpi_fix_checksums(struct sim_acpi_fixture *f)
{
	for (uint32_t i = 0; i < f->table_count; i++) {
		uint8_t *t = f->bytes + f->tables[i].offset;
		uint32_t held = f->tables[i].length;
		if (held >= RSDP_V1_BYTES && !memcmp(t, "RSD PTR ", 8)) {
			set_checksum(t, RSDP_V1_BYTES, RSDP_CHECKSUM);
			uint32_t stated = held >= RSDP_BYTES ? get32(t + RSDP_LENGTH) : 0;
			if (stated >= RSDP_BYTES && stated <= held)
				set_checksum(t, stated, RSDP_EXTENDED_CHECKSUM);
		} else if (held >= SDT_HEADER_BYTES) {
			uint32_t stated = get32(t + SDT_LENGTH);
			if (stated >= SDT_HEADER_BYTES)
				set_checksum(t, stated < held ? stated : held, SDT_CHECKSUM);
		}
	}
}

static bool load_error(char *error, size_t error_size, const char *path, const char *why)
{
	snprintf(error, error_size, "%s: %s", path, why);
	return false;
}

/* A layout names at most SIM_ACPI_MAX_TABLES tables, a line each with its comments: 64 KiB is ample. */
#define LAYOUT_MAX_BYTES (64u * 1024u)

/* Appends the file at path to the fixture as the table at phys. */
static bool load_table(struct sim_acpi_fixture *f, const char *path, uint64_t phys, char *error, size_t error_size)
{
	size_t length;
	char *bytes;

	if (f->table_count == SIM_ACPI_MAX_TABLES)
		return load_error(error, error_size, path, "more tables than the simulator holds");
	if (host_input_read(path, SIM_ACPI_MAX_BYTES - f->used, &bytes, &length, error, error_size))
		return false;
	memcpy(f->bytes + f->used, bytes, length);
	free(bytes);
	f->tables[f->table_count++] = (struct sim_acpi_table){phys, f->used, (uint32_t)length};
	f->used += (uint32_t)length;
	return true;
}

/* The layout file (tests/data/acpi/README): "0xADDRESS file" per line, '#' comments; rsdp.bin is the RSDP. */
bool sim_acpi_load_fixture(struct sim_config *c, const char *dir, char *error, size_t error_size)
{
	struct sim_acpi_fixture *f = &c->acpi.fixture;
	char path[512], file_name[256];
	unsigned line_number = 0;
	size_t length;
	uint64_t phys;
	char *layout, *line, *next;
	bool ok = true;

	snprintf(path, sizeof(path), "%s/layout", dir);
	if (host_input_read(path, LAYOUT_MAX_BYTES, &layout, &length, error, error_size))
		return false;
	f->table_count = f->used = 0;
	f->rsdp = 0;
	for (line = layout; ok && *line; line = next) {
		char *newline = strchr(line, '\n');
		next = newline ? newline + 1 : line + strlen(line);
		if (newline)
			*newline = '\0';
		line_number++;
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (sscanf(line, "%" SCNx64 " %255s", &phys, file_name) != 2) {
			snprintf(error, error_size, "%s:%u: expected \"0xADDRESS file\"", path, line_number);
			ok = false;
			break;
		}
		char table_path[800];
		snprintf(table_path, sizeof(table_path), "%s/%s", dir, file_name);
		ok = load_table(f, table_path, phys, error, error_size);
		if (!strcmp(file_name, "rsdp.bin"))
			f->rsdp = phys;
	}
	free(layout);
	if (ok && !f->rsdp)
		return load_error(error, error_size, path, "no rsdp.bin line");
	c->acpi.use_fixture = ok;
	return ok;
}
