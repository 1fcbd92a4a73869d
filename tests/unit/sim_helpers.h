/* What the simulated machine's tests share: the machine under test, its devices' registers and paravirtual pages. */
#ifndef TSCPROBE_SIM_HELPERS_H
#define TSCPROBE_SIM_HELPERS_H

#include <stdbool.h>
#include <stdint.h>

#include "sim.h"
#include "units.h"

/* Facts from the specifications that no header of core/ names; registers come from core/hpet.h and core/lapic.h. */
#define RTC_UIP_BEFORE_UPDATE_PS (RTC_UIP_LEAD_US * PS_PER_US)
#define RTC_UPDATE_CYCLE_PS (RTC_UPDATE_CYCLE_US * PS_PER_US)
#define MSR_KVM_WALL_CLOCK 0x11u        /* Linux Documentation/virt/kvm/x86/msr.rst */
#define MSR_KVM_SYSTEM_TIME 0x12u
#define MSR_KVM_WALL_CLOCK_NEW 0x4b564d00u
#define MSR_KVM_SYSTEM_TIME_NEW 0x4b564d01u
#define KVM_FEATURE_CLOCKSOURCE (1u << 0)  /* Documentation/virt/kvm/x86/cpuid.rst */
#define KVM_FEATURE_CLOCKSOURCE2 (1u << 3)
#define PVCLOCK_TSC_STABLE_BIT 1u
#define HV_MSR_TIME_REF_COUNT 0x40000020u /* Hyper-V TLFS; Linux hyperv-tlfs.h */
#define HV_MSR_REFERENCE_TSC 0x40000021u
#define HV_MSR_TSC_FREQUENCY 0x40000022u
#define HV_MSR_APIC_FREQUENCY 0x40000023u
#define HV_MSR_TSC_INVARIANT_CONTROL 0x40000118u
#define HV_INTERFACE_HV1 0x31237648u     /* "Hv#1" in base + 1 EAX */
#define HV_REFERENCE_HZ 10000000ull      /* 100 ns units */
#define VMWARE_MAGIC 0x564D5868u         /* Linux arch/x86/include/asm/vmware.h */
#define VMWARE_PORT 0x5658u
#define VMWARE_CMD_GETHZ 45u
#define PAGE_BYTES 4096u

/* cmocka 1.1's assert_float_equal compares in float, some 7 digits: too coarse for these figures. */
#define assert_close(got, want, tolerance) assert_close_at((got), (want), (tolerance), #got, __FILE__, __LINE__)

/* struct pvclock_vcpu_time_info (Linux arch/x86/include/asm/pvclock-abi.h). */
struct pvclock_time {
	uint32_t version, pad0;
	uint64_t tsc_timestamp, system_time;
	uint32_t mul;
	int8_t shift;
	uint8_t flags, pad[2];
};

/* The TLFS reference TSC page: +0 TscSequence, +8 TscScale, +16 TscOffset. */
struct hv_tsc_page {
	uint32_t sequence, reserved;
	uint64_t scale;
	int64_t offset;
};

/* Static: core/pvclock.c exports a pvclock_ns of its own; the tests read the page independently of it.
 * The guest's clock (msr.rst): system_time + ((tsc - tsc_timestamp) shifted by tsc_shift) * mul >> 32. */
static inline uint64_t pvclock_ns(const struct pvclock_time *t, uint64_t tsc)
{
	uint64_t delta = tsc - t->tsc_timestamp;
	delta = t->shift >= 0 ? delta << t->shift : delta >> -t->shift;
	return t->system_time + (uint64_t)(((unsigned __int128)delta * t->mul) >> 32);
}

#define CPUID_1_ECX_MONITOR (1u << 3) /* SDM Vol. 2A CPUID: MONITOR/MWAIT */
#define MWAIT_HINT_C1 0x00u           /* SDM: EAX[7:4] the target C-state - 1, EAX[3:0] the sub-state */
#define MWAIT_HINT_C2 0x10u
#define MWAIT_HINT_C3 0x20u

enum { TRACED_IDLES = 40 };

#define TSC_CHANGE_PS (120 * PS_PER_S) /* tsc-rate-change.json's moment and rate */
#define TSC_CHANGE_PPM (-2000.0)

/* The machine under test: reset_config (each test's setup) gives the defaults with free accesses, start builds it. */
extern struct sim_config config;
extern struct sim sim;
extern struct machine *m;

void assert_close_at(double got, double want, double tolerance, const char *expression, const char *file, int line);
int reset_config(void **state);
void start(void);
void load_scenario(const char *name);
void advance(uint64_t ps);

/* Registers, through the machine's port and memory-mapped I/O. */
uint8_t cmos(uint8_t index);
void pit_program(unsigned mode, uint16_t count);
uint16_t pit_latched(void);
uint32_t lapic(uint32_t offset);
void lapic_set(uint32_t offset, uint32_t value);
uint64_t hpet(uint32_t offset, unsigned width);
void hpet_set(uint32_t offset, unsigned width, uint64_t value);

/* Each device read as an up-counter. */
uint64_t up_pm_timer(void);
uint64_t up_hpet(void);
uint64_t up_pit(void);
uint64_t up_lapic(void);
uint64_t up_rtc_seconds(void);
uint64_t up_tsc(void);
uint64_t up_hv_reference_counter(void);

/* MSRs, paravirtual pages and the VMware backdoor. */
uint64_t rdmsr_ok(uint32_t msr);
bool msr_exists(uint32_t msr);
struct pvclock_time pvclock_page(const volatile void *page);
double pvclock_hz(const struct pvclock_time *t);
volatile void *kvmclock_enable(uint32_t msr, uint64_t *phys);
struct hv_tsc_page hv_tsc_page(const volatile void *page);
uint64_t hv_page_time(const struct hv_tsc_page *p, uint64_t tsc);
struct backdoor_regs gethz(uint32_t magic, uint32_t port);

/* Idle states and the records of idle runs (TRACED_IDLES of them). */
void add_idle_state(enum idle_method method, uint32_t hint, double tsc_rate, double lapic_rate);
bool same_records(const struct sim_idle_record *a, const struct sim_idle_record *b);

#endif
