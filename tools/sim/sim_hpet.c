/* The simulated HPET: a memory-mapped main counter that runs only while ENABLE_CNF is set, 32 or 64 bits wide. */
#include "hpet.h"
#include "sim_device.h"

/* IA-PC HPET Specification 1.0a, §2.3: a 1 KiB register block of 64-bit registers, read and written
 * 32 or 64 bits at a time, naturally aligned (a 32-bit access at +4 is a register's upper half). */
/* The revision QEMU reports in GCAP_ID (§2.3.4). */
#define HPET_REV_ID 0x01u

static const struct sim_hpet_config *config(const struct sim *s)
{
	return &s->config->clocks.hpet;
}

static struct sim_clock clock(const struct sim *s)
{
	return (struct sim_clock){FS_PER_PS, config(s)->period_fs, SIM_CLOCK_HPET};
}

static uint64_t counter_mask(const struct sim_hpet_config *c)
{
	return c->counter_bits >= 64 ? ~0ull : (1ull << c->counter_bits) - 1;
}

uint64_t sim_hpet_capabilities(const struct sim_hpet_config *c)
{
	return HPET_REV_ID | (uint64_t)(c->timers - 1) << HPET_NUM_TIM_CAP_SHIFT |
	       (c->counter_bits == 64 ? HPET_COUNT_SIZE_CAP : 0) | (c->legacy_replacement ? HPET_LEG_RT_CAP : 0) |
	       (uint64_t)c->vendor << HPET_VENDOR_ID_SHIFT |
	       (uint64_t)c->advertised_period_fs << HPET_COUNTER_CLK_PERIOD_SHIFT;
}

static bool running(const struct sim *s)
{
	return (s->hpet.gen_conf & HPET_ENABLE_CNF) && config(s)->fault != SIM_HPET_STUCK;
}

static uint64_t main_counter(const struct sim *s, uint64_t at_ps)
{
	struct sim_clock hpet = clock(s);
	uint64_t value = s->hpet.counter_at_anchor;
	if (running(s))
		value += sim_clock_ticks_between(s, &hpet, s->hpet.anchor_ps, at_ps);
	return value & counter_mask(config(s));
}

static void hpet_reset(struct sim *s)
{
	const struct sim_hpet_config *c = config(s);
	struct sim_clock hpet = clock(s);

	s->hpet = (struct sim_hpet_state){.gen_conf = c->enabled ? HPET_ENABLE_CNF : 0};
	s->truth.hpet_hz = c->present ? sim_clock_true_hz(s, &hpet) : 0;
}

/* The offset of an access in the block, if this HPET decodes it at all. */
static bool decodes(const struct sim_hpet_config *c, uint64_t phys, uint64_t *offset)
{
	if (!c->present || phys < c->base || phys - c->base >= HPET_BLOCK_BYTES)
		return false;
	*offset = phys - c->base;
	return true;
}

/* Only naturally aligned 32- and 64-bit accesses are defined (§2.3); anything else reads all ones. */
static bool well_formed(uint64_t offset, unsigned width)
{
	return (width == 4 || width == 8) && offset % width == 0;
}

static uint64_t register_value(const struct sim *s, uint64_t offset, uint64_t at_ps)
{
	switch (offset) {
	case HPET_GCAP_ID:
		return sim_hpet_capabilities(config(s));
	case HPET_GEN_CONF:
		return s->hpet.gen_conf;
	case HPET_MAIN_COUNTER:
		return main_counter(s, at_ps);
	case HPET_GEN_INT_STS: /* the simulated timers never interrupt */
	default:               /* nor are their comparators modelled: they read 0 */
		return 0;
	}
}

static bool hpet_read(struct sim *s, uint64_t phys, unsigned width, uint64_t *value)
{
	const struct sim_hpet_config *c = config(s);
	uint64_t offset;

	if (!decodes(c, phys, &offset))
		return false;
	uint64_t at_ps = sim_access(s, &c->access);
	if (c->fault == SIM_HPET_ALL_ONES || !well_formed(offset, width)) {
		*value = width == 8 ? ~0ull : 0xffffffffull;
		return true;
	}
	uint64_t whole = register_value(s, offset & ~(uint64_t)(HPET_REGISTER_BYTES - 1), at_ps);
	*value = width == 8 ? whole : (whole >> (8 * (offset & 4))) & 0xffffffffull;
	return true;
}

/* The register with the written bytes merged in (a 32-bit write replaces one half). */
static uint64_t merged(uint64_t old, uint64_t offset, unsigned width, uint64_t value)
{
	if (width == 8)
		return value;
	unsigned shift = 8 * (offset & 4);
	return (old & ~(0xffffffffull << shift)) | (value & 0xffffffffull) << shift;
}

static void write_gen_conf(struct sim *s, uint64_t at_ps, uint64_t value)
{
	uint64_t writable = HPET_ENABLE_CNF | (config(s)->legacy_replacement ? HPET_LEG_RT_CNF : 0);
	/* Re-anchored, the counter is continuous across a start or a stop. */
	s->hpet.counter_at_anchor = main_counter(s, at_ps);
	s->hpet.anchor_ps = at_ps;
	s->hpet.gen_conf = value & writable;
}

/* §2.3.8: software halts the counter (ENABLE_CNF = 0) before writing it; a write while it runs is refused. */
static void write_main_counter(struct sim *s, uint64_t at_ps, uint64_t offset, unsigned width, uint64_t value)
{
	if (s->hpet.gen_conf & HPET_ENABLE_CNF) {
		s->trace.hpet_counter_writes_refused++;
		return;
	}
	s->hpet.counter_at_anchor = merged(main_counter(s, at_ps), offset, width, value) & counter_mask(config(s));
	s->hpet.anchor_ps = at_ps;
}

static bool hpet_write(struct sim *s, uint64_t phys, unsigned width, uint64_t value)
{
	const struct sim_hpet_config *c = config(s);
	uint64_t offset;

	if (!decodes(c, phys, &offset))
		return false;
	uint64_t at_ps = sim_access(s, &c->access);
	if (c->fault == SIM_HPET_ALL_ONES || !well_formed(offset, width))
		return true;
	uint64_t reg = offset & ~(uint64_t)(HPET_REGISTER_BYTES - 1);
	if (reg == HPET_GEN_CONF)
		write_gen_conf(s, at_ps, merged(s->hpet.gen_conf, offset, width, value));
	else if (reg == HPET_MAIN_COUNTER)
		write_main_counter(s, at_ps, offset, width, value);
	return true;
}

const struct sim_device sim_hpet_device = {
	.reset = hpet_reset,
	.mmio_read = hpet_read,
	.mmio_write = hpet_write,
};
