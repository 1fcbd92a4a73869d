/* What the simulated machine's tests share: the machine under test, its devices' registers and paravirtual pages. */
#ifndef TSCPROBE_SIM_HELPERS_H
#define TSCPROBE_SIM_HELPERS_H

#include <stdbool.h>
#include <stdint.h>

#include "hyperv.h"
#include "kvm.h"
#include "pvclock.h"
#include "sim.h"
#include "units.h"
#include "vmware.h"

/* Facts from the specifications that no header of core/ names; registers and interfaces come from core/'s headers. */
#define RTC_UIP_BEFORE_UPDATE_PS (RTC_UIP_LEAD_US * PS_PER_US)
#define RTC_UPDATE_CYCLE_PS (RTC_UPDATE_CYCLE_US * PS_PER_US)
#define PAGE_BYTES 4096u

/* cmocka 1.1's assert_float_equal compares in float, some 7 digits: too coarse for these figures. */
#define assert_close(got, want, tolerance) assert_close_at((got), (want), (tolerance), #got, __FILE__, __LINE__)

/* The guest's clock (msr.rst), computed here independently of core/pvclock.c. */
uint64_t guest_ns(const struct pvclock_vcpu_time_info *t, uint64_t tsc);

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
struct pvclock_vcpu_time_info pvclock_page(const volatile void *page);
double pvclock_hz(const struct pvclock_vcpu_time_info *t);
volatile void *kvmclock_enable(uint32_t msr, uint64_t *phys);
struct hv_reference_tsc_page hv_tsc_page(const volatile void *page);
uint64_t hv_page_time(const struct hv_reference_tsc_page *p, uint64_t tsc);
struct backdoor_regs gethz(uint32_t magic, uint32_t port);

/* Idle states and the records of idle runs (TRACED_IDLES of them). */
void add_idle_state(enum idle_method method, uint32_t hint, double tsc_rate, double lapic_rate);
bool same_records(const struct sim_idle_record *a, const struct sim_idle_record *b);

#endif
