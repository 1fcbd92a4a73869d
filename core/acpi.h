/* ACPI discovery: what the firmware's tables say about the PM timer, HPET, RTC century and local APIC. */
#ifndef TSCPROBE_ACPI_H
#define TSCPROBE_ACPI_H

#include <stdbool.h>
#include <stdint.h>

#include "machine.h"

/* Problems kept in full; later ones are only counted (problems_dropped). */
#define ACPI_MAX_PROBLEMS 16

/* A table that failed validation or a field that makes no sense: reported, never trusted. */
struct acpi_problem {
	char table[5];   /* signature as text, e.g. "FACP", "XSDT", "RSDP" */
	char reason[80]; /* e.g. "checksum mismatch"; a copy, so that a report read back from JSON holds it too */
};

enum acpi_root {
	ACPI_ROOT_NONE = 0, /* no usable root table: nothing below was found */
	ACPI_ROOT_XSDT,     /* 64-bit entries (ACPI 2.0+) */
	ACPI_ROOT_RSDT,     /* 32-bit entries: ACPI 1.0 RSDP, or the XSDT was absent or invalid */
};

/* Which FADT field gave the PM timer port. */
enum acpi_pm_port_field {
	ACPI_PM_PORT_NONE = 0,
	ACPI_PM_PORT_X_PM_TMR_BLK, /* the ACPI 2.0+ Generic Address Structure */
	ACPI_PM_PORT_PM_TMR_BLK,   /* the ACPI 1.0 32-bit port field */
};

struct acpi_info {
	bool rsdp_found; /* the 20-byte ACPI 1.0 part had the right signature and checksum */
	uint64_t rsdp_address;
	uint8_t rsdp_revision; /* 0: ACPI 1.0 (RSDT only); 2: ACPI 2.0 and later */
	char oem_id[7];        /* RSDP OEMID as text, unprintable bytes as '?': "BOCHS ", "VRTUAL", "VMWARE"... */
	enum acpi_root root;
	uint64_t root_address;

	struct {
		bool present;
		uint16_t port;
		uint8_t width_bits; /* 24, or 32 when the FADT sets TMR_VAL_EXT */
		enum acpi_pm_port_field port_field;
	} pm_timer;

	uint8_t rtc_century_index; /* CMOS RAM index of the century byte (FADT CENTURY); 0 = none */

	struct {
		bool present;
		uint64_t base;                 /* physical address of the register block (system memory) */
		uint32_t event_timer_block_id; /* the whole field, as stated */
		uint8_t hardware_rev_id;       /* bits 7:0 */
		/* Bits 12:8 "Number of Comparators", as stated. Firmware copies GCAP_ID.NUM_TIM_CAP here,
		 * which is the number of the last timer: 3 comparators read as 2. */
		uint8_t comparators_field;
		bool counter_64bit;      /* bit 13, COUNT_SIZE_CAP */
		bool legacy_replacement; /* bit 15, LegacyReplacement IRQ routing capable */
		uint16_t pci_vendor_id;  /* bits 31:16 */
		uint8_t hpet_number;     /* sequence number of this timer block */
		uint16_t min_tick;       /* main counter minimum clock tick in periodic mode, in counter ticks */
	} hpet;

	struct {
		bool present;
		uint64_t lapic_base;        /* the 32-bit field, or the Local APIC Address Override entry */
		bool lapic_base_overridden; /* an override entry (type 5) supplied lapic_base */
		uint32_t lapic_entries;     /* Processor Local APIC entries (type 0) */
		uint32_t lapic_enabled;     /* ...of which have the Enabled flag */
	} madt;

	/* Windows ACPI Emulated Devices Table: a hypervisor's claims about its emulated RTC and PM timer. */
	struct {
		bool present;
		bool rtc_good;      /* RTC needs no register C read to acknowledge an interrupt */
		bool pm_timer_good; /* a single PM timer read is reliable (no read-three-times workaround) */
	} waet;

	struct acpi_problem problems[ACPI_MAX_PROBLEMS];
	unsigned problem_count;
	unsigned problems_dropped;
};

/* Find the tables through m->acpi_rsdp and fill *out; never trusts a table that fails validation. */
void acpi_discover(struct machine *m, struct acpi_info *out);

/* The report schema's words for the enums, for the writers and the host reader alike. */
extern const char *const acpi_root_words[3];     /* by enum acpi_root */
extern const char *const pm_port_field_words[3]; /* by enum acpi_pm_port_field */

#endif
