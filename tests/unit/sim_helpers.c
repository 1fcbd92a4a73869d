/* What the simulated machine's tests share: the machine under test, its devices' registers and paravirtual pages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cmos.h"
#include "hpet.h"
#include "lapic.h"
#include "pit.h"
#include "scenario.h"
#include "testdata.h"
#include "sim_helpers.h"

struct sim_config config;
struct sim sim;
struct machine *m;

void assert_close_at(double got, double want, double tolerance, const char *expression, const char *file, int line)
{
	if (fabs(got - want) <= tolerance)
		return;
	print_error("%s is %.17g, expected %.17g within %g\n", expression, got, want, tolerance);
	_fail(file, line);
}

/* Every test starts from the defaults with free accesses, so that virtual time is exactly what the test says. */
int reset_config(void **state)
{
	(void)state;
	sim_config_defaults(&config);
	struct sim_access_cost *costs[] = {&config.clocks.pm_timer.access, &config.clocks.hpet.access,
					   &config.clocks.rtc.access, &config.clocks.pit.access,
					   &config.clocks.lapic.access};
	for (size_t i = 0; i < sizeof(costs) / sizeof(costs[0]); i++)
		*costs[i] = (struct sim_access_cost){0};
	config.msr_cost_ps = 0;
	return 0;
}

void start(void)
{
	sim_init(&sim, &config);
	m = &sim.machine;
}

/* A shipped scenario (tests/data/scenarios/name), started. */
void load_scenario(const char *name)
{
	char relative[128], error[256];
	snprintf(relative, sizeof(relative), "scenarios/%s", name);
	if (!scenario_load_file(testdata_path(relative), &config, error, sizeof(error)))
		fail_msg("%s: %s", name, error);
	start();
}

void advance(uint64_t ps)
{
	sim.now_ps += ps;
}

uint8_t cmos(uint8_t index)
{
	m->io_write(m, CMOS_INDEX_PORT, 1, index);
	return (uint8_t)m->io_read(m, CMOS_DATA_PORT, 1);
}

void pit_program(unsigned mode, uint16_t count)
{
	m->io_write(m, PIT_CONTROL_PORT, 1, 0x80u | 0x30u | mode << 1); /* channel 2, lobyte then hibyte, binary */
	m->io_write(m, PIT_CHANNEL2_PORT, 1, count & 0xFFu);
	m->io_write(m, PIT_CHANNEL2_PORT, 1, count >> 8);
}

uint16_t pit_latched(void)
{
	m->io_write(m, PIT_CONTROL_PORT, 1, 0x80u); /* channel 2, counter latch command */
	uint8_t low = (uint8_t)m->io_read(m, PIT_CHANNEL2_PORT, 1);
	return (uint16_t)(low | m->io_read(m, PIT_CHANNEL2_PORT, 1) << 8);
}

uint32_t lapic(uint32_t offset)
{
	return (uint32_t)m->mmio_read(m, config.clocks.lapic.base + offset, 4);
}

void lapic_set(uint32_t offset, uint32_t value)
{
	m->mmio_write(m, config.clocks.lapic.base + offset, 4, value);
}

uint64_t hpet(uint32_t offset, unsigned width)
{
	return m->mmio_read(m, config.clocks.hpet.base + offset, width);
}

void hpet_set(uint32_t offset, unsigned width, uint64_t value)
{
	m->mmio_write(m, config.clocks.hpet.base + offset, width, value);
}

/* Each device read as an up-counter, for the rate check. */
uint64_t up_pm_timer(void)
{
	return m->io_read(m, config.clocks.pm_timer.port, 4);
}

uint64_t up_hpet(void)
{
	return hpet(HPET_MAIN_COUNTER, 8);
}

uint64_t up_pit(void)
{
	return (65536 - pit_latched()) % 65536; /* mode 2 from 65536 */
}

uint64_t up_lapic(void)
{
	return 0xFFFFFFFFu - lapic(LAPIC_CURRENT_COUNT); /* periodic from 0xFFFFFFFF, divide by 1 */
}

uint64_t up_rtc_seconds(void)
{
	return cmos(RTC_SECONDS) + 60u * cmos(RTC_MINUTES) + 3600u * cmos(RTC_HOURS); /* binary mode */
}

uint64_t up_tsc(void)
{
	return m->rdtsc(m);
}

uint64_t up_hv_reference_counter(void)
{
	uint64_t value;
	assert_int_equal(m->rdmsr(m, HV_MSR_TIME_REF_COUNT, &value), ACCESS_OK);
	return value;
}

uint64_t rdmsr_ok(uint32_t msr)
{
	uint64_t value;
	enum access_status status = m->rdmsr(m, msr, &value);
	if (status != ACCESS_OK)
		fail_msg("rdmsr 0x%x faulted (%d)", msr, status);
	return value;
}

bool msr_exists(uint32_t msr)
{
	uint64_t value;
	return m->rdmsr(m, msr, &value) == ACCESS_OK;
}

/* The guest's clock (msr.rst): system_time + ((tsc - tsc_timestamp) shifted by tsc_shift) * mul >> 32. */
uint64_t guest_ns(const struct pvclock_vcpu_time_info *t, uint64_t tsc)
{
	uint64_t delta = tsc - t->tsc_timestamp;
	delta = t->tsc_shift >= 0 ? delta << t->tsc_shift : delta >> -t->tsc_shift;
	return t->system_time + (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
}

struct pvclock_vcpu_time_info pvclock_page(const volatile void *page)
{
	struct pvclock_vcpu_time_info t;
	memcpy(&t, (const void *)page, sizeof(t));
	return t;
}

/* The rate a guest infers from mul and shift (Linux pvclock_tsc_khz, in Hz). */
double pvclock_hz(const struct pvclock_vcpu_time_info *t)
{
	double hz = 1e9 * 4294967296.0 / t->tsc_to_system_mul;
	return t->tsc_shift >= 0 ? hz / (double)(1u << t->tsc_shift) : hz * (double)(1u << -t->tsc_shift);
}

/* Allocates a page and points the system-time MSR at it. */
volatile void *kvmclock_enable(uint32_t msr, uint64_t *phys)
{
	volatile void *page = m->page_alloc(m, phys);
	assert_non_null(page);
	assert_int_equal(m->wrmsr(m, msr, *phys | 1), ACCESS_OK);
	return page;
}

struct hv_reference_tsc_page hv_tsc_page(const volatile void *page)
{
	struct hv_reference_tsc_page p;
	memcpy(&p, (const void *)page, sizeof(p));
	return p;
}

/* ReferenceTime = ((TSC * TscScale) >> 64) + TscOffset. */
uint64_t hv_page_time(const struct hv_reference_tsc_page *p, uint64_t tsc)
{
	return (uint64_t)(((unsigned __int128)tsc * p->scale) >> 64) + (uint64_t)p->offset;
}

struct backdoor_regs gethz(uint32_t magic, uint32_t port)
{
	struct backdoor_regs r = {
		.eax = magic, .ebx = UINT32_MAX, .ecx = VMWARE_CMD_GETHZ, .edx = port, .esi = 1, .edi = 2};
	assert_int_equal(m->vmware_backdoor(m, &r), ACCESS_OK);
	return r;
}

void add_idle_state(enum idle_method method, uint32_t hint, double tsc_rate, double lapic_rate)
{
	assert_true(config.idle.state_count < SIM_MAX_IDLE_STATES);
	config.idle.states[config.idle.state_count++] =
		(struct sim_idle_state){.method = method, .hint = hint, .tsc_rate = tsc_rate, .lapic_rate = lapic_rate};
}

bool same_records(const struct sim_idle_record *a, const struct sim_idle_record *b)
{
	for (unsigned i = 0; i < TRACED_IDLES; i++)
		if (a[i].method != b[i].method || a[i].hint != b[i].hint || a[i].status != b[i].status ||
		    a[i].start_ps != b[i].start_ps || a[i].wake_ps != b[i].wake_ps || a[i].end_ps != b[i].end_ps ||
		    a[i].tsc_lost_ps != b[i].tsc_lost_ps || a[i].lapic_lost_ps != b[i].lapic_lost_ps)
			return false;
	return true;
}
