/* Fuzz target: CPUID decoding, the hypervisor base scan and the claims (core/cpuid.c, hypervisor.c, claims.c,
 * hyperv.c, kvmclock.c) over an arbitrary register table. */
#include <stdint.h>

#include "machine_input.h"
#include "machine_run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sim_config config;
	sim_config_defaults(&config);
	/* Every paravirtual interface present, so that whatever bases the table shows reach their MSRs. */
	config.kvmclock.present = true;
	config.hyperv = (struct sim_hyperv_config){.tsc_frequency_hz = config.tsc_hz,
						   .apic_frequency_hz = 1000000000,
						   .reference_counter = true,
						   .reference_tsc_page = true,
						   .tsc_page_sequence = 1};
	config.vmware_backdoor.present = true;
	fuzz_cpuid_decode(data, size, &config);
	fuzz_machine_run(&config);
	return 0;
}
