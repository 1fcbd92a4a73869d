/* The simulated local APIC timer (xAPIC, memory-mapped): a down-counter at bus clock / divide, one-shot or periodic. */
#include "lapic.h"
#include "sim_device.h"

#include <math.h>

/* Version register: an integrated APIC (0x14) with 6 LVT entries (max LVT entry 5), as QEMU and KVM report. */
#define LAPIC_VERSION_VALUE 0x00050014u
/* LVT timer: vector 7:0, delivery status 12 (read-only), mask 16, timer mode 18:17. */
#define LVT_TIMER_WRITABLE (LVT_VECTOR_MASK | LVT_MASKED | LVT_MODE_MASK)
/* Divide configuration: bits 3, 1, 0 encode divide by 2^(value+1), with 0b111 meaning divide by 1. */
#define DIVIDE_BY_1_VALUE 7u

static const struct sim_lapic_config *config(const struct sim *s)
{
	return &s->config->clocks.lapic;
}

static unsigned timer_mode(uint32_t lvt)
{
	return (lvt & LVT_MODE_MASK) >> LVT_MODE_SHIFT;
}

static unsigned divisor(uint32_t divide_config)
{
	unsigned value = (divide_config >> 1 & 4u) | (divide_config & 3u);
	return value == DIVIDE_BY_1_VALUE ? 1 : 2u << value;
}

/* The register encoding of a power-of-two divisor from 1 to 128. */
static uint32_t divide_bits(unsigned divide)
{
	unsigned value = DIVIDE_BY_1_VALUE;
	for (unsigned d = 2, v = 0; d <= divide; d <<= 1, v++)
		value = v;
	return (value & 3u) | (value & 4u) << 1;
}

static struct sim_clock bus_clock(const struct sim *s)
{
	return sim_clock_hz(config(s)->bus_hz, SIM_CLOCK_LAPIC);
}

/* The bus clock's progress: what it counted, less what it lost while the CPU slept in states that stop or slow it. */
static sim_zs progress(const struct sim *s, uint64_t at_ps)
{
	return sim_clock_progress(s, SIM_CLOCK_LAPIC, at_ps);
}

/* Timer ticks since the initial count was written. */
static uint64_t elapsed(const struct sim *s, uint64_t at_ps)
{
	struct sim_clock bus = bus_clock(s);
	uint64_t bus_ticks = sim_clock_ticks(&bus, progress(s, at_ps) - s->lapic.anchor_progress);
	return s->lapic.elapsed_before + bus_ticks / divisor(s->lapic.divide_config);
}

/*
 * SDM Vol. 3A 11.5.4: a periodic timer counts down to 0 and reloads the initial count on the next
 * tick, so a period is initial + 1 ticks (QEMU's apic_common models it so); a one-shot stays at 0.
 */
static uint32_t current_count(const struct sim *s, uint64_t at_ps)
{
	uint32_t initial = s->lapic.initial_count;
	unsigned mode = timer_mode(s->lapic.lvt_timer);
	if (initial == 0 || mode == LVT_MODE_TSC_DEADLINE)
		return 0; /* stopped, or in TSC-deadline mode where the count registers are unused */
	uint64_t e = elapsed(s, at_ps);
	if (mode == LVT_MODE_PERIODIC)
		return initial - (uint32_t)(e % ((uint64_t)initial + 1));
	return e >= initial ? 0 : initial - (uint32_t)e;
}

/* Changing the divider or the mode keeps the count where it is; only the rate from here on changes. */
static void reanchor(struct sim *s, uint64_t at_ps)
{
	s->lapic.elapsed_before = elapsed(s, at_ps);
	s->lapic.anchor_progress = progress(s, at_ps);
}

static void lapic_reset(struct sim *s)
{
	const struct sim_lapic_config *c = config(s);
	const struct sim_lapic_tick *tick = &c->firmware_tick;
	struct sim_clock bus = bus_clock(s);

	/* SDM 11.4.7.1: after reset the LVT entries are masked, the counts 0, the divide configuration 0 (by 2). */
	s->lapic = (struct sim_lapic_state){.lvt_timer = LVT_MASKED};
	if (tick->present)
		s->lapic = (struct sim_lapic_state){
			.lvt_timer =
				tick->vector | (tick->masked ? LVT_MASKED : 0) | (uint32_t)tick->mode << LVT_MODE_SHIFT,
			.initial_count = tick->initial_count,
			.divide_config = divide_bits(tick->divide),
		};
	s->truth.lapic_bus_hz = c->present ? sim_clock_true_hz(s, &bus) : 0;
}

static bool decodes(const struct sim_lapic_config *c, uint64_t phys, uint64_t *offset)
{
	if (!c->present || phys < c->base || phys - c->base >= LAPIC_PAGE_BYTES)
		return false;
	*offset = phys - c->base;
	return true;
}

/* Registers are read and written 32 bits at a time at their 16-byte-aligned offsets; anything else floats. */
static bool well_formed(uint64_t offset, unsigned width)
{
	return width == 4 && offset % LAPIC_REGISTER_STRIDE == 0;
}

static uint32_t register_value(const struct sim *s, uint64_t offset, uint64_t at_ps)
{
	switch (offset) {
	case LAPIC_ID:
		return 0; /* APIC ID 0 in bits 31:24: the bootstrap processor */
	case LAPIC_VERSION:
		return LAPIC_VERSION_VALUE;
	case LAPIC_LVT_TIMER:
		return s->lapic.lvt_timer;
	case LAPIC_INITIAL_COUNT:
		return s->lapic.initial_count;
	case LAPIC_CURRENT_COUNT:
		return current_count(s, at_ps);
	case LAPIC_DIVIDE_CONFIG:
		return s->lapic.divide_config;
	default: /* the registers the timer does not involve */
		return 0;
	}
}

static bool lapic_read(struct sim *s, uint64_t phys, unsigned width, uint64_t *value)
{
	const struct sim_lapic_config *c = config(s);
	uint64_t offset;

	if (!decodes(c, phys, &offset))
		return false;
	uint64_t at_ps = sim_access(s, &c->access);
	*value = well_formed(offset, width) ? register_value(s, offset, at_ps) : (width == 8 ? ~0ull : 0xffffffffull);
	return true;
}

static void register_write(struct sim *s, uint64_t offset, uint32_t value, uint64_t at_ps)
{
	switch (offset) {
	case LAPIC_LVT_TIMER:
		reanchor(s, at_ps);
		s->lapic.lvt_timer = value & LVT_TIMER_WRITABLE;
		break;
	case LAPIC_INITIAL_COUNT: /* writing starts the count from the new value; 0 stops it */
		if (timer_mode(s->lapic.lvt_timer) == LVT_MODE_TSC_DEADLINE)
			break; /* ignored in TSC-deadline mode */
		s->lapic.initial_count = value;
		s->lapic.elapsed_before = 0;
		s->lapic.anchor_progress = progress(s, at_ps);
		break;
	case LAPIC_DIVIDE_CONFIG:
		reanchor(s, at_ps);
		s->lapic.divide_config = value & DIVIDE_CONFIG_BITS;
		break;
	default: /* ID, version, current count and the rest: read-only here */
		break;
	}
}

static bool lapic_write(struct sim *s, uint64_t phys, unsigned width, uint64_t value)
{
	const struct sim_lapic_config *c = config(s);
	uint64_t offset;

	if (!decodes(c, phys, &offset))
		return false;
	uint64_t at_ps = sim_access(s, &c->access);
	if (well_formed(offset, width))
		register_write(s, offset, (uint32_t)value, at_ps);
	return true;
}

uint64_t sim_lapic_tick_period_ps(const struct sim *s)
{
	const struct sim_lapic_tick *tick = &config(s)->firmware_tick;

	if (!config(s)->present || !tick->present || tick->masked || tick->mode != LVT_MODE_PERIODIC)
		return 0;
	return (uint64_t)llround(((double)tick->initial_count + 1) * tick->divide * (double)PS_PER_S /
				 s->truth.lapic_bus_hz);
}

const struct sim_device sim_lapic_device = {
	.reset = lapic_reset,
	.mmio_read = lapic_read,
	.mmio_write = lapic_write,
};
