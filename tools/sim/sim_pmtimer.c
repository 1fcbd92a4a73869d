/* The simulated ACPI PM timer: a free-running 3.579545 MHz up-counter, 24 or 32 bits wide, at an I/O port. */
#include "sim_device.h"
#include "units.h"

/* ACPI 6.5 §4.8.3.3: TMR_VAL runs off a 3.579545 MHz clock; the register is 32 bits, its top 8 bits read 0
 * when the counter is 24 bits wide. */
#define PM_TIMER_REGISTER_BYTES 4

static const struct sim_pm_timer_config *config(const struct sim *s)
{
	return &s->config->clocks.pm_timer;
}

static const struct sim_clock PM_TIMER_CLOCK = {ACPI_PM_HZ, PS_PER_S, SIM_CLOCK_PM_TIMER};

/* Counting starts at zero at power-on. */
static uint32_t pm_timer_value(const struct sim *s, uint64_t at_ps)
{
	const struct sim_pm_timer_config *c = config(s);
	uint64_t ticks;

	if (c->fault == SIM_PM_TIMER_STUCK && at_ps > c->fault_at_ps)
		at_ps = c->fault_at_ps;
	ticks = sim_clock_ticks_between(s, &PM_TIMER_CLOCK, 0, at_ps);
	if (c->fault == SIM_PM_TIMER_BACKWARDS && at_ps >= c->fault_at_ps)
		ticks -= c->backwards_ticks;
	return (uint32_t)(ticks & ((1ull << c->bits) - 1));
}

static bool decodes(const struct sim_pm_timer_config *c, uint16_t port)
{
	return c->present && port >= c->port && port < c->port + PM_TIMER_REGISTER_BYTES;
}

static void pm_timer_reset(struct sim *s)
{
	s->truth.pm_timer_hz = config(s)->present ? sim_clock_true_hz(s, &PM_TIMER_CLOCK) : 0;
}

/* Reads of fewer bytes, or at an offset into the register, return those bytes of it. */
static bool pm_timer_read(struct sim *s, uint16_t port, unsigned width, uint32_t *value)
{
	const struct sim_pm_timer_config *c = config(s);
	if (!decodes(c, port))
		return false;
	unsigned offset = port - c->port;
	uint64_t bytes = (uint64_t)pm_timer_value(s, sim_access(s, &c->access)) >> (8 * offset);
	*value = (uint32_t)(bytes & (width >= 4 ? 0xffffffffull : (1ull << (8 * width)) - 1));
	return true;
}

/* The register is read-only: writes are decoded and dropped. */
static bool pm_timer_write(struct sim *s, uint16_t port, unsigned width, uint32_t value)
{
	const struct sim_pm_timer_config *c = config(s);
	(void)width, (void)value;
	if (!decodes(c, port))
		return false;
	sim_access(s, &c->access);
	return true;
}

const struct sim_device sim_pm_timer_device = {
	.reset = pm_timer_reset,
	.io_read = pm_timer_read,
	.io_write = pm_timer_write,
};
