/* SMBIOS discovery: validates an entry point and its whole structure table through phys_map, then decodes it. */
#include "smbios.h"

#include <stddef.h>

#include "fwtable.h"
#include "smbios_tables.h"

/* A 2.x table is at most 64 KiB by its 16-bit length; a 3.x table with thousands of structures stays far below
 * 1 MiB, so a larger maximum size is a corrupt entry point, and walking it could read gigabytes. */
#define SMBIOS_MAX_TABLE_BYTES (1024u * 1024u)
/* The smallest structure is its 4-byte header and an empty string set's two NULs. */
#define SMBIOS_MIN_STRUCTURE_BYTES (sizeof(struct smbios_header) + SMBIOS_STRING_SET_MIN_BYTES)
/* Every walk stops here too; 1 MiB of the smallest structures is about 175000. */
#define SMBIOS_MAX_STRUCTURES (SMBIOS_MAX_TABLE_BYTES / SMBIOS_MIN_STRUCTURE_BYTES)

/* A mapped structure table, and how far a walk over it may go. */
struct table {
	const uint8_t *bytes;
	uint32_t length;
	uint32_t structure_limit; /* the 2.x entry point's count; SMBIOS_MAX_STRUCTURES for 3.x */
};

/* One structure of a table: its formatted area, then its string set up to (not including) the set's last NUL. */
struct structure {
	const uint8_t *bytes;
	uint8_t type, length;
	const char *strings;
	uint32_t strings_length;
};

/* Where a walk stands: the next structure's offset, how many were read, and whether type 127 ended it. */
struct cursor {
	uint32_t offset;
	uint32_t count;
	bool ended;
};

enum walk_status { WALK_STRUCTURE, WALK_END, WALK_BAD };

/* Where each decoded string comes from (DSP0134 §7.1-§7.4) and where it goes. */
const struct smbios_string_def smbios_string_defs[SMBIOS_STRING_COUNT] = {
	{"bios_vendor", SMBIOS_TYPE_BIOS, offsetof(struct smbios_bios, vendor),
	 offsetof(struct smbios_info, bios_vendor)},
	{"bios_version", SMBIOS_TYPE_BIOS, offsetof(struct smbios_bios, version),
	 offsetof(struct smbios_info, bios_version)},
	{"bios_date", SMBIOS_TYPE_BIOS, offsetof(struct smbios_bios, release_date),
	 offsetof(struct smbios_info, bios_date)},
	{"manufacturer", SMBIOS_TYPE_SYSTEM, offsetof(struct smbios_system, manufacturer),
	 offsetof(struct smbios_info, manufacturer)},
	{"product", SMBIOS_TYPE_SYSTEM, offsetof(struct smbios_system, product_name),
	 offsetof(struct smbios_info, product)},
	{"version", SMBIOS_TYPE_SYSTEM, offsetof(struct smbios_system, version), offsetof(struct smbios_info, version)},
	{"family", SMBIOS_TYPE_SYSTEM, offsetof(struct smbios_system, family), offsetof(struct smbios_info, family)},
	{"board_vendor", SMBIOS_TYPE_BASEBOARD, offsetof(struct smbios_baseboard, manufacturer),
	 offsetof(struct smbios_info, board_vendor)},
	{"board_product", SMBIOS_TYPE_BASEBOARD, offsetof(struct smbios_baseboard, product),
	 offsetof(struct smbios_info, board_product)},
	{"chassis_vendor", SMBIOS_TYPE_CHASSIS, offsetof(struct smbios_chassis, manufacturer),
	 offsetof(struct smbios_info, chassis_vendor)},
};

const char *smbios_string(const struct smbios_info *s, const struct smbios_string_def *d)
{
	return (const char *)s + d->field;
}

char *smbios_string_slot(struct smbios_info *s, const struct smbios_string_def *d)
{
	return (char *)s + d->field;
}

const char *const smbios_entry_words[3] = {"none", "32-bit", "64-bit"};

static void report(struct smbios_info *out, const char *where, const char *reason)
{
	if (out->problem_count == SMBIOS_MAX_PROBLEMS) {
		out->problems_dropped++;
		return;
	}
	char *p = out->problems[out->problem_count++];
	unsigned n = 0;
	for (unsigned i = 0; where[i] && n + 1 < SMBIOS_PROBLEM_BYTES; i++)
		p[n++] = where[i];
	for (unsigned i = 0; ": "[i] && n + 1 < SMBIOS_PROBLEM_BYTES; i++)
		p[n++] = ": "[i];
	for (unsigned i = 0; reason[i] && n + 1 < SMBIOS_PROBLEM_BYTES; i++)
		p[n++] = reason[i];
	p[n] = '\0';
}

/* report() for error paths that give up: `return reject(...)`. */
static bool reject(struct smbios_info *out, const char *where, const char *reason)
{
	report(out, where, reason);
	return false;
}

/* Maps the structure table an entry point names, within the sanity limit. */
static bool table_map(struct machine *m, const char *where, uint64_t phys, uint32_t length, struct table *t,
		      struct smbios_info *out)
{
	if (phys == 0)
		return reject(out, where, "table address is zero");
	if (length < SMBIOS_MIN_STRUCTURE_BYTES)
		return reject(out, where, "table length too short for one structure");
	if (length > SMBIOS_MAX_TABLE_BYTES)
		return reject(out, where, "table length beyond sanity limit");
	t->bytes = fwtable_map(m, phys, length);
	if (!t->bytes)
		return reject(out, where, "table past mapped memory");
	t->length = length;
	out->table_address = phys;
	out->table_length = length;
	return true;
}

/* The 64-bit entry point (DSP0134 §5.2.2) and the table it names. */
static bool entry64_load(struct machine *m, struct table *t, struct smbios_info *out)
{
	const char *where = "_SM3_ entry point";
	const struct smbios_entry64 *e = fwtable_map(m, m->smbios3_entry, sizeof *e);
	if (!e)
		return reject(out, where, "unmapped");
	if (!fwtable_same_bytes(e->anchor, "_SM3_", sizeof e->anchor))
		return reject(out, where, "anchor mismatch");
	/* Later versions may append fields; the checksum covers them, the layout above stays. */
	if (e->length < SMBIOS_ENTRY64_BYTES)
		return reject(out, where, "length shorter than 0x18");
	const uint8_t *whole = fwtable_map(m, m->smbios3_entry, e->length);
	if (!whole)
		return reject(out, where, "length past mapped memory");
	if (!fwtable_sums_to_zero(whole, e->length))
		return reject(out, where, "checksum mismatch");
	if (e->entry_point_revision != SMBIOS_ENTRY64_REVISION)
		report(out, where, "entry point revision is not 1");
	if (e->table_address > UINT64_MAX - e->table_max_size)
		return reject(out, where, "table wraps the address space");
	if (!table_map(m, where, e->table_address, e->table_max_size, t, out))
		return false;
	t->structure_limit = SMBIOS_MAX_STRUCTURES;
	out->major = e->major;
	out->minor = e->minor;
	out->docrev = e->docrev;
	return true;
}

/* The 32-bit entry point (DSP0134 §5.2.1), its "_DMI_" part, and the table they name. */
static bool entry32_load(struct machine *m, struct table *t, struct smbios_info *out)
{
	const char *where = "_SM_ entry point";
	const struct smbios_entry32 *e = fwtable_map(m, m->smbios_entry, sizeof *e);
	if (!e)
		return reject(out, where, "unmapped");
	if (!fwtable_same_bytes(e->anchor, "_SM_", sizeof e->anchor))
		return reject(out, where, "anchor mismatch");
	if (e->length != SMBIOS_ENTRY32_BYTES && e->length != SMBIOS_ENTRY32_ERRATUM_BYTES)
		return reject(out, where, "length is neither 0x1F nor 0x1E");
	if (!fwtable_sums_to_zero((const uint8_t *)e, e->length))
		return reject(out, where, "checksum mismatch");
	if (!fwtable_same_bytes(e->intermediate_anchor, "_DMI_", sizeof e->intermediate_anchor))
		return reject(out, where, "intermediate anchor mismatch");
	if (!fwtable_sums_to_zero((const uint8_t *)e->intermediate_anchor, SMBIOS_INTERMEDIATE_BYTES))
		return reject(out, where, "intermediate checksum mismatch");
	if (e->structure_count == 0)
		return reject(out, where, "structure count is zero");
	if ((uint32_t)e->structure_count * SMBIOS_MIN_STRUCTURE_BYTES > e->table_length)
		return reject(out, where, "structure count exceeds what the table length holds");
	if (!table_map(m, where, e->table_address, e->table_length, t, out))
		return false;
	t->structure_limit = e->structure_count;
	out->major = e->major;
	out->minor = e->minor;
	return true;
}

static enum walk_status walk_bad(struct smbios_info *out, const char *reason)
{
	report(out, "table", reason);
	return WALK_BAD;
}

/*
 * Reads the structure at the cursor and moves past it. WALK_BAD names what is wrong; WALK_END when the table,
 * its structure count or a type 127 structure ends the walk. Each step moves at least 6 bytes, so a walk ends.
 */
static enum walk_status next_structure(const struct table *t, struct cursor *c, struct structure *s,
				       struct smbios_info *out)
{
	if (c->ended || c->count == t->structure_limit || t->length - c->offset < SMBIOS_MIN_STRUCTURE_BYTES)
		return WALK_END;
	const uint8_t *at = t->bytes + c->offset;
	const struct smbios_header *h = (const void *)at;
	if (h->length < sizeof *h)
		return walk_bad(out, "structure length below 4");
	if (h->length > t->length - c->offset)
		return walk_bad(out, "structure past the table end");
	/* The set ends at the first pair of NULs from the end of the formatted area. */
	uint32_t from = c->offset + h->length, end = from;
	while (end + 1 < t->length && (t->bytes[end] != 0 || t->bytes[end + 1] != 0))
		end++;
	if (end + 1 >= t->length)
		return walk_bad(out, "string set not terminated within the table");
	*s = (struct structure){at, h->type, h->length, (const char *)t->bytes + from, end - from};
	c->offset = end + SMBIOS_STRING_SET_MIN_BYTES;
	c->count++;
	c->ended = h->type == SMBIOS_TYPE_END_OF_TABLE;
	return WALK_STRUCTURE;
}

/* Walks the whole table once before anything is decoded: a table with one bad structure is not used. */
static bool table_check(const struct table *t, struct smbios_info *out)
{
	struct cursor c = {0};
	struct structure s;
	enum walk_status status;
	while ((status = next_structure(t, &c, &s, out)) == WALK_STRUCTURE)
		;
	if (status == WALK_BAD)
		return false;
	out->structure_count = c.count;
	return true;
}

/* Copies string `number` of the structure's set into dst: printable ASCII, '?' for any other byte, truncated to
 * SMBIOS_TEXT_BYTES - 1. "" for 0 (no string); "", a finding and false for a number past the set's end. */
static bool string_copy(const struct structure *s, uint8_t number, const char *field, char dst[SMBIOS_TEXT_BYTES],
			struct smbios_info *out)
{
	dst[0] = '\0';
	if (number == 0)
		return true;
	uint32_t at = 0;
	for (unsigned skip = 1; skip < number && at < s->strings_length; skip++)
		while (at < s->strings_length && s->strings[at++] != '\0')
			;
	if (at >= s->strings_length)
		return reject(out, field, "string number past the structure's string set");
	bool replaced = false;
	unsigned n = 0;
	for (; at < s->strings_length && s->strings[at] != '\0'; at++) {
		char ch = s->strings[at];
		/* Bytes from 0x80 are below ' ' where char is signed, above '~' where it is not. */
		if (ch < ' ' || ch > '~') {
			ch = '?';
			replaced = true;
		}
		if (n + 1 < SMBIOS_TEXT_BYTES)
			dst[n++] = ch;
	}
	dst[n] = '\0';
	if (replaced)
		report(out, field, "non-printable bytes replaced by '?'");
	return true;
}

static void oem_strings_decode(const struct structure *s, struct smbios_info *out)
{
	if (s->length <= offsetof(struct smbios_oem_strings, count))
		return;
	unsigned count = ((const struct smbios_oem_strings *)(const void *)s->bytes)->count;
	for (unsigned i = 1; i <= count; i++) {
		if (out->oem_string_count == SMBIOS_MAX_OEM_STRINGS ||
		    !string_copy(s, (uint8_t)i, "oem_strings", out->oem_strings[out->oem_string_count], out))
			return;
		out->oem_string_count++;
	}
}

/* The first structure of each type 0-3 speaks for the machine; every type 11 adds its strings. */
static void table_decode(const struct table *t, struct smbios_info *out)
{
	struct cursor c = {0};
	struct structure s;
	bool seen[SMBIOS_TYPE_CHASSIS + 1] = {false};
	while (next_structure(t, &c, &s, out) == WALK_STRUCTURE) {
		if (s.type == SMBIOS_TYPE_OEM_STRINGS)
			oem_strings_decode(&s, out);
		if (s.type > SMBIOS_TYPE_CHASSIS || seen[s.type])
			continue;
		seen[s.type] = true;
		for (unsigned i = 0; i < SMBIOS_STRING_COUNT; i++) {
			const struct smbios_string_def *d = &smbios_string_defs[i];
			if (d->type == s.type && d->offset < s.length)
				string_copy(&s, s.bytes[d->offset], d->key, smbios_string_slot(out, d), out);
		}
	}
}

/* An entry point of the given kind, and its table walked once in full. */
static bool source_load(struct machine *m, enum smbios_entry_kind kind, struct table *t, struct smbios_info *out)
{
	bool entry_ok = kind == SMBIOS_ENTRY_64 ? entry64_load(m, t, out) : entry32_load(m, t, out);
	return entry_ok && table_check(t, out);
}

void smbios_discover(struct machine *m, struct smbios_info *out)
{
	struct table t = {0};

	*out = (struct smbios_info){0};
	/* The 3.x entry point reaches tables above 4 GiB and carries the newer version: prefer it, and fall back to
	 * the 2.x one when it is absent or fails. */
	if (m->smbios3_entry && source_load(m, SMBIOS_ENTRY_64, &t, out))
		out->entry = SMBIOS_ENTRY_64;
	else if (m->smbios_entry && source_load(m, SMBIOS_ENTRY_32, &t, out))
		out->entry = SMBIOS_ENTRY_32;
	if (out->entry == SMBIOS_ENTRY_NONE) {
		/* What a failed entry point stated is not the machine's: keep only the findings. */
		out->major = out->minor = out->docrev = 0;
		out->table_address = 0;
		out->table_length = out->structure_count = 0;
		return;
	}
	out->present = true;
	table_decode(&t, out);
}
