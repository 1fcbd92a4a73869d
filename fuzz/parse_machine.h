/* The machines of the parse-only targets: each serves what one parser reads straight from the fuzz input, and
 * refuses everything else, so that an execution costs the parser's work and little more (no simulator). */
#ifndef TSCPROBE_FUZZ_PARSE_MACHINE_H
#define TSCPROBE_FUZZ_PARSE_MACHINE_H

#include "machine.h"
#include "sim.h"

/* A machine that has nothing: CPUID reads zeros, MSRs fault, no memory is mapped, no page, no backdoor. */
void fuzz_refusing_machine_init(struct machine *m);

/* Physical memory made of the regions of an ACPI fuzz input (machine_input.h), the RSDP where it says. */
struct fuzz_acpi_machine {
	struct machine machine;
	struct sim_acpi_fixture memory;
};

/* Set am up over the memory in data (fuzz_acpi_fixture_decode). */
void fuzz_acpi_machine_init(struct fuzz_acpi_machine *am, const uint8_t *data, size_t size);

/* CPUID answered from the table of a CPUID fuzz input (machine_input.h), as the simulator answers it; the
 * rest refuses, as on a hypervisor that offers no MSR, page or backdoor. */
struct fuzz_cpuid_machine {
	struct machine machine;
	struct sim_config table; /* only its CPUID table and out-of-range behaviour are used */
	/* The hypervisor scan asks 256 bases, most of them in blocks the table lists nothing in; the simulator's
	 * answer there is the same for every such leaf, so it is looked up once (as on Intel, or zeros on AMD). */
	bool hv_block_listed[256]; /* by (leaf >> 8) & 0xff, for leaves 0x40000000..0x4000ffff */
	bool unlisted_answer_known;
	struct cpuid_regs unlisted_answer; /* subleaf 0 of a leaf in an unlisted block */
};

/* Set cm up over the table in data (fuzz_cpuid_decode). */
void fuzz_cpuid_machine_init(struct fuzz_cpuid_machine *cm, const uint8_t *data, size_t size);

#endif
