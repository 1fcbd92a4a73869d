/* The simulated machine: the probe core runs on it exactly as on hardware, against a known truth. */
#include "sim_paravirt.h"

/* Typical costs in a VM: RDTSC is not intercepted (~20 ns); CPUID always exits (~1 us with KVM), and so does
 * RDMSR or WRMSR of an MSR the hypervisor emulates, handled in its kernel part like CPUID. */
#define SIM_DEFAULT_RDTSC_COST_PS 20000ull
#define SIM_DEFAULT_CPUID_COST_PS 1000000ull
#define SIM_DEFAULT_MSR_COST_PS 1000000ull
/* UEFI GetTime() reads the CMOS RTC through several port accesses and waits out an update: ~30 us. */
#define SIM_DEFAULT_GETTIME_COST_PS 30000000ull

/* ACPI 6.5 §4.8.3.3: PM timer at 3.579545 MHz; QEMU q35 (ICH9 LPC) puts the PM block at 0x600, the timer at +8. */
#define SIM_DEFAULT_PM_TIMER_PORT 0x608
#define SIM_DEFAULT_PM_TIMER_BITS 24
/* A "backwards" PM timer steps back a few thousand ticks (about a millisecond), as buggy chipsets' latches did. */
#define SIM_DEFAULT_PM_TIMER_BACKWARDS_TICKS 3000u
/* IA-PC HPET 1.0a: the conventional base; QEMU's HPET: 100 MHz (10 ns period), 64-bit, 3 timers, LEG_RT_CAP, Intel. */
#define SIM_DEFAULT_HPET_BASE 0xFED00000ull
#define SIM_DEFAULT_HPET_PERIOD_FS 10000000u
#define SIM_DEFAULT_HPET_TIMERS 3
#define PCI_VENDOR_INTEL 0x8086
/* The CMOS century byte at index 0x32, as the IBM PC/AT BIOS placed it and QEMU's FADT names it. */
#define SIM_DEFAULT_RTC_CENTURY_INDEX 0x32
/* SDM 10.4.1: the LAPIC's power-on base; KVM's APIC bus runs at 1 GHz (Linux arch/x86/kvm/lapic.h). */
#define SIM_DEFAULT_LAPIC_BASE 0xFEE00000ull
#define SIM_DEFAULT_LAPIC_BUS_HZ 1000000000ull
/* From the interrupt to the guest running again after an idle: the host leaving its own idle state and injecting
 * the interrupt. Illustrative, between Linux intel_idle's Skylake C1E (10 us) and C3 (70 us) exit latencies. */
#define SIM_DEFAULT_WAKE_LATENCY_PS (20 * PS_PER_US)

static const struct sim_device *const DEVICES[] = {
	&sim_pm_timer_device, &sim_hpet_device, &sim_rtc_device, &sim_pit_device, &sim_lapic_device,
};
#define DEVICE_COUNT (sizeof(DEVICES) / sizeof(DEVICES[0]))

static const struct sim_access_cost UNCLAIMED_PORT = {.cost_ps = SIM_DEFAULT_PORT_IO_COST_PS};
static const struct sim_access_cost UNCLAIMED_MMIO = {.cost_ps = SIM_DEFAULT_MMIO_COST_PS};

void sim_config_defaults(struct sim_config *c)
{
	const struct sim_access_cost port = {.cost_ps = SIM_DEFAULT_PORT_IO_COST_PS};
	const struct sim_access_cost mmio = {.cost_ps = SIM_DEFAULT_MMIO_COST_PS};

	*c = (struct sim_config){
		.out_of_range = SIM_OUT_OF_RANGE_INTEL,
		.tsc_hz = 2000000000ull,
		.rdtsc_cost_ps = SIM_DEFAULT_RDTSC_COST_PS,
		.cpuid_cost_ps = SIM_DEFAULT_CPUID_COST_PS,
		.msr_cost_ps = SIM_DEFAULT_MSR_COST_PS,
		.seed = 1,
		.clocks =
			{
				.pm_timer = {.present = true,
					     .port = SIM_DEFAULT_PM_TIMER_PORT,
					     .bits = SIM_DEFAULT_PM_TIMER_BITS,
					     .access = port,
					     .backwards_ticks = SIM_DEFAULT_PM_TIMER_BACKWARDS_TICKS},
				.hpet = {.present = true,
					 .base = SIM_DEFAULT_HPET_BASE,
					 .period_fs = SIM_DEFAULT_HPET_PERIOD_FS,
					 .advertised_period_fs = SIM_DEFAULT_HPET_PERIOD_FS,
					 .counter_bits = 64,
					 .timers = SIM_DEFAULT_HPET_TIMERS,
					 .legacy_replacement = true,
					 .vendor = PCI_VENDOR_INTEL,
					 .enabled = true,
					 .access = mmio},
				.rtc = {.present = true,
					.start = {.year = 2026, .month = 11, .day = 21, .hour = 12},
					.century_index = SIM_DEFAULT_RTC_CENTURY_INDEX,
					.access = port},
				.pit = {.present = true, .access = port},
				.lapic = {.present = true,
					  .base = SIM_DEFAULT_LAPIC_BASE,
					  .bus_hz = SIM_DEFAULT_LAPIC_BUS_HZ,
					  .access = mmio},
				.uefi_time = {.present = true, .cost_ps = SIM_DEFAULT_GETTIME_COST_PS},
			},
		.acpi = {.oem_id = "BOCHS "},
		/* Absent until a scenario adds them; these are the settings they then start from. */
		.kvmclock = {.pairs = SIM_KVMCLOCK_NEW | SIM_KVMCLOCK_OLD, .stable = true},
		.hyperv = {.tsc_page_sequence = 1},
		.idle = {.wake_latency_ps = SIM_DEFAULT_WAKE_LATENCY_PS},
	};
}

bool sim_config_set_cpuid(struct sim_config *c, uint32_t leaf, uint32_t subleaf, const struct cpuid_regs *regs)
{
	for (uint32_t i = 0; i < c->cpuid_count; i++)
		if (c->cpuid[i].leaf == leaf && c->cpuid[i].subleaf == subleaf) {
			c->cpuid[i].regs = *regs;
			return true;
		}
	if (c->cpuid_count == SIM_MAX_CPUID)
		return false;
	c->cpuid[c->cpuid_count++] = (struct sim_cpuid_entry){leaf, subleaf, *regs};
	return true;
}

/* xorshift64* (Vigna, "An experimental exploration of Marsaglia's xorshift generators", 2016). */
static uint64_t prng_next(struct sim *s)
{
	s->prng ^= s->prng >> 12;
	s->prng ^= s->prng << 25;
	s->prng ^= s->prng >> 27;
	return s->prng * 0x2545F4914F6CDD1Dull;
}

/* splitmix64's finalizer spreads neighbouring seeds apart; xorshift needs a non-zero state. */
static uint64_t prng_state_from_seed(uint64_t seed)
{
	uint64_t z = seed + 0x9E3779B97F4A7C15ull;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	z ^= z >> 31;
	return z ? z : 0x9E3779B97F4A7C15ull;
}

uint64_t sim_access(struct sim *s, const struct sim_access_cost *a)
{
	uint64_t before = a->cost_ps / 2, after = a->cost_ps - before;

	if (a->jitter_per_million && prng_next(s) % 1000000u < a->jitter_per_million) {
		uint64_t delay = a->jitter_max_ps ? prng_next(s) % (a->jitter_max_ps + 1) : 0;
		s->trace.jitter_events++;
		if (prng_next(s) & 1)
			before += delay;
		else
			after += delay;
	}
	s->now_ps += before;
	uint64_t sample = s->now_ps;
	s->now_ps += after;
	return sample;
}

uint32_t sim_io_byte(uint8_t value, unsigned width)
{
	uint32_t floating = width >= 4 ? 0xffffffffu : (1u << (8 * width)) - 1;
	return (value | (floating & ~0xffu)) & floating;
}

double sim_now_seconds(const struct sim *s)
{
	return (double)s->now_ps / (double)PS_PER_S;
}

static const struct sim_cpuid_entry *find_entry(const struct sim_config *c, uint32_t leaf, uint32_t subleaf)
{
	const struct sim_cpuid_entry *any_subleaf = NULL;
	for (uint32_t i = 0; i < c->cpuid_count; i++) {
		if (c->cpuid[i].leaf != leaf)
			continue;
		if (c->cpuid[i].subleaf == subleaf)
			return &c->cpuid[i];
		if (!any_subleaf)
			any_subleaf = &c->cpuid[i];
	}
	/* Leaves without subleaves ignore ECX; a leaf with subleaves returns zeros past the last one. */
	return any_subleaf && any_subleaf->subleaf == 0 && !subleaf ? any_subleaf : NULL;
}

/* KVM's signature in the base leaf's EBX, ECX, EDX. */
static bool regs_say_kvm(const struct cpuid_regs *r)
{
	return r->ebx == 0x4b4d564bu && r->ecx == 0x564b4d56u && r->edx == 0x4du;
}

/*
 * The max leaf of leaf's class: basic, extended, or (as KVM does) each 0x100-block of the hypervisor range.
 * An old KVM host says 0 and still answers its feature leaf (Linux Documentation/virt/kvm/x86/cpuid.rst).
 */
static bool class_max(const struct sim_config *c, uint32_t leaf, uint32_t *max)
{
	uint32_t class = leaf >= 0x80000000u ? 0x80000000u : leaf >= 0x40000000u ? leaf & 0xffffff00u : 0;
	const struct sim_cpuid_entry *e = find_entry(c, class, 0);
	*max = e ? e->regs.eax : 0;
	if (e && class >= 0x40000000u && class < 0x80000000u && *max == 0 && regs_say_kvm(&e->regs))
		*max = class + 1;
	return e != NULL;
}

void sim_config_cpuid(const struct sim_config *c, uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out)
{
	const struct sim_cpuid_entry *e;
	uint32_t max = 0;
	bool class_exists = class_max(c, leaf, &max);

	/* A listed leaf answers as listed (a base leaf always answers, whatever its max says). */
	e = find_entry(c, leaf, subleaf);
	if (e || (class_exists && leaf <= max)) {
		*out = e ? e->regs : (struct cpuid_regs){0};
		return;
	}
	if (c->out_of_range == SIM_OUT_OF_RANGE_AMD) {
		*out = (struct cpuid_regs){0};
		return;
	}
	class_max(c, 0, &max);
	e = find_entry(c, max, subleaf);
	*out = e ? e->regs : (struct cpuid_regs){0};
}

static void sim_cpuid(struct machine *m, uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out)
{
	struct sim *s = sim_of(m);
	uint32_t max = 0;
	bool class_exists = class_max(s->config, leaf, &max);

	s->now_ps += s->config->cpuid_cost_ps;
	s->trace.cpuid_calls++;
	if (leaf >= 0x40000000u && leaf < 0x50000000u && class_exists && (leaf & 0xff) && leaf > max) {
		if (!s->trace.cpuid_beyond_max)
			s->trace.first_beyond_max_leaf = leaf;
		s->trace.cpuid_beyond_max++;
	}
	sim_config_cpuid(s->config, leaf, subleaf, out);
}

uint64_t sim_tsc_at(const struct sim *s, uint64_t at_ps)
{
	struct sim_clock tsc = sim_clock_hz(s->config->tsc_hz, SIM_CLOCK_TSC);
	uint64_t ticks = sim_clock_ticks(&tsc, sim_clock_progress(s, SIM_CLOCK_TSC, at_ps));
	/* Steps that have happened by at_ps; a step back never takes the TSC below 0. */
	for (uint32_t i = 0; i < s->config->event_count; i++) {
		const struct sim_event *e = &s->config->events[i];
		if (e->kind != SIM_EVENT_STEP || e->at_ps > at_ps)
			continue;
		uint64_t size = e->step_ticks < 0 ? (uint64_t)-e->step_ticks : (uint64_t)e->step_ticks;
		ticks = e->step_ticks >= 0 ? ticks + size : ticks > size ? ticks - size : 0;
	}
	return ticks;
}

static uint64_t sim_rdtsc(struct machine *m)
{
	struct sim *s = sim_of(m);
	s->now_ps += s->config->rdtsc_cost_ps;
	return sim_tsc_at(s, s->now_ps);
}

static void sim_stall(struct machine *m, uint32_t us)
{
	sim_of(m)->now_ps += (uint64_t)us * PS_PER_US;
}

/* Nothing decodes an unclaimed port or address: reads float high, as on a PC bus. */
static uint64_t all_ones(unsigned width)
{
	return width >= 8 ? ~0ull : (1ull << (8 * width)) - 1;
}

static uint32_t sim_io_read(struct machine *m, uint16_t port, unsigned width)
{
	struct sim *s = sim_of(m);
	uint32_t value;

	s->trace.io_reads++;
	for (unsigned i = 0; i < DEVICE_COUNT; i++)
		if (DEVICES[i]->io_read && DEVICES[i]->io_read(s, port, width, &value))
			return value;
	s->trace.unclaimed_accesses++;
	sim_access(s, &UNCLAIMED_PORT);
	return (uint32_t)all_ones(width);
}

static void sim_io_write(struct machine *m, uint16_t port, unsigned width, uint32_t value)
{
	struct sim *s = sim_of(m);

	s->trace.io_writes++;
	for (unsigned i = 0; i < DEVICE_COUNT; i++)
		if (DEVICES[i]->io_write && DEVICES[i]->io_write(s, port, width, value))
			return;
	s->trace.unclaimed_accesses++;
	sim_access(s, &UNCLAIMED_PORT);
}

static uint64_t sim_mmio_read(struct machine *m, uint64_t phys, unsigned width)
{
	struct sim *s = sim_of(m);
	uint64_t value;

	s->trace.mmio_reads++;
	for (unsigned i = 0; i < DEVICE_COUNT; i++)
		if (DEVICES[i]->mmio_read && DEVICES[i]->mmio_read(s, phys, width, &value))
			return value;
	s->trace.unclaimed_accesses++;
	sim_access(s, &UNCLAIMED_MMIO);
	return all_ones(width);
}

static void sim_mmio_write(struct machine *m, uint64_t phys, unsigned width, uint64_t value)
{
	struct sim *s = sim_of(m);

	s->trace.mmio_writes++;
	for (unsigned i = 0; i < DEVICE_COUNT; i++)
		if (DEVICES[i]->mmio_write && DEVICES[i]->mmio_write(s, phys, width, value))
			return;
	s->trace.unclaimed_accesses++;
	sim_access(s, &UNCLAIMED_MMIO);
}

/* edk2's PcRtc driver: an update's end is polled every 10 us, for up to PcdRealTimeClockUpdateTimeout (100 ms). */
#define GETTIME_UPDATE_POLL_US 10u
#define GETTIME_UPDATE_WAIT_MAX_US 100000u

static enum access_status sim_firmware_time(struct machine *m, struct calendar_time *out)
{
	struct sim *s = sim_of(m);
	const struct sim_uefi_time_config *c = &s->config->clocks.uefi_time;

	if (!c->present)
		return ACCESS_UNSUPPORTED;
	/* As edk2's PcRtcGetTime (RtcWaitToUpdate): an update under way is waited out, polled every 10 us. */
	for (unsigned waited_us = 0; sim_rtc_updating(s, s->now_ps) && waited_us < GETTIME_UPDATE_WAIT_MAX_US;
	     waited_us += GETTIME_UPDATE_POLL_US)
		s->now_ps += (uint64_t)GETTIME_UPDATE_POLL_US * PS_PER_US;
	sim_rtc_calendar(s, sim_access(s, &(struct sim_access_cost){.cost_ps = c->cost_ps}), out);
	return ACCESS_OK;
}

void sim_init(struct sim *s, const struct sim_config *config)
{
	*s = (struct sim){.config = config, .prng = prng_state_from_seed(config->seed)};
	s->machine = (struct machine){
		.kind = "sim",
		.cpuid = sim_cpuid,
		.rdmsr = sim_rdmsr,
		.wrmsr = sim_wrmsr,
		.rdtsc = sim_rdtsc,
		.io_read = sim_io_read,
		.io_write = sim_io_write,
		.mmio_read = sim_mmio_read,
		.mmio_write = sim_mmio_write,
		.phys_map = sim_phys_map,
		.firmware_time = sim_firmware_time,
		.stall = sim_stall,
		.page_alloc = sim_page_alloc,
		.page_free = sim_page_free,
		.vmware_backdoor = sim_vmware_backdoor,
		.ctx = s,
	};
	sim_timelines_init(s);
	s->truth.tsc_hz = (double)config->tsc_hz;
	for (unsigned i = 0; i < DEVICE_COUNT; i++)
		DEVICES[i]->reset(s);
	sim_msr_reset(s);
	sim_acpi_build(s);
	sim_smbios_build(s);
	sim_idle_attach(s);
}
