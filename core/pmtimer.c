/* The ACPI power-management timer: a 3.579545 MHz counter at an I/O port the FADT names, 24 or 32 bits wide. */
#include "sink.h"
#include "units.h"
#include "timesource.h"

/* ACPI 6.5 section 4.8.3.3: the PM timer runs at 3.579545 MHz (the NTSC colour burst, as the 8254's x3). */

static const char *pmtimer_probe(struct time_source *s, struct machine *m, const struct platform *p,
				 struct fault_log *faults)
{
	(void)faults; /* no MSR: its registers are ports or memory */
	(void)m;
	if (!p->acpi.rsdp_found)
		return "no ACPI tables";
	if (!p->acpi.pm_timer.present)
		return "the FADT names no PM timer (absent, or the FADT failed validation)";
	s->address = p->acpi.pm_timer.port;
	s->width_bits = p->acpi.pm_timer.width_bits;
	s->modulus = (uint64_t)1 << s->width_bits;
	s->nominal_hz = ACPI_PM_HZ;
	s->sampling = SAMPLING_COUNTER;
	format_string(s->detail, sizeof(s->detail), "port 0x%llx, %u-bit (FADT %s)", (unsigned long long)s->address,
		      s->width_bits, pm_port_field_words[p->acpi.pm_timer.port_field]);
	if (p->acpi.waet.present && p->acpi.waet.pm_timer_good)
		time_source_note(s, "the WAET table says a single read is reliable (emulated timer)");
	return NULL;
}

/* Always a 32-bit read: the ACPI spec allows only DWORD access to PM_TMR_BLK. */
static uint64_t pmtimer_read(struct time_source *s, struct machine *m)
{
	return m->io_read(m, (uint16_t)s->address, 4) & (s->modulus - 1);
}

const struct time_source_driver pmtimer_driver = {
	.name = "acpi_pm",
	.label = "ACPI PM timer",
	.probe = pmtimer_probe,
	.read = pmtimer_read,
};
