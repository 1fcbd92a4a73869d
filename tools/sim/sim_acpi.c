/* The simulated firmware's ACPI tables: synthesized from the clocks or captured from a machine, faults on demand. */
#include "sim_device.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acpi_tables.h"
#include "fwtable.h"
#include "host_input.h"

/* FADT revision 6 as ACPI 6.5 defines it (276 bytes, minor version 5). */
#define FADT_REVISION 6
#define FADT_MINOR_VERSION 5
/* The PIIX4/ICH9 PM I/O block: PM1a event at +0 (4 bytes), PM1a control at +4 (2 bytes), the timer at +8. */
#define PM_BLOCK_TIMER_OFFSET 8
#define PM_BLOCK_CONTROL_OFFSET 4
#define PM1_EVT_BYTES 4
#define PM1_CNT_BYTES 2
#define PM_TMR_BYTES 4

#define SDT_CHECKSUM offsetof(struct acpi_sdt_header, checksum)
#define SDT_HEADER_BYTES sizeof(struct acpi_sdt_header)
#define MADT_BYTES (sizeof(struct acpi_madt) + sizeof(struct acpi_madt_local_apic))

/* Where the synthesized tables live: near the top of a 128 MiB guest, as OVMF places them. */
#define SIM_ACPI_BASE 0x07FE0000ull
#define RSDP_AT (SIM_ACPI_BASE)
#define XSDT_AT (SIM_ACPI_BASE + 0x100)
#define RSDT_AT (SIM_ACPI_BASE + 0x200)
#define FADT_AT (SIM_ACPI_BASE + 0x1000)
#define HPET_AT (SIM_ACPI_BASE + 0x2000)
#define MADT_AT (SIM_ACPI_BASE + 0x3000)
#define MAX_ROOT_ENTRIES 3

static void put32(uint8_t *at, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		at[i] = (uint8_t)(v >> (8 * i));
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

static struct acpi_gas gas(uint8_t space, uint8_t bit_width, uint8_t access_size, uint64_t address)
{
	return (struct acpi_gas){
		.space_id = space, .bit_width = bit_width, .access_size = access_size, .address = address};
}

static void put_header(struct acpi_sdt_header *h, const struct sim_config *c, const char *signature, uint32_t length,
		       uint8_t revision)
{
	memcpy(h->signature, signature, sizeof(h->signature));
	h->length = length;
	h->revision = revision;
	memcpy(h->oem_id, c->acpi.oem_id, sizeof(h->oem_id));
	memcpy(h->oem_table_id, "TSCPROBE", sizeof(h->oem_table_id));
	h->oem_revision = 1;
	memcpy(h->creator_id, "TSCP", sizeof(h->creator_id));
	h->creator_revision = 1;
}

static void build_fadt(struct sim *s, struct acpi_fadt *f)
{
	const struct sim_clocks_config *clocks = &s->config->clocks;
	const struct sim_pm_timer_config *pm = &clocks->pm_timer;
	uint32_t flags = ACPI_FADT_WBINVD | ACPI_FADT_PROC_C1;

	put_header(&f->header, s->config, "FACP", sizeof(*f), FADT_REVISION);
	f->minor_version = FADT_MINOR_VERSION;
	if (pm->present) {
		uint16_t block = (uint16_t)(pm->port - PM_BLOCK_TIMER_OFFSET);
		f->pm1a_evt_blk = block;
		f->pm1a_cnt_blk = block + PM_BLOCK_CONTROL_OFFSET;
		f->pm_tmr_blk = pm->port;
		f->pm1_evt_len = PM1_EVT_BYTES;
		f->pm1_cnt_len = PM1_CNT_BYTES;
		f->pm_tmr_len = PM_TMR_BYTES;
		f->x_pm1a_evt_blk = gas(ACPI_GAS_SYSTEM_IO, 8 * PM1_EVT_BYTES, 0, block);
		f->x_pm1a_cnt_blk = gas(ACPI_GAS_SYSTEM_IO, 8 * PM1_CNT_BYTES, 0, block + PM_BLOCK_CONTROL_OFFSET);
		f->x_pm_tmr_blk = gas(ACPI_GAS_SYSTEM_IO, 8 * PM_TMR_BYTES, ACPI_GAS_ACCESS_DWORD, pm->port);
		if (pm->bits == 32)
			flags |= ACPI_FADT_TMR_VAL_EXT;
	}
	f->century = clocks->rtc.present ? clocks->rtc.century_index : 0;
	f->iapc_boot_arch = (uint16_t)((clocks->pit.present ? ACPI_FADT_BOOT_ARCH_8042 : 0) |
				       (clocks->rtc.present ? 0 : ACPI_FADT_BOOT_ARCH_CMOS_RTC_NOT_PRESENT));
	f->flags = flags;
}

static void build_hpet(struct sim *s, struct acpi_hpet *t)
{
	const struct sim_hpet_config *hpet = &s->config->clocks.hpet;

	put_header(&t->header, s->config, "HPET", sizeof(*t), 1);
	t->event_timer_block_id = (uint32_t)sim_hpet_capabilities(hpet);
	t->base_address = gas(ACPI_GAS_SYSTEM_MEMORY, 64, 0, hpet->base);
}

/* The fixed part and one enabled Processor Local APIC (UID 0, APIC ID 0). */
static void build_madt(struct sim *s, struct acpi_madt *t)
{
	struct acpi_madt_local_apic *lapic = (void *)(t + 1);

	put_header(&t->header, s->config, "APIC", MADT_BYTES, 1);
	t->local_apic_address = (uint32_t)s->config->clocks.lapic.base;
	t->flags = s->config->clocks.pit.present ? ACPI_MADT_PCAT_COMPAT : 0;
	lapic->entry = (struct acpi_madt_entry){ACPI_MADT_LOCAL_APIC, sizeof(*lapic)};
	lapic->flags = ACPI_MADT_LAPIC_ENABLED;
}

/* A root table (XSDT: 8-byte entries, RSDT: 4-byte) listing the given tables. */
static void build_root(struct sim *s, uint64_t at, const char *signature, unsigned entry_bytes, const uint64_t *entries,
		       unsigned count)
{
	uint32_t length = SDT_HEADER_BYTES + count * entry_bytes;
	uint8_t *t = add_table(&s->phys, at, length);
	put_header((void *)t, s->config, signature, length, 1);
	for (unsigned i = 0; i < count; i++) {
		uint8_t *slot = t + SDT_HEADER_BYTES + i * entry_bytes;
		if (entry_bytes == 8)
			put64(slot, entries[i]);
		else
			put32(slot, (uint32_t)entries[i]);
	}
	fwtable_set_checksum(t, length, SDT_CHECKSUM);
}

static void build_rsdp(struct sim *s)
{
	struct acpi_rsdp *r = (void *)add_table(&s->phys, RSDP_AT, sizeof(*r));
	memcpy(r->signature, "RSD PTR ", sizeof(r->signature));
	memcpy(r->oem_id, s->config->acpi.oem_id, sizeof(r->oem_id));
	r->revision = ACPI_RSDP_FIRST_V2_REVISION;
	r->rsdt_address = (uint32_t)RSDT_AT;
	r->length = sizeof(*r);
	r->xsdt_address = XSDT_AT;
	fwtable_set_checksum((uint8_t *)r, ACPI_RSDP_V1_BYTES, offsetof(struct acpi_rsdp, checksum));
	fwtable_set_checksum((uint8_t *)r, sizeof(*r), offsetof(struct acpi_rsdp, extended_checksum));
	s->machine.acpi_rsdp = RSDP_AT;
}

/* RSDP -> XSDT and RSDT -> FADT, HPET (when there is one), MADT (when there is a LAPIC). */
static void synthesize(struct sim *s)
{
	const struct sim_clocks_config *clocks = &s->config->clocks;
	uint64_t entries[MAX_ROOT_ENTRIES];
	unsigned count = 0;
	uint8_t *t;

	t = add_table(&s->phys, FADT_AT, sizeof(struct acpi_fadt));
	build_fadt(s, (void *)t);
	fwtable_set_checksum(t, sizeof(struct acpi_fadt), SDT_CHECKSUM);
	entries[count++] = FADT_AT;
	if (clocks->hpet.present) {
		t = add_table(&s->phys, HPET_AT, sizeof(struct acpi_hpet));
		build_hpet(s, (void *)t);
		fwtable_set_checksum(t, sizeof(struct acpi_hpet), SDT_CHECKSUM);
		entries[count++] = HPET_AT;
	}
	if (clocks->lapic.present) {
		t = add_table(&s->phys, MADT_AT, MADT_BYTES);
		build_madt(s, (void *)t);
		fwtable_set_checksum(t, MADT_BYTES, SDT_CHECKSUM);
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
	struct acpi_sdt_header *h = (void *)t;
	uint32_t length = h->length, kept = SDT_HEADER_BYTES;
	for (uint32_t at = SDT_HEADER_BYTES; at + entry_bytes <= length; at += entry_bytes) {
		uint64_t entry = entry_bytes == 8 ? get64(t + at) : get32(t + at);
		if (entry != phys) {
			memmove(t + kept, t + at, entry_bytes);
			kept += entry_bytes;
		}
	}
	h->length = kept;
	fwtable_set_checksum(t, kept, SDT_CHECKSUM);
}

static void apply_faults(struct sim *s)
{
	uint32_t faults = s->config->acpi.faults;
	struct sim_acpi_table *fadt = find_table(&s->phys, "FACP");

	if (fadt && (faults & SIM_ACPI_ZERO_PM_PORT)) {
		uint8_t *t = s->phys.bytes + fadt->offset;
		struct acpi_fadt *f = (void *)t;
		f->pm_tmr_blk = 0;
		if (fadt->length >= offsetof(struct acpi_fadt, x_pm_tmr_blk) + sizeof(f->x_pm_tmr_blk))
			f->x_pm_tmr_blk.address = 0;
		fwtable_set_checksum(t, fadt->length, SDT_CHECKSUM);
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
		if (held >= ACPI_RSDP_V1_BYTES && !memcmp(t, "RSD PTR ", 8)) {
			const struct acpi_rsdp *r = (const void *)t;
			fwtable_set_checksum(t, ACPI_RSDP_V1_BYTES, offsetof(struct acpi_rsdp, checksum));
			uint32_t stated = held >= sizeof(*r) ? r->length : 0;
			if (stated >= sizeof(*r) && stated <= held)
				fwtable_set_checksum(t, stated, offsetof(struct acpi_rsdp, extended_checksum));
		} else if (held >= SDT_HEADER_BYTES) {
			const struct acpi_sdt_header *h = (const void *)t;
			uint32_t stated = h->length;
			if (stated >= SDT_HEADER_BYTES)
				fwtable_set_checksum(t, stated < held ? stated : held, SDT_CHECKSUM);
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
