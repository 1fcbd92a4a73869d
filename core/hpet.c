/* The High Precision Event Timer: a memory-mapped up-counter whose period the hardware states in femtoseconds. */
#include "hpet.h"
#include "sink.h"
#include "units.h"
#include "timesource.h"

/* flags: the probe started the main counter and stops it again in restore. */
#define HPET_STARTED_BY_PROBE 1u

static const char *hpet_probe(struct time_source *s, struct machine *m, const struct platform *p,
			      struct fault_log *faults)
{
	(void)faults; /* no MSR: its registers are ports or memory */
	if (!p->acpi.hpet.present)
		return "no HPET table (none on this platform, or disabled as by QEMU's hpet=off)";
	s->address = p->acpi.hpet.base;
	uint64_t capabilities = m->mmio_read(m, s->address + HPET_GCAP_ID, 8);
	if (capabilities == ~0ull)
		return "its registers read all ones (no device at the address the table gives)";
	uint64_t period_fs = capabilities >> HPET_COUNTER_CLK_PERIOD_SHIFT;
	if (period_fs == 0 || period_fs > HPET_MAX_PERIOD_FS)
		return "its counter period is out of specification (0, or longer than 100 ns)";

	s->width_bits = (capabilities & HPET_COUNT_SIZE_CAP) ? 64 : 32;
	s->modulus = s->width_bits == 64 ? 0 : (uint64_t)1 << 32;
	s->nominal_hz = FS_PER_S / (double)period_fs;
	s->sampling = SAMPLING_COUNTER;
	s->saved[0] = m->mmio_read(m, s->address + HPET_GEN_CONF, 8);
	if (!(s->saved[0] & HPET_ENABLE_CNF)) {
		m->mmio_write(m, s->address + HPET_GEN_CONF, 8, s->saved[0] | HPET_ENABLE_CNF);
		s->flags |= HPET_STARTED_BY_PROBE;
		time_source_note(s, "the main counter was stopped: started for the measurement, stopped again after");
	}
	format_string(s->detail, sizeof(s->detail), "base 0x%llx, period %llu fs, %u-bit counter",
		      (unsigned long long)s->address, (unsigned long long)period_fs, s->width_bits);
	return NULL;
}

static uint64_t hpet_read(struct time_source *s, struct machine *m)
{
	return m->mmio_read(m, s->address + HPET_MAIN_COUNTER, s->width_bits == 64 ? 8 : 4);
}

static void hpet_restore(struct time_source *s, struct machine *m)
{
	if (s->flags & HPET_STARTED_BY_PROBE)
		m->mmio_write(m, s->address + HPET_GEN_CONF, 8, s->saved[0]);
}

const struct time_source_driver hpet_driver = {
	.name = "hpet",
	.label = "HPET",
	.probe = hpet_probe,
	.read = hpet_read,
	.restore = hpet_restore,
};
