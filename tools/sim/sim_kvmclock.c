/* The simulated kvmclock (Linux Documentation/virt/kvm/x86/msr.rst): MSRs that point the host at a guest page,
 * which it fills with a pvclock time record whose scale comes from the claimed TSC rate. */
#include "kvm.h"
#include "pvclock.h"
#include "sim_paravirt.h"
#include "units.h"

#include <stddef.h>
#include <string.h>
#include <time.h>

static const struct sim_kvmclock_config *config(const struct sim *s)
{
	return &s->config->kvmclock;
}

static uint32_t pair_of(uint32_t msr)
{
	switch (msr) {
	case MSR_KVM_WALL_CLOCK:
	case MSR_KVM_SYSTEM_TIME:
		return SIM_KVMCLOCK_OLD;
	case MSR_KVM_WALL_CLOCK_NEW:
	case MSR_KVM_SYSTEM_TIME_NEW:
		return SIM_KVMCLOCK_NEW;
	default:
		return 0;
	}
}

static bool is_system_time(uint32_t msr)
{
	return msr == MSR_KVM_SYSTEM_TIME || msr == MSR_KVM_SYSTEM_TIME_NEW;
}

/*
 * The host's tsc_to_system_mul and tsc_shift for a TSC of hz, as VirtualBox's KVM provider derives them
 * (GIMKvm.cpp gimR3KvmUpdateSystemTime, reference F2): halve the rate while it is above 2 GHz, double it while it
 * is at most 1 GHz, then mul = 10^9 * 2^32 / rate, so that ns = ((tsc shifted by shift) * mul) >> 32 with mul
 * in [2^31, 2^32). Xen's set_time_scale (xen/arch/x86/time.c) runs the same two loops.
 */
static void time_scale(uint64_t hz, uint32_t *mul, int8_t *shift)
{
	int8_t s = 0;
	while (hz > 2 * NS_PER_S) {
		hz >>= 1;
		s--;
	}
	while (hz <= NS_PER_S) {
		hz <<= 1;
		s++;
	}
	*mul = (uint32_t)((NS_PER_S << 32) / hz);
	*shift = s;
}

/* KVM's update protocol (kvm_setup_guest_pvclock): make the version odd, write the record, make it even again.
 * The simulated host does all of it between two guest instructions; a stuck one never takes the last step. */
static uint32_t next_version(const struct sim *s, uint32_t version)
{
	uint32_t writing = (version + 1) | 1;
	return config(s)->fault == SIM_KVMCLOCK_VERSION_STUCK_ODD ? writing : writing + 1;
}

/* Written once, when the guest enables it: VirtualBox writes it on the MSR write, and KVM rewrites it only on
 * events the simulator has none of (a master-clock update, a vCPU migration). */
static void write_system_time(struct sim *s, uint64_t phys, uint64_t at_ps)
{
	const struct sim_kvmclock_config *c = config(s);
	struct pvclock_vcpu_time_info t;
	uint32_t version;
	void *at = sim_guest_memory(s, phys, sizeof(t));

	if (!at) {
		s->trace.unbacked_page_writes++;
		return;
	}
	if (c->fault == SIM_KVMCLOCK_NEVER_FILLED)
		return;
	memcpy(&version, at, sizeof(version));
	t = (struct pvclock_vcpu_time_info){
		.version = next_version(s, version),
		.tsc_timestamp = sim_tsc_at(s, at_ps),
		.system_time = at_ps / PS_PER_NS,
		.flags = c->stable ? PVCLOCK_TSC_STABLE_BIT : 0,
	};
	time_scale(c->claimed_tsc_hz ? c->claimed_tsc_hz : s->config->tsc_hz, &t.tsc_to_system_mul, &t.tsc_shift);
	memcpy(at, &t, sizeof(t));
	s->kvmclock.page_updates++;
}

/* The wall-clock time at system time 0, power-on: the calendar's starting date, to the second. Like KVM's, the
 * 32-bit seconds wrap in 2106. */
static void write_wall_clock(struct sim *s, uint64_t phys)
{
	const struct calendar_time *start = &s->config->clocks.rtc.start;
	struct tm boot = {.tm_year = start->year - 1900,
			  .tm_mon = start->month - 1,
			  .tm_mday = start->day,
			  .tm_hour = start->hour,
			  .tm_min = start->minute,
			  .tm_sec = start->second};
	struct pvclock_wall_clock w;
	void *at = sim_guest_memory(s, phys, sizeof(w));

	if (!at) {
		s->trace.unbacked_page_writes++;
		return;
	}
	memcpy(&w, at, sizeof(w));
	w = (struct pvclock_wall_clock){.version = next_version(s, w.version), .sec = (uint32_t)timegm(&boot)};
	memcpy(at, &w, sizeof(w));
}

static void kvmclock_reset(struct sim *s)
{
	s->kvmclock = (struct sim_kvmclock_state){0};
}

static bool kvmclock_decodes(const struct sim *s, uint32_t msr)
{
	return config(s)->present && (config(s)->pairs & pair_of(msr));
}

/* Both pairs share one system-time and one wall-clock value, as in KVM and VirtualBox. */
static enum access_status kvmclock_read(struct sim *s, uint32_t msr, uint64_t at_ps, uint64_t *value)
{
	(void)at_ps;
	*value = is_system_time(msr) ? s->kvmclock.system_time_msr : s->kvmclock.wall_clock_msr;
	return ACCESS_OK;
}

/* Writing 0 (or any value without the enable bit) disables the system time: the page keeps what it holds. */
static enum access_status kvmclock_write(struct sim *s, uint32_t msr, uint64_t at_ps, uint64_t value)
{
	if (!is_system_time(msr)) {
		s->kvmclock.wall_clock_msr = value;
		write_wall_clock(s, value);
		return ACCESS_OK;
	}
	s->kvmclock.system_time_msr = value;
	if (value & KVM_SYSTEM_TIME_ENABLE)
		write_system_time(s, value & ~KVM_SYSTEM_TIME_ENABLE, at_ps);
	return ACCESS_OK;
}

const struct sim_msr_device sim_kvmclock_msrs = {
	.reset = kvmclock_reset,
	.decodes = kvmclock_decodes,
	.read = kvmclock_read,
	.write = kvmclock_write,
};
