/* Time sources: each is a driver (one file, ending in its descriptor) and an instance the calibrator reads. */
#ifndef TSCPROBE_TIMESOURCE_H
#define TSCPROBE_TIMESOURCE_H

#include "faults.h"
#include "platform.h"

/* How a source is read for calibration. */
enum sampling {
	SAMPLING_COUNTER, /* a counter that moves between reads: every bracketed read is a sample */
	SAMPLING_EDGES    /* a clock that ticks rarely (seconds): the instant it changes is the sample */
};

#define TIME_SOURCE_MAX_FINDINGS 6
#define TIME_SOURCE_DETAIL_BYTES 96

struct time_source;

struct time_source_driver {
	const char *name;  /* report key: "acpi_pm", "hpet", ... */
	const char *label; /* human name: "ACPI PM timer" */
	/* Find and validate the source (from what the report learned so far: CPUID, ACPI, hypervisor)
	 * and save what restore needs; NULL when usable, else why not. */
	const char *(*probe)(struct time_source *s, struct machine *m, const struct platform *p,
			     struct fault_log *faults);
	/* The raw counter value; counts up modulo s->modulus (0 = 2^64). */
	uint64_t (*read)(struct time_source *s, struct machine *m);
	/* Put back what probe changed; NULL when it changes nothing. */
	void (*restore)(struct time_source *s, struct machine *m);
};

struct time_source {
	const struct time_source_driver *driver;
	bool available;
	const char *reason;  /* why it is unavailable */
	double nominal_hz;   /* ticks per second the hardware specifies; 0 when only measurement tells */
	uint64_t modulus;    /* counter period in ticks, 0 = 2^64 */
	unsigned width_bits; /* for the report */
	enum sampling sampling;
	bool tsc_derived;   /* computed from the TSC itself (kvmclock): compared, never an independent reference */
	bool tick_imminent; /* an edge clock's tick is under way (the RTC's update-in-progress flag): in a shared
			     * window it is read alone meanwhile, so that no other read widens its edge */
	char detail[TIME_SOURCE_DETAIL_BYTES];          /* where and how: "port 0x608, 24-bit (FADT X_PM_TMR_BLK)" */
	const char *findings[TIME_SOURCE_MAX_FINDINGS]; /* validation results, worst first */
	unsigned finding_count;

	/* Driver state. */
	uint64_t address;    /* port, MMIO base or MSR */
	volatile void *page; /* a paravirtual clock page the probe owns */
	uint64_t saved[4];   /* registers to restore */
	uint64_t last_value; /* for drivers that derive a count (RTC seconds) */
	uint32_t flags;
};

/* Record a validation finding (static text); extra findings beyond the cap are dropped. */
void time_source_note(struct time_source *s, const char *finding);

/* The LAPIC timer counts its full 32-bit range for the probe (not the firmware's periodic tick). */
bool lapic_owned_by_probe(const struct time_source *s);

/* The drivers, in the order the probe uses them (most precise first). */
extern const struct time_source_driver pmtimer_driver, hpet_driver, rtc_driver, pit_driver, lapic_driver,
	uefi_time_driver, kvmclock_driver, hv_refcount_driver;

#endif
