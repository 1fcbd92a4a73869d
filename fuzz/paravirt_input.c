/* The paravirtual clock targets' input, machine and kvmclock reads (paravirt_input.h). */
#include "paravirt_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "testdata.h"
#include "timesource.h"

#define MACHINE_SCENARIO "scenarios/kvm-hyperv.json"
/* Enough reads to see the scale applied to a moving TSC. */
#define KVMCLOCK_READS 4

static uint64_t take_u64(const uint8_t *data, size_t size, size_t at)
{
	uint64_t value = 0;
	if (at + sizeof(value) <= size)
		memcpy(&value, data + at, sizeof(value)); /* little-endian, as x86 */
	return value;
}

void paravirt_input_decode(const uint8_t *data, size_t size, struct paravirt_input *in)
{
	size_t header = size < PARAVIRT_FREQUENCY_MSRS_BYTES ? size : PARAVIRT_FREQUENCY_MSRS_BYTES;
	in->tsc_frequency_hz = take_u64(data, size, 0);
	in->apic_frequency_hz = take_u64(data, size, sizeof(uint64_t));
	in->records = data + header;
	in->records_left = size - header;
}

void paravirt_input_fill_page(struct paravirt_input *in, uint8_t *page)
{
	size_t length = in->records_left < PARAVIRT_PAGE_RECORD_BYTES ? in->records_left : PARAVIRT_PAGE_RECORD_BYTES;
	if (length == 0)
		return;
	memcpy(page, in->records, length);
	in->records += length;
	in->records_left -= length;
}

const struct sim_config *paravirt_machine_config(void)
{
	static struct sim_config config;
	static bool loaded;
	char error[512];

	if (!loaded && !scenario_load_file(testdata_path(MACHINE_SCENARIO), &config, error, sizeof(error))) {
		fprintf(stderr, "fuzz: %s (set TSCPROBE_TESTDATA to the tests/data folder)\n", error);
		exit(1);
	}
	loaded = true;
	return &config;
}

void paravirt_read_kvmclock(struct machine *m, const struct platform *p, struct fault_log *faults)
{
	struct time_source s = {.driver = &kvmclock_driver};

	if (kvmclock_driver.probe(&s, m, p, faults))
		return;
	for (int i = 0; i < KVMCLOCK_READS; i++)
		kvmclock_driver.read(&s, m);
	kvmclock_driver.restore(&s, m);
}
