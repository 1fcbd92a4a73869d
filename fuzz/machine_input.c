/* Decoding and encoding the binary fuzz inputs that describe a machine: a CPUID table and ACPI memory. */
#include "machine_input.h"

#include <string.h>

static uint64_t get_le(const uint8_t *at, unsigned bytes)
{
	uint64_t value = 0;
	for (unsigned i = bytes; i-- > 0;)
		value = value << 8 | at[i];
	return value;
}

static void put_le(uint8_t *at, unsigned bytes, uint64_t value)
{
	for (unsigned i = 0; i < bytes; i++)
		at[i] = (uint8_t)(value >> (8 * i));
}

void fuzz_cpuid_decode(const uint8_t *data, size_t size, struct sim_config *c)
{
	c->cpuid_count = 0;
	c->out_of_range = size && (data[0] & FUZZ_CPUID_AMD) ? SIM_OUT_OF_RANGE_AMD : SIM_OUT_OF_RANGE_INTEL;
	for (size_t at = FUZZ_CPUID_HEADER_BYTES; at + FUZZ_CPUID_RECORD_BYTES <= size; at += FUZZ_CPUID_RECORD_BYTES) {
		const uint8_t *r = data + at;
		struct cpuid_regs regs = {(uint32_t)get_le(r + 8, 4), (uint32_t)get_le(r + 12, 4),
					  (uint32_t)get_le(r + 16, 4), (uint32_t)get_le(r + 20, 4)};
		if (!sim_config_set_cpuid(c, (uint32_t)get_le(r, 4), (uint32_t)get_le(r + 4, 4), &regs))
			return; /* the table is full: the rest is ignored */
	}
}

size_t fuzz_cpuid_encode(const struct sim_config *c, uint8_t *out, size_t capacity)
{
	size_t length = FUZZ_CPUID_HEADER_BYTES + (size_t)c->cpuid_count * FUZZ_CPUID_RECORD_BYTES;
	if (length > capacity)
		return 0;
	out[0] = c->out_of_range == SIM_OUT_OF_RANGE_AMD ? FUZZ_CPUID_AMD : 0;
	for (uint32_t i = 0; i < c->cpuid_count; i++) {
		const struct sim_cpuid_entry *e = &c->cpuid[i];
		uint8_t *r = out + FUZZ_CPUID_HEADER_BYTES + (size_t)i * FUZZ_CPUID_RECORD_BYTES;
		const uint32_t words[6] = {e->leaf, e->subleaf, e->regs.eax, e->regs.ebx, e->regs.ecx, e->regs.edx};
		for (unsigned w = 0; w < 6; w++)
			put_le(r + 4 * w, 4, words[w]);
	}
	return length;
}

void fuzz_acpi_fixture_decode(const uint8_t *data, size_t size, struct sim_acpi_fixture *f)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->name, "fuzz", sizeof("fuzz"));
	if (size < FUZZ_ACPI_HEADER_BYTES)
		return;
	bool keep_checksums = data[0] & FUZZ_ACPI_KEEP_CHECKSUMS;
	f->rsdp = get_le(data + 1, 8);
	size_t at = FUZZ_ACPI_HEADER_BYTES;
	while (at + FUZZ_ACPI_REGION_HEADER_BYTES <= size && f->table_count < SIM_ACPI_MAX_TABLES) {
		uint64_t phys = get_le(data + at, 8);
		size_t length = (size_t)get_le(data + at + 8, 2);
		at += FUZZ_ACPI_REGION_HEADER_BYTES;
		if (length > size - at)
			length = size - at;
		if (length > SIM_ACPI_MAX_BYTES - f->used)
			break;
		memcpy(f->bytes + f->used, data + at, length);
		f->tables[f->table_count++] = (struct sim_acpi_table){phys, f->used, (uint32_t)length};
		f->used += (uint32_t)length;
		at += length;
	}
	if (!keep_checksums)
		sim_acpi_fix_checksums(f);
}

void fuzz_acpi_decode(const uint8_t *data, size_t size, struct sim_config *c)
{
	c->acpi.use_fixture = true;
	fuzz_acpi_fixture_decode(data, size, &c->acpi.fixture);
}

size_t fuzz_acpi_encode(const struct sim_config *c, uint8_t *out, size_t capacity)
{
	const struct sim_acpi_fixture *f = &c->acpi.fixture;
	size_t at = FUZZ_ACPI_HEADER_BYTES;

	if (!c->acpi.use_fixture || capacity < at)
		return 0;
	out[0] = 0; /* a fixture's checksums are right already */
	put_le(out + 1, 8, f->rsdp);
	for (uint32_t i = 0; i < f->table_count; i++) {
		const struct sim_acpi_table *t = &f->tables[i];
		if (t->length > UINT16_MAX || capacity - at < FUZZ_ACPI_REGION_HEADER_BYTES + t->length)
			return 0;
		put_le(out + at, 8, t->phys);
		put_le(out + at + 8, 2, t->length);
		memcpy(out + at + FUZZ_ACPI_REGION_HEADER_BYTES, f->bytes + t->offset, t->length);
		at += FUZZ_ACPI_REGION_HEADER_BYTES + t->length;
	}
	return at;
}
