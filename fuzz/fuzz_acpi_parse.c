/* Fuzz target, parse-only: ACPI discovery (core/acpi.c) straight over the input's memory, without a simulator or a
 * report, for depth (fuzz_acpi runs the whole inventory per input). The input is fuzz_acpi's. */
#include <stdint.h>

#include "acpi.h"
#include "parse_machine.h"
#include "parse_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What the report writers take as given: enums they index tables with, bounded lists, terminated texts. */
static void check_info(const struct acpi_info *info)
{
	fuzz_require(info->root <= ACPI_ROOT_RSDT && info->pm_timer.port_field <= ACPI_PM_PORT_PM_TMR_BLK,
		     "an ACPI enum out of range");
	fuzz_require(info->root == ACPI_ROOT_NONE || info->rsdp_found, "a root table without a valid RSDP");
	fuzz_require(!info->pm_timer.present || info->pm_timer.width_bits == 24 || info->pm_timer.width_bits == 32,
		     "a PM timer neither 24 nor 32 bits wide");
	fuzz_require(fuzz_text_ends(info->oem_id, sizeof(info->oem_id)), "an unterminated OEM ID");
	fuzz_require(info->problem_count <= ACPI_MAX_PROBLEMS, "more ACPI problems than the list holds");
	for (unsigned i = 0; i < info->problem_count; i++)
		fuzz_require(fuzz_text_ends(info->problems[i].table, sizeof(info->problems[i].table)) &&
				     fuzz_text_ends(info->problems[i].reason, sizeof(info->problems[i].reason)),
			     "an unterminated ACPI problem");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_acpi_machine machine; /* 16 KiB of memory: kept off the stack */
	struct acpi_info info;

	fuzz_acpi_machine_init(&machine, data, size);
	acpi_discover(&machine.machine, &info);
	check_info(&info);
	return 0;
}
