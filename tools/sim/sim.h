/* The simulated machine: deterministic virtual time, CPUID, MSRs, a TSC, the PC's clocks and the hypervisors'
 * paravirtual clocks, behind the machine interface. */
#ifndef TSCPROBE_SIM_H
#define TSCPROBE_SIM_H

#include "machine.h"
#include "smbios.h"

#define SIM_MAX_CPUID 512

struct sim_cpuid_entry {
	uint32_t leaf, subleaf;
	struct cpuid_regs regs;
};

/* What a CPU returns for a leaf above its range's maximum (Intel SDM: the max basic leaf; AMD: zeros). */
enum sim_out_of_range { SIM_OUT_OF_RANGE_INTEL, SIM_OUT_OF_RANGE_AMD };

/* A device register access is a VM exit handled by the hypervisor: port I/O goes out to the VMM (~1.5 us), MMIO to
 * an in-kernel device model is cheaper (~0.5 us). Unclaimed addresses, and VMware's backdoor port, cost the same. */
#define SIM_DEFAULT_PORT_IO_COST_PS 1500000ull
#define SIM_DEFAULT_MMIO_COST_PS 500000ull

/* What one access to a device costs in virtual time: a VM exit, and sometimes more (an SMI, a preempted vCPU). */
struct sim_access_cost {
	uint64_t cost_ps;            /* every access */
	uint32_t jitter_per_million; /* chance per access of an extra delay, in parts per million */
	uint64_t jitter_max_ps;      /* that delay is uniform in [0, jitter_max_ps] */
};

enum sim_pm_timer_fault {
	SIM_PM_TIMER_OK = 0,
	SIM_PM_TIMER_STUCK,     /* from fault_at_ps on, every read returns the value it had then */
	SIM_PM_TIMER_BACKWARDS, /* steps back by backwards_ticks once, at fault_at_ps */
};

struct sim_pm_timer_config {
	bool present;
	uint16_t port;
	uint8_t bits;    /* 24, or 32 (FADT TMR_VAL_EXT) */
	double rate_ppm; /* runs at nominal * (1 + rate_ppm / 1e6) of virtual time */
	struct sim_access_cost access;
	enum sim_pm_timer_fault fault;
	uint64_t fault_at_ps;
	uint32_t backwards_ticks;
};

enum sim_hpet_fault {
	SIM_HPET_OK = 0,
	SIM_HPET_ALL_ONES, /* every register reads all ones: the table names a device that is not there */
	SIM_HPET_STUCK,    /* the main counter never moves, even when enabled */
};

struct sim_hpet_config {
	bool present;
	uint64_t base;
	uint32_t period_fs;            /* the period the counter really runs at */
	uint32_t advertised_period_fs; /* GCAP_ID.COUNTER_CLK_PERIOD: period_fs, unless a fault says otherwise */
	uint8_t counter_bits;          /* 64 (COUNT_SIZE_CAP) or 32 */
	uint8_t timers;                /* comparators; GCAP_ID.NUM_TIM_CAP holds timers - 1 */
	bool legacy_replacement;       /* LEG_RT_CAP */
	uint16_t vendor;
	bool enabled;    /* ENABLE_CNF as firmware left it */
	double rate_ppm; /* runs at nominal * (1 + rate_ppm / 1e6) of virtual time */
	struct sim_access_cost access;
	enum sim_hpet_fault fault;
};

enum sim_rtc_fault {
	SIM_RTC_OK = 0,
	SIM_RTC_UIP_STUCK, /* status A's update-in-progress flag never clears */
	SIM_RTC_FROZEN,    /* the time registers never change */
};

struct sim_rtc_config {
	bool present;    /* the CMOS ports; the calendar clock behind them (and behind GetTime) always runs */
	double rate_ppm; /* its clock domain: 0 for the guest's virtual time, else the host's rate against it */
	struct calendar_time start; /* the date and time at power-on */
	bool binary;                /* status B DM: binary instead of BCD */
	bool hour_12;               /* status B bit 1 clear: 12-hour, bit 7 of the hours register = PM */
	uint8_t century_index;      /* CMOS index of the century byte, also the FADT CENTURY field; 0 = none */
	struct sim_access_cost access;
	enum sim_rtc_fault fault;
};

struct sim_pit_config {
	bool present;
	double rate_ppm; /* runs at nominal * (1 + rate_ppm / 1e6) of virtual time */
	struct sim_access_cost access;
	uint8_t port61; /* the writable bits 3:0 of port 0x61 as firmware left them */
};

/* The firmware's use of the LAPIC timer before the probe starts: the probe must leave it running as found. */
struct sim_lapic_tick {
	bool present;
	uint8_t mode; /* LVT timer mode: 0 one-shot, 1 periodic */
	uint32_t initial_count;
	uint8_t divide; /* 1, 2, 4, ... 128 */
	uint8_t vector;
	bool masked;
};

struct sim_lapic_config {
	bool present;
	uint64_t base;
	uint64_t bus_hz; /* the timer counts bus_hz / divide */
	double rate_ppm; /* runs at nominal * (1 + rate_ppm / 1e6) of virtual time */
	struct sim_access_cost access;
	struct sim_lapic_tick firmware_tick;
};

struct sim_uefi_time_config {
	bool present; /* GetTime() works; false gives ACCESS_UNSUPPORTED */
	uint64_t cost_ps;
};

struct sim_clocks_config {
	struct sim_pm_timer_config pm_timer;
	struct sim_hpet_config hpet;
	struct sim_rtc_config rtc;
	struct sim_pit_config pit;
	struct sim_lapic_config lapic;
	struct sim_uefi_time_config uefi_time;
};

/* ACPI table faults, as bits of sim_acpi_config.faults. */
enum sim_acpi_fault {
	SIM_ACPI_FADT_BAD_CHECKSUM = 1u << 0,
	SIM_ACPI_NO_FADT = 1u << 1,      /* the root tables list no FADT */
	SIM_ACPI_ZERO_PM_PORT = 1u << 2, /* PM_TMR_BLK and X_PM_TMR_BLK are 0 */
	SIM_ACPI_NO_RSDP = 1u << 3,      /* firmware gives no RSDP at all */
};

#define SIM_ACPI_MAX_TABLES 16
#define SIM_ACPI_MAX_BYTES 16384

/* One table in simulated physical memory: `length` bytes at `phys`, kept at `offset` in a byte pool. */
struct sim_acpi_table {
	uint64_t phys;
	uint32_t offset, length;
};

/* Tables captured from a real machine (tests/data/acpi/NAME), loaded with the scenario. */
struct sim_acpi_fixture {
	char name[32];
	uint64_t rsdp; /* the RSDP's address */
	uint32_t table_count;
	struct sim_acpi_table tables[SIM_ACPI_MAX_TABLES];
	uint32_t used;
	uint8_t bytes[SIM_ACPI_MAX_BYTES];
};

struct sim_acpi_config {
	char oem_id[7];   /* of the synthesized tables, e.g. "BOCHS ", "VRTUAL": what the report shows */
	bool use_fixture; /* false: tables synthesized from the clocks */
	struct sim_acpi_fixture fixture;
	uint32_t faults; /* enum sim_acpi_fault bits */
};

/* Which SMBIOS entry points the simulated firmware publishes (DSP0134 §5.2). */
enum sim_smbios_entries { SIM_SMBIOS_NONE, SIM_SMBIOS_32, SIM_SMBIOS_64, SIM_SMBIOS_BOTH };

/* SMBIOS as the scenario gives it: the strings the probe should decode, by the report's names; the simulator
 * builds the table of types 0, 1, 2 (when it has a string), 3, 11 (when there are OEM strings) and 127. */
struct sim_smbios_config {
	enum sim_smbios_entries entries;
	struct smbios_info strings; /* its string fields and OEM strings only */
};

#define SIM_MAX_MSRS 32

/* An MSR with a plain value (a frequency MSR, a control MSR): reads return it; writes #GP unless writable. */
struct sim_msr_entry {
	uint32_t msr;
	uint64_t value;
	bool writable;
};

/* The scenario's own MSRs, ahead of every interface's: listed values, and MSRs that fault whatever else says so. */
struct sim_msr_config {
	uint32_t count;
	struct sim_msr_entry entries[SIM_MAX_MSRS];
	uint32_t fault_count;
	uint32_t faults[SIM_MAX_MSRS];
};

/* Which kvmclock MSR pairs exist (Linux Documentation/virt/kvm/x86/msr.rst), as bits. */
enum sim_kvmclock_pairs {
	SIM_KVMCLOCK_NEW = 1u << 0, /* MSR_KVM_WALL_CLOCK_NEW 0x4b564d00, MSR_KVM_SYSTEM_TIME_NEW 0x4b564d01 */
	SIM_KVMCLOCK_OLD = 1u << 1, /* MSR_KVM_WALL_CLOCK 0x11, MSR_KVM_SYSTEM_TIME 0x12 (deprecated) */
};

enum sim_kvmclock_fault {
	SIM_KVMCLOCK_OK = 0,
	SIM_KVMCLOCK_VERSION_STUCK_ODD, /* every update leaves the version odd: forever "being written" */
	SIM_KVMCLOCK_NEVER_FILLED,      /* the host never writes the page: version 0, scale 0, as the guest zeroed it */
};

/* KVM's paravirtual clock, as KVM or VirtualBox's KVM provider implements it. */
struct sim_kvmclock_config {
	bool present;
	uint64_t claimed_tsc_hz; /* the rate the pvclock scale is derived from; 0: tsc_hz, the truth */
	uint32_t pairs;          /* enum sim_kvmclock_pairs bits */
	bool stable;             /* PVCLOCK_TSC_STABLE_BIT in the page's flags */
	enum sim_kvmclock_fault fault;
};

/* Hyper-V's time enlightenments (TLFS), as Hyper-V, KVM or VirtualBox implement them; each MSR exists only when
 * set here. */
struct sim_hyperv_config {
	uint64_t tsc_frequency_hz;         /* HV_X64_MSR_TSC_FREQUENCY 0x40000022; 0: no such MSR */
	uint64_t apic_frequency_hz;        /* HV_X64_MSR_APIC_FREQUENCY 0x40000023; 0: no such MSR */
	bool reference_counter;            /* HV_X64_MSR_TIME_REF_COUNT 0x40000020, 100 ns units */
	double reference_counter_rate_ppm; /* it runs at 10 MHz * (1 + rate_ppm / 1e6) of virtual time */
	bool reference_tsc_page;           /* HV_X64_MSR_REFERENCE_TSC 0x40000021 */
	uint64_t tsc_page_claimed_hz;      /* the rate TscScale is derived from; 0: tsc_hz, the truth */
	uint32_t tsc_page_sequence;        /* TscSequence as written; 0 marks the page invalid */
};

/* VMware's backdoor port (Linux arch/x86/kernel/cpu/vmware.c): what its GETHZ and GETVERSION commands answer. */
struct sim_vmware_backdoor_config {
	bool present;
	uint64_t tsc_hz;       /* 0: tsc_hz, the truth */
	uint32_t apic_hz;      /* 0: clocks.lapic.bus_hz */
	uint32_t version;      /* GETVERSION's EAX; 0: SIM_VMWARE_BACKDOOR_VERSION */
	uint32_t product_type; /* GETVERSION's ECX (enum vmware_product_type); 0 is "unset" */
};
/* The backdoor version VMware's products answer GETVERSION with (QEMU's vmport answers the same, hw/i386/vmport.c). */
#define SIM_VMWARE_BACKDOOR_VERSION 6u

/* How one idle state treats a clock: while the CPU sleeps in it the clock runs at rate x its normal rate. */
#define SIM_IDLE_RUNS 1.0
#define SIM_IDLE_STOPS 0.0

/* One idle state as the scenario describes it: HLT, or MWAIT with exactly this hint (EAX). */
struct sim_idle_state {
	enum idle_method method;
	uint32_t hint;     /* MWAIT's EAX; 0 for HLT */
	double tsc_rate;   /* SIM_IDLE_RUNS, SIM_IDLE_STOPS, or in between: how fast the TSC runs while asleep here */
	double lapic_rate; /* the same for the LAPIC timer's count */
};

#define SIM_MAX_IDLE_STATES 16

/* Idling: the CPU sleeps until the platform's next periodic interrupt, in a state the scenario may list. HLT, and
 * any MWAIT hint not listed, leave both clocks running. */
struct sim_idle_config {
	uint64_t wake_interval_ps; /* the periodic interrupt's period; 0: the firmware LAPIC tick's, else 10 ms */
	uint64_t wake_latency_ps;  /* from the interrupt to the guest running again; the clocks run meanwhile */
	bool mwait_faults;         /* MONITOR/MWAIT raise #UD even where CPUID.1:ECX[3] advertises them */
	/* MWAIT (every hint), or HLT, returns at once without sleeping: QEMU TCG's MWAIT with more than one vCPU,
	 * KVM's MWAIT emulated as a NOP. The call costs SIM_IDLE_AT_ONCE_PS and every clock runs. */
	bool mwait_returns_at_once, hlt_returns_at_once;
	uint32_t state_count;
	struct sim_idle_state states[SIM_MAX_IDLE_STATES];
};

/* The clocks a scenario's events name; each has its own rate over virtual time (struct sim_timeline). */
enum sim_clock_id {
	SIM_CLOCK_TSC,
	SIM_CLOCK_PM_TIMER,
	SIM_CLOCK_HPET,
	SIM_CLOCK_RTC,
	SIM_CLOCK_PIT,
	SIM_CLOCK_LAPIC,
	SIM_CLOCK_HV_REFERENCE_COUNTER,
	SIM_CLOCK_COUNT
};

enum sim_event_kind {
	SIM_EVENT_RATE,       /* from at_ps on, the clock runs at nominal * (1 + rate_ppm / 1e6), replacing its rate */
	SIM_EVENT_IDLE_STOPS, /* from at_ps on, the clock stands still for stops_for_ps of every stops_every_ps while
			       * the CPU sleeps in an idle call */
	SIM_EVENT_STEP,       /* at at_ps the TSC jumps by step_ticks (backwards when negative), once */
};

/* Something that happens to one clock at a moment of virtual time: the scenario's "events". */
struct sim_event {
	enum sim_event_kind kind;
	enum sim_clock_id clock;
	uint64_t at_ps; /* a rate change's moment; idle stops: the start of the first stop window */
	double rate_ppm;
	uint64_t stops_every_ps, stops_for_ps;
	int64_t step_ticks;
};

#define SIM_MAX_EVENTS 16

struct sim_config {
	char name[96];
	enum sim_out_of_range out_of_range;
	uint32_t cpuid_count;
	struct sim_cpuid_entry cpuid[SIM_MAX_CPUID];
	uint64_t tsc_hz;        /* the truth the probe should find */
	uint64_t rdtsc_cost_ps; /* virtual time one RDTSC takes */
	uint64_t cpuid_cost_ps;
	uint64_t msr_cost_ps; /* virtual time one RDMSR or WRMSR takes */
	uint64_t seed;        /* of the jitter generator: the same seed gives the same run */
	struct sim_clocks_config clocks;
	struct sim_acpi_config acpi;
	struct sim_smbios_config smbios;
	struct sim_msr_config msrs;
	struct sim_kvmclock_config kvmclock;
	struct sim_hyperv_config hyperv;
	struct sim_vmware_backdoor_config vmware_backdoor;
	struct sim_idle_config idle;
	uint32_t event_count;
	struct sim_event events[SIM_MAX_EVENTS]; /* in any order */
};

#define SIM_MSR_WRITE_LOG_ENTRIES 64

/* One WRMSR as the probe issued it. */
struct sim_msr_write {
	uint32_t msr;
	uint64_t value;
	enum access_status status;
};

#define SIM_IDLE_LOG_ENTRIES 64

/* One idle call: when the CPU went to sleep, when the interrupt came, when the guest ran again, and how much
 * virtual time the TSC and the LAPIC timer lost meanwhile. A faulted call has all three times equal. */
struct sim_idle_record {
	enum idle_method method;
	uint32_t hint;
	enum access_status status;
	uint64_t start_ps, wake_ps, end_ps;
	uint64_t tsc_lost_ps, lapic_lost_ps;
};

/* What the simulated machine saw, for tests to assert on. */
struct sim_trace {
	uint64_t cpuid_calls;
	uint64_t cpuid_beyond_max; /* reads of a hypervisor leaf above its live base's max leaf */
	uint32_t first_beyond_max_leaf;
	uint64_t io_reads, io_writes, mmio_reads, mmio_writes;
	uint64_t unclaimed_accesses;          /* port or MMIO accesses no device decodes */
	uint64_t jitter_events;               /* accesses that drew an extra delay */
	uint64_t hpet_counter_writes_refused; /* main-counter writes while ENABLE_CNF was set (spec: halt first) */
	uint64_t msr_reads, msr_writes, msr_faults; /* every RDMSR and WRMSR; those that raised #GP */
	uint32_t msr_write_count; /* entries in msr_write_log: the first SIM_MSR_WRITE_LOG_ENTRIES WRMSRs */
	struct sim_msr_write msr_write_log[SIM_MSR_WRITE_LOG_ENTRIES];
	uint64_t unbacked_page_writes; /* clock pages enabled where no allocated guest page is: nothing written */
	uint64_t backdoor_calls;
	uint64_t idle_calls, idle_hlt_calls, idle_mwait_calls; /* every idle call, and by method */
	uint64_t idle_faults;                                  /* MWAIT calls that raised #UD */
	uint64_t idle_wakes;                                   /* idle calls that slept and woke */
	uint64_t idle_at_once;                                 /* idle calls that returned at once without sleeping */
	uint64_t idle_ps;        /* virtual time from going to sleep to running again, summed */
	uint32_t idle_log_count; /* entries in idle_log: the first SIM_IDLE_LOG_ENTRIES idle calls */
	struct sim_idle_record idle_log[SIM_IDLE_LOG_ENTRIES];
};

/* Each device's registers, for tests that check the probe left the machine as it found it. */
struct sim_hpet_state {
	uint64_t gen_conf;
	uint64_t counter_at_anchor; /* the main counter's value at anchor_ps; it runs from there while enabled */
	uint64_t anchor_ps;
};

struct sim_rtc_state {
	uint8_t index; /* the last register selected through port 0x70 */
	bool nmi_disabled;
	uint8_t status_a, status_b;
};

/* One 8254 counter. Its progress: CLK pulses since its count was written, pulses_before + those since anchor_ps. */
struct sim_pit_channel {
	uint8_t mode;   /* 0..5 */
	uint8_t access; /* 1 lobyte, 2 hibyte, 3 lobyte then hibyte */
	bool bcd;
	uint32_t reload; /* the count register; 0 means the full modulus */
	bool null_count; /* programmed, count not yet loaded */
	bool gate;       /* channels 0 and 1: always high; channel 2: port 0x61 bit 0 */
	bool write_high_next, read_high_next;
	uint8_t write_low; /* the first byte of a lobyte-then-hibyte count */
	bool count_latched, status_latched;
	uint16_t latched_count;
	uint8_t latched_status;
	uint64_t pulses_before;
	uint64_t anchor_ps;
};

struct sim_pit_state {
	struct sim_pit_channel channel[3];
	uint8_t port61; /* writable bits 3:0 */
};

/* How far a clock has counted: nominal time in zeptoseconds (1e-21 s). A picosecond of virtual time at a rate error
 * of p parts per billion counts 1e9 + p of them, so rates to the ppb and hours of picoseconds stay exact integers. */
typedef unsigned __int128 sim_zs;

struct sim_lapic_state {
	uint32_t lvt_timer, initial_count, divide_config;
	uint64_t elapsed_before; /* timer ticks counted before the anchor since the initial count was written */
	sim_zs anchor_progress;  /* the bus clock's progress (sim_clock_progress) at the anchor */
};

/* The paravirtual MSRs' current values, for tests that check the probe left them as it found them. */
struct sim_kvmclock_state {
	uint64_t system_time_msr; /* both pairs share it, as in KVM: the page's address | enable (bit 0) */
	uint64_t wall_clock_msr;
	uint64_t page_updates; /* system-time pages written */
};

struct sim_hyperv_state {
	uint64_t reference_tsc_msr; /* 0x40000021: page number (bits 63:12), reserved bits, enable (bit 0) */
};

/* The guest pages page_alloc hands out: consecutive 4 KiB pages at 96 MiB, clear of the ACPI tables (synthesized
 * near 128 MiB, captured ones near 119 MiB) and inside even a small guest's RAM. */
#define SIM_GUEST_PAGES 8
#define SIM_PAGE_BYTES 4096
#define SIM_GUEST_PAGES_BASE 0x06000000ull
/* SMBIOS below the ACPI tables, near where OVMF puts it in a 128 MiB guest (tests/data/smbios). Its largest table,
 * every string at its longest, stays under 2 KiB. */
#define SIM_SMBIOS_BASE 0x07520000ull
#define SIM_SMBIOS_MAX_BYTES 4096

/* Simulated physical memory: the ACPI tables, each its own read-only region, and the writable guest pages. */
struct sim_phys {
	uint32_t table_count;
	struct sim_acpi_table tables[SIM_ACPI_MAX_TABLES];
	uint32_t used;
	uint8_t bytes[SIM_ACPI_MAX_BYTES];
	uint32_t smbios_length; /* the entry points and the table, from SIM_SMBIOS_BASE on */
	uint8_t smbios[SIM_SMBIOS_MAX_BYTES];
	bool page_allocated[SIM_GUEST_PAGES];
	uint64_t pages[SIM_GUEST_PAGES][SIM_PAGE_BYTES / sizeof(uint64_t)]; /* 8-byte aligned, as guest RAM is */
};

/* Each clock's true rate against virtual time at power-on (nominal * (1 + ppm/1e6)), what a perfect probe would
 * measure until an event changes it (sim_clock_rate_ppm); and what idling has cost the clocks that idle states and
 * idle-stop events stop or slow. */
struct sim_truth {
	double tsc_hz, pm_timer_hz, hpet_hz, rtc_hz, pit_hz, lapic_bus_hz;
	double hv_reference_counter_hz; /* 0 when the scenario has no Hyper-V reference counter */
	uint64_t wake_interval_ps;      /* the period of the interrupt that wakes an idle CPU */
	uint64_t tsc_idle_lost_ps;      /* virtual time the TSC did not count while idle (at half rate: half) */
	uint64_t lapic_idle_lost_ps;    /* the same for the LAPIC timer */
};

/* One stretch of a clock's rate: from start_ps on, each picosecond of virtual time counts zs_per_ps, after the
 * progress_before of the stretches before it. */
struct sim_rate_segment {
	uint64_t start_ps;
	uint64_t zs_per_ps;
	sim_zs progress_before;
};

/* A clock's rate over virtual time, piecewise constant (the power-on rate, then each rate event in time order), and
 * the progress idling took from it. */
struct sim_timeline {
	uint32_t segment_count;
	struct sim_rate_segment segments[SIM_MAX_EVENTS + 1];
	const struct sim_event *idle_stops; /* its periodic stop windows while idle (an event of the config), or NULL */
	sim_zs idle_lost;
};

#define SIM_WAKE_SOURCE_BYTES 80

struct sim {
	struct machine machine;
	const struct sim_config *config;
	uint64_t now_ps; /* virtual time since power-on, picoseconds */
	uint64_t prng;   /* xorshift64* state */
	struct sim_trace trace;
	struct sim_truth truth;
	struct sim_timeline timelines[SIM_CLOCK_COUNT];
	struct sim_hpet_state hpet;
	struct sim_rtc_state rtc;
	struct sim_pit_state pit;
	struct sim_lapic_state lapic;
	struct sim_phys phys;
	uint64_t msr_values[SIM_MAX_MSRS]; /* config->msrs.entries[i]'s current value (writable ones change) */
	struct sim_kvmclock_state kvmclock;
	struct sim_hyperv_state hyperv;
	char idle_wake_source[SIM_WAKE_SOURCE_BYTES]; /* machine.idle_wake_source points here */
};

/* Defaults shared by every scenario: costs of the basic operations, and a q35-like set of clocks. */
void sim_config_defaults(struct sim_config *c);

/* A machine over config (which must outlive it), at virtual time zero. */
void sim_init(struct sim *s, const struct sim_config *config);

/* Add or replace a CPUID entry; false when the table is full. */
bool sim_config_set_cpuid(struct sim_config *c, uint32_t leaf, uint32_t subleaf, const struct cpuid_regs *regs);

/* What CPUID(leaf, subleaf) answers on a machine of config c, without the cost or the trace of executing it. */
void sim_config_cpuid(const struct sim_config *c, uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out);

/* The firmware LAPIC tick's period in virtual time, initial count + 1 ticks of bus / divide (SDM Vol. 3A 11.5.4);
 * 0 unless it fires periodically. */
uint64_t sim_lapic_tick_period_ps(const struct sim *s);

/* Give s->machine its idle member and wake source (tools/sim_idle.c); sim_init calls it. */
void sim_idle_attach(struct sim *s);

/* Virtual time since power-on, in seconds. */
double sim_now_seconds(const struct sim *s);

/* The TSC's value at virtual time at_ps, no earlier than the end of the last idle: 0 at power-on, tsc_hz ticks per
 * virtual second (times 1 + rate_ppm / 1e6 after a rate event), less the ticks it lost while idle. */
uint64_t sim_tsc_at(const struct sim *s, uint64_t at_ps);

/* The rate error clock runs at at_ps, in ppm of its nominal rate: the scenario's rate_ppm until its first rate event,
 * then the latest event's (to the ppb, as counted). */
double sim_clock_rate_ppm(const struct sim *s, enum sim_clock_id clock, uint64_t at_ps);

/* The RTC's calendar time at virtual time at_ps, as its registers and GetTime() show it. */
void sim_rtc_calendar(const struct sim *s, uint64_t at_ps, struct calendar_time *out);
/* Whether the RTC is inside an update cycle (UIP's lead included) at at_ps: what firmware's GetTime waits out. */
bool sim_rtc_updating(const struct sim *s, uint64_t at_ps);

/* Set the checksums of f's tables as firmware would: an RSDP's two, over 20 bytes and its stated length; a table's,
 * over its stated length (or as much of it as f holds). Anything too short for its header is left alone. */
void sim_acpi_fix_checksums(struct sim_acpi_fixture *f);

/* Load tests/data/acpi-style fixture tables from dir (a "layout" file plus one .bin per table) into c. */
bool sim_acpi_load_fixture(struct sim_config *c, const char *dir, char *error, size_t error_size);

#endif
