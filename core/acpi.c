/* ACPI discovery: walks RSDP -> XSDT/RSDT -> FADT, HPET, MADT, WAET through phys_map, validating before trusting. */
#include "acpi.h"

#include <stddef.h>

#include "fwtable.h"
#include "acpi_tables.h"

/* First byte after a field: the table must be at least this long before the field is read. */
#define FIELD_END(type, member) (offsetof(struct type, member) + sizeof(((struct type *)0)->member))

/* No FADT, MADT, HPET, WAET or root table comes near 1 MiB (a 4096-CPU MADT of 16-byte x2APIC entries
 * is 64 KiB); a longer length is a corrupt header, and checksumming it could walk gigabytes. */
#define ACPI_MAX_TABLE_BYTES (1024u * 1024u)
/* Real roots list a few dozen tables; past this the root is corrupt and the rest is not worth a walk. */
#define ACPI_MAX_ROOT_ENTRIES 256u
/* PM_TMR_BLK and X_PM_TMR_BLK name an x86 I/O port, and the I/O space is 64 KiB. */
#define ACPI_IO_PORT_MAX 0xFFFFu

/* The HPET table's event_timer_block_id, IA-PC HPET 1.0a §3.2.4. */
#define HPET_ID_HARDWARE_REV(id) ((uint8_t)((id)&0xFFu))
#define HPET_ID_COMPARATORS(id) ((uint8_t)(((id) >> 8) & 0x1Fu))
#define HPET_ID_COUNTER_64BIT (1u << 13)
#define HPET_ID_LEGACY_REPLACEMENT (1u << 15)
#define HPET_ID_PCI_VENDOR(id) ((uint16_t)((id) >> 16))

/* A mapped table whose signature, length and checksum passed. */
struct sdt {
	const uint8_t *bytes;
	uint32_t length;
};

static void report(struct acpi_info *out, const char *table, const char *reason)
{
	if (out->problem_count == ACPI_MAX_PROBLEMS) {
		out->problems_dropped++;
		return;
	}
	struct acpi_problem *p = &out->problems[out->problem_count++];
	for (unsigned i = 0; i < 4; i++)
		p->table[i] = table[i];
	p->table[4] = '\0';
	unsigned n = 0;
	for (; reason[n] && n + 1 < sizeof(p->reason); n++)
		p->reason[n] = reason[n];
	p->reason[n] = '\0';
}

/* report() for error paths that give up: `return reject(...)`. */
static bool reject(struct acpi_info *out, const char *table, const char *reason)
{
	report(out, table, reason);
	return false;
}

static uint64_t read_le(const uint8_t *bytes, unsigned width)
{
	uint64_t value = 0;
	for (unsigned i = width; i-- > 0;)
		value = value << 8 | bytes[i];
	return value;
}

/* Maps the table at phys and checks its signature, length and checksum; reports why when it fails. */
static bool sdt_load(struct machine *m, uint64_t phys, const char *signature, struct acpi_info *out, struct sdt *t)
{
	const struct acpi_sdt_header *h = fwtable_map(m, phys, sizeof *h);
	if (!h)
		return reject(out, signature, "table unmapped");
	if (!fwtable_same_bytes(h->signature, signature, 4))
		return reject(out, signature, "signature mismatch");
	uint32_t length = h->length;
	if (length < sizeof *h)
		return reject(out, signature, "length shorter than header");
	if (length > ACPI_MAX_TABLE_BYTES)
		return reject(out, signature, "length beyond sanity limit");
	t->bytes = fwtable_map(m, phys, length);
	if (!t->bytes)
		return reject(out, signature, "length past mapped memory");
	if (!fwtable_sums_to_zero(t->bytes, length))
		return reject(out, signature, "checksum mismatch");
	t->length = length;
	return true;
}

/* Validates the ACPI 1.0 part of the RSDP and records what it says; false when it cannot be trusted. */
static bool rsdp_load(struct machine *m, struct acpi_info *out, uint64_t *rsdt)
{
	if (m->acpi_rsdp == 0)
		return reject(out, "RSDP", "table absent");
	const struct acpi_rsdp *r = fwtable_map(m, m->acpi_rsdp, ACPI_RSDP_V1_BYTES);
	if (!r)
		return reject(out, "RSDP", "table unmapped");
	if (!fwtable_same_bytes(r->signature, "RSD PTR ", sizeof r->signature))
		return reject(out, "RSDP", "signature mismatch");
	if (!fwtable_sums_to_zero((const uint8_t *)r, ACPI_RSDP_V1_BYTES))
		return reject(out, "RSDP", "checksum mismatch");
	out->rsdp_found = true;
	out->rsdp_address = m->acpi_rsdp;
	out->rsdp_revision = r->revision;
	for (unsigned i = 0; i < sizeof r->oem_id; i++)
		out->oem_id[i] = (char)((r->oem_id[i] >= ' ' && r->oem_id[i] <= '~') ? r->oem_id[i] : '?');
	*rsdt = r->rsdt_address;
	return true;
}

/* The XSDT address of an ACPI 2.0+ RSDP, trusted only if the extended checksum over `length` bytes holds. */
static bool rsdp_xsdt_address(struct machine *m, struct acpi_info *out, uint64_t *xsdt)
{
	const struct acpi_rsdp *r = fwtable_map(m, m->acpi_rsdp, ACPI_RSDP_V2_BYTES);
	if (!r)
		return reject(out, "RSDP", "extended part unmapped");
	uint32_t length = r->length;
	if (length < ACPI_RSDP_V2_BYTES)
		return reject(out, "RSDP", "length shorter than ACPI 2.0 RSDP");
	if (length > ACPI_MAX_TABLE_BYTES)
		return reject(out, "RSDP", "length beyond sanity limit");
	const uint8_t *whole = fwtable_map(m, m->acpi_rsdp, length);
	if (!whole)
		return reject(out, "RSDP", "length past mapped memory");
	if (!fwtable_sums_to_zero(whole, length))
		return reject(out, "RSDP", "extended checksum mismatch");
	if (r->xsdt_address == 0)
		return reject(out, "XSDT", "table absent");
	*xsdt = r->xsdt_address;
	return true;
}

/* Fills out->pm_timer from the FADT; false, with the reason reported, when it names no usable timer. */
static bool fadt_pm_timer(const struct acpi_fadt *f, uint32_t length, struct acpi_info *out)
{
	if (FIELD_END(acpi_fadt, pm_tmr_blk) > length)
		return reject(out, "FACP", "too short for PM_TMR_BLK");
	uint64_t port = f->pm_tmr_blk;
	enum acpi_pm_port_field field = ACPI_PM_PORT_PM_TMR_BLK;

	if (FIELD_END(acpi_fadt, x_pm_tmr_blk) <= length && f->x_pm_tmr_blk.address != 0) {
		uint64_t x_port = f->x_pm_tmr_blk.address;
		if (f->x_pm_tmr_blk.space_id != ACPI_GAS_SYSTEM_IO) {
			report(out, "FACP", "X_PM_TMR_BLK not in system I/O space");
		} else if (x_port > ACPI_IO_PORT_MAX) {
			report(out, "FACP", "X_PM_TMR_BLK port above 0xFFFF");
		} else {
			if (port != 0 && port != x_port)
				report(out, "FACP", "X_PM_TMR_BLK and PM_TMR_BLK disagree");
			port = x_port;
			field = ACPI_PM_PORT_X_PM_TMR_BLK;
		}
	}
	if (port == 0)
		return reject(out, "FACP", "PM timer port is zero");
	if (port > ACPI_IO_PORT_MAX)
		return reject(out, "FACP", "PM_TMR_BLK port above 0xFFFF");
	/* Spec-wise a PM_TMR_LEN other than 4 means "no PM timer"; with a port given, that is a finding for
	 * the report, and the PM timer probe still decides by reading the counter. */
	if (FIELD_END(acpi_fadt, pm_tmr_len) > length || f->pm_tmr_len != ACPI_PM_TMR_LEN_BYTES)
		report(out, "FACP", "PM_TMR_LEN is not 4");

	out->pm_timer.present = true;
	out->pm_timer.port = (uint16_t)port;
	out->pm_timer.port_field = field;
	out->pm_timer.width_bits = 24;
	if (FIELD_END(acpi_fadt, flags) > length)
		report(out, "FACP", "too short for Flags, assuming a 24-bit timer");
	else if (f->flags & ACPI_FADT_TMR_VAL_EXT)
		out->pm_timer.width_bits = 32;
	return true;
}

static void fadt_parse(const struct sdt *t, struct acpi_info *out)
{
	const struct acpi_fadt *f = (const void *)t->bytes;
	if (FIELD_END(acpi_fadt, century) <= t->length)
		out->rtc_century_index = f->century;
	else
		report(out, "FACP", "too short for CENTURY");
	fadt_pm_timer(f, t->length, out);
}

static void hpet_parse(const struct sdt *t, struct acpi_info *out)
{
	const struct acpi_hpet *h = (const void *)t->bytes;
	if (h->base_address.space_id != ACPI_GAS_SYSTEM_MEMORY) {
		report(out, "HPET", "HPET base not in system memory");
		return;
	}
	if (h->base_address.address == 0) {
		report(out, "HPET", "HPET base address is zero");
		return;
	}
	uint32_t id = h->event_timer_block_id;
	out->hpet.present = true;
	out->hpet.base = h->base_address.address;
	out->hpet.event_timer_block_id = id;
	out->hpet.hardware_rev_id = HPET_ID_HARDWARE_REV(id);
	out->hpet.comparators_field = HPET_ID_COMPARATORS(id);
	out->hpet.counter_64bit = (id & HPET_ID_COUNTER_64BIT) != 0;
	out->hpet.legacy_replacement = (id & HPET_ID_LEGACY_REPLACEMENT) != 0;
	out->hpet.pci_vendor_id = HPET_ID_PCI_VENDOR(id);
	out->hpet.hpet_number = h->hpet_number;
	out->hpet.min_tick = h->min_tick;
}

static void madt_parse(const struct sdt *t, struct acpi_info *out)
{
	const struct acpi_madt *madt = (const void *)t->bytes;
	out->madt.present = true;
	out->madt.lapic_base = madt->local_apic_address;

	/* Every entry is at least 2 bytes long, so the walk ends within length / 2 steps. */
	uint32_t offset = sizeof *madt;
	while (t->length - offset >= sizeof(struct acpi_madt_entry)) {
		const struct acpi_madt_entry *e = (const void *)(t->bytes + offset);
		if (e->length < sizeof *e) {
			report(out, "APIC", "entry length below 2");
			return;
		}
		if (e->length > t->length - offset) {
			report(out, "APIC", "entry past table end");
			return;
		}
		if (e->type == ACPI_MADT_LOCAL_APIC) {
			const struct acpi_madt_local_apic *lapic = (const void *)e;
			if (e->length < sizeof *lapic) {
				report(out, "APIC", "Processor Local APIC entry too short");
			} else {
				out->madt.lapic_entries++;
				if (lapic->flags & ACPI_MADT_LAPIC_ENABLED)
					out->madt.lapic_enabled++;
			}
		} else if (e->type == ACPI_MADT_LOCAL_APIC_OVERRIDE && !out->madt.lapic_base_overridden) {
			const struct acpi_madt_lapic_override *o = (const void *)e;
			if (e->length < sizeof *o) {
				report(out, "APIC", "Local APIC Address Override entry too short");
			} else {
				out->madt.lapic_base = o->address;
				out->madt.lapic_base_overridden = true;
			}
		}
		offset += e->length;
	}
}

static void waet_parse(const struct sdt *t, struct acpi_info *out)
{
	const struct acpi_waet *w = (const void *)t->bytes;
	out->waet.present = true;
	out->waet.rtc_good = (w->emulated_device_flags & ACPI_WAET_RTC_GOOD) != 0;
	out->waet.pm_timer_good = (w->emulated_device_flags & ACPI_WAET_PM_TIMER_GOOD) != 0;
}

/* The tables read here; the first valid one of each signature wins. */
static const struct table_parser {
	const char *signature;
	uint32_t min_length;   /* fixed fields the parser reads without further length checks */
	bool absence_reported; /* only for tables a PC must have; HPET and WAET are optional */
	void (*parse)(const struct sdt *t, struct acpi_info *out);
} TABLE_PARSERS[] = {
	/* The FADT checks each field against its length: it differs between revisions. */
	{"FACP", sizeof(struct acpi_sdt_header), true, fadt_parse},
	/* Many platforms have no HPET (Hyper-V Gen2, QEMU hpet=off): its absence is no fault of the tables. */
	{"HPET", FIELD_END(acpi_hpet, min_tick), false, hpet_parse},
	{"APIC", sizeof(struct acpi_madt), true, madt_parse},
	{"WAET", sizeof(struct acpi_waet), false, waet_parse},
};
#define TABLE_PARSER_COUNT (sizeof TABLE_PARSERS / sizeof TABLE_PARSERS[0])

/* What happened to each parser's table during the walk. */
enum table_outcome { TABLE_NOT_SEEN = 0, TABLE_REJECTED, TABLE_PARSED };

/* Validates the table a root entry points to and hands it to its parser. */
static enum table_outcome table_take(struct machine *m, uint64_t phys, const struct table_parser *parser,
				     struct acpi_info *out)
{
	struct sdt t;
	if (!sdt_load(m, phys, parser->signature, out, &t))
		return TABLE_REJECTED;
	if (t.length < parser->min_length) {
		report(out, parser->signature, "too short for its fixed fields");
		return TABLE_REJECTED;
	}
	parser->parse(&t, out);
	return TABLE_PARSED;
}

static void root_walk(struct machine *m, const struct sdt *root, const char *root_signature, unsigned entry_bytes,
		      struct acpi_info *out)
{
	enum table_outcome outcome[TABLE_PARSER_COUNT] = {TABLE_NOT_SEEN};
	uint32_t entry_space = root->length - (uint32_t)sizeof(struct acpi_sdt_header);
	uint32_t entries = entry_space / entry_bytes;

	if (entry_space % entry_bytes != 0)
		report(out, root_signature, "length not a whole number of entries");
	if (entries > ACPI_MAX_ROOT_ENTRIES) {
		report(out, root_signature, "too many entries, rest ignored");
		entries = ACPI_MAX_ROOT_ENTRIES;
	}
	for (uint32_t i = 0; i < entries; i++) {
		uint64_t phys = read_le(root->bytes + sizeof(struct acpi_sdt_header) + i * entry_bytes, entry_bytes);
		if (phys == 0) {
			report(out, root_signature, "null entry");
			continue;
		}
		const struct acpi_sdt_header *h = fwtable_map(m, phys, sizeof *h);
		if (!h) {
			report(out, root_signature, "entry points to unmapped memory");
			continue;
		}
		for (unsigned p = 0; p < TABLE_PARSER_COUNT; p++) {
			const struct table_parser *parser = &TABLE_PARSERS[p];
			if (!fwtable_same_bytes(h->signature, parser->signature, 4))
				continue;
			if (outcome[p] == TABLE_PARSED)
				report(out, parser->signature, "duplicate table ignored");
			else
				outcome[p] = table_take(m, phys, parser, out);
		}
	}
	for (unsigned p = 0; p < TABLE_PARSER_COUNT; p++)
		if (outcome[p] == TABLE_NOT_SEEN && TABLE_PARSERS[p].absence_reported)
			report(out, TABLE_PARSERS[p].signature, "table absent");
}

void acpi_discover(struct machine *m, struct acpi_info *out)
{
	*out = (struct acpi_info){0};
	uint64_t rsdt_address, xsdt_address = 0;
	if (!rsdp_load(m, out, &rsdt_address))
		return;
	bool xsdt_given = out->rsdp_revision >= ACPI_RSDP_FIRST_V2_REVISION && rsdp_xsdt_address(m, out, &xsdt_address);

	/* ACPI 6.5 §5.2.5.3, §5.2.8: an ACPI 2.0+ OS uses the XSDT when present; the RSDT is the fallback. */
	struct sdt root;
	if (xsdt_given && sdt_load(m, xsdt_address, "XSDT", out, &root)) {
		out->root = ACPI_ROOT_XSDT;
		out->root_address = xsdt_address;
		root_walk(m, &root, "XSDT", sizeof(uint64_t), out);
	} else if (rsdt_address == 0) {
		report(out, "RSDT", "table absent");
	} else if (sdt_load(m, rsdt_address, "RSDT", out, &root)) {
		out->root = ACPI_ROOT_RSDT;
		out->root_address = rsdt_address;
		root_walk(m, &root, "RSDT", sizeof(uint32_t), out);
	}
}

/* The schema's words for the enums (docs/report-schema.md, acpi). */
const char *const acpi_root_words[3] = {
	[ACPI_ROOT_NONE] = "none", [ACPI_ROOT_XSDT] = "xsdt", [ACPI_ROOT_RSDT] = "rsdt"};
const char *const pm_port_field_words[3] = {
	[ACPI_PM_PORT_NONE] = "none",
	[ACPI_PM_PORT_X_PM_TMR_BLK] = "X_PM_TMR_BLK",
	[ACPI_PM_PORT_PM_TMR_BLK] = "PM_TMR_BLK",
};
