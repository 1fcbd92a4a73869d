/* Fuzz target: ACPI discovery (core/acpi.c, RSDP -> XSDT/RSDT -> FADT, HPET, MADT, WAET) over arbitrary memory. */
#include <stdint.h>

#include "machine_input.h"
#include "machine_run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sim_config config;
	sim_config_defaults(&config);
	fuzz_acpi_decode(data, size, &config);
	fuzz_machine_run(&config);
	return 0;
}
