/* The machines of the parse-only targets: the fuzz input's bytes served as CPUID or as physical memory. */
#include "parse_machine.h"

#include <string.h>

#include "machine_input.h"

static void no_cpuid(struct machine *m, uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out)
{
	(void)m;
	(void)leaf;
	(void)subleaf;
	*out = (struct cpuid_regs){0};
}

static enum access_status no_rdmsr(struct machine *m, uint32_t msr, uint64_t *value)
{
	(void)m;
	(void)msr;
	*value = 0;
	return ACCESS_FAULT_GP;
}

static enum access_status no_wrmsr(struct machine *m, uint32_t msr, uint64_t value)
{
	(void)m;
	(void)msr;
	(void)value;
	return ACCESS_FAULT_GP;
}

/* A TSC that stands still: no parser times anything. */
static uint64_t still_tsc(struct machine *m)
{
	(void)m;
	return 0;
}

static const void *no_memory(struct machine *m, uint64_t phys, uint64_t len)
{
	(void)m;
	(void)phys;
	(void)len;
	return NULL;
}

static volatile void *no_page(struct machine *m, uint64_t *phys)
{
	(void)m;
	*phys = 0;
	return NULL;
}

static enum access_status no_backdoor(struct machine *m, struct backdoor_regs *regs)
{
	(void)m;
	(void)regs;
	return ACCESS_UNSUPPORTED;
}

/* Port I/O, timing and idling are left NULL: no parser uses them, and one that did would crash at once. */
void fuzz_refusing_machine_init(struct machine *m)
{
	*m = (struct machine){
		.kind = "fuzz",
		.cpuid = no_cpuid,
		.rdmsr = no_rdmsr,
		.wrmsr = no_wrmsr,
		.rdtsc = still_tsc,
		.phys_map = no_memory,
		.page_alloc = no_page,
		.vmware_backdoor = no_backdoor,
	};
}

static const void *acpi_memory_map(struct machine *m, uint64_t phys, uint64_t len)
{
	const struct sim_acpi_fixture *f = &((const struct fuzz_acpi_machine *)m->ctx)->memory;
	for (uint32_t i = 0; i < f->table_count; i++) {
		const struct sim_acpi_table *t = &f->tables[i];
		if (phys >= t->phys && phys - t->phys <= t->length && len <= t->length - (phys - t->phys))
			return f->bytes + t->offset + (phys - t->phys);
	}
	return NULL;
}

void fuzz_acpi_machine_init(struct fuzz_acpi_machine *am, const uint8_t *data, size_t size)
{
	fuzz_refusing_machine_init(&am->machine);
	fuzz_acpi_fixture_decode(data, size, &am->memory);
	am->machine.phys_map = acpi_memory_map;
	am->machine.acpi_rsdp = am->memory.rsdp;
	am->machine.ctx = am;
}

#define HV_BLOCKS_FIRST 0x40000000u
#define HV_BLOCKS_END 0x40010000u
#define HV_BLOCK(leaf) (((leaf) >> 8) & 0xffu)

static void table_cpuid(struct machine *m, uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out)
{
	struct fuzz_cpuid_machine *cm = m->ctx;
	bool unlisted =
		leaf >= HV_BLOCKS_FIRST && leaf < HV_BLOCKS_END && subleaf == 0 && !cm->hv_block_listed[HV_BLOCK(leaf)];

	if (unlisted && cm->unlisted_answer_known) {
		*out = cm->unlisted_answer;
		return;
	}
	sim_config_cpuid(&cm->table, leaf, subleaf, out);
	if (unlisted) {
		cm->unlisted_answer = *out;
		cm->unlisted_answer_known = true;
	}
}

void fuzz_cpuid_machine_init(struct fuzz_cpuid_machine *cm, const uint8_t *data, size_t size)
{
	fuzz_refusing_machine_init(&cm->machine);
	fuzz_cpuid_decode(data, size, &cm->table);
	cm->machine.cpuid = table_cpuid;
	cm->machine.ctx = cm;
	memset(cm->hv_block_listed, 0, sizeof(cm->hv_block_listed));
	cm->unlisted_answer_known = false;
	for (uint32_t i = 0; i < cm->table.cpuid_count; i++) {
		uint32_t leaf = cm->table.cpuid[i].leaf;
		if (leaf >= HV_BLOCKS_FIRST && leaf < HV_BLOCKS_END)
			cm->hv_block_listed[HV_BLOCK(leaf)] = true;
	}
}
