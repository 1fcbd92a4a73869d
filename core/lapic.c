/* The local APIC timer: its count rate measured against the TSC, without disturbing a firmware tick that uses it. */
#include "lapic.h"
#include "sink.h"
#include "timesource.h"

/* IA32_APIC_BASE bit 10 set means x2APIC mode, where the MMIO page is not decoded. */

/* flags: the probe programmed the timer and must put the configuration back. */
#define LAPIC_PROGRAMMED_BY_PROBE 1u

static uint32_t lapic_reg(struct time_source *s, struct machine *m, uint32_t offset)
{
	return (uint32_t)m->mmio_read(m, s->address + offset, 4);
}

static void lapic_set(struct time_source *s, struct machine *m, uint32_t offset, uint32_t value)
{
	m->mmio_write(m, s->address + offset, 4, value);
}

static const char *lapic_probe(struct time_source *s, struct machine *m, const struct platform *p,
			       struct fault_log *faults)
{
	(void)faults; /* no MSR: its registers are ports or memory */
	uint64_t apic_base;
	bool msr_readable = m->rdmsr(m, MSR_IA32_APIC_BASE, &apic_base) == ACCESS_OK;

	if (msr_readable && (apic_base & APIC_BASE_X2APIC_ENABLE))
		return "the LAPIC is in x2APIC mode (its registers are MSRs, not memory)";
	if (p->acpi.madt.present)
		s->address = p->acpi.madt.lapic_base;
	else if (msr_readable)
		s->address = apic_base & APIC_BASE_ADDRESS_MASK;
	else
		return "no MADT and IA32_APIC_BASE unreadable: the LAPIC's address is unknown";

	uint32_t lvt = lapic_reg(s, m, LAPIC_LVT_TIMER), initial = lapic_reg(s, m, LAPIC_INITIAL_COUNT);
	uint32_t divide = lapic_reg(s, m, LAPIC_DIVIDE_CONFIG);
	if (lvt == 0xffffffffu && initial == 0xffffffffu)
		return "its registers read all ones (no LAPIC at that address)";
	s->nominal_hz = 0; /* the bus clock is the hypervisor's choice: measured, not assumed */
	s->width_bits = 32;
	s->sampling = SAMPLING_COUNTER;

	if (!(lvt & LVT_MASKED) && (lvt & LVT_MODE_MASK) == LVT_MODE_PERIODIC << LVT_MODE_SHIFT && initial > 1) {
		/* The firmware's periodic tick: read its count as it is, change nothing. It counts down to 0
		 * and reloads on the next tick (SDM 11.5.4): a period of initial + 1 ticks. */
		s->modulus = (uint64_t)initial + 1;
		format_string(s->detail, sizeof(s->detail),
			      "base 0x%llx; firmware's periodic tick (initial count %u, divide 0x%x) read untouched",
			      (unsigned long long)s->address, initial, divide);
		return NULL;
	}
	s->saved[0] = lvt;
	s->saved[1] = initial;
	s->saved[2] = divide;
	s->flags |= LAPIC_PROGRAMMED_BY_PROBE;
	/* Masked periodic mode over the full range: it counts, it never interrupts. */
	lapic_set(s, m, LAPIC_DIVIDE_CONFIG, DIVIDE_BY_1);
	lapic_set(s, m, LAPIC_LVT_TIMER, LVT_MASKED | LVT_MODE_PERIODIC << LVT_MODE_SHIFT | (lvt & LVT_VECTOR_MASK));
	lapic_set(s, m, LAPIC_INITIAL_COUNT, 0xffffffffu);
	s->modulus = 0x100000000ull;
	format_string(s->detail, sizeof(s->detail),
		      "base 0x%llx; timer idle, programmed masked periodic /1, configuration restored after",
		      (unsigned long long)s->address);
	if (lapic_reg(s, m, LAPIC_CURRENT_COUNT) == 0)
		time_source_note(s, "the current count stayed 0 after programming");
	return NULL;
}

/* Counts down from modulus - 1 to 0; returned as ticks elapsed within the period so that the value counts up. */
static uint64_t lapic_read(struct time_source *s, struct machine *m)
{
	return s->modulus - 1 - lapic_reg(s, m, LAPIC_CURRENT_COUNT);
}

/* The divide and LVT first, the initial count last: writing it (re)starts or, with 0, stops the timer. */
static void lapic_restore(struct time_source *s, struct machine *m)
{
	if (!(s->flags & LAPIC_PROGRAMMED_BY_PROBE))
		return;
	lapic_set(s, m, LAPIC_DIVIDE_CONFIG, (uint32_t)s->saved[2]);
	lapic_set(s, m, LAPIC_LVT_TIMER, (uint32_t)s->saved[0]);
	lapic_set(s, m, LAPIC_INITIAL_COUNT, (uint32_t)s->saved[1]);
}

bool lapic_owned_by_probe(const struct time_source *s)
{
	return s->driver == &lapic_driver && s->available && (s->flags & LAPIC_PROGRAMMED_BY_PROBE);
}

const struct time_source_driver lapic_driver = {
	.name = "lapic",
	.label = "LAPIC timer",
	.probe = lapic_probe,
	.read = lapic_read,
	.restore = lapic_restore,
};
