/* The simulated Hyper-V time enlightenments (TLFS): the frequency MSRs, the partition reference counter and the
 * reference TSC page, each present only where the scenario says so. */
#include "hyperv.h"
#include "sim_paravirt.h"

#include <stddef.h>
#include <string.h>

static const struct sim_hyperv_config *config(const struct sim *s)
{
	return &s->config->hyperv;
}

static const struct sim_clock REFERENCE_CLOCK = {HV_REFERENCE_HZ, PS_PER_S, SIM_CLOCK_HV_REFERENCE_COUNTER};

/* Partition reference time: 0 at power-on (the partition's creation). */
static uint64_t reference_time(const struct sim *s, uint64_t at_ps)
{
	return sim_clock_ticks_between(s, &REFERENCE_CLOCK, 0, at_ps);
}

/*
 * ReferenceTime = ((TSC * TscScale) >> 64) + TscOffset, so TscScale = 10^7 * 2^64 / the claimed TSC rate, and
 * TscOffset makes the page agree with the reference counter at the moment it is written. From then on the page
 * runs at 10^7 * true / claimed ticks per second: with an honest claim, in step with the counter.
 */
static void write_tsc_page(struct sim *s, uint64_t phys, uint64_t at_ps)
{
	const struct sim_hyperv_config *c = config(s);
	uint64_t claimed_hz = c->tsc_page_claimed_hz ? c->tsc_page_claimed_hz : s->config->tsc_hz;
	uint64_t scale = (uint64_t)(((unsigned __int128)HV_REFERENCE_HZ << 64) / claimed_hz);
	uint64_t scaled_tsc = (uint64_t)(((unsigned __int128)sim_tsc_at(s, at_ps) * scale) >> 64);
	struct hv_reference_tsc_page page = {
		.sequence = c->tsc_page_sequence,
		.scale = scale,
		.offset = (int64_t)(reference_time(s, at_ps) - scaled_tsc),
	};
	void *at = sim_guest_memory(s, phys, sizeof(page));

	if (!at) {
		s->trace.unbacked_page_writes++;
		return;
	}
	memcpy(at, &page, sizeof(page));
}

static void hyperv_reset(struct sim *s)
{
	s->hyperv = (struct sim_hyperv_state){0};
	s->truth.hv_reference_counter_hz = config(s)->reference_counter ? sim_clock_true_hz(s, &REFERENCE_CLOCK) : 0;
}

static bool hyperv_decodes(const struct sim *s, uint32_t msr)
{
	const struct sim_hyperv_config *c = config(s);
	switch (msr) {
	case HV_MSR_TIME_REF_COUNT:
		return c->reference_counter;
	case HV_MSR_REFERENCE_TSC:
		return c->reference_tsc_page;
	case HV_MSR_TSC_FREQUENCY:
		return c->tsc_frequency_hz != 0;
	case HV_MSR_APIC_FREQUENCY:
		return c->apic_frequency_hz != 0;
	default:
		return false;
	}
}

static enum access_status hyperv_read(struct sim *s, uint32_t msr, uint64_t at_ps, uint64_t *value)
{
	switch (msr) {
	case HV_MSR_TIME_REF_COUNT:
		*value = reference_time(s, at_ps);
		break;
	case HV_MSR_REFERENCE_TSC:
		*value = s->hyperv.reference_tsc_msr;
		break;
	case HV_MSR_TSC_FREQUENCY:
		*value = config(s)->tsc_frequency_hz;
		break;
	default:
		*value = config(s)->apic_frequency_hz;
		break;
	}
	return ACCESS_OK;
}

/* Only the reference TSC MSR is writable; the others are read-only (TLFS), a write raises #GP. Clearing the
 * enable bit stops the page's updates and leaves its content. */
static enum access_status hyperv_write(struct sim *s, uint32_t msr, uint64_t at_ps, uint64_t value)
{
	if (msr != HV_MSR_REFERENCE_TSC)
		return ACCESS_FAULT_GP;
	s->hyperv.reference_tsc_msr = value;
	if (value & HV_REFERENCE_TSC_ENABLE)
		write_tsc_page(s, value & HV_REFERENCE_TSC_PAGE_MASK, at_ps);
	return ACCESS_OK;
}

const struct sim_msr_device sim_hyperv_msrs = {
	.reset = hyperv_reset,
	.decodes = hyperv_decodes,
	.read = hyperv_read,
	.write = hyperv_write,
};
